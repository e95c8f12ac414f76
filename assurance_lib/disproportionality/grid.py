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
    the group's conversion over the reference group's (score interval and score test for a ratio
    of two proportions, Miettinen-Nurminen: the interval excludes 1 exactly when p < 0.05);
``share``
    the group's share of all children at the stage (Wilson): the measure for characteristics
    without a population (disability, deprivation) and for data quality (ethnicity refused or
    not obtained).

Benjamini-Hochberg q-values are computed within families (period x measure over all stages and
single-characteristic groups; the intersections are a family of their own). A family holds every
test attempted: an estimate later set aside as ``insufficient`` counts in it with p = 1 (its own
q-value is not published). The ``flag`` names a direction ("higher", "lower") only for a finding:
95% interval excluding 1 and q-value below ``fdr``. An estimate whose
count (or reference count) is below ``min_count``, or whose 95% interval is too wide
(upper / lower above ``max_ci_ratio``), is replaced by ``insufficient``; population share plays
no part in that rule, so small groups (Gypsy, Roma and Irish Traveller children) stay visible.

Speed: the counts of many authorities (``by="la_code"``) are estimated in one pass on integer
codes (by value, stage, group type, group); only the published group types are estimated, and the
text columns are written once at the end from their few distinct values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import reference as ref
from .. import stats
from .cohort import INTERSECTION_TYPES, SINGLE_TYPES, _index_of

__all__ = [
    "GridOptions",
    "population_by_group",
    "estimate",
    "MEASURES",
    "GRID_COLUMNS",
    "REFERENCE_LABELS",
    "group_label",
    "finding_flags",
    "FINDING_NOT_SIGNIFICANT",
]

MEASURES: tuple[str, ...] = (
    "rate_per_10000",
    "rate_ratio",
    "representation_index",
    "conversion",
    "conversion_ratio",
    "share",
)
GRID_COLUMNS: tuple[str, ...] = (
    "period",
    "window",
    "stage",
    "stage_label",
    "count_type",
    "measure",
    "group_type",
    "group",
    "group_label",
    "reference_group",
    "count",
    "denominator",
    "denominator_kind",
    "value",
    "lower_95",
    "upper_95",
    "lower_998",
    "upper_998",
    "method",
    "p_value",
    "q_value",
    "flag",
    "denominator_source",
)
REFERENCE_LABELS = {"WBRI": "White British (WBRI)", "all_other": "all other children"}
_ESTIMATE_COLS = ("value", "lower_95", "upper_95", "lower_998", "upper_998", "p_value")

