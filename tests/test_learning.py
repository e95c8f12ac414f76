"""The learning analysis (notebook 05): derived status, repeats, impact as at the period end,
re-audit dates, the voice tables, bad inputs (file, row, column) and the synthetic generator.

Expected values are worked out by hand from the small frames written in each test (the arithmetic
is in the comments), never copied from the code's output.
"""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

import pandas as pd
import pytest

from assurance_lib import learning, registry  # noqa: F401  (the registry registers every input contract)
from assurance_lib.config import Period
from assurance_lib.errors import InputError
from assurance_lib.learning import inputs as I
from assurance_lib.learning.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SYN = ROOT / "data" / "synthetic"
FW = ROOT / "data" / "frameworks"
Q2 = Period.parse("2026-27 Q2")  # 1 July to 30 September 2026; the financial year began 1 April 2026


def _ledger(rows: list[dict]) -> pd.DataFrame:
    base = {
        "source": "review",
        "source_ref": "R1",
        "themes": "neglect",
        "owner_agency": "Northshire Police",
        "action": "Do something useful",
        "impact": "none yet",
        "impact_evidence": pd.NA,
        "evidence_date": pd.NaT,
        "completed": None,
    }
    df = pd.DataFrame([{**base, **r} for r in rows])
    for c in ("created", "due", "completed", "evidence_date"):
        df[c] = pd.to_datetime(df[c])
    return df


def _params(**paths: Path | str) -> dict:
    p = {
        "framework_path": str(FW / "learning.yaml"),
        "priorities_path": str(FW / "priorities.yaml"),
        "reviews_path": str(SYN / "reviews_register.csv"),
        "recommendations_path": str(SYN / "review_recommendations.csv"),
        "activities_path": str(SYN / "voice_activities.csv"),
        "survey_questions_path": str(FW / "practitioner_survey_questions.yaml"),
    }
    p.update({k: str(v) for k, v in paths.items()})
    return p


# --------------------------------------------------------------------------- status
def test_status_is_derived_from_dates_and_the_period_end() -> None:
    df = _ledger(
        [
            {"action_id": "A", "created": "2026-05-01", "due": "2026-08-31", "completed": "2026-08-15"},
            {"action_id": "B", "created": "2026-05-01", "due": "2026-08-31", "completed": "2026-09-10"},
            {"action_id": "C", "created": "2026-05-01", "due": "2026-09-01"},
            {"action_id": "D", "created": "2026-05-01", "due": "2026-10-15"},
            {"action_id": "E", "created": "2026-05-01", "due": "2026-12-31"},
            # completed after the period end: still open at the end, and carried from 2025-26
            {"action_id": "F", "created": "2025-11-01", "due": "2026-02-01", "completed": "2026-10-05"},
            {"action_id": "G", "created": "2026-10-02", "due": "2026-12-01"},  # not yet created
            {"action_id": "H", "created": "2025-06-01", "due": "2026-03-31", "completed": "2026-03-20"},
        ]
    )
    out = learning.derive_status(df, Q2, 30).set_index("action_id")
    assert "G" not in out.index
    assert out["status"].to_dict() == {
        "A": "completed",
        "B": "completed late",  # 10 days after its due date: late, not complete on time
        "C": "overdue",
        "D": "due soon",  # due 15 days after 30 September, within 30
        "E": "on track",
        "F": "overdue",
        "H": "completed",
    }
    assert out.at["B", "days_late"] == 10
    assert out.at["C", "days_overdue"] == 29  # 1 to 30 September
    # 1 February to 30 September 2026: 27 + 31 + 30 + 31 + 30 + 31 + 31 + 30 = 241 days
    assert out.at["F", "days_overdue"] == 241
    assert out["late"].to_dict() == {"A": "no", "B": "yes", "C": "yes", "D": "no", "E": "no", "F": "yes", "H": "no"}
    # F was open on 1 April 2026; H was completed before it
    assert out.at["F", "carried_forward"] == "yes" and out.at["F", "from_year"] == "2025-26"
    assert out.at["H", "carried_forward"] == "no"
    assert pd.isna(out.at["F", "completed"])


