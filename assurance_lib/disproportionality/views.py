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
from ..tables import Hierarchy, Share, TableSpec
from .analysis import (GridResult, population_label, resolve_feeders, run_dsr, run_grid, run_grid_from_aggregate,
                       run_trends)
from .cohort import INTERSECTION_TYPES, SINGLE_TYPES, prepare_events, stage_members, window_for
from .grid import GRID_COLUMNS, MEASURES, GridOptions
from .groups import group_relations
from .inputs import read_aggregate, read_events, read_population

__all__ = ["Inputs", "load", "analyse", "input_summary", "grid_spec", "dsr_rows", "build_tables", "publish_all",
           "publish_grid", "data_quality", "show_journey", "show_heatmap", "show_forest", "show_intersections", "show_dsr",
           "show_deprivation", "trends_table", "show_trends", "benchmark_table", "show_benchmark", "show_funnels", "findings",
           "publish_findings", "method_table"]

TABLE = "disproportionality"
SOURCE = "Journey events extract of the partnership; child population file (source and vintage on each row)"


@dataclass(slots=True)
class Inputs:
    """The checked inputs of one run (identifiers stay inside the library).

    ``events`` is ``None`` when the partnership gives only an ``aggregate`` (children by stage
    and group): the grid is then computed from the aggregate, and the views that need
    child-level events (trends, age standardisation without the intersections, deprivation)
    say so instead of showing a number.
    """

    events: pd.DataFrame | None
    population: pd.DataFrame
    options: GridOptions
    params: dict[str, Any] = field(default_factory=dict)
    aggregate: pd.DataFrame | None = None

    @property
    def from_aggregate(self) -> bool:
        """True when the grid comes from aggregate counts (no child-level events)."""
        return self.events is None


def _note(text: str) -> pd.DataFrame:
    """A one-row table that says why a view is empty (displayed in its place)."""
    return pd.DataFrame({"note": [text]})


AGGREGATE_ONLY = "not available from an aggregate input: it needs child-level journey events"


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce")


def _say_why(d: pd.DataFrame, when: pd.Series, text: str) -> pd.Series:
    """``d["value"]`` with ``text`` where the value is blank (neither a number nor a symbol such
    as ``[c]``) and ``when`` holds: what a chart shows instead of an estimate."""
    blank = _num(d["value"]).isna() & ~d["value"].astype(str).str.startswith("[") & when
    return d["value"].astype(object).where(~blank, text)


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
    frames: dict[str, pd.DataFrame] = {}
    if not p.get("events_path") and not p.get("aggregate_path"):
        problems.append(f"{ctx.config.params_file.name}, notebook 01_disproportionality: neither events_path nor "
                        "aggregate_path is given (expected at least one: the journey events, or children by stage and group)")
    for fn, key in ((read_events, "events_path"), (read_aggregate, "aggregate_path"), (read_population, "population_path")):
        if not p.get(key):
            continue
        try:
            frames[key] = fn(p[key], p)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return Inputs(events=frames.get("events_path"), population=frames["population_path"], options=options, params=dict(p),
                  aggregate=frames.get("aggregate_path"))


def analyse(ctx: Any, inputs: Inputs) -> GridResult:
    """The grid for the run's period (internal, true values; see :func:`publish_grid`).

    From the child-level events when given (an aggregate given as well is only checked);
    otherwise from the aggregate, whose flows are taken to cover the ``window`` parameter.
    """
    p = inputs.params
    if inputs.from_aggregate:
        win = window_for(ctx.config.period, str(p.get("window", "rolling12")))
        res = run_grid_from_aggregate(inputs.aggregate, inputs.population, period=ctx.config.period,
                                      options=inputs.options, window_label=win.label, feeders=p.get("feeders") or {})
        res.window = win
        return res
    res = run_grid(inputs.events, inputs.population, period=ctx.config.period, window=str(p.get("window", "rolling12")),
                   options=inputs.options, feeders=p.get("feeders") or {}, lookback_months=int(p.get("lookback_months", 3)),
                   exclude_uasc_cla=bool(p.get("exclude_uasc_cla", False)))
    if len(res.quarantine):
        ctx.publish.internal_table(res.quarantine, "disproportionality_quarantine")
    return res


