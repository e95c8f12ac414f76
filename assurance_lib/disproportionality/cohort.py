"""From journey events to counts of children by stage and group (children, not episodes).

The counting rule, as the method note states it (``docs/disproportionality.md``, "Counting
children, not episodes"), is defined once, here, in plain pandas:

- :func:`children_at_stage`: **a child at a stage in the window**. Flows (contacts, referrals, ...
  starts to be looked after): the child has at least one such event in the window; their first
  such event gives their age band. Stocks (on a child protection plan, looked after): the child's
  plan or care episode started on or before the period end and had not ended by it; age at the
  period end.
- :func:`feeder_cohort` and :func:`conversions`: **a child who converted from a feeder stage**. Of
  the children with a feeder-stage event in the window or the look-back before it, those with the
  stage's event in the window on or after their first such feeder event.
- :func:`child_attributes`: **each child's characteristics** (ethnicity, sex, disability, UASC
  status, IMD decile) are those recorded on their latest row on or before the period end.

Each rule is "sort the events by child and date, keep each child's first (or last) row":
:func:`prepare_events` finds that order once (a stable sort, so rows of one child on one day keep
the file's order) and the rules read the events in it. Child identifiers are replaced by integer
codes there and never leave this module. :func:`count_groups` then counts the children by stage
and every group type.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from .. import reference as ref
from ..config import Period

__all__ = [
    "Window",
    "window_for",
    "prepare_events",
    "events_of_each_kind",
    "earliest_day",
    "child_attributes",
    "children_at_stage",
    "stage_members",
    "feeder_cohort",
    "conversions",
    "age_band_at",
    "SINGLE_TYPES",
    "INTERSECTION_TYPES",
    "group_values",
    "count_groups",
    "Prepared",
]

SINGLE_TYPES: tuple[str, ...] = (
    "all",
    "ethnicity_major",
    "ethnicity_minor",
    "sex",
    "age_band",
    "disability",
    "imd_decile",
)
"""Single-characteristic group types (``imd_decile`` only when the input has it)."""
INTERSECTION_TYPES: tuple[str, ...] = ("ethnicity_major x sex", "ethnicity_major x age_band")
"""Intersections published (ethnicity by sex, ethnicity by age band)."""
_INTERNAL_TYPES: tuple[str, ...] = ("ethnicity_minor x sex", "ethnicity_minor x age_band")
"""Used only for the White British reference of intersections; not published."""

LOOKED_AFTER_STAGES: tuple[str, ...] = ("cla_start", "cla_at_end")
"""The stages ``exclude_uasc_cla`` leaves unaccompanied asylum-seeking children out of."""
_COUNTING_COLUMNS = ["child", "event", "event_date", "end_date", "date_of_birth", "age_at_event"]
"""The columns of the events the counting rule reads (characteristics come from :func:`child_attributes`)."""
_NOT_COUNTED = ("_row", "child_id", "referral_source", "locality")
"""Columns of the events contract that no count reads: :func:`prepare_events` does not sort and keep them."""


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
    """Events with integer child codes, their order by child and date, and the rows set aside
    (never silently dropped)."""

    events: pd.DataFrame
    quarantine: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["place", "reason"]))
    order: np.ndarray | None = None
    """Positions of the rows of ``events`` sorted by child and event date (see :func:`prepare_events`)."""


def prepare_events(events: pd.DataFrame, period_end: dt.date) -> Prepared:
    """Replace child ids by integer codes, set aside events dated after the period end, and find
    the order of the events by child and date.

    Rows after the period end are reported in the quarantine (row number and reason), never
    counted and never silently dropped: an extract taken after the period legitimately holds
    them. An end date after the period end means open at the period end (it is blanked).

    Returns
    -------
    Prepared
        ``events``: the columns of ``events`` that the counts read (all but ``_row``,
        ``child_id``, ``referral_source`` and ``locality``; columns outside the events contract,
        such as ``la_code``, are kept) and ``child`` (0, 1, 2 ... in order of first appearance in
        the file), in the file's order; ``order``: the positions of those rows sorted by child and
        event date (a stable sort: rows of one child on one day keep the file's order; missing
        dates last). The rules read the rows in that order (:func:`child_attributes`,
        :func:`events_of_each_kind`) without a sorted copy of every column.
    """
    ev = events.drop(columns=[c for c in _NOT_COUNTED if c in events])
    ev["child"] = _child_codes(events)
    after = ev["event_date"] > pd.Timestamp(period_end)
    rows = events.loc[after, "_row"] if "_row" in events else pd.Series(ev.index[after] + 1, index=ev.index[after])
    q = pd.DataFrame(
        {
            "place": "row " + rows.astype("string"),
            "reason": f"event dated after the period end ({period_end:%d %B %Y}): not counted in this period",
        },
        index=rows.index,
    )
    if after.any():
        ev = ev[~after]
    # an end after the period end means still open at the period end
    end = ev["end_date"]
    late = end > pd.Timestamp(period_end)
    if late.any():
        ev["end_date"] = end.where(~late)
    ev = ev.reset_index(drop=True)
    return Prepared(events=ev, quarantine=q.reset_index(drop=True), order=_positions_by_child_and_date(ev))


def _child_codes(events: pd.DataFrame) -> np.ndarray:
    """Each row's child as an integer code: 0, 1, 2 ... in order of first appearance in ``events``.

    The codes ``read_events`` made (column ``child``) are taken as they are when they are in that
    order (rows read as they were); a selection of those rows is coded again from its integer codes
    (quick); other frames from their ``child_id``.
    """
    if "child" in events:
        codes = events["child"].to_numpy()
        if not len(codes):
            return codes.astype(np.int64)
        # in order of first appearance: every code is at most one more than the largest before it
        top = np.maximum.accumulate(codes)
        if codes[0] == 0 and bool(np.all(top[1:] - top[:-1] <= 1)):
            return codes.astype(np.int64, copy=False)
        return pd.factorize(codes, sort=False)[0].astype(np.int64, copy=False)
    return pd.factorize(events["child_id"], sort=False)[0].astype(np.int64, copy=False)


def _order_by_child_and_date(ev: pd.DataFrame) -> np.ndarray | None:
    """Positions of the rows of ``ev`` sorted by child and event date (stable; missing dates
    last), or ``None`` when they already are (the rows of :func:`events_of_each_kind`, and any
    selection of their rows)."""
    child = ev["child"].to_numpy()
    date = ev["event_date"].to_numpy()
    if bool(np.all(child[1:] >= child[:-1])):  # by child: are the dates of each child in order?
        same = np.flatnonzero(child[1:] == child[:-1])  # a row and the next, of one child
        before, after = date[same], date[same + 1]
        with np.errstate(invalid="ignore"):
            later = (after < before) | (~np.isnat(after) & np.isnat(before))  # a missing date before a known one
        if not bool(later.any()):
            return None
    # np.lexsort is stable and sorts missing dates (NaT) last: the same order as
    # ev.sort_values(["child", "event_date"], kind="stable"), without turning each key into categories
    return np.lexsort((date, child))


def _positions_by_child_and_date(ev: pd.DataFrame, order: np.ndarray | None = None) -> np.ndarray:
    """``order`` when given, else the positions of the rows of ``ev`` sorted by child and event
    date (``0, 1, 2 ...`` when they already are)."""
    if order is None:
        order = _order_by_child_and_date(ev)
    return np.arange(len(ev)) if order is None else order


def _by_child_and_date(ev: pd.DataFrame) -> pd.DataFrame:
    """``ev`` sorted by child and event date (stable; missing dates last): as it is when it already is."""
    order = _order_by_child_and_date(ev)
    return ev if order is None else ev.take(order)


def events_of_each_kind(
    ev: pd.DataFrame, since: pd.Timestamp | None = None, *, order: np.ndarray | None = None
) -> dict[str, pd.DataFrame]:
    """The events of each kind (``reference.FLOW_EVENTS``), by child and date: the columns the
    counting rule reads (``child, event, event_date, end_date, date_of_birth, age_at_event``).

    :func:`stage_members` and :func:`conversions` take it (``of_kind=``) so that the events are
    split once for both.

    Parameters
    ----------
    ev : DataFrame
        From :func:`prepare_events`.
    since : Timestamp, optional
        Leave out the events dated before it (or undated) of the kinds that only count as flows:
        no rule looks before the feeder look-back (:func:`earliest_day`). The events that open a
        plan or a care episode (``reference.EVENTS_WITH_END``) are all kept: the stocks need them.
    order : array, optional
        The positions of the rows of ``ev`` by child and date (``Prepared.order``; worked out
        when not given).
    """
    order = _positions_by_child_and_date(ev, order)
    kind = _codes_for(ev["event"], ref.FLOW_EVENTS, dtype=np.int8)[order]  # each row's kind, by child and date
    recent = None if since is None else (ev["event_date"] >= since).to_numpy(dtype=bool)[order]
    cols = ev[_COUNTING_COLUMNS]
    out = {}
    for i, e in enumerate(ref.FLOW_EVENTS):
        of_kind = kind == i
        if recent is not None and e not in ref.EVENTS_WITH_END:
            of_kind &= recent
        out[e] = cols.take(order[of_kind])
    return out


def earliest_day(window: Window, lookback_months: int) -> pd.Timestamp:
    """The earliest day a rule looks at: the window start less the feeder look-back."""
    return pd.Timestamp(window.start) - pd.DateOffset(months=int(lookback_months))


def _of_event(ev: pd.DataFrame, event: str) -> pd.DataFrame:
    """The rows of ``ev`` whose event is ``event`` (``ev`` itself when they all are, as in the
    frames of :func:`events_of_each_kind`)."""
    is_event = (ev["event"] == event).to_numpy(dtype=bool)
    return ev if is_event.all() else ev[is_event]


def _first_of_each_child(rows: pd.DataFrame, where: Any = None) -> pd.DataFrame:
    """Each child's first row (of the rows ``where`` is true, when given):
    ``rows[where].drop_duplicates("child", keep="first")`` for rows sorted by child, found by
    comparing each row's child with the row before."""
    pos = None if where is None else np.flatnonzero(np.asarray(where, dtype=bool))
    child = rows["child"].to_numpy() if pos is None else rows["child"].to_numpy()[pos]
    first = np.ones(len(child), dtype=bool)
    first[1:] = child[1:] != child[:-1]
    return rows[first] if pos is None else rows.iloc[pos[first]]