def test_due_soon_window_is_the_setting() -> None:
    df = _ledger([{"action_id": "D", "created": "2026-05-01", "due": "2026-10-15"}])
    assert learning.derive_status(df, Q2, 14)["status"].iloc[0] == "on track"  # 15 days > 14


# --------------------------------------------------------------------------- repeats
def test_same_action_again_rule() -> None:
    df = _ledger(
        [
            {
                "action_id": "A1",
                "source_ref": "R1",
                "created": "2025-06-01",
                "due": "2025-12-01",
                "action": "Offer safeguarding supervision to every officer each quarter.",
            },
            # same owner, another recommendation, words: offer? no; safeguarding, supervision, officer, quarter
            # in A1 ({offer, safeguarding, supervision, officer, quarter}); shorter has 5 words, 4 shared = 0.8
            {
                "action_id": "A2",
                "source_ref": "R2",
                "created": "2026-06-01",
                "due": "2026-12-01",
                "action": "Give safeguarding supervision to every officer each quarter.",
            },
            # same words, other owner: not a repeat
            {
                "action_id": "A3",
                "source_ref": "R3",
                "owner_agency": "Northshire Council Housing",
                "created": "2026-06-02",
                "due": "2026-12-01",
                "action": "Offer safeguarding supervision to every officer each quarter.",
            },
            # same owner and recommendation as A1: the same recommendation's second action, not asked again
            {
                "action_id": "A4",
                "source_ref": "R1",
                "created": "2025-06-03",
                "due": "2025-12-01",
                "action": "Offer safeguarding supervision to every officer every quarter.",
            },
        ]
    )
    out = learning.detect_repeats(df, 0.6).set_index("action_id")
    assert out["repeated"].to_dict() == {"A1": "no", "A2": "yes", "A3": "no", "A4": "no"}
    assert out.at["A2", "repeats"] == "A1"
    # at 0.85 the overlap of 0.8 is not enough
    assert learning.detect_repeats(df, 0.85)["repeated"].eq("no").all()


def test_content_words_leave_out_short_and_common_words() -> None:
    assert learning.content_words("Make sure that every child is seen within 24 hours.") == frozenset(
        {"child", "seen", "hours"}
    )


# --------------------------------------------------------------------------- impact and re-audits
def test_impact_counts_only_once_its_evidence_is_dated() -> None:
    fw = I.load_framework(FW / "learning.yaml")
    df = _ledger(
        [
            # re-audit dated after 30 September: as at Q2 only the output counts
            {
                "action_id": "P",
                "created": "2026-04-01",
                "due": "2026-06-30",
                "completed": "2026-06-01",
                "impact": "practice change",
                "impact_evidence": "AUD-X",
                "evidence_date": "2026-11-01",
            },
            {
                "action_id": "Q",
                "created": "2026-04-01",
                "due": "2026-06-30",
                "completed": "2026-06-01",
                "impact": "practice change",
                "impact_evidence": "AUD-Y",
                "evidence_date": "2026-09-01",
            },
        ]
    )
    out = learning.impact_as_at(learning.derive_status(df, Q2, 30), Q2, fw.impact_grades).set_index("action_id")
    assert out.at["P", "impact"] == "output delivered" and pd.isna(out.at["P", "impact_evidence"])
    assert out.at["Q", "impact"] == "practice change" and out.at["Q", "impact_evidence"] == "AUD-Y"


