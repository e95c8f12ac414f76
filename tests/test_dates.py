"""The one date parser (issue 13): every expected date below is worked out by hand from the rule
in ``assurance_lib.dates`` (ISO yyyy-mm-dd, and dd/mm/yyyy per column when no value is in US order).

Leap years by the Gregorian rule: divisible by 4, except centuries not divisible by 400
(2028 and 2000 are leap years; 2027 and 2100 are not).
"""

from __future__ import annotations

import pandas as pd
import pytest

from assurance_lib.dates import DATE_FORMS, parse_dates
from assurance_lib.errors import InputError, Problem

T = pd.Timestamp


def _read(values: list[str | None], **kw: object) -> tuple[list[object], list[Problem]]:
    problems: list[Problem] = []
    out = parse_dates(
        pd.Series(values, dtype="string"), file="data/local/events.csv", column="event_date", problems=problems, **kw
    )
    return out.tolist(), problems


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-07-01", T(2026, 7, 1)),
        ("2026-7-1", T(2026, 7, 1)),
        ("01/07/2026", T(2026, 7, 1)),  # 1 July (day first), not 7 January
        ("1/7/2026", T(2026, 7, 1)),
        ("31/12/2026", T(2026, 12, 31)),
        ("13/07/2026", T(2026, 7, 13)),
        (" 2026-07-01 ", T(2026, 7, 1)),  # spaces around a cell are not part of it
        ("2026-07-01 00:00:00", T(2026, 7, 1)),  # an Excel date cell read as text
        ("2026-07-01T14:30", T(2026, 7, 1)),  # a time is dropped: only the date is kept
        ("01/07/2026 09:15:00", T(2026, 7, 1)),
        ("2026-07-01 23:59:59.5", T(2026, 7, 1)),
    ],
)
def test_accepted_forms(text: str, expected: pd.Timestamp) -> None:
    got, problems = _read([text])
    assert problems == [] and got == [expected]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("29/02/2028", T(2028, 2, 29)),  # 2028 is divisible by 4
        ("2024-02-29", T(2024, 2, 29)),
        ("2000-02-29", T(2000, 2, 29)),  # a century divisible by 400
    ],
)
def test_29_february_in_a_leap_year(text: str, expected: pd.Timestamp) -> None:
    assert _read([text]) == ([expected], [])


@pytest.mark.parametrize(
    "text",
    [
        "29/02/2027",
        "2027-02-29",
        "2100-02-29",
        "2026-04-31",
        "31/04/2026",
        "2026-13-01",
        "00/07/2026",
        "2026-07-00",
        "2026-07-01 25:00:00",
    ],
)
def test_dates_that_do_not_exist_are_refused(text: str) -> None:
    got, problems = _read([text], rows=[7])
    assert pd.isna(got[0])
    assert [str(p) for p in problems] == [
        f"data/local/events.csv, row 7, column 'event_date': '{text}' is not a real date (expected {DATE_FORMS})"
    ]


@pytest.mark.parametrize("text", ["01/07/26", "1/7/26", "26-07-01", "01.07.26"])
def test_two_digit_years_are_refused(text: str) -> None:
    got, problems = _read([text], rows=[3])
    assert pd.isna(got[0])
    assert len(problems) == 1 and problems[0].message == "has a two-digit year"
    assert problems[0].place == "row 3" and problems[0].value == text
    assert "four-digit year" in problems[0].expected


@pytest.mark.parametrize(
    "text",
    [
        "01-07-2026",
        "01.07.2026",
        "2026/07/01",
        "1 July 2026",
        "July 1, 2026",
        "20260701",
        "2026-07",
        "yesterday",
        "45474",
    ],
)
def test_other_forms_are_refused_naming_the_forms_expected(text: str) -> None:
    got, problems = _read(["2026-07-01", text], rows=[2, 3])
    assert got[0] == T(2026, 7, 1) and pd.isna(got[1])
    assert [str(p) for p in problems] == [
        f"data/local/events.csv, row 3, column 'event_date': '{text}' (expected {DATE_FORMS})"
    ]


