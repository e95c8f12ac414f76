"""The grid of estimates: for every stage and group, rates, ratios, conversions and shares.

Measures (one row per period x stage x measure x group; every group is a row so that parts
add up to their totals):

``rate_per_10000``
    children at the stage per 10,000 children of the group (Byar >= 10, exact Poisson below);
``rate_ratio``
    the group's rate over the reference group's (score interval and test for two Poisson rates);
``representation_index``
    the group's share of children at the stage over its share of the child population
    (descriptive only);
``conversion``
    of the children at the feeder stage, the share reaching the stage (Wilson);
``conversion_ratio``
    the group's conversion over the reference group's (Katz log interval);
``share``
    the group's share of all children at the stage (Wilson): the measure for characteristics
    without a population (disability, deprivation) and for data quality (ethnicity refused or
    not obtained).

Benjamini-Hochberg q-values are computed within families (period x measure over all stages and
single-characteristic groups; the intersections are a family of their own). An estimate whose
count (or reference count) is below ``min_count``, or whose 95% interval is too wide
(upper / lower above ``max_ci_ratio``), is replaced by ``insufficient``; population share plays
no part in that rule, so small groups (Gypsy, Roma and Irish Traveller children) stay visible.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .. import reference as ref
from .. import stats
from .cohort import INTERSECTION_TYPES, SINGLE_TYPES

__all__ = ["GridOptions", "population_by_group", "estimate", "MEASURES", "GRID_COLUMNS", "REFERENCE_LABELS",
           "group_label"]

MEASURES: tuple[str, ...] = ("rate_per_10000", "rate_ratio", "representation_index", "conversion",
                             "conversion_ratio", "share")
GRID_COLUMNS: tuple[str, ...] = (
    "period", "window", "stage", "stage_label", "count_type", "measure", "group_type", "group", "group_label",
    "reference_group", "count", "denominator", "denominator_kind", "value", "lower_95", "upper_95", "lower_998",
    "upper_998", "method", "p_value", "q_value", "flag", "denominator_source",
)
REFERENCE_LABELS = {"WBRI": "White British (WBRI)", "all_other": "all other children"}
_ESTIMATE_COLS = ("value", "lower_95", "upper_95", "lower_998", "upper_998", "p_value")

_UNKNOWN = {"ethnicity_major": {"Not known"}, "ethnicity_minor": set(ref.NO_POPULATION_CODES), "sex": {"unknown"},
            "age_band": {"unborn"}, "disability": {"unknown"}, "imd_decile": {"unknown"}, "all": set()}


@dataclass(frozen=True, slots=True, kw_only=True)
class GridOptions:
    """Options of the grid (the notebook's parameters).

    Attributes
    ----------
    reference : {'WBRI', 'all_other'}
        Reference group of ethnicity ratios: White British children, or all other children of
        known ethnicity. Other characteristics always compare with all other children whose
        characteristic is known.
    min_count : int
        Below this count (of the group or its reference) an estimate is ``insufficient``.
    max_ci_ratio : float
        A ratio whose 95% interval has upper / lower above this is ``insufficient``.
    """

    reference: str = "WBRI"
    min_count: int = 5
    max_ci_ratio: float = 10.0

    def __post_init__(self) -> None:
        if self.reference not in REFERENCE_LABELS:
            raise ValueError(f"reference_group={self.reference!r} (expected one of: WBRI, all_other)")
        if self.min_count < 0 or not self.max_ci_ratio > 1:
            raise ValueError("min_count must be 0 or more and max_ci_ratio above 1")


def group_label(group_type: str, group: str) -> str:
    """A readable label (``MWBC`` -> ``White and Black Caribbean``; intersections kept)."""
    if group_type.startswith("ethnicity_minor"):
        head, _, tail = group.partition(" x ")
        return ref.ethnicity_name(head) + (f" x {tail}" if tail else "")
    if group_type == "imd_decile" and group != "unknown":
        return f"IMD decile {group}"
    return group


def population_by_group(pop: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Population of every group type that has one: ``group_type, group, population`` (and ``by``)."""
    p = pop.copy()
    p["ethnicity_major"] = p["ethnicity"].map(ref.major_group)
    B = [by] if by else []
    out = []
    for gt, cols in (("all", []), ("ethnicity_minor", ["ethnicity"]), ("ethnicity_major", ["ethnicity_major"]),
                     ("sex", ["sex"]), ("age_band", ["age_band"]),
                     *((f"{a} x {b}", [acol, b]) for a, acol in (("ethnicity_major", "ethnicity_major"), ("ethnicity_minor", "ethnicity"))
                       for b in ("sex", "age_band"))):
        if not B and not cols:
            g = pd.DataFrame({"population": [p["population"].sum()]})
        else:
            g = p.groupby([*B, *cols])["population"].sum().reset_index()
        if gt == "all":
            g["group"] = "All children"
        elif len(cols) == 1:
            g["group"] = g[cols[0]].astype(str)
        else:
            g["group"] = g[cols[0]].astype(str) + " x " + g[cols[1]].astype(str)
        g["group_type"] = gt
        out.append(g[[*B, "group_type", "group", "population"]])
    res = pd.concat(out, ignore_index=True)
    res["population"] = res["population"].astype("float64")
    return res


# ------------------------------------------------------------------------------------------
# the grid, computed on integer codes
# ------------------------------------------------------------------------------------------

_RATIO_MEASURES = ("rate_ratio", "conversion_ratio", "representation_index")
_NOT_APPLICABLE = "not applicable"
_NO_POP = "not estimated: no population for this group (count only)"


def _text(labels: "list[Any] | np.ndarray", codes: np.ndarray, dtype: str = "str") -> pd.api.extensions.ExtensionArray:
    """A text column from a few labels and each row's code into them (``None`` labels are missing)."""
    import pyarrow as pa

    dictionary = pa.array([None if (v is None or (isinstance(v, float) and np.isnan(v))) else str(v) for v in labels],
                          type=pa.large_string())
    dense = dictionary.take(pa.array(np.asarray(codes, dtype=np.int64)))
    return pd.array(dense, dtype=dtype)


def _coded_text(values: np.ndarray, dtype: str = "str") -> pd.api.extensions.ExtensionArray:
    """An object array of text (a few distinct values) as a text column, converting each distinct value once."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    labels = list(uniques) + [None]
    return _text(labels, np.where(codes < 0, len(labels) - 1, codes), dtype)


@dataclass(slots=True)
class _Source:
    """A counts table (``counts`` or ``conv``) as codes shared with the other tables of one grid."""

    frame: pd.DataFrame
    b: np.ndarray        # index into _Codes.by (0 without ``by``)
    s: np.ndarray        # index into _Codes.stages
    t: np.ndarray        # index into _Codes.types
    u: np.ndarray        # index into _Codes.groups
    index: pd.Index      # the row of each (b, s, t, u) key

    def lookup(self, key: np.ndarray) -> np.ndarray:
        """Row positions of the keys (-1 where absent)."""
        return self.index.get_indexer(key)


@dataclass(slots=True)
class _Codes:
    """Codes of ``by`` values, stages, group types and groups shared by the tables of one grid."""

    by: pd.Index
    stages: pd.Index
    types: pd.Index
    groups: pd.Index

    @classmethod
    def of(cls, tables: "list[pd.DataFrame]", population: pd.DataFrame, by: str | None) -> "_Codes":
        """Codes over the counts tables (``by`` values sorted, as the grid is) and the population."""
        def union(frames: "list[pd.DataFrame]", col: str) -> pd.Index:
            parts = [pd.Series(pd.unique(f[col])) for f in frames if len(f) and col in f]
            if not parts:
                return pd.Index([], dtype="str")
            return pd.Index(pd.unique(pd.concat(parts, ignore_index=True)))
        by_index = union(tables, by).sort_values() if by else pd.Index([""])
        return cls(by=by_index, stages=union(tables, "stage"), types=union([*tables, population], "group_type"),
                   groups=union([*tables, population], "group"))

    def key(self, b: np.ndarray, s: np.ndarray, t: np.ndarray, u: np.ndarray) -> np.ndarray:
        ns, nt, nu = len(self.stages) + 1, len(self.types) + 1, len(self.groups) + 1
        return ((b.astype(np.int64) * ns + s) * nt + t) * nu + u

    def source(self, frame: pd.DataFrame, by: str | None) -> _Source:
        n = len(frame)
        b = self.by.get_indexer(frame[by]) if by else np.zeros(n, dtype=np.int64)
        s = self.stages.get_indexer(frame["stage"])
        t = self.types.get_indexer(frame["group_type"])
        u = self.groups.get_indexer(frame["group"])
        src = _Source(frame=frame, b=np.asarray(b, dtype=np.int64), s=np.asarray(s, dtype=np.int64),
                      t=np.asarray(t, dtype=np.int64), u=np.asarray(u, dtype=np.int64), index=pd.Index([]))
        src.index = pd.Index(self.key(src.b, src.s, src.t, src.u))
        return src


@dataclass(slots=True)
class _Pairs:
    """Properties of each (group type, group) pair present: first and second part, known, label."""

    codes: _Codes
    first: dict[tuple[int, int], str] = field(default_factory=dict)

    def table(self, t: np.ndarray, u: np.ndarray, fn: Any, dtype: Any) -> np.ndarray:
        """``fn(group_type, group)`` for each row, evaluated once per distinct pair."""
        nu = len(self.codes.groups) + 1
        pair = t.astype(np.int64) * nu + u
        uniq, inv = np.unique(pair, return_inverse=True)
        vals = [fn(str(self.codes.types[p // nu]), str(self.codes.groups[p % nu])) for p in uniq]
        return np.asarray(vals, dtype=dtype)[inv] if len(uniq) else np.zeros(0, dtype=dtype)


def _parts(group_type: str, group: str) -> tuple[str, str]:
    if " x " in group_type:
        first, _, second = group.partition(" x ")
        return first, second
    return group, ""


def _is_known(group_type: str, group: str) -> bool:
    return _parts(group_type, group)[0] not in _UNKNOWN.get(group_type.split(" x ")[0], set())


def _reference_label(group_type: str, reference: str) -> str:
    base = group_type.split(" x ")[0]
    if group_type == "all":
        return _NOT_APPLICABLE
    if base.startswith("ethnicity") and reference == "WBRI":
        return REFERENCE_LABELS["WBRI"] + (" of the same " + group_type.split(" x ")[1].replace("_", " ") if " x " in group_type else "")
    label = "all other children whose " + base.replace("ethnicity_major", "ethnicity").replace("ethnicity_minor", "ethnicity").replace("_", " ") + " is known"
    if " x " in group_type:
        label += " of the same " + group_type.split(" x ")[1].replace("_", " ")
    return label


@dataclass(slots=True)
class _Reference:
    num: np.ndarray
    den: np.ndarray
    known: np.ndarray
    is_ref: np.ndarray
    label: np.ndarray    # object


def _reference(src: _Source, rows: np.ndarray, num: np.ndarray, den: np.ndarray, reference: str,
               codes: _Codes) -> _Reference:
    """The reference of each of ``rows`` (positions in ``src``): its counts, whether the group's
    characteristic is known, whether it is the reference group itself, and the reference's label.

    - ``all``: no reference;
    - ethnic groups with ``reference="WBRI"``: the White British row of the same stage (and the
      same sex or age band for intersections);
    - otherwise, "all other children whose characteristic is known": the known groups of the same
      type, stage (and sex or age band) added up, less the group itself when it is one of them. A
      group whose characteristic is not known (ethnicity refused or not obtained, sex or
      disability unknown, unborn, no IMD decile) was never in that total, so its reference is the
      whole total.
    """
    pairs = _Pairs(codes)
    t, u, b, s = src.t[rows], src.u[rows], src.b[rows], src.s[rows]
    gt_of = np.array(list(codes.types) + [""], dtype=object)[t]
    known = pairs.table(t, u, _is_known, bool)
    label = pairs.table(t, u, lambda gt, g: _reference_label(gt, reference), object)
    ref_num = np.full(len(rows), np.nan)
    ref_den = np.full(len(rows), np.nan)
    is_ref = np.zeros(len(rows), dtype=bool)
    base = np.array([str(g).split(" x ")[0] for g in gt_of], dtype=object) if len(rows) else np.zeros(0, dtype=object)
    is_all = gt_of == "all"
    wbri = ~is_all & np.char.startswith(base.astype(str), "ethnicity") & (reference == "WBRI") if len(rows) else np.zeros(0, dtype=bool)
    other = ~is_all & ~wbri
    if wbri.any():
        def target(gt: str, g: str) -> int:
            first, second = _parts(gt, g)
            base_ = gt.split(" x ")[0]
            ref_type = "ethnicity_minor" + (gt[len(base_):] if " x " in gt else "")
            ti = codes.types.get_indexer([ref_type])[0]
            ui = codes.groups.get_indexer(["WBRI" if not second else f"WBRI x {second}"])[0]
            return -1 if ti < 0 or ui < 0 else int(ti * (len(codes.groups) + 1) + ui)
        tgt = pairs.table(t[wbri], u[wbri], target, np.int64)
        nu = len(codes.groups) + 1
        pos = np.where(tgt >= 0, src.lookup(codes.key(b[wbri], s[wbri], tgt // nu, tgt % nu)), -1)
        found = pos >= 0
        rn = np.full(len(pos), np.nan)
        rd = np.full(len(pos), np.nan)
        rn[found] = num[pos[found]]
        rd[found] = den[pos[found]]
        ref_num[wbri], ref_den[wbri] = rn, rd
        is_ref[wbri] = pairs.table(t[wbri], u[wbri],
                                   lambda gt, g: gt.split(" x ")[0] == "ethnicity_minor" and _parts(gt, g)[0] == "WBRI", bool)
    if other.any():
        o = np.flatnonzero(other)
        second = pairs.table(t[o], u[o], lambda gt, g: _parts(gt, g)[1], object)
        sec_codes, _ = pd.factorize(second)
        gkey = codes.key(b[o], s[o], t[o], np.zeros(len(o), dtype=np.int64)) * (int(sec_codes.max()) + 1 if len(o) else 1) + sec_codes
        gid, _ = pd.factorize(gkey)
        k = known[o]
        rnum, rden = num[rows[o]], den[rows[o]]
        totals = []
        for v in (rnum, rden):
            use = k & ~np.isnan(v)
            ssum = np.bincount(gid[use], weights=v[use], minlength=gid.max() + 1)
            cnt = np.bincount(gid[use], minlength=gid.max() + 1)
            tot = np.where(cnt > 0, ssum, np.nan)[gid]
            totals.append(np.where(k, tot - v, tot))
        ref_num[o], ref_den[o] = totals
    return _Reference(num=ref_num, den=ref_den, known=known, is_ref=is_ref, label=label)


@dataclass(slots=True)
class _Block:
    """One measure's rows of the grid (positions in a source table) and their columns."""

    measure: str
    src: _Source
    rows: np.ndarray
    count: np.ndarray
    denominator: np.ndarray
    est: pd.DataFrame                     # value, limits, method (+ p_value, expected)
    reference_group: np.ndarray          # object
    denominator_kind: np.ndarray         # object
    denominator_source: np.ndarray       # object
    reference_count: np.ndarray | None = None
    reference_denominator: np.ndarray | None = None


def _blank(est: dict[str, np.ndarray], mask: np.ndarray, why: str) -> None:
    for c in _ESTIMATE_COLS:
        if c in est:
            est[c][mask] = np.nan
    est["method"][mask] = why


def _population_of(src: _Source, population: pd.DataFrame, codes: _Codes, by: str | None) -> np.ndarray:
    """The population of each row of ``src`` (NaN where the population has no such group):
    the left join of the counts on ``by``, group type and group."""
    if not len(population):
        return np.full(len(src.b), np.nan)
    pb = codes.by.get_indexer(population[by]) if by else np.zeros(len(population), dtype=np.int64)
    pt = codes.types.get_indexer(population["group_type"])
    pu = codes.groups.get_indexer(population["group"])
    use = (pb >= 0) & (pt >= 0) & (pu >= 0)
    zero = np.zeros(int(use.sum()), dtype=np.int64)
    index = pd.Index(codes.key(np.asarray(pb)[use], zero, np.asarray(pt)[use], np.asarray(pu)[use]))
    pos = index.get_indexer(codes.key(src.b, np.zeros(len(src.b), dtype=np.int64), src.t, src.u))
    values = population["population"].to_numpy(dtype="float64")[use]
    return np.where(pos >= 0, values[np.maximum(pos, 0)] if len(values) else np.nan, np.nan)


_EST_OUT = ("value", "expected", "lower_95", "upper_95", "lower_998", "upper_998", "p_value")


def _columns(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """The estimate columns of a :mod:`~assurance_lib.stats` result as arrays (``method`` as objects)."""
    out = {c: frame[c].to_numpy(dtype="float64", copy=True) for c in _EST_OUT if c in frame.columns}
    out["method"] = frame["method"].to_numpy(dtype=object, na_value=None).copy()
    return out


def _ratio(fn: Any, src: _Source, rows: np.ndarray, num: np.ndarray, den: np.ndarray, reference: str,
           codes: _Codes, all_t: np.ndarray) -> tuple[_Reference, dict[str, np.ndarray], np.ndarray]:
    """A ratio measure (``stats.rate_ratio`` or ``stats.proportion_ratio``) of ``rows`` against
    their reference; the ``All children`` rows blanked (not applicable)."""
    rf = _reference(src, rows, num, den, reference, codes)
    est = _columns(fn(pd.DataFrame({"count": num[rows], "denominator": den[rows], "ref_num": rf.num, "ref_den": rf.den}),
                      "count", "denominator", "ref_num", "ref_den"))
    is_all = all_t[src.t[rows]]
    _blank(est, is_all, "not applicable: all children")
    return rf, est, is_all


def estimate(counts: pd.DataFrame, conv: pd.DataFrame, population: pd.DataFrame, options: GridOptions, *,
             period: str, window: str, population_source: str, feeders: Mapping[str, str],
             lookback_months: int, by: str | None = None) -> pd.DataFrame:
    """Every measure for every stage and group.

    Parameters
    ----------
    counts : DataFrame
        ``stage, group_type, group, n`` from :func:`~.cohort.count_groups` on the stage members.
    conv : DataFrame
        ``stage, group_type, group, n, converted`` from :func:`~.cohort.count_groups` on the
        conversions (``n`` children at the feeder stage).
    population : DataFrame
        From :func:`population_by_group`.
    options : GridOptions
    period, window, population_source : str
        Labels written on every row.
    feeders : mapping
        Stage -> feeder stage (for the ``denominator_source`` of conversions).
    lookback_months : int
    by : str, optional
        A column of ``counts``, ``conv`` and ``population`` (e.g. ``la_code``) separating
        independent grids computed in one pass (references, shares and q-value families are
        within each value).

    Returns
    -------
    DataFrame
        :data:`GRID_COLUMNS` plus working columns ``reference_count, reference_denominator,
        expected, insufficient, family``.

    Notes
    -----
    Only the published group types are estimated; the minor-ethnicity intersections serve as
    references. Every table is turned into integer codes once (``by`` value, stage, group type,
    group) and the references, shares and q-values are array operations on them; the text
    columns are built at the end from their few distinct values.
    """
    pub_types = (*SINGLE_TYPES, *INTERSECTION_TYPES)
    B = [by] if by else []
    has_conv = len(conv) > 0
    codes = _Codes.of([counts, *([conv] if has_conv else [])], population, by)
    csrc = codes.source(counts, by)
    n_c = counts["n"].to_numpy(dtype="float64")
    pop_c = _population_of(csrc, population, codes, by)
    pub_t = np.isin(np.arange(len(codes.types)), codes.types.get_indexer([t for t in pub_types if t in codes.types]))
    pub_t = np.append(pub_t, False)
    pc = np.flatnonzero(pub_t[csrc.t])
    type_names = np.array(list(codes.types) + [""], dtype=object)
    inter_t = np.array([" x " in t for t in codes.types] + [False])
    all_t = np.array([t == "all" for t in codes.types] + [False])
    blocks: list[_Block] = []

    count_c, pop_pc = n_c[pc], pop_c[pc]
    nopop = np.isnan(pop_pc)
    pop_source = np.where(nopop, "no population for this group", population_source).astype(object)

    # rates ------------------------------------------------------------------------------
    est = _columns(stats.rate(pd.DataFrame({"count": count_c, "denominator": pop_pc}), "count", "denominator"))
    _blank(est, nopop, _NO_POP)
    blocks.append(_Block("rate_per_10000", csrc, pc, count_c, pop_pc, est, np.full(len(pc), _NOT_APPLICABLE, dtype=object),
                         np.full(len(pc), "population", dtype=object), pop_source))

    # rate ratios ------------------------------------------------------------------------
    rf, est, is_all = _ratio(stats.rate_ratio, csrc, pc, n_c, pop_c, options.reference, codes, all_t)
    _blank(est, nopop & ~is_all, _NO_POP)
    _blank(est, rf.is_ref, "reference group")
    blocks.append(_Block("rate_ratio", csrc, pc, count_c, pop_pc, est, rf.label,
                         np.full(len(pc), "population", dtype=object), pop_source, rf.num, rf.den))

    # representation index (single characteristics with a population) -----------------
    ro = _reference(csrc, pc, n_c, pop_c, "all_other", codes)
    ok = ro.known & ~nopop & ~is_all & ~inter_t[csrc.t[pc]]
    total = np.where(ok, ro.num + count_c, np.nan)
    pop_total = np.where(ok, ro.den + pop_pc, np.nan)
    est = _columns(stats.representation_index(pd.DataFrame({"count": count_c, "total": total, "denominator": pop_pc,
                                                             "pop_total": pop_total}),
                                              "count", "total", "denominator", "pop_total"))
    _blank(est, ~ok, "not estimated: group without a population, all children or an intersection")
    blocks.append(_Block("representation_index", csrc, pc, count_c, pop_pc, est,
                         np.where(ok, "expected from the group's share of the child population (known groups)",
                                  _NOT_APPLICABLE).astype(object),
                         np.full(len(pc), "population", dtype=object), pop_source))

    # shares ---------------------------------------------------------------------------
    all_rows = np.flatnonzero(all_t[csrc.t])
    akey = pd.Index(csrc.b[all_rows] * (len(codes.stages) + 1) + csrc.s[all_rows])
    apos = akey.get_indexer(csrc.b[pc] * (len(codes.stages) + 1) + csrc.s[pc])
    share_den = np.where(apos >= 0, n_c[all_rows][np.maximum(apos, 0)] if len(all_rows) else np.nan, np.nan)
    share_den[inter_t[csrc.t[pc]]] = np.nan
    est = _columns(stats.proportion(pd.DataFrame({"count": count_c, "denominator": share_den}), "count", "denominator"))
    no_den = np.isnan(share_den)
    _blank(est, no_den, "not estimated for intersections (see the single characteristics)")
    blocks.append(_Block("share", csrc, pc, count_c, share_den, est, np.full(len(pc), _NOT_APPLICABLE, dtype=object),
                         np.where(no_den, "none", "children").astype(object),
                         np.full(len(pc), "all children at the stage in the window", dtype=object)))

    # conversions ------------------------------------------------------------------------
    if has_conv:
        vsrc = codes.source(conv, by)
        x_v = conv["converted"].to_numpy(dtype="float64")
        n_v = conv["n"].to_numpy(dtype="float64")
        pv = np.flatnonzero(pub_t[vsrc.t])
        src_label = {s: f"children at the {ref.stage(f).label.lower()} stage in the window or the {lookback_months} months before it"
                     for s, f in feeders.items()}
        stage_src = np.array([src_label.get(s, np.nan) for s in codes.stages] + [np.nan], dtype=object)[vsrc.s[pv]]
        cx, cn = x_v[pv], n_v[pv]
        est = _columns(stats.proportion(pd.DataFrame({"count": cx, "denominator": cn}), "count", "denominator"))
        blocks.append(_Block("conversion", vsrc, pv, cx, cn, est, np.full(len(pv), _NOT_APPLICABLE, dtype=object),
                             np.full(len(pv), "children", dtype=object), stage_src))
        rc, est, v_all = _ratio(stats.proportion_ratio, vsrc, pv, x_v, n_v, options.reference, codes, all_t)
        _blank(est, rc.is_ref, "reference group")
        _blank(est, ~rc.known & ~v_all, "not compared: characteristic not known")
        blocks.append(_Block("conversion_ratio", vsrc, pv, cx, cn, est, rc.label,
                             np.full(len(pv), "children", dtype=object), stage_src, rc.num, rc.den))
    return _assemble(blocks, codes, options, by=by, period=period, window=window, type_names=type_names,
                     inter_t=inter_t)


def _assemble(blocks: list[_Block], codes: _Codes, options: GridOptions, *, by: str | None, period: str,
              window: str, type_names: np.ndarray, inter_t: np.ndarray) -> pd.DataFrame:
    """The blocks as one grid: insufficient estimates, q-values, flags, labels, in the grid's order."""
    cat = np.concatenate
    n_rows = [len(bl.rows) for bl in blocks]
    size = int(sum(n_rows))

    def col(name: str, default: float = np.nan) -> np.ndarray:
        return cat([bl.est[name] if name in bl.est else np.full(len(bl.rows), default) for bl in blocks]) if blocks else np.zeros(0)

    measure = cat([np.full(k, MEASURES.index(bl.measure), dtype=np.int64) for k, bl in zip(n_rows, blocks)])
    b = cat([bl.src.b[bl.rows] for bl in blocks])
    s = cat([bl.src.s[bl.rows] for bl in blocks])
    t = cat([bl.src.t[bl.rows] for bl in blocks])
    u = cat([bl.src.u[bl.rows] for bl in blocks])
    count = cat([bl.count for bl in blocks])
    denominator = cat([bl.denominator for bl in blocks])
    ref_count = cat([bl.reference_count if bl.reference_count is not None else np.full(len(bl.rows), np.nan) for bl in blocks])
    ref_den = cat([bl.reference_denominator if bl.reference_denominator is not None else np.full(len(bl.rows), np.nan)
                   for bl in blocks])
    est = {c: col(c) for c in ("value", "lower_95", "upper_95", "lower_998", "upper_998", "p_value", "expected")}
    method = cat([bl.est["method"] for bl in blocks]).astype(object)

    # insufficient ---------------------------------------------------------------------
    has_est = ~np.isnan(est["value"])
    ratio_codes = [MEASURES.index(m) for m in _RATIO_MEASURES]
    is_ratio = np.isin(measure, ratio_codes)
    small = count < options.min_count
    small_ref = is_ratio & ~np.isnan(ref_count) & (ref_count < options.min_count)
    with np.errstate(all="ignore"):
        wide = is_ratio & ((est["upper_95"] / est["lower_95"]) > options.max_ci_ratio)
    insufficient = has_est & (small | small_ref | wide)
    why = np.where(small, f"count below {options.min_count}",
                   np.where(small_ref, f"reference count below {options.min_count}",
                            f"95% interval wider than {options.max_ci_ratio:g}-fold"))
    for c in _ESTIMATE_COLS:
        est[c][insufficient] = np.nan
    if insufficient.any():
        method[insufficient] = np.char.add(np.char.add(method[insufficient].astype(str), "; insufficient: "),
                                           why[insufficient].astype(str)).astype(object)
    # q-values ---------------------------------------------------------------------------
    family = inter_t[t].astype(np.int64)          # 1: intersections
    q = np.full(size, np.nan)
    tested = np.isin(measure, [MEASURES.index("rate_ratio"), MEASURES.index("conversion_ratio")])
    if tested.any():
        fam = (b[tested] * len(MEASURES) + measure[tested]) * 2 + family[tested]
        q[tested] = stats.bh_qvalues(est["p_value"][tested], groups=fam)
    # flags ------------------------------------------------------------------------------
    flag = np.asarray(stats.significance_flags(est["lower_95"], est["upper_95"], est["lower_998"], est["upper_998"]),
                      dtype=object)
    flag = np.where(is_ratio, flag, "not compared").astype(object)
    flag[insufficient] = "insufficient"
    # order: by, measure, stage, group type, then the order of the source tables --------
    stage_order = np.array([ref.STAGE_CODES.index(x) if x in ref.STAGE_CODES else len(ref.STAGE_CODES)
                            for x in codes.stages] + [len(ref.STAGE_CODES)])[s]
    pub_order = {x: i for i, x in enumerate((*SINGLE_TYPES, *INTERSECTION_TYPES))}
    type_order = np.array([pub_order.get(x, len(pub_order)) for x in type_names])[t]
    position = np.arange(size)
    order = np.lexsort((position, type_order, stage_order, measure, b))

    def take(a: np.ndarray) -> np.ndarray:
        return a[order]

    b, s, t, u, measure = take(b), take(s), take(t), take(u), take(measure)
    stage_info = {x.code: x for x in ref.STAGES}
    stock = np.array([stage_info[x].kind == "stock" if x in stage_info else False for x in codes.stages] + [False])
    kinds = [stage_info[x].kind if x in stage_info else None for x in codes.stages] + [None]
    labels = [stage_info[x].label if x in stage_info else None for x in codes.stages] + [None]
    nu = len(codes.groups) + 1
    pair = t * nu + u
    uniq_pair, inv_pair = np.unique(pair, return_inverse=True)
    group_labels = [group_label(str(type_names[p // nu]), str(codes.groups[p % nu])) for p in uniq_pair]
    out: dict[str, Any] = {}
    if by:
        out[by] = codes.by.take(b)
    out["period"] = _text([period], np.zeros(size, dtype=np.int64))
    out["window"] = _text([window, f"at {window.split(' to ')[-1]}"], stock[s].astype(np.int64))
    out["stage"] = codes.stages.take(s)
    out["stage_label"] = _text(labels, np.where(s < 0, len(labels) - 1, s))
    out["count_type"] = _text(kinds, np.where(s < 0, len(kinds) - 1, s))
    out["measure"] = _text(list(MEASURES), measure)
    out["group_type"] = codes.types.take(t)
    out["group"] = codes.groups.take(u)
    out["group_label"] = _text(group_labels, inv_pair.ravel())
    out["reference_group"] = _coded_text(take(cat([bl.reference_group for bl in blocks]).astype(object)))
    out["count"] = take(count).astype("int64")
    out["denominator"] = take(denominator)
    out["denominator_kind"] = _coded_text(take(cat([bl.denominator_kind for bl in blocks]).astype(object)))
    for c in ("value", "lower_95", "upper_95", "lower_998", "upper_998"):
        out[c] = take(est[c])
    out["method"] = _coded_text(take(method), dtype="string")
    out["p_value"] = take(est["p_value"])
    out["q_value"] = take(q)
    out["flag"] = _coded_text(take(flag), dtype="string")
    out["denominator_source"] = _coded_text(take(cat([bl.denominator_source for bl in blocks]).astype(object)))
    out["reference_count"] = take(ref_count)
    out["reference_denominator"] = take(ref_den)
    out["expected"] = take(est["expected"])
    out["insufficient"] = take(insufficient)
    out["family"] = _text(["single characteristics", "intersections"], take(family))
    return pd.DataFrame(out)
