"""Accessible charts following Government Analysis Function guidance.

Charts never compute: they draw frames the analysis modules already computed (and, for the
pack, already protected). Every chart carries a headline title, a statistical subtitle, a
source line, alt text and its data table; at most four colours of the Analysis Function
palette are used, and colour is never the only carrier of meaning (labels or markers too).

Make a chart with one of the drawing functions (:func:`bar`, :func:`line`, :func:`heatmap`,
:func:`forest`, :func:`funnel`) or wrap your own matplotlib figure with :func:`make`, then
publish it with ``Publisher.figure(chart)``, which writes PNG, SVG and the data table and
returns an object that displays the image with its alt text in the notebook and the HTML.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

__all__ = ["AF_PALETTE", "AF_SEQUENTIAL", "Chart", "make", "bar", "line", "heatmap", "forest", "funnel", "FigureDisplay"]

AF_PALETTE = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
"""Analysis Function categorical palette (dark blue, turquoise, dark pink, orange, dark grey, light purple)."""
AF_SEQUENTIAL = ("#12436D", "#2073BC", "#6BACE6", "#BFD7F1")
"""Analysis Function sequential blues, darkest first."""
_GREY = "#626A6E"


@dataclass(frozen=True)
class FigureDisplay:
    """What a published chart shows: the image with its alt text, caption and source."""

    name: str
    title: str
    subtitle: str
    source: str
    alt: str
    png_b64: str

    def _repr_html_(self) -> str:
        e = html.escape
        return (
            f'<figure class="assurance-figure" id="fig-{e(self.name)}">'
            f'<img src="data:image/png;base64,{self.png_b64}" alt="{e(self.alt, quote=True)}" '
            f'style="max-width:100%;height:auto" />'
            f"<figcaption><strong>{e(self.title)}</strong><br/>{e(self.subtitle)}<br/>"
            f"<small>Source: {e(self.source)}. Data table: figures/{e(self.name)}.csv</small></figcaption>"
            f"</figure>"
        )

    def __repr__(self) -> str:
        return f"Figure {self.name}: {self.title} ({self.alt})"


@dataclass
class Chart:
    """A finished chart with everything an accessible figure needs.

    Attributes
    ----------
    fig : matplotlib Figure
    name : str
        File stem (lower case, underscores).
    title, subtitle, source, alt : str
        All required. ``alt`` describes what the chart shows for someone who cannot see it
        (at least a sentence, not "chart").
    data : DataFrame
        The data table behind the chart, written beside it.
    """

    fig: Any
    name: str
    title: str
    subtitle: str
    source: str
    alt: str
    data: pd.DataFrame = field(default_factory=pd.DataFrame)

    def __post_init__(self) -> None:
        for f_ in ("name", "title", "subtitle", "source", "alt"):
            if not str(getattr(self, f_) or "").strip():
                raise ValueError(f"chart {self.name or '?'}: {f_} is required")
        if len(self.alt.strip()) < 20 or self.alt.strip().lower().startswith(("chart", "image", "figure", "no description")):
            raise ValueError(f"chart {self.name}: alt text must describe what the chart shows (got {self.alt!r})")

    def save(self, folder: Path, name: str | None = None) -> FigureDisplay:
        """Write ``<name>.png``, ``<name>.svg`` and ``<name>.csv`` into ``folder``."""
        name = name or self.name
        folder.mkdir(parents=True, exist_ok=True)
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
        png = buf.getvalue()
        (folder / f"{name}.png").write_bytes(png)
        self.fig.savefig(folder / f"{name}.svg", format="svg", bbox_inches="tight", metadata={"Date": None})
        self.data.to_csv(folder / f"{name}.csv", index=False)
        plt.close(self.fig)
        return FigureDisplay(name, self.title, self.subtitle, self.source, self.alt, base64.b64encode(png).decode())

    def display(self) -> FigureDisplay:
        """Render without writing files (for exploring in JupyterLab)."""
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
        plt.close(self.fig)
        return FigureDisplay(self.name, self.title, self.subtitle, self.source, self.alt, base64.b64encode(buf.getvalue()).decode())


def _style(ax: Any) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(colors="#0B0C0C", labelsize=9)
    ax.grid(axis="x", color="#D9D9D9", linewidth=0.6)
    ax.set_axisbelow(True)


def _titles(fig: Any, title: str, subtitle: str, source: str) -> None:
    fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    fig.text(0.01, 0.93, subtitle, ha="left", fontsize=9, color=_GREY)
    fig.text(0.01, 0.005, f"Source: {source}", ha="left", fontsize=8, color=_GREY)


def make(fig: Any, *, name: str, title: str, subtitle: str, source: str, alt: str, data: pd.DataFrame) -> Chart:
    """Wrap an existing matplotlib figure as an accessible :class:`Chart`."""
    return Chart(fig=fig, name=name, title=title, subtitle=subtitle, source=source, alt=alt, data=data)


def bar(data: pd.DataFrame, *, x: str, y: str, name: str, title: str, subtitle: str, source: str, alt: str,
        hue: str | None = None, xlabel: str = "", label_values: bool = True, value_format: str = "{:,.0f}") -> Chart:
    """Horizontal bar chart of ``x`` (value) by ``y`` (category), labelled with values."""
    d = data.copy()
    cats = list(dict.fromkeys(d[y].astype(str)))
    height = max(2.5, 0.35 * len(cats) * (1 if hue is None else 1.6) + 1.2)
    fig, ax = plt.subplots(figsize=(8, height))
    if hue is None:
        vals = pd.to_numeric(d[x], errors="coerce")
        ax.barh(d[y].astype(str), vals, color=AF_PALETTE[0])
        if label_values:
            for yi, v in enumerate(vals):
                if pd.notna(v):
                    ax.text(v, yi, " " + value_format.format(v), va="center", fontsize=8)
    else:
        hues = list(dict.fromkeys(d[hue].astype(str)))[:4]
        n = len(hues)
        w = 0.8 / n
        for i, h in enumerate(hues):
            sub = d[d[hue].astype(str) == h].set_index(d[y].astype(str).name)
            vals = [pd.to_numeric(sub.loc[c, x], errors="coerce") if c in sub.index else np.nan for c in cats]
            pos = np.arange(len(cats)) + i * w - 0.4 + w / 2
            ax.barh(pos, vals, height=w, color=AF_PALETTE[i], label=h, hatch=["", "//", "..", "xx"][i])
            if label_values:
                for p, v in zip(pos, vals):
                    if pd.notna(v):
                        ax.text(v, p, " " + value_format.format(v), va="center", fontsize=7)
        ax.set_yticks(np.arange(len(cats)), cats)
        ax.legend(frameon=False, fontsize=8, loc="lower right")
    ax.invert_yaxis()
    ax.set_xlabel(xlabel or x)
    _style(ax)
    _titles(fig, title, subtitle, source)
    fig.tight_layout(rect=(0, 0.03, 1, 0.9))
    return make(fig, name=name, title=title, subtitle=subtitle, source=source, alt=alt, data=d)


def line(data: pd.DataFrame, *, x: str, y: str, name: str, title: str, subtitle: str, source: str, alt: str,
         series: str | None = None, ylabel: str = "", lower: str | None = None, upper: str | None = None) -> Chart:
    """Line chart of ``y`` over ``x``, one line per ``series`` (at most four), labelled at the end."""
    d = data.copy()
    fig, ax = plt.subplots(figsize=(8, 4))
    groups = [(None, d)] if series is None else list(d.groupby(series, sort=False))[:4]
    markers = ["o", "s", "^", "D"]
    for i, (label, g) in enumerate(groups):
        xs = g[x].astype(str)
        ys = pd.to_numeric(g[y], errors="coerce")
        ax.plot(xs, ys, color=AF_PALETTE[i], marker=markers[i], label=label)
        if lower and upper:
            ax.fill_between(xs, pd.to_numeric(g[lower], errors="coerce"), pd.to_numeric(g[upper], errors="coerce"),
                            color=AF_PALETTE[i], alpha=0.12)
        if label is not None and len(g):
            ax.annotate(str(label), (len(xs) - 1, ys.iloc[-1]), xytext=(4, 0), textcoords="offset points", fontsize=8,
                        color=AF_PALETTE[i], va="center")
    ax.set_ylabel(ylabel or y)
    ax.grid(axis="y", color="#D9D9D9", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right", fontsize=8)
    _titles(fig, title, subtitle, source)
    fig.tight_layout(rect=(0, 0.03, 1, 0.9))
    return make(fig, name=name, title=title, subtitle=subtitle, source=source, alt=alt, data=d)


def heatmap(matrix: pd.DataFrame, *, name: str, title: str, subtitle: str, source: str, alt: str,
            labels: pd.DataFrame | None = None, center: float | None = None, cmap: str | None = None,
            fmt: str = "{:.2f}", data: pd.DataFrame | None = None, log: bool = False) -> Chart:
    """Heatmap of a rows x columns matrix, every cell labelled with its value (or ``labels``)."""
    import seaborn as sns
    from matplotlib.colors import LinearSegmentedColormap, LogNorm, TwoSlopeNorm

    m = matrix.apply(pd.to_numeric, errors="coerce")
    fig, ax = plt.subplots(figsize=(max(6, 0.9 * m.shape[1] + 3), max(3, 0.4 * m.shape[0] + 1.5)))
    if labels is None:
        labels = m.map(lambda v: "" if pd.isna(v) else fmt.format(v))
    if center is not None:
        cm = LinearSegmentedColormap.from_list("af_div", [AF_PALETTE[1], "#FFFFFF", AF_PALETTE[2]])
        finite = m.to_numpy()[np.isfinite(m.to_numpy())]
        vmin = float(np.nanmin(finite)) if finite.size else center - 1
        vmax = float(np.nanmax(finite)) if finite.size else center + 1
        vmin, vmax = min(vmin, center - 1e-9), max(vmax, center + 1e-9)
        if log and vmin > 0:
            lo, hi = np.log(vmin), np.log(vmax)
            span = max(abs(lo - np.log(center)), abs(hi - np.log(center)), 1e-9)
            norm = LogNorm(vmin=center * np.exp(-span), vmax=center * np.exp(span))
        else:
            norm = TwoSlopeNorm(vcenter=center, vmin=vmin, vmax=vmax)
        sns.heatmap(m, ax=ax, cmap=cm, norm=norm, annot=labels.to_numpy(), fmt="", linewidths=0.5, linecolor="white",
                    cbar_kws={"shrink": 0.6}, annot_kws={"fontsize": 8, "color": "#0B0C0C"})
    else:
        cm = LinearSegmentedColormap.from_list("af_seq", list(reversed(AF_SEQUENTIAL)))
        sns.heatmap(m, ax=ax, cmap=cmap or cm, annot=labels.to_numpy(), fmt="", linewidths=0.5, linecolor="white",
                    cbar_kws={"shrink": 0.6}, annot_kws={"fontsize": 8})
    ax.set_xlabel("")
    ax.set_ylabel("")
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right", fontsize=8)
    plt.setp(ax.get_yticklabels(), fontsize=8)
    _titles(fig, title, subtitle, source)
    fig.tight_layout(rect=(0, 0.03, 1, 0.9))
    table = data if data is not None else m.reset_index()
    return make(fig, name=name, title=title, subtitle=subtitle, source=source, alt=alt, data=table)


def forest(data: pd.DataFrame, *, label: str, value: str, lower: str, upper: str, name: str, title: str,
           subtitle: str, source: str, alt: str, reference: float = 1.0, log: bool = True, xlabel: str = "") -> Chart:
    """Forest plot: point estimates with intervals, a reference line, each labelled with its value."""
    d = data.copy()
    v = pd.to_numeric(d[value], errors="coerce")
    lo = pd.to_numeric(d[lower], errors="coerce")
    hi = pd.to_numeric(d[upper], errors="coerce")
    n = len(d)
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.35 * n + 1.3)))
    ys = np.arange(n)
    ok = v.notna() & lo.notna() & hi.notna()
    ax.errorbar(v[ok], ys[ok.to_numpy()], xerr=[(v - lo)[ok], (hi - v)[ok]], fmt="s", color=AF_PALETTE[0],
                ecolor=AF_PALETTE[0], capsize=2, markersize=4)
    ax.axvline(reference, color=_GREY, linestyle="--", linewidth=1)
    for y_, (val, l_, h_) in enumerate(zip(v, lo, hi)):
        text = "not shown" if pd.isna(val) else f"{val:.2f} ({l_:.2f} to {h_:.2f})"
        ax.annotate(text, (1.01, y_), xycoords=("axes fraction", "data"), fontsize=7, va="center")
    ax.set_yticks(ys, d[label].astype(str))
    ax.invert_yaxis()
    if log and (lo[ok] > 0).all() and ok.any():
        ax.set_xscale("log")
    ax.set_xlabel(xlabel or value)
    _style(ax)
    _titles(fig, title, subtitle, source)
    fig.tight_layout(rect=(0, 0.03, 0.8, 0.9))
    return make(fig, name=name, title=title, subtitle=subtitle, source=source, alt=alt, data=d)


def funnel(points: pd.DataFrame, limits: pd.DataFrame, *, x: str, y: str, name: str, title: str, subtitle: str,
           source: str, alt: str, highlight: str | None = None, label_col: str | None = None,
           limit_cols: Sequence[tuple[str, str, str]] = (), xlabel: str = "", ylabel: str = "") -> Chart:
    """Funnel plot: points (units) against control limits computed by the statistics module.

    ``limit_cols`` lists ``(lower_column, upper_column, label)`` of ``limits`` (indexed by ``x``).
    The highlighted unit is drawn larger, in a second colour and labelled.
    """
    fig, ax = plt.subplots(figsize=(8, 5))
    px = pd.to_numeric(points[x], errors="coerce")
    py = pd.to_numeric(points[y], errors="coerce")
    ax.scatter(px, py, s=12, color=AF_PALETTE[0], alpha=0.6, label="Local authorities")
    styles = ["--", ":", "-."]
    for i, (lo, hi, lab) in enumerate(limit_cols):
        ax.plot(limits[x], limits[lo], color=_GREY, linestyle=styles[i % 3], linewidth=1, label=lab)
        ax.plot(limits[x], limits[hi], color=_GREY, linestyle=styles[i % 3], linewidth=1)
    if highlight is not None and label_col is not None:
        h = points[points[label_col] == highlight]
        if len(h):
            ax.scatter(pd.to_numeric(h[x]), pd.to_numeric(h[y]), s=70, color=AF_PALETTE[3], marker="D",
                       edgecolor="black", label=str(highlight), zorder=5)
            ax.annotate(str(highlight), (float(pd.to_numeric(h[x]).iloc[0]), float(pd.to_numeric(h[y]).iloc[0])),
                        xytext=(6, 6), textcoords="offset points", fontsize=9)
    ax.set_xlabel(xlabel or x)
    ax.set_ylabel(ylabel or y)
    ax.legend(frameon=False, fontsize=8)
    _style(ax)
    _titles(fig, title, subtitle, source)
    fig.tight_layout(rect=(0, 0.03, 1, 0.9))
    return make(fig, name=name, title=title, subtitle=subtitle, source=source, alt=alt, data=points)
