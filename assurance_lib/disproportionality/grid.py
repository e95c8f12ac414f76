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

from dataclasses import dataclass
from typing import Mapping

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


def _split(group_type: str, group: pd.Series) -> tuple[pd.Series, pd.Series]:
    if " x " in group_type:
        # split each distinct label once (a national run repeats them for every authority)
        uniq = pd.unique(group)
        first = {u: u.split(" x ", 1)[0] for u in uniq}
        second = {u: u.split(" x ", 1)[1] for u in uniq}
        return group.map(first), group.map(second)
    return group, pd.Series("", index=group.index)


def _known(group_type: str, first: pd.Series) -> pd.Series:
    base = group_type.split(" x ")[0]
    return ~first.isin(_UNKNOWN.get(base, set()))


def _with_reference(tab: pd.DataFrame, num: str, den: str, reference: str, by: list[str] | None = None) -> pd.DataFrame:
    """Add ``ref_num, ref_den, reference_group, is_ref, known`` to a counts table."""
    B = list(by or [])
    parts = []
    for gt, t in tab.groupby("group_type", sort=False):
        t = t.copy()
        first, second = _split(gt, t["group"].astype(str))
        t["known"] = _known(gt, first).to_numpy()
        t["_second"] = second.to_numpy()
        base = gt.split(" x ")[0]
        if gt == "all":
            t["ref_num"] = np.nan
            t["ref_den"] = np.nan
            t["reference_group"] = "not applicable"
            t["is_ref"] = False
        elif base.startswith("ethnicity") and reference == "WBRI":
            ref_type = "ethnicity_minor" + (gt[len(base):] if " x " in gt else "")
            r = tab[tab["group_type"] == ref_type].copy()
            r_first, r_second = _split(ref_type, r["group"].astype(str))
            r["_second"] = r_second.to_numpy()
            r = r[(r_first == "WBRI").to_numpy()]
            r = r.set_index([*B, "stage", "_second"])
            key = pd.MultiIndex.from_arrays([*(t[b] for b in B), t["stage"], t["_second"]])
            t["ref_num"] = r[num].reindex(key).to_numpy(dtype=float)
            t["ref_den"] = r[den].reindex(key).to_numpy(dtype=float)
            t["reference_group"] = REFERENCE_LABELS["WBRI"] + (" of the same " + gt.split(" x ")[1].replace("_", " ") if " x " in gt else "")
            t["is_ref"] = (first == "WBRI").to_numpy() if base == "ethnicity_minor" else False
        else:
            k = t[t["known"]]
            tot = k.groupby([*B, "stage", "_second"])[[num, den]].sum(min_count=1)
            key = pd.MultiIndex.from_arrays([*(t[b] for b in B), t["stage"], t["_second"]])
            t["ref_num"] = tot[num].reindex(key).to_numpy(dtype=float) - t[num].to_numpy(dtype=float)
            t["ref_den"] = tot[den].reindex(key).to_numpy(dtype=float) - t[den].to_numpy(dtype=float)
            label = "all other children whose " + base.replace("ethnicity_major", "ethnicity").replace("ethnicity_minor", "ethnicity").replace("_", " ") + " is known"
            if " x " in gt:
                label += " of the same " + gt.split(" x ")[1].replace("_", " ")
            t["reference_group"] = label
            t["is_ref"] = False
        parts.append(t)
    return pd.concat(parts, ignore_index=True).drop(columns="_second")


