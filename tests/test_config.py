"""Run parameters: periods, the typed frozen config, and rejection of bad files before anything runs."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from assurance_lib.config import DisclosureConfig, Period, load_params
from assurance_lib.errors import InputError


# Financial-year quarters (worked by hand from the DfE convention: the year runs 1 April to 31 March).
@pytest.mark.parametrize(
    "label, start, end, slug",
    [
        ("2026-27 Q1", dt.date(2026, 4, 1), dt.date(2026, 6, 30), "2026-27-Q1"),
        ("2026-27 Q2", dt.date(2026, 7, 1), dt.date(2026, 9, 30), "2026-27-Q2"),
        ("2026-27 Q3", dt.date(2026, 10, 1), dt.date(2026, 12, 31), "2026-27-Q3"),
        ("2026-27 Q4", dt.date(2027, 1, 1), dt.date(2027, 3, 31), "2026-27-Q4"),
        ("2099-00 Q4", dt.date(2100, 1, 1), dt.date(2100, 3, 31), "2099-00-Q4"),
    ],
)
def test_period_dates(label: str, start: dt.date, end: dt.date, slug: str) -> None:
    p = Period.parse(label)
    assert (p.start, p.end, p.slug, p.label) == (start, end, slug, label)
    assert Period.parse(slug) == p


def test_period_navigation_and_rolling_window() -> None:
    p = Period.parse("2026-27 Q1")
    assert p.previous().label == "2025-26 Q4"
    assert p.previous().next() == p
    assert Period.parse("2025-26 Q4").next().label == "2026-27 Q1"
    # 12 months ending 30 June 2026 start on 1 July 2025.
    assert p.rolling_start(12) == dt.date(2025, 7, 1)
    with pytest.raises(ValueError, match="whole number of quarters"):
        p.rolling_start(7)


@pytest.mark.parametrize("bad", ["2026-28 Q2", "2026 Q2", "2026-27 Q5", "Q2 2026-27", "2026-27Q2", ""])
def test_bad_periods_rejected(bad: str) -> None:
    with pytest.raises(ValueError):
        Period.parse(bad)


def test_default_parameters_load_and_are_frozen(root: Path) -> None:
    cfg = load_params(root=root)
    assert cfg.period.label == "2026-27 Q2"
    assert cfg.disclosure == DisclosureConfig()  # the defaults follow DfE: 1-5 suppressed, zeros shown
    assert cfg.disclosure.threshold == 5 and cfg.disclosure.suppress_zeros is False
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.retention = 9  # type: ignore[misc]
    with pytest.raises(TypeError):
        cfg.notebooks["01_disproportionality"]["x"] = 1  # type: ignore[index]


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "p.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_every_problem_is_listed_with_file_key_and_expectation(tmp_path: Path, root: Path) -> None:
    p = _write(
        tmp_path,
        """
partnership: 12
period: 2026-27 Q7
retention: "five"
colour: blue
disclosure:
  threshold: "5"
  shade: dark
notebooks:
  01_demo:
    events_path: data/nowhere.csv
    mystery: 1
""",
    )
    with pytest.raises(InputError) as err:
        load_params(p, root=root, notebook_params={"01_demo": {"events_path": (str,)}})
    text = err.value.render()
    lines = [str(x) for x in err.value.problems]
    assert len(lines) == 8, text
    assert all(line.startswith(str(p)) or line.startswith("p.yaml") or str(tmp_path) in line for line in lines)
    assert "key 'partnership': 12 (expected text" in text
    assert "key 'period': '2026-27 Q7'" in text and "financial-year quarter" in text
    assert "key 'retention': 'five' (expected a whole number" in text
    assert "key 'colour'" in text and "a known key" in text
    assert "key 'disclosure.threshold': '5' (expected a whole number)" in text
    assert "key 'disclosure.shade'" in text
    assert "key 'notebooks.01_demo.mystery'" in text and "a parameter of notebook 01_demo" in text
    assert "key 'notebooks.01_demo.events_path': 'data/nowhere.csv' (expected an existing file" in text


def test_missing_keys_and_unknown_notebook(tmp_path: Path, root: Path) -> None:
    p = _write(tmp_path, "notebooks:\n  99_nothing: {}\n")
    with pytest.raises(InputError) as err:
        load_params(p, root=root, notebook_params={"01_demo": {}})
    text = err.value.render()
    assert "key 'partnership': missing" in text
    assert "key 'period': missing" in text
    assert "key 'notebooks.99_nothing'" in text and "one of: 01_demo" in text


def test_label_form_required_and_disclosure_values_checked(tmp_path: Path, root: Path) -> None:
    p = _write(tmp_path, "partnership: X\nperiod: 2026-27-Q2\ndisclosure:\n  rounding_base: 7\n")
    with pytest.raises(InputError) as err:
        load_params(p, root=root)
    text = err.value.render()
    assert "the label form '2026-27 Q2'" in text
    assert "rounding_base must be one of 0, 5, 10, got 7" in text


def test_missing_file_and_bad_yaml(tmp_path: Path, root: Path) -> None:
    with pytest.raises(InputError, match="no such parameters file"):
        load_params(tmp_path / "absent.yaml", root=root)
    p = _write(tmp_path, "partnership: [unclosed\n")
    with pytest.raises(InputError, match="not valid YAML"):
        load_params(p, root=root)


def test_output_root_override_order(tmp_path: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = _write(tmp_path, "partnership: X\nperiod: 2026-27 Q1\noutput_root: from-file\n")
    monkeypatch.delenv("ASSURANCE_OUTPUT_ROOT", raising=False)
    assert load_params(p, root=root).output_root == root / "from-file"
    monkeypatch.setenv("ASSURANCE_OUTPUT_ROOT", str(tmp_path / "env"))
    assert load_params(p, root=root).output_root == tmp_path / "env"
    assert load_params(p, root=root, output_root=tmp_path / "arg").output_root == tmp_path / "arg"


def test_project_root_is_found_in_the_documented_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``ASSURANCE_ROOT`` first; else the nearest parent of the working folder holding both
    ``pyproject.toml`` and ``parameters/``; else the folder above the installed package."""
    from assurance_lib.config import project_root

    project = tmp_path / "copy_of_the_project"
    (project / "parameters").mkdir(parents=True)
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    deep = project / "notebooks" / "scratch"
    deep.mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "parameters").mkdir(parents=True)  # parameters/ without pyproject.toml: not a project
    package_parent = Path(__import__("assurance_lib").__file__).resolve().parent.parent

    monkeypatch.delenv("ASSURANCE_ROOT", raising=False)
    monkeypatch.chdir(deep)
    assert project_root() == project.resolve()
    monkeypatch.chdir(elsewhere)
    assert project_root() == package_parent
    monkeypatch.setenv("ASSURANCE_ROOT", str(elsewhere))
    monkeypatch.chdir(deep)
    assert project_root() == elsewhere.resolve()
