"""The indicators computed from the journey events: numerator and denominator for a window.

Pure functions on the prepared events (``child, event, start, end`` plus any optional columns):
each calculation returns an :class:`Count` for a window ``[first, last]`` (both days included)
and, for stocks, the position at ``last``. Definitions follow the DfE children-in-need census
guide where the extract allows; ``docs/core_dataset.md`` says where it cannot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .workdays import Holidays, working_days

__all__ = ["Count", "prepare", "CALCULATIONS", "NFA_DAYS", "gap_reason", "months", "calculate"]

NFA_DAYS = 30
"""Days after a referral within which an assessment or section 47 enquiry means it was not 'no further action'."""
ASSESSMENT_WD = 45
ICPC_WD = 15


@dataclass(frozen=True, slots=True)
class Count:
    """A numerator over a denominator, with a note on what was left out (never an identifier)."""

    numerator: float
    denominator: float
    note: str = ""


def prepare(events: pd.DataFrame) -> pd.DataFrame:
    """The events as the calculations read them: ``child, event, start, end`` (+ optional columns)."""
    out = pd.DataFrame(
        {
            "child": events["child_id"].astype("string"),
            "event": events["event"].astype("string"),
            "start": pd.to_datetime(events["event_date"]),
            "end": pd.to_datetime(events["end_date"]) if "end_date" in events.columns else pd.NaT,
        }
    )
    for c in ("referral_source", "locality"):
        if c in events.columns:
            out[c] = events[c].astype("string")
    return out.sort_values(["start", "child"], kind="stable").reset_index(drop=True)


def _ts(d: dt.date) -> pd.Timestamp:
    return pd.Timestamp(d)


def _kind(ev: pd.DataFrame, kind: str) -> pd.DataFrame:
    return ev[ev["event"].eq(kind)]


def _in(s: pd.Series, first: dt.date, last: dt.date) -> pd.Series:
    return (s >= _ts(first)) & (s <= _ts(last))


def gap_reason(ev: pd.DataFrame, calculation: str) -> str:
    """Why the extract cannot give an indicator (``""`` when it can)."""
    if calculation == "assessments_45wd":
        a = _kind(ev, "assessment")
        if "end" not in ev.columns or a["end"].isna().all():
            return "the extract gives no assessment end dates (end_date on assessment rows)"
    return ""


def _latest_before(rows: pd.DataFrame, earlier: pd.DataFrame, name: str) -> pd.DataFrame:
    """Each row with the date of the child's latest ``earlier`` event on or before its start (``name``)."""
    left = rows.reset_index(drop=True).assign(_pos=lambda d: np.arange(len(d))).sort_values("start")
    right = earlier[["child", "start"]].rename(columns={"start": name}).sort_values(name)
    right["start"] = right[name]
    m = pd.merge_asof(left, right[["child", "start", name]], on="start", by="child", direction="backward")
    return m.sort_values("_pos").drop(columns="_pos").reset_index(drop=True)


def _flow(kind: str) -> Callable[..., Count]:
    def calc(ev: pd.DataFrame, first: dt.date, last: dt.date, *, population: float, **_: object) -> Count:
        return Count(float(_in(_kind(ev, kind)["start"], first, last).sum()), population)

    return calc


def _stock(kind: str) -> Callable[..., Count]:
    def calc(ev: pd.DataFrame, first: dt.date, last: dt.date, *, population: float, **_: object) -> Count:
        r = _kind(ev, kind)
        at = _ts(last)
        open_ = (r["start"] <= at) & (r["end"].isna() | (r["end"] > at))
        return Count(float(r.loc[open_, "child"].nunique()), population)

    return calc


def rereferrals(ev: pd.DataFrame, first: dt.date, last: dt.date, **_: object) -> Count:
    """Referrals in the window of a child referred in the 12 months before (DfE: re-referral within 12 months)."""
    r = _kind(ev, "referral").sort_values(["child", "start"], kind="stable")
    prev = r.groupby("child", sort=False)["start"].shift(1)
    again = prev.notna() & (prev + pd.DateOffset(months=12) >= r["start"])
    w = _in(r["start"], first, last)
    return Count(float((again & w).sum()), float(w.sum()))


def referral_nfa(ev: pd.DataFrame, first: dt.date, last: dt.date, *, period_end: dt.date, **_: object) -> Count:
    """Referrals not followed within 30 days by an assessment or section 47 enquiry of the child.

    Referrals made less than 30 days before the period end are left out (their outcome is not known).
    """
    r = _kind(ev, "referral")
    known = r["start"] + pd.Timedelta(days=NFA_DAYS) <= _ts(period_end)
    r = r[_in(r["start"], first, last) & known].reset_index(drop=True)
    if r.empty:
        return Count(0.0, 0.0)
    f = ev[ev["event"].isin(["assessment", "s47"])][["child", "start"]].rename(columns={"start": "next"})
    m = r[["child", "start"]].assign(_i=np.arange(len(r))).merge(f, on="child", how="left")
    hit = (m["next"] >= m["start"]) & (m["next"] <= m["start"] + pd.Timedelta(days=NFA_DAYS))
    followed = hit.groupby(m["_i"]).any().reindex(range(len(r)), fill_value=False)
    return Count(float((~followed).sum()), float(len(r)))


