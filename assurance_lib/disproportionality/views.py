"""What notebook 01 calls: one function per cell, each taking the run context ``ctx``.

Every table leaves through ``ctx.publish`` (disclosure control on the way out) and every chart
and flag is built from the **published** values, so a suppressed cell shows ``[c]`` and is
never drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import charts
from .. import reference as ref
from .. import stats
from ..errors import InputError
from ..tables import Hierarchy, TableSpec
from .analysis import GridResult, population_label, resolve_feeders, run_dsr, run_grid, run_trends
from .cohort import INTERSECTION_TYPES, SINGLE_TYPES, prepare_events, stage_members, window_for
from .grid import GRID_COLUMNS, MEASURES, GridOptions
from .inputs import read_aggregate, read_events, read_population

__all__ = ["Inputs", "load", "analyse", "input_summary", "grid_spec", "dsr_rows", "build_tables", "publish_all",
           "publish_grid", "data_quality", "show_journey", "show_heatmap", "show_forest", "show_intersections", "show_dsr",
           "show_deprivation", "trends_table", "show_trends", "benchmark_table", "show_benchmark", "show_funnels", "findings",
           "publish_findings", "method_table"]

TABLE = "disproportionality"
SOURCE = "Journey events extract of the partnership; child population file (source and vintage on each row)"


@dataclass(slots=True)
class Inputs:
    """The checked inputs of one run (identifiers stay inside the library)."""

    events: pd.DataFrame
    population: pd.DataFrame
    options: GridOptions
    params: dict[str, Any] = field(default_factory=dict)


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce")


def load(ctx: Any) -> Inputs:
    """Read and check the events and population named by the parameters; return a summary too.

    Raises
    ------
    InputError
        Every problem in the inputs (and in the parameters of this notebook) at once.
    """
    p = ctx.params
    problems = []
    try:
        options = GridOptions(reference=str(p.get("reference_group", "WBRI")), min_count=int(p.get("min_count", 5)),
                              max_ci_ratio=float(p.get("max_ci_ratio", 10.0)))
        resolve_feeders(p.get("feeders") or {})
        window_for(ctx.config.period, str(p.get("window", "rolling12")))
    except ValueError as exc:
        problems.append(f"{ctx.config.params_file.name}, notebook 01_disproportionality: {exc}")
    ev = pop = None
    if p.get("aggregate_path") and not p.get("events_path"):
        problems.append(f"{ctx.config.params_file.name}, notebook 01_disproportionality: an aggregate input alone is "
                        "not yet supported by the notebook (expected events_path; the library's "
                        "disproportionality.run_grid_from_aggregate computes the grid from aggregates)")
        raise InputError(problems)
    if p.get("aggregate_path"):
        try:
            read_aggregate(p["aggregate_path"], p)
        except InputError as exc:
            problems.extend(exc.problems)
    for fn, key in ((read_events, "events_path"), (read_population, "population_path")):
        try:
            frame = fn(p[key], p)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if key == "events_path":
            ev = frame
        else:
            pop = frame
    if problems:
        raise InputError(problems)
    return Inputs(events=ev, population=pop, options=options, params=dict(p))


def analyse(ctx: Any, inputs: Inputs) -> GridResult:
    """The grid for the run's period (internal, true values; see :func:`publish_grid`)."""
    p = inputs.params
    res = run_grid(inputs.events, inputs.population, period=ctx.config.period, window=str(p.get("window", "rolling12")),
                   options=inputs.options, feeders=p.get("feeders") or {}, lookback_months=int(p.get("lookback_months", 3)),
                   exclude_uasc_cla=bool(p.get("exclude_uasc_cla", False)))
    if len(res.quarantine):
        ctx.publish.internal_table(res.quarantine, "disproportionality_quarantine")
    return res


def input_summary(inputs: Inputs, result: GridResult) -> pd.DataFrame:
    """Rows read, children, rows set aside (no identifier, no count of one child)."""
    ev = inputs.events
    return pd.DataFrame({
        "item": ["Event rows read", "Children in the extract", "Event rows dated after the period end (set aside, reported)",
                 "Population (children aged 0 to 17)", "Population source"],
        "value": [f"{len(ev):,}", f"{ev['child_id'].nunique():,}", f"{len(result.quarantine):,}",
                  f"{int(inputs.population['population'].sum()):,}", population_label(inputs.population)],
    })


