"""A partnership's first real quarter (issue 15, "Done when"): built from the template with its own extracts.

The synthetic extracts are copied and renamed into a temporary ``data/local``-like folder and the
partnership given its own id ("testshire"); then each case of the issue is shown with
``validate`` alone (the refusals) and one real run (the full pack): omitted inputs refused,
``none`` reported as a gap, a previous pack of another partnership not compared, a stale extract
refused, Section 11 with one cycle running, Windows-1252 refused with its row and character and
how to save as CSV UTF-8, mixed-case headers read, and a normal run's output without warnings.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from assurance_lib import pipeline
from assurance_lib.config import project_root
from assurance_lib.errors import InputError

ROOT = project_root()
SYN = ROOT / "data" / "synthetic"


def _extracts(local: Path) -> dict[str, str]:
    """The synthetic data copied under the partnership's own names, with a first year's shape."""
    local.mkdir(parents=True)
    names = {
        "journey_events.csv": "childrens_journeys_extract.csv",
        "population_children.csv": "population.csv",
        "section11_register.csv": "s11_register.csv",
        "section11_returns.csv": "s11_returns.csv",
        "schools_register.csv": "schools.csv",
        "schools_returns.csv": "schools_audit_returns.csv",
        "schools_dip_history.csv": "dip_history.csv",
        "practitioner_survey.csv": "survey.csv",
        "audit_register.csv": "audits.csv",
        "audit_grades.csv": "grades.csv",
        "audit_findings.csv": "findings.csv",
        "audit_actions.csv": "actions.csv",
        "audit_names.txt": "names.txt",
        "commentary/2026-27-Q2.md": "commentary_2026-27-Q2.md",
        "reviews_register.csv": "reviews.csv",
        "review_recommendations.csv": "recommendations.csv",
        "action_ledger.csv": "ledger.csv",
        "voice_activities.csv": "voice_activities.csv",
        "voice_register.csv": "voice.csv",
        "complaints_compliments.csv": "complaints.csv",
        "scrutineer_visits.csv": "visits.csv",
        "survey_headcounts.csv": "headcounts.csv",
        "training_evaluation.csv": "training.csv",
        "agency_returns.csv": "agency_returns.csv",
    }
    out = {}
    for src, dst in names.items():
        shutil.copy(SYN / src, local / dst)
        out[src] = str(local / dst)
    # Section 11: the partnership's first cycle only (no earlier cycle to trend against)
    r = pd.read_csv(SYN / "section11_returns.csv", dtype=str, keep_default_na=False)
    r[r["cycle"] == "2026-27"].to_csv(local / "s11_returns.csv", index=False)
    # audits: no re-audit yet
    a = pd.read_csv(SYN / "audit_register.csv", dtype=str, keep_default_na=False)
    a.assign(previous_audit_id="").to_csv(local / "audits.csv", index=False)
    # the events extract with mixed-case, padded headers, as an export might have them
    text = (SYN / "journey_events.csv").read_text(encoding="utf-8").split("\n", 1)
    header = ",".join(f" {c.upper()} " if i % 2 else c.title() for i, c in enumerate(text[0].split(",")))
    (local / "childrens_journeys_extract.csv").write_text(header + "\n" + text[1], encoding="utf-8")
    return out


def _params(tmp: Path, files: dict[str, str], **change: object) -> Path:
    """A real period's parameters file, from the template, naming every input."""
    doc = yaml.safe_load((ROOT / "parameters" / "template.yaml").read_text(encoding="utf-8"))
    doc.update(
        partnership="Testshire Safeguarding Children Partnership",
        partnership_id="testshire",
        period="2026-27 Q2",
        output_root=str(tmp / "out"),
        identifier_names_file=files["audit_names.txt"],
    )
    nb = doc["notebooks"]
    nb["01_disproportionality"].update(
        events_path=files["journey_events.csv"], population_path=files["population_children.csv"], aggregate_path="none"
    )
    nb["02_section11"].update(
        register_path=files["section11_register.csv"],
        returns_path=files["section11_returns.csv"],
        survey_path=files["practitioner_survey.csv"],
        schools_register_path=files["schools_register.csv"],
        schools_returns_path=files["schools_returns.csv"],
        dip_history_path=files["schools_dip_history.csv"],
    )
    nb["03_audit_synthesis"].update(
        register_path=files["audit_register.csv"],
        grades_path=files["audit_grades.csv"],
        findings_path=files["audit_findings.csv"],
        actions_path=files["audit_actions.csv"],
        names_file=files["audit_names.txt"],
    )
    nb["04_core_dataset"].update(
        events_path=files["journey_events.csv"],
        population_path=files["population_children.csv"],
        agency_returns_path=files["agency_returns.csv"],
    )
    nb["05_learning"].update(
        reviews_path=files["reviews_register.csv"],
        recommendations_path=files["review_recommendations.csv"],
        ledger_path=files["action_ledger.csv"],
        activities_path=files["voice_activities.csv"],
        voice_path=files["voice_register.csv"],
        complaints_path=files["complaints_compliments.csv"],
        visits_path=files["scrutineer_visits.csv"],
        headcounts_path=files["survey_headcounts.csv"],
        survey_path=files["practitioner_survey.csv"],
        training_path=files["training_evaluation.csv"],
        agencies_path=files["section11_register.csv"],
    )
    nb["06_assurance_report"].update(
        commentary_path=files["commentary/2026-27-Q2.md"],
        children_feedback_path="none",
        practitioner_survey_path=files["practitioner_survey.csv"],
    )
    for key, value in change.items():
        nbname, _, param = key.partition("__")
        if value is None:
            del nb[nbname][param]
        else:
            nb[nbname][param] = value
    p = tmp / f"params_{len(list(tmp.glob('params_*')))}.yaml"
    p.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return p


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
def test_first_real_quarter_runs_cleanly(
    period: tuple[Path, dict[str, str]], capfd: pytest.CaptureFixture[str]
) -> None:
    tmp, files = period
    params = _params(tmp, files)
    # a previous pack of another partnership sits where this partnership's previous period would be
    prev = tmp / "out" / "2026-27-Q1" / "20260701T000000Z"
    (prev / "shareable" / "tables").mkdir(parents=True)
    (prev / "manifest.json").write_text(
        json.dumps({"partnership_id": "synthetic", "period": "2026-27 Q1", "parameters": {"disclosure": {}}}),
        encoding="utf-8",
    )
    (prev.parent / "LATEST").write_text(prev.name, encoding="utf-8")
    capfd.readouterr()
    result = pipeline.run(params, output_root=tmp / "out")  # (the test session sets ASSURANCE_OUTPUT_ROOT)
    out, err = capfd.readouterr()
    assert result.code == 0, result.message
    assert not re.search(r"warn|deprecat", out + err, re.I), out + err  # a normal run prints no warning
    assert out.count(str(result.pack)) == 1  # the pack's path, once
    report = " ".join((result.pack / "shareable" / "text" / "assurance_report.md").read_text(encoding="utf-8").split())
    assert "the previous pack is of another partnership (synthetic, this one is testshire)" in report
    assert "No children feedback was given for notebook 06_assurance_report (named 'none'" in report
    s11 = result.pack / "shareable" / "tables"
    assert (s11 / "flags_section11.csv").is_file()  # Section 11 ran on its first cycle
    # nothing in shareable/ names the machine: neither the output root nor the project root
    for f in (result.pack / "shareable").rglob("*"):
        if f.is_file() and f.suffix in (".html", ".md", ".csv", ".json", ".svg"):
            body = f.read_text(encoding="utf-8", errors="replace")
            assert str(tmp) not in body and str(ROOT) not in body, f
    manifest = json.loads((result.pack / "manifest.json").read_text(encoding="utf-8"))
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
