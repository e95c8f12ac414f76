"""The reader layer: files read as text with row numbers a person can find, and problems that name them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pytest
from openpyxl import Workbook

from assurance_lib import readers
from assurance_lib.errors import InputError, Problem


def test_csv_rows_are_numbered_as_in_the_file(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_text("a,b\n 1 ,x\n,y\n3,\n", encoding="utf-8")
    df = readers.read_table(p)
    # header is line 1, so the data rows are lines 2, 3 and 4
    assert df[readers.ROW_COLUMN].tolist() == [2, 3, 4]
    assert df["a"].tolist()[0] == "1"  # stripped, kept as text
    assert df["a"].isna().tolist() == [False, True, False]
    assert df["b"].isna().tolist() == [False, False, True]


def test_excel_every_sheet_with_sheet_and_row(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Police"
    ws.append(["standard", "rating"])
    ws.append(["S1", "Good"])
    ws2 = wb.create_sheet("Health")
    ws2.append(["standard", "rating"])
    ws2.append(["S1", "Good"])
    ws2.append(["S2", "Inadequate"])
    p = tmp_path / "returns.xlsx"
    wb.save(p)
    df = readers.read_table(p, all_sheets=True)
    assert list(zip(df[readers.SHEET_COLUMN], df[readers.ROW_COLUMN])) == [("Police", 2), ("Health", 2), ("Health", 3)]
    first = readers.read_table(p)
    assert len(first) == 1 and first[readers.SHEET_COLUMN].iloc[0] == "Police"


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_only_the_wanted_columns_are_read_and_every_column_is_named(tmp_path: Path, suffix: str) -> None:
    frame = pd.DataFrame({" a ": ["1", " 2"], "notes": ["x", "y"], "b": ["p", ""]})
    p = tmp_path / f"wide{suffix}"
    if suffix == ".csv":
        frame.to_csv(p, index=False)
    elif suffix == ".parquet":
        frame.to_parquet(p, index=False)
    else:
        frame.to_excel(p, index=False)
    df = readers.read_table(p, columns=["a", "b", "missing"])
    assert [c for c in df.columns if not c.startswith("_")] == ["a", "b"]
    assert df[readers.ROW_COLUMN].tolist() == ([2, 3] if suffix != ".parquet" else [1, 2])
    assert df["a"].tolist() == ["1", "2"]  # stripped
    assert df["b"].iloc[0] == "p" and pd.isna(df["b"].iloc[1])  # empty text as missing
    assert df.attrs[readers.FILE_COLUMNS_ATTR] == ["a", "notes", "b"]
    # a missing column's message names every column of the file, read or not
    probs = readers.require_columns(df, ["a", "c"], "wide")
    assert [str(x) for x in probs] == [
        "wide, column 'c': is missing (expected a column named 'c' (the file has: a, notes, b). "
        + readers.MISSING_COLUMN_HINT
        + ")"
    ]


def test_unreadable_and_missing_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        readers.read_table(tmp_path / "absent.csv")
    p = tmp_path / "notes.docx"
    p.write_text("x")
    with pytest.raises(InputError, match=r"expected a \.csv, \.xlsx or \.parquet file"):
        readers.read_table(p)


def test_schema_problems_name_row_column_value_and_expectation(tmp_path: Path) -> None:
    p = tmp_path / "grades.csv"
    p.write_text("case_ref,grade\nCASE000001,Good\nCASE000002,Mostly fine\nCASE000003,\n", encoding="utf-8")
    df = readers.read_table(p)
    schema = pa.DataFrameSchema(
        {
            "case_ref": pa.Column("string"),
            "grade": pa.Column("string", pa.Check.isin(["Outstanding", "Good"]), nullable=False),
        }
    )
    out, problems = readers.schema_problems(df, schema, "grades.csv", hide_values=("case_ref",))
    assert out is None
    text = sorted(str(x) for x in problems)
    assert "grades.csv, row 3, column 'grade': 'Mostly fine' (expected one of: 'Outstanding', 'Good')" in text
    assert any(t.startswith("grades.csv, row 4, column 'grade'") and "may not be empty" in t for t in text)
    assert all("CASE0000" not in t for t in text)


def test_missing_columns_listed_with_what_the_file_has() -> None:
    df = pd.DataFrame({"agency": ["A"], readers.ROW_COLUMN: [2]})
    problems = readers.require_columns(df, ["agency", "standard", "self_rating"], "s11.csv")
    assert [str(p) for p in problems] == [
        "s11.csv, column 'standard': is missing (expected a column named 'standard' (the file has: agency). "
        + readers.MISSING_COLUMN_HINT
        + ")",
        "s11.csv, column 'self_rating': is missing (expected a column named 'self_rating' (the file has: agency). "
        + readers.MISSING_COLUMN_HINT
        + ")",
    ]


def test_duplicates_name_both_rows_and_hide_identifiers() -> None:
    df = pd.DataFrame(
        {readers.ROW_COLUMN: [2, 3, 4], "case_ref": ["C1", "C2", "C1"], "domain": ["voice", "voice", "voice"]}
    )
    problems = readers.duplicate_problems(df, ["case_ref", "domain"], "g.csv", hide=("case_ref",))
    assert len(problems) == 1
    text = str(problems[0])
    assert text.startswith("g.csv, row 4: duplicates an earlier row") and "first at row 2" in text
    assert "C1" not in text


def test_row_problems_can_hide_the_value() -> None:
    df = pd.DataFrame({readers.ROW_COLUMN: [2, 3], "child_id": ["ABCDEF1", "ABCDEF2"]})
    mask = pd.Series([False, True])
    shown = readers.row_problems(df, mask, "e.csv", "child_id", "a known child", show_value=False)
    assert [str(p) for p in shown] == [
        "e.csv, row 3, column 'child_id': is not valid (value not shown: an identifier) (expected a known child)"
    ]


def test_input_error_lists_every_problem() -> None:
    err = InputError(
        [
            Problem(file="a.csv", place="row 2", column="x", value="q", expected="a number"),
            Problem(file="a.csv", place="row 9", column="y", message="is empty"),
        ]
    )
    assert err.render() == (
        "2 problems with the input:\n"
        "  - a.csv, row 2, column 'x': 'q' (expected a number)\n"
        "  - a.csv, row 9, column 'y': is empty"
    )
