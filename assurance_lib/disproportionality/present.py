"""What notebook 01 calls: ``analyse(ctx)``, then one ``show_*`` per cell, ``publish_flags`` and ``method_notes``.

``analyse`` builds the :class:`~.settings.Settings` from the notebook's parameters, reads the
inputs (:func:`~.inputs.load`), computes the grid (:func:`~.compute.compute`) and publishes the
three children tables together (one disclosure pass, :func:`publish_tables`). Every chart and
flag is then built from the **published** values, so a suppressed cell shows ``[c]`` and is never
drawn. Each ``show_*`` function takes the frame it shows from a ``*_data`` function (named in its
docstring: that is where the numbers come from) and draws it; the ``*_data`` functions are pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .. import charts, stats
from .. import reference as ref
from ..config import Period
from ..disclosure import is_suppressed
from .analysis import GridResult, population_label
from .benchmark import benchmark_view, funnel_data, uasc_withheld
from .cohort import INTERSECTION_TYPES
from .compute import build_tables, compute
from .findings import findings, findings_summary
from .grid_tables import AGGREGATE_ONLY, BENCHMARK, SOURCE, TABLE, TRENDS, _note, _num
from .inputs import Inputs, load
from .settings import Settings

__all__ = [
    "Results",
    "analyse",
    "publish_tables",
    "input_summary",
    "show_input_summary",
    "ethnicity_not_known_data",
    "show_data_quality",
    "journey_data",
    "show_journey",
    "heatmap_data",
    "show_heatmap",
    "forest_data",
    "show_forest",
    "intersections_data",
    "show_intersections",
    "deprivation_data",
    "show_deprivation",
    "dsr_data",
    "show_dsr",
    "trends_data",
    "show_trends",
    "trend_ratios_data",
    "show_trend_ratios",
    "show_benchmark",
    "show_funnels",
    "publish_flags",
    "show_findings_summary",
    "method_notes",
    "shown",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Results:
    """One run of notebook 01: its settings, inputs, the computed grid (true values) and the published tables.

    Attributes
    ----------
    settings : Settings
    inputs : Inputs
    computed : GridResult
        The grid, counts, window and quarantine as computed (internal, true values).
    tables : mapping of str to DataFrame
        The published tables (as they left disclosure control): ``disproportionality``,
        ``disproportionality_benchmark`` and, from child-level events, ``disproportionality_trends``.
    period : Period
    """

    settings: Settings
    inputs: Inputs
    computed: GridResult
    tables: Mapping[str, pd.DataFrame]
    period: Period

    @property
    def table(self) -> pd.DataFrame:
        """The published ``disproportionality.csv``."""
        return self.tables[TABLE]

    @property
    def trends(self) -> pd.DataFrame | None:
        """The published ``disproportionality_trends.csv`` (``None`` from an aggregate input)."""
        return self.tables.get(TRENDS)

    @property
    def benchmark(self) -> pd.DataFrame:
        """The published ``disproportionality_benchmark.csv``."""
        return self.tables[BENCHMARK]

    @property
    def grid(self) -> pd.DataFrame:
        """The computed grid (true values)."""
        return self.computed.grid

    @property
    def window(self) -> Any:
        """The window of the flows."""
        return self.computed.window

    @property
    def quarantine(self) -> pd.DataFrame:
        """Event rows set aside (dated after the period end)."""
        return self.computed.quarantine


def analyse(ctx: Any) -> Results:
    """Settings, inputs, the grid, and the three children tables published together.

    Raises
    ------
    InputError
        Every problem in the parameters, then every problem in the inputs.
    """
    settings = Settings.from_params(ctx.params)
    inputs = load(settings)
    computed = compute(inputs, settings, ctx.config.period)
    if not inputs.from_aggregate and len(computed.quarantine):
        ctx.publish.internal_table(computed.quarantine, "disproportionality_quarantine")
    tables = publish_tables(ctx, inputs, settings, computed)
    return Results(settings=settings, inputs=inputs, computed=computed, tables=tables, period=ctx.config.period)


def publish_tables(ctx: Any, inputs: Inputs, settings: Settings, computed: GridResult) -> dict[str, pd.DataFrame]:
    """Publish the grid, trends and benchmark together (one disclosure pass); return the published frames.

    The tables and their declarations are :func:`~.compute.build_tables`.
    """
    items = build_tables(
        inputs,
        settings,
        computed,
        period=ctx.config.period,
        partnership=ctx.config.partnership,
        symbols=ctx.config.disclosure,
    )
    shown = ctx.publish.tables(list(items.values()))
    return dict(zip(items, shown))


def _say_why(d: pd.DataFrame, when: pd.Series, text: str) -> pd.Series:
    """``d["value"]`` with ``text`` where the value is blank (neither a number nor a symbol such
    as ``[c]``) and ``when`` holds: what a chart shows instead of an estimate."""
    blank = _num(d["value"]).isna() & ~d["value"].astype(str).str.startswith("[") & when
    return d["value"].astype(object).where(~blank, text)


def _pub(published: pd.DataFrame, **where: Any) -> pd.DataFrame:
    m = pd.Series(True, index=published.index)
    for k, v in where.items():
        m &= published[k].isin(v if isinstance(v, (list, tuple, set)) else [v])
    return published[m]


def input_summary(res: Results) -> pd.DataFrame:
    """Rows read, children, rows set aside (no identifier, no count of one child)."""
    inputs, result = res.inputs, res.computed
    ev = inputs.events
    if ev is None:
        agg = inputs.aggregate
        return pd.DataFrame(
            {
                "item": [
                    "Input",
                    "Aggregate rows read",
                    "Stages given",
                    "Group types given",
                    "Stages with conversions",
                    "Population (children aged 0 to 17)",
                    "Population source",
                ],
                "value": [
                    "aggregate counts of children by stage and group (no child-level events)",
                    f"{len(agg):,}",
                    ", ".join(s for s in ref.STAGE_CODES if s in set(agg["stage"])),
                    ", ".join(dict.fromkeys(agg["group_type"])),
                    ", ".join(dict.fromkeys(agg.loc[agg["feeder_count"].notna(), "stage"]))
                    if "feeder_count" in agg
                    else "none",
                    f"{int(inputs.population['population'].sum()):,}",
                    population_label(inputs.population),
                ],
            }
        )
    return pd.DataFrame(
        {
            "item": [
                "Event rows read",
                "Children in the extract",
                "Event rows dated after the period end (set aside, reported)",
                "Population (children aged 0 to 17)",
                "Population source",
            ],
            "value": [
                f"{len(ev):,}",
                f"{ev['child_id'].nunique():,}",
                f"{len(result.quarantine):,}",
                f"{int(inputs.population['population'].sum()):,}",
                population_label(inputs.population),
            ],
        }
    )


def show_input_summary(res: Results) -> Any:
    """What was read (:func:`input_summary`), for display."""
    return shown(input_summary(res), "What was read")


def ethnicity_not_known_data(published: pd.DataFrame) -> pd.DataFrame | None:
    """Children at each stage whose ethnicity was refused or not obtained (published ``share`` rows); ``None`` if none."""
    d = _pub(published, measure="share", group_type="ethnicity_major", group="Not known")
    if d.empty:
        return None
    view = d[["stage", "count_type", "count", "value", "lower_95", "upper_95"]].rename(
        columns={
            "count": "children with ethnicity refused or not obtained",
            "value": "percent of children at the stage",
        }
    )
    view.insert(1, "stage_label", d["stage"].map(lambda s: ref.stage(s).label).to_numpy())
    return view.reset_index(drop=True)


def show_data_quality(ctx: Any, res: Results) -> tuple[Any, Any]:
    """The share of children whose ethnicity was refused or not obtained, by stage: table and bar chart.

    Numbers: :func:`ethnicity_not_known_data` (published ``share`` rows of ``disproportionality.csv``).
    """
    published = res.table
    caption = "Children whose ethnicity was refused or not obtained, by stage: percent of the children at the stage, 95% interval"
    view = ethnicity_not_known_data(published)
    if view is None:
        return shown(
            _note("The input gives no children of unknown ethnicity by stage (DfE major group 'Not known')."),
            caption,
            decimals=1,
        ), None
    chart = charts.bar(
        pd.DataFrame(
            {"stage": view["stage_label"].to_numpy(), "percent": view["percent of children at the stage"].to_numpy()}
        ),
        x="percent",
        y="stage",
        name="dispro_ethnicity_not_known",
        title="Ethnicity recorded as refused or not yet obtained, by stage",
        subtitle=f"Percent of children at each stage, {published['period'].iloc[0]}; [c] = suppressed to protect confidentiality",
        source=SOURCE,
        alt=(
            "Bar chart of the percentage of children at each stage of the journey whose ethnicity "
            "was refused or not yet obtained; the table beside it gives the values."
        ),
        xlabel="percent of children at the stage",
        value_format="{:.1f}%",
    )
    return shown(view, caption, decimals=1), ctx.publish.figure(chart)


def journey_data(published: pd.DataFrame) -> pd.DataFrame:
    """All children: the published rate per 10,000 at each stage."""
    d = _pub(published, measure="rate_per_10000", group_type="all")
    return d[
        [
            "stage",
            "stage_label",
            "count_type",
            "window",
            "count",
            "denominator",
            "value",
            "lower_95",
            "upper_95",
            "method",
            "denominator_source",
        ]
    ].reset_index(drop=True)


def show_journey(ctx: Any, res: Results) -> tuple[Any, Any]:
    """The journey at a glance: table and bar chart of all children per 10,000 at each stage.

    Numbers: :func:`journey_data` (published ``rate_per_10000`` rows, group ``All children``).
    """
    caption = "All children at each stage, per 10,000 children aged 0 to 17, 95% interval"
    d = journey_data(res.table)
    if d.empty:
        return shown(_note("The input gives no All children rows."), caption, decimals=1), None
    chart = charts.bar(
        pd.DataFrame({"stage": d["stage_label"].to_numpy(), "rate": _num(d["value"]).to_numpy()}),
        x="rate",
        y="stage",
        name="dispro_journey",
        title="The journey at a glance: children per 10,000 at each stage",
        subtitle=f"All children, {d['window'].iloc[0] if len(d) else ''}; rate per 10,000 children aged 0 to 17",
        source=SOURCE,
        alt=(
            "Bar chart of the number of children per 10,000 at each stage of the journey, "
            "from contacts to children looked after; values are in the table."
        ),
        xlabel="children per 10,000",
        value_format="{:,.1f}",
    )
    return shown(d.drop(columns=["stage"]), caption, decimals=1), ctx.publish.figure(chart)


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


def heatmap_data(
    published: pd.DataFrame, *, measure: str = "rate_ratio", group_type: str = "ethnicity_minor"
) -> pd.DataFrame:
    """The published ratios of one measure by group and stage (reference group, no-population groups and Not known left out).

    ``is_finding`` is true where the published ``flag`` names a direction ("higher ...", "lower ..."),
    which it does only for a finding (:func:`~.grid.finding_flags`).
    """
    d = _pub(published, measure=measure, group_type=group_type)
    d = d[
        ~d["method"].astype(str).isin(["reference group"]) & ~d["group"].isin(ref.NO_POPULATION_CODES + ("Not known",))
    ]
    return d.assign(is_finding=d["flag"].astype(str).str.startswith(("higher", "lower")).astype(bool))


def show_heatmap(ctx: Any, res: Any, *, measure: str = "rate_ratio", group_type: str = "ethnicity_minor") -> Any:
    """Heatmap of ratios (group by stage) from the published table.

    Numbers: :func:`heatmap_data`. A cell without a ratio is hatched and says why: ``[c]``
    (suppressed), ``insufficient``, ``[z]`` (not applicable: no child at the feeder stage) or
    ``[x]`` (not available); these cells take no colour and the colour scale spans the shown ratios.
    """
    published = res.table
    d = heatmap_data(published, measure=measure, group_type=group_type)
    if d.empty:
        return _note(f"No {measure.replace('_', ' ')}s by {group_type.replace('_', ' ')} in this input.")
    cfg = ctx.config.disclosure
    labels_txt = d.assign(lbl=[_heatmap_label(v, f, m, cfg) for v, f, m in zip(d["value"], d["flag"], d["method"])])
    mat = d.assign(v=_num(d["value"])).pivot_table(
        index="group_label", columns="stage_label", values="v", aggfunc="first", dropna=False, sort=False
    )
    lab = (
        labels_txt.pivot_table(
            index="group_label", columns="stage_label", values="lbl", aggfunc="first", dropna=False, sort=False
        )
        .reindex_like(mat)
        .fillna("")
    )
    marked = (
        d.pivot_table(
            index="group_label", columns="stage_label", values="is_finding", aggfunc="any", dropna=False, sort=False
        )
        .reindex_like(mat)
        .fillna(False)
        .astype(bool)
    )
    what = "Rate ratio" if measure == "rate_ratio" else "Conversion ratio"
    ref_group = d["reference_group"].iloc[0] if len(d) else ""
    cla_hidden = d["stage"].isin(["cla_start", "cla_at_end"]) & d["value"].map(lambda v: is_suppressed(v, cfg))
    why_cla = (
        f"; at the looked-after stages further cells are hidden {cfg.suppressed} so that the unaccompanied children "
        f"reported apart (counts of 1 to {cfg.threshold} in a group) cannot be worked out from the figures with "
        "them included"
        if published["measure"].eq("uasc_children").any() and cla_hidden.any()  # UASC reported apart
        else ""
    )
    chart = charts.heatmap(
        mat,
        labels=lab,
        center=1.0,
        log=True,
        marked=marked,
        mark_meaning="findings (the published flag says higher or lower)",
        name=f"dispro_heatmap_{measure}",
        title=f"{what}s by ethnic group and stage",
        subtitle=(
            f"Against {ref_group}; {published['period'].iloc[0]}; 1 = same likelihood; a cell outlined in a thick "
            "dark border is a finding; a hatched cell has no ratio and its symbol says why (key below the chart)"
            f"{why_cla}"
        ),
        source=SOURCE,
        config=cfg,
        alt=(
            f"Heatmap of {what.lower()}s for each ethnic group (rows) at each stage of the journey "
            f"(columns), against {ref_group}; values above 1 mean more likely. Values are in the table."
        ),
        data=d[["stage", "group", "group_label", "count", "value", "lower_95", "upper_95", "flag", "is_finding"]],
    )
    return ctx.publish.figure(chart)


def forest_data(
    published: pd.DataFrame, *, stage: str, measure: str = "rate_ratio", group_type: str = "ethnicity"
) -> pd.DataFrame:
    """One stage's published ratios with 95% intervals, as the forest plot lists them.

    ``group_type="ethnicity"`` gives each major ethnic group (labelled ``(all)``) followed by its
    minor groups; a row without a value says why (its symbol, or ``insufficient``).
    """
    types = ["ethnicity_major", "ethnicity_minor"] if group_type == "ethnicity" else [group_type]
    d = _pub(published, measure=measure, group_type=types, stage=stage)
    d = d[
        ~d["method"].astype(str).isin(["reference group"]) & ~d["group"].isin(ref.NO_POPULATION_CODES + ("Not known",))
    ]
    if d.empty:
        return d
    if group_type == "ethnicity":
        major = d[d["group_type"].eq("ethnicity_major")]
        minor = d[d["group_type"].eq("ethnicity_minor")]
        parts = []
        for m in ref.MAJOR_GROUPS:
            head = major[major["group"].eq(m)].assign(group_label=f"{m} (all)")
            kids = minor[minor["group"].map(lambda c, m=m: ref.major_group(str(c)) == m)]
            parts += [head, kids]
        d = pd.concat(parts, ignore_index=True)
    # a row without a value says why: its symbol, or the flag "insufficient"
    return d.assign(value=_say_why(d, d["flag"].astype(str).eq("insufficient"), "insufficient"))


def show_forest(
    ctx: Any, res: Any, *, stage: str | None = None, measure: str = "rate_ratio", group_type: str = "ethnicity"
) -> Any:
    """Forest plot of one stage's ratios with 95% intervals (published values).

    Numbers: :func:`forest_data`. ``stage`` defaults to the ``forest_stage`` setting;
    ``group_type="ethnicity"`` (the default) shows each major ethnic group (in bold) followed by
    its minor groups, so that a major group's ratio is there where its small minor groups are
    suppressed or insufficient; any other group type of the table shows its groups alone.
    """
    published = res.table
    stage = stage or res.settings.forest_stage
    d = forest_data(published, stage=stage, measure=measure, group_type=group_type)
    if d.empty:
        return _note(f"No {measure.replace('_', ' ')}s by {group_type.replace('_', ' ')} at this stage in this input.")
    st = ref.stage(stage)
    ref_group = d["reference_group"].iloc[0] if len(d) else ""
    chart = charts.forest(
        d[["group_label", "count", "value", "lower_95", "upper_95", "flag"]].reset_index(drop=True),
        label="group_label",
        value="value",
        lower="lower_95",
        upper="upper_95",
        name=f"dispro_forest_{measure}_{stage}",
        bold=d["group_type"].eq("ethnicity_major").tolist(),
        title=f"{st.label}: ratio against {ref_group}",
        subtitle=(
            f"{published['period'].iloc[0]}; 95% confidence intervals; major groups in bold above their "
            "parts; [c] = suppressed to protect confidentiality, insufficient = too few children "
            "or too wide an interval to estimate"
        ),
        source=SOURCE,
        xlabel="ratio (log scale)",
        alt=(
            f"Forest plot of the {measure.replace('_', ' ')} of each ethnic group for {st.label.lower()} "
            f"against {ref_group}, with 95% intervals; a value right of the dashed line at 1 means more likely. "
            "Rows without an estimate show why: [c] suppressed, or insufficient."
        ),
    )
    return ctx.publish.figure(chart)


def intersections_data(published: pd.DataFrame, *, stage: str) -> pd.DataFrame:
    """Ethnicity by sex and by age band: the published rate ratios at one stage (unknown groups left out)."""
    d = _pub(published, measure="rate_ratio", group_type=list(INTERSECTION_TYPES), stage=stage)
    return d[
        ~d["group"].str.startswith("Not known")
        & ~d["group"].str.endswith(" x unknown")
        & ~d["group"].str.endswith(" x unborn")
    ]


def show_intersections(ctx: Any, res: Results, *, stage: str | None = None) -> tuple[pd.DataFrame, Any]:
    """Ethnicity by sex and by age band: rate ratios at one stage (``forest_stage`` by default), table and chart.

    Numbers: :func:`intersections_data`.
    """
    published = res.table
    stage = stage or res.settings.forest_stage
    d = intersections_data(published, stage=stage)
    view = d[
        [
            "group_type",
            "group",
            "count",
            "denominator",
            "value",
            "lower_95",
            "upper_95",
            "q_value",
            "flag",
            "reference_group",
        ]
    ]
    sx = d[d["group_type"].eq("ethnicity_major x sex")]
    if sx.empty:
        return view.reset_index(drop=True), _note(
            "The input gives no ethnicity by sex intersections (with their White British reference) at this stage."
        )
    chart = charts.forest(
        sx[["group", "value", "lower_95", "upper_95"]].reset_index(drop=True),
        label="group",
        value="value",
        lower="lower_95",
        upper="upper_95",
        name=f"dispro_intersections_sex_{stage}",
        title=f"{ref.stage(stage).label}: ethnic group by sex",
        subtitle=f"Rate ratio against White British children of the same sex; {published['period'].iloc[0]}; 95% intervals",
        source=SOURCE,
        xlabel="rate ratio (log scale)",
        alt=(
            "Forest plot of rate ratios for each ethnic group and sex, against White British children of "
            "the same sex, with 95% intervals; groups right of the line at 1 are more likely."
        ),
    )
    return view.reset_index(drop=True), ctx.publish.figure(chart)


_DEPRIVATION_STAGES = ("referral", "assessment", "s47", "icpc", "cpp_start", "cla_start")


def deprivation_data(published: pd.DataFrame, *, stage: str = "s47") -> pd.DataFrame:
    """Crude and deprivation-adjusted (Mantel-Haenszel) conversion ratios side by side (published values)."""
    d = published[
        published["measure"].isin(["conversion_ratio", "conversion_ratio_imd"])
        & published["stage"].eq(stage)
        & published["group_type"].eq("ethnicity_minor")
    ]
    if not (d["measure"] == "conversion_ratio_imd").any():
        return _note("No deprivation-stratified view: it needs child-level journey events with an IMD decile.")
    wide = d.pivot_table(
        index="group_label", columns="measure", values=["value", "lower_95", "upper_95"], aggfunc="first", sort=False
    )
    kind = {"conversion_ratio": "crude", "conversion_ratio_imd": "adjusted for deprivation"}
    part = {"value": "ratio", "lower_95": "95% CI lower", "upper_95": "95% CI upper"}
    order = [(v, m) for m in kind for v in part if (v, m) in wide.columns]
    wide = wide[order]
    wide.columns = [f"{part[v]}, {kind[m]}" for v, m in order]
    return wide.reset_index().rename(columns={"group_label": "group"})


def show_deprivation(res: Results, *, stage: str | None = None) -> Any:
    """Conversion ratios, crude and adjusted for deprivation, for display (numbers: :func:`deprivation_data`).

    ``stage`` defaults to the ``forest_stage`` setting when it is a stage with a feeder, else ``s47``.
    """
    if stage is None:
        stage = res.settings.forest_stage if res.settings.forest_stage in _DEPRIVATION_STAGES else "s47"
    return shown(
        deprivation_data(res.table, stage=stage),
        "Conversion ratios against the reference group, crude and adjusted for deprivation (IMD quintiles, Mantel-Haenszel)",
    )


def dsr_data(published: pd.DataFrame) -> pd.DataFrame:
    """Age-standardised rates by major ethnic group (published ``dsr_per_10000`` rows)."""
    d = _pub(published, measure="dsr_per_10000")
    return d


def show_dsr(ctx: Any, res: Any) -> tuple[pd.DataFrame, Any]:
    """Age-standardised rates by major ethnic group: table and dot plot (numbers: :func:`dsr_data`)."""
    published = res.table
    d = dsr_data(published)
    if d.empty:
        note = _note(
            "Age-standardised rates need children by ethnic group and age band, which this input does not give."
        )
        return note, note
    view = d[["stage_label", "group", "count", "denominator", "value", "lower_95", "upper_95", "method"]].reset_index(
        drop=True
    )
    s = d[d["stage"].isin(["s47", "cpp_start", "cla_start"]) & ~d["group"].eq("Not known")].reset_index(drop=True)
    # a rate not calculated says why, as a suppressed one shows its symbol
    shown = _say_why(s, s["method"].astype(str).str.startswith("not calculated"), "not calculated")
    total = s["group"].eq("All children")
    rows = pd.DataFrame(
        {
            "group": s["stage_label"].where(total, s["group"]).to_numpy(),
            "count": s["count"].to_numpy(),
            "value": shown.to_numpy(),
            "lower_95": s["lower_95"].to_numpy(),
            "upper_95": s["upper_95"].to_numpy(),
        }
    )
    chart = charts.forest(
        rows,
        label="group",
        value="value",
        lower="lower_95",
        upper="upper_95",
        name="dispro_dsr",
        title="Age-standardised rates by ethnic group",
        subtitle=(
            f"Children per 10,000, {published['period'].iloc[0]}, with 95% intervals (Dobson); "
            "standard: the partnership's child population; each stage's rate for all "
            "children in bold above its ethnic groups; not calculated: fewer than 10 children; "
            "[c]: suppressed"
        ),
        source=SOURCE,
        reference=None,
        log=False,
        xlabel="per 10,000 (age-standardised)",
        bold=total.tolist(),
        decimals=1,
        alt=(
            "Dot plot of age-standardised rates per 10,000 children with 95% intervals for all children "
            "and each major ethnic group at three stages; a rate not shown says why (suppressed [c], "
            "or not calculated from fewer than 10 children)."
        ),
    )
    return view, ctx.publish.figure(chart)


def trends_data(published_trends: pd.DataFrame) -> pd.DataFrame:
    """All children's quarterly rate at four stages (published trends table)."""
    a = published_trends[
        (published_trends["group_type"] == "all")
        & published_trends["stage"].isin(["referral", "s47", "cpp_start", "cla_start"])
    ]
    return pd.DataFrame({"quarter": a["period"], "stage": a["stage_label"], "rate": _num(a["value"])})


