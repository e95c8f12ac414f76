"""Notebook 02 (Section 11) on the synthetic data, and the CLI's exit code 2.

The notebook is run once per session by the pipeline on its defaults (``synthetic_pack`` in
conftest); the assertions read the files it wrote. One more run, standalone as an analyst runs it
in JupyterLab (no parameter injected, no pack folder), must publish the same tables.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from assurance_lib import cli
from assurance_lib.synthetic import section11 as syn
from assurance_lib.tables import FLAG_COLUMNS

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def pack(synthetic_pack: Path) -> Path:
    return synthetic_pack


def test_tables_are_declared_as_agency_organisation_tables(pack: Path) -> None:
    index = json.loads((pack / "shareable" / "tables" / "index.json").read_text())["tables"]
    mine = {e["name"]: e for e in index if e["name"].startswith("section11_")}
    expected = {
        "section11_returns_received",
        "section11_ratings",
        "section11_agencies",
        "section11_sectors",
        "section11_domains",
        "section11_standards",
        "section11_moderation",
        "section11_moderation_crosstab",
        "section11_evidence",
        "section11_trends",
        "section11_trend_summary",
        "section11_triangulation",
        "section11_risk_ranking",
        "section11_risk_rules",
        "section11_action_plan",
        "section11_action_history",
    }
    assert set(mine) == expected
    assert {(e["unit"], e["rule"]) for e in mine.values()} == {("agencies", "organisations")}
    for name in expected:
        assert (pack / "shareable" / "tables" / f"{name}.csv").is_file()


def test_shortlist_flags_and_scorecards(pack: Path) -> None:
    tables = pack / "shareable" / "tables"
    rk = pd.read_csv(tables / "section11_risk_ranking.csv")
    short = set(rk.loc[rk["shortlisted"], "agency"])
    assert {"Northshire Police", "Eastbank University Hospital Trust", *syn.PLANTED_DECLINES} <= short
    assert rk["reasons"].notna().all()
    flags = pd.read_csv(tables / "flags_section11.csv")
    assert list(flags.columns[: len(FLAG_COLUMNS)]) == list(FLAG_COLUMNS)
    assert set(flags["analysis"]) == {"section11"}
    got = set(zip(flags["category"], flags["subject"]))
    for a in syn.PLANTED_MISSING:
        assert ("missing return", a) in got
    assert ("over-rating at moderation", "Eastbank University Hospital Trust") in got
    for a in syn.PLANTED_DECLINES:
        assert ("decline", a) in got
    named = flags[flags["category"].isin(["persistent not met", "same action again"])]
    assert set(named.loc[named["category"].eq("same action again"), "agency"]) == {"Northshire Police"}
    assert {"direction", "agency", "statutory_partner", "first_period"} <= set(flags.columns)
    cards = sorted((pack / "shareable" / "letters").glob("section11_feedback_*.html"))
    assert len(cards) == 24  # one per agency in the register
    eastbank = (
        pack / "shareable" / "letters" / "section11_feedback_eastbank_university_hospital_trust.html"
    ).read_text()
    assert "<h1>Section 11 feedback: Eastbank University Hospital Trust</h1>" in eastbank
    assert "Selected for an assurance visit" in eastbank
    assert len(list((pack / "shareable" / "letters").glob("schools_feedback_*.html"))) == 40
    assert (tables / "schools_dip_sample.csv").is_file() and (tables / "schools_panel.csv").is_file()
    for f in ("section11_heatmap.png", "section11_heatmap.svg", "section11_heatmap.csv"):
        assert (pack / "shareable" / "figures" / f).is_file()


def test_no_respondent_reference_or_evidence_narrative_in_the_pack(pack: Path) -> None:
    survey = pd.read_csv(ROOT / "data" / "synthetic" / "practitioner_survey.csv", dtype=str)
    refs = set(survey["respondent"])
    narrative = "Policy and audit evidence for"  # the synthetic evidence narratives
    notes = "Panel reviewed the evidence"  # the synthetic moderation notes
    for f in pack.rglob("*"):
        if f.is_file() and f.suffix in (".csv", ".md", ".json", ".ipynb", ".svg", ".html"):
            text = f.read_text(errors="ignore")
            assert not any(r in text for r in refs), f"respondent reference in {f.name}"
            if "shareable" in f.parts:
                assert narrative not in text and notes not in text, f"free text in {f.name}"


def test_runs_standalone_on_its_defaults_as_in_jupyterlab(
    pack: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The analyst's way: the committed notebook, nothing injected, run from notebooks/ into the
    scratch folder ``$ASSURANCE_OUTPUT_ROOT/scratch/<period>/``; its tables are the pipeline's."""
    import papermill as pm

    monkeypatch.setenv("ASSURANCE_OUTPUT_ROOT", str(tmp_path / "outputs"))
    pm.execute_notebook(
        str(ROOT / "notebooks" / "02_section11.ipynb"),
        str(tmp_path / "executed.ipynb"),
        kernel_name="python3",
        cwd=str(ROOT / "notebooks"),
        progress_bar=False,
        log_output=False,
    )
    scratch = tmp_path / "outputs" / "scratch" / "2026-27-Q2"
    written = sorted(p.name for p in (scratch / "shareable" / "tables").glob("*.csv"))
    assert "section11_ratings.csv" in written and "flags_section11.csv" in written
    for name in written:
        assert (scratch / "shareable" / "tables" / name).read_bytes() == (
            pack / "shareable" / "tables" / name
        ).read_bytes(), name


