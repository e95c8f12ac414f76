"""The one-page scorecard: every indicator's sparkline, latest value, comparators, variation and
assurance in words, on one A4 page, from the published (protected) tables.

Every value is escaped (:func:`assurance_lib.safe_text.escape_text`); the sparklines are inline
SVG drawn from the published series (a suppressed point leaves a gap); the page loads nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..safe_text import escape_text as _e

__all__ = ["scorecard_html", "scorecard_markdown", "sparkline_svg", "fmt_value"]

_OBA_ORDER = ("how much", "how well", "better off")
_OBA_HEAD = {
    "how much": "How much did we do?",
    "how well": "How well did we do it?",
    "better off": "Is anyone better off?",
}

_CSS = """
@page { size: A4 portrait; margin: 10mm; }
body { font-family: Arial, Helvetica, sans-serif; color: #0b0c0c; margin: 0; font-size: 7.5pt; }
main { max-width: 190mm; margin: 0 auto; }
h1 { font-size: 13pt; margin: 0 0 1mm 0; }
p.meta { margin: 0 0 2mm 0; color: #3d3d3d; font-size: 7.5pt; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
caption { text-align: left; font-weight: bold; font-size: 8.5pt; padding: 1.5mm 0 0.5mm 0; }
th, td { border-bottom: 1px solid #b1b4b6; padding: 0.5mm 1mm; vertical-align: top; text-align: left; line-height: 1.15; }
small { font-size: 6.5pt; color: #3d3d3d; }
th { font-size: 7pt; background: #f3f2f1; }
td.num { text-align: right; white-space: nowrap; }
td.concern { border-left: 3px solid #F46A25; }
td.strength { border-left: 3px solid #12436D; }
td.context { border-left: 3px solid #801650; }
tr.section th { background: #dee0e2; font-size: 8pt; }
p.foot { font-size: 6.5pt; color: #3d3d3d; margin: 1.5mm 0 0 0; }
svg { display: block; }
"""


_SHORT_VARIATION = {
    "common cause": "common cause",
    "improvement": "special cause: improvement",
    "concern": "special cause: concern",
    "higher": "special cause: higher",
    "lower": "special cause: lower",
    "run chart": "run chart only",
    "gap": "not available",
}
_SHORT_ASSURANCE = {"no target": "no target", "gap": "not available"}


def fmt_value(v: object, unit: str) -> str:
    """A published value as the scorecard shows it: symbols as they are, numbers to one decimal place."""
    x = pd.to_numeric(pd.Series([v]), errors="coerce").iloc[0]
    if pd.isna(x):
        s = "" if v is None else str(v)
        return s if s and s.lower() != "nan" else "–"
    if unit == "count":
        return f"{x:,.0f}"
    return f"{x:,.1f}{'%' if unit == 'percentage' else ''}"


def sparkline_svg(values: list[float], *, width: int = 90, height: int = 18, label: str = "") -> str:
    """An inline SVG line of ``values`` (NaN leaves a gap), the latest point marked."""
    v = np.asarray(values, dtype=float)
    if not np.isfinite(v).any():
        return f'<svg width="{width}" height="{height}" role="img" aria-label="{_e(label)}: no points"></svg>'
    lo, hi = np.nanmin(v), np.nanmax(v)
    span = hi - lo if hi > lo else 1.0
    n = len(v)
    xs = [2 + (width - 4) * (i / max(n - 1, 1)) for i in range(n)]
    ys = [height - 2 - (height - 4) * ((y - lo) / span) if np.isfinite(y) else np.nan for y in v]
    parts, cur = [], []
    for x, y in zip(xs, ys):
        if np.isfinite(y):
            cur.append(f"{x:.1f},{y:.1f}")
        elif cur:
            parts.append(cur)
            cur = []
    if cur:
        parts.append(cur)
    lines = "".join(
        f'<polyline fill="none" stroke="#12436D" stroke-width="1.2" points="{" ".join(p)}"/>' for p in parts
    )
    last = max(i for i in range(n) if np.isfinite(ys[i]))
    dot = f'<circle cx="{xs[last]:.1f}" cy="{ys[last]:.1f}" r="1.8" fill="#F46A25"/>'
    return (
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{_e(label)}">{lines}{dot}</svg>'
    )


def _comparators(r: pd.Series) -> str:
    unit = str(r["unit"])
    eng = fmt_value(r["england"], unit)
    if eng == "–":
        return "no DfE comparator"
    nb = fmt_value(r["neighbours_median"], unit)
    q1, q3 = fmt_value(r["neighbours_q1"], unit), fmt_value(r["neighbours_q3"], unit)
    rank = str(r.get("rank_among_neighbours") or "")
    of = str(r.get("neighbours_ranked") or "")
    text = f"England {eng}; neighbours {nb} ({q1} to {q3})"
    if rank:
        text += f"; rank {rank} of {of}"
    year = str(r.get("comparator_year") or "")
    return text + (f" [{year}]" if year else "")


def scorecard_html(
    indicators: pd.DataFrame,
    series: pd.DataFrame,
    *,
    partnership: str,
    period: str,
    source: str,
    la_name: str,
    window: str = "",
) -> str:
    """The scorecard page (complete HTML), grouped by the three OBA questions."""
    rows = []
    for oba in _OBA_ORDER:
        part = indicators[indicators["oba"].eq(oba)]
        if part.empty:
            continue
        rows.append(f'<tr class="section"><th colspan="6" scope="colgroup">{_e(_OBA_HEAD[oba])}</th></tr>')
        for _, r in part.iterrows():
            unit = str(r["unit"])
            pts = series[series["indicator"].eq(r["indicator"])]
            spark = sparkline_svg(
                pd.to_numeric(pts["value"], errors="coerce").astype("float64").tolist(),
                label=f"trend of {r['title']} over {len(pts)} points",
            )
            direction = str(r.get("direction") or "")
            mark = f' class="{_e(direction)}"' if direction in ("concern", "strength", "context") else ""
            interval = ""
            if fmt_value(r["lower"], unit) != "–":
                interval = (
                    f"<br><small>({_e(fmt_value(r['lower'], unit))} to {_e(fmt_value(r['upper'], unit))})</small>"
                )
            per = " <small>per 10,000</small>" if unit == "per 10,000 children" else ""
            variation = _SHORT_VARIATION.get(str(r.get("variation_key") or ""), str(r["variation"]))
            assurance = _SHORT_ASSURANCE.get(str(r.get("assurance_key") or ""), str(r["assurance"]))
            rows.append(
                "<tr>"
                f"<td{mark}>{_e(r['title'])}</td>"
                f'<td class="num">{_e(fmt_value(r["value"], unit))}{per}{interval}</td>'
                f"<td>{spark}</td>"
                f"<td>{_e(_comparators(r))}</td>"
                f"<td>{_e(variation)}</td>"
                f"<td>{_e(assurance)}" + (f"<br><strong>{_e(direction)}</strong>" if direction else "") + "</td></tr>"
            )
    title = f"Core dataset scorecard, {period}"
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{_e(title)}</title>'
        f"<style>{_CSS}</style></head><body><main>"
        f"<h1>{_e(title)}</h1>"
        f'<p class="meta">{_e(partnership)}. {_e(window)}. Latest value with its 95% interval; the line shows the '
        "monthly (agency returns: quarterly) series, latest point in orange; comparators are DfE's latest year and "
        f"the statistical neighbours of {_e(la_name)} (median, interquartile range, rank: 1 = best). A coloured left "
        "edge marks a concern (orange), a strength (blue) or context (purple).</p>"
        "<table><caption>Core indicators by the three questions of outcomes-based accountability</caption>"
        '<colgroup><col style="width:29%"><col style="width:12%"><col style="width:15%"><col style="width:21%">'
        '<col style="width:11%"><col style="width:12%"></colgroup>'
        '<thead><tr><th scope="col">Indicator</th><th scope="col">Latest</th><th scope="col">Trend</th>'
        '<th scope="col">Comparators</th><th scope="col">Variation</th><th scope="col">Assurance</th></tr></thead>'
        "<tbody>" + "".join(rows) + "</tbody></table>"
        '<p class="foot"><strong>Variation</strong> (Making Data Count, latest point): common cause = no significant '
        "change; special cause = a change unlikely to be chance (improvement or concern where one direction is "
        "better); run chart only = fewer than 12 points, no limits. <strong>Assurance</strong> against a target: "
        "consistently passes or fails = the whole range of the process limits is on one side; hit and miss = the "
        f"target lies within them. Source: {_e(source)}. Counts of 1 to 5 are suppressed ([c]) with the values "
        "derived from them.</p></main></body></html>\n"
    )


def scorecard_markdown(indicators: pd.DataFrame, *, period: str) -> str:
    """The scorecard as Markdown (one line per indicator, grouped by the OBA questions)."""
    out = [f"## Core dataset scorecard, {period}", ""]
    for oba in _OBA_ORDER:
        part = indicators[indicators["oba"].eq(oba)]
        if part.empty:
            continue
        out += [f"**{_OBA_HEAD[oba]}**", ""]
        for _, r in part.iterrows():
            unit = str(r["unit"])
            d = str(r.get("direction") or "")
            out.append(
                f"- {r['title']}: **{fmt_value(r['value'], unit)}**"
                + (f" {unit}" if unit not in ("percentage", "count") else "")
                + f"; {_comparators(r)}; {r['variation']}; {r['assurance']}"
                + (f" (**{d}**)" if d else "")
            )
        out.append("")
    return "\n".join(out)