def grid_spec(has_imd: bool) -> TableSpec:
    """The declaration of ``disproportionality.csv`` (keys, counts, derived values, hierarchies)."""
    within = ("period", "stage", "measure")
    full = {"measure": MEASURES}
    vals = {"sex": ref.SEXES, "age_band": ref.AGE_BANDS, "disability": ref.DISABILITY,
            "ethnicity_minor": ref.ETHNICITY_CODES, "ethnicity_major": ref.MAJOR_GROUPS}
    if has_imd:
        vals["imd_decile"] = tuple([str(i) for i in range(1, 11)] + ["unknown"])
    hs: list[Hierarchy] = []
    for gt, parts in vals.items():
        measures = ((*MEASURES, "dsr_per_10000", "conversion_ratio_imd") if gt == "ethnicity_major"
                    else (*MEASURES, "conversion_ratio_imd") if gt == "ethnicity_minor" else MEASURES)
        hs.append(Hierarchy(column="group", total="All children", parts=tuple(parts), within=within,
                            where={"group_type": "all", "measure": measures}, parts_where={"group_type": gt}))
    for major in ref.MAJOR_GROUPS:
        minors = tuple(e.code for e in ref.ETHNICITY if e.major == major)
        hs.append(Hierarchy(column="group", total=major, parts=minors, within=within,
                            where={"group_type": "ethnicity_major", "measure": (*MEASURES, "conversion_ratio_imd")},
                            parts_where={"group_type": "ethnicity_minor"}))
    for second, values in (("sex", ref.SEXES), ("age_band", ref.AGE_BANDS)):
        it = f"ethnicity_major x {second}"
        for major in ref.MAJOR_GROUPS:
            hs.append(Hierarchy(column="group", total=major, parts=tuple(f"{major} x {v}" for v in values), within=within,
                                where={"group_type": "ethnicity_major", **full}, parts_where={"group_type": it}))
        for v in values:
            hs.append(Hierarchy(column="group", total=v, parts=tuple(f"{m} x {v}" for m in ref.MAJOR_GROUPS), within=within,
                                where={"group_type": second, **full}, parts_where={"group_type": it}))
    derived_cols = ("value", "lower_95", "upper_95", "lower_998", "upper_998", "p_value", "q_value", "flag")
    return TableSpec(
        name=TABLE, title="Disproportionality across the child's journey: rates, ratios and conversions by group",
        unit="children", rule="children-counts", source=SOURCE,
        notes=("Counts are children, not episodes: flows count children with the event in the window, stocks "
               "children on a plan or looked after at the period end. Rates per 10,000 children of the group "
               "(Byar's method for 10 or more, exact Poisson below); rate ratios against the reference group "
               "(score method for two Poisson rates); conversions with Wilson intervals and ratios with Katz log "
               "intervals; representation index descriptive only; dsr_per_10000: age-standardised rate (direct "
               "standardisation to the partnership's child population by age band, Dobson interval). q-values: Benjamini-Hochberg within each "
               "period and measure (single characteristics; intersections separately). 'insufficient': too few "
               "children or too wide an interval to estimate. [c] suppressed, [z] not applicable."),
        keys=("period", "stage", "measure", "group_type", "group"),
        counts=("count",),
        derived={c: ("count", "denominator") for c in derived_cols},
        count_where={"denominator": ("denominator_kind", ("children",))},
        hierarchies=tuple(hs),
    )


def dsr_rows(inputs: Inputs, result: GridResult, period: str) -> pd.DataFrame:
    """Age-standardised rates (``dsr_per_10000``) by DfE major ethnic group and for all children, as grid rows.

    ``count`` and ``denominator`` are the group's children at the stage (all ages, as on the other
    measures' rows) and its population; the value is the directly standardised rate over the
    born age bands (pre-birth events have no population), with the Dobson interval.
    """
    counts = result.counts
    d = run_dsr(counts, inputs.population, period=period, window=result.window.label)
    ab = counts[counts["group_type"] == "age_band"].assign(group_type="all x age_band",
                                                           group="All children x " + counts.loc[counts["group_type"] == "age_band", "group"])
    # all children: the same standard, so the DSR is the crude rate of born children with the Dobson interval
    allc = ab.assign(group="All children", age_band=ab["group"].str.split(" x ").str[1])
    allc = allc[allc["age_band"] != "unborn"]
    popb = inputs.population.groupby("age_band")["population"].sum()
    allc = allc.assign(population=allc["age_band"].map(popb).astype(float), standard=allc["age_band"].map(popb).astype(float),
                       events=allc["n"])
    da = stats.dsr(allc, "events", "population", "standard", groupby=["stage", "group"])
    da["group_type"] = "all"
    d = pd.concat([d.drop(columns=["period", "window", "standard"]), da], ignore_index=True)
    g = result.grid
    base = g[(g["measure"] == "rate_per_10000") & g["group_type"].isin(["all", "ethnicity_major"])].copy()
    base = base.drop(columns=["value", "lower_95", "upper_95", "lower_998", "upper_998", "method"])
    est = d[["stage", "group_type", "group", "value", "lower_95", "upper_95", "lower_998", "upper_998", "method"]]
    out = base.merge(est, on=["stage", "group_type", "group"], how="left")
    out["measure"] = "dsr_per_10000"
    out["method"] = out["method"].fillna("not estimated: no population for this group (count only)")
    out["method"] = out["method"].astype(str) + np.where(out["value"].notna() | out["method"].str.startswith("not calc"),
                                                         "; direct standardisation over born age bands to the partnership's child population", "")
    out["flag"] = "not compared"
    return out[list(g.columns)]


