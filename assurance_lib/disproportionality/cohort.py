"""From journey events to counts of children by stage and group (children, not episodes).

- **Flows** (contacts, referrals, ... starts to be looked after) count the children with at least
  one such event in the window (a quarter or the 12 months to the period end); the child's age
  band is taken at their first such event in the window.
- **Stocks** (on a child protection plan, looked after) count the children whose plan or care
  episode started on or before the period end and had not ended by it; age at the period end.
- **Conversions**: of the children with a feeder-stage event in the window or the look-back
  before it, those with the stage's event in the window on or after their first such feeder
  event.

A child's ethnicity, sex, disability, UASC status and IMD decile are those recorded on their
latest row on or before the period end. Child identifiers are replaced by integer codes here
and never leave this module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd

from .. import reference as ref
from ..config import Period

__all__ = ["Window", "window_for", "prepare_events", "child_attributes", "stage_members", "conversions",
           "SINGLE_TYPES", "INTERSECTION_TYPES", "group_values", "count_groups", "Prepared"]

SINGLE_TYPES: tuple[str, ...] = ("all", "ethnicity_major", "ethnicity_minor", "sex", "age_band", "disability",
                                 "imd_decile")
"""Single-characteristic group types (``imd_decile`` only when the input has it)."""
INTERSECTION_TYPES: tuple[str, ...] = ("ethnicity_major x sex", "ethnicity_major x age_band")
"""Intersections published (ethnicity by sex, ethnicity by age band)."""
_INTERNAL_TYPES: tuple[str, ...] = ("ethnicity_minor x sex", "ethnicity_minor x age_band")
"""Used only for the White British reference of intersections; not published."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Window:
    """The counting window of flows (``start`` to ``end`` inclusive); stocks are counted at ``end``."""

    kind: str
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        """E.g. ``12 months to 30 September 2026``."""
        end = f"{self.end.day} {self.end:%B %Y}"
        if self.kind == "rolling12":
            return f"12 months to {end}"
        return f"quarter {self.start.day} {self.start:%B %Y} to {end}"


def window_for(period: Period, window: str = "rolling12") -> Window:
    """The window of a period: ``rolling12`` (12 months to the period end) or ``quarter``.

    >>> window_for(Period.parse("2026-27 Q2")).label
    '12 months to 30 September 2026'
    >>> window_for(Period.parse("2026-27 Q2"), "quarter").start.isoformat()
    '2026-07-01'
    """
    if window == "rolling12":
        return Window(kind=window, start=period.rolling_start(12), end=period.end)
    if window == "quarter":
        return Window(kind=window, start=period.start, end=period.end)
    raise ValueError(f"window={window!r} (expected one of: rolling12, quarter)")


@dataclass(slots=True)
class Prepared:
    """Events with integer child codes, and the rows set aside (never silently dropped)."""

    events: pd.DataFrame
    quarantine: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["place", "reason"]))


def prepare_events(events: pd.DataFrame, period_end: dt.date) -> Prepared:
    """Replace child ids by integer codes and set aside events dated after the period end.

    Rows after the period end are reported in the quarantine (row number and reason), never
    counted and never silently dropped: an extract taken after the period legitimately holds
    them.
    """
    ev = events.copy()
    codes, _ = pd.factorize(ev["child_id"], sort=False)
    ev["child"] = codes.astype(np.int64)
    ev = ev.drop(columns=["child_id"])
    after = ev["event_date"] > pd.Timestamp(period_end)
    rows = ev.loc[after, "_row"] if "_row" in ev else pd.Series(ev.index[after] + 1, index=ev.index[after])
    q = pd.DataFrame({"place": "row " + rows.astype("string"),
                      "reason": f"event dated after the period end ({period_end:%d %B %Y}): not counted in this period"},
                     index=rows.index)
    ev = ev[~after]
    # an end after the period end means still open at the period end
    ev["end_date"] = ev["end_date"].where(ev["end_date"] <= pd.Timestamp(period_end))
    return Prepared(events=ev.reset_index(drop=True), quarantine=q.reset_index(drop=True))