def input_summary(inputs: Inputs, result: GridResult) -> pd.DataFrame:
    """Rows read, children, rows set aside (no identifier, no count of one child)."""
    ev = inputs.events
    if ev is None:
        agg = inputs.aggregate
        return pd.DataFrame({
            "item": ["Input", "Aggregate rows read", "Stages given", "Group types given", "Stages with conversions",
                     "Population (children aged 0 to 17)", "Population source"],
            "value": ["aggregate counts of children by stage and group (no child-level events)", f"{len(agg):,}",
                      ", ".join(s for s in ref.STAGE_CODES if s in set(agg["stage"])),
                      ", ".join(dict.fromkeys(agg["group_type"])),
                      ", ".join(dict.fromkeys(agg.loc[agg["feeder_count"].notna(), "stage"])) if "feeder_count" in agg else "none",
                      f"{int(inputs.population['population'].sum()):,}", population_label(inputs.population)],
        })
    return pd.DataFrame({
        "item": ["Event rows read", "Children in the extract", "Event rows dated after the period end (set aside, reported)",
                 "Population (children aged 0 to 17)", "Population source"],
        "value": [f"{len(ev):,}", f"{ev['child_id'].nunique():,}", f"{len(result.quarantine):,}",
                  f"{int(inputs.population['population'].sum()):,}", population_label(inputs.population)],
    })


def _relation_measures(total_type: str, part_type: str) -> tuple[str, ...]:
    """The measures on whose rows a relation between groups holds (their counts are the stage's children)."""
    if total_type == "all" and part_type == "ethnicity_major":
        return (*MEASURES, "dsr_per_10000", "conversion_ratio_imd")
    if part_type == "ethnicity_minor":
        return (*MEASURES, "conversion_ratio_imd")
    return tuple(MEASURES)


_GRID_ON = {"period": "period", "stage": "stage", "group_type": "group_type", "group": "group"}
TRENDS = "disproportionality_trends"
BENCHMARK = "disproportionality_benchmark"
_CLA_STAGES = ("cla_start", "cla_at_end")


def grid_shares() -> tuple[Share, ...]:
    """Cells of ``disproportionality.csv`` that repeat other cells of the same table.

    Every measure row of a stage and group carries the same children as that group's
    ``rate_per_10000`` row (rate ratios, representation, shares, age-standardised rates), and
    the conversion ratios carry the ``conversion`` row's children and feeder-stage children.
    Declared so that disclosure control treats them as one cell, not as independent counts.
    """
    return (
        Share(table=TABLE, on=_GRID_ON, counts={"count": "count"},
              where={"measure": ("rate_ratio", "representation_index", "share", "dsr_per_10000")},
              other_where={"measure": "rate_per_10000"}),
        Share(table=TABLE, on=_GRID_ON, counts={"count": "count", "denominator": "denominator"},
              where={"measure": ("conversion_ratio", "conversion_ratio_imd")}, other_where={"measure": "conversion"}),
    )


def trends_relations(period: Any, *, window: str, quarters: int) -> tuple[tuple[Hierarchy, ...], tuple[Share, ...]]:
    """How the trend table's quarters relate to the grid's window (for disclosure control).

    Returns the hierarchy to add to ``disproportionality.csv`` and the shares to add to
    ``disproportionality_trends.csv``:

    - stocks at the end of the run's quarter are the grid's stocks (the same children);
    - with ``window="quarter"`` the run's quarter of flows is the grid's window (the same
      children); with ``window="rolling12"`` the grid's 12 months are the **union** of the last
      four quarters of the trend table: at least each quarter's children, at most their sum
      (declared only when the trend table has those four quarters).
    """
    flows = tuple(s.code for s in ref.STAGES if s.kind == "flow")
    equal_stages = ref.STOCK_STAGES + (flows if window == "quarter" else ())
    shares = (Share(table=TABLE, on=_GRID_ON, counts={"count": "count"},
                    where={"period": period.label, "stage": equal_stages}, other_where={"measure": "rate_per_10000"}),)
    hier: tuple[Hierarchy, ...] = ()
    if window == "rolling12" and quarters >= 4:
        labels = [period]
        for _ in range(3):
            labels.append(labels[-1].previous())
        hier = (Hierarchy(column="period", total=period.label, parts=tuple(q.label for q in reversed(labels)),
                          within=("stage", "group_type", "group"), relation="union", parts_table=TRENDS,
                          where={"stage": flows, "group_type": ("all", "ethnicity_major"), "measure": "rate_per_10000"},
                          parts_where={"measure": ("rate_per_10000", "rate_ratio")}),)
    return hier, shares


