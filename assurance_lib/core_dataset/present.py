"""What notebook 04 calls: read and compute once, then publish one part per call.

Tables: ``core_indicators`` (one row per indicator), ``core_series`` (every point of every
indicator's chart), ``core_benchmarks`` (DfE comparators over the years), ``core_agency_returns``
and ``core_gaps``; flags ``flags_core_dataset.csv``; one control chart per indicator
(``core_chart_<indicator>``); the one-page scorecard ``letters/core_scorecard.html`` and its
Markdown ``text/core_scorecard.md``. Everything is published through ``ctx.publish`` (counts of 1
to 5 suppressed, with everything derived from them), and every chart and the scorecard are drawn
from the published (protected) tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import charts, display, spc
from ..errors import InputError, Problem
from ..readers import display_path
from ..safe_text import pack_files
from ..tables import TableSpec
from .benchmarks import COMPARATORS
from .compute import Results, compute
from .inputs import load
from .scorecard import scorecard_html, scorecard_markdown
from .settings import NOTEBOOK, Settings

__all__ = [
    "analyse",
    "show_indicators",
    "show_assessment",
    "show_gaps",
    "show_control_charts",
    "show_benchmarks",
    "show_benchmark_chart",
    "benchmark_chart_data",
    "show_agency_returns",
    "show_scorecard",
    "publish_flags",
    "method_notes",
    "indicators_view",
    "assessment_view",
    "chart_data",
    "flags_data",
    "INDICATOR_COLUMNS",
    "SERIES_COLUMNS",
]

INDICATOR_COLUMNS = (
    "indicator",
    "title",
    "oba",
    "polarity",
    "unit",
    "value",
    "lower",
    "upper",
    "numerator",
    "denominator",
    "method",
    "england",
    "region",
    "neighbours_median",
    "neighbours_q1",
    "neighbours_q3",
    "rank_among_neighbours",
    "variation",
    "assurance",
    "direction",
    "themes",
    "source",
)
"""The published interface of ``core_indicators`` (the report reads these by name), then extra columns."""
EXTRA_INDICATOR_COLUMNS = (
    "window",
    "points",
    "target",
    "tolerance",
    "comparator_year",
    "neighbours_ranked",
    "reasons",
    "variation_key",
    "assurance_key",
)
SERIES_COLUMNS = (
    "indicator",
    "point_label",
    "point_end",
    "value",
    "numerator",
    "denominator",
    "mean",
    "lower_limit",
    "upper_limit",
    "special_cause",
)
"""The published interface of ``core_series``, then ``unit, rules, chart, median, segment``."""

_MDC_COLOURS = {"improvement": "#12436D", "concern": "#F46A25", "neither": "#801650"}


def analyse(ctx: Any) -> Results:
    """Settings from the notebook's parameters, the inputs, and every result of the core dataset."""
    try:
        settings = Settings.from_params(ctx.params)
    except (TypeError, ValueError) as exc:
        raise InputError(
            Problem(file=display_path(ctx.config.params_file), key=f"notebooks.{NOTEBOOK}", message=str(exc))
        ) from None
    return compute(load(settings), settings, ctx.config.period, partnership=ctx.config.partnership)


def _source(res: Results) -> str:
    return (
        f"Journey events extract and agency returns, {res.window[0]:%d %B %Y} to {res.window[1]:%d %B %Y}; "
        f"population: {res.population_source}; comparators: DfE children in need and children looked after "
        "statistics (Open Government Licence)"
    )


def _indicator_spec(res: Results) -> TableSpec:
    return TableSpec(
        name="core_indicators",
        title=f"The partnership's core indicators, {res.period.label}",
        unit="children",
        rule="children-counts",
        source=_source(res),
        notes=(
            "One row per indicator of the catalogue. value: over the 12 months to the period end (flows), at the "
            "period end (stocks) or the quarter (agency returns), with its 95% interval (lower, upper) and method. "
            "england, region, neighbours_*: DfE's figure for the latest reporting year (comparator_year), computed "
            "from DfE's own counts; rank_among_neighbours: 1 = best by the indicator's polarity (highest where it has "
            "none) among the statistical neighbours and the partnership (neighbours_ranked). variation and assurance: "
            "Making Data Count's icons in words. direction: concern, strength or context (reasons). Counts of 1 to 5 "
            "are suppressed with the values derived from them."
        ),
        keys=("indicator",),
        counts=("numerator", "denominator"),
        derived={
            "value": ("numerator",),
            "lower": ("numerator",),
            "upper": ("numerator",),
            "rank_among_neighbours": ("numerator",),
        },
        count_where={"denominator": ("unit", ("percentage",))},
    )