def show_trends(ctx: Any, res: Any) -> Any:
    """Line chart of the quarterly rates (numbers: :func:`trends_data`; a note from an aggregate input)."""
    if res.trends is None:
        return _note("Trends over the last eight quarters are " + AGGREGATE_ONLY + ".")
    chart = charts.line(
        trends_data(res.trends),
        x="quarter",
        y="rate",
        series="stage",
        name="dispro_trends",
        title="Children per 10,000 each quarter, by stage",
        subtitle="All children; children with the event in the quarter",
        source=SOURCE,
        alt=(
            "Line chart of the quarterly rate per 10,000 children of referrals, section 47 enquiries, "
            "plan starts and starts to be looked after over the last eight quarters."
        ),
        ylabel="children per 10,000 in the quarter",
    )
    return ctx.publish.figure(chart)


def trend_ratios_data(published_trends: pd.DataFrame, *, stage: str) -> pd.DataFrame:
    """Each major ethnic group's quarterly rate ratio at one stage (White, the reference and Not known left out)."""
    d = published_trends[
        (published_trends["measure"] == "rate_ratio")
        & (published_trends["group_type"] == "ethnicity_major")
        & (published_trends["stage"] == stage)
        & ~published_trends["group"].isin(["White", "Not known"])
    ]
    return d[~d["method"].astype(str).eq("reference group")]