def _last_of_each_child(rows: pd.DataFrame, where: Any = None) -> pd.DataFrame:
    """Each child's last row (of the rows ``where`` is true, when given):
    ``rows[where].drop_duplicates("child", keep="last")`` for rows sorted by child, found by
    comparing each row's child with the row after."""
    pos = None if where is None else np.flatnonzero(np.asarray(where, dtype=bool))
    child = rows["child"].to_numpy() if pos is None else rows["child"].to_numpy()[pos]
    last = np.ones(len(child), dtype=bool)
    last[:-1] = child[:-1] != child[1:]
    return rows[last] if pos is None else rows.iloc[pos[last]]


# ------------------------------------------------------------------------------------------
# the counting rule
# ------------------------------------------------------------------------------------------


def child_attributes(ev: pd.DataFrame, by: str | None = None, *, order: np.ndarray | None = None) -> pd.DataFrame:
    """Each child's characteristics: those on the child's latest row (same day: the last row).

    Parameters
    ----------
    ev : DataFrame
        From :func:`prepare_events`.
    by : str, optional
        A further column to take from the latest row (e.g. ``la_code``).
    order : array, optional
        The positions of the rows of ``ev`` by child and date (``Prepared.order``; worked out
        when not given).

    Returns
    -------
    DataFrame
        Indexed by ``child`` (ascending): ``ethnicity, sex, disability, uasc, imd_decile`` (and
        ``by``), and ``ethnicity_major`` (the DfE major group of ``ethnicity``).
    """
    cols = ["ethnicity", "sex", "disability", "uasc", "imd_decile", *([by] if by else [])]
    order = _positions_by_child_and_date(ev, order)
    child = ev["child"].to_numpy()[order]
    last = np.ones(len(child), dtype=bool)  # each child's last row, by child and date
    last[:-1] = child[:-1] != child[1:]
    out = ev[cols].take(order[last]).set_axis(pd.Index(child[last], name="child"))
    out["ethnicity_major"] = out["ethnicity"].map(dict((x.code, x.major) for x in ref.ETHNICITY)).astype("string")
    return out


