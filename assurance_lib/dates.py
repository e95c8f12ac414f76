"""One way to read dates from any input: ISO ``yyyy-mm-dd``, and ``dd/mm/yyyy`` when a column is unambiguous.

The rule (the parameters template quotes it):

    A date is written yyyy-mm-dd (e.g. 2026-07-01) or dd/mm/yyyy (e.g. 01/07/2026). Months and
    days may have one digit (2026-7-1, 1/7/2026); the year always has four. A time after the
    date, as Excel writes date cells (2026-07-01 00:00:00, or 2026-07-01T14:30), is accepted and
    dropped: only the date is kept. Day-first dates are read per column: if any value of a
    column has a middle number over 12 (07/13/2026), the column is in US month/day/year order
    and is refused, because its other dates (07/01/2026) cannot be told apart from day-first
    ones; rewrite it as yyyy-mm-dd or dd/mm/yyyy. Two-digit years (01/07/26), other
    separators (01-07-2026, 01.07.2026), month names and dates that do not exist (29/02/2027,
    2026-04-31) are refused. A blank cell is no date: allowed where the column is optional,
    refused where it is required.

Every value refused is reported with the file, the row (as :func:`assurance_lib.readers.read_table`
counts it: the spreadsheet row, the header being row 1), the column, the value (unless the column
is one whose values must not be shown) and the forms expected.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .errors import InputError, Problem

__all__ = ["DATE_FORMS", "parse_dates"]

DATE_FORMS = "a date written yyyy-mm-dd (e.g. 2026-07-01) or dd/mm/yyyy (e.g. 01/07/2026)"
"""What a date cell may hold, as the messages say it."""

_TIME = r"(?:[ T](?P<hh>\d{1,2}):(?P<mi>\d{2})(?::(?P<ss>\d{2})(?:\.\d{1,9})?)?)?"
_ISO = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + _TIME)
_DMY = re.compile(r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})" + _TIME)
_TWO_DIGIT_YEAR = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2}(?:[ T].*)?")


def parse_dates(
    values: pd.Series,
    *,
    file: str,
    column: str,
    rows: pd.Series | Sequence[int] | None = None,
    sheets: pd.Series | Sequence[str] | None = None,
    required: bool = False,
    show_value: bool = True,
    problems: list[Problem] | None = None,
    limit: int = 50,
) -> pd.Series:
    """Read a column of dates by the rule of this module's docstring.

    Parameters
    ----------
    values : Series
        The cells as read (text; ``<NA>`` or blank for an empty cell).
    file : str
        The file, as messages show it (``readers.display_path``).
    column : str
        The column's name (as the contract names it).
    rows : Series or sequence of int, optional
        Each value's row as the reader counts it (``df["_row"]``); without it, the 1-based
        position in ``values``.
    sheets : Series or sequence of str, optional
        Each value's sheet (``df["_sheet"]``) for a workbook read sheet by sheet.
    required : bool
        Whether a blank cell is a problem (otherwise it reads as no date, ``NaT``).
    show_value : bool
        ``False`` for a column whose values must not appear in a message (a date of birth):
        the message then names the row and column only.
    problems : list of Problem, optional
        Where to add the problems found (the caller raises once for all its checks). Without
        it, any problem raises :class:`InputError` at once.
    limit : int
        At most this many problems of each kind, then one line counting the rest.

    Returns
    -------
    Series
        Dates (``datetime64``, as ``pd.to_datetime(..., format="%Y-%m-%d")`` gives them),
        ``NaT`` for a blank or refused value, on the index of ``values``.

    Raises
    ------
    InputError
        When ``problems`` is not given and a value is refused.

    Examples
    --------
    >>> s = pd.Series(["2026-07-01", "1/7/2026", "2026-07-01 00:00:00", None], dtype="string")
    >>> parse_dates(s, file="events.csv", column="event_date").dt.strftime("%Y-%m-%d").tolist()
    ['2026-07-01', '2026-07-01', '2026-07-01', nan]
    >>> parse_dates(pd.Series(["07/13/2026"]), file="events.csv", column="event_date", rows=[2])
    Traceback (most recent call last):
    ...
    assurance_lib.errors.InputError: 1 problem with the input:
      - events.csv, row 2, column 'event_date': '07/13/2026' is in month/day/year (US) order: ...
    """
    text = pd.Series(values, copy=False).astype("string").str.strip()
    text = text.mask(text.eq(""))
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    distinct = [str(u) for u in uniques]
    iso_parts, why = _parts(distinct)
    # a US date: the middle number is a day (13 to 31) and the first a month (1 to 12)
    us_order = [w == "dmy" and 12 < p[1] <= 31 and 1 <= p[2] <= 12 for w, p in zip(why, iso_parts)]
    column_is_us = any(us_order)
    ok = np.array(
        [w in ("iso", "dmy") and p is not None and not (column_is_us and w == "dmy") for w, p in zip(why, iso_parts)],
        dtype=bool,
    )
    iso = pd.Series(
        [f"{p[0]}-{p[1]:02d}-{p[2]:02d}" if good else pd.NA for p, good in zip(iso_parts, ok)], dtype="string"
    )
    parsed_distinct = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
    real = parsed_distinct.notna().to_numpy()
    # a date that matched a form but does not exist (29/02/2027), or a time that does not (25:00)
    why = [
        ("unreal" if (w in ("iso", "dmy") and not r and not (column_is_us and w == "dmy")) else w)
        for w, r in zip(why, real)
    ]
    lut = np.append(parsed_distinct.to_numpy(), np.datetime64("NaT"))
    out = pd.Series(lut[codes], index=text.index, dtype=parsed_distinct.dtype)

    found: list[Problem] = []
    kinds: dict[str, tuple[str, str]] = {
        "form": ("", DATE_FORMS),
        "two_digit_year": ("has a two-digit year", DATE_FORMS + ", with a four-digit year"),
        "unreal": ("is not a real date", DATE_FORMS),
        "us": (
            "is in month/day/year (US) order: its middle number is over 12, so no day-first date of this "
            "column can be trusted",
            "every date of the column rewritten as yyyy-mm-dd or dd/mm/yyyy",
        ),
    }
    per_value = np.array(
        [("us" if (column_is_us and us) else w) for w, us in zip(why, us_order)] + ["blank"], dtype=object
    )
    kind_of_row = per_value[codes]
    for kind, (message, expected) in kinds.items():
        found += _problems(kind_of_row == kind, text, file, column, rows, sheets, message, expected, show_value, limit)
    if required:
        found += _problems(
            kind_of_row == "blank",
            text,
            file,
            column,
            rows,
            sheets,
            "is empty",
            DATE_FORMS + " (the column may not be empty)",
            False,
            limit,
        )
    if problems is not None:
        problems.extend(found)
    elif found:
        raise InputError(found)
    return out


def _parts(distinct: list[str]) -> tuple[list[tuple[int, int, int] | None], list[str]]:
    """Year, month and day of each distinct value, and its form: ``iso``, ``dmy``, ``two_digit_year`` or ``form``."""
    parts: list[tuple[int, int, int] | None] = []
    why: list[str] = []
    for v in distinct:
        for form, rx in (("iso", _ISO), ("dmy", _DMY)):
            m = rx.fullmatch(v)
            if m:
                if not _time_ok(m):
                    parts.append((0, 0, 0))  # matched a form, but the time does not exist
                    why.append("unreal_time")
                else:
                    parts.append((int(m["y"]), int(m["m"]), int(m["d"])))
                    why.append(form)
                break
        else:
            parts.append(None)
            why.append("two_digit_year" if _TWO_DIGIT_YEAR.fullmatch(v) else "form")
    why = ["unreal" if w == "unreal_time" else w for w in why]
    return parts, why


def _time_ok(m: re.Match[str]) -> bool:
    if m["hh"] is None:
        return True
    return int(m["hh"]) <= 23 and int(m["mi"]) <= 59 and (m["ss"] is None or int(m["ss"]) <= 59)


def _problems(
    mask: np.ndarray,
    text: pd.Series,
    file: str,
    column: str,
    rows: pd.Series | Sequence[int] | None,
    sheets: pd.Series | Sequence[str] | None,
    message: str,
    expected: str,
    show_value: bool,
    limit: int,
) -> list[Problem]:
    at = np.flatnonzero(mask)
    out = []
    for i in at[:limit].tolist():
        place = f"row {int(_at(rows, i)) if rows is not None else i + 1}"
        if sheets is not None and pd.notna(_at(sheets, i)):
            place = f"sheet '{_at(sheets, i)}', {place}"
        shown = text.iloc[i] if show_value and pd.notna(text.iloc[i]) else None
        msg = message
        if not show_value and message != "is empty":
            msg = f"{message} (value not shown)" if message else "is not valid (value not shown)"
        out.append(Problem(file=file, place=place, column=column, value=shown, message=msg, expected=expected))
    if len(at) > limit:
        out.append(
            Problem(file=file, column=column, message=f"and {len(at) - limit} more rows like these", expected=expected)
        )
    return out


def _at(seq: pd.Series | Sequence[object], i: int) -> object:
    """The ``i``-th item (by position) of a Series or a sequence."""
    return seq.iloc[i] if isinstance(seq, pd.Series) else seq[i]