def grid_spec(has_imd: bool, present: pd.DataFrame | None = None, *, extra: tuple[Hierarchy, ...] = ()) -> TableSpec:
    """The declaration of ``disproportionality.csv`` (keys, counts, derived values, hierarchies, shares).

    Parameters
    ----------
    has_imd : bool
        The grid has ``imd_decile`` groups.
    present : DataFrame, optional
        ``stage, group_type, group`` of the rows an aggregate input gave. A total is then declared
        only at the stages where every one of its parts is present (an absent group is unknown,
        not zero); ``None`` (child-level events): every group is a row.
    extra : tuple of Hierarchy
        Relations with other tables of the pack (see :func:`trends_relations`).
    """
    within = ("period", "stage", "measure")
    have: dict[str, set[tuple[str, str]]] | None = None
    if present is not None:
        have = {}
        for st, gt, g in present[["stage", "group_type", "group"]].drop_duplicates().itertuples(index=False):
            have.setdefault(str(st), set()).add((str(gt), str(g)))
    hs: list[Hierarchy] = []
    for r in group_relations(has_imd):
        where: dict[str, Any] = {"group_type": r.total_type, "measure": _relation_measures(r.total_type, r.part_type)}
        if have is not None:
            stages = tuple(st for st in ref.STAGE_CODES if st in have and (r.total_type, r.total) in have[st]
                           and all((r.part_type, q) in have[st] for q in r.parts))
            if not stages:
                continue
            where["stage"] = stages
        hs.append(Hierarchy(column="group", total=r.total, parts=r.parts, within=within, where=where,
                            parts_where={"group_type": r.part_type}))
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
        hierarchies=(*hs, *extra),
        links=(TRENDS, BENCHMARK),
        shares=grid_shares(),
    )


def dsr_rows(inputs: Inputs, result: GridResult, period: str) -> pd.DataFrame:
    """Age-standardised rates (``dsr_per_10000``) by DfE major ethnic group and for all children, as grid rows.

    ``count`` and ``denominator`` are the group's children at the stage (all ages, as on the other
    measures' rows) and its population; the value is the directly standardised rate over the
    born age bands (pre-birth events have no population), with the Dobson interval.
    """
    counts = result.counts
    if not {"age_band", "ethnicity_major x age_band"} <= set(counts["group_type"]):
        return result.grid.iloc[0:0]   # an aggregate without ethnicity by age band: no standardisation
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
    """The children tables of notebook 01 with their declarations (true values).

    ``disproportionality`` and ``disproportionality_benchmark`` always; ``disproportionality_trends``
    only from child-level events. The declarations tie the tables together (shared cells, the
    quarters within the 12-month window) so that one disclosure pass protects them jointly.
    """
    p = inputs.params
    g = pd.concat([result.grid, dsr_rows(inputs, result, ctx.config.period.label)], ignore_index=True)
    g = g[list(GRID_COLUMNS)].copy()
    # shares: the denominator is the All children row of the same stage (shown there)
    g.loc[g["measure"].eq("share"), "denominator"] = np.nan
    g.loc[g["measure"].eq("share"), "denominator_kind"] = "none"
    has_imd = bool((g["group_type"] == "imd_decile").any())
    window = str(p.get("window", "rolling12"))
    quarters = int(p.get("trend_quarters", 8))
    out: dict[str, tuple[pd.DataFrame, TableSpec]] = {}
    if inputs.from_aggregate:
        out[TABLE] = (g, grid_spec(has_imd, present=g))
    else:
        hier, trend_shares = trends_relations(ctx.config.period, window=window, quarters=quarters)
        out[TABLE] = (g, grid_spec(has_imd, extra=hier))
        t, tspec = trends_table(ctx, inputs)
        out[TRENDS] = (t, _with_shares(tspec, trend_shares))
    out[BENCHMARK] = benchmark_table(ctx, inputs, result)
    return {k: (_rounded(f), spec) for k, (f, spec) in out.items()}


def _with_shares(spec: TableSpec, shares: tuple[Share, ...]) -> TableSpec:
    import dataclasses

    return dataclasses.replace(spec, shares=(*spec.shares, *shares), links=tuple(dict.fromkeys((*spec.links, TABLE))))


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
    if d.empty:
        return _note("The input gives no children of unknown ethnicity by stage (DfE major group 'Not known')."), None
    view = d[["stage", "count_type", "count", "value", "lower_95", "upper_95"]].rename(
        columns={"count": "children with ethnicity refused or not obtained", "value": "percent of children at the stage"})
    view.insert(1, "stage_label", d["stage"].map(lambda s: ref.stage(s).label).to_numpy())
    chart = charts.bar(
        pd.DataFrame({"stage": view["stage_label"].to_numpy(), "percent": view["percent of children at the stage"].to_numpy()}),
        x="percent", y="stage", name="dispro_ethnicity_not_known",
        title="Ethnicity recorded as refused or not yet obtained, by stage",
        subtitle=f"Percent of children at each stage, {published['period'].iloc[0]}; [c] = suppressed to protect confidentiality",
        source=SOURCE, alt=("Bar chart of the percentage of children at each stage of the journey whose ethnicity "
                            "was refused or not yet obtained; the table beside it gives the values."),
        xlabel="percent of children at the stage", value_format="{:.1f}%")
    return view.reset_index(drop=True), ctx.publish.figure(chart)