def test_reaudit_is_proposed_months_after_completion_and_not_before_next_quarter() -> None:
    fw = I.load_framework(FW / "learning.yaml")
    recs = pd.DataFrame(
        {
            "recommendation_id": ["R1", "R2", "R3"],
            "review_id": ["V1", "V1", "V1"],
            "text": ["Look at plans", "Look at referrals", "Look at conferences"],
        }
    )
    reviews = pd.DataFrame({"review_id": ["V1"], "title": ["A review"]})
    df = _ledger(
        [
            {
                "action_id": "A",
                "source_ref": "R1",
                "created": "2026-01-01",
                "due": "2026-06-30",
                "completed": "2026-05-10",
                "impact": "output delivered",
            },
            {
                "action_id": "B",
                "source_ref": "R2",
                "created": "2025-10-01",
                "due": "2026-01-31",
                "completed": "2026-01-10",
                "impact": "output delivered",
            },
            # R3 has evidence of practice change: no re-audit proposed
            {
                "action_id": "C",
                "source_ref": "R3",
                "created": "2025-10-01",
                "due": "2026-01-31",
                "completed": "2026-01-10",
                "impact": "practice change",
                "impact_evidence": "AUD-Z",
                "evidence_date": "2026-07-01",
            },
        ]
    )
    a = learning.impact_as_at(learning.derive_status(df, Q2, 30), Q2, fw.impact_grades)
    p = learning.reaudit_proposals(a, recs, reviews, Q2, 6, fw).set_index("source_ref")
    assert set(p.index) == {"R1", "R2"}
    assert p.at["R1", "propose_by"] == "2026-11-10"  # 10 May + 6 months
    assert p.at["R2", "propose_by"] == "2026-10-01"  # 10 July is past: the next quarter starts 1 October


def test_period_of_dates() -> None:
    assert learning.period_of(pd.Timestamp("2026-04-01")) == "2026-27 Q1"
    assert learning.period_of(pd.Timestamp("2026-03-31")) == "2025-26 Q4"
    assert learning.period_of(pd.Timestamp("2026-12-25")) == "2026-27 Q3"


# --------------------------------------------------------------------------- voice
def test_survey_response_rate_against_headcount() -> None:
    survey = pd.DataFrame(
        {
            "respondent": ["r1", "r1", "r2", "r3"],
            "agency": ["A", "A", "A", "B"],
            "question_id": ["Q1", "Q2", "Q1", "Q1"],
        }
    )
    heads = pd.DataFrame({"agency": ["A", "B"], "headcount": [8, 40]})
    out = learning.survey_response(survey, heads).set_index("agency")
    assert out.at["A", "respondents"] == 2 and out.at["A", "response_rate"] == 25.0  # 2 of 8
    assert out.at["B", "response_rate"] == 2.5  # 1 of 40
    assert out.at["All agencies", "respondents"] == 3 and out.at["All agencies", "response_rate"] == 6.2  # 3/48=6.25


def test_training_confidence_change() -> None:
    t = pd.DataFrame(
        {
            "course": ["C", "C", "C"],
            "delivered": pd.to_datetime(["2026-05-01"] * 3),
            "agency": ["A", "A", "B"],
            "themes": ["neglect", "neglect;equity", pd.NA],
            "confidence_before": pd.array([2, 3, 1], dtype="Int64"),
            "confidence_after": pd.array([4, 3, 4], dtype="Int64"),
            "confidence_followup": pd.array([3, pd.NA, pd.NA], dtype="Int64"),
        }
    )
    c = learning.training_reach(t, Q2, "course").iloc[0]
    assert c["attendees"] == 3 and c["mean_before"] == 2.0 and c["mean_after"] == pytest.approx(3.67)
    assert c["mean_change"] == pytest.approx(1.67)  # (2 + 0 + 3) / 3
    assert c["followed_up"] == 1 and c["mean_followup"] == 3.0
    assert c["themes"] == "equity;neglect"  # every theme of the course's rows


# --------------------------------------------------------------------------- bad inputs
def _bad(tmp_path: Path, source: Path, row: int, column: str, value: str) -> Path:
    df = pd.read_csv(source, dtype=str, keep_default_na=False)
    df.loc[row - 2, column] = value  # file row numbers count the header as row 1
    out = tmp_path / source.name
    df.to_csv(out, index=False)
    return out


def _problem(exc: pytest.ExceptionInfo, file: str, row: int, column: str) -> None:
    text = str(exc.value)
    assert file in text and f"row {row}" in text and f"column '{column}'" in text, text


def _row_of(path: Path, **match: str) -> int:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    mask = pd.Series(True, index=df.index)
    for k, v in match.items():
        mask &= df[k].eq(v)
    return int(df.index[mask][0]) + 2