_UNKNOWN = {
    "ethnicity_major": {"Not known"},
    "ethnicity_minor": set(ref.NO_POPULATION_CODES),
    "sex": {"unknown"},
    "age_band": {"unborn"},
    "disability": {"unknown"},
    "imd_decile": {"unknown"},
    "all": set(),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class GridOptions:
    """Options of the grid (the notebook's parameters).

    Attributes
    ----------
    reference : {'WBRI', 'all_other'}
        Reference group of ethnicity ratios: White British children, or all other children of
        known ethnicity. Other characteristics always compare with all other children whose
        characteristic is known. For a group whose characteristic is not known (ethnicity
        refused or not obtained, sex or disability unknown, unborn, no IMD decile) that is every
        child whose characteristic is known; its ratios are not published ("not compared" or
        "no population"), but its reference counts are kept in the working columns.
    min_count : int
        Below this count (of the group or its reference) an estimate is ``insufficient``.
    max_ci_ratio : float
        A ratio whose 95% interval has upper / lower above this is ``insufficient``.
    fdr : float
        False discovery rate: a ratio's ``flag`` names a direction only when its 95% interval
        excludes 1 and its q-value is below this (a finding).
    """

    reference: str = "WBRI"
    min_count: int = 5
    max_ci_ratio: float = 10.0
    fdr: float = 0.05

    def __post_init__(self) -> None:
        if self.reference not in REFERENCE_LABELS:
            raise ValueError(f"reference_group={self.reference!r} (expected one of: WBRI, all_other)")
        if self.min_count < 0 or not self.max_ci_ratio > 1:
            raise ValueError("min_count must be 0 or more and max_ci_ratio above 1")
        if not 0 < self.fdr < 1:
            raise ValueError(f"fdr={self.fdr!r} (expected a false discovery rate between 0 and 1)")


FINDING_NOT_SIGNIFICANT = "similar (interval excludes 1, not a finding after FDR control)"


def finding_flags(
    lower_95: np.ndarray,
    upper_95: np.ndarray,
    lower_998: np.ndarray,
    upper_998: np.ndarray,
    q_value: np.ndarray,
    fdr: float,
) -> np.ndarray:
    """The published ``flag`` of ratios: a direction only where there is a finding.

    :func:`~assurance_lib.stats.significance_flags` ("higher (99.8%)", "higher (95%)", "similar",
    "lower (95%)", "lower (99.8%)", "not compared") where the q-value is below ``fdr``; a ratio
    whose 95% interval excludes 1 but whose q-value is not below ``fdr`` is
    :data:`FINDING_NOT_SIGNIFICANT`, so that no row says "higher" or "lower" without being a finding.
    """
    base = np.asarray(stats.significance_flags(lower_95, upper_95, lower_998, upper_998), dtype=object)
    q = np.asarray(q_value, dtype="float64")
    kinds, texts = pd.factorize(base)  # a few distinct labels: each looked at once
    directional = np.array([str(x).startswith(("higher", "lower")) for x in texts], dtype=bool)[kinds]
    out = base.copy()
    out[directional & ~(q < fdr)] = FINDING_NOT_SIGNIFICANT
    return out


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
    for gt, cols in (
        ("all", []),
        ("ethnicity_minor", ["ethnicity"]),
        ("ethnicity_major", ["ethnicity_major"]),
        ("sex", ["sex"]),
        ("age_band", ["age_band"]),
        *(
            (f"{a} x {b}", [acol, b])
            for a, acol in (("ethnicity_major", "ethnicity_major"), ("ethnicity_minor", "ethnicity"))
            for b in ("sex", "age_band")
        ),
    ):
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


def _text(labels: Sequence[str | None], codes: np.ndarray, dtype: str = "str") -> Any:
    """A text column from a few labels and each row's code into them (``None`` labels are missing)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    dictionary = pa.array([None if v is None else str(v) for v in labels], type=pa.large_string())
    taken = pc.take(dictionary, pa.array(np.asarray(codes, dtype=np.int64)))
    return pd.array(taken, dtype=dtype)


def _take_text(index: pd.Index, codes: np.ndarray, dtype: Any) -> Any:
    """``index.take(codes)`` as a column of ``dtype``: through :func:`_text` when that is text."""
    if dtype == "str" or dtype == "string":
        return _text([str(v) for v in index], codes, dtype=str(dtype))
    return pd.Series(index.take(codes), dtype=dtype, copy=False)  # a Series keeps an object dtype as it is


def _key_dtypes(counts: pd.DataFrame, conv: pd.DataFrame, population: pd.DataFrame, by: str | None) -> dict[str, Any]:
    """The dtypes of the key columns of the grid, as the tables they come from give them: the rows
    of the rate measures come from the counts joined to the population (a join may change the
    dtype of the joined columns), the shares from the counts, the conversions from ``conv``."""
    keys = [*([by] if by else []), "group_type", "group"]
    sample = counts.iloc[:1]
    joined = sample.merge(population[keys + ["population"]].iloc[:1], on=keys, how="left")
    parts = [joined, sample, *([conv.iloc[:1]] if len(conv) else [])]
    return {c: pd.concat([f[c] for f in parts], ignore_index=True).dtype for c in [*keys, "stage"]}


class _Labels:
    """The distinct texts of the grid's text columns; each row holds a code into them."""

    def __init__(self) -> None:
        self.texts: list[str | None] = []
        self._code: dict[str | None, int] = {}

    def code(self, text: str | None) -> int:
        """The code of one text (added when new)."""
        if text not in self._code:
            self._code[text] = len(self.texts)
            self.texts.append(text)
        return self._code[text]

    def codes(self, texts: Sequence[str | None]) -> np.ndarray:
        """The codes of several texts."""
        return np.array([self.code(t) for t in texts], dtype=np.int64)

    def full(self, n: int, text: str | None) -> np.ndarray:
        """``n`` rows of one text."""
        return np.full(n, self.code(text), dtype=np.int64)

    def where(self, mask: np.ndarray, yes: str | None, no: str | None) -> np.ndarray:
        """``yes`` where ``mask``, else ``no``."""
        return np.where(mask, self.code(yes), self.code(no)).astype(np.int64)

    def of_column(self, values: pd.Series) -> np.ndarray:
        """Codes of a text column (each distinct value looked up once)."""
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        lut = self.codes([*[None if pd.isna(u) else str(u) for u in uniques], None])
        return lut[codes]

    def column(self, codes: np.ndarray, dtype: str = "str") -> Any:
        """The text column of ``codes``."""
        return _text(self.texts, codes, dtype)


@dataclass(slots=True)
class _Source:
    """A counts table (``counts`` or ``conv``) as codes shared with the other tables of one grid."""

    b: np.ndarray  # index into _Codes.by (0 without ``by``)
    s: np.ndarray  # index into _Codes.stages
    t: np.ndarray  # index into _Codes.types
    u: np.ndarray  # index into _Codes.groups
    index: pd.Index  # the key (b, s, t, u) of each row

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
    def of(cls, tables: list[pd.DataFrame], population: pd.DataFrame, by: str | None) -> _Codes:
        """Codes over the counts tables (``by`` values sorted, as the grid is) and the population."""

        def union(frames: list[pd.DataFrame], col: str) -> pd.Index:
            parts = [pd.Series(pd.unique(f[col])) for f in frames if len(f) and col in f]
            if not parts:
                return pd.Index([], dtype="str")
            return pd.Index(pd.unique(pd.concat(parts, ignore_index=True)))

        by_index = union(tables, by).sort_values() if by else pd.Index([""])
        return cls(
            by=by_index,
            stages=union(tables, "stage"),
            types=union([*tables, population], "group_type"),
            groups=union([*tables, population], "group"),
        )

    def key(self, b: np.ndarray, s: np.ndarray, t: np.ndarray, u: np.ndarray) -> np.ndarray:
        """One integer per (by, stage, group type, group)."""
        ns, nt, nu = len(self.stages) + 1, len(self.types) + 1, len(self.groups) + 1
        return ((b.astype(np.int64) * ns + s) * nt + t) * nu + u

    def source(self, frame: pd.DataFrame, by: str | None) -> _Source:
        """The codes of a counts table's rows."""
        b = _index_of(self.by, frame[by]) if by else np.zeros(len(frame), dtype=np.int64)
        s = _index_of(self.stages, frame["stage"])
        t = _index_of(self.types, frame["group_type"])
        u = _index_of(self.groups, frame["group"])
        return _Source(b=b, s=s, t=t, u=u, index=pd.Index(self.key(b, s, t, u)))

    def per_pair(self, t: np.ndarray, u: np.ndarray, fn: Any, dtype: Any) -> np.ndarray:
        """``fn(group_type, group)`` for each row, evaluated once per distinct pair."""
        nu = len(self.groups) + 1
        inv, uniq = pd.factorize(t.astype(np.int64) * nu + u)  # by hashing: no sort
        vals = [fn(str(self.types[p // nu]), str(self.groups[p % nu])) for p in uniq]
        return np.asarray(vals, dtype=dtype)[inv] if len(uniq) else np.zeros(0, dtype=dtype)

    def per_type(self, t: np.ndarray, fn: Any, dtype: Any) -> np.ndarray:
        """``fn(group_type)`` for each row."""
        return np.asarray([fn(str(x)) for x in self.types] + [fn("")], dtype=dtype)[t]


def _parts(group_type: str, group: str) -> tuple[str, str]:
    """The two parts of an intersection's group (``Black x female``); a single group and ``""``."""
    if " x " in group_type:
        first, _, second = group.partition(" x ")
        return first, second
    return group, ""


def _is_known(group_type: str, group: str) -> bool:
    return _parts(group_type, group)[0] not in _UNKNOWN.get(group_type.split(" x ")[0], set())


def _uses_wbri(group_type: str, reference: str) -> bool:
    return group_type != "all" and group_type.startswith("ethnicity") and reference == "WBRI"


def _reference_label(group_type: str, reference: str) -> str:
    base, _, second = group_type.partition(" x ")
    same = " of the same " + second.replace("_", " ") if second else ""
    if group_type == "all":
        return _NOT_APPLICABLE
    if _uses_wbri(group_type, reference):
        return REFERENCE_LABELS["WBRI"] + same
    what = base.replace("ethnicity_major", "ethnicity").replace("ethnicity_minor", "ethnicity").replace("_", " ")
    return f"all other children whose {what} is known" + same


@dataclass(slots=True)
class _Reference:
    num: np.ndarray
    den: np.ndarray
    known: np.ndarray
    is_ref: np.ndarray
    label: np.ndarray  # codes into the grid's labels


def _reference(
    src: _Source, rows: np.ndarray, num: np.ndarray, den: np.ndarray, reference: str, codes: _Codes, labels: _Labels
) -> _Reference:
    """The reference of each of ``rows`` (positions in ``src``): its counts, whether the group's
    characteristic is known, whether it is the reference group itself, and the reference's label.

    - ``all``: no reference;
    - ethnic groups with ``reference="WBRI"``: the White British row of the same stage (and the
      same sex or age band for intersections);
    - otherwise, "all other children whose characteristic is known": the known groups of the same
      type, stage (and sex or age band) added up, less the group itself when it is one of them. A
      group whose characteristic is not known (ethnicity refused or not obtained, sex or
      disability unknown, unborn, no IMD decile) was never in that total, so its reference is the
      whole total: every child whose characteristic is known.
    """
    t, u, b, s = src.t[rows], src.u[rows], src.b[rows], src.s[rows]
    n = len(rows)
    known = codes.per_pair(t, u, _is_known, bool)
    label = labels.codes([_reference_label(str(x), reference) for x in [*codes.types, ""]])[t]
    ref_num, ref_den = np.full(n, np.nan), np.full(n, np.nan)
    is_ref = np.zeros(n, dtype=bool)
    is_all = codes.per_type(t, lambda gt: gt == "all", bool)
    wbri = codes.per_type(t, lambda gt: _uses_wbri(gt, reference), bool)
    other = ~is_all & ~wbri
    nu = len(codes.groups) + 1
    if wbri.any():

        def target(gt: str, g: str) -> int:
            base, _, second_type = gt.partition(" x ")
            second = _parts(gt, g)[1]
            ti = codes.types.get_indexer(["ethnicity_minor" + (" x " + second_type if second_type else "")])[0]
            ui = codes.groups.get_indexer(["WBRI" + (f" x {second}" if second else "")])[0]
            return -1 if ti < 0 or ui < 0 else int(ti * nu + ui)

        w = np.flatnonzero(wbri)
        tgt = codes.per_pair(t[w], u[w], target, np.int64)
        pos = np.where(tgt >= 0, src.lookup(codes.key(b[w], s[w], tgt // nu, tgt % nu)), -1)
        found = pos >= 0
        ref_num[w[found]] = num[pos[found]]
        ref_den[w[found]] = den[pos[found]]
        is_ref[w] = codes.per_pair(
            t[w], u[w], lambda gt, g: gt.startswith("ethnicity_minor") and _parts(gt, g)[0] == "WBRI", bool
        )
    if other.any():
        o = np.flatnonzero(other)
        second = codes.per_pair(t[o], u[o], lambda gt, g: _parts(gt, g)[1], object)
        sec_codes, sec_uniques = pd.factorize(second)
        cell = codes.key(b[o], s[o], t[o], np.zeros(len(o), dtype=np.int64)) * (len(sec_uniques) + 1) + sec_codes
        gid, cells = pd.factorize(cell)
        k = known[o]
        for v, out in ((num[rows[o]], ref_num), (den[rows[o]], ref_den)):
            use = k & ~np.isnan(v)
            total = np.bincount(gid[use], weights=v[use], minlength=len(cells))
            present = np.bincount(gid[use], minlength=len(cells)) > 0
            tot = np.where(present, total, np.nan)[gid]
            out[o] = np.where(k, tot - v, tot)
    return _Reference(num=ref_num, den=ref_den, known=known, is_ref=is_ref, label=label)


@dataclass(slots=True)
class _Block:
    """One measure's rows of the grid (positions in a source table) and their columns."""

    measure: str
    src: _Source
    rows: np.ndarray
    count: np.ndarray
    denominator: np.ndarray
    est: dict[str, np.ndarray]  # value, limits, p_value, expected; method as label codes
    reference_group: np.ndarray  # label codes
    denominator_kind: np.ndarray  # label codes
    denominator_source: np.ndarray  # label codes
    reference_count: np.ndarray | None = None
    reference_denominator: np.ndarray | None = None


_EST_OUT = ("value", "expected", "lower_95", "upper_95", "lower_998", "upper_998", "p_value")


def _estimates(frame: pd.DataFrame, labels: _Labels) -> dict[str, np.ndarray]:
    """The estimate columns of a :mod:`~assurance_lib.stats` result as arrays, ``method`` as label codes."""
    out = {c: frame[c].to_numpy(dtype="float64", copy=True) for c in _EST_OUT if c in frame.columns}
    out["method"] = labels.of_column(frame["method"])
    return out


def _blank(est: dict[str, np.ndarray], mask: np.ndarray, why: str, labels: _Labels) -> None:
    for c in _ESTIMATE_COLS:
        if c in est:
            est[c][mask] = np.nan
    est["method"][mask] = labels.code(why)


def _population_of(src: _Source, population: pd.DataFrame, codes: _Codes, by: str | None) -> np.ndarray:
    """The population of each row of ``src`` (NaN where the population has no such group):
    the left join of the counts on ``by``, group type and group."""
    if not len(population):
        return np.full(len(src.b), np.nan)
    pb = _index_of(codes.by, population[by]) if by else np.zeros(len(population), dtype=np.int64)
    pt = _index_of(codes.types, population["group_type"])
    pu = _index_of(codes.groups, population["group"])
    use = (pb >= 0) & (pt >= 0) & (pu >= 0)
    zero = np.zeros(int(use.sum()), dtype=np.int64)
    index = pd.Index(codes.key(pb[use], zero, pt[use], pu[use]))
    pos = index.get_indexer(codes.key(src.b, np.zeros(len(src.b), dtype=np.int64), src.t, src.u))
    values = population["population"].to_numpy(dtype="float64")[use]
    return np.where(pos >= 0, values[np.maximum(pos, 0)] if len(values) else np.nan, np.nan)


def _ratio(
    fn: Any,
    src: _Source,
    rows: np.ndarray,
    num: np.ndarray,
    den: np.ndarray,
    reference: str,
    codes: _Codes,
    labels: _Labels,
    *,
    set_aside: np.ndarray | None = None,
    unknown_set_aside: bool = False,
) -> tuple[_Reference, dict[str, np.ndarray], np.ndarray]:
    """A ratio measure (``stats.rate_ratio`` or ``stats.proportion_ratio``) of ``rows`` against
    their reference; the ``All children`` rows blanked (not applicable).

    Only the rows whose estimate is published are estimated (each row's estimate is its own):
    not the ``All children`` rows, the reference group itself, the rows ``set_aside`` (a group
    without a population) nor, with ``unknown_set_aside``, groups whose characteristic is not
    known. The caller blanks those (their estimate columns are missing here)."""
    rf = _reference(src, rows, num, den, reference, codes, labels)
    is_all = codes.per_type(src.t[rows], lambda gt: gt == "all", bool)
    not_estimated = is_all | rf.is_ref
    if set_aside is not None:
        not_estimated |= set_aside
    if unknown_set_aside:
        not_estimated |= ~rf.known
    keep = np.flatnonzero(~not_estimated)
    part = _estimates(
        fn(
            pd.DataFrame(
                {
                    "count": num[rows[keep]],
                    "denominator": den[rows[keep]],
                    "ref_num": rf.num[keep],
                    "ref_den": rf.den[keep],
                }
            ),
            "count",
            "denominator",
            "ref_num",
            "ref_den",
        ),
        labels,
    )
    est = {c: np.full(len(rows), np.nan) for c in part if c != "method"}
    for c in est:
        est[c][keep] = part[c]
    est["method"] = labels.full(len(rows), _NOT_APPLICABLE)
    est["method"][keep] = part["method"]
    _blank(est, is_all, "not applicable: all children", labels)
    return rf, est, is_all


def estimate(
    counts: pd.DataFrame,
    conv: pd.DataFrame,
    population: pd.DataFrame,
    options: GridOptions,
    *,
    period: str,
    window: str,
    population_source: str,
    feeders: Mapping[str, str],
    lookback_months: int,
    by: str | None = None,
) -> pd.DataFrame:
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
    Only the published group types are estimated (the minor-ethnicity intersections serve as
    White British references). Each table is turned into integer codes once (``by`` value,
    stage, group type, group); references, shares and q-values are array operations on them,
    and the text columns are written at the end from their few distinct values.
    """
    pub_types = (*SINGLE_TYPES, *INTERSECTION_TYPES)
    has_conv = len(conv) > 0
    codes = _Codes.of([counts, *([conv] if has_conv else [])], population, by)
    labels = _Labels()
    csrc = codes.source(counts, by)
    n_c = counts["n"].to_numpy(dtype="float64")
    pop_c = _population_of(csrc, population, codes, by)
    pub = codes.per_type(csrc.t, lambda gt: gt in pub_types, bool)
    inter = codes.per_type(csrc.t, lambda gt: " x " in gt, bool)
    pc = np.flatnonzero(pub)
    count_c, pop_pc = n_c[pc], pop_c[pc]
    nopop = np.isnan(pop_pc)
    pop_source = labels.where(nopop, "no population for this group", population_source)
    on_population = labels.full(len(pc), "population")
    blocks: list[_Block] = []

    # rates ------------------------------------------------------------------------------
    est = _estimates(
        stats.rate(pd.DataFrame({"count": count_c, "denominator": pop_pc}), "count", "denominator"), labels
    )
    _blank(est, nopop, _NO_POP, labels)
    blocks.append(
        _Block(
            "rate_per_10000",
            csrc,
            pc,
            count_c,
            pop_pc,
            est,
            labels.full(len(pc), _NOT_APPLICABLE),
            on_population,
            pop_source,
        )
    )

    # rate ratios ------------------------------------------------------------------------
    rf, est, is_all = _ratio(stats.rate_ratio, csrc, pc, n_c, pop_c, options.reference, codes, labels, set_aside=nopop)
    _blank(est, nopop & ~is_all, _NO_POP, labels)
    _blank(est, rf.is_ref, "reference group", labels)
    blocks.append(
        _Block("rate_ratio", csrc, pc, count_c, pop_pc, est, rf.label, on_population, pop_source, rf.num, rf.den)
    )

    # representation index (single characteristics with a population) -----------------
    ro = _reference(csrc, pc, n_c, pop_c, "all_other", codes, labels)
    ok = ro.known & ~nopop & ~is_all & ~inter[pc]
    total = np.where(ok, ro.num + count_c, np.nan)
    pop_total = np.where(ok, ro.den + pop_pc, np.nan)
    est = _estimates(
        stats.representation_index(
            pd.DataFrame({"count": count_c, "total": total, "denominator": pop_pc, "pop_total": pop_total}),
            "count",
            "total",
            "denominator",
            "pop_total",
        ),
        labels,
    )
    _blank(est, ~ok, "not estimated: group without a population, all children or an intersection", labels)
    blocks.append(
        _Block(
            "representation_index",
            csrc,
            pc,
            count_c,
            pop_pc,
            est,
            labels.where(ok, "expected from the group's share of the child population (known groups)", _NOT_APPLICABLE),
            on_population,
            pop_source,
        )
    )

    # shares ---------------------------------------------------------------------------
    all_rows = np.flatnonzero(codes.per_type(csrc.t, lambda gt: gt == "all", bool))
    ns = len(codes.stages) + 1
    apos = pd.Index(csrc.b[all_rows] * ns + csrc.s[all_rows]).get_indexer(csrc.b[pc] * ns + csrc.s[pc])
    share_den = np.full(len(pc), np.nan)
    share_den[apos >= 0] = n_c[all_rows[apos[apos >= 0]]]
    share_den[inter[pc]] = np.nan
    est = _estimates(
        stats.proportion(pd.DataFrame({"count": count_c, "denominator": share_den}), "count", "denominator"), labels
    )
    no_den = np.isnan(share_den)
    _blank(est, no_den, "not estimated for intersections (see the single characteristics)", labels)
    blocks.append(
        _Block(
            "share",
            csrc,
            pc,
            count_c,
            share_den,
            est,
            labels.full(len(pc), _NOT_APPLICABLE),
            labels.where(no_den, "none", "children"),
            labels.full(len(pc), "all children at the stage in the window"),
        )
    )

    # conversions ------------------------------------------------------------------------
    if has_conv:
        vsrc = codes.source(conv, by)
        x_v = conv["converted"].to_numpy(dtype="float64")
        n_v = conv["n"].to_numpy(dtype="float64")
        pv = np.flatnonzero(codes.per_type(vsrc.t, lambda gt: gt in pub_types, bool))
        src_label = {
            s: f"children at the {ref.stage(f).label.lower()} stage in the window or the {lookback_months} months before it"
            for s, f in feeders.items()
        }
        stage_src = labels.codes([src_label.get(str(s)) for s in codes.stages] + [None])[vsrc.s[pv]]
        cx, cn = x_v[pv], n_v[pv]
        on_children = labels.full(len(pv), "children")
        est = _estimates(
            stats.proportion(pd.DataFrame({"count": cx, "denominator": cn}), "count", "denominator"), labels
        )
        blocks.append(
            _Block("conversion", vsrc, pv, cx, cn, est, labels.full(len(pv), _NOT_APPLICABLE), on_children, stage_src)
        )
        rc, est, v_all = _ratio(
            stats.proportion_ratio, vsrc, pv, x_v, n_v, options.reference, codes, labels, unknown_set_aside=True
        )
        _blank(est, rc.is_ref, "reference group", labels)
        _blank(est, ~rc.known & ~v_all, "not compared: characteristic not known", labels)
        blocks.append(
            _Block("conversion_ratio", vsrc, pv, cx, cn, est, rc.label, on_children, stage_src, rc.num, rc.den)
        )
    return _assemble(
        blocks,
        codes,
        labels,
        options,
        by=by,
        period=period,
        window=window,
        dtypes=_key_dtypes(counts, conv, population, by),
    )


def _assemble(
    blocks: list[_Block],
    codes: _Codes,
    labels: _Labels,
    options: GridOptions,
    *,
    by: str | None,
    period: str,
    window: str,
    dtypes: dict[str, Any],
) -> pd.DataFrame:
    """The blocks as one grid: insufficient estimates, q-values, flags, labels, in the grid's order."""
    cat = np.concatenate

    def col(get: Any) -> np.ndarray:
        return cat([get(bl) for bl in blocks])

    def est_col(name: str) -> np.ndarray:
        return col(lambda bl: bl.est[name] if name in bl.est else np.full(len(bl.rows), np.nan))

    def opt_col(name: str) -> np.ndarray:
        return col(lambda bl: getattr(bl, name) if getattr(bl, name) is not None else np.full(len(bl.rows), np.nan))

    measure = col(lambda bl: np.full(len(bl.rows), MEASURES.index(bl.measure), dtype=np.int64))
    b, s, t, u = (col(lambda bl, a=a: getattr(bl.src, a)[bl.rows]) for a in ("b", "s", "t", "u"))
    count, denominator = col(lambda bl: bl.count), col(lambda bl: bl.denominator)
    ref_count, ref_den = opt_col("reference_count"), opt_col("reference_denominator")
    est = {c: est_col(c) for c in _EST_OUT}
    method = col(lambda bl: bl.est["method"])
    size = len(measure)

    # insufficient ---------------------------------------------------------------------
    is_ratio = np.isin(measure, [MEASURES.index(m) for m in _RATIO_MEASURES])
    small = count < options.min_count
    small_ref = is_ratio & ~np.isnan(ref_count) & (ref_count < options.min_count)
    with np.errstate(all="ignore"):
        wide = is_ratio & ((est["upper_95"] / est["lower_95"]) > options.max_ci_ratio)
    insufficient = ~np.isnan(est["value"]) & (small | small_ref | wide)
    p_attempted = est["p_value"].copy()
    for c in _ESTIMATE_COLS:
        est[c][insufficient] = np.nan
    if insufficient.any():
        whys = (
            f"count below {options.min_count}",
            f"reference count below {options.min_count}",
            f"95% interval wider than {options.max_ci_ratio:g}-fold",
        )
        why = np.where(small, 0, np.where(small_ref, 1, 2))[insufficient]
        combo = method[insufficient] * 3 + why
        uniq, inv = np.unique(combo, return_inverse=True)
        method[insufficient] = labels.codes([f"{labels.texts[c // 3]}; insufficient: {whys[c % 3]}" for c in uniq])[
            inv.ravel()
        ]
    # q-values: one family per (by, measure, singles or intersections) ----------------------
    # The family is every test attempted: a ratio estimated (p-value known) and then set aside as
    # insufficient counts with p = 1, so that setting small groups aside never shrinks the family.
    family = codes.per_type(t, lambda gt: " x " in gt, np.int64)  # 1: intersections
    q = np.full(size, np.nan)
    tested = np.isin(measure, [MEASURES.index("rate_ratio"), MEASURES.index("conversion_ratio")])
    p_family = np.where(insufficient & np.isfinite(p_attempted), 1.0, est["p_value"])
    if tested.any():
        q[tested] = stats.bh_qvalues(
            p_family[tested], groups=(b[tested] * len(MEASURES) + measure[tested]) * 2 + family[tested]
        )
    q[insufficient] = np.nan
    # flags: a direction only for a finding (95% interval excludes 1 and q below the fdr) --------
    ratios = np.flatnonzero(is_ratio)
    flag_text = np.asarray(
        finding_flags(
            *(est[c][ratios] for c in ("lower_95", "upper_95", "lower_998", "upper_998")), q[ratios], options.fdr
        ),
        dtype=object,
    )
    flag_codes, flag_uniques = pd.factorize(flag_text)
    flag = labels.full(size, "not compared")
    flag[ratios] = labels.codes(list(flag_uniques))[flag_codes]
    flag[insufficient] = labels.code("insufficient")
    # order: by, measure, stage, group type, then the order of the source tables --------
    stage_order = np.array(
        [ref.STAGE_CODES.index(x) if x in ref.STAGE_CODES else len(ref.STAGE_CODES) for x in codes.stages]
        + [len(ref.STAGE_CODES)]
    )[s]
    pub_order = {x: i for i, x in enumerate((*SINGLE_TYPES, *INTERSECTION_TYPES))}
    type_order = codes.per_type(t, lambda gt: pub_order.get(gt, len(pub_order)), np.int64)
    order = np.lexsort((np.arange(size), type_order, stage_order, measure, b))
    b, s, t, u, measure = b[order], s[order], t[order], u[order], measure[order]
    info = {x.code: x for x in ref.STAGES}
    stage_list = [str(x) for x in codes.stages] + [""]
    nu = len(codes.groups) + 1
    inv_pair, uniq_pair = pd.factorize(t * nu + u)
    out: dict[str, Any] = {}
    if by:
        out[by] = _take_text(codes.by, b, dtypes[by])
    out["period"] = _text([period], np.zeros(size, dtype=np.int64))
    out["window"] = _text(
        [window, f"at {window.split(' to ')[-1]}"],
        np.array([x in info and info[x].kind == "stock" for x in stage_list], dtype=np.int64)[s],
    )
    out["stage"] = _take_text(codes.stages, s, dtypes["stage"])
    out["stage_label"] = _text([info[x].label if x in info else None for x in stage_list], s)
    out["count_type"] = _text([info[x].kind if x in info else None for x in stage_list], s)
    out["measure"] = _text(list(MEASURES), measure)
    out["group_type"] = _take_text(codes.types, t, dtypes["group_type"])
    out["group"] = _take_text(codes.groups, u, dtypes["group"])
    out["group_label"] = _text(
        [group_label(str(codes.types[p // nu]), str(codes.groups[p % nu])) for p in uniq_pair], inv_pair
    )
    out["reference_group"] = labels.column(col(lambda bl: bl.reference_group)[order])
    out["count"] = count[order].astype("int64")
    out["denominator"] = denominator[order]
    out["denominator_kind"] = labels.column(col(lambda bl: bl.denominator_kind)[order])
    for c in ("value", "lower_95", "upper_95", "lower_998", "upper_998"):
        out[c] = est[c][order]
    out["method"] = labels.column(method[order], dtype="string")
    out["p_value"] = est["p_value"][order]
    out["q_value"] = q[order]
    out["flag"] = labels.column(flag[order], dtype="string")
    out["denominator_source"] = labels.column(col(lambda bl: bl.denominator_source)[order])
    out["reference_count"] = ref_count[order]
    out["reference_denominator"] = ref_den[order]
    out["expected"] = est["expected"][order]
    out["insufficient"] = insufficient[order]
    out["family"] = _text(["single characteristics", "intersections"], family[order])
    return pd.DataFrame(out, copy=False)  # the arrays above, not copied into blocks