def show_journey(ctx: Any, published: pd.DataFrame) -> tuple[pd.DataFrame, Any]:
    """All children: rate per 10,000 at each stage (published values)."""
    d = _pub(published, measure="rate_per_10000", group_type="all")
    if d.empty:
        return _note("The input gives no All children rows."), None
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


def _heatmap_label(value: Any, flag: Any, method: Any, cfg: Any) -> str:
    """What a heatmap cell shows: the ratio, its published symbol, ``insufficient``, or "not applicable"
    when no child reached the feeder stage (a zero denominator); '' leaves the chart's "not available"."""
    if flag == "insufficient":
        return "insufficient"
    text = _ratio_label(value)
    return cfg.not_applicable if not text and str(method).startswith(stats.M_DENOM_ZERO) else text


def show_heatmap(ctx: Any, published: pd.DataFrame, *, measure: str = "rate_ratio",
                 group_type: str = "ethnicity_minor") -> Any:
    """Heatmap of ratios (group by stage) from the published table.

    A cell without a ratio is hatched and says why: ``[c]`` (suppressed), ``insufficient``, ``[z]``
    (not applicable: no child at the feeder stage) or ``[x]`` (not available); these cells take no
    colour and the colour scale spans the shown ratios.
    """
    d = _pub(published, measure=measure, group_type=group_type)
    d = d[~d["method"].astype(str).isin(["reference group"]) & ~d["group"].isin(ref.NO_POPULATION_CODES + ("Not known",))]
    if d.empty:
        return _note(f"No {measure.replace('_', ' ')}s by {group_type.replace('_', ' ')} in this input.")
    cfg = ctx.config.disclosure
    labels_txt = d.assign(lbl=[_heatmap_label(v, f, m, cfg) for v, f, m in zip(d["value"], d["flag"], d["method"])])
    mat = d.assign(v=_num(d["value"])).pivot_table(index="group_label", columns="stage_label", values="v", aggfunc="first", dropna=False, sort=False)
    lab = labels_txt.pivot_table(index="group_label", columns="stage_label", values="lbl", aggfunc="first", dropna=False, sort=False).reindex_like(mat).fillna("")
    what = "Rate ratio" if measure == "rate_ratio" else "Conversion ratio"
    ref_group = d["reference_group"].iloc[0] if len(d) else ""
    chart = charts.heatmap(mat, labels=lab, center=1.0, log=True, name=f"dispro_heatmap_{measure}",
                           title=f"{what}s by ethnic group and stage",
                           subtitle=(f"Against {ref_group}; {published['period'].iloc[0]}; 1 = same likelihood; a hatched "
                                     "cell has no ratio and its symbol says why (key below the chart)"),
                           source=SOURCE, config=cfg,
                           alt=(f"Heatmap of {what.lower()}s for each ethnic group (rows) at each stage of the journey "
                                f"(columns), against {ref_group}; values above 1 mean more likely. Values are in the table."),
                           data=d[["stage", "group", "group_label", "count", "value", "lower_95", "upper_95", "flag"]])
    return ctx.publish.figure(chart)


def show_forest(ctx: Any, published: pd.DataFrame, *, stage: str = "cpp_start", measure: str = "rate_ratio",
                group_type: str = "ethnicity") -> Any:
    """Forest plot of one stage's ratios with 95% intervals (published values).

    ``group_type="ethnicity"`` (the default) shows each major ethnic group (in bold) followed by
    its minor groups, so that a major group's ratio is there where its small minor groups are
    suppressed or insufficient; any other group type of the table shows its groups alone.
    """
    types = ["ethnicity_major", "ethnicity_minor"] if group_type == "ethnicity" else [group_type]
    d = _pub(published, measure=measure, group_type=types, stage=stage)
    d = d[~d["method"].astype(str).isin(["reference group"]) & ~d["group"].isin(ref.NO_POPULATION_CODES + ("Not known",))]
    if d.empty:
        return _note(f"No {measure.replace('_', ' ')}s by {group_type.replace('_', ' ')} at this stage in this input.")
    if group_type == "ethnicity":
        major = d[d["group_type"].eq("ethnicity_major")]
        minor = d[d["group_type"].eq("ethnicity_minor")]
        parts = []
        for m in ref.MAJOR_GROUPS:
            head = major[major["group"].eq(m)].assign(group_label=f"{m} (all)")
            kids = minor[minor["group"].map(lambda c: ref.major_group(str(c)) == m)]
            parts += [head, kids]
        d = pd.concat(parts, ignore_index=True)
    # a row without a value says why: its symbol, or the flag "insufficient"
    d = d.assign(value=_say_why(d, d["flag"].astype(str).eq("insufficient"), "insufficient"))
    st = ref.stage(stage)
    ref_group = d["reference_group"].iloc[0] if len(d) else ""
    chart = charts.forest(d[["group_label", "count", "value", "lower_95", "upper_95", "flag"]].reset_index(drop=True),
                          label="group_label", value="value", lower="lower_95", upper="upper_95",
                          name=f"dispro_forest_{measure}_{stage}", bold=d["group_type"].eq("ethnicity_major").tolist(),
                          title=f"{st.label}: ratio against {ref_group}",
                          subtitle=(f"{published['period'].iloc[0]}; 95% confidence intervals; major groups in bold above their "
                                    "parts; [c] = suppressed to protect confidentiality, insufficient = too few children "
                                    "or too wide an interval to estimate"),
                          source=SOURCE, xlabel="ratio (log scale)",
                          alt=(f"Forest plot of the {measure.replace('_', ' ')} of each ethnic group for {st.label.lower()} "
                               f"against {ref_group}, with 95% intervals; a value right of the dashed line at 1 means more likely. "
                               "Rows without an estimate show why: [c] suppressed, or insufficient."))
    return ctx.publish.figure(chart)