def build_tables(ctx: Any, inputs: Inputs, result: GridResult) -> dict[str, tuple[pd.DataFrame, TableSpec]]:
    """The three children tables of notebook 01 with their declarations (true values)."""
    g = pd.concat([result.grid, dsr_rows(inputs, result, ctx.config.period.label)], ignore_index=True)
    g = g[list(GRID_COLUMNS)].copy()
    # shares: the denominator is the All children row of the same stage (shown there)
    g.loc[g["measure"].eq("share"), "denominator"] = np.nan
    g.loc[g["measure"].eq("share"), "denominator_kind"] = "none"
    has_imd = bool((g["group_type"] == "imd_decile").any())
    out = {TABLE: (g, grid_spec(has_imd)), "disproportionality_trends": trends_table(ctx, inputs),
           "disproportionality_benchmark": benchmark_table(ctx, inputs)}
    return {k: (_rounded(f), spec) for k, (f, spec) in out.items()}


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """Estimates to 4 decimal places and p/q-values to 4 significant figures, for publication."""
    f = frame.copy()
    for c in ("value", "lower_95", "upper_95", "lower_998", "upper_998"):
        if c in f:
            f[c] = pd.to_numeric(f[c], errors="coerce").round(4)
    for c in ("p_value", "q_value"):
        if c in f:
            f[c] = [float(f"{v:.4g}") if pd.notna(v) else np.nan for v in pd.to_numeric(f[c], errors="coerce")]
    return f


def publish_all(ctx: Any, inputs: Inputs, result: GridResult) -> dict[str, pd.DataFrame]:
    """Publish the grid, trends and benchmark together (one disclosure pass); return the published frames."""
    items = build_tables(ctx, inputs, result)
    shown = ctx.publish.tables(list(items.values()))
    return dict(zip(items, shown))


def publish_grid(ctx: Any, result: GridResult, inputs: Inputs) -> pd.DataFrame:
    """Publish only ``disproportionality.csv`` (see :func:`publish_all`)."""
    g, spec = build_tables(ctx, inputs, result)[TABLE]
    return ctx.publish.table(g, spec)


def _pub(published: pd.DataFrame, **where: Any) -> pd.DataFrame:
    m = pd.Series(True, index=published.index)
    for k, v in where.items():
        m &= published[k].isin(v if isinstance(v, (list, tuple, set)) else [v])
    return published[m]


def data_quality(ctx: Any, published: pd.DataFrame) -> tuple[pd.DataFrame, Any]:
    """Share of children at each stage whose ethnicity was refused or not obtained (published values)."""
    d = _pub(published, measure="share", group_type="ethnicity_major", group="Not known")
    view = d[["stage", "count_type", "count", "value", "lower_95", "upper_95"]].rename(
        columns={"count": "children with ethnicity refused or not obtained", "value": "percent of children at the stage"})
    view.insert(1, "stage_label", d["stage"].map(lambda s: ref.stage(s).label).to_numpy())
    chart = charts.bar(
        pd.DataFrame({"stage": view["stage_label"].to_numpy(), "percent": _num(view["percent of children at the stage"]).to_numpy()}),
        x="percent", y="stage", name="dispro_ethnicity_not_known",
        title="Ethnicity recorded as refused or not yet obtained, by stage",
        subtitle=f"Percent of children at each stage, {published['period'].iloc[0]}; suppressed values not drawn",
        source=SOURCE, alt=("Bar chart of the percentage of children at each stage of the journey whose ethnicity "
                            "was refused or not yet obtained; the table beside it gives the values."),
        xlabel="percent of children at the stage", value_format="{:.1f}%")
    return view.reset_index(drop=True), ctx.publish.figure(chart)


def show_journey(ctx: Any, published: pd.DataFrame) -> tuple[pd.DataFrame, Any]:
    """All children: rate per 10,000 at each stage (published values)."""
    d = _pub(published, measure="rate_per_10000", group_type="all")
    view = d[["stage_label", "count_type", "window", "count", "denominator", "value", "lower_95", "upper_95",
              "method", "denominator_source"]].reset_index(drop=True)
    chart = charts.bar(pd.DataFrame({"stage": d["stage_label"].to_numpy(), "rate": _num(d["value"]).to_numpy()}),
                       x="rate", y="stage", name="dispro_journey",
                       title="The journey at a glance: children per 10,000 at each stage",
                       subtitle=f"All children, {d['window'].iloc[0] if len(d) else ''}; rate per 10,000 children aged 0 to 17",
                       source=SOURCE, alt=("Bar chart of the number of children per 10,000 at each stage of the journey, "
                                           "from contacts to children looked after; values are in the table."),
                       xlabel="children per 10,000", value_format="{:,.1f}")
    return view, ctx.publish.figure(chart)


