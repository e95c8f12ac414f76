"""The whole grid from checked inputs: a pure function (tidy frames in, tidy frame out)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import reference as ref
from .. import stats
from ..config import Period
from .cohort import (
    Window,
    child_attributes,
    conversions,
    count_groups,
    earliest_day,
    events_of_each_kind,
    prepare_events,
    stage_members,
    window_for,
)
from .grid import GridOptions, estimate, finding_flags, population_by_group

__all__ = [
    "GridResult",
    "run_grid",
    "resolve_feeders",
    "run_trends",
    "run_dsr",
    "population_label",
    "run_deprivation",
    "run_grid_from_aggregate",
]


@dataclass(slots=True)
class GridResult:
    """The grid (true values, internal), the window, and the rows set aside."""

    grid: pd.DataFrame
    window: Window
    quarantine: pd.DataFrame
    counts: pd.DataFrame = field(default_factory=pd.DataFrame)


def resolve_feeders(feeders: Mapping[str, str] | None) -> dict[str, str]:
    """The default feeder map (:data:`~assurance_lib.reference.DEFAULT_FEEDERS`) with overrides.

    Raises
    ------
    ValueError
        Naming an unknown stage or feeder.
    """
    out = dict(ref.DEFAULT_FEEDERS)
    for s, f in dict(feeders or {}).items():
        if s not in ref.FLOW_EVENTS or f not in ref.FLOW_EVENTS or s == f:
            raise ValueError(
                f"feeders: {s!r} <- {f!r} (expected two different flow stages among: {', '.join(ref.FLOW_EVENTS)})"
            )
        out[s] = f
    return out


def population_label(population: pd.DataFrame) -> str:
    """``source (vintage)`` of a population frame."""
    src = "; ".join(pd.unique(population["source"].astype(str)))  # in order of first appearance
    vin = "; ".join(pd.unique(population["vintage"].astype(str)))
    return f"{src} (vintage {vin})"


def run_grid(
    events: pd.DataFrame,
    population: pd.DataFrame,
    *,
    period: Period,
    window: str = "rolling12",
    options: GridOptions | None = None,
    feeders: Mapping[str, str] | None = None,
    lookback_months: int = 3,
    exclude_uasc_cla: bool = False,
    prepared: object | None = None,
    by: str | None = None,
) -> GridResult:
    """Count children by stage and group and estimate every measure.

    Parameters
    ----------
    events : DataFrame
        From :func:`~.inputs.read_events` (or the same columns).
    population : DataFrame
        From :func:`~.inputs.read_population`.
    period : Period
    window : {'rolling12', 'quarter'}
    options : GridOptions
    feeders : mapping, optional
        Overrides of the default feeder map.
    lookback_months : int
        Months before the window in which a feeder event still counts.
    exclude_uasc_cla : bool
        Leave unaccompanied asylum-seeking children out of the looked-after stages.
    prepared : Prepared, optional
        The events already through :func:`~.cohort.prepare_events` for ``period``.
    by : str, optional
        A column of the events and the population (e.g. ``la_code``): one grid per value,
        computed in one vectorised pass (child ids must be unique across values). The
        deprivation-stratified rows are left out in this mode.

    Returns
    -------
    GridResult

    Notes
    -----
    Who is counted is defined in :mod:`.cohort`: each child's characteristics on their latest row
    (:func:`~.cohort.child_attributes`), the children at each stage in the window
    (:func:`~.cohort.stage_members`), the children at each feeder stage and whether they
    converted (:func:`~.cohort.conversions`). They are counted by stage and group
    (:func:`~.cohort.count_groups`) and every measure is estimated (:func:`~.grid.estimate`).
    Categorical or text columns give the same grid.
    """
    options = options or GridOptions()
    fmap = resolve_feeders(feeders)
    win = window_for(period, window)
    prep = prepared if prepared is not None else prepare_events(events, period.end)
    ev = prep.events
    has_imd = bool(ev["imd_decile"].notna().any()) if "imd_decile" in ev else False
    attrs = child_attributes(ev, by, order=prep.order)
    of_kind = events_of_each_kind(ev, since=earliest_day(win, lookback_months), order=prep.order)
    members = stage_members(ev, win, exclude_uasc_cla=exclude_uasc_cla, attrs=attrs, as_text=False, of_kind=of_kind)
    conv = conversions(
        ev, win, fmap, lookback_months, exclude_uasc_cla=exclude_uasc_cla, attrs=attrs, as_text=False, of_kind=of_kind
    )
    counts = count_groups(members, attrs, has_imd=has_imd, stages=list(ref.STAGE_CODES), by=by)
    conv_counts = count_groups(conv, attrs, value="converted", has_imd=has_imd, stages=list(fmap), by=by)
    grid = estimate(
        counts,
        conv_counts,
        population_by_group(population, by),
        options,
        period=period.label,
        window=win.label,
        population_source=population_label(population),
        feeders=fmap,
        lookback_months=lookback_months,
        by=by,
    )
    if has_imd and not by:
        grid = pd.concat(
            [grid, _deprivation_rows(grid, run_deprivation(conv, attrs, reference=options.reference), options)],
            ignore_index=True,
        )
    return GridResult(grid=grid, window=win, quarantine=prep.quarantine, counts=counts)


def _deprivation_rows(grid: pd.DataFrame, mh: pd.DataFrame, options: GridOptions) -> pd.DataFrame:
    """Grid rows of measure ``conversion_ratio_imd`` (counts as on the conversion rows)."""
    base = grid[
        (grid["measure"] == "conversion_ratio") & grid["group_type"].isin(["all", "ethnicity_major", "ethnicity_minor"])
    ].copy()
    base["measure"] = "conversion_ratio_imd"
    est_cols = ["value", "lower_95", "upper_95", "lower_998", "upper_998", "p_value"]
    if mh.empty:
        base[est_cols] = np.nan
        base["method"] = "not estimated: no IMD decile"
        return base
    m = mh.set_index(["stage", "group_type", "group"])
    key = pd.MultiIndex.from_frame(base[["stage", "group_type", "group"]])
    has = key.isin(m.index) & base["value"].notna().to_numpy()
    for c in est_cols:
        base[c] = np.where(has, m[c].reindex(key).to_numpy(dtype=float), np.nan)
    base["method"] = np.where(has, m["method"].reindex(key).astype(str).to_numpy(), base["method"].astype(str))
    with np.errstate(all="ignore"):
        wide = (base["upper_95"] / base["lower_95"]) > options.max_ci_ratio
    # the Greenland-Robins variance, like Katz's, shrinks as conversion nears 0% or 100%: an adjusted
    # ratio needs min_count children who did not progress too (group and reference), the size at
    # which its coverage holds (docs/disproportionality.md, tests/test_stats.py)
    few_not = ((base["denominator"] - base["count"]) < options.min_count) | (
        (base["reference_denominator"] - base["reference_count"]) < options.min_count
    )
    wide = wide | (few_not & base["value"].notna())
    attempted = base["p_value"].notna() | (base["insufficient"].astype(bool) & key.isin(m.index))
    set_aside = (wide | base["insufficient"].astype(bool)) & attempted
    base.loc[wide, est_cols] = np.nan
    base.loc[wide, "method"] = base.loc[wide, "method"] + np.where(
        few_not[wide],
        f"; insufficient: fewer than {options.min_count} children who did not progress",
        f"; insufficient: 95% interval wider than {options.max_ci_ratio:g}-fold",
    )
    base["insufficient"] = base["insufficient"] | wide
    # the family is every adjusted ratio attempted: one set aside as insufficient counts with p = 1
    p_family = np.where(set_aside, 1.0, np.where(attempted, base["p_value"].to_numpy(dtype=float), np.nan))
    q = np.asarray(stats.bh_qvalues(p_family), dtype=float)
    base["q_value"] = np.where(base["insufficient"], np.nan, q)
    flag = finding_flags(
        base["lower_95"].to_numpy(dtype=float),
        base["upper_95"].to_numpy(dtype=float),
        base["lower_998"].to_numpy(dtype=float),
        base["upper_998"].to_numpy(dtype=float),
        base["q_value"].to_numpy(dtype=float),
        options.fdr,
    )
    base["flag"] = np.where(base["insufficient"], "insufficient", flag.astype(str))
    base["reference_group"] = base["reference_group"].astype(str) + ", within the same IMD quintile"
    return base


def run_trends(
    events: pd.DataFrame,
    population: pd.DataFrame,
    *,
    period: Period,
    quarters: int = 8,
    options: GridOptions | None = None,
    exclude_uasc_cla: bool = False,
    prepared: object | None = None,
) -> pd.DataFrame:
    """Quarterly rates (all children) and rate ratios (DfE major ethnic groups) over ``quarters``.

    Each quarter counts the children with the event in that quarter (flows) or on a plan or
    looked after at its end (stocks), against the same population.

    Returns
    -------
    DataFrame
        Grid rows (:data:`~.grid.GRID_COLUMNS`) for measures ``rate_per_10000`` (``all``) and
        ``rate_ratio`` (``ethnicity_major``), one block per quarter, oldest first.
    """
    options = options or GridOptions()
    prep = prepared if prepared is not None else prepare_events(events, period.end)
    ev = prep.events
    attrs = child_attributes(ev)
    pops = population_by_group(population)
    label = population_label(population)
    ps = [period]
    for _ in range(quarters - 1):
        ps.append(ps[-1].previous())
    out = []
    for p in reversed(ps):
        win = window_for(p, "quarter")
        sub = ev[ev["event_date"] <= pd.Timestamp(p.end)].copy()
        sub["end_date"] = sub["end_date"].where(sub["end_date"] <= pd.Timestamp(p.end))
        members = stage_members(sub, win, exclude_uasc_cla=exclude_uasc_cla, attrs=attrs)
        counts = count_groups(members, attrs, stages=list(ref.STAGE_CODES), internal=False)
        counts = counts[counts["group_type"].isin(["all", "ethnicity_major", "ethnicity_minor"])]
        g = estimate(
            counts,
            pd.DataFrame(),
            pops,
            options,
            period=p.label,
            window=win.label,
            population_source=label,
            feeders={},
            lookback_months=0,
        )
        keep = ((g["measure"] == "rate_per_10000") & (g["group_type"] == "all")) | (
            (g["measure"] == "rate_ratio") & (g["group_type"] == "ethnicity_major")
        )
        out.append(g[keep])
    res = pd.concat(out, ignore_index=True)
    # one family per measure over the whole trend table: every test attempted (insufficient: p = 1)
    for m in ("rate_ratio",):
        idx = (res["measure"] == m).to_numpy()
        short = res["insufficient"].to_numpy(dtype=bool)
        p_family = np.where(short, 1.0, res["p_value"].to_numpy(dtype=float))[idx]
        q = np.asarray(stats.bh_qvalues(p_family), dtype=float)
        res.loc[idx, "q_value"] = np.where(short[idx], np.nan, q)
        flag = finding_flags(
            *(res.loc[idx, c].to_numpy(dtype=float) for c in ("lower_95", "upper_95", "lower_998", "upper_998")),
            res.loc[idx, "q_value"].to_numpy(dtype=float),
            options.fdr,
        )
        res.loc[idx, "flag"] = np.where(short[idx], "insufficient", flag.astype(str))
    return res


def run_dsr(
    counts: pd.DataFrame, population: pd.DataFrame, *, period: str, window: str, group_type: str = "ethnicity_major"
) -> pd.DataFrame:
    """Age-standardised rates per 10,000 by ethnic group (direct standardisation, Dobson interval).

    The standard is the partnership's own child population by age band (all groups together),
    so that the standardised rates answer "what would each group's rate be with the age
    structure of all the partnership's children". Pre-birth (unborn) children have no
    population and are left out of the standardised rates (the crude rates include them).

    Parameters
    ----------
    counts : DataFrame
        ``stage, group_type, group, n`` from :func:`~.cohort.count_groups`.
    population : DataFrame
        From :func:`~.inputs.read_population`.
    group_type : {'ethnicity_major', 'ethnicity_minor'}

    Returns
    -------
    DataFrame
        ``period, window, stage, group_type, group, count, population, value, lower_95, upper_95,
        lower_998, upper_998, method, standard``.
    """
    pops = population_by_group(population)
    it = f"{group_type} x age_band"
    c = counts[counts["group_type"] == it].copy()
    parts = c["group"].str.split(" x ", n=1, expand=True)
    c["group"] = parts[0]
    c["age_band"] = parts[1]
    c = c[c["age_band"] != "unborn"]
    p = pops[pops["group_type"] == it].copy()
    pp = p["group"].str.split(" x ", n=1, expand=True)
    p = p.assign(group=pp[0], age_band=pp[1])
    std = pops[pops["group_type"] == "age_band"].set_index("group")["population"]
    c = c.merge(p[["group", "age_band", "population"]], on=["group", "age_band"], how="inner")
    c["standard"] = c["age_band"].map(std).astype(float)
    c = c[c["group"].notna() & ~c["group"].isin(["Not known", *ref.NO_POPULATION_CODES])]
    c = c.rename(columns={"n": "events"})
    d = stats.dsr(c, "events", "population", "standard", groupby=["stage", "group"])
    d.insert(0, "period", period)
    d.insert(1, "window", window)
    d.insert(3, "group_type", group_type)
    d["standard"] = "the partnership's child population by age band (unborn excluded)"
    return d


def run_deprivation(conv: pd.DataFrame, attrs: pd.DataFrame, *, reference: str = "WBRI") -> pd.DataFrame:
    """Conversion ratios by ethnic group stratified by deprivation (IMD quintile): Mantel-Haenszel.

    For each stage with a feeder and each ethnic group, the conversions of the group and of the
    reference group are compared within IMD quintiles (deciles 1-2, 3-4, ...) and summarised by
    the Mantel-Haenszel risk ratio with the Greenland-Robins binomial variance
    (``stats.mantel_haenszel_risk_ratio``: conversions are binomial, children of the feeder stage
    who did or did not reach the stage). Children without an IMD decile are left out of
    this view (the crude conversion ratio keeps them).

    Returns
    -------
    DataFrame
        ``stage, group_type, group, strata, value, lower_95, upper_95, lower_998, upper_998,
        p_value, method``.
    """
    if conv.empty:
        return pd.DataFrame()
    a = attrs.reindex(conv["child"].to_numpy())
    c = pd.DataFrame(
        {
            "stage": conv["stage"].to_numpy(),
            "converted": conv["converted"].to_numpy().astype(int),
            "ethnicity_minor": a["ethnicity"].to_numpy(),
            "ethnicity_major": a["ethnicity_major"].to_numpy(),
            "imd": a["imd_decile"].to_numpy(),
        }
    )
    c = c[pd.notna(c["imd"])]
    c["quintile"] = ((c["imd"].astype(int) + 1) // 2).astype(int)
    out = []
    for gt in ("ethnicity_major", "ethnicity_minor"):
        g = c.groupby(["stage", gt, "quintile"]).agg(n=("converted", "size"), x=("converted", "sum")).reset_index()
        g = g.rename(columns={gt: "group"})
        known = ~g["group"].isin(["Not known", *ref.NO_POPULATION_CODES])
        if reference == "WBRI":
            r = (
                c[c["ethnicity_minor"] == "WBRI"]
                .groupby(["stage", "quintile"])
                .agg(rn=("converted", "size"), rx=("converted", "sum"))
            )
            g = g.join(r, on=["stage", "quintile"])
        else:
            tot = g[known].groupby(["stage", "quintile"])[["n", "x"]].sum().rename(columns={"n": "tn", "x": "tx"})
            g = g.join(tot, on=["stage", "quintile"])
            g["rn"], g["rx"] = g["tn"] - g["n"], g["tx"] - g["x"]
        # White British is the reference itself only when it is the reference group
        own_reference = g["group"].eq("WBRI") if reference == "WBRI" else pd.Series(False, index=g.index)
        g = g[known & ~own_reference].fillna({"rn": 0, "rx": 0})
        if g.empty:
            continue
        mh = stats.mantel_haenszel_risk_ratio(
            g[["stage", "group", "quintile", "x", "n", "rx", "rn"]],
            "x",
            "n",
            "rx",
            "rn",
            "quintile",
            groupby=["stage", "group"],
        )
        mh.insert(1, "group_type", gt)
        out.append(mh)
    if not out:
        return pd.DataFrame()
    res = pd.concat(out, ignore_index=True)
    res["method"] = res["method"].astype(str) + "; strata: IMD quintiles; children without an IMD decile left out"
    return res


def run_grid_from_aggregate(
    aggregate: pd.DataFrame,
    population: pd.DataFrame,
    *,
    period: Period,
    options: GridOptions | None = None,
    window_label: str = "as supplied in the aggregate input",
    feeders: Mapping[str, str] | None = None,
) -> GridResult:
    """The grid from aggregate counts of children (for partnerships that receive only aggregates).

    Parameters
    ----------
    aggregate : DataFrame
        From :func:`~.inputs.read_aggregate`: ``stage, group_type, group, count`` and optionally
        ``feeder_count`` and ``converted`` (children at the feeder stage, and how many of them
        reached the stage) for conversions.
    population : DataFrame
        From :func:`~.inputs.read_population`.

    Returns
    -------
    GridResult
        Only the rows the aggregate supports: groups absent from it are absent (never taken as
        zero); ratios need the reference group's row (White British at minor-group level, or
        the other known groups of the same type).
    """
    options = options or GridOptions()
    fmap = resolve_feeders(feeders)
    counts = aggregate[["stage", "group_type", "group", "count"]].rename(columns={"count": "n"}).copy()
    counts["n"] = counts["n"].astype("int64")
    conv = pd.DataFrame()
    if {"feeder_count", "converted"} <= set(aggregate.columns):
        c = aggregate.dropna(subset=["feeder_count", "converted"])
        conv = pd.DataFrame(
            {
                "stage": c["stage"],
                "group_type": c["group_type"],
                "group": c["group"],
                "n": c["feeder_count"].astype("int64"),
                "converted": c["converted"].astype("int64"),
            }
        )
    grid = estimate(
        counts,
        conv,
        population_by_group(population),
        options,
        period=period.label,
        window=window_label,
        population_source=population_label(population),
        feeders=fmap,
        lookback_months=0,
    )
    win = window_for(period, "rolling12")
    return GridResult(grid=grid, window=win, quarantine=pd.DataFrame(columns=["place", "reason"]), counts=counts)