def show_intersections(ctx: Any, published: pd.DataFrame, *, stage: str = "cpp_start") -> tuple[pd.DataFrame, Any]:
    """Ethnicity by sex and by age band: rate ratios at one stage (published values)."""
    d = _pub(published, measure="rate_ratio", group_type=list(INTERSECTION_TYPES), stage=stage)
    d = d[~d["group"].str.startswith("Not known") & ~d["group"].str.endswith(" x unknown") & ~d["group"].str.endswith(" x unborn")]
    view = d[["group_type", "group", "count", "denominator", "value", "lower_95", "upper_95", "q_value", "flag", "reference_group"]]
    sx = d[d["group_type"].eq("ethnicity_major x sex")]
    if sx.empty:
        return view.reset_index(drop=True), _note("The input gives no ethnicity by sex intersections (with their White "
                                                  "British reference) at this stage.")
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
        return _note("No deprivation-stratified view: it needs child-level journey events with an IMD decile.")
    wide = d.pivot_table(index="group_label", columns="measure", values=["value", "lower_95", "upper_95"], aggfunc="first", sort=False)
    kind = {"conversion_ratio": "crude", "conversion_ratio_imd": "adjusted for deprivation"}
    part = {"value": "ratio", "lower_95": "95% CI lower", "upper_95": "95% CI upper"}
    order = [(v, m) for m in kind for v in part if (v, m) in wide.columns]
    wide = wide[order]
    wide.columns = [f"{part[v]}, {kind[m]}" for v, m in order]
    return wide.reset_index().rename(columns={"group_label": "group"})


def show_dsr(ctx: Any, published: pd.DataFrame) -> tuple[pd.DataFrame, Any]:
    """Age-standardised rates by major ethnic group (published ``dsr_per_10000`` rows)."""
    d = _pub(published, measure="dsr_per_10000")
    if d.empty:
        note = _note("Age-standardised rates need children by ethnic group and age band, which this input does not give.")
        return note, note
    view = d[["stage_label", "group", "count", "denominator", "value", "lower_95", "upper_95", "method"]].reset_index(drop=True)
    s = d[d["stage"].isin(["s47", "cpp_start", "cla_start"]) & ~d["group"].eq("Not known")].reset_index(drop=True)
    # a rate not calculated says why, as a suppressed one shows its symbol
    shown = _say_why(s, s["method"].astype(str).str.startswith("not calculated"), "not calculated")
    total = s["group"].eq("All children")
    rows = pd.DataFrame({"group": s["stage_label"].where(total, s["group"]).to_numpy(), "count": s["count"].to_numpy(),
                         "value": shown.to_numpy(), "lower_95": s["lower_95"].to_numpy(), "upper_95": s["upper_95"].to_numpy()})
    chart = charts.forest(rows, label="group", value="value", lower="lower_95", upper="upper_95", name="dispro_dsr",
                          title="Age-standardised rates by ethnic group",
                          subtitle=(f"Children per 10,000, {published['period'].iloc[0]}, with 95% intervals (Dobson); "
                                    "standard: the partnership's child population; each stage's rate for all "
                                    "children in bold above its ethnic groups; not calculated: fewer than 10 children; "
                                    "[c]: suppressed"),
                          source=SOURCE, reference=None, log=False, xlabel="per 10,000 (age-standardised)",
                          bold=total.tolist(), decimals=1,
                          alt=("Dot plot of age-standardised rates per 10,000 children with 95% intervals for all children "
                               "and each major ethnic group at three stages; a rate not shown says why (suppressed [c], "
                               "or not calculated from fewer than 10 children)."))
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


