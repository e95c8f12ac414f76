"""A partnership's first real quarter (issue 15, "Done when"): built from the template with its own extracts.

The synthetic extracts are copied and renamed into a temporary ``data/local``-like folder and the
partnership given its own id ("testshire"); then each case of the issue is shown with
``validate`` alone (the refusals) and one real run (the full pack, built once by
``tests/first_real_quarter.py`` with hostile text planted for ``test_hostile_inputs.py``): omitted inputs refused,
``none`` reported as a gap, a previous pack of another partnership not compared, a stale extract
refused, Section 11 with one cycle running, Windows-1252 refused with its row and character and
how to save as CSV UTF-8, mixed-case headers read, and a normal run's output without warnings.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from first_real_quarter import extracts as _extracts
from first_real_quarter import params_file as _params

from assurance_lib import pipeline
from assurance_lib.config import project_root
from assurance_lib.errors import InputError

ROOT = project_root()


def _problems(params: Path) -> str:
    with pytest.raises(InputError) as exc:
        pipeline.validate(params)
    return exc.value.render()


@pytest.fixture(scope="module")
def period(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    tmp = tmp_path_factory.mktemp("testshire")
    return tmp, _extracts(tmp / "local")


def test_omitted_inputs_and_synthetic_data_are_refused(period: tuple[Path, dict[str, str]]) -> None:
    tmp, files = period
    text = _problems(
        _params(
            tmp,
            files,
            **{
                "02_section11__survey_path": None,
                "03_audit_synthesis__names_file": None,
                "01_disproportionality__population_path": "data/synthetic/population_children.csv",
            },
        )
    )
    assert "'notebooks.02_section11.survey_path': is not named" in text
    assert "'notebooks.03_audit_synthesis.names_file': is not named" in text  # its default is the synthetic list
    assert "notebooks.01_disproportionality.population_path" in text and "not the bundled synthetic data" in text


def test_stale_extract_is_refused_with_its_dates(period: tuple[Path, dict[str, str]]) -> None:
    tmp, files = period
    ev = pd.read_csv(files["journey_events.csv"], dtype=str, keep_default_na=False)
    stale = tmp / "events_to_june.csv"
    ev[ev.iloc[:, 2].str.strip() <= "2026-06-30"].to_csv(stale, index=False)  # ends at Q1's end: a quarter out of date
    text = _problems(_params(tmp, files, **{"01_disproportionality__events_path": str(stale)}))
    assert "ends on 30 June 2026, before the period 2026-27 Q2 ends on 30 September 2026" in text
    assert "on or after 16 September 2026" in text  # 30 September less the template's 14 days' tolerance


def test_windows_1252_is_refused_with_row_character_and_how_to_save(period: tuple[Path, dict[str, str]]) -> None:
    tmp, files = period
    reg = Path(files["section11_register.csv"]).read_text(encoding="utf-8").splitlines()
    reg[3] = reg[3].replace("Northshire", "Northshire Caf\u00e9", 1)  # line 4 of the file: the third agency
    bad = tmp / "s11_register_excel.csv"
    bad.write_bytes(("\r\n".join(reg) + "\r\n").encode("cp1252"))
    text = _problems(_params(tmp, files, **{"02_section11__register_path": str(bad)}))
    assert "row 4" in text and "byte 0xE9 (the character 'é' in Windows-1252" in text
    assert "CSV UTF-8 (Comma delimited)" in text


def test_new_period_moves_the_dates_on(period: tuple[Path, dict[str, str]]) -> None:
    from assurance_lib.periods import next_period_text

    tmp, files = period
    text, p, todo = next_period_text(_params(tmp, files).read_text(encoding="utf-8"))
    assert p.label == "2026-27 Q3" and "period: 2026-27 Q3" in text
    assert "commentary_2026-27-Q3.md" in text and todo == []


@pytest.mark.slow
def test_first_real_quarter_runs_cleanly(first_real_quarter: dict[str, str]) -> None:
    """The whole run (``tests/first_real_quarter.py``, which also plants hostile text: a clean run on it)."""
    run = first_real_quarter
    out, err = run["stdout"], run["stderr"]
    assert run["code"] == "0", out[-3000:] + err[-3000:]
    assert not re.search(r"warn|deprecat", out + err, re.I), out + err  # a normal run prints no warning
    period = Path(run["period"])
    pack = period / (period / "LATEST").read_text(encoding="utf-8").strip()
    assert out.count(str(pack)) == 1  # the pack's path, once
    report = " ".join((pack / "shareable" / "text" / "assurance_report.md").read_text(encoding="utf-8").split())
    assert "the previous pack is of another partnership (synthetic, this one is testshire)" in report
    assert "No children feedback was given for notebook 06_assurance_report (named 'none'" in report
    s11 = pack / "shareable" / "tables"
    assert (s11 / "flags_section11.csv").is_file()  # Section 11 ran on its first cycle
    # nothing in shareable/ names the machine: neither the output root nor the project root
    for f in (pack / "shareable").rglob("*"):
        if f.is_file() and f.suffix in (".html", ".md", ".csv", ".json", ".svg"):
            body = f.read_text(encoding="utf-8", errors="replace")
            assert run["tmp"] not in body and str(ROOT) not in body, f
    manifest = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["partnership_id"] == "testshire"
    events = next(i for i in manifest["inputs"] if i.get("contract") == "journey_events")
    assert events["last_date"] == "2026-09-30" and events["rows"] == 27178  # mixed-case headers read


def test_section11_trends_of_a_first_cycle_keep_the_sector() -> None:
    """The root of ``KeyError: 'sector'``: with one cycle, trends() returned no sector column."""
    from assurance_lib.section11.analysis import trends
    from assurance_lib.section11.compute import trend_summary

    ratings = pd.DataFrame(
        {
            "cycle": ["2026-27"] * 3,
            "agency": ["A", "A", "B"],
            "standard": ["S1", "S2", "S1"],
            "scale": ["rag3"] * 3,
            "label": ["Green", "Amber", "Red"],
            "position": [2, 1, 0],
            "self_label": ["Green", "Amber", "Red"],
            "self_position": [2, 1, 0],
            "moderated": [False, False, False],
            "moderated_position": [None, None, None],
        }
    )
    register = pd.DataFrame({"agency": ["A", "B"], "sector": ["Police", "Health"]})
    t = trends(ratings, "2026-27", register)
    assert list(t["sector"]) == ["Police", "Police", "Health"] and set(t["trend"]) == {"no previous cycle"}
    s = trend_summary(t)
    assert dict(zip(s["agency"], s["no previous cycle"])) == {"A": 2, "B": 1}  # 2 standards of A, 1 of B
    assert s["declined"].tolist() == [0, 0]
