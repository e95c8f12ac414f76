"""Working days: Monday to Friday, not a bank holiday of England and Wales.

The bank holidays come from a vendored copy of the gov.uk list
(``data/reference/bank_holidays_england_wales.csv``, see ``data/reference/SOURCES.md``): the
count is offline and the same on every run. ``working_days(a, b)`` counts the working days after
``a`` up to and including ``b`` (a referral on Monday and an assessment completed on Tuesday
took 1 working day), as the DfE children-in-need census counts timescales.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..readers import display_path, read_table, require_columns, row_problems

__all__ = ["Holidays", "read_bank_holidays", "working_days"]


class Holidays:
    """The bank holidays of a run and the years they cover."""

    def __init__(self, dates: np.ndarray, first_year: int, last_year: int) -> None:
        self.dates = np.asarray(dates, dtype="datetime64[D]")
        self.first_year = first_year
        self.last_year = last_year

    def covers(self, when: dt.date) -> bool:
        """Whether ``when`` falls in a year the list covers."""
        return self.first_year <= when.year <= self.last_year


def read_bank_holidays(path: Path | str, params: object = None) -> pd.DataFrame:
    """Read and check the bank holidays file (``date, title``; dates ``YYYY-MM-DD``, each a weekday).

    Raises
    ------
    InputError
        A missing column, a date not written ``YYYY-MM-DD``, a date on a Saturday or Sunday.
    """
    p = Path(path)
    shown = display_path(p)
    df = read_table(p)
    problems = require_columns(df, ("date", "title"), shown)
    if problems:
        raise InputError(problems)
    when = pd.to_datetime(df["date"], format="%Y-%m-%d", errors="coerce")
    problems += row_problems(df, when.isna(), shown, "date", "a date written YYYY-MM-DD")
    problems += row_problems(
        df, when.notna() & (when.dt.day_of_week >= 5), shown, "date", "a weekday (bank holidays fall Monday to Friday)"
    )
    if problems:
        raise InputError(problems)
    return pd.DataFrame({"date": when, "title": df["title"].astype("string")})


def holidays_from(frame: pd.DataFrame) -> Holidays:
    """The :class:`Holidays` of :func:`read_bank_holidays`' frame."""
    d = frame["date"]
    return Holidays(d.to_numpy(dtype="datetime64[D]"), int(d.dt.year.min()), int(d.dt.year.max()))


def working_days(start: pd.Series, end: pd.Series, holidays: Holidays) -> pd.Series:
    """Working days after ``start`` up to and including ``end`` (missing where either is missing).

    Examples
    --------
    >>> h = Holidays(np.array(["2026-08-31"], dtype="datetime64[D]"), 2026, 2026)
    >>> s = pd.Series(pd.to_datetime(["2026-08-28", "2026-08-28", "2026-09-01"]))
    >>> e = pd.Series(pd.to_datetime(["2026-09-01", "2026-08-28", "2026-09-07"]))
    >>> working_days(s, e, h).tolist()  # Fri -> Tue over the Monday bank holiday: 1 day; Tue -> next Mon: 4
    [1, 0, 4]
    """
    ok = start.notna() & end.notna()
    out = pd.Series(pd.NA, index=start.index, dtype="Int64")
    if ok.any():
        a = start[ok].to_numpy(dtype="datetime64[D]") + np.timedelta64(1, "D")
        b = end[ok].to_numpy(dtype="datetime64[D]") + np.timedelta64(1, "D")
        n = np.busday_count(a, b, holidays=holidays.dates)
        out[ok] = n
    return out