def show_trends(ctx: Any, published: pd.DataFrame | None) -> Any:
    """Line chart of the quarterly rates (published trends table; ``None`` from an aggregate input)."""
    if published is None:
        return _note("Trends over the last eight quarters are " + AGGREGATE_ONLY + ".")
    a = published[(published["group_type"] == "all") & published["stage"].isin(["referral", "s47", "cpp_start", "cla_start"])]
    chart = charts.line(pd.DataFrame({"quarter": a["period"], "stage": a["stage_label"], "rate": _num(a["value"])}),
                        x="quarter", y="rate", series="stage", name="dispro_trends",
                        title="Children per 10,000 each quarter, by stage",
                        subtitle="All children; children with the event in the quarter", source=SOURCE,
                        alt=("Line chart of the quarterly rate per 10,000 children of referrals, section 47 enquiries, "
                             "plan starts and starts to be looked after over the last eight quarters."),
                        ylabel="children per 10,000 in the quarter")
    return ctx.publish.figure(chart)


def show_trend_ratios(ctx: Any, published: pd.DataFrame | None, *, stage: str = "referral") -> Any:
    """Line chart of each major ethnic group's quarterly rate ratio at one stage (published trends table).

    One line per major group (at most four: White, the reference's own major group, and Not
    known are left out), with its 95% interval band and a dashed line at 1; a suppressed quarter
    leaves a gap. Quarterly counts are small: choose a stage with enough children (referrals).
    """
    if published is None:
        return _note("Trends over the last eight quarters are " + AGGREGATE_ONLY + ".")
    d = published[(published["measure"] == "rate_ratio") & (published["group_type"] == "ethnicity_major")
                  & (published["stage"] == stage) & ~published["group"].isin(["White", "Not known"])]
    d = d[~d["method"].astype(str).eq("reference group")]
    if d.empty:
        return _note(f"No quarterly rate ratios by major ethnic group at the {ref.stage(stage).label.lower()} stage.")
    st = ref.stage(stage)
    ref_group = d["reference_group"].iloc[0]
    chart = charts.line(pd.DataFrame({"quarter": d["period"].to_numpy(), "group": d["group_label"].to_numpy(),
                                      "ratio": d["value"].to_numpy(), "lower_95": d["lower_95"].to_numpy(),
                                      "upper_95": d["upper_95"].to_numpy()}),
                        x="quarter", y="ratio", series="group", lower="lower_95", upper="upper_95", reference=1.0,
                        name=f"dispro_trend_ratios_{stage}",
                        title=f"{st.label}: ratio against {ref_group} each quarter, by major ethnic group",
                        subtitle=("Rate ratio of children with the event in the quarter, with 95% intervals (bands); "
                                  "1 = same likelihood; a gap is a suppressed quarter [c]"),
                        source=SOURCE, ylabel="rate ratio",
                        alt=(f"Line chart of the quarterly rate ratio for {st.label.lower()} of each major ethnic group "
                             f"against {ref_group} over the last eight quarters, with 95% interval bands and a dashed "
                             "line at 1; the data table gives the values."))
    return ctx.publish.figure(chart)


def _partnership_counts(ctx: Any, inputs: Inputs, result: GridResult | None, stages: list[str]) -> tuple[dict[str, float], dict[str, str]]:
    """The partnership's children at each benchmark stage, like with like (and a note where not).

    Child-level events: children in the 12 months to the period end (flows) and on a plan or
    looked after at the period end (stocks), unaccompanied asylum-seeking children included as
    in DfE figures. Aggregate input: the aggregate's ``All children`` rows; its flows are
    comparable only when they cover 12 months (``window = "rolling12"``).
    """
    win = window_for(ctx.config.period, "rolling12")
    if not inputs.from_aggregate:
        prep = prepare_events(inputs.events, ctx.config.period.end)
        members = stage_members(prep.events, win, exclude_uasc_cla=False)
        ours = members.groupby("stage")["child"].nunique()
        return {s: float(ours.get(s, 0)) for s in stages}, {}
    counts = result.counts if result is not None else pd.DataFrame(columns=["stage", "group_type", "n"])
    allc = counts[counts["group_type"].eq("all")].set_index("stage")["n"]
    window = str(inputs.params.get("window", "rolling12"))
    out: dict[str, float] = {}
    notes: dict[str, str] = {}
    for s in stages:
        if s not in allc.index:
            out[s], notes[s] = np.nan, "not in the aggregate input"
        elif ref.stage(s).kind == "flow" and window != "rolling12":
            out[s], notes[s] = np.nan, "the aggregate's flows cover a quarter: not comparable with DfE years"
        else:
            out[s] = float(allc[s])
    return out, notes


