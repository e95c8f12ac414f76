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

Speed at national scale: the events are turned once into integer arrays (child codes, event
codes, dates as integers) and every count is a pass of numpy over them (``np.minimum.at`` for the
first event of each child, ``np.bincount`` for the counts by group) instead of sorting and
grouping frames of text. The frames the public functions return are the same as before.
"""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass, field, replace
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from .. import reference as ref
from ..config import Period

__all__ = ["Window", "window_for", "prepare_events", "child_attributes", "stage_members", "conversions",
           "SINGLE_TYPES", "INTERSECTION_TYPES", "group_values", "count_groups", "Prepared", "factorize_children"]

SINGLE_TYPES: tuple[str, ...] = ("all", "ethnicity_major", "ethnicity_minor", "sex", "age_band", "disability",
                                 "imd_decile")
"""Single-characteristic group types (``imd_decile`` only when the input has it)."""
INTERSECTION_TYPES: tuple[str, ...] = ("ethnicity_major x sex", "ethnicity_major x age_band")
"""Intersections published (ethnicity by sex, ethnicity by age band)."""
_INTERNAL_TYPES: tuple[str, ...] = ("ethnicity_minor x sex", "ethnicity_minor x age_band")
"""Used only for the White British reference of intersections; not published."""

_NAT = np.iinfo(np.int64).min          # numpy's integer view of NaT
_MAX = np.iinfo(np.int64).max
_DAY_US = 86_400_000_000


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


# ------------------------------------------------------------------------------------------
# child codes, computed once per column of ids
# ------------------------------------------------------------------------------------------

_FACTORIZED: list[tuple[Any, tuple[int, ...], np.ndarray, int]] = []
_CACHE_SIZE = 2


def _data_key(ids: pd.Series) -> tuple[Any, tuple[int, ...]] | None:
    """The object holding a column's data, and where its values start, or ``None`` if unknown.

    Arrow-backed columns (pandas' default text) hold an immutable ``pyarrow.ChunkedArray``: the
    same object means the same values. NumPy-backed columns are keyed on their base array, the
    data address, length and stride (pandas hands out read-only views of shared data).
    """
    arr = ids.array
    if hasattr(arr, "__arrow_array__") and not isinstance(arr, pd.Categorical):
        try:
            data = arr.__arrow_array__()
        except Exception:  # pragma: no cover - an arrow array that cannot say
            return None
        return data, (len(arr),)
    values = getattr(arr, "_ndarray", None)
    if isinstance(values, np.ndarray):
        base = values
        while isinstance(base.base, np.ndarray):
            base = base.base
        return base, (values.__array_interface__["data"][0], len(values), *values.strides)
    return None


def factorize_children(ids: pd.Series) -> tuple[np.ndarray, int]:
    """Integer codes of child identifiers, in order of first appearance, and how many children.

    The codes of the last two columns factorised are kept (keyed on the identity of the
    column's underlying pyarrow or numpy data, held by a weak reference), so that reading,
    preparing and the several views of one run factorise the identifiers once. A different
    frame, a filtered or edited copy, has other data and is factorised afresh.

    Parameters
    ----------
    ids : Series
        Child identifiers (text or categorical); missing identifiers get code -1.

    Returns
    -------
    codes : ndarray of int64
        Read-only; equal identifiers have equal codes, 0, 1, 2 ... in order of first appearance.
    n : int
        The number of distinct identifiers.

    Examples
    --------
    >>> codes, n = factorize_children(pd.Series(["B", "A", "B"], dtype="string"))
    >>> codes.tolist(), n
    ([0, 1, 0], 2)
    """
    key = _data_key(ids)
    if key is not None:
        for ref_, shape, codes, n in _FACTORIZED:
            if ref_() is key[0] and shape == key[1]:
                return codes, n
    codes, uniques = pd.factorize(ids, sort=False)
    return _remember(ids, codes, len(uniques), key)


def _remember(ids: pd.Series, codes: np.ndarray, n: int, key: "tuple[Any, tuple[int, ...]] | None" = None
              ) -> tuple[np.ndarray, int]:
    """Keep ``codes`` (from ``pd.factorize(ids, sort=False)``) as the codes of ``ids``' data (see
    :func:`factorize_children`) and return them read-only, with the number of children."""
    key = key if key is not None else _data_key(ids)
    codes = np.asarray(codes, dtype=np.int64)
    codes.setflags(write=False)
    if key is not None:
        try:
            wr = weakref.ref(key[0], _forget)
        except TypeError:  # pragma: no cover - data that cannot be weakly referenced
            return codes, n
        _FACTORIZED.insert(0, (wr, key[1], codes, n))
        del _FACTORIZED[_CACHE_SIZE:]
    return codes, n


def _forget(dead: "weakref.ref[Any]") -> None:
    """Drop the codes of a column whose data no longer exists (their memory is freed with it)."""
    _FACTORIZED[:] = [entry for entry in _FACTORIZED if entry[0] is not dead]


def prepare_events(events: pd.DataFrame, period_end: dt.date) -> Prepared:
    """Replace child ids by integer codes and set aside events dated after the period end.

    Rows after the period end are reported in the quarantine (row number and reason), never
    counted and never silently dropped: an extract taken after the period legitimately holds
    them.
    """
    codes, _ = factorize_children(events["child_id"])
    ev = events.drop(columns=["child_id"])
    ev["child"] = codes.astype(np.int64, copy=False)
    after = ev["event_date"] > pd.Timestamp(period_end)
    rows = ev.loc[after, "_row"] if "_row" in ev else pd.Series(ev.index[after] + 1, index=ev.index[after])
    q = pd.DataFrame({"place": "row " + rows.astype("string"),
                      "reason": f"event dated after the period end ({period_end:%d %B %Y}): not counted in this period"},
                     index=rows.index)
    if after.any():
        ev = ev[~after]
    # an end after the period end means still open at the period end
    end = ev["end_date"]
    late = end > pd.Timestamp(period_end)
    if late.any():
        ev["end_date"] = end.where(~late)
    return Prepared(events=ev.reset_index(drop=True), quarantine=q.reset_index(drop=True))


# ------------------------------------------------------------------------------------------
# events as integer arrays
# ------------------------------------------------------------------------------------------

def _codes_for(values: pd.Series | pd.Index, choices: Sequence[str], *, missing: int = -1,
               dtype: Any = np.int64, rows: np.ndarray | None = None) -> np.ndarray:
    """The index of each value's text in ``choices`` (``missing`` where absent, -1 where not listed),
    of the values at positions ``rows`` when given.

    Values are compared as text (``astype("string")``), once per distinct value.
    """
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes = _category_codes(s, rows)
        uniques = pd.Series(s.cat.categories)
    else:
        codes, uniq = pd.factorize(s.take(rows) if rows is not None else s, sort=False)
        uniques = pd.Series(uniq)
    pos = {c: i for i, c in enumerate(choices)}
    text = uniques.astype("string") if len(uniques) else pd.Series([], dtype="string")
    lut = np.array([pos.get(v, -1) if v is not pd.NA else missing for v in text.tolist()] + [missing], dtype=dtype)
    return lut[codes]          # code -1 (missing) reads the last entry


def _category_codes(s: pd.Series, rows: np.ndarray | None) -> np.ndarray:
    """The category codes of a categorical column (at positions ``rows`` when given; -1 missing)."""
    codes = s.cat.codes.to_numpy()
    return codes[rows] if rows is not None else codes


def _index_of(index: pd.Index, values: pd.Series) -> np.ndarray:
    """Position of each value in ``index`` (-1 where absent), looking up each distinct value once."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    lut = np.append(np.asarray(index.get_indexer(uniques), dtype=np.int64), -1)
    return lut[codes]


def _us(s: pd.Series) -> np.ndarray:
    """Datetimes as int64 microseconds (NaT as ``_NAT``)."""
    if not (isinstance(s.dtype, np.dtype) and s.dtype.kind == "M"):
        s = pd.to_datetime(s)
    a = s.to_numpy()
    if a.dtype != np.dtype("datetime64[us]"):
        a = a.astype("datetime64[us]")
    return a.view(np.int64)


def _ts_us(when: dt.date | pd.Timestamp) -> int:
    return int(np.datetime64(pd.Timestamp(when).to_datetime64(), "us").view(np.int64))


@dataclass(frozen=True, slots=True)
class _Events:
    """Prepared events as arrays (one entry per row), and the rows of each event."""

    n_children: int
    child: np.ndarray
    event: np.ndarray      # index in ref.FLOW_EVENTS, -1 otherwise
    date: np.ndarray       # int64 microseconds, _NAT when missing
    end: np.ndarray
    dob: np.ndarray
    age: np.ndarray | None  # float64, NaN when missing; None when every age is missing
    rank: np.ndarray       # orders the rows' dates as ``date`` does: day numbers when every date is a
                           # whole day (a few thousand values, see _pick), else ``date``; _NAT when missing
    by_event: np.ndarray   # row positions grouped by event, ascending within each event
    bounds: np.ndarray     # rows of event k: by_event[bounds[k]:bounds[k + 1]]
    scratch: _Scratch      # work arrays of one entry per child

    def with_own_scratch(self) -> "_Events":
        """The same events with work arrays of their own (for use on another thread)."""
        return replace(self, scratch=_Scratch(self.n_children))

    def rows_of(self, event: str) -> np.ndarray:
        """The rows of one event (ascending)."""
        k = ref.FLOW_EVENTS.index(event)
        return self.by_event[self.bounds[k]:self.bounds[k + 1]]


def _event_arrays(ev: pd.DataFrame) -> _Events:
    child = ev["child"].to_numpy(dtype=np.int64)
    n = int(child.max()) + 1 if len(child) else 0
    age = None
    if "age_at_event" in ev and ev["age_at_event"].notna().any():
        age = pd.to_numeric(ev["age_at_event"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    event = _codes_for(ev["event"], ref.FLOW_EVENTS, dtype=np.int8)
    by_event = np.argsort(event, kind="stable")          # a radix sort of small codes
    bounds = np.searchsorted(event[by_event], np.arange(-1, len(ref.FLOW_EVENTS) + 1), side="left")[1:]
    date = _us(ev["event_date"])
    return _Events(n_children=n, child=child, event=event, date=date, end=_us(ev["end_date"]),
                   dob=_us(ev["date_of_birth"]), age=age, rank=_day_rank(date), by_event=by_event, bounds=bounds,
                   scratch=_Scratch(n))


def _day_rank(date: np.ndarray) -> np.ndarray:
    """Day numbers of ``date`` (int64 microseconds) when every date is a whole day, else ``date``
    itself (missing stays ``_NAT``): the same order, over a range small enough for :func:`_pick`."""
    valid = date != _NAT
    every = bool(valid.all())
    rank = np.remainder(date, _DAY_US)
    if np.any(rank, where=True if every else valid):
        return date
    np.floor_divide(date, _DAY_US, out=rank)
    if not every:
        rank[~valid] = _NAT
    return rank


class _Scratch:
    """Work arrays of one entry per child, kept filled with their sentinel between uses (a national
    extract has millions of children: allocating them afresh for every stage is slow)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self._free: dict[int, list[np.ndarray]] = {}

    def get(self, fill: int) -> np.ndarray:
        """An array of ``n`` entries, all ``fill``."""
        free = self._free.setdefault(fill, [])
        return free.pop() if free else np.full(self.n, fill, dtype=np.int64)

    def put(self, arr: np.ndarray, touched: np.ndarray, fill: int) -> None:
        """Give an array back, after setting the entries at ``touched`` to ``fill`` again."""
        arr[touched] = fill
        self._free.setdefault(fill, []).append(arr)


def _pick(child: np.ndarray, key: np.ndarray, scratch: _Scratch, *, last: bool = False,
          overwrite_key: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """For each child among ``child``, the position of its row with the smallest ``key`` (the first
    such row on ties), or with the largest (the last such row) when ``last``.

    Returns the children (ascending) and the positions. The same rows as a stable sort by
    (child, key) followed by ``drop_duplicates`` keeping the first (last) row of each child.

    When the keys span few values (day numbers, see :func:`_day_rank`), key and position are
    combined into one integer (``(key - min) * rows + position``) and each child's best is found
    in one pass; otherwise in two (the best key, then the first or last row holding it).
    ``overwrite_key``: ``key`` is a work array the combined keys may be written into.
    """
    fill, at = (_NAT, np.maximum.at) if last else (_MAX, np.minimum.at)
    m = len(child)
    if m:
        lo, hi = int(key.min()), int(key.max())
        if (hi - lo + 1) * m < 2 ** 62:
            combined = np.subtract(key, lo, out=key if overwrite_key else None)
            combined *= m
            combined += np.arange(m)
            best = scratch.get(fill)
            at(best, child, combined)
            kids = np.flatnonzero(best != fill)
            out = np.remainder(best[kids], m)
            scratch.put(best, kids, fill)
            return kids, out
    best = scratch.get(fill)
    at(best, child, key)
    hit = np.flatnonzero(key == best[child])
    pos = scratch.get(fill)
    at(pos, child[hit], hit)
    kids = np.flatnonzero(pos != fill)
    out = pos[kids]
    scratch.put(best, child, fill)
    scratch.put(pos, kids, fill)
    return kids, out


def _calendar_age(dob: np.ndarray, when: np.ndarray) -> np.ndarray:
    """Completed years from ``dob`` to ``when`` (int64 microseconds, both valid), as
    :func:`~assurance_lib.reference.age_in_years`: the year, month and day of each calendar day
    are looked up in a table over the days spanned."""
    b = np.floor_divide(dob, _DAY_US)
    w = np.floor_divide(when, _DAY_US)
    if not len(b):
        return np.zeros(0, dtype=np.int64)
    lo, hi = int(min(b.min(), w.min())), int(max(b.max(), w.max()))
    if hi - lo > 5_000_000:      # dates over more than 13,000 years: convert them one by one
        return np.asarray(ref.age_in_years(pd.Series(dob.astype("datetime64[us]")),
                                           pd.Series(when.astype("datetime64[us]"))), dtype=np.int64)
    days = np.arange(lo, hi + 1).astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    year = days.astype("datetime64[Y]").astype(np.int64)
    month_day = (months - days.astype("datetime64[Y]").astype("datetime64[M]")).astype(np.int64) * 32 + \
        (days - months).astype(np.int64)
    b, w = b - lo, w - lo
    return year[w] - year[b] - (month_day[w] < month_day[b])


_BAND_OF_YEARS = np.searchsorted(ref._AGE_EDGES, np.arange(18), side="right").astype(np.int8)
"""Age band (index in ``ref.AGE_BANDS``) of each completed age from 0 to 17 (ages are clipped to it)."""


def _band_codes(e: _Events, rows: np.ndarray, when: np.ndarray) -> np.ndarray:
    """Age band (int8 index in ``ref.AGE_BANDS``, -1 unknown) of ``rows`` at ``when`` (as
    ``_age_band_at``): from the date of birth, else from the age at the event."""
    dob = e.dob[rows]
    has_dob = dob != _NAT
    if has_dob.all():
        band = _BAND_OF_YEARS[np.clip(_calendar_age(dob, when), 0, 17)]
        band[when < dob] = 0                  # a negative number of days since birth: unborn
        return band
    band = np.full(len(rows), -1, dtype=np.int8)
    if has_dob.any():
        band[has_dob] = _BAND_OF_YEARS[np.clip(_calendar_age(dob[has_dob], when[has_dob]), 0, 17)]
    no_dob = np.flatnonzero(~has_dob)
    if len(no_dob) and e.age is not None:
        days = np.floor_divide(when[no_dob] - e.date[rows[no_dob]], _DAY_US)
        years = np.floor(e.age[rows[no_dob]] + days / 365.25)
        known = ~np.isnan(years)
        band[no_dob[known]] = _BAND_OF_YEARS[np.clip(years[known], 0, 17).astype(np.int64)]
    band[has_dob & (when < dob)] = 0
    return band


def _member_arrays(e: _Events, window: Window, uasc: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Children at each stage: (child, stage index in ``ref.STAGES``, age band code)."""
    ws, we = _ts_us(window.start), _ts_us(window.end)
    kids_all, stage_all, band_all = [], [], []
    for i, st in enumerate(ref.STAGES):
        idx = e.rows_of(st.event)
        d = e.date[idx]
        if st.kind == "flow":
            idx = idx[(d != _NAT) & (d >= ws) & (d <= we)]
            kids, pos = _pick(e.child[idx], e.rank[idx], e.scratch)
            rows = idx[pos]
            when = e.date[rows]
        else:
            end = e.end[idx]
            idx = idx[(d != _NAT) & (d <= we) & ((end == _NAT) | (end > we))]
            kids, pos = _pick(e.child[idx], e.rank[idx], e.scratch, last=True)
            rows = idx[pos]
            when = np.full(len(rows), we, dtype=np.int64)
        if uasc is not None and st.code in ("cla_start", "cla_at_end"):
            keep = ~uasc[kids]
            kids, rows, when = kids[keep], rows[keep], when[keep]
        kids_all.append(kids)
        stage_all.append(np.full(len(kids), i, dtype=np.int8))
        band_all.append(_band_codes(e, rows, when))
    return np.concatenate(kids_all), np.concatenate(stage_all), np.concatenate(band_all)


def _conversion_arrays(e: _Events, window: Window, feeders: Mapping[str, str], lookback_months: int,
                       uasc: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Feeder cohorts: (child, index of the stage in ``feeders``, age band code, converted)."""
    return _join_conversions(_conversion_parts(e, window, feeders, lookback_months, uasc), len(feeders))


_ConversionPart = tuple[np.ndarray, np.ndarray, np.ndarray]     # children, age band codes, converted


def _conversion_parts(e: _Events, window: Window, feeders: Mapping[str, str], lookback_months: int,
                      uasc: np.ndarray | None, only: "set[str] | None" = None) -> dict[int, _ConversionPart]:
    """The feeder cohort of each stage of ``feeders`` (of those in ``only`` when given), by the
    stage's index in ``feeders``: its children, their age band codes and whether they converted."""
    ws, we = _ts_us(window.start), _ts_us(window.end)
    lb = _ts_us(pd.Timestamp(window.start) - pd.DateOffset(months=int(lookback_months)))
    parts: dict[int, _ConversionPart] = {}
    cohorts: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}     # a feeder's cohort serves several stages
    for i, (s, f) in enumerate(feeders.items()):
        if only is not None and s not in only:
            continue
        if f not in cohorts:
            fidx = e.rows_of(f)
            d = e.date[fidx]
            fidx = fidx[(d != _NAT) & (d >= lb) & (d <= we)]
            kids, pos = _pick(e.child[fidx], e.rank[fidx], e.scratch)
            rows = fidx[pos]
            cohorts[f] = (kids, e.date[rows], _band_codes(e, rows, e.date[rows]))
        kids, first, band = cohorts[f]
        sidx = e.rows_of(ref.stage(s).event)
        d = e.date[sidx]
        sidx = sidx[(d != _NAT) & (d >= ws) & (d <= we)]
        latest = e.scratch.get(_NAT)
        np.maximum.at(latest, e.child[sidx], e.date[sidx])
        converted = (latest[kids] != _NAT) & (latest[kids] >= first)
        e.scratch.put(latest, e.child[sidx], _NAT)
        if uasc is not None and s == "cla_start":
            keep = ~uasc[kids]
            kids, band, converted = kids[keep], band[keep], converted[keep]
        parts[i] = (kids, band, converted)
    return parts


def _join_conversions(parts: Mapping[int, _ConversionPart], n_stages: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The parts of :func:`_conversion_parts` as (child, stage index, age band code, converted), in
    the order of the stages (a stage without a part has no rows)."""
    ordered = [(i, parts[i]) for i in range(n_stages) if i in parts]
    if not ordered:
        z = np.zeros(0, dtype=np.int64)
        return z, z, z, np.zeros(0, dtype=bool)
    return (np.concatenate([k for _, (k, _, _) in ordered]),
            np.concatenate([np.full(len(k), i, dtype=np.int8) for i, (k, _, _) in ordered]),
            np.concatenate([b for _, (_, b, _) in ordered]), np.concatenate([c for _, (_, _, c) in ordered]))


def _split_by_feeder(feeders: Mapping[str, str], e: _Events) -> tuple[set[str], set[str]]:
    """The stages of ``feeders`` in two sets of about equal work, stages sharing a feeder together
    (each feeder's cohort is picked once). The work of a feeder is the number of rows of its event
    and of its stages' events; the largest is given first to the set with less."""
    def rows(event: str) -> int:
        k = ref.FLOW_EVENTS.index(event)
        return int(e.bounds[k + 1] - e.bounds[k])
    work: dict[str, int] = {}
    for s, f in feeders.items():
        work[f] = work.get(f, rows(f)) + rows(ref.stage(s).event)
    sets: tuple[set[str], set[str]] = (set(), set())
    load = [0, 0]
    for f in sorted(work, key=lambda x: -work[x]):      # (a stable sort: ties in order of appearance)
        i = 0 if load[0] <= load[1] else 1
        sets[i].update(s for s, g in feeders.items() if g == f)
        load[i] += work[f]
    return sets


# ------------------------------------------------------------------------------------------
# characteristics of each child
# ------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Attrs:
    """Each child's characteristics as codes (index in the group values; -1 not counted)."""

    eth: np.ndarray          # major groups follow from it (``_MAJOR_MATRIX``)
    sex: np.ndarray
    disability: np.ndarray
    imd: np.ndarray          # 0-9 deciles 1-10, 10 unknown
    uasc: np.ndarray         # bool
    by: np.ndarray | None = None
    by_values: pd.Index | None = None


_MAJOR_OF = np.array([ref.MAJOR_GROUPS.index(e.major) for e in ref.ETHNICITY] + [-1], dtype=np.int64)
_IMD_VALUES = tuple(str(i) for i in range(1, 11)) + ("unknown",)


def _attr_codes(frame: pd.DataFrame, by: str | None = None, rows: np.ndarray | None = None) -> _Attrs:
    """Codes of the characteristics in ``frame`` (one row per child, in child order), or in the
    rows ``rows`` of ``frame`` (one per child, in child order)."""
    by_codes = by_values = None
    if by:
        by_codes, by_values = _by_codes(frame[by], rows)
    return _Attrs(eth=_codes_for(frame["ethnicity"], ref.ETHNICITY_CODES, rows=rows),
                  sex=_codes_for(frame["sex"], ref.SEXES, rows=rows),
                  disability=_codes_for(frame["disability"], ref.DISABILITY, rows=rows),
                  imd=_codes_for(frame["imd_decile"], _IMD_VALUES, missing=len(_IMD_VALUES) - 1, rows=rows),
                  uasc=_codes_for(frame["uasc"], ("yes",), rows=rows) == 0, by=by_codes, by_values=by_values)


def _by_codes(vals: pd.Series, rows: np.ndarray | None) -> tuple[np.ndarray, pd.Index]:
    """The distinct values of ``vals`` (at ``rows``), sorted, and each row's position among them
    (-1 where missing)."""
    if isinstance(vals.dtype, pd.CategoricalDtype):      # each category looked at once
        codes = _category_codes(vals, rows)
        n_cat = len(vals.cat.categories)
        used = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=n_cat))
        names = list(vals.cat.categories[used])
        order = sorted(range(len(names)), key=names.__getitem__)
        lut = np.full(n_cat + 1, -1, dtype=np.int64)          # the last: missing (code -1)
        lut[used[order]] = np.arange(len(order))
        return lut[codes], pd.Index([names[i] for i in order])
    taken = vals.take(rows) if rows is not None else vals
    values = pd.Index(sorted(pd.unique(taken.dropna())))
    return np.asarray(values.get_indexer(taken), dtype=np.int64), values


def _latest_rows(ev: pd.DataFrame, e: _Events) -> tuple[np.ndarray, np.ndarray]:
    """Children and the position of each child's latest row (ties and missing dates: the last row)."""
    missing = e.rank == _NAT
    if not missing.any():
        return _pick(e.child, e.rank, e.scratch, last=True)
    later = int(e.rank.max()) + 1 if not missing.all() else 0     # after every known date (_NAT is the least)
    return _pick(e.child, np.where(missing, later, e.rank), e.scratch, last=True, overwrite_key=True)


def _child_attrs(ev: pd.DataFrame, e: _Events, by: str | None = None) -> _Attrs:
    """Each child's characteristics (on their latest row) as codes, indexed by child code."""
    kids, rows = _latest_rows(ev, e)
    a = _attr_codes(ev, by, rows=rows)
    if len(kids) == e.n_children:     # every child has a row (kids are then 0, 1, 2 ...)
        return a

    def scatter(x: np.ndarray | None, fill: Any) -> np.ndarray | None:
        if x is None:
            return None
        out = np.full(e.n_children, fill, dtype=x.dtype)
        out[kids] = x
        return out
    return _Attrs(eth=scatter(a.eth, -1), sex=scatter(a.sex, -1),
                  disability=scatter(a.disability, -1), imd=scatter(a.imd, -1), uasc=scatter(a.uasc, False),
                  by=scatter(a.by, -1), by_values=a.by_values)


def child_attributes(ev: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """One row per child: the characteristics on the child's latest row (ties: the last row)."""
    cols = ["ethnicity", "sex", "disability", "uasc", "imd_decile", *([by] if by else [])]
    e = _event_arrays(ev)
    kids, rows = _latest_rows(ev, e)
    last = ev[cols].take(rows)
    last.index = pd.Index(kids, name="child")
    last["ethnicity_major"] = last["ethnicity"].map(dict((x.code, x.major) for x in ref.ETHNICITY)).astype("string")
    return last


# ------------------------------------------------------------------------------------------
# public frames of members and conversions
# ------------------------------------------------------------------------------------------

_BAND_LABELS = np.array(list(ref.AGE_BANDS) + [np.nan], dtype=object)


def _uasc_of(ev: pd.DataFrame, e: _Events, attrs: pd.DataFrame | None) -> np.ndarray:
    a = attrs if attrs is not None else child_attributes(ev)
    u = a["uasc"].reindex(np.arange(e.n_children))
    return u.eq("yes").fillna(False).to_numpy(dtype=bool)


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
    e = _event_arrays(ev)
    kids, stage, band = _member_arrays(e, window, _uasc_of(ev, e, attrs) if exclude_uasc_cla else None)
    return pd.DataFrame({"child": kids, "stage": pd.Index(ref.STAGE_CODES).take(stage),
                         "age_band": pd.Series(_BAND_LABELS[band], dtype="str")})


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
    if not feeders:
        return pd.DataFrame(columns=["child", "stage", "feeder", "age_band", "converted"])
    e = _event_arrays(ev)
    kids, st, band, conv = _conversion_arrays(e, window, feeders, lookback_months,
                                              _uasc_of(ev, e, attrs) if exclude_uasc_cla else None)
    return pd.DataFrame({"child": kids, "stage": pd.Index(list(feeders)).take(st),
                         "feeder": pd.Index(list(feeders.values())).take(st),
                         "age_band": pd.Series(_BAND_LABELS[band], dtype="str"), "converted": conv})


# ------------------------------------------------------------------------------------------
# counting by group
# ------------------------------------------------------------------------------------------

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


def _cube(child: np.ndarray, cell: np.ndarray, band: np.ndarray, a: _Attrs, n_cells: int,
          value: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Members counted by cell x ethnicity x sex x disability x age band (x ``value``, 0 or 1,
    when given), and by cell x IMD decile (x ``value``). The last axis is the value's (size 1
    without). A cell is (``by`` value, stage) = ``cell``; each child's ethnicity, sex and
    disability are combined into one code first, so that each member needs one look-up."""
    n_eth, n_sex, n_dis, n_age = _CUBE_SIZES
    n_val = 1 if value is None else 2
    profile = ((np.where(a.eth >= 0, a.eth, n_eth - 1).astype(np.int32) * n_sex
                + np.where(a.sex >= 0, a.sex, n_sex - 1)) * n_dis + np.where(a.disability >= 0, a.disability, n_dis - 1))
    n_imd = len(_IMD_VALUES) + 1
    imd = np.where(a.imd >= 0, a.imd, n_imd - 1).astype(np.int32)
    idx = (cell * (n_eth * n_sex * n_dis) + profile[child]) * n_age + np.where(band >= 0, band, n_age - 1)
    imd_idx = cell * n_imd + imd[child]
    if value is not None:
        v = np.asarray(value, dtype=np.int64)
        idx, imd_idx = idx * 2 + v, imd_idx * 2 + v
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
            return self.by_imd[:, :len(_IMD_VALUES)]
        if gt == "all":
            return self.keep((1,)).sum(axis=1)[:, None, :]
        parts = gt.split(" x ")
        names = [p.replace("ethnicity_major", "ethnicity").replace("ethnicity_minor", "ethnicity") for p in parts]
        axes = tuple(sorted(self._AXES[n] for n in names))
        summed = self.keep(axes)[(slice(None), *(slice(0, self._WIDTHS[ax]) for ax in axes))]   # drop "missing" slots
        if parts[0] == "ethnicity_major":      # (cells, minor, [second], value) -> (cells, major, [second], value)
            summed = np.moveaxis(np.tensordot(summed, _MAJOR_MATRIX, axes=([1], [0])), -1, 1)
        return summed.reshape(len(summed), -1, summed.shape[-1])


def _tally(child: np.ndarray, stage: np.ndarray, band: np.ndarray, a: _Attrs, stages: Sequence[str], *,
           value: np.ndarray | None = None, has_imd: bool = False, internal: bool = True,
           by: str | None = None, value_name: str | None = None) -> pd.DataFrame:
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
    cell = stage.astype(np.int64)
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
        cols[value_name] = (cat([counts[gt][..., 1].ravel() for gt in types]).astype(np.int64) if value is not None
                            else np.zeros(len(cols["n"]), dtype=np.int64))
    return pd.DataFrame(cols, copy=False)


def count_groups(members: pd.DataFrame, attrs: pd.DataFrame, *, value: str | None = None,
                 has_imd: bool = False, internal: bool = True, stages: "list[str] | None" = None,
                 by: str | None = None) -> pd.DataFrame:
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
        stages = list(pd.unique(members["stage"])) if len(members) else []      # in order of appearance
    # each child's codes once (one more "child" with every code missing, for members not in attrs)
    a = _attr_codes(attrs.reset_index(drop=True), by)
    a = _Attrs(eth=np.append(a.eth, -1), sex=np.append(a.sex, -1), disability=np.append(a.disability, -1),
               imd=np.append(a.imd, -1), uasc=np.append(a.uasc, False),
               by=np.append(a.by, -1) if a.by is not None else None, by_values=a.by_values)
    pos = np.asarray(attrs.index.get_indexer(members["child"].to_numpy()), dtype=np.int64)
    pos[pos < 0] = len(attrs)
    st = _index_of(pd.Index(list(stages)), members["stage"]) if len(stages) else np.full(len(members), -1)
    band = _codes_for(members["age_band"], ref.AGE_BANDS)
    keep = st >= 0
    vals = members[value].to_numpy().astype(np.int64)[keep] if value else None
    return _tally(pos[keep], st[keep], band[keep], a, stages, value=vals, has_imd=has_imd, internal=internal,
                  by=by, value_name=value)