def _blank(frame: pd.DataFrame, mask: pd.Series | np.ndarray, why: str) -> None:
    mask = np.asarray(mask, dtype=bool)
    for c in _ESTIMATE_COLS:
        if c in frame:
            frame.loc[mask, c] = np.nan
    frame.loc[mask, "method"] = why


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
    """
    pub_types = (*SINGLE_TYPES, *INTERSECTION_TYPES)
    B = [by] if by else []
    c = counts.merge(population, on=[*B, "group_type", "group"], how="left")
    frames = []

    # rates ------------------------------------------------------------------------------
    r = stats.rate(c.rename(columns={"n": "count"}).assign(denominator=c["population"]), "count", "denominator")
    nopop = r["denominator"].isna()
    _blank(r, nopop, "not estimated: no population for this group (count only)")
    r["measure"] = "rate_per_10000"
    r["reference_group"] = "not applicable"
    r["denominator_kind"] = "population"
    r["denominator_source"] = np.where(nopop, "no population for this group", population_source)
    frames.append(r)

    # rate ratios ------------------------------------------------------------------------
    rr_in = _with_reference(c.rename(columns={"n": "count"}).assign(denominator=c["population"]), "count",
                            "denominator", options.reference, B)
    rr = stats.rate_ratio(rr_in, "count", "denominator", "ref_num", "ref_den")
    _blank(rr, rr["group_type"].eq("all"), "not applicable: all children")
    _blank(rr, rr["denominator"].isna() & ~rr["group_type"].eq("all"), "not estimated: no population for this group (count only)")
    _blank(rr, rr["is_ref"], "reference group")
    rr["measure"] = "rate_ratio"
    rr["denominator_kind"] = "population"
    rr["denominator_source"] = np.where(rr["denominator"].isna(), "no population for this group", population_source)
    frames.append(rr)

    # representation index (single characteristics with a population) -----------------
    ri_in = _with_reference(c.rename(columns={"n": "count"}).assign(denominator=c["population"]), "count",
                            "denominator", "all_other", B)
    ri_in["total"] = ri_in["ref_num"] + ri_in["count"]
    ri_in["pop_total"] = ri_in["ref_den"] + ri_in["denominator"]
    ok = ri_in["known"] & ri_in["denominator"].notna() & ~ri_in["group_type"].eq("all") & ~ri_in["group_type"].str.contains(" x ")
    ri_in.loc[~ok, ["total", "pop_total"]] = np.nan
    ri = stats.representation_index(ri_in.drop(columns=["ref_num", "ref_den"]), "count", "total", "denominator", "pop_total")
    _blank(ri, ~ok, "not estimated: group without a population, all children or an intersection")
    ri["measure"] = "representation_index"
    ri["reference_group"] = np.where(ok, "expected from the group's share of the child population (known groups)", "not applicable")
    ri["denominator_kind"] = "population"
    ri["denominator_source"] = np.where(ri["denominator"].isna(), "no population for this group", population_source)
    ri = ri.drop(columns=["total", "pop_total"])
    frames.append(ri)

    # shares ---------------------------------------------------------------------------
    allc = counts[counts["group_type"].eq("all")].set_index([*B, "stage"])["n"]
    sh_in = counts.rename(columns={"n": "count"}).copy()
    sh_in["denominator"] = allc.reindex(pd.MultiIndex.from_frame(sh_in[[*B, "stage"]])).to_numpy(dtype=float)
    sh_in.loc[sh_in["group_type"].str.contains(" x "), "denominator"] = np.nan
    sh = stats.proportion(sh_in, "count", "denominator")
    _blank(sh, sh["denominator"].isna(), "not estimated for intersections (see the single characteristics)")
    sh["measure"] = "share"
    sh["reference_group"] = "not applicable"
    sh["denominator_kind"] = np.where(sh["denominator"].notna(), "children", "none")
    sh["denominator_source"] = "all children at the stage in the window"
    frames.append(sh)

    # conversions ------------------------------------------------------------------------
    if len(conv):
        cv_in = conv.rename(columns={"converted": "count", "n": "denominator"}).astype({"count": float, "denominator": float})
        cv = stats.proportion(cv_in, "count", "denominator")
        cv["measure"] = "conversion"
        cv["reference_group"] = "not applicable"
        cv["denominator_kind"] = "children"
        src = {s: f"children at the {ref.stage(f).label.lower()} stage in the window or the {lookback_months} months before it"
               for s, f in feeders.items()}
        cv["denominator_source"] = cv["stage"].map(src)
        frames.append(cv)
        cr_in = _with_reference(cv_in, "count", "denominator", options.reference, B)
        cr = stats.proportion_ratio(cr_in, "count", "denominator", "ref_num", "ref_den")
        _blank(cr, cr["group_type"].eq("all"), "not applicable: all children")
        _blank(cr, cr["is_ref"], "reference group")
        _blank(cr, ~cr["known"] & ~cr["group_type"].eq("all"), "not compared: characteristic not known")
        cr["measure"] = "conversion_ratio"
        cr["denominator_kind"] = "children"
        cr["denominator_source"] = cr["stage"].map(src)
        frames.append(cr)

    g = pd.concat(frames, ignore_index=True)
    g = g[g["group_type"].isin(pub_types)].copy()
    g = g.rename(columns={"ref_num": "reference_count", "ref_den": "reference_denominator"})
    if "p_value" not in g:
        g["p_value"] = np.nan
    # insufficient ---------------------------------------------------------------------
    est = g["value"].notna()
    is_ratio = g["measure"].isin(["rate_ratio", "conversion_ratio", "representation_index"])
    small = g["count"] < options.min_count
    small_ref = is_ratio & g["reference_count"].notna() & (g["reference_count"] < options.min_count)
    with np.errstate(all="ignore"):
        wide = is_ratio & ((g["upper_95"] / g["lower_95"]) > options.max_ci_ratio)
    insufficient = est & (small | small_ref | wide)
    why = np.where(small, f"count below {options.min_count}",
                   np.where(small_ref, f"reference count below {options.min_count}",
                            f"95% interval wider than {options.max_ci_ratio:g}-fold"))
    g["insufficient"] = insufficient
    for col in _ESTIMATE_COLS:
        g.loc[insufficient, col] = np.nan
    g.loc[insufficient, "method"] = g.loc[insufficient, "method"].astype(str) + "; insufficient: " + pd.Series(why, index=g.index)[insufficient]
    # q-values ---------------------------------------------------------------------------
    g["family"] = np.where(g["group_type"].str.contains(" x "), "intersections", "single characteristics")
    g["q_value"] = np.nan
    for _, idx in g[g["measure"].isin(["rate_ratio", "conversion_ratio"])].groupby([*B, "measure", "family"]).groups.items():
        g.loc[idx, "q_value"] = np.asarray(stats.bh_qvalues(g.loc[idx, "p_value"].to_numpy(dtype=float)), dtype=float)
    # flags ------------------------------------------------------------------------------
    flag = pd.Series(stats.significance_flags(g["lower_95"].to_numpy(), g["upper_95"].to_numpy(),
                                              g["lower_998"].to_numpy(), g["upper_998"].to_numpy()), index=g.index, dtype="string")
    g["flag"] = flag.where(is_ratio, "not compared")
    g.loc[insufficient, "flag"] = "insufficient"
    # labels -----------------------------------------------------------------------------
    stage_info = {s.code: s for s in ref.STAGES}
    g["period"] = period
    kinds = {k: v.kind for k, v in stage_info.items()}
    g["window"] = np.where(g["stage"].map(kinds) == "stock", f"at {window.split(' to ')[-1]}", window)
    g["stage_label"] = g["stage"].map({k: v.label for k, v in stage_info.items()})
    g["count_type"] = g["stage"].map(kinds)
    pairs = g["group_type"].astype(str) + "\t" + g["group"].astype(str)
    labels = {u: group_label(*u.split("\t", 1)) for u in pd.unique(pairs)}
    g["group_label"] = pairs.map(labels)
    g["count"] = g["count"].astype("int64")
    order_stage = {s: i for i, s in enumerate(ref.STAGE_CODES)}
    order_measure = {m: i for i, m in enumerate(MEASURES)}
    order_type = {t: i for i, t in enumerate(pub_types)}
    g = g.sort_values([*B, "measure", "stage", "group_type"],
                      key=lambda s: s if s.name == by else s.map({**order_measure, **order_stage, **order_type}), kind="stable")
    extra = ["reference_count", "reference_denominator", "expected", "insufficient", "family"]
    for e in extra:
        if e not in g:
            g[e] = np.nan
    return g[B + list(GRID_COLUMNS) + extra].reset_index(drop=True)