def test_a_column_in_us_order_is_refused_naming_the_row_and_value() -> None:
    # 07/13/2026 can only be 13 July written month first: the column is in US order, so
    # 07/01/2026 (1 July or 7 January?) cannot be trusted either, and no date of it is read.
    got, problems = _read(["07/01/2026", "07/13/2026", "2026-07-02"], rows=[2, 3, 4])
    assert pd.isna(got[0]) and pd.isna(got[1]) and got[2] == T(2026, 7, 2)
    assert len(problems) == 1
    p = problems[0]
    assert (p.file, p.place, p.column, p.value) == ("data/local/events.csv", "row 3", "event_date", "07/13/2026")
    assert "month/day/year (US) order" in p.message
    assert "yyyy-mm-dd or dd/mm/yyyy" in p.expected


def test_a_day_over_12_in_first_place_is_day_first_not_us() -> None:
    # 13/07/2026 has 13 first: a day. The column is day-first, and 07/01/2026 is 7 January.
    assert _read(["13/07/2026", "07/01/2026"]) == ([T(2026, 7, 13), T(2026, 1, 7)], [])


def test_nonsense_with_both_numbers_over_12_is_not_taken_for_us_order() -> None:
    got, problems = _read(["13/13/2026", "01/07/2026"], rows=[2, 3])
    assert pd.isna(got[0]) and got[1] == T(2026, 7, 1)
    assert [p.message for p in problems] == ["is not a real date"]


def test_blanks_are_no_date_in_an_optional_column() -> None:
    got, problems = _read(["2026-07-01", None, "", "   "])
    assert problems == [] and got[0] == T(2026, 7, 1) and all(pd.isna(v) for v in got[1:])


def test_blanks_are_refused_in_a_required_column() -> None:
    got, problems = _read(["2026-07-01", None, "  "], rows=[2, 3, 4], required=True)
    assert [str(p) for p in problems] == [
        f"data/local/events.csv, row 3, column 'event_date': is empty (expected {DATE_FORMS} (the column may not be empty))",
        f"data/local/events.csv, row 4, column 'event_date': is empty (expected {DATE_FORMS} (the column may not be empty))",
    ]


def test_without_a_problems_list_a_bad_value_raises_listing_every_problem() -> None:
    with pytest.raises(InputError) as err:
        parse_dates(pd.Series(["2026-02-30", "x", "2026-07-01"]), file="a.csv", column="due", rows=[2, 3, 4])
    assert [str(p) for p in err.value.problems] == [
        f"a.csv, row 3, column 'due': 'x' (expected {DATE_FORMS})",
        f"a.csv, row 2, column 'due': '2026-02-30' is not a real date (expected {DATE_FORMS})",
    ]


def test_rows_default_to_the_position_and_sheets_are_named() -> None:
    _, problems = _read(["2026-07-01", "bad"])
    assert problems[0].place == "row 2"
    _, problems = _read(["2026-07-01", "bad"], rows=[5, 6], sheets=["Police", "Health"])
    assert problems[0].place == "sheet 'Health', row 6"


def test_a_hidden_value_is_never_shown() -> None:
    _, problems = _read(["01/07/26", "2026-02-30", "x"], show_value=False)
    assert all(p.value is None for p in problems)
    text = " ".join(str(p) for p in problems)
    assert "01/07/26" not in text and "2026-02-30" not in text and "'x'" not in text
    assert [p.message for p in problems] == [
        "is not valid (value not shown)",
        "has a two-digit year (value not shown)",
        "is not a real date (value not shown)",
    ]


def test_problems_stop_at_the_limit_with_a_count_of_the_rest() -> None:
    _, problems = _read([f"bad{i}" for i in range(60)], limit=50)
    assert len(problems) == 51 and problems[-1].message == "and 10 more rows like these"


def test_index_dtype_and_categories_are_kept_as_the_readers_need() -> None:
    s = pd.Series(["2026-07-01", "01/07/2026", None], index=[10, 11, 12], dtype="category")
    out = parse_dates(s, file="f.csv", column="d")
    assert list(out.index) == [10, 11, 12]
    assert out.dtype == pd.to_datetime(pd.Series(["2026-07-01"]), format="%Y-%m-%d").dtype
    assert out.tolist()[:2] == [T(2026, 7, 1), T(2026, 7, 1)] and pd.isna(out.iloc[2])