def _series_spec(res: Results) -> TableSpec:
    return TableSpec(
        name="core_series",
        title=f"The core indicators month by month (quarter by quarter for agency returns), to {res.period.label}",
        unit="children",
        rule="children-counts",
        source=_source(res),
        notes=(
            "Every point of every indicator's chart. mean, lower_limit, upper_limit: the XmR chart's process mean and "
            "limits (mean +/- 2.66 x mean moving range), recalculated only at the catalogue's change points "
            "(segment); special_cause: high or low where a Making Data Count rule is broken (rules). chart: xmr, or "
            "run (fewer points than the minimum: median only). Monthly rates are per 10,000 children in the month. "
            "Where any point of an indicator is suppressed its mean and limits are withheld too (they would reveal it)."
        ),
        keys=("indicator", "point_label"),
        counts=("numerator", "denominator"),
        derived={"value": ("numerator",)},
        count_where={"denominator": ("unit", ("percentage",))},
    )


def _small(values: pd.Series, threshold: int) -> pd.Series:
    v = pd.to_numeric(values, errors="coerce")
    return (v > 0) & (v <= threshold)


def indicators_view(shown: pd.DataFrame) -> pd.DataFrame:
    """The values and comparators of the published ``core_indicators`` the notebook shows."""
    cols = ["title", "value", "lower", "upper", "england", "region", "neighbours_median", "rank_among_neighbours"]
    return shown[cols]


def assessment_view(shown: pd.DataFrame) -> pd.DataFrame:
    """What the published ``core_indicators`` say of each indicator: OBA question, variation, assurance, direction."""
    return shown[["title", "oba", "variation", "assurance", "direction", "reasons"]]


def show_indicators(ctx: Any, res: Results) -> Any:
    """Publish ``core_indicators`` and ``core_series``; return the indicators for display.

    Numbers: :func:`~.compute.compute`.
    """
    ind = res.indicators.copy()
    for c in INDICATOR_COLUMNS + EXTRA_INDICATOR_COLUMNS:
        if c not in ind.columns:
            ind[c] = np.nan
    ind = ind[list(INDICATOR_COLUMNS + EXTRA_INDICATOR_COLUMNS)]
    for c in ("value", "lower", "upper", "england", "region", "neighbours_median", "neighbours_q1", "neighbours_q3"):
        ind[c] = pd.to_numeric(ind[c], errors="coerce").astype("float64").round(2)
    ser = res.series.copy()
    if not ser.empty:
        ser["unit"] = ser["indicator"].map(dict(zip(res.indicators["indicator"], res.indicators["unit"])))
        ser["point_end"] = pd.to_datetime(ser["point_end"]).dt.strftime("%Y-%m-%d")
        thr = int(ctx.config.disclosure.threshold)
        small = _small(ser["numerator"], thr) | (ser["unit"].eq("percentage") & _small(ser["denominator"], thr))
        withheld = ser.loc[small, "indicator"].unique()
        hide = ser["indicator"].isin(withheld)
        for c in ("mean", "lower_limit", "upper_limit", "median"):
            ser[c] = ser[c].astype("float64").where(~hide)
        for c in ("value", "mean", "lower_limit", "upper_limit", "median"):
            ser[c] = pd.to_numeric(ser[c], errors="coerce").astype("float64").round(3)
        ser = ser[list(SERIES_COLUMNS) + ["unit", "rules", "chart", "median", "segment"]]
    else:
        ser = pd.DataFrame(columns=list(SERIES_COLUMNS) + ["unit", "rules", "chart", "median", "segment"])
    shown, _ = ctx.publish.tables([(ind, _indicator_spec(res)), (ser, _series_spec(res))])
    return display.styled(
        indicators_view(shown),
        f"Core indicators, {res.period.label}: value with its 95% interval, DfE's England and region, the statistical "
        "neighbours' median and the partnership's rank among them (1 = best)",
        labels={"rank_among_neighbours": "Rank", "neighbours_median": "Neighbours' median"},
        decimals=1,
    )