def show_trend_ratios(ctx: Any, res: Any, *, stage: str | None = None) -> Any:
    """Line chart of each major ethnic group's quarterly rate ratio at one stage (``trend_stage`` by default).

    Numbers: :func:`trend_ratios_data`. Small multiples: one panel per major group (White, the
    reference's own major group, and Not known are left out), each with its 95% interval band and a
    dashed line at 1; a suppressed quarter leaves a gap. Quarterly counts are small: choose a
    stage with enough children (referrals).
    """
    if res.trends is None:
        return _note("Trends over the last eight quarters are " + AGGREGATE_ONLY + ".")
    stage = stage or res.settings.trend_stage
    d = trend_ratios_data(res.trends, stage=stage)
    if d.empty:
        return _note(f"No quarterly rate ratios by major ethnic group at the {ref.stage(stage).label.lower()} stage.")
    st = ref.stage(stage)
    ref_group = d["reference_group"].iloc[0]
    chart = charts.small_multiples(
        pd.DataFrame(
            {
                "quarter": d["period"].to_numpy(),
                "group": d["group_label"].to_numpy(),
                "ratio": d["value"].to_numpy(),
                "lower_95": d["lower_95"].to_numpy(),
                "upper_95": d["upper_95"].to_numpy(),
            }
        ),
        x="quarter",
        y="ratio",
        panel="group",
        lower="lower_95",
        upper="upper_95",
        reference=1.0,
        name=f"dispro_trend_ratios_{stage}",
        title=f"{st.label}: ratio against {ref_group} each quarter, by major ethnic group",
        subtitle=(
            "Rate ratio of children with the event in the quarter, with its 95% interval "
            "(band), one panel per group; 1 = same likelihood; a gap is a suppressed quarter [c]"
        ),
        source=SOURCE,
        ylabel="rate ratio",
        alt=(
            f"Small multiples, one panel per major ethnic group, of the quarterly rate ratio for "
            f"{st.label.lower()} against {ref_group} over the last eight quarters, with 95% interval "
            "bands and a dashed line at 1; the data table gives the values."
        ),
    )
    return ctx.publish.figure(chart)