def _bad_run_setup(tmp_path: Path) -> tuple[Path, Path]:
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    shutil.copy(ROOT / "notebooks" / "02_section11.ipynb", nbdir)
    bad = tmp_path / "returns.csv"
    text = (ROOT / "data" / "synthetic" / "section11_returns.csv").read_text().splitlines()
    text[1] = text[1].replace("Partially met", "Mostly met", 1)  # row 2: a rating not on the scale
    bad.write_text("\n".join(text) + "\n")
    params = tmp_path / "params.yaml"
    params.write_text(
        "partnership: Test\nperiod: 2026-27 Q2\nnotebooks:\n  02_section11:\n"
        f"    returns_path: {bad}\n"
        f"    register_path: {ROOT / 'data/synthetic/section11_register.csv'}\n"
        f"    framework_path: {ROOT / 'data/frameworks/section11_wt2023.yaml'}\n"
    )
    return nbdir, params


def test_validate_and_run_exit_2_on_bad_returns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nbdir, params = _bad_run_setup(tmp_path)
    assert cli.main(["validate", str(params), "--notebooks", str(nbdir)]) == 2
    err = capsys.readouterr().err
    assert "returns.csv, row 2, column 'self_rating': 'Mostly met' (expected a rating on the scale 'rag3'" in err
    code = cli.main(["run", str(params), "--notebooks", str(nbdir), "--output-root", str(tmp_path / "out"), "--quiet"])
    assert code == 2
    assert not list((tmp_path / "out").rglob("*.ipynb"))  # no notebook ran


def test_validate_passes_on_the_synthetic_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    shutil.copy(ROOT / "notebooks" / "02_section11.ipynb", nbdir)
    params = tmp_path / "params.yaml"
    params.write_text(
        "partnership: Test\nperiod: 2026-27 Q2\nnotebooks:\n  02_section11:\n"
        "    returns_path: data/synthetic/section11_returns_workbook.xlsx\n"
    )
    assert cli.main(["validate", str(params), "--notebooks", str(nbdir)]) == 0
    out = capsys.readouterr().out
    # framework, register, the workbook of returns and the practitioner survey, and the schools audit's
    # framework, register, returns and dip-sample history (notebook defaults)
    assert "8 inputs checked against their contracts; no problems found." in out
    assert "section11_returns" in out and "33 rows" in out  # 3 agencies x 11 standards in the workbook
