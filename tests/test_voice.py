"""Tests of the practitioner survey contract (assurance_lib.voice).

Every expected value below is worked out by hand from the small inline fixtures.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from assurance_lib.errors import InputError
from assurance_lib.voice import PRACTITIONER_SURVEY_COLUMNS, read_practitioner_survey, summarise_practitioner_survey

HEADER = "respondent,agency,sector,question_id,answer,scale,standard,theme,comment\n"
# Three respondents (pseudonymous references that must never appear in output or messages).
GOOD = HEADER + (
    "PX-Q7Z1,Northtown Police,Police,Q1,Agree,agree5,WT03,Voice of the child,free text about a colleague\n"
    "PX-Q7Z1,Northtown Police,Police,Q2,yes,yes_no,,Supervision,\n"
    "PX-K2M9,Northtown Police,Police,Q1,strongly disagree,agree5,WT03,Voice of the child,\n"
    "PX-K2M9,Northtown Police,Police,Q2,No,yes_no,,Supervision,\n"
    "PX-B4T8,Southvale School,Education,Q1,Strongly agree,agree5,WT03,Voice of the child,\n"
)
REGISTER = (
    "agency,sector,statutory_partner,expected_return,deadline,date_received\n"
    "Northtown Police,Police,yes,yes,2026-06-30,2026-06-20\n"
    "Southvale School,Education,no,yes,2026-06-30,\n"
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_reads_answers_on_their_own_scales_and_drops_free_text(tmp_path: Path) -> None:
    df = read_practitioner_survey(_write(tmp_path, "survey.csv", GOOD), {})
    assert "comment" not in df.columns  # free text is not read
    assert set(PRACTITIONER_SURVEY_COLUMNS) <= set(df.columns)
    # By hand: agree5 positions are 0, .25, .5, .75, 1 (worst first); Agree = .75, positive.
    assert df["answer_label"].tolist() == ["Agree", "Yes", "Strongly disagree", "No", "Strongly agree"]
    assert df["position"].astype(float).tolist() == [0.75, 1.0, 0.0, 0.0, 1.0]
    assert df["positive"].astype(bool).tolist() == [True, True, False, False, True]
    assert df["_row"].tolist() == [2, 3, 4, 5, 6]
    assert pd.isna(df.loc[1, "standard"])  # a theme-only question


def test_every_problem_is_listed_without_respondent_references(tmp_path: Path) -> None:
    text = (
        HEADER
        + (
            "PX-Q7Z1,Northtown Police,Police,Q1,Mostly,agree5,WT03,Voice of the child,\n"  # row 2: not on scale
            "PX-Q7Z1,Northtown Police,Police,Q1,Agree,agree5,WT03,Voice of the child,\n"  # row 3: duplicate
            "PX-K2M9,Northtown Police,Police,Q1,Agree,agree7,WT03,Voice of the child,\n"  # row 4: unknown scale + Q1 scale differs
            "PX-B4T8,Westfield Trust,Health,Q3,Agree,agree5,WT99,Listening,\n"  # row 5: agency, standard
            "PX-C5U2,Northtown Police,Police,Q3,,agree5,WT99,Listening,\n"  # row 6: empty answer + standard
        )
    )
    reg = _write(tmp_path, "register.csv", REGISTER)
    with pytest.raises(InputError) as err:
        read_practitioner_survey(
            _write(tmp_path, "bad.csv", text),
            {"register_path": str(reg), "framework_path": str(Path("data/frameworks/section11_wt2023.yaml").resolve())},
        )
    msg = str(err.value)
    assert "row 2, column 'answer': 'Mostly' (expected one of: Strongly disagree, Disagree" in msg
    assert "row 3: duplicates an earlier row (respondent=[hidden], question_id=Q1), first at row 2" in msg
    assert "row 4, column 'scale': 'agree7' (expected an answer scale defined in" in msg
    assert (
        "row 4, column 'scale': 'agree7' (expected the scale given for question 'Q1' on its first row ('agree5'))"
        in msg
    )
    assert "row 5, column 'agency': 'Westfield Trust' (expected an agency named in the agency register" in msg
    assert "row 5, column 'standard': 'WT99' (expected a standard id of the framework" in msg
    assert "row 6, column 'answer': is empty" in msg
    assert "row 6, column 'standard': 'WT99'" in msg
    assert len(err.value.problems) == 8  # counted by hand from the comments above
    for ref in ("PX-Q7Z1", "PX-K2M9", "PX-B4T8", "PX-C5U2"):
        assert ref not in msg


def test_missing_column_is_named(tmp_path: Path) -> None:
    text = GOOD.replace("question_id", "question")
    with pytest.raises(InputError) as err:
        read_practitioner_survey(_write(tmp_path, "s.csv", text), {})
    assert "column 'question_id': is missing (expected a column named 'question_id'" in str(err.value)


def test_reads_an_excel_workbook(tmp_path: Path) -> None:
    df = pd.read_csv(pd.io.common.StringIO(GOOD), dtype=str)
    p = tmp_path / "survey.xlsx"
    df.to_excel(p, sheet_name="Survey", index=False)
    got = read_practitioner_survey(p, {})
    assert got["_sheet"].unique().tolist() == ["Survey"]
    assert len(got) == 5


def test_summary_agreement_by_theme_and_standard(tmp_path: Path) -> None:
    df = read_practitioner_survey(_write(tmp_path, "survey.csv", GOOD), {})
    s = summarise_practitioner_survey(df, min_respondents=1)
    assert "respondent" not in s.columns
    q1 = s[s["theme"] == "Voice of the child"].iloc[0]
    # By hand: Q1 answered by 3 respondents: Agree, Strongly disagree, Strongly agree -> 2 of 3 agree;
    # mean position (0.75 + 0 + 1) / 3.
    assert (q1["standard"], q1["scale"], q1["respondents"], q1["answers"], q1["positive_answers"]) == (
        "WT03",
        "agree5",
        3,
        3,
        2,
    )
    assert q1["agreement"] == pytest.approx(2 / 3)
    assert q1["mean_position"] == pytest.approx(1.75 / 3)
    sup = s[s["theme"] == "Supervision"].iloc[0]
    assert pd.isna(sup["standard"]) and sup["respondents"] == 2 and sup["agreement"] == pytest.approx(0.5)


def test_summary_hides_small_groups_and_never_pools_scales(tmp_path: Path) -> None:
    df = read_practitioner_survey(_write(tmp_path, "survey.csv", GOOD), {})
    by_agency = summarise_practitioner_survey(df, by=("agency",), min_respondents=2)
    # Northtown Police answered on two scales: two rows, never one pooled figure.
    police = by_agency[by_agency["agency"] == "Northtown Police"].sort_values("scale")
    assert police["scale"].tolist() == ["agree5", "yes_no"]
    assert police["agreement"].astype(float).tolist() == [0.5, 0.5]
    # Southvale School has one respondent (< 2): counts only, agreement withheld.
    school = by_agency[by_agency["agency"] == "Southvale School"].iloc[0]
    assert school["respondents"] == 1 and not school["shown"]
    assert pd.isna(school["agreement"]) and pd.isna(school["positive_answers"])


def test_empty_respondent_is_reported_without_a_value(tmp_path: Path) -> None:
    text = HEADER + ",Northtown Police,Police,Q1,Agree,agree5,WT03,Voice of the child,\n"
    with pytest.raises(InputError) as err:
        read_practitioner_survey(_write(tmp_path, "s.csv", text), {})
    assert "s.csv, row 2, column 'respondent':" in str(err.value)
    assert len(err.value.problems) == 1