def _ratio_label(v: Any) -> str:
    if isinstance(v, str) and v.startswith("["):
        return v
    x = pd.to_numeric(v, errors="coerce")
    return "" if pd.isna(x) else f"{x:.2f}"


def show_heatmap(ctx: Any, published: pd.DataFrame, *, measure: str = "rate_ratio",
                 group_type: str = "ethnicity_minor") -> Any:
    """Heatmap of ratios (group by stage) from the published table; suppressed cells show [c]."""
    d = _pub(published, measure=measure, group_type=group_type)
    d = d[~d["method"].astype(str).isin(["reference group"]) & ~d["group"].isin(ref.NO_POPULATION_CODES + ("Not known",))]
    labels_txt = d.assign(lbl=[("insufficient" if f == "insufficient" else _ratio_label(v)) for v, f in zip(d["value"], d["flag"])])
    mat = d.assign(v=_num(d["value"])).pivot_table(index="group_label", columns="stage_label", values="v", aggfunc="first", dropna=False, sort=False)
    lab = labels_txt.pivot_table(index="group_label", columns="stage_label", values="lbl", aggfunc="first", dropna=False, sort=False).reindex_like(mat).fillna("")
    what = "Rate ratio" if measure == "rate_ratio" else "Conversion ratio"
    ref_group = d["reference_group"].iloc[0] if len(d) else ""
    chart = charts.heatmap(mat, labels=lab, center=1.0, log=True, name=f"dispro_heatmap_{measure}",
                           title=f"{what}s by ethnic group and stage",
                           subtitle=(f"Against {ref_group}; {published['period'].iloc[0]}; 1 = same likelihood; blank = suppressed [c], "
                                     "insufficient or not estimated (see the data table)"),
                           source=SOURCE,
                           alt=(f"Heatmap of {what.lower()}s for each ethnic group (rows) at each stage of the journey "
                                f"(columns), against {ref_group}; values above 1 mean more likely. Values are in the table."),
                           data=d[["stage", "group", "group_label", "count", "value", "lower_95", "upper_95", "flag"]])
    return ctx.publish.figure(chart)


def show_forest(ctx: Any, published: pd.DataFrame, *, stage: str = "cpp_start", measure: str = "rate_ratio",
                group_type: str = "ethnicity_minor") -> Any:
    """Forest plot of one stage's ratios with 95% intervals (published values)."""
    d = _pub(published, measure=measure, group_type=group_type, stage=stage)
    d = d[~d["method"].astype(str).isin(["reference group"]) & ~d["group"].isin(ref.NO_POPULATION_CODES + ("Not known",))]
    st = ref.stage(stage)
    ref_group = d["reference_group"].iloc[0] if len(d) else ""
    chart = charts.forest(d[["group_label", "count", "value", "lower_95", "upper_95", "flag"]].reset_index(drop=True),
                          label="group_label", value="value", lower="lower_95", upper="upper_95",
                          name=f"dispro_forest_{measure}_{stage}",
                          title=f"{st.label}: ratio against {ref_group}",
                          subtitle=f"{published['period'].iloc[0]}; 95% confidence intervals; 'not shown' = suppressed or insufficient",
                          source=SOURCE, xlabel="ratio (log scale)",
                          alt=(f"Forest plot of the {measure.replace('_', ' ')} of each ethnic group for {st.label.lower()} "
                               f"against {ref_group}, with 95% intervals; a value right of the dashed line at 1 means more likely."))
    return ctx.publish.figure(chart)


def show_intersections(ctx: Any, published: pd.DataFrame, *, stage: str = "cpp_start") -> tuple[pd.DataFrame, Any]:
    """Ethnicity by sex and by age band: rate ratios at one stage (published values)."""
    d = _pub(published, measure="rate_ratio", group_type=list(INTERSECTION_TYPES), stage=stage)
    d = d[~d["group"].str.startswith("Not known") & ~d["group"].str.endswith(" x unknown") & ~d["group"].str.endswith(" x unborn")]
    view = d[["group_type", "group", "count", "denominator", "value", "lower_95", "upper_95", "q_value", "flag", "reference_group"]]
    sx = d[d["group_type"].eq("ethnicity_major x sex")]
    chart = charts.forest(sx[["group", "value", "lower_95", "upper_95"]].reset_index(drop=True), label="group", value="value",
                          lower="lower_95", upper="upper_95", name=f"dispro_intersections_sex_{stage}",
                          title=f"{ref.stage(stage).label}: ethnic group by sex",
                          subtitle=f"Rate ratio against White British children of the same sex; {published['period'].iloc[0]}; 95% intervals",
                          source=SOURCE, xlabel="rate ratio (log scale)",
                          alt=("Forest plot of rate ratios for each ethnic group and sex, against White British children of "
                               "the same sex, with 95% intervals; groups right of the line at 1 are more likely."))
    return view.reset_index(drop=True), ctx.publish.figure(chart)