def benchmark_table(ctx: Any, inputs: Inputs, result: GridResult | None = None) -> tuple[pd.DataFrame, TableSpec]:
    """The partnership against England, its region and statistical neighbours (DfE reference data).

    Like with like: flows are children in the 12 months to the period end (whatever the window
    parameter) against DfE annual counts of children; stocks at the period end against 31 March.
    With an aggregate input the partnership's rows come from its ``All children`` rows
    (``result``), flows only when the aggregate covers 12 months.
    """
    p = inputs.params
    la = str(p.get("benchmark_la", "E06000015"))
    bench = ref.load_benchmarks()
    nb = ref.load_neighbours()
    win = window_for(ctx.config.period, "rolling12")
    popn = float(inputs.population["population"].sum())
    stages = list(dict.fromkeys(bench["stage"]))
    ours, why = _partnership_counts(ctx, inputs, result, stages)
    part = pd.DataFrame({"area_type": "Partnership", "area_code": "", "area_name": ctx.config.partnership,
                         "year": win.label, "stage": stages, "count": [ours[s] for s in stages],
                         "population": popn, "source": population_label(inputs.population),
                         "note": [why.get(s, "") for s in stages]})
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
        joined = "; ".join(notes)
        out["note"] = np.where(out["area_type"].eq("Partnership"),
                               [f"{n}; {joined}" if n else joined for n in out["note"].astype(str)], out["note"])
    spec = TableSpec(name="disproportionality_benchmark", title="Rates per 10,000 children against England, region and statistical neighbours",
                     unit="children", rule="children-counts",
                     source=f"Partnership: {SOURCE}. Comparators: {ref.BENCHMARK_SOURCE}. Contains public sector information licensed under the Open Government Licence v3.0.",
                     notes=("Flows: the partnership's children in the 12 months to the period end against DfE reporting "
                            "years to 31 March (children; plan starts count plans). Stocks: at the period end against 31 March. "
                            "Statistical neighbours: DfE April 2021 groupings, which predate the newest local authorities."),
                     keys=("area_type", "area_code", "area_name", "year", "stage"), counts=("count",),
                     derived={c: ("count",) for c in ("value", "lower_95", "upper_95", "lower_998", "upper_998")},
                     links=(TABLE,), shares=_benchmark_shares(inputs, stages))
    return out, spec


def _benchmark_shares(inputs: Inputs, stages: list[str]) -> tuple[Share, ...]:
    """The partnership's benchmark rows that repeat the grid's ``All children`` rate rows.

    They are the same children when the grid counts 12 months of flows and keeps
    unaccompanied asylum-seeking children in the looked-after stages (as DfE figures do).
    """
    p = inputs.params
    if str(p.get("window", "rolling12")) != "rolling12":
        return ()
    same = [s for s in stages if not (bool(p.get("exclude_uasc_cla", False)) and not inputs.from_aggregate and s in _CLA_STAGES)]
    if not same:
        return ()
    return (Share(table=TABLE, on={"stage": "stage"}, counts={"count": "count"},
                  where={"area_type": "Partnership", "stage": tuple(same)},
                  other_where={"measure": "rate_per_10000", "group_type": "all"}),)


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
                cols.append(("od_lower_998", "od_upper_998",
                             f"99.8% limits allowing for overdispersion (random effects; phi = {od.phi:.0f})"))
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
        return f"{label} children" if not label.lower().startswith("any other") else f"Children of {label[0].lower() + label[1:]}"
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
    each stage where it is 5% or more. Findings are ordered by severity and, within a severity,
    single characteristics before intersections, each with the largest differences first
    (distance of the ratio from 1 on the log scale), so that the quarterly report's summary,
    which quotes the first ones, quotes the largest.
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
        who = who[:1].upper() + who[1:]  # it starts the sentence (and the subject column)
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
    out = pd.DataFrame(rows, columns=cols)
    # within a severity, single characteristics before intersections (their own family, and
    # noisier), each with the largest differences first (a ratio of 0.5 is as far from 1 as 2);
    # data quality findings after the ratios (the flags writer keeps this order within severity)
    ratio = out["category"].str.startswith("disproportionality")
    distance = np.where(ratio, np.abs(np.log(pd.to_numeric(out["value"], errors="coerce").clip(lower=1e-12))), -1.0)
    intersection = out["category"].str.contains("intersection").to_numpy()
    order = np.lexsort((-distance, intersection, out["severity"].map({"high": 0, "medium": 1, "low": 2}).fillna(3).to_numpy()))
    return out.iloc[order].reset_index(drop=True)


