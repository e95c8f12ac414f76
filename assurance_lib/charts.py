"""Accessible charts following Government Analysis Function guidance.

Charts never compute: they draw frames the analysis modules already computed (and, for the
pack, already protected). Every chart carries a headline title, a statistical subtitle, a
source line, alt text and its data table; at most four colours of the Analysis Function
palette are used, and colour is never the only carrier of meaning (labels or markers too).

Make a chart with one of the drawing functions (:func:`bar`, :func:`line`, :func:`heatmap`,
:func:`forest`, :func:`funnel`) or wrap your own matplotlib figure with :func:`make`, then
publish it with ``Publisher.figure(chart)``, which writes PNG, SVG and the data table and
returns an object that displays the image with its alt text in the notebook and the HTML.

Layout: the title, subtitle and source line are placed in points from the figure's top and
bottom edges and wrapped to its width, and the figure grows by the height they take, so that
they never overlap one another or the plot, whatever the figure's size. Legends of grouped bars
stand above the plot area. A heatmap cell without a value (suppressed, not estimated) shows its
symbol on a hatched neutral background and takes no colour (see :data:`SYMBOL_MEANINGS`).
"""

from __future__ import annotations

import base64
import functools
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .config import DisclosureConfig
from .safe_text import escape_text, neutralise_frame

__all__ = [
    "AF_PALETTE",
    "AF_SEQUENTIAL",
    "SYMBOL_MEANINGS",
    "symbol_meanings",
    "Chart",
    "make",
    "bar",
    "line",
    "heatmap",
    "forest",
    "funnel",
    "small_multiples",
    "Figures",
    "FigureDisplay",
]

AF_PALETTE = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
"""Analysis Function categorical palette (dark blue, turquoise, dark pink, orange, dark grey, light purple)."""
AF_SEQUENTIAL = ("#12436D", "#2073BC", "#6BACE6", "#BFD7F1")
"""Analysis Function sequential blues, darkest first."""
_GREY = "#626A6E"
_INK = "#0B0C0C"
_NEUTRAL = "#F3F2F1"  # background of a heatmap cell without a value (GOV.UK light grey)
_HATCH = "#B1B4B6"  # its hatching (GOV.UK mid grey)

_INSUFFICIENT = "insufficient"
INSUFFICIENT_MEANING = "too few children or too wide an interval to estimate"
"""What ``insufficient`` means where the disproportionality grid writes it instead of an estimate."""


def _plain_text(draw: Any) -> Any:
    """Draw with every text taken as plain text: matplotlib reads text between two ``$`` signs as
    mathematics, and an agency name such as ``$\\frac{`` would stop the run with a parse error."""

    @functools.wraps(draw)
    def plain(*args: Any, **kwargs: Any) -> Any:
        with plt.rc_context({"text.parse_math": False}):
            return draw(*args, **kwargs)

    return plain


def symbol_meanings(config: DisclosureConfig | None = None) -> dict[str, str]:
    """The symbols that stand in a table or chart instead of a value, each with its plain-English meaning.

    The GSS shorthand of ``config`` (by default ``[c]``, ``[low]``, ``[x]``, ``[z]``; see
    ``docs/disclosure.md``) and ``insufficient``, which the disproportionality grid writes where too
    few children or too wide an interval leave no estimate (``docs/disproportionality.md``).

    Examples
    --------
    >>> symbol_meanings()["[c]"]
    'suppressed to protect confidentiality'
    >>> list(symbol_meanings(DisclosureConfig(suppressed="c")))[0]
    'c'
    """
    return {**(config or DisclosureConfig()).symbol_meanings(), _INSUFFICIENT: INSUFFICIENT_MEANING}