def show_benchmark(res: Results) -> Any:
    """The partnership against England, its region and its statistical neighbours, one row a stage.

    Numbers: :func:`~.benchmark.benchmark_view` of the published table built by
    :func:`~.benchmark.benchmark_table`.
    """
    b = res.benchmark
    region = b.loc[b["area_type"].eq("Region"), "area_name"].dropna()
    where = f" ({region.iloc[0]})" if len(region) else ""
    years = " or ".join(sorted(set(benchmark_view(b)["DfE year"].astype(str)) - {""}))
    caption = (
        f"The partnership against England, its region{where} and its statistical neighbours, children per "
        f"10,000 aged 0 to 17 (comparators: DfE year {years}; rank among the neighbours, 1 = highest rate)"
    )
    table = shown(benchmark_view(b).drop(columns=["DfE year"]), caption, decimals=1)
    withheld = [ref.stage(s).label.lower() for s in uasc_withheld(b)]
    if not withheld:
        return table
    sym = str(b.loc[b["area_type"].eq("Partnership") & b["stage"].isin(uasc_withheld(b)), "count"].iloc[0])
    note = (
        f"**Why a looked-after row shows {sym}.** The partnership's {' and '.join(withheld)} with unaccompanied "
        "asylum-seeking children included (as DfE counts them) are withheld: beside the resident children's "
        "figure they would give the number of unaccompanied children, and with it hidden counts of the groups' "
        "unaccompanied children could be narrowed below the protected range (secondary suppression, "
        "`docs/disclosure.md`). The resident children's figure is shown on the row below instead; it has no "
        "comparator, since DfE's figures include unaccompanied children."
    )
    from ..display import markdown

    return charts.Figures([table, markdown(note)])