def publish_findings(ctx: Any, published: pd.DataFrame) -> pd.DataFrame:
    """Write ``flags_disproportionality.csv`` (with the flags writer) and return it."""
    f = findings(published, fdr=float(ctx.params.get("fdr", 0.05)))
    return ctx.publish.flags(f, unit="children", source="disproportionality.csv of this pack")


def findings_summary(flags: pd.DataFrame, *, top: int = 5) -> str:
    """A short Markdown summary of the findings: how many of each kind, and the largest differences.

    Parameters
    ----------
    flags : DataFrame
        The published flags (:func:`publish_findings`).
    top : int
        How many of the largest differences to quote: ``high`` findings about a single
        characteristic, ordered by how far the ratio is from 1 on the log scale (a ratio of 0.5
        is as far as 2).

    Returns
    -------
    str
        Markdown; every sentence quoted is a flag's own statement.
    """
    if flags.empty:
        return "**No findings** this period: no ratio's 95% interval excluded 1 with a q-value below the false discovery rate."
    single = flags["category"].eq("disproportionality")
    inter = flags["category"].eq("disproportionality (intersection)")
    dq = ~(single | inter)
    sev = {k: int((single & flags["severity"].eq(k)).sum()) for k in ("high", "medium", "low")}
    parts = [f"**{len(flags)} findings** this period: {int(single.sum())} about a single characteristic "
             f"({sev['high']} high, {sev['medium']} medium, {sev['low']} low: differences by age, sex or deprivation, "
             f"which are context), {int(inter.sum())} about an intersection"
             + (f", and {int(dq.sum())} on data quality." if dq.any() else ".")]
    big = flags[single & flags["severity"].eq("high")].copy()
    if len(big):
        big["distance"] = np.abs(np.log(pd.to_numeric(big["value"], errors="coerce")))
        big = big.sort_values("distance", ascending=False, kind="stable").head(top)
        parts.append(f"\n\nThe {len(big)} largest differences (high severity, single characteristics):\n")
        parts += [f"- {st}" for st in big["statement"]]
    parts.append("\n\nThe whole list follows, most severe first; it is `flags_disproportionality.csv` in the pack.")
    return "\n".join(parts)


def show_findings_summary(flags: pd.DataFrame, *, top: int = 5) -> Any:
    """:func:`findings_summary` for display (IPython Markdown)."""
    from IPython.display import Markdown

    return Markdown(findings_summary(flags, top=top))


def method_table(ctx: Any, result: GridResult, inputs: Inputs | None = None) -> pd.DataFrame:
    """The choices behind the numbers, for the "Method and caveats" section."""
    p = ctx.params
    fmap = resolve_feeders(p.get("feeders") or {})
    if inputs is not None and inputs.from_aggregate:
        supplied = "as counted by whoever produced the aggregate input"
        return pd.DataFrame({
            "choice": ["Input", "Window (flows)", "Stocks", "Reference group", "Feeder stages and look-back",
                       "Unaccompanied asylum-seeking children", "Insufficient", "Multiple testing", "Rates", "Ratios",
                       "Conversions", "Not available"],
            "value": ["aggregate counts of children by stage and group (no child-level events)",
                      f"{result.window.label} (the window parameter: the aggregate's flows are taken to cover it)",
                      f"children on a plan or looked after on {ctx.config.period.end:%d %B %Y} ({supplied})",
                      {"WBRI": "White British children (WBRI)", "all_other": "all other children of known ethnicity"}[str(p.get("reference_group", "WBRI"))],
                      "conversions as given by feeder_count and converted (" + supplied + ")",
                      supplied,
                      f"count or reference count below {p.get('min_count', 5)}, or 95% interval upper/lower above {p.get('max_ci_ratio', 10.0)}",
                      "Benjamini-Hochberg within period x measure (single characteristics; intersections separately)",
                      "per 10,000 children; Byar (10 or more) or exact Poisson",
                      "score interval and test for two Poisson rates (statsmodels)",
                      "Wilson interval; ratio with Katz log interval, Pearson chi-square p-value",
                      "trends, deprivation-stratified ratios; groups absent from the aggregate (never taken as zero)"],
        })
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


def shown(frame: pd.DataFrame, caption: str, *, decimals: int = 2) -> Any:
    """A table of this notebook for display: caption, plain headings, no index, cells in full.

    See :func:`assurance_lib.display.styled`; ``decimals`` applies to every column whose numbers
    are not all whole (1 suits rates per 10,000 and percentages, 2 ratios).
    """
    from ..display import styled

    return styled(frame, caption, decimals=decimals)