@pytest.mark.parametrize(
    ("column", "value", "match"),
    [
        ("impact_evidence", "", {"impact": "practice change"}),  # a practice change naming no re-audit
        ("impact", "output delivered", {"completed": ""}),  # graded but not completed
        ("due", "2026-13-01", {}),  # not a date
        ("source_ref", "RR-1999-09-R1", {"source": "review"}),  # no such recommendation
        ("themes", "safeguarding", {}),  # not a priority theme id
        ("impact_evidence", "happier_children", {"impact": "outcome for children"}),  # not an indicator
        ("source", "section11", {"source": "audit"}),  # an audit finding's action given another source
    ],
)
def test_bad_ledger_is_refused_naming_file_row_column(tmp_path: Path, column: str, value: str, match: dict) -> None:
    src = SYN / "action_ledger.csv"
    row = _row_of(src, **match)
    path = _bad(tmp_path, src, row, column, value)
    with pytest.raises(InputError) as exc:
        I.read_ledger(path, _params())
    _problem(exc, "action_ledger.csv", row, column)


def test_practice_change_evidenced_by_an_earlier_audit_is_refused(tmp_path: Path) -> None:
    src = SYN / "action_ledger.csv"
    df = pd.read_csv(src, dtype=str, keep_default_na=False)
    row = int(df.index[df["impact"].eq("practice change") & (df["completed"] > "2025-06-18")][0]) + 2
    path = _bad(tmp_path, src, row, "impact_evidence", "AUD-2025-03")  # dated 18 June 2025, before any completion
    with pytest.raises(InputError) as exc:
        I.read_ledger(path, _params())
    _problem(exc, "action_ledger.csv", row, "impact_evidence")


def test_bad_ledger_exits_2_before_any_notebook_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import yaml

    from assurance_lib.cli import main

    assert "status" not in I.LEDGER_COLUMNS  # the status is derived, never typed
    src = SYN / "action_ledger.csv"
    row = _row_of(src, impact="outcome for children")
    bad = _bad(tmp_path, src, row, "impact_date", "")  # an outcome with no date it was seen
    params = yaml.safe_load((ROOT / "parameters" / "2026-27-Q2.yaml").read_text())
    params["notebooks"]["05_learning"]["ledger_path"] = str(bad)
    pf = tmp_path / "2026-27-Q2.yaml"
    pf.write_text(yaml.safe_dump(params))
    assert main(["validate", str(pf)]) == 2
    err = capsys.readouterr().err
    assert "action_ledger.csv" in err and f"row {row}" in err and "column 'impact_date'" in err, err


@pytest.mark.parametrize(
    ("name", "reader", "column", "value", "row"),
    [
        ("reviews_register.csv", I.read_reviews, "kind", "serious case review", 3),
        ("review_recommendations.csv", I.read_recommendations, "review_id", "RR-1999-01", 4),
        ("voice_activities.csv", I.read_activities, "voice_themes", "worker_changes", 3),  # a pupils' survey
        ("voice_register.csv", I.read_voice, "consent", "maybe", 5),
        ("complaints_compliments.csv", I.read_complaints, "received", "31/02/2026", 6),
        ("scrutineer_visits.csv", I.read_visits, "stars_safety", "6", 2),
        ("survey_headcounts.csv", I.read_headcounts, "headcount", "many", 4),
        ("training_evaluation.csv", I.read_training, "confidence_after", "7", 9),
    ],
)
def test_bad_voice_and_register_inputs_name_file_row_column(
    tmp_path: Path, name: str, reader, column: str, value: str, row: int
) -> None:
    path = _bad(tmp_path, SYN / name, row, column, value)
    with pytest.raises(InputError) as exc:
        reader(path, _params())
    _problem(exc, name, row, column)


def test_a_quote_on_a_theme_that_does_not_fit_the_audience_is_refused(tmp_path: Path) -> None:
    # a practitioner forum's quote filed under "changes of social worker"
    src = SYN / "voice_register.csv"
    row = _row_of(src, activity_id="VA-04")
    path = _bad(tmp_path, src, row, "voice_theme", "worker_changes")
    with pytest.raises(InputError) as exc:
        I.read_voice(path, _params())
    _problem(exc, "voice_register.csv", row, "voice_theme")