def show_funnels(ctx: Any, res: Results, *, stages: list[str] | None = None) -> Any:
    """Funnel plots of every local authority (latest DfE year) with the partnership and its statistical neighbours marked.

    Numbers: :func:`~.benchmark.funnel_data` (points and limits) for each of the ``funnel_stages``.
    Returns the published figures as one displayable list (:class:`~assurance_lib.charts.Figures`),
    so that every plot shows in JupyterLab and on the HTML page.
    """
    figs = charts.Figures()
    for s in stages or list(res.settings.funnel_stages):
        f = funnel_data(res.benchmark, s)
        chart = charts.funnel(
            f.points,
            f.limits,
            x="population",
            y="rate",
            name=f"dispro_funnel_{s}",
            title=f"{ref.stage(s).label}: every local authority against England",
            subtitle=f"Per 10,000 children, DfE {f.year} (year to 31 March); the partnership: 12 months to the period end",
            source=ref.BENCHMARK_SOURCE,
            highlight="This partnership",
            label_col="area",
            limit_cols=f.limit_cols,
            xlabel="children aged 0 to 17",
            ylabel="per 10,000 children",
            marked="neighbour",
            marked_label="Statistical neighbours",
            alt=(
                f"Funnel plot of the rate per 10,000 children for {ref.stage(s).label.lower()} in every local "
                f"authority against its child population, with 95% and 99.8% limits around England's rate "
                f"of {f.target:.1f}; the partnership is marked with a diamond and its statistical "
                "neighbours with open triangles."
            ),
        )
        figs.append(ctx.publish.figure(chart))
    return figs