def show_assessment(ctx: Any, res: Results) -> Any:
    """Return each indicator's variation, assurance and direction, in words, from the published ``core_indicators``.

    Numbers: :func:`~.compute.compute` (``spc.variation``, ``spc.assurance``, the direction rules).
    """
    shown = _published(ctx, "core_indicators")
    return display.styled(
        assessment_view(shown),
        f"What each indicator says, {res.period.label}: Making Data Count's variation and assurance in words, and "
        "whether it is a concern, a strength or context",
        labels={"oba": "OBA question"},
    )


def show_gaps(ctx: Any, res: Results) -> Any:
    """Publish ``core_gaps``: indicators the inputs cannot give this period, and why."""
    shown = ctx.publish.table(
        res.gaps,
        TableSpec(
            name="core_gaps",
            title=f"Core indicators not available, {res.period.label}",
            unit="children",
            rule="children-counts",
            source=_source(res),
            notes="An indicator whose inputs lack a column or a return is reported here, not estimated.",
            keys=("indicator",),
        ),
    )
    if shown.empty:
        return display.markdown("Every indicator of the catalogue is available this period.")
    return display.styled(shown, f"Core indicators not available, {res.period.label}")


def _published(ctx: Any, name: str) -> pd.DataFrame:
    return pd.read_csv(ctx.publish.tables_dir / f"{name}.csv", dtype="string", keep_default_na=False)