def show_deprivation(published: pd.DataFrame, *, stage: str = "s47") -> pd.DataFrame:
    """Crude and deprivation-adjusted (Mantel-Haenszel) conversion ratios side by side (published values)."""
    d = published[published["measure"].isin(["conversion_ratio", "conversion_ratio_imd"]) & published["stage"].eq(stage)
                  & published["group_type"].eq("ethnicity_minor")]
    if not (d["measure"] == "conversion_ratio_imd").any():
        return pd.DataFrame({"note": ["The events have no IMD decile: no deprivation-stratified view."]})
    wide = d.pivot_table(index="group_label", columns="measure", values=["value", "lower_95", "upper_95"], aggfunc="first", sort=False)
    wide.columns = [f"{m} {v}" for v, m in wide.columns]
    return wide.reset_index()


def show_dsr(ctx: Any, published: pd.DataFrame) -> tuple[pd.DataFrame, Any]:
    """Age-standardised rates by major ethnic group (published ``dsr_per_10000`` rows)."""
    d = _pub(published, measure="dsr_per_10000")
    view = d[["stage_label", "group", "count", "denominator", "value", "lower_95", "upper_95", "method"]].reset_index(drop=True)
    s = d[d["stage"].isin(["s47", "cpp_start", "cla_start"]) & ~d["group"].eq("Not known")]
    chart = charts.bar(pd.DataFrame({"group": (s["group"] + " - " + s["stage_label"]).to_numpy(), "rate": _num(s["value"]).to_numpy()}),
                       x="rate", y="group", name="dispro_dsr", title="Age-standardised rates by ethnic group",
                       subtitle=f"Children per 10,000, {published['period'].iloc[0]}; standard: the partnership's child population",
                       source=SOURCE, alt=("Bar chart of age-standardised rates per 10,000 children for each major ethnic "
                                           "group at three stages; suppressed or not calculated values are not drawn."),
                       xlabel="per 10,000 (age-standardised)", value_format="{:,.1f}")
    return view, ctx.publish.figure(chart)


def trends_table(ctx: Any, inputs: Inputs) -> tuple[pd.DataFrame, TableSpec]:
    """Quarterly rates and ratios over the last ``trend_quarters`` quarters, with its declaration."""
    p = inputs.params
    t = run_trends(inputs.events, inputs.population, period=ctx.config.period, quarters=int(p.get("trend_quarters", 8)),
                   options=inputs.options, exclude_uasc_cla=bool(p.get("exclude_uasc_cla", False)))
    t = t[list(GRID_COLUMNS)]
    spec = TableSpec(name="disproportionality_trends", title="Quarterly trends: rates and rate ratios by major ethnic group",
                     unit="children", rule="children-counts", source=SOURCE,
                     notes="Each quarter counts children with the event in the quarter (flows) or at its end (stocks).",
                     keys=("period", "stage", "measure", "group_type", "group"), counts=("count",),
                     derived={c: ("count",) for c in ("value", "lower_95", "upper_95", "lower_998", "upper_998", "p_value", "q_value", "flag")},
                     hierarchies=(Hierarchy(column="group", total="All children", parts=ref.MAJOR_GROUPS,
                                            within=("period", "stage"), where={"group_type": "all", "measure": "rate_per_10000"},
                                            parts_where={"group_type": "ethnicity_major", "measure": "rate_ratio"}),))
    return t, spec


def show_trends(ctx: Any, published: pd.DataFrame) -> Any:
    """Line chart of the quarterly rates (published trends table)."""
    a = published[(published["group_type"] == "all") & published["stage"].isin(["referral", "s47", "cpp_start", "cla_start"])]
    chart = charts.line(pd.DataFrame({"quarter": a["period"], "stage": a["stage_label"], "rate": _num(a["value"])}),
                        x="quarter", y="rate", series="stage", name="dispro_trends",
                        title="Children per 10,000 each quarter, by stage",
                        subtitle="All children; children with the event in the quarter", source=SOURCE,
                        alt=("Line chart of the quarterly rate per 10,000 children of referrals, section 47 enquiries, "
                             "plan starts and starts to be looked after over the last eight quarters."),
                        ylabel="children per 10,000 in the quarter")
    return ctx.publish.figure(chart)