def child_attributes(ev: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """One row per child: the characteristics on the child's latest row (ties: the last row)."""
    cols = ["child", "ethnicity", "sex", "disability", "uasc", "imd_decile", *([by] if by else [])]
    last = ev.sort_values(["child", "event_date"], kind="stable").drop_duplicates("child", keep="last")[cols]
    last = last.set_index("child")
    last["ethnicity_major"] = last["ethnicity"].map(dict((e.code, e.major) for e in ref.ETHNICITY)).astype("string")
    return last


def _age_band_at(rows: pd.DataFrame, when: pd.Series) -> pd.Series:
    days = (when - rows["date_of_birth"]).dt.days
    years_dob = ref.age_in_years(rows["date_of_birth"], when).astype("float64")
    years_age = np.floor(rows["age_at_event"] + (when - rows["event_date"]).dt.days / 365.25)
    years = years_dob.where(rows["date_of_birth"].notna(), years_age)
    unborn = (days < 0).fillna(False)
    # a child who turns 18 while on a plan or looked after is counted in the oldest band
    return ref.age_band(years.clip(lower=0, upper=17), unborn=unborn)


def stage_members(ev: pd.DataFrame, window: Window, *, exclude_uasc_cla: bool = False,
                  attrs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Children at each stage: ``child, stage, age_band`` (one row per child per stage).

    Parameters
    ----------
    ev : DataFrame
        From :func:`prepare_events`.
    window : Window
    exclude_uasc_cla : bool
        Leave unaccompanied asylum-seeking children out of the two looked-after stages.
    attrs : DataFrame, optional
        From :func:`child_attributes` (computed when not given).
    """
    ws, we = pd.Timestamp(window.start), pd.Timestamp(window.end)
    parts = []
    in_win = ev[(ev["event_date"] >= ws) & (ev["event_date"] <= we)]
    first = in_win.sort_values(["child", "event_date"], kind="stable").drop_duplicates(["child", "event"])
    for st in ref.STAGES:
        if st.kind == "flow":
            rows = first[first["event"] == st.event]
            when = rows["event_date"]
        else:
            rows = ev[(ev["event"] == st.event) & (ev["event_date"] <= we) & (ev["end_date"].isna() | (ev["end_date"] > we))]
            rows = rows.sort_values(["child", "event_date"], kind="stable").drop_duplicates("child", keep="last")
            when = pd.Series(we, index=rows.index)
        parts.append(pd.DataFrame({"child": rows["child"].to_numpy(), "stage": st.code,
                                   "age_band": _age_band_at(rows, when).to_numpy()}))
    m = pd.concat(parts, ignore_index=True)
    if exclude_uasc_cla:
        a = attrs if attrs is not None else child_attributes(ev)
        uasc = m["child"].map(a["uasc"]).eq("yes")
        m = m[~(uasc & m["stage"].isin(["cla_start", "cla_at_end"]))]
    return m.reset_index(drop=True)


def conversions(ev: pd.DataFrame, window: Window, feeders: Mapping[str, str], lookback_months: int = 3, *,
                exclude_uasc_cla: bool = False, attrs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Children at each stage's feeder stage and whether they reached the stage.

    The feeder cohort of stage ``s`` (feeder ``f``) is the children with an ``f`` event from
    ``lookback_months`` before the window start to the window end; a child *converted* when they
    have an ``s`` event in the window on or after their first ``f`` event of that span.

    Returns
    -------
    DataFrame
        ``child, stage, feeder, age_band`` (at the first feeder event), ``converted`` (bool).
    """
    ws, we = pd.Timestamp(window.start), pd.Timestamp(window.end)
    lb = ws - pd.DateOffset(months=int(lookback_months))
    out = []
    for s, f in feeders.items():
        fs = ev[(ev["event"] == f) & (ev["event_date"] >= lb) & (ev["event_date"] <= we)]
        fs = fs.sort_values(["child", "event_date"], kind="stable").drop_duplicates("child")
        ss = ev[(ev["event"] == ref.stage(s).event) & (ev["event_date"] >= ws) & (ev["event_date"] <= we)][["child", "event_date"]]
        j = ss.merge(fs[["child", "event_date"]], on="child", suffixes=("", "_f"))
        conv = set(j.loc[j["event_date"] >= j["event_date_f"], "child"].to_numpy().tolist())
        out.append(pd.DataFrame({"child": fs["child"].to_numpy(), "stage": s, "feeder": f,
                                 "age_band": _age_band_at(fs, fs["event_date"]).to_numpy(),
                                 "converted": fs["child"].isin(conv).to_numpy()}))
    c = pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=["child", "stage", "feeder", "age_band", "converted"])
    if exclude_uasc_cla and len(c):
        a = attrs if attrs is not None else child_attributes(ev)
        uasc = c["child"].map(a["uasc"]).eq("yes")
        c = c[~(uasc & c["stage"].eq("cla_start"))]
    return c.reset_index(drop=True)


def group_values(has_imd: bool) -> dict[str, list[str]]:
    """Every group of each group type (so that zero counts are rows, and parts add up)."""
    eth = list(ref.ETHNICITY_CODES)
    maj = list(ref.MAJOR_GROUPS)
    vals: dict[str, list[str]] = {
        "all": ["All children"],
        "ethnicity_major": maj,
        "ethnicity_minor": eth,
        "sex": list(ref.SEXES),
        "age_band": list(ref.AGE_BANDS),
        "disability": list(ref.DISABILITY),
        "ethnicity_major x sex": [f"{a} x {b}" for a in maj for b in ref.SEXES],
        "ethnicity_major x age_band": [f"{a} x {b}" for a in maj for b in ref.AGE_BANDS],
        "ethnicity_minor x sex": [f"{a} x {b}" for a in eth for b in ref.SEXES],
        "ethnicity_minor x age_band": [f"{a} x {b}" for a in eth for b in ref.AGE_BANDS],
    }
    if has_imd:
        vals["imd_decile"] = [str(i) for i in range(1, 11)] + ["unknown"]
    return vals


def _keys(frame: pd.DataFrame, gt: str) -> pd.Series:
    if gt == "all":
        return pd.Series("All children", index=frame.index, dtype="string")
    if " x " in gt:
        a, b = gt.split(" x ")
        return frame[a].astype("string") + " x " + frame[b].astype("string")
    if gt == "imd_decile":
        return frame["imd_decile"].astype("string").fillna("unknown")
    return frame[gt].astype("string")


def count_groups(members: pd.DataFrame, attrs: pd.DataFrame, *, value: str | None = None,
                 has_imd: bool = False, internal: bool = True, stages: "list[str] | None" = None,
                 by: str | None = None) -> pd.DataFrame:
    """Count children by stage and group for every group type (zero-filled).

    Parameters
    ----------
    members : DataFrame
        ``child, stage, age_band`` (+ ``value`` column to sum, e.g. ``converted``).
    attrs : DataFrame
        From :func:`child_attributes`.
    value : str, optional
        A boolean column to count (e.g. ``converted``) beside the number of rows (``n``).
    has_imd : bool
        Include the ``imd_decile`` group type.
    internal : bool
        Include the minor-ethnicity intersections used for the White British reference.
    stages : list of str, optional
        The stages to report (default: those present in ``members``).
    by : str, optional
        A column of ``attrs`` (e.g. ``la_code``) to count within as well.

    Returns
    -------
    DataFrame
        ``stage, group_type, group, n`` (+ ``value``).
    """
    a = attrs.reindex(members["child"].to_numpy())
    frame = pd.DataFrame({
        "stage": members["stage"].to_numpy(),
        "ethnicity_major": a["ethnicity_major"].to_numpy(), "ethnicity_minor": a["ethnicity"].to_numpy(),
        "sex": a["sex"].to_numpy(), "disability": a["disability"].to_numpy(), "imd_decile": a["imd_decile"].to_numpy(),
        "age_band": members["age_band"].to_numpy(),
    })
    frame["_by"] = a[by].to_numpy() if by else ""
    if value:
        frame[value] = members[value].to_numpy().astype(np.int64)
    vals = group_values(has_imd)
    types = [t for t in (*SINGLE_TYPES, *INTERSECTION_TYPES, *(_INTERNAL_TYPES if internal else ())) if t in vals]
    bys = sorted(pd.unique(attrs[by].dropna())) if by else [""]
    if stages is None:
        stages = list(dict.fromkeys(members["stage"])) if len(members) else []
    out = []
    for gt in types:
        key = _keys(frame, gt)
        g = frame.assign(group=key).groupby(["_by", "stage", "group"], observed=True)
        agg = g.size().rename("n").to_frame()
        if value:
            agg[value] = g[value].sum()
        idx = pd.MultiIndex.from_product([bys, stages, vals[gt]], names=["_by", "stage", "group"])
        agg = agg.reindex(idx, fill_value=0).reset_index()
        agg.insert(2, "group_type", gt)
        out.append(agg)
    res = pd.concat(out, ignore_index=True)
    res["n"] = res["n"].astype(np.int64)
    return res.rename(columns={"_by": by}) if by else res.drop(columns="_by")