def publish_flags(ctx: Any, res: Results) -> pd.DataFrame:
    """Write ``flags_disproportionality.csv`` (with the flags writer) and return it.

    The flags are :func:`~.findings.findings` of the published grid at the ``fdr`` setting.
    """
    f = findings(res.table, fdr=float(res.settings.fdr), threshold=int(ctx.config.disclosure.threshold))
    return ctx.publish.flags(f, unit="children", source="disproportionality.csv of this pack")


def show_findings_summary(flags: pd.DataFrame, *, top: int = 5) -> Any:
    """:func:`~.findings.findings_summary` for display (through :func:`assurance_lib.display.markdown`:
    any text from the inputs is shown as text)."""
    from ..display import markdown

    return markdown(findings_summary(flags, top=top))


def method_notes(ctx: Any, res: Results) -> Any:
    """The choices behind the numbers, for the "Method and caveats" section (for display)."""
    return shown(method_choices(ctx, res), "Method: the choices behind the numbers")


def method_choices(ctx: Any, res: Results) -> pd.DataFrame:
    """The choices behind the numbers (a frame of ``choice, value``)."""
    s, result = res.settings, res.computed
    fmap = s.feeder_map()
    if res.inputs.from_aggregate:
        supplied = "as counted by whoever produced the aggregate input"
        return pd.DataFrame(
            {
                "choice": [
                    "Input",
                    "Window (flows)",
                    "Stocks",
                    "Reference group",
                    "Feeder stages and look-back",
                    "Unaccompanied asylum-seeking children",
                    "Insufficient",
                    "Multiple testing",
                    "Rates",
                    "Ratios",
                    "Conversions",
                    "Not available",
                ],
                "value": [
                    "aggregate counts of children by stage and group (no child-level events)",
                    f"{result.window.label} (the window parameter: the aggregate's flows are taken to cover it)",
                    f"children on a plan or looked after on {ctx.config.period.end:%d %B %Y} ({supplied})",
                    {"WBRI": "White British children (WBRI)", "all_other": "all other children of known ethnicity"}[
                        str(s.reference_group)
                    ],
                    "conversions as given by feeder_count and converted (" + supplied + ")",
                    supplied,
                    f"count or reference count below {s.min_count}, or 95% interval upper/lower above {s.max_ci_ratio}",
                    "Benjamini-Hochberg within period x measure (single characteristics; intersections separately), every test attempted (insufficient ones with p = 1)",
                    "per 10,000 children; Byar (10 or more) or exact Poisson",
                    "score interval and test for two Poisson rates (statsmodels)",
                    "Wilson interval; ratio with the Miettinen-Nurminen score interval and score test (statsmodels)",
                    "trends, deprivation-stratified ratios; groups absent from the aggregate (never taken as zero)",
                ],
            }
        )
    return pd.DataFrame(
        {
            "choice": [
                "Window (flows)",
                "Stocks",
                "Reference group",
                "Feeder stages",
                "Look-back for feeders",
                "Unaccompanied asylum-seeking children",
                "Insufficient",
                "Multiple testing",
                "Rates",
                "Ratios",
                "Conversions",
                "Representation index",
                "Age standardisation",
            ],
            "value": [
                result.window.label,
                f"children on a plan or looked after on {ctx.config.period.end:%d %B %Y}",
                {"WBRI": "White British children (WBRI)", "all_other": "all other children of known ethnicity"}[
                    str(s.reference_group)
                ],
                "; ".join(f"{ref.stage(s).label} <- {ref.stage(f).label}" for s, f in fmap.items()),
                f"{int(s.lookback_months)} months",
                "left out of looked-after stages" if s.exclude_uasc_cla else "included",
                f"count or reference count below {s.min_count}, or 95% interval upper/lower above {s.max_ci_ratio}",
                "Benjamini-Hochberg within period x measure (single characteristics; intersections separately), every test attempted (insufficient ones with p = 1)",
                "per 10,000 children; Byar (10 or more) or exact Poisson",
                "score interval and test for two Poisson rates (statsmodels)",
                "Wilson interval; ratio with the Miettinen-Nurminen score interval and score test (statsmodels)",
                "observed / expected from population share; descriptive only",
                "direct, to the partnership's child population by age band; Dobson interval",
            ],
        }
    )


def shown(frame: pd.DataFrame, caption: str, *, decimals: int = 2) -> Any:
    """A table of this notebook for display: caption, plain headings, no index, cells in full.

    See :func:`assurance_lib.display.styled`; ``decimals`` applies to every column whose numbers
    are not all whole (1 suits rates per 10,000 and percentages, 2 ratios).
    """
    from ..display import styled

    return styled(frame, caption, decimals=decimals)