def benchmark_table(ctx: Any, inputs: Inputs) -> tuple[pd.DataFrame, TableSpec]:
    """The partnership against England, its region and statistical neighbours (DfE reference data).

    Like with like: flows are children in the 12 months to the period end (whatever the window
    parameter) against DfE annual counts of children; stocks at the period end against 31 March.
    """
    p = inputs.params
    la = str(p.get("benchmark_la", "E06000015"))
    bench = ref.load_benchmarks()
    nb = ref.load_neighbours()
    win = window_for(ctx.config.period, "rolling12")
    prep = prepare_events(inputs.events, ctx.config.period.end)
    members = stage_members(prep.events, win, exclude_uasc_cla=False)
    ours = members.groupby("stage")["child"].nunique()
    popn = float(inputs.population["population"].sum())
    stages = list(dict.fromkeys(bench["stage"]))
    part = pd.DataFrame({"area_type": "Partnership", "area_code": "", "area_name": ctx.config.partnership,
                         "year": win.label, "stage": stages, "count": [int(ours.get(s, 0)) for s in stages],
                         "population": popn, "source": population_label(inputs.population), "note": ""})
    la_rows = bench[bench["area_code"].eq(la)]
    if la_rows.empty:
        raise InputError(f"benchmark_la={la!r} is not a local authority code in data/reference/dfe (expected e.g. 'E06000015')")
    region = la_rows["region_code"].dropna().iloc[0]
    neigh = nb[nb["la_code"].eq(la)]
    rows = [bench[bench["level"].eq("England")].assign(area_type="England"),
            bench[bench["area_code"].eq(region)].assign(area_type="Region"),
            la_rows.assign(area_type="Comparator local authority")]
    notes = []
    for _, n in neigh.iterrows():
        if pd.isna(n["neighbour_code"]) or not bench["area_code"].eq(n["neighbour_code"]).any():
            notes.append(f"statistical neighbour {n['neighbour_old_code']} has no current local authority in the reference data")
        else:
            rows.append(bench[bench["area_code"].eq(n["neighbour_code"])].assign(area_type="Statistical neighbour"))
    b = pd.concat(rows, ignore_index=True)
    b = b.assign(year=b["year"].astype(str),
                 note=np.where(b["count"].isna(), "count suppressed or not available in the DfE release (" + b["count_raw"].astype(str) + ")", ""))
    b = b[["area_type", "area_code", "area_name", "year", "stage", "count", "population", "source", "note"]]
    allb = pd.concat([part, b], ignore_index=True)
    allb["count"] = _num(allb["count"])
    out = stats.rate(allb, "count", "population")
    out["stage_label"] = out["stage"].map(lambda s: ref.stage(s).label)
    out["count_type"] = out["stage"].map(lambda s: ref.stage(s).kind)
    if notes:
        out["note"] = np.where(out["area_type"].eq("Partnership"), "; ".join(notes), out["note"])
    spec = TableSpec(name="disproportionality_benchmark", title="Rates per 10,000 children against England, region and statistical neighbours",
                     unit="children", rule="children-counts",
                     source=f"Partnership: {SOURCE}. Comparators: {ref.BENCHMARK_SOURCE}. Contains public sector information licensed under the Open Government Licence v3.0.",
                     notes=("Flows: the partnership's children in the 12 months to the period end against DfE reporting "
                            "years to 31 March (children; plan starts count plans). Stocks: at the period end against 31 March. "
                            "Statistical neighbours: DfE April 2021 groupings, which predate the newest local authorities."),
                     keys=("area_type", "area_code", "area_name", "year", "stage"), counts=("count",),
                     derived={c: ("count",) for c in ("value", "lower_95", "upper_95", "lower_998", "upper_998")})
    return out, spec


def show_benchmark(published: pd.DataFrame) -> pd.DataFrame:
    """The partnership, England and the region in the latest DfE year (published values)."""
    latest = published.loc[published["area_type"].eq("England"), "year"].max()
    keep = published["area_type"].eq("Partnership") | (published["area_type"].isin(["England", "Region"]) & published["year"].eq(latest))
    return published.loc[keep, ["area_type", "area_name", "year", "stage_label", "count", "population", "value", "lower_95", "upper_95"]].reset_index(drop=True)