def assessments_45wd(ev: pd.DataFrame, first: dt.date, last: dt.date, *, holidays: Holidays, **_: object) -> Count:
    """Assessments completed in the window within 45 working days of the child's referral.

    The referral is the child's latest on or before the assessment's start; without one, the
    assessment's own start. Assessments without an end date are not completed.
    """
    a = _kind(ev, "assessment")
    a = a[a["end"].notna() & _in(a["end"], first, last)]
    if a.empty:
        return Count(0.0, 0.0)
    m = _latest_before(a, _kind(ev, "referral"), "referral_date")
    begin = m["referral_date"].fillna(m["start"])
    wd = working_days(begin, m["end"], holidays)
    return Count(float((wd <= ASSESSMENT_WD).sum()), float(len(m)))


def s47_to_icpc(ev: pd.DataFrame, first: dt.date, last: dt.date, **_: object) -> Count:
    """Initial child protection conferences over section 47 enquiries in the window (DfE's ratio of counts)."""
    return Count(
        float(_in(_kind(ev, "icpc")["start"], first, last).sum()),
        float(_in(_kind(ev, "s47")["start"], first, last).sum()),
    )


def icpc_15wd(ev: pd.DataFrame, first: dt.date, last: dt.date, *, holidays: Holidays, **_: object) -> Count:
    """Conferences in the window within 15 working days of the start of the child's latest section 47 enquiry."""
    c = _kind(ev, "icpc")
    c = c[_in(c["start"], first, last)]
    if c.empty:
        return Count(0.0, 0.0)
    m = _latest_before(c, _kind(ev, "s47"), "s47_date")
    without = int(m["s47_date"].isna().sum())
    m = m[m["s47_date"].notna()]
    wd = working_days(m["s47_date"], m["start"], holidays)
    note = f"{without} conference(s) with no section 47 enquiry before them in the extract left out" if without else ""
    return Count(float((wd <= ICPC_WD).sum()), float(len(m)), note)


def cpp_second(ev: pd.DataFrame, first: dt.date, last: dt.date, **_: object) -> Count:
    """Plans started in the window for a child with an earlier plan in the extract."""
    p = _kind(ev, "cpp_start").sort_values(["child", "start"], kind="stable")
    earlier = p.groupby("child", sort=False).cumcount() > 0
    w = _in(p["start"], first, last)
    return Count(float((earlier & w).sum()), float(w.sum()))


def cpp_two_years(ev: pd.DataFrame, first: dt.date, last: dt.date, **_: object) -> Count:
    """Plans open at ``last`` that started two years or more before it."""
    p = _kind(ev, "cpp_start")
    at = _ts(last)
    open_ = (p["start"] <= at) & (p["end"].isna() | (p["end"] > at))
    long_ = p["start"] <= at - pd.DateOffset(years=2)
    return Count(float((open_ & long_).sum()), float(open_.sum()))


def cpp_ended_3m(ev: pd.DataFrame, first: dt.date, last: dt.date, **_: object) -> Count:
    """Plans ended in the window that lasted three months or less."""
    p = _kind(ev, "cpp_start")
    p = p[p["end"].notna() & _in(p["end"], first, last)]
    short = p["end"] <= p["start"] + pd.DateOffset(months=3)
    return Count(float(short.sum()), float(len(p)))


CALCULATIONS: dict[str, Callable[..., Count]] = {
    "contacts_rate": _flow("contact"),
    "referrals_rate": _flow("referral"),
    "rereferrals": rereferrals,
    "referral_nfa": referral_nfa,
    "assessments_45wd": assessments_45wd,
    "s47_rate": _flow("s47"),
    "s47_to_icpc": s47_to_icpc,
    "icpc_15wd": icpc_15wd,
    "cpp_rate": _stock("cpp_start"),
    "cla_rate": _stock("cla_start"),
    "cpp_second": cpp_second,
    "cpp_two_years": cpp_two_years,
    "cpp_ended_3m": cpp_ended_3m,
}
"""Calculation name (the catalogue's ``calculation``) -> function."""


def calculate(
    calculation: str,
    ev: pd.DataFrame,
    first: dt.date,
    last: dt.date,
    *,
    population: float,
    holidays: Holidays,
    period_end: dt.date,
) -> Count:
    """One calculation over the window ``[first, last]`` (a stock at ``last``)."""
    return CALCULATIONS[calculation](ev, first, last, population=population, holidays=holidays, period_end=period_end)


def months(first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The whole calendar months from the month of ``first`` to the month of ``last``: (first day, last day)."""
    out = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        start = dt.date(y, m, 1)
        nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
        out.append((start, nxt - dt.timedelta(days=1)))
        y, m = nxt.year, nxt.month
    return out