SYMBOL_MEANINGS: Mapping[str, str] = MappingProxyType(symbol_meanings())
"""Symbol -> meaning for the default shorthand (read only): used in heatmap keys and alt text."""


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
        # title, subtitle, source and alt text may hold text from the inputs (agency names): escaped
        e = escape_text
        return (
            f'<figure class="assurance-figure" id="fig-{e(self.name)}">'
            f'<img src="data:image/png;base64,{self.png_b64}" alt="{e(self.alt)}" '
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
        if len(self.alt.strip()) < 20 or self.alt.strip().lower().startswith(
            ("chart", "image", "figure", "no description")
        ):
            raise ValueError(f"chart {self.name}: alt text must describe what the chart shows (got {self.alt!r})")

    @_plain_text
    def save(self, folder: Path, name: str | None = None) -> FigureDisplay:
        """Write ``<name>.png``, ``<name>.svg`` and ``<name>.csv`` into ``folder``."""
        name = name or self.name
        folder.mkdir(parents=True, exist_ok=True)
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
        png = buf.getvalue()
        (folder / f"{name}.png").write_bytes(png)
        # no date, and element ids from a fixed salt: the same chart gives the same SVG bytes in every run
        with plt.rc_context({"svg.hashsalt": "assurance-workbench"}):
            self.fig.savefig(folder / f"{name}.svg", format="svg", bbox_inches="tight", metadata={"Date": None})
        neutralise_frame(self.data).to_csv(folder / f"{name}.csv", index=False)
        plt.close(self.fig)
        return FigureDisplay(name, self.title, self.subtitle, self.source, self.alt, base64.b64encode(png).decode())

    @_plain_text
    def display(self) -> FigureDisplay:
        """Render without writing files (for exploring in JupyterLab)."""
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
        plt.close(self.fig)
        return FigureDisplay(
            self.name, self.title, self.subtitle, self.source, self.alt, base64.b64encode(buf.getvalue()).decode()
        )


def _style(ax: Any) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(colors="#0B0C0C", labelsize=9)
    ax.grid(axis="x", color="#D9D9D9", linewidth=0.6)
    ax.set_axisbelow(True)


# Text around the plot, in points: title, subtitle and source at these sizes, _EDGE from the
# figure's edges, _GAP between stacked blocks of text and between the text and the plot.
_TITLE_SIZE, _SUBTITLE_SIZE, _SOURCE_SIZE = 12, 9, 8
_EDGE = 8.0
_GAP = 4.0


@functools.cache
def _measurer() -> Any:
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(10, 10, 72)  # at 72 dots per inch a pixel is a point


def _text_width(text: str, size: float, weight: str) -> float:
    """Width in points of one line of ``text`` in the default font."""
    from matplotlib.font_manager import FontProperties

    w, _, _ = _measurer().get_text_width_height_descent(text, FontProperties(size=size, weight=weight), ismath=False)
    return float(w)


def _wrap(text: str, width: float, size: float, weight: str = "normal") -> str:
    """``text`` with line breaks so that no line is wider than ``width`` points (a longer word stands alone)."""
    lines = []
    for paragraph in str(text).split("\n"):
        line = ""
        for word in paragraph.split():
            longer = f"{line} {word}" if line else word
            if line and _text_width(longer, size, weight) > width:
                lines.append(line)
                line = word
            else:
                line = longer
        lines.append(line)
    return "\n".join(lines)


def _finish(fig: Any, *, title: str, subtitle: str, source: str, note: str = "", right: float = 1.0) -> None:
    """Put the title and subtitle above the plot and the source (with ``note`` above it) below it.

    The text is wrapped to the figure's width and placed in points from its top and bottom edges
    (the subtitle hangs from the title's lower edge, the note stands on the source line's upper
    edge); the figure then grows by the height the text takes, and the axes are laid out in the
    space left between, up to ``right`` (a fraction of the width).
    """
    from matplotlib.text import Annotation
    from matplotlib.transforms import ScaledTranslation

    width = fig.get_figwidth() * 72 - 2 * _EDGE
    at_top = fig.transFigure + ScaledTranslation(_EDGE / 72, -_EDGE / 72, fig.dpi_scale_trans)
    at_bottom = fig.transFigure + ScaledTranslation(_EDGE / 72, _EDGE / 72, fig.dpi_scale_trans)
    head = fig.text(
        0,
        1,
        _wrap(title, width, _TITLE_SIZE, "bold"),
        transform=at_top,
        ha="left",
        va="top",
        fontsize=_TITLE_SIZE,
        fontweight="bold",
        color=_INK,
        gid="title",
    )
    sub = fig.add_artist(
        Annotation(
            _wrap(subtitle, width, _SUBTITLE_SIZE),
            xy=(0, 0),
            xycoords=head,
            xytext=(0, -_GAP),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=_SUBTITLE_SIZE,
            color=_GREY,
            gid="subtitle",
        )
    )
    foot = [
        fig.text(
            0,
            0,
            _wrap(f"Source: {source}", width, _SOURCE_SIZE),
            transform=at_bottom,
            ha="left",
            va="bottom",
            fontsize=_SOURCE_SIZE,
            color=_GREY,
            gid="source",
        )
    ]
    if note:
        foot.append(
            fig.add_artist(
                Annotation(
                    _wrap(note, width, _SOURCE_SIZE),
                    xy=(0, 1),
                    xycoords=foot[0],
                    xytext=(0, _GAP),
                    textcoords="offset points",
                    ha="left",
                    va="bottom",
                    fontsize=_SOURCE_SIZE,
                    color=_INK,
                    gid="note",
                )
            )
        )

    def points(texts: list[Any]) -> float:
        return _EDGE + sum(t.get_window_extent().height * 72 / fig.dpi + _GAP for t in texts)

    top, bottom = points([head, sub]), points(foot)
    height = fig.get_figheight() + (top + bottom) / 72
    fig.set_size_inches(fig.get_figwidth(), height)
    fig.tight_layout(rect=(0, bottom / 72 / height, right, 1 - top / 72 / height))


def make(fig: Any, *, name: str, title: str, subtitle: str, source: str, alt: str, data: pd.DataFrame) -> Chart:
    """Wrap an existing matplotlib figure as an accessible :class:`Chart` (its text drawn as plain text)."""
    from matplotlib.text import Text

    for t in fig.findobj(Text):
        t.set_parse_math(False)
    return Chart(fig=fig, name=name, title=title, subtitle=subtitle, source=source, alt=alt, data=data)


def _legend_above(ax: Any, labels: Sequence[str], size: float = 8) -> None:
    """The legend in a row (or two) above the plot area, left-aligned with it, so it covers no bar."""
    # an entry is its handle (2 em), the gap to the text (0.8 em), the text and the gap to the next (2 em)
    widths = [_text_width(str(lab), size, "normal") + 4.8 * size for lab in labels]
    room = 0.6 * ax.figure.get_figwidth() * 72
    ncol = len(widths)
    while ncol > 1 and max(sum(widths[i : i + ncol]) for i in range(0, len(widths), ncol)) > room:
        ncol -= 1
    ax.legend(frameon=False, fontsize=size, loc="lower left", bbox_to_anchor=(0, 1.01), borderaxespad=0, ncol=ncol)


@_plain_text
def bar(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    name: str,
    title: str,
    subtitle: str,
    source: str,
    alt: str,
    hue: str | None = None,
    xlabel: str = "",
    label_values: bool = True,
    value_format: str = "{:,.0f}",
) -> Chart:
    """Horizontal bar chart of ``x`` (value) by ``y`` (category), labelled with values.

    A bar whose value is not a number shows its text (a symbol such as ``[c]``) where the bar
    would start, in grey; the value axis reads with thousands separators.
    """
    d = data.copy()
    cats = list(dict.fromkeys(d[y].astype(str)))
    height = max(2.5, 0.35 * len(cats) * (1 if hue is None else 1.6) + 1.2)
    fig, ax = plt.subplots(figsize=(8, height))
    if hue is None:
        vals = pd.to_numeric(d[x], errors="coerce")
        ax.barh(d[y].astype(str), vals, color=AF_PALETTE[0])
        for yi, (raw, v) in enumerate(zip(d[x], vals)):
            if pd.notna(v) and label_values:
                ax.text(v, yi, " " + value_format.format(v), va="center", fontsize=8)
            elif pd.isna(v) and _cell_text(raw):  # a bar without a value shows its symbol ([c], [x] ...)
                ax.text(0, yi, " " + _cell_text(raw), va="center", fontsize=8, color=_GREY)
    else:
        hues = list(dict.fromkeys(d[hue].astype(str)))[:4]
        n = len(hues)
        w = 0.8 / n
        for i, h in enumerate(hues):
            sub = d[d[hue].astype(str) == h].set_index(d[y].astype(str).name)
            vals = [pd.to_numeric(sub.loc[c, x], errors="coerce") if c in sub.index else np.nan for c in cats]
            pos = np.arange(len(cats)) + i * w - 0.4 + w / 2
            ax.barh(pos, vals, height=w, color=AF_PALETTE[i], label=h, hatch=["", "//", "..", "xx"][i])
            raws = [sub.loc[c, x] if c in sub.index else None for c in cats]
            for p, v, raw in zip(pos, vals, raws):
                if pd.notna(v) and label_values:
                    ax.text(v, p, " " + value_format.format(v), va="center", fontsize=7)
                elif pd.isna(v) and _cell_text(raw):
                    ax.text(0, p, " " + _cell_text(raw), va="center", fontsize=7, color=_GREY)
        ax.set_yticks(np.arange(len(cats)), cats)
        _legend_above(ax, hues)
    if label_values:  # room for the value labels of the longest bars inside the plot area
        lo, hi = ax.get_xlim()
        ax.set_xlim(lo, hi + 0.15 * (hi - lo))
    ax.invert_yaxis()
    ax.set_xlabel(xlabel or x)
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(lambda t, _: f"{t:,.10g}"))
    _style(ax)
    _finish(fig, title=title, subtitle=subtitle, source=source)
    return make(fig, name=name, title=title, subtitle=subtitle, source=source, alt=alt, data=d)