def show_funnels(ctx: Any, published_benchmark: pd.DataFrame, inputs: Inputs, *, stages: list[str] | None = None) -> list[Any]:
    """Funnel plots of every local authority (latest DfE year) with the partnership marked.

    Limits: 95% and 99.8% exact Poisson limits around England's rate (Spiegelhalter 2005) and the
    99.8% limits widened for overdispersion (Spiegelhalter's multiplicative/additive estimate).
    """
    stages = stages or list(inputs.params.get("funnel_stages") or ["referral", "cpp_at_end", "cla_at_end"])
    bench = ref.load_benchmarks()
    figs = []
    for s in stages:
        b = bench[bench["stage"].eq(s)]
        year = int(b.loc[b["level"].eq("Local authority") & b["count"].notna(), "year"].max())
        las = b[b["level"].eq("Local authority") & b["year"].eq(year) & b["count"].notna() & b["population"].notna()]
        eng = b[b["level"].eq("England") & b["year"].eq(year)].iloc[0]
        target = float(eng["count"] / eng["population"] * 10000)
        part = published_benchmark[(published_benchmark["area_type"] == "Partnership") & (published_benchmark["stage"] == s)]
        pts = pd.DataFrame({"area": las["area_name"].to_numpy(), "population": las["population"].to_numpy(),
                            "rate": las["rate_per_10000"].to_numpy()})
        if len(part) and pd.notna(_num(part["value"]).iloc[0]):
            pts = pd.concat([pts, pd.DataFrame({"area": ["This partnership"], "population": [float(_num(part["population"]).iloc[0])],
                                                "rate": [float(_num(part["value"]).iloc[0])]})], ignore_index=True)
        lims = stats.funnel_limits(pts["population"].to_numpy(dtype=float), target, kind="rate")
        od = stats.overdispersion(las["rate_per_10000"].to_numpy(dtype=float), las["population"].to_numpy(dtype=float), target, kind="rate")
        adj = od.limits(lims["denominator"].to_numpy(dtype=float)) if hasattr(od, "limits") else None
        lim = lims.rename(columns={"denominator": "population"})
        cols = [("lower_95", "upper_95", "95% limits"), ("lower_998", "upper_998", "99.8% limits")]
        if adj is not None:
            a = adj.rename(columns={c: f"od_{c}" for c in adj.columns if c != "denominator"})
            for c in ("od_lower_998", "od_upper_998"):
                if c in a:
                    lim[c] = a[c].to_numpy()
            if "od_lower_998" in lim:
                cols.append(("od_lower_998", "od_upper_998", f"99.8% adjusted for overdispersion (phi {od.phi:.1f})"))
        chart = charts.funnel(pts, lim, x="population", y="rate", name=f"dispro_funnel_{s}",
                              title=f"{ref.stage(s).label}: every local authority against England",
                              subtitle=f"Per 10,000 children, DfE {year} (year to 31 March); the partnership: 12 months to the period end",
                              source=ref.BENCHMARK_SOURCE, highlight="This partnership", label_col="area",
                              limit_cols=cols, xlabel="children aged 0 to 17", ylabel="per 10,000 children",
                              alt=(f"Funnel plot of the rate per 10,000 children for {ref.stage(s).label.lower()} in every local "
                                   f"authority against its child population, with 95% and 99.8% limits around England's rate "
                                   f"of {target:.1f}; the partnership is marked with a diamond."))
        figs.append(ctx.publish.figure(chart))
    return figs


_MAJOR_PHRASE = {"White": "White children", "Mixed": "children of Mixed or Multiple ethnic groups", "Asian": "Asian children",
                 "Black": "Black children", "Other": "children of other ethnic groups"}


def _subject(group_type: str, group: str, label: str) -> str:
    if group_type == "ethnicity_minor":
        return f"{label} children" if not label.lower().startswith("any other") else f"children of {label[0].lower() + label[1:]}"
    if group_type == "ethnicity_major":
        return _MAJOR_PHRASE.get(group, f"{group} children")
    if group_type == "sex":
        return {"female": "Girls", "male": "Boys"}.get(group, group)
    if group_type == "age_band":
        return "Babies under 1" if group == "under 1" else f"Children aged {group}"
    if group_type == "disability":
        return "Disabled children" if group == "yes" else "Children not recorded as disabled"
    if group_type == "imd_decile":
        return f"Children living in IMD decile {group} areas"
    if " x " in group_type:
        a, b = group.split(" x ", 1)
        first = _MAJOR_PHRASE.get(a, f"{a} children")
        if b in ("female", "male"):
            return first.replace("children", "girls" if b == "female" else "boys")
        return f"{first} aged {b}" if b != "under 1" else f"{first} under 1"
    return group


def _ref_phrase(reference_group: str) -> str:
    r = str(reference_group)
    if r.startswith("White British"):
        return "White British children" + (r[len("White British (WBRI)"):] if len(r) > len("White British (WBRI)") else "")
    return r


def _severity(group_type: str, flag: str) -> str:
    """``high`` (99.8%) or ``medium`` (95%) for ethnicity, disability and intersections; ``low`` for
    age, sex and deprivation, whose differences are expected context rather than a concern on their own."""
    if group_type.split(" x ")[0] in ("age_band", "sex", "imd_decile"):
        return "low"
    return "high" if "99.8" in flag else "medium"