def children_at_stage(ev: pd.DataFrame, stage: ref.Stage, window: Window) -> pd.DataFrame:
    """The children at one stage in the window: one row per child, the event row that puts them there.

    - A **flow** stage (contact, referral, ... start to be looked after): the children with at least
      one event of the stage from the window start to the window end (both inclusive); the row is
      each child's **first** such event (a child referred twice counts once).
    - A **stock** stage (on a plan, looked after at the end): the children whose plan or care
      episode started on or before the window end and had not ended by it (no end date, or one
      after the window end); the row is each child's **latest** such start.

    Parameters
    ----------
    ev : DataFrame
        From :func:`prepare_events` (any columns; ``child``, ``event``, ``event_date``,
        ``end_date`` are used).
    stage : reference.Stage
    window : Window

    Returns
    -------
    DataFrame
        The rows of ``ev``, one per child, in order of child.
    """
    start, end = pd.Timestamp(window.start), pd.Timestamp(window.end)
    of_stage = _of_event(_by_child_and_date(ev), stage.event)
    date = of_stage["event_date"]
    if stage.kind == "flow":
        in_window = (date >= start) & (date <= end)
        return _first_of_each_child(of_stage, where=in_window)
    open_at_end = (date <= end) & (of_stage["end_date"].isna() | (of_stage["end_date"] > end))
    return _last_of_each_child(of_stage, where=open_at_end)