def test_settings_are_checked() -> None:
    nb = json.loads((ROOT / "notebooks" / "05_learning.ipynb").read_text())
    ns: dict = {}
    exec("".join(nb["cells"][1]["source"]), ns)
    params = {k: v for k, v in ns.items() if not k.startswith("__")}
    Settings.from_params(params)
    with pytest.raises(InputError, match="due_soon_days"):
        Settings.from_params({**params, "due_soon_days": 400})
    with pytest.raises(InputError, match="repeat_overlap"):
        Settings.from_params({**params, "repeat_overlap": "most"})


# --------------------------------------------------------------------------- synthetic data
def test_generator_is_deterministic(tmp_path: Path) -> None:
    from assurance_lib.synthetic import DEFAULT_SEED
    from assurance_lib.synthetic import learning as gen

    for p in gen.generate(tmp_path, DEFAULT_SEED):
        assert filecmp.cmp(p, SYN / p.name, shallow=False), p.name


def test_synthetic_partnership_reads_and_has_late_carried_and_repeated_actions() -> None:
    params = _params()
    ledger = I.read_ledger(SYN / "action_ledger.csv", params)
    per_year = ledger.groupby(ledger["created"].dt.year).size()
    assert per_year.get(2025, 0) >= 80  # scores to a hundred actions a year
    s = Settings.from_params(
        {
            **params,
            "ledger_path": str(SYN / "action_ledger.csv"),
            "voice_path": str(SYN / "voice_register.csv"),
            "complaints_path": str(SYN / "complaints_compliments.csv"),
            "visits_path": str(SYN / "scrutineer_visits.csv"),
            "headcounts_path": str(SYN / "survey_headcounts.csv"),
            "survey_path": "",
            "training_path": str(SYN / "training_evaluation.csv"),
            "agencies_path": str(SYN / "section11_register.csv"),
            "due_soon_days": 30,
            "reaudit_after_months": 6,
            "repeat_overlap": 0.6,
        }
    )
    res = learning.compute(learning.load(s), s, Q2, partnership="test")
    a = res.actions
    assert a["status"].eq("completed late").sum() >= 5
    assert a["carried_forward"].eq("yes").sum() >= 5
    assert 2 <= a["repeated"].eq("yes").sum() <= 15
    # quotes are not copied: every quote in the register is different
    voice = pd.read_csv(SYN / "voice_register.csv")
    assert voice["quote"].is_unique
    assert "practitioner survey" in res.gaps


def test_bad_framework_and_question_bank_name_file_and_key(tmp_path: Path) -> None:
    import yaml

    fw = yaml.safe_load((FW / "learning.yaml").read_text())
    fw["voice_themes"]["worker_changes"]["audiences"] = ["pupils", "dogs"]
    p = tmp_path / "learning.yaml"
    p.write_text(yaml.safe_dump(fw))
    with pytest.raises(InputError) as exc:
        I.load_framework(p)
    assert "learning.yaml" in str(exc.value) and "voice_themes.worker_changes.audiences" in str(exc.value)
    q = tmp_path / "questions.yaml"
    q.write_text("questions:\n  PQ1:\n    scale: agree5\n")  # no text
    with pytest.raises(InputError) as exc:
        I.load_questions(q)
    assert "questions.yaml" in str(exc.value) and "questions.PQ1" in str(exc.value)


def test_survey_question_not_in_the_bank_is_refused(tmp_path: Path) -> None:
    src = SYN / "practitioner_survey.csv"
    row = 7
    path = _bad(tmp_path, src, row, "question_id", "PQ9")
    bank = tmp_path / "bank.yaml"
    bank.write_text(
        (FW / "practitioner_survey_questions.yaml").read_text().replace("  PQ5:", "  PQ9:"), encoding="utf-8"
    )
    # PQ9 is in this bank but PQ5 no longer is: every PQ5 row is refused, and the PQ9 row is not
    with pytest.raises(InputError) as exc:
        I.read_survey(path, _params(survey_questions_path=bank))
    text = str(exc.value)
    assert "practitioner_survey.csv" in text and "column 'question_id'" in text and "'PQ5'" in text
    assert f"row {row}," not in text