def findings(published: pd.DataFrame, *, fdr: float = 0.05) -> pd.DataFrame:
    """Plain-English findings from the published table's flags (flags columns of DESIGN.md).

    A ratio is a finding when its 95% interval excludes 1 **and** its q-value is below ``fdr``;
    severity ``high`` when the 99.8% interval also excludes 1, else ``medium`` (ethnicity,
    disability, intersections); differences by age, sex or deprivation are ``low`` (context). The share of
    children whose ethnicity was refused or not obtained is a ``low`` (data quality) finding at
    each stage where it is 5% or more.
    """
    d = published[published["measure"].isin(["rate_ratio", "conversion_ratio"])].copy()
    q = _num(d["q_value"])
    hit = d["flag"].astype(str).str.startswith(("higher", "lower")) & (q < fdr)
    d = d[hit]
    rows = []
    for _, r in d.iterrows():
        st = ref.stage(r["stage"])
        v, lo, hi = float(r["value"]), float(r["lower_95"]), float(r["upper_95"])
        who = _subject(r["group_type"], r["group"], r["group_label"])
        if r["measure"] == "rate_ratio":
            stmt = (f"{who} were {v:.1f} times (95% CI {lo:.1f} to {hi:.1f}) as likely as {_ref_phrase(r['reference_group'])} "
                    f"{st.phrase} ({r['window']}).")
            meas = f"rate ratio: {st.label.lower()}"
        else:
            feeder = ref.DEFAULT_FEEDERS.get(r["stage"], "")
            stmt = (f"Of the children at the {r['denominator_source'].split(' stage')[0].replace('children at the ', '')} stage, "
                    f"{who[0].lower() + who[1:] if not who.startswith(('White', 'Black', 'Asian', 'Mixed', 'Gypsy', 'Indian', 'Pakistani', 'Bangladeshi', 'Chinese', 'Traveller')) else who} "
                    f"were {v:.1f} times (95% CI {lo:.1f} to {hi:.1f}) as likely as {_ref_phrase(r['reference_group'])} "
                    f"to go on {st.phrase} ({r['window']}).")
            meas = f"conversion ratio: {st.label.lower()}"
        rows.append({"category": "disproportionality" if " x " not in r["group_type"] else "disproportionality (intersection)",
                     "subject": who, "measure": meas, "value": round(v, 3), "lower": round(lo, 3), "upper": round(hi, 3),
                     "severity": _severity(r["group_type"], str(r["flag"])), "statement": stmt,
                     "evidence_table": TABLE,
                     "evidence_key": f"period={r['period']}; stage={r['stage']}; measure={r['measure']}; group_type={r['group_type']}; group={r['group']}"})
    dq = published[(published["measure"] == "share") & (published["group_type"] == "ethnicity_major") & (published["group"] == "Not known")]
    for _, r in dq.iterrows():
        v = pd.to_numeric(r["value"], errors="coerce")
        if pd.notna(v) and v >= 5:
            rows.append({"category": "data quality", "subject": "Ethnicity refused or not obtained",
                         "measure": f"share: {ref.stage(r['stage']).label.lower()}", "value": round(float(v), 2),
                         "lower": round(float(r["lower_95"]), 2), "upper": round(float(r["upper_95"]), 2), "severity": "low",
                         "statement": (f"Ethnicity was refused or not yet obtained for {float(v):.1f}% (95% CI {float(r['lower_95']):.1f} "
                                       f"to {float(r['upper_95']):.1f}) of children at the stage '{ref.stage(r['stage']).label.lower()}' "
                                       f"({r['window']}), which weakens every comparison by ethnicity at that stage."),
                         "evidence_table": TABLE,
                         "evidence_key": f"period={r['period']}; stage={r['stage']}; measure=share; group_type=ethnicity_major; group=Not known"})
    cols = ["category", "subject", "measure", "value", "lower", "upper", "severity", "statement", "evidence_table", "evidence_key"]
    return pd.DataFrame(rows, columns=cols)


def publish_findings(ctx: Any, published: pd.DataFrame) -> pd.DataFrame:
    """Write ``flags_disproportionality.csv`` (with the flags writer) and return it."""
    f = findings(published, fdr=float(ctx.params.get("fdr", 0.05)))
    return ctx.publish.flags(f, unit="children", source="disproportionality.csv of this pack")


def method_table(ctx: Any, result: GridResult) -> pd.DataFrame:
    """The choices behind the numbers, for the "Method and caveats" section."""
    p = ctx.params
    fmap = resolve_feeders(p.get("feeders") or {})
    return pd.DataFrame({
        "choice": ["Window (flows)", "Stocks", "Reference group", "Feeder stages", "Look-back for feeders",
                   "Unaccompanied asylum-seeking children", "Insufficient", "Multiple testing", "Rates", "Ratios",
                   "Conversions", "Representation index", "Age standardisation"],
        "value": [result.window.label, f"children on a plan or looked after on {ctx.config.period.end:%d %B %Y}",
                  {"WBRI": "White British children (WBRI)", "all_other": "all other children of known ethnicity"}[str(p.get("reference_group", "WBRI"))],
                  "; ".join(f"{ref.stage(s).label} <- {ref.stage(f).label}" for s, f in fmap.items()),
                  f"{int(p.get('lookback_months', 3))} months",
                  "left out of looked-after stages" if p.get("exclude_uasc_cla") else "included",
                  f"count or reference count below {p.get('min_count', 5)}, or 95% interval upper/lower above {p.get('max_ci_ratio', 10.0)}",
                  "Benjamini-Hochberg within period x measure (single characteristics; intersections separately)",
                  "per 10,000 children; Byar (10 or more) or exact Poisson",
                  "score interval and test for two Poisson rates (statsmodels)",
                  "Wilson interval; ratio with Katz log interval, Pearson chi-square p-value",
                  "observed / expected from population share; descriptive only",
                  "direct, to the partnership's child population by age band; Dobson interval"],
    })