@_plain_text
def line(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    name: str,
    title: str,
    subtitle: str,
    source: str,
    alt: str,
    series: str | None = None,
    ylabel: str = "",
    lower: str | None = None,
    upper: str | None = None,
    reference: float | None = None,
) -> Chart:
    """Line chart of ``y`` over ``x``, one line per ``series`` (at most four), labelled at its last value.

    A value that is not a number (a suppressed ``[c]``) leaves a gap. ``lower``/``upper`` draw an
    interval band; ``reference`` a dashed horizontal line (1 for ratios).
    """
    d = data.copy()
    fig, ax = plt.subplots(figsize=(8, 4))
    if reference is not None:
        ax.axhline(reference, color=_GREY, linestyle="--", linewidth=1)
    groups = [(None, d)] if series is None else list(d.groupby(series, sort=False))[:4]
    markers = ["o", "s", "^", "D"]
    for i, (label, g) in enumerate(groups):
        xs = g[x].astype(str)
        ys = pd.to_numeric(g[y], errors="coerce")
        ax.plot(xs, ys, color=AF_PALETTE[i], marker=markers[i], label=label)
        if lower and upper:
            ax.fill_between(
                xs,
                pd.to_numeric(g[lower], errors="coerce"),
                pd.to_numeric(g[upper], errors="coerce"),
                color=AF_PALETTE[i],
                alpha=0.12,
            )
    ends = []
    for i, (label, g) in enumerate(groups):
        ys = pd.to_numeric(g[y], errors="coerce").to_numpy(dtype=float)
        finite = np.flatnonzero(np.isfinite(ys))
        if label is not None and finite.size:
            ends.append((str(label), int(finite[-1]), float(ys[finite[-1]]), AF_PALETTE[i]))
    if ends:
        lo, hi = ax.get_ylim()
        placed = _spread([e[2] for e in ends], gap=0.07 * (hi - lo))
        for (text, last, end, colour), at in zip(ends, placed):
            ax.annotate(
                text,
                (last, end),
                xytext=(last + 0.12, at),
                textcoords="data",
                fontsize=8,
                color=colour,
                va="center",
                arrowprops=None
                if abs(at - end) < 1e-12
                else {"arrowstyle": "-", "color": colour, "linewidth": 0.6, "shrinkA": 0, "shrinkB": 2},
            )
    ax.set_ylabel(ylabel or y)
    ax.grid(axis="y", color="#D9D9D9", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right", fontsize=8)
    _finish(fig, title=title, subtitle=subtitle, source=source)
    return make(fig, name=name, title=title, subtitle=subtitle, source=source, alt=alt, data=d)


def _spread(values: Sequence[float], gap: float) -> list[float]:
    """Label positions for ``values`` at least ``gap`` apart, each as near its value as that allows.

    Labels keep their order; a run of labels too close together is centred on the mean of their
    values (so a pair is pushed apart symmetrically), and runs that then touch are merged.

    Examples
    --------
    >>> _spread([10.0, 10.5, 30.0], gap=2.0)
    [9.25, 11.25, 30.0]
    """
    order = sorted(range(len(values)), key=lambda i: values[i])
    blocks: list[list[int]] = []
    for i in order:
        blocks.append([i])
        while len(blocks) > 1:
            a, b = blocks[-2], blocks[-1]
            start_a = sum(values[j] for j in a) / len(a) - gap * (len(a) - 1) / 2
            start_b = sum(values[j] for j in b) / len(b) - gap * (len(b) - 1) / 2
            if start_a + gap * len(a) <= start_b:
                break
            blocks[-2:] = [a + b]
    out = [0.0] * len(values)
    for blk in blocks:
        start = sum(values[j] for j in blk) / len(blk) - gap * (len(blk) - 1) / 2
        for k, j in enumerate(blk):
            out[j] = start + k * gap
    return out


def _cell_text(value: Any) -> str:
    """A matrix or label entry as text ('' when missing)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    return str(value).strip()


def _norm(shown: np.ndarray, center: float | None, log: bool) -> Any:
    """The colour scale, from the shown (finite) values only."""
    from matplotlib.colors import LogNorm, Normalize, TwoSlopeNorm

    finite = shown[np.isfinite(shown)]
    if center is None:
        return Normalize(vmin=float(finite.min()), vmax=float(finite.max())) if finite.size else Normalize(0, 1)
    vmin = float(finite.min()) if finite.size else center - 1
    vmax = float(finite.max()) if finite.size else center + 1
    vmin, vmax = min(vmin, center - 1e-9), max(vmax, center + 1e-9)
    if log and vmin > 0:
        # symmetric on the log scale about the centre, so that 0.5 and 2 are equally strong
        span = max(abs(np.log(vmin) - np.log(center)), abs(np.log(vmax) - np.log(center)), 1e-9)
        return LogNorm(vmin=center * np.exp(-span), vmax=center * np.exp(span))
    return TwoSlopeNorm(vcenter=center, vmin=vmin, vmax=vmax)


def _log_ticks(lo: float, hi: float, center: float, *, outward: bool) -> list[float]:
    """Doublings of ``center`` (powers of ten over a range wider than 2^8) from ``lo`` to ``hi``:
    the ticks inside the range, or (``outward``) the ticks that just cover it."""
    step = 2.0 if hi / lo <= 2.0**8 else 10.0
    a, b = np.log(lo / center) / np.log(step), np.log(hi / center) / np.log(step)
    k0, k1 = (np.floor(a + 1e-9), np.ceil(b - 1e-9)) if outward else (np.ceil(a - 1e-9), np.floor(b + 1e-9))
    return [center * step**k for k in range(int(k0), int(k1) + 1)]


def _plain_log_ticks(colorbar: Any, norm: Any, center: float) -> None:
    """Colour bar ticks of a log scale as plain numbers (0.5, 1, 2), doublings or powers of ten."""
    if colorbar is None:
        return
    ticks = _log_ticks(norm.vmin, norm.vmax, center, outward=False)
    colorbar.ax.minorticks_off()
    colorbar.set_ticks(ticks, labels=[f"{t:g}" for t in ticks])


@_plain_text
def heatmap(
    matrix: pd.DataFrame,
    *,
    name: str,
    title: str,
    subtitle: str,
    source: str,
    alt: str,
    labels: pd.DataFrame | None = None,
    center: float | None = None,
    cmap: str | None = None,
    fmt: str = "{:.2f}",
    data: pd.DataFrame | None = None,
    log: bool = False,
    config: DisclosureConfig | None = None,
    marked: pd.DataFrame | None = None,
    mark_meaning: str = "",
) -> Chart:
    """Heatmap of a rows x columns matrix, every cell labelled with its value (or ``labels``).

    A cell has no value when its ``matrix`` entry is not a number (a published symbol such as
    ``[c]``, or missing) or when its label is a symbol (``insufficient``, ``[c]``: the symbol
    wins over a number). Such a cell shows its symbol as text on a hatched neutral background,
    takes no colour, and plays no part in the colour scale, whose limits come from the shown
    values only (symmetric about ``center`` when given, on the log scale when ``log``). A cell
    that says nothing of why it has no value shows the "not available" symbol (``[x]``). The
    symbols present are explained below the chart and at the end of the alt text, with the
    meanings of :func:`symbol_meanings` (of ``config``, the run's disclosure settings; by
    default :data:`SYMBOL_MEANINGS`). The data table is ``data`` (by default the matrix as numbers).

    ``marked`` (a matrix of booleans shaped like ``matrix``) outlines its true cells with a thick
    dark border; ``mark_meaning`` (e.g. "findings") says what the outline means, below the chart
    and in the alt text.
    """
    import seaborn as sns
    from matplotlib.colors import LinearSegmentedColormap, LogNorm
    from matplotlib.patches import Rectangle

    meanings = symbol_meanings(config)
    m = matrix.apply(pd.to_numeric, errors="coerce")
    values = m.to_numpy(dtype=float)
    if labels is None:
        labels = m.map(lambda v: "" if pd.isna(v) else fmt.format(v))
    lab = np.vectorize(_cell_text, otypes=[object])(np.asarray(labels.to_numpy(dtype=object), dtype=object))
    raw = np.vectorize(_cell_text, otypes=[object])(np.asarray(matrix.to_numpy(dtype=object), dtype=object))
    if lab.shape != values.shape:
        raise ValueError(
            f"chart {name}: labels are {lab.shape[0]} x {lab.shape[1]}, the matrix {values.shape[0]} x {values.shape[1]}"
        )
    is_symbol = np.vectorize(meanings.__contains__, otypes=[bool])
    hidden = ~np.isfinite(values) | is_symbol(lab) | is_symbol(raw)
    # what a cell without a value shows: its label's symbol, the matrix's symbol, the caller's own
    # text, else "not available"
    symbols = np.where(
        is_symbol(lab),
        lab,
        np.where(is_symbol(raw), raw, np.where(lab != "", lab, (config or DisclosureConfig()).not_available)),
    )
    shown = np.where(hidden, np.nan, values)
    norm = _norm(shown, center, log)

    fig, ax = plt.subplots(figsize=(max(6, 0.9 * m.shape[1] + 3), max(3, 0.4 * m.shape[0] + 1.5)))
    if center is not None:
        cm = LinearSegmentedColormap.from_list("af_div", [AF_PALETTE[1], "#FFFFFF", AF_PALETTE[2]])
        annot_kws = {"fontsize": 8, "color": _INK}
    else:
        cm = cmap or LinearSegmentedColormap.from_list("af_seq", list(reversed(AF_SEQUENTIAL)))
        annot_kws = {"fontsize": 8}
    sns.heatmap(
        pd.DataFrame(shown, index=m.index, columns=m.columns),
        mask=hidden,
        ax=ax,
        cmap=cm,
        norm=norm,
        vmin=norm.vmin,
        vmax=norm.vmax,  # seaborn would otherwise look for limits in an all-hidden matrix
        annot=np.where(hidden, "", lab),
        fmt="",
        linewidths=0.5,
        linecolor="white",
        cbar_kws={"shrink": 0.6},
        annot_kws=annot_kws,
    )
    if isinstance(norm, LogNorm):
        _plain_log_ticks(ax.collections[0].colorbar, norm, center or 1.0)
    for i, j in zip(*np.nonzero(hidden)):
        # below the (transparent) masked cell of the mesh, whose white grid lines stay on top
        ax.add_patch(
            Rectangle(
                (j, i), 1, 1, facecolor=_NEUTRAL, edgecolor=_HATCH, hatch="///", linewidth=0, zorder=0.5, gid="no-value"
            )
        )
        ax.text(
            j + 0.5,
            i + 0.5,
            symbols[i, j],
            ha="center",
            va="center",
            fontsize=8,
            color=_INK,
            gid="symbol",
            bbox={"boxstyle": "square,pad=0.15", "facecolor": _NEUTRAL, "edgecolor": "none"},
        )
    ax.set_xlabel("")
    ax.set_ylabel("")
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right", fontsize=8)
    plt.setp(ax.get_yticklabels(), fontsize=8)
    notes = []
    if marked is not None:
        marks = np.asarray(marked.reindex_like(m).fillna(False).to_numpy(dtype=bool))
        for i, j in zip(*np.nonzero(marks)):
            ax.add_patch(
                Rectangle(
                    (j + 0.05, i + 0.05), 0.9, 0.9, fill=False, edgecolor=_INK, linewidth=2.2, zorder=3, gid="marked"
                )
            )
        n_marked = int(marks.sum())
        if n_marked and mark_meaning:
            notes.append(f"Cells outlined in a thick dark border are {mark_meaning}.")
            alt = f"{alt.rstrip()} {n_marked} {'cell is' if n_marked == 1 else 'cells are'} outlined: {mark_meaning}."
    present = {sym: int((symbols[hidden] == sym).sum()) for sym in meanings if (symbols[hidden] == sym).any()}
    if present:
        notes.append("Hatched cells have no value: " + "; ".join(f"{sym} = {meanings[sym]}" for sym in present) + ".")
        cells = "; ".join(
            f"{n} {'cell shows' if n == 1 else 'cells show'} {sym}, {meanings[sym]}" for sym, n in present.items()
        )
        alt = f"{alt.rstrip()} Cells without a value are hatched and show a symbol instead: {cells}."
    _finish(fig, title=title, subtitle=subtitle, source=source, note=" ".join(notes))
    table = data if data is not None else m.reset_index()
    return make(fig, name=name, title=title, subtitle=subtitle, source=source, alt=alt, data=table)


@_plain_text
def category_heatmap(
    matrix: pd.DataFrame,
    *,
    categories: Sequence[tuple[str, str]],
    name: str,
    title: str,
    subtitle: str,
    source: str,
    alt: str,
    labels: pd.DataFrame | None = None,
    data: pd.DataFrame | None = None,
    legend_title: str = "",
) -> Chart:
    """Heatmap of categories (a rating scale's levels), one colour per category and a legend of them.

    Parameters
    ----------
    matrix : DataFrame
        Rows x columns of category names (a name of ``categories``; empty or missing = no value).
    categories : sequence of (name, colour)
        The categories in legend order, each with its colour (give the most salient colour to
        the category a reader must find, such as "Not met").
    labels : DataFrame, optional
        Text in each cell (default the category name); colour is never the only carrier.

    A cell without a category is hatched grey and shows ``labels`` (or nothing). There is no
    colour bar: the legend lists the categories by name, in order.
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch, Rectangle

    names = [c for c, _ in categories]
    code = matrix.map(lambda v: names.index(str(v)) if isinstance(v, str) and str(v) in names else np.nan)
    values = code.to_numpy(dtype=float)
    lab = (labels if labels is not None else matrix).reindex(index=matrix.index, columns=matrix.columns)
    lab = lab.map(lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)).to_numpy(
        dtype=object
    )
    fig, ax = plt.subplots(figsize=(max(6.5, 0.55 * matrix.shape[1] + 4), max(3, 0.32 * matrix.shape[0] + 2.2)))
    cmap = ListedColormap([c for _, c in categories])
    masked = np.ma.masked_invalid(values)
    ax.pcolormesh(masked, cmap=cmap, vmin=-0.5, vmax=len(categories) - 0.5, edgecolors="white", linewidth=0.8)
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            if np.isnan(values[i, j]):
                ax.add_patch(
                    Rectangle(
                        (j, i), 1, 1, facecolor=_NEUTRAL, edgecolor=_HATCH, hatch="///", linewidth=0, gid="no-value"
                    )
                )
            if lab[i, j]:
                ax.text(j + 0.5, i + 0.5, lab[i, j], ha="center", va="center", fontsize=7, color=_INK)
    ax.set_xlim(0, values.shape[1])
    ax.set_ylim(values.shape[0], 0)
    ax.set_xticks(np.arange(values.shape[1]) + 0.5)
    ax.set_xticklabels([str(c) for c in matrix.columns], rotation=35, ha="right", fontsize=8)
    ax.set_yticks(np.arange(values.shape[0]) + 0.5)
    ax.set_yticklabels([str(r) for r in matrix.index], fontsize=8)
    ax.tick_params(length=0)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    handles = [Patch(facecolor=c, edgecolor=_HATCH, label=n) for n, c in categories]
    ax.legend(
        handles=handles,
        title=legend_title or None,
        frameon=False,
        fontsize=8,
        title_fontsize=8,
        loc="lower left",
        bbox_to_anchor=(0, 1.01),
        borderaxespad=0,
        ncol=len(handles),
    )
    _finish(fig, title=title, subtitle=subtitle, source=source)
    table = data if data is not None else matrix.reset_index()
    return make(fig, name=name, title=title, subtitle=subtitle, source=source, alt=alt, data=table)


def _plain_log_axis(axis: Any, lo: float, hi: float, center: float = 1.0) -> None:
    """Ticks of a log axis as plain numbers (0.5, 1, 2), doublings around ``center`` (or powers of ten)."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

    axis.set_major_locator(FixedLocator(_log_ticks(min(lo, center), max(hi, center), center, outward=True)))
    axis.set_major_formatter(FuncFormatter(lambda t, _: f"{t:g}"))
    axis.set_minor_formatter(NullFormatter())


@_plain_text
def forest(
    data: pd.DataFrame,
    *,
    label: str,
    value: str,
    lower: str,
    upper: str,
    name: str,
    title: str,
    subtitle: str,
    source: str,
    alt: str,
    reference: float | None = 1.0,
    log: bool = True,
    xlabel: str = "",
    bold: Sequence[bool] | None = None,
    decimals: int = 2,
) -> Chart:
    """Forest plot: point estimates with intervals, a reference line, each labelled with its value.

    A row without a number shows its published symbol (``[c]``, ``insufficient``) where the value
    would be, or ``not shown``. A log axis is labelled with plain numbers (0.5, 1, 2). ``bold``
    marks rows (e.g. a group's total above its parts) whose label is set in bold. ``reference=None``
    draws no reference line (estimates that are not ratios, such as rates), and a linear axis of
    estimates that cannot be negative starts at 0. Values are labelled with ``decimals`` places.
    """
    d = data.copy()
    v = pd.to_numeric(d[value], errors="coerce")
    lo = pd.to_numeric(d[lower], errors="coerce")
    hi = pd.to_numeric(d[upper], errors="coerce")
    n = len(d)
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.35 * n + 1.3)))
    ys = np.arange(n)
    ok = v.notna() & lo.notna() & hi.notna()
    ax.errorbar(
        v[ok],
        ys[ok.to_numpy()],
        xerr=[(v - lo)[ok], (hi - v)[ok]],
        fmt="s",
        color=AF_PALETTE[0],
        ecolor=AF_PALETTE[0],
        capsize=2,
        markersize=4,
    )
    if reference is not None:
        ax.axvline(reference, color=_GREY, linestyle="--", linewidth=1)
    for y_, (raw, val, l_, h_) in enumerate(zip(d[value], v, lo, hi)):
        text = (
            f"{val:,.{decimals}f} ({l_:,.{decimals}f} to {h_:,.{decimals}f})"
            if not pd.isna(val)
            else (_cell_text(raw) or "not shown")
        )
        ax.annotate(
            text,
            (1.01, y_),
            xycoords=("axes fraction", "data"),
            fontsize=7,
            va="center",
            color=_INK if not pd.isna(val) else _GREY,
        )
    ax.set_yticks(ys, d[label].astype(str))
    if bold is not None:
        for tick, b in zip(ax.get_yticklabels(), bold):
            if b:
                tick.set_fontweight("bold")
    ax.invert_yaxis()
    if log and (lo[ok] > 0).all() and ok.any():
        ax.set_xscale("log")
        _plain_log_axis(
            ax.xaxis,
            float(lo[ok].min()),
            float(hi[ok].max()),
            center=reference if reference is not None and reference > 0 else 1.0,
        )
    elif not log and ok.any() and (lo[ok] >= 0).all():
        ax.set_xlim(left=0)
    ax.set_xlabel(xlabel or value)
    _style(ax)
    _finish(fig, title=title, subtitle=subtitle, source=source, right=0.8)
    return make(fig, name=name, title=title, subtitle=subtitle, source=source, alt=alt, data=d)


@_plain_text
def funnel(
    points: pd.DataFrame,
    limits: pd.DataFrame,
    *,
    x: str,
    y: str,
    name: str,
    title: str,
    subtitle: str,
    source: str,
    alt: str,
    highlight: str | None = None,
    label_col: str | None = None,
    limit_cols: Sequence[tuple[str, str, str]] = (),
    xlabel: str = "",
    ylabel: str = "",
    marked: str | None = None,
    marked_label: str = "",
) -> Chart:
    """Funnel plot: points (units) against control limits computed by the statistics module.

    ``limit_cols`` lists ``(lower_column, upper_column, label)`` of ``limits`` (indexed by ``x``).
    The highlighted unit is drawn larger, in a second colour and labelled. ``marked`` names a
    boolean column of ``points``: those units (e.g. statistical neighbours) are drawn as open
    triangles in a third colour, under ``marked_label`` in the legend.
    """
    fig, ax = plt.subplots(figsize=(8, 5))
    px = pd.to_numeric(points[x], errors="coerce")
    py = pd.to_numeric(points[y], errors="coerce")
    ax.scatter(px, py, s=12, color=AF_PALETTE[0], alpha=0.6, label="Local authorities")
    if marked is not None and marked in points:
        m = points[marked].fillna(False).astype(bool).to_numpy()
        if m.any():
            ax.scatter(
                px[m],
                py[m],
                s=40,
                marker="^",
                facecolor="white",
                edgecolor=AF_PALETTE[1],
                linewidth=1.5,
                label=marked_label or marked,
                zorder=4,
            )
    styles = ["--", ":", "-."]
    for i, (lo, hi, lab) in enumerate(limit_cols):
        ax.plot(limits[x], limits[lo], color=_GREY, linestyle=styles[i % 3], linewidth=1, label=lab)
        ax.plot(limits[x], limits[hi], color=_GREY, linestyle=styles[i % 3], linewidth=1)
    if highlight is not None and label_col is not None:
        h = points[points[label_col] == highlight]
        if len(h):
            from matplotlib import patheffects

            ax.scatter(
                pd.to_numeric(h[x]),
                pd.to_numeric(h[y]),
                s=70,
                color=AF_PALETTE[3],
                marker="D",
                edgecolor="black",
                label=str(highlight),
                zorder=5,
            )
            ax.annotate(
                str(highlight),
                (float(pd.to_numeric(h[x]).iloc[0]), float(pd.to_numeric(h[y]).iloc[0])),
                xytext=(8, 8),
                textcoords="offset points",
                fontsize=9,
                fontweight="bold",
                zorder=6,
                path_effects=[patheffects.withStroke(linewidth=3, foreground="white")],
            )
    ax.set_xlabel(xlabel or x)
    ax.set_ylabel(ylabel or y)
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    handles, labels = ax.get_legend_handles_labels()
    _legend_above(ax, labels)
    _style(ax)
    _finish(fig, title=title, subtitle=subtitle, source=source)
    return make(fig, name=name, title=title, subtitle=subtitle, source=source, alt=alt, data=points)


def small_multiples(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    panel: str,
    name: str,
    title: str,
    subtitle: str,
    source: str,
    alt: str,
    ylabel: str = "",
    lower: str | None = None,
    upper: str | None = None,
    reference: float | None = None,
    ncols: int = 2,
) -> Chart:
    """One small panel per value of ``panel`` (in order of appearance), sharing the x and y axes.

    Each panel draws ``y`` over ``x`` (a value that is not a number, such as a suppressed ``[c]``,
    leaves a gap) with its interval band ``lower``/``upper`` and the ``reference`` line (1 for
    ratios): bands never overlap, unlike several series on one axis.
    """
    d = data.copy()
    panels = list(dict.fromkeys(d[panel].astype(str)))
    if not panels:
        raise ValueError(f"chart {name}: no data to draw")
    ncols = max(1, min(ncols, len(panels)))
    nrows = int(np.ceil(len(panels) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(8, 2.6 * nrows + 0.8), sharex=True, sharey=True, squeeze=False)
    xs_all = list(dict.fromkeys(d[x].astype(str)))
    for k, ax in enumerate(axes.flat):
        if k >= len(panels):
            ax.set_visible(False)
            continue
        g = d[d[panel].astype(str).eq(panels[k])].set_index(d[x].astype(str)[d[panel].astype(str).eq(panels[k])])
        g = g.reindex(xs_all)
        ys = pd.to_numeric(g[y], errors="coerce")
        if reference is not None:
            ax.axhline(reference, color=_GREY, linestyle="--", linewidth=1)
        if lower and upper:
            ax.fill_between(
                xs_all,
                pd.to_numeric(g[lower], errors="coerce"),
                pd.to_numeric(g[upper], errors="coerce"),
                color=AF_PALETTE[0],
                alpha=0.2,
                linewidth=0,
            )
        ax.plot(xs_all, ys, color=AF_PALETTE[0], marker="o", markersize=4)
        ax.set_title(panels[k], fontsize=9, loc="left")
        ax.grid(axis="y", color="#D9D9D9", linewidth=0.6)
        ax.spines[["top", "right"]].set_visible(False)
        if k % ncols == 0:
            ax.set_ylabel(ylabel or y, fontsize=8)
        plt.setp(ax.get_xticklabels(), rotation=30, ha="right", fontsize=7)
    _finish(fig, title=title, subtitle=subtitle, source=source)
    return make(fig, name=name, title=title, subtitle=subtitle, source=source, alt=alt, data=d)


class Figures(list):
    """Several published figures shown one after another (in JupyterLab and in the HTML page)."""

    def _repr_html_(self) -> str:
        return "".join(f._repr_html_() for f in self if hasattr(f, "_repr_html_"))