def chart_data(series: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """The points of one indicator's control chart, from the published ``core_series`` (numbers or missing)."""
    d = series[series["indicator"].eq(indicator)].copy()
    for c in ("value", "mean", "lower_limit", "upper_limit", "median"):
        d[c] = pd.to_numeric(d[c], errors="coerce")
    return d.reset_index(drop=True)


def _point_colours(d: pd.DataFrame, polarity: str) -> list[str]:
    out = []
    for s in d["special_cause"].fillna(""):
        if s not in ("high", "low"):
            out.append("#B1B4B6")
        elif polarity == "neither":
            out.append(_MDC_COLOURS["neither"])
        else:
            good = (s == "high") == (polarity == "higher is better")
            out.append(_MDC_COLOURS["improvement" if good else "concern"])
    return out


def _chart_source(row: pd.Series, d: pd.DataFrame, res: Results) -> str:
    if str(row["source"]).startswith("agency return"):
        return (
            f"Quarterly {row['source']} to the partnership, {d['point_label'].iloc[0]} to {d['point_label'].iloc[-1]}"
        )
    text = f"Journey events extract, {d['point_label'].iloc[0]} to {d['point_label'].iloc[-1]}"
    if row["unit"] == "per 10,000 children":
        text += f"; population: {res.population_source}"
    return text


def _control_chart(row: pd.Series, d: pd.DataFrame, res: Results) -> charts.Chart:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 3.6))
    x = np.arange(len(d))
    is_xmr = bool(d["chart"].eq("xmr").any())
    withheld = is_xmr and not d["mean"].notna().any()
    ax.plot(x, d["value"], color="#626A6E", linewidth=1.2, zorder=2)
    ax.scatter(x, d["value"], c=_point_colours(d, str(row["polarity"])), s=22, zorder=3)
    if is_xmr and not withheld:
        for seg, g in d.groupby("segment"):
            xs = g.index.to_numpy()
            ax.plot(xs, g["mean"], color="#12436D", linewidth=1, label="mean" if seg == d["segment"].min() else None)
            ax.plot(
                xs,
                g["upper_limit"],
                color="#3D3D3D",
                linestyle="--",
                linewidth=0.9,
                label="process limits" if seg == d["segment"].min() else None,
            )
            ax.plot(xs, g["lower_limit"], color="#3D3D3D", linestyle="--", linewidth=0.9)
    elif not withheld:
        ax.plot(x, d["median"], color="#12436D", linewidth=1, label="median")
    target = pd.to_numeric(pd.Series([row.get("target")]), errors="coerce").iloc[0]
    if pd.notna(target):
        ax.axhline(float(target), color="#801650", linestyle=":", linewidth=1.2, label=f"target {float(target):g}")
    ax.set_xticks(x)
    ax.set_xticklabels(d["point_label"], rotation=45, ha="right", fontsize=7)
    ax.set_ylabel(str(row["unit"]) if row["unit"] != "count" else "number", fontsize=8)
    ax.grid(axis="y", color="#D9D9D9", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    kind = "XmR chart" if is_xmr else "Run chart"
    rules = (
        "coloured points break a Making Data Count rule (blue improvement, orange concern, purple a change where "
        "neither direction is better)"
    )
    if withheld:
        how = f"mean and limits withheld because a point is suppressed (they would reveal it); {rules}"
    elif is_xmr:
        how = f"mean and process limits (mean ± 2.66 × mean moving range); {rules}"
    else:
        how = f"{len(d)} points, fewer than {res.settings.min_points}: median only, no process limits"
    title = f"{row['title']}: {row['variation']}" if is_xmr else str(row["title"])
    subtitle = f"{kind}, {d['point_label'].iloc[0]} to {d['point_label'].iloc[-1]}; {how}"
    special = int(d["special_cause"].fillna("").isin(["high", "low"]).sum())
    alt = (
        f"{kind} of {row['title']} over {len(d)} points from {d['point_label'].iloc[0]} to {d['point_label'].iloc[-1]}. "
        + (
            f"Latest point {d['value'].iloc[-1]:.1f}. "
            if pd.notna(d["value"].iloc[-1])
            else "Latest point suppressed. "
        )
        + (
            f"Mean and limits withheld (a point is suppressed); {special} point(s) break a rule. "
            f"Variation: {row['variation']}."
            if withheld
            else f"Mean {d['mean'].iloc[-1]:.1f}, limits {d['lower_limit'].iloc[-1]:.1f} to "
            f"{d['upper_limit'].iloc[-1]:.1f}; {special} point(s) break a rule. Variation: {row['variation']}."
            if is_xmr
            else "Too few points for process limits."
        )
    )
    source = _chart_source(row, d, res)
    charts._finish(fig, title=title, subtitle=subtitle, source=source, right=0.86)
    data = d[["point_label", "value", "mean", "lower_limit", "upper_limit", "special_cause"]]
    return charts.make(
        fig,
        name=f"core_chart_{row['indicator']}",
        title=title,
        subtitle=subtitle,
        source=_source(res),
        alt=alt,
        data=data,
    )


def show_control_charts(ctx: Any, res: Results) -> Any:
    """Publish one control chart per indicator with a series (XmR, or a run chart with fewer points).

    Numbers: :func:`chart_data` of the published ``core_series`` (from :func:`assurance_lib.spc.xmr`).
    """
    series = _published(ctx, "core_series")
    ind = res.indicators.set_index("indicator", drop=False)
    out = charts.Figures()
    for iid in dict.fromkeys(series["indicator"]):
        d = chart_data(series, iid)
        if d["value"].notna().sum() == 0:
            continue
        out.append(ctx.publish.figure(_control_chart(ind.loc[iid], d, res)))
    return out


def show_benchmarks(ctx: Any, res: Results) -> Any:
    """Publish ``core_benchmarks``: each DfE comparator by reporting year; return the latest years.

    Numbers: :func:`~.benchmarks.benchmark`.
    """
    b = res.benchmarks.copy()
    b["description"] = b["comparator"].map({k: c.description for k, c in COMPARATORS.items()})
    b["benchmark_la"] = res.benchmark_la_name
    for c in ("england", "region", "la_value", "neighbours_median", "neighbours_q1", "neighbours_q3"):
        b[c] = pd.to_numeric(b[c], errors="coerce").astype("float64").round(2)
    cols = [
        "comparator",
        "description",
        "reporting_year",
        "england",
        "region_name",
        "region",
        "benchmark_la",
        "la_value",
        "neighbours_median",
        "neighbours_q1",
        "neighbours_q3",
        "neighbours_n",
    ]
    shown = ctx.publish.table(
        b[cols],
        TableSpec(
            name="core_benchmarks",
            title="DfE comparators of the core indicators by reporting year",
            unit="children",
            rule="children-counts",
            source="Department for Education, children in need and children looked after in England (reporting years to "
            "31 March); ONS mid-year population estimates",
            notes=(
                f"Computed from DfE's own counts as DfE defines each figure; region: the region of {res.benchmark_la_name} "
                f"({res.benchmark_la}); neighbours: its {len(res.neighbours)} DfE statistical neighbours (April 2021), "
                "median and quartiles (linear interpolation). la_value is the published figure of that authority, not the "
                "partnership's (the partnership's is in core_indicators)."
            ),
            keys=("comparator", "reporting_year"),
        ),
    )
    latest = shown.sort_values("reporting_year").groupby("comparator", sort=False).tail(1)
    return display.styled(
        latest[
            [
                "description",
                "reporting_year",
                "england",
                "region",
                "neighbours_median",
                "neighbours_q1",
                "neighbours_q3",
            ]
        ],
        "DfE comparators, latest reporting year",
        decimals=1,
    )


def benchmark_chart_data(published: pd.DataFrame) -> pd.DataFrame:
    """The partnership against England and the neighbours, one row per indicator with a comparator (numbers only)."""
    cols = ["value", "england", "neighbours_median", "neighbours_q1", "neighbours_q3"]
    d = published[["indicator", "title", "unit", "comparator_year", *cols]].copy()
    for c in cols:
        d[c] = pd.to_numeric(d[c], errors="coerce")
    return d[d["england"].notna()].reset_index(drop=True)


def show_benchmark_chart(ctx: Any, res: Results) -> Any:
    """Publish a dot plot: for each indicator with a DfE comparator, the neighbours' interquartile range and median,
    England, and the partnership.

    Numbers: :func:`benchmark_chart_data` of the published ``core_indicators``.
    """
    import matplotlib.pyplot as plt

    d = benchmark_chart_data(_published(ctx, "core_indicators"))
    if d.empty:
        return display.markdown("No indicator has a DfE comparator this period.")
    fig, axes = plt.subplots(len(d), 1, figsize=(8, 0.75 * len(d) + 0.6), squeeze=False)
    for ax, (_, r) in zip(axes[:, 0], d.iterrows()):
        ax.hlines(0, r["neighbours_q1"], r["neighbours_q3"], color="#BFC7D1", linewidth=8, label="neighbours' IQR")
        ax.plot(
            [r["neighbours_median"]],
            [0],
            marker="|",
            color="#12436D",
            markersize=14,
            mew=2,
            linestyle="none",
            label="neighbours' median",
        )
        ax.plot([r["england"]], [0], marker="D", color="#3D3D3D", markersize=6, linestyle="none", label="England")
        if pd.notna(r["value"]):
            ax.plot(
                [r["value"]], [0], marker="o", color="#F46A25", markersize=8, linestyle="none", label="the partnership"
            )
        unit = "%" if r["unit"] == "percentage" else " per 10,000"
        ax.set_title(f"{r['title']} ({unit.strip()})", fontsize=8, loc="left")
        ax.set_yticks([])
        ax.spines[["top", "right", "left"]].set_visible(False)
        ax.tick_params(axis="x", labelsize=7)
        xs = [r[c] for c in ("value", "england", "neighbours_q1", "neighbours_q3") if pd.notna(r[c])]
        pad = (max(xs) - min(xs)) * 0.15 or 1.0
        ax.set_xlim(min(xs) - pad, max(xs) + pad)
    fig.subplots_adjust(hspace=1.4)
    year = d["comparator_year"].iloc[0]
    title = "The partnership beside England and its statistical neighbours"
    subtitle = (
        f"The partnership's latest value (orange dot) against DfE's {year} figures: England (black diamond), the "
        f"statistical neighbours' median (blue bar) and interquartile range (grey band); neighbours of "
        f"{res.benchmark_la_name}. A suppressed value is not drawn."
    )
    source = (
        f"Journey events extract, {res.window[0]:%d %B %Y} to {res.window[1]:%d %B %Y}; population: "
        f"{res.population_source}; comparators: DfE children in need and children looked after statistics, {year}"
    )
    alt = "Dot plot, one row per indicator: " + "; ".join(
        f"{r['title']}: partnership {r['value']:.1f}, England {r['england']:.1f}, neighbours' median "
        f"{r['neighbours_median']:.1f} (quartiles {r['neighbours_q1']:.1f} to {r['neighbours_q3']:.1f})"
        if pd.notna(r["value"])
        else f"{r['title']}: partnership suppressed, England {r['england']:.1f}"
        for _, r in d.iterrows()
    )
    charts._finish(fig, title=title, subtitle=subtitle, source=source)
    chart = charts.make(
        fig, name="core_benchmarks_dotplot", title=title, subtitle=subtitle, source=source, alt=alt, data=d
    )
    return ctx.publish.figure(chart)


def show_agency_returns(ctx: Any, res: Results) -> Any:
    """Publish ``core_agency_returns`` (figures) and the agencies' narratives (through the redaction guard)."""
    if res.returns is None:
        return display.markdown("No agency returns were given this period (agency_returns_path is empty): a gap.")
    r = res.returns
    figures = r[["agency", "quarter", "measure", "value"]].copy()
    figures["value"] = figures["value"].astype("float64")
    ctx.publish.table(
        figures,
        TableSpec(
            name="core_agency_returns",
            title="Agencies' quarterly returns to the core dataset",
            unit="children",
            rule="children-counts",
            source="Agencies' quarterly returns to the partnership",
            notes="As returned by each agency; counts of 1 to 5 suppressed.",
            keys=("agency", "quarter", "measure"),
            counts=("value",),
        ),
    )
    now = r[r["quarter"].eq(res.period.label) & r["narrative"].notna()]
    lines = [f"### What the agencies say, {res.period.label}", ""]
    for _, row in now.iterrows():
        title = res.measure_titles.get(str(row["measure"]), str(row["measure"]))
        lines.append(f"- **{row['agency']}, {title}.** {row['narrative']}")
    if len(lines) == 2:
        lines.append("No narrative was returned this period.")
    md = ctx.publish.text("core_agency_narratives", "\n".join(lines), free_text=True)
    return display.markdown(md, pack_files=pack_files(Path(ctx.run_dir) / "shareable"))


def show_scorecard(ctx: Any, res: Results) -> Any:
    """Write the one-page scorecard (``letters/core_scorecard.html``, and its Markdown) from the published tables.

    Numbers: the published ``core_indicators`` and ``core_series``.
    """
    ind = _published(ctx, "core_indicators")
    series = _published(ctx, "core_series")
    page = scorecard_html(
        ind,
        series,
        partnership=ctx.config.partnership,
        period=res.period.label,
        source=_source(res),
        la_name=res.benchmark_la_name,
        window=f"Flows over the 12 months {res.window[0]:%d %B %Y} to {res.window[1]:%d %B %Y}, stocks at "
        f"{res.window[1]:%d %B %Y}, agency returns for {res.period.label}",
    )
    ctx.publish.document("core_scorecard", page)
    md = ctx.publish.text("core_scorecard", scorecard_markdown(ind, period=res.period.label))
    return display.markdown(
        "The one-page scorecard for the board is [letters/core_scorecard.html](letters/core_scorecard.html) "
        "(print it on one A4 page).\n\n" + md,
        pack_files=pack_files(Path(ctx.run_dir) / "shareable"),
    )


def _num(v: Any) -> float:
    x = pd.to_numeric(pd.Series([v]), errors="coerce").iloc[0]
    return float(x) if pd.notna(x) else np.nan


_STATUTORY = {"Police", "Health", "Children's social care", "Local authority", "Early help", "Education"}


def flags_data(published: pd.DataFrame, res: Results) -> pd.DataFrame:
    """One flag per indicator that is a concern or a strength, from the published ``core_indicators``."""
    reasons = dict(zip(res.indicators["indicator"], res.indicators["reasons"]))
    rows = []
    for _, r in published.iterrows():
        if r["direction"] not in ("concern", "strength"):
            continue
        why = str(reasons.get(r["indicator"], "") or "")
        n = len([w for w in why.split(";") if w.strip()])
        special = "special-cause" in why
        evidence = "strong" if n >= 2 else ("moderate" if special or "tolerance" in why else "indicative")
        unit = str(r["unit"])
        v = _num(r["value"])
        comp = _num(r["neighbours_median"])
        if not np.isfinite(comp):
            comp = _num(r["tolerance"])
        effect = v - comp if np.isfinite(v) and np.isfinite(comp) else np.nan
        shown_v = r["value"] if not np.isfinite(v) else f"{v:.1f}{'%' if unit == 'percentage' else ''}"
        src = str(r["source"])
        agency = src[src.find("(") + 1 : -1] if src.startswith("agency return") else "Children's social care"
        statement = (
            f"{r['title']}: {shown_v}"
            + (f" {unit}" if unit not in ("percentage", "count") else "")
            + f" ({r['window']}); {why}."
            if r["direction"] == "concern"
            else f"{r['title']}: {shown_v} ({r['window']}); {why}."
        )
        rows.append(
            {
                "category": "core indicator",
                "subject": r["title"],
                "measure": r["indicator"],
                "value": r["value"],
                "lower": r["lower"],
                "upper": r["upper"],
                "severity": {"strong": "high", "moderate": "medium", "indicative": "low"}[evidence],
                "statement": statement,
                "evidence_table": "core_indicators",
                "evidence_key": f"indicator={r['indicator']}",
                "evidence": evidence,
                "direction": r["direction"],
                "effect": round(effect, 2) if np.isfinite(effect) else np.nan,
                "effect_unit": ("percentage points" if unit == "percentage" else unit)
                + (
                    " from the neighbours' median"
                    if np.isfinite(_num(r["neighbours_median"]))
                    else " from the tolerance"
                ),
                "affected": r["numerator"],
                "agency": agency,
                "statutory_partner": "yes" if agency in _STATUTORY else "no",
                "themes": r["themes"],
                "first_period": "",
            }
        )
    return pd.DataFrame(rows)


def publish_flags(ctx: Any, res: Results) -> Any:
    """Publish ``flags_core_dataset.csv``: concerns (special cause the wrong way, outside tolerance, worse than the
    neighbours' interquartile range) and strengths (special-cause improvement); return them for display.

    Numbers: :func:`flags_data` of the published ``core_indicators``.
    """
    flags = flags_data(_published(ctx, "core_indicators"), res)
    out = ctx.publish.flags(flags, unit="children", source=_source(res))
    if out.empty:
        return display.markdown("No indicator is a concern or a strength this period.")
    return display.styled(
        out[["direction", "subject", "value", "evidence", "statement"]], f"Core dataset flags, {res.period.label}"
    )


def method_notes(ctx: Any, res: Results) -> Any:
    """The "Method and caveats" section, generated from the settings and catalogue actually used."""
    s = res.settings
    var = "\n".join(f"  - *{k}*: {v}" for k, v in spc.VARIATION_MEANINGS.items())
    ass = "\n".join(f"  - *{k}*: {v}" for k, v in spc.ASSURANCE_MEANINGS.items())
    lines = [
        f"- **Window.** Flows over the 12 months {res.window[0]:%d %B %Y} to {res.window[1]:%d %B %Y}; stocks at "
        f"{res.window[1]:%d %B %Y}; agency returns for {res.period.label}. Control charts are monthly from the events "
        f"(from {res.extract_first:%B %Y}) and quarterly from the returns."
        if res.extract_first
        else "- **Window.** The events extract is empty.",
        f"- **Population.** {res.population:,.0f} children aged 0 to 17 ({res.population_source}).",
        "- **Intervals.** Percentages: 95% Wilson score interval (statsmodels); rates per 10,000 and counts: Byar's "
        "method from 10 events, exact Poisson below (as PHE/OHID).",
        "- **Working days.** Monday to Friday except the bank holidays of England and Wales (gov.uk list, vendored in "
        f"data/reference, to {res.holidays_last_year}); counted from the day after the start to the end day inclusive.",
        f"- **Comparators.** DfE's latest reporting year, computed from DfE's own counts; region and {len(res.neighbours)} "
        f"statistical neighbours of {res.benchmark_la_name} ({res.benchmark_la}); rank 1 is the best by the indicator's "
        "polarity (the highest where neither direction is better). docs/core_dataset.md says where the extract cannot "
        "match the DfE census definitions exactly (no further action, second plans, the ICPC clock).",
        f"- **Control charts.** XmR: mean ± 2.66 × mean moving range; at least {s.min_points} points, else a run chart. "
        "Rules: a point outside the limits; 7 or more points on one side of the mean; 7 rising or falling; two of three "
        "beyond two sigma on one side. Limits are recalculated only at the catalogue's change points. Variation:\n"
        + var
        + "\n- **Assurance** (where the catalogue sets a target):\n"
        + ass,
        "- **Flags.** A concern: special-cause variation the wrong way, outside the catalogue's tolerance, or worse "
        "than the neighbours' interquartile range; a strength: special-cause improvement. Context (no better direction) "
        "is shown in the table, not flagged.",
        "- **Disclosure.** Counts of 1 to 5 are suppressed with everything derived from them; a chart's mean and "
        "limits are withheld when any of its points is.",
    ]
    lines += [f"- **Note.** {n}" for n in res.notes]
    return display.markdown("\n".join(lines))