def age_band_at(rows: pd.DataFrame, when: pd.Series) -> pd.Series:
    """The age band of the child of each row on the date ``when`` (calendar age).

    From the date of birth when the row has one (a date before birth: ``unborn``); otherwise
    from the age at the event moved on to ``when`` (whole years: ``floor(age + days / 365.25)``);
    neither: missing. Ages are clipped to 0-17 (a child who turns 18 while on a plan or looked
    after is in ``16 to 17``).

    Returns
    -------
    Series
        Age bands, categorical with the categories ``reference.AGE_BANDS``, aligned with ``rows``.
    """
    dob = rows["date_of_birth"]
    years = ref.age_in_years(dob, when).to_numpy(dtype="float64", na_value=np.nan)
    if "age_at_event" in rows and rows["age_at_event"].notna().any():
        days = (when - rows["event_date"]).dt.days.to_numpy(dtype="float64", na_value=np.nan)
        age = pd.to_numeric(rows["age_at_event"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        years = np.where(dob.notna().to_numpy(), years, np.floor(age + days / 365.25))
    # as reference.age_band: under 1, 1 to 4, 5 to 9, 10 to 15, 16 to 17 (codes 1 to 5): the number of
    # band edges at or below the age (np.searchsorted(ref._AGE_EDGES, age, side="right"), a pass per edge)
    age = np.clip(years, 0, 17)
    codes = np.zeros(len(age), dtype=np.int8)
    for edge in ref._AGE_EDGES:
        codes += age >= edge
    codes[np.isnan(years)] = -1
    codes[(when < dob).to_numpy(dtype=bool)] = 0  # before birth: unborn
    return pd.Series(pd.Categorical.from_codes(codes, categories=list(ref.AGE_BANDS)), index=rows.index)


def _uasc_children(ev: pd.DataFrame, attrs: pd.DataFrame | None) -> pd.Index:
    """The children recorded as unaccompanied asylum-seeking children (on their latest row)."""
    a = attrs if attrs is not None else child_attributes(ev)
    return a.index[a["uasc"].eq("yes").fillna(False).to_numpy(dtype=bool)]


def stage_members(
    ev: pd.DataFrame,
    window: Window,
    *,
    exclude_uasc_cla: bool = False,
    attrs: pd.DataFrame | None = None,
    as_text: bool = True,
    of_kind: Mapping[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Children at each stage (:func:`children_at_stage`): ``child, stage, age_band``.

    One row per child per stage, stages in the order of ``reference.STAGES``. The age band is
    taken at the child's first event of a flow stage in the window, at the window end for stocks.

    Parameters
    ----------
    ev : DataFrame
        From :func:`prepare_events`.
    window : Window
    exclude_uasc_cla : bool
        Leave unaccompanied asylum-seeking children out of the two looked-after stages.
    attrs : DataFrame, optional
        From :func:`child_attributes` (computed when needed and not given).
    as_text : bool
        ``stage`` and ``age_band`` as text (``str``); ``False``: as categoricals (the same values,
        quicker to count with :func:`count_groups`).
    of_kind : mapping, optional
        From :func:`events_of_each_kind` (computed when not given).
    """
    uasc = _uasc_children(ev, attrs) if exclude_uasc_cla else None
    of_kind = of_kind if of_kind is not None else events_of_each_kind(ev)
    end = pd.Timestamp(window.end)
    parts: list[dict[str, Any]] = []
    for stage in ref.STAGES:
        rows = children_at_stage(of_kind[stage.event], stage, window)
        if uasc is not None and stage.code in LOOKED_AFTER_STAGES:
            rows = rows[~rows["child"].isin(uasc)]
        when = rows["event_date"] if stage.kind == "flow" else pd.Series(end, index=rows.index)
        parts.append(
            {
                "child": rows["child"].to_numpy(),
                "stage": _repeat(stage.code, len(rows)),
                "age_band": age_band_at(rows, when).array,
            }
        )
    return _stack(parts, as_text)


def feeder_cohort(ev: pd.DataFrame, feeder: str, window: Window, lookback_months: int) -> pd.DataFrame:
    """The children at a feeder stage: those with a ``feeder`` event from ``lookback_months`` before
    the window start to the window end; one row per child, their **first** such event."""
    span_start = earliest_day(window, lookback_months)
    of_feeder = _of_event(_by_child_and_date(ev), feeder)
    date = of_feeder["event_date"]
    return _first_of_each_child(of_feeder, where=(date >= span_start) & (date <= pd.Timestamp(window.end)))


def conversions(
    ev: pd.DataFrame,
    window: Window,
    feeders: Mapping[str, str],
    lookback_months: int = 3,
    *,
    exclude_uasc_cla: bool = False,
    attrs: pd.DataFrame | None = None,
    as_text: bool = True,
    of_kind: Mapping[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Children at each stage's feeder stage and whether they reached the stage.

    The feeder cohort of stage ``s`` (feeder ``f``) is :func:`feeder_cohort`: the children with an
    ``f`` event from ``lookback_months`` before the window start to the window end. A child
    *converted* when they have an ``s`` event in the window on or after their first ``f`` event of
    that span.

    Returns
    -------
    DataFrame
        ``child, stage, feeder, age_band`` (at the first feeder event), ``converted`` (bool); one
        row per child per stage, stages in the order of ``feeders``. ``as_text=False``: ``stage``,
        ``feeder`` and ``age_band`` as categoricals (as :func:`stage_members`). ``attrs`` and
        ``of_kind`` as in :func:`stage_members`.
    """
    if not feeders:
        return pd.DataFrame(columns=["child", "stage", "feeder", "age_band", "converted"])
    uasc = _uasc_children(ev, attrs) if exclude_uasc_cla else None
    of_kind = of_kind if of_kind is not None else events_of_each_kind(ev)
    start, end = pd.Timestamp(window.start), pd.Timestamp(window.end)
    parts: list[dict[str, Any]] = []
    cohorts: dict[str, tuple[pd.DataFrame, pd.Series]] = {}  # a feeder may serve several stages
    for stage, feeder in feeders.items():
        if feeder not in cohorts:
            first = feeder_cohort(of_kind[feeder], feeder, window, lookback_months)
            cohorts[feeder] = first, age_band_at(first, first["event_date"])
        cohort, band = cohorts[feeder]
        of_stage = of_kind[ref.stage(stage).event][["child", "event_date"]]
        date = of_stage["event_date"]
        latest_at_stage = _last_of_each_child(of_stage, where=(date >= start) & (date <= end))
        reached = _event_date_of(latest_at_stage, cohort["child"].to_numpy())  # NaT: not at the stage
        converted = pd.Series(reached >= cohort["event_date"].to_numpy(), index=cohort.index)
        if uasc is not None and stage == "cla_start":
            keep = ~cohort["child"].isin(uasc)
            cohort, band, converted = cohort[keep], band[keep], converted[keep]
        parts.append(
            {
                "child": cohort["child"].to_numpy(),
                "stage": _repeat(stage, len(cohort)),
                "feeder": _repeat(feeder, len(cohort)),
                "age_band": band.array,
                "converted": converted.to_numpy(dtype=bool),
            }
        )
    return _stack(parts, as_text)


def _event_date_of(rows: pd.DataFrame, children: np.ndarray) -> np.ndarray:
    """The ``event_date`` of each of ``children`` in ``rows`` (one row per child, in order of
    child): ``rows.set_index("child")["event_date"].reindex(children)``, NaT where absent."""
    keys = rows["child"].to_numpy()
    dates = rows["event_date"].to_numpy()
    if not len(keys):
        return np.full(len(children), np.datetime64("NaT"), dtype=dates.dtype)
    pos = np.minimum(np.searchsorted(keys, children), len(keys) - 1)
    return np.where(keys[pos] == children, dates[pos], np.datetime64("NaT"))


def _repeat(text: str, n: int) -> pd.Categorical:
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[text])


def _stack(parts: list[dict[str, Any]], as_text: bool) -> pd.DataFrame:
    """The parts (columns: arrays or categoricals) one after the other as a frame, their
    categorical columns as text (``str``) when ``as_text``."""
    out: dict[str, Any] = {}
    for c in parts[0]:
        if isinstance(parts[0][c].dtype, pd.CategoricalDtype):
            labels = union_categoricals([p[c] for p in parts])
            out[c] = (
                pd.Index(labels.categories, dtype="str").take(labels.codes, allow_fill=True, fill_value=np.nan)
                if as_text
                else labels
            )
        else:
            out[c] = np.concatenate([np.asarray(p[c]) for p in parts])
    return pd.DataFrame(out, copy=False)


# ------------------------------------------------------------------------------------------
# counting by group
# ------------------------------------------------------------------------------------------


def _codes_for(
    values: pd.Series | pd.Index, choices: Sequence[str], *, missing: int = -1, dtype: Any = np.int64
) -> np.ndarray:
    """The index of each value's text in ``choices`` (``missing`` where absent, -1 where not listed).

    Values are compared as text (``astype("string")``), once per distinct value.
    """
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes = s.cat.codes.to_numpy()
        uniques = pd.Series(s.cat.categories)
    else:
        codes, uniq = pd.factorize(s, sort=False)
        uniques = pd.Series(uniq)
    pos = {c: i for i, c in enumerate(choices)}
    text = uniques.astype("string") if len(uniques) else pd.Series([], dtype="string")
    lut = np.array([pos.get(v, -1) if v is not pd.NA else missing for v in text.tolist()] + [missing], dtype=dtype)
    return lut[codes]  # code -1 (missing) reads the last entry


def _index_of(index: pd.Index, values: pd.Series) -> np.ndarray:
    """Position of each value in ``index`` (-1 where absent), looking up each distinct value once."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    lut = np.append(np.asarray(index.get_indexer(uniques), dtype=np.int64), -1)
    return lut[codes]


@dataclass(frozen=True, slots=True)
class _Attrs:
    """Each child's characteristics as codes (index in the group values; -1 not counted)."""

    eth: np.ndarray  # major groups follow from it (``_MAJOR_MATRIX``)
    sex: np.ndarray
    disability: np.ndarray
    imd: np.ndarray  # 0-9 deciles 1-10, 10 unknown
    uasc: np.ndarray  # bool
    by: np.ndarray | None = None
    by_values: pd.Index | None = None


_MAJOR_OF = np.array([ref.MAJOR_GROUPS.index(e.major) for e in ref.ETHNICITY] + [-1], dtype=np.int64)
_IMD_VALUES = tuple(str(i) for i in range(1, 11)) + ("unknown",)


def _attr_codes(frame: pd.DataFrame, by: str | None = None) -> _Attrs:
    """Codes of the characteristics in ``frame`` (one row per child, in child order)."""
    by_codes = by_values = None
    if by:
        by_codes, by_values = _by_codes(frame[by])
    return _Attrs(
        eth=_codes_for(frame["ethnicity"], ref.ETHNICITY_CODES, dtype=np.int8),  # small codes: a byte per child
        sex=_codes_for(frame["sex"], ref.SEXES, dtype=np.int8),
        disability=_codes_for(frame["disability"], ref.DISABILITY, dtype=np.int8),
        imd=_codes_for(frame["imd_decile"], _IMD_VALUES, missing=len(_IMD_VALUES) - 1, dtype=np.int8),
        uasc=_codes_for(frame["uasc"], ("yes",), dtype=np.int8) == 0,
        by=by_codes,
        by_values=by_values,
    )


def _by_codes(vals: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """The distinct values of ``vals``, sorted, and each row's position among them (-1 where missing)."""
    if isinstance(vals.dtype, pd.CategoricalDtype):  # each category looked at once
        codes = vals.cat.codes.to_numpy()
        n_cat = len(vals.cat.categories)
        used = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=n_cat))
        names = list(vals.cat.categories[used])
        order = sorted(range(len(names)), key=names.__getitem__)
        lut = np.full(n_cat + 1, -1, dtype=np.int64)  # the last: missing (code -1)
        lut[used[order]] = np.arange(len(order))
        return lut[codes], pd.Index([names[i] for i in order])
    values = pd.Index(sorted(pd.unique(vals.dropna())))
    return np.asarray(values.get_indexer(vals), dtype=np.int64), values


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


_MAJOR_MATRIX = np.zeros((len(ref.ETHNICITY_CODES), len(ref.MAJOR_GROUPS)), dtype=np.int64)
_MAJOR_MATRIX[np.arange(len(ref.ETHNICITY_CODES)), _MAJOR_OF[:-1]] = 1
"""Minor ethnic group (row) -> its major group (column), to add minor-group counts into major ones."""


_CUBE_SIZES = (len(ref.ETHNICITY_CODES) + 1, len(ref.SEXES) + 1, len(ref.DISABILITY) + 1, len(ref.AGE_BANDS) + 1)
"""Slots of the characteristic axes of :func:`_cube` (each with one more for "missing or not listed")."""


def _cube(
    child: np.ndarray, cell: np.ndarray, band: np.ndarray, a: _Attrs, n_cells: int, value: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Members counted by cell x ethnicity x sex x disability x age band (x ``value``, 0 or 1,
    when given), and by cell x IMD decile (x ``value``). The last axis is the value's (size 1
    without). A cell is (``by`` value, stage) = ``cell``; each child's ethnicity, sex and
    disability are combined into one code first, so that each member needs one look-up."""
    n_eth, n_sex, n_dis, n_age = _CUBE_SIZES
    n_val = 1 if value is None else 2
    profile = (
        np.where(a.eth >= 0, a.eth, n_eth - 1).astype(np.int32) * n_sex + np.where(a.sex >= 0, a.sex, n_sex - 1)
    ) * n_dis + np.where(a.disability >= 0, a.disability, n_dis - 1)
    n_imd = len(_IMD_VALUES) + 1
    imd = np.where(a.imd >= 0, a.imd, n_imd - 1).astype(np.int32)
    # idx = ((cell * profiles + profile) * n_age + band) (* 2 + value), computed in place: one array per member
    idx = cell * (n_eth * n_sex * n_dis)
    idx += profile[child]
    idx *= n_age
    idx += np.where(band >= 0, band, n_age - 1)
    imd_idx = cell * n_imd
    imd_idx += imd[child]
    if value is not None:
        v = np.asarray(value)
        for i in (idx, imd_idx):
            i *= 2
            i += v
    cube = np.bincount(idx, minlength=n_cells * int(np.prod(_CUBE_SIZES)) * n_val).reshape(n_cells, *_CUBE_SIZES, n_val)
    by_imd = np.bincount(imd_idx, minlength=n_cells * n_imd * n_val).reshape(n_cells, n_imd, n_val)
    return cube, by_imd


class _Sums:
    """Counts of each group type from :func:`_cube`, adding up along characteristics step by step
    (ethnicity x sex and ethnicity x age band from the cube summed over disability, and so on)."""

    _AXES = {"ethnicity": 1, "sex": 2, "disability": 3, "age_band": 4}
    _WIDTHS = {1: len(ref.ETHNICITY_CODES), 2: len(ref.SEXES), 3: len(ref.DISABILITY), 4: len(ref.AGE_BANDS)}
    _ALL = (1, 2, 3, 4)
    _NO_DISABILITY = (1, 2, 4)

    def __init__(self, cube: np.ndarray, by_imd: np.ndarray) -> None:
        self.cube, self.by_imd = cube, by_imd
        self._memo: dict[tuple[int, ...], np.ndarray] = {self._ALL: cube}

    def keep(self, axes: tuple[int, ...]) -> np.ndarray:
        """The cube summed over every characteristic axis not in ``axes`` (sorted; the value axis stays)."""
        if axes not in self._memo:
            # from the cube summed over disability when that is a superset, else from the cube
            parent = self._NO_DISABILITY if set(axes) < set(self._NO_DISABILITY) else self._ALL
            drop = tuple(i + 1 for i, ax in enumerate(parent) if ax not in axes)
            self._memo[axes] = self.keep(parent).sum(axis=drop)
        return self._memo[axes]

    def counts(self, gt: str) -> np.ndarray:
        """(cells, groups in :func:`group_values` order, value) for one group type."""
        if gt == "imd_decile":
            return self.by_imd[:, : len(_IMD_VALUES)]
        if gt == "all":
            return self.keep((1,)).sum(axis=1)[:, None, :]
        parts = gt.split(" x ")
        names = [p.replace("ethnicity_major", "ethnicity").replace("ethnicity_minor", "ethnicity") for p in parts]
        axes = tuple(sorted(self._AXES[n] for n in names))
        summed = self.keep(axes)[(slice(None), *(slice(0, self._WIDTHS[ax]) for ax in axes))]  # drop "missing" slots
        if parts[0] == "ethnicity_major":  # (cells, minor, [second], value) -> (cells, major, [second], value)
            summed = np.moveaxis(np.tensordot(summed, _MAJOR_MATRIX, axes=([1], [0])), -1, 1)
        return summed.reshape(len(summed), -1, summed.shape[-1])


def _tally(
    child: np.ndarray,
    stage: np.ndarray,
    band: np.ndarray,
    a: _Attrs,
    stages: Sequence[str],
    *,
    value: np.ndarray | None = None,
    has_imd: bool = False,
    internal: bool = True,
    by: str | None = None,
    value_name: str | None = None,
) -> pd.DataFrame:
    """Members counted by (``by``), stage and group for every group type, zero-filled.

    ``child`` indexes the arrays of ``a``; ``stage`` indexes ``stages``; ``band`` is the age band
    code of each member; ``value`` (0/1) is counted beside the number of members. The frame is
    the one :func:`count_groups` returns. One ``np.bincount`` over the combinations of
    characteristics gives every group type by adding up along the other characteristics.
    """
    vals = group_values(has_imd)
    types = [gt for gt in (*SINGLE_TYPES, *INTERSECTION_TYPES, *(_INTERNAL_TYPES if internal else ())) if gt in vals]
    ns = len(stages)
    nb = len(a.by_values) if (by and a.by_values is not None) else 1
    cell = stage.astype(np.int64, copy=False)
    if by:
        b = a.by[child]
        keep = b >= 0
        b *= ns
        b += cell
        if keep.all():
            cell = b
        else:
            child, cell, band = child[keep], b[keep], band[keep]
            value = value[keep] if value is not None else None
    sums = _Sums(*_cube(child, cell, band, a, nb * ns, value))
    counts = {gt: sums.counts(gt) for gt in types}
    # row i of a type's block is (by, stage, group), as MultiIndex.from_product orders them
    b_idx, s_idx, t_idx, g_idx = [], [], [], []
    labels: list[str] = []
    for ti, gt in enumerate(types):
        ng = len(vals[gt])
        flat = np.arange(nb * ns * ng)
        b_idx.append(flat // (ns * ng))
        s_idx.append((flat // ng) % ns)
        t_idx.append(np.full(len(flat), ti))
        g_idx.append(flat % ng + len(labels))
        labels += vals[gt]
    cat = np.concatenate
    cols: dict[str, Any] = {}
    if by:
        cols[by] = a.by_values.take(cat(b_idx))
    cols["stage"] = pd.Index(list(stages), dtype="str").take(cat(s_idx))
    cols["group_type"] = pd.Index(types, dtype="str").take(cat(t_idx))
    cols["group"] = pd.array(pd.Index(labels, dtype="str").take(cat(g_idx)))
    cols["n"] = cat([counts[gt].sum(axis=-1).ravel() for gt in types]).astype(np.int64)
    if value_name:
        cols[value_name] = (
            cat([counts[gt][..., 1].ravel() for gt in types]).astype(np.int64)
            if value is not None
            else np.zeros(len(cols["n"]), dtype=np.int64)
        )
    return pd.DataFrame(cols, copy=False)


def count_groups(
    members: pd.DataFrame,
    attrs: pd.DataFrame,
    *,
    value: str | None = None,
    has_imd: bool = False,
    internal: bool = True,
    stages: list[str] | None = None,
    by: str | None = None,
) -> pd.DataFrame:
    """Count children by stage and group for every group type (zero-filled).

    Parameters
    ----------
    members : DataFrame
        ``child, stage, age_band`` (+ ``value`` column to sum, e.g. ``converted``).
    attrs : DataFrame
        From :func:`child_attributes` (indexed by child; major ethnic groups follow from
        ``ethnicity``).
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
    if stages is None:
        stages = list(pd.unique(members["stage"])) if len(members) else []  # in order of appearance
    a = _attr_codes(attrs.reset_index(drop=True), by)  # each child's codes once
    child = members["child"].to_numpy()
    if attrs.index.equals(pd.RangeIndex(len(attrs))) and (
        not len(child) or 0 <= child.min() <= child.max() < len(attrs)
    ):
        pos = child.astype(np.int64, copy=False)  # the children of prepare_events: a child's code is their row in attrs
    else:
        pos = np.asarray(attrs.index.get_indexer(child), dtype=np.int64)
        if (pos < 0).any():  # members not in attrs: one more "child" with every code missing
            pos[pos < 0] = len(attrs)
            a = _Attrs(
                eth=np.append(a.eth, -1),
                sex=np.append(a.sex, -1),
                disability=np.append(a.disability, -1),
                imd=np.append(a.imd, -1),
                uasc=np.append(a.uasc, False),
                by=np.append(a.by, -1) if a.by is not None else None,
                by_values=a.by_values,
            )
    st = _index_of(pd.Index(list(stages)), members["stage"]) if len(stages) else np.full(len(members), -1)
    band = _codes_for(members["age_band"], ref.AGE_BANDS, dtype=np.int8)
    vals = members[value].to_numpy(dtype=np.int8) if value else None
    keep = st >= 0
    if not keep.all():  # members of stages not reported
        pos, st, band = pos[keep], st[keep], band[keep]
        vals = vals[keep] if vals is not None else None
    return _tally(
        pos,
        st,
        band,
        a,
        stages,
        value=vals,
        has_imd=has_imd,
        internal=internal,
        by=by,
        value_name=value,
    )
