"""Charts a scrutineer can read: symbols in heatmap cells, legends clear of the bars, titles that fit.

Expected values are worked out by hand from the small inputs of each test (the arithmetic is in
the comments); positions are compared on the drawn figure (bounding boxes in display pixels).
"""

from __future__ import annotations

import itertools
import math
import warnings
from types import SimpleNamespace

import matplotlib

matplotlib.use("agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from assurance_lib import charts  # noqa: E402
from assurance_lib.config import DisclosureConfig  # noqa: E402
from assurance_lib.disproportionality import present  # noqa: E402

# The meanings as the project documents them: docs/disclosure.md ("[c] suppressed, [low] rounds to
# zero but is not zero, [x] not available, [z] not applicable"; the front page says "suppressed to
# protect confidentiality") and docs/disproportionality.md / the grid's notes for "insufficient".
DOCUMENTED = {
    "[c]": "suppressed to protect confidentiality",
    "[low]": "rounds to zero but is not zero",
    "[x]": "not available",
    "[z]": "not applicable",
    "insufficient": "too few children or too wide an interval to estimate",
}
NEUTRAL = to_rgba("#F3F2F1")  # GOV.UK light grey: the background of a cell without a value

TEXT = dict(
    title="Rate ratios",
    subtitle="Against the reference group",
    source="Test data",
    alt="Heatmap of test ratios by group and stage; values are in the table.",
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _drawn(chart: charts.Chart):
    chart.fig.canvas.draw()
    return chart.fig.canvas.get_renderer()


def _part(fig, gid: str):
    return next(a for a in [*fig.texts, *fig.artists] if a.get_gid() == gid)


def _symbols(ax) -> dict[tuple[float, float], str]:
    """Symbol texts by the centre of their cell (column + 0.5, row + 0.5)."""
    return {t.get_position(): t.get_text() for t in ax.texts if t.get_gid() == "symbol"}


def _hatched(ax) -> set[tuple[float, float]]:
    return {p.get_xy() for p in ax.patches if isinstance(p, Rectangle) and p.get_hatch()}


def test_symbol_meanings_are_the_documented_shorthand() -> None:
    assert dict(charts.SYMBOL_MEANINGS) == DOCUMENTED
    with pytest.raises(TypeError):
        charts.SYMBOL_MEANINGS["[c]"] = "changed"  # type: ignore[index]
    # a partnership's own shorthand (parameters: disclosure.suppressed) replaces the default
    assert charts.symbol_meanings(DisclosureConfig(suppressed="c"))["c"] == DOCUMENTED["[c]"]


def test_diverging_heatmap_cells_without_a_value_show_their_symbol_and_take_no_colour() -> None:
    matrix = pd.DataFrame({"contact": [0.5, 2.0, np.nan], "plan": ["[c]", 8.0, 4.0]}, index=["A", "B", "C"])
    labels = pd.DataFrame(
        {"contact": ["0.50", "2.00", ""], "plan": ["[c]", "insufficient", "4.00"]}, index=matrix.index
    )
    chart = charts.heatmap(matrix, labels=labels, center=1.0, log=True, name="t", **TEXT)
    _drawn(chart)
    ax = chart.fig.axes[0]
    # (column + 0.5, row + 0.5): A/plan is [c]; B/plan is insufficient although it has a number (8);
    # C/contact has no value and no label, so it is "not available"
    assert _symbols(ax) == {(1.5, 0.5): "[c]", (1.5, 1.5): "insufficient", (0.5, 2.5): "[x]"}
    assert _hatched(ax) == {(1, 0), (1, 1), (0, 2)}
    assert all(p.get_facecolor() == NEUTRAL for p in ax.patches if p.get_hatch())
    mesh = ax.collections[0]
    assert np.ma.getmaskarray(mesh.get_array()).reshape(3, 2).tolist() == [[False, True], [False, True], [True, False]]
    # colour limits from the shown values 0.5, 2 and 4 only: on the log scale symmetric about 1,
    # the wider side is ln 4 (ln 0.5 = -ln 2 is narrower), so the scale runs from 1/4 to 4.
    # Had the 8 behind "insufficient" counted it would run from 1/8 to 8.
    assert mesh.norm.vmin == pytest.approx(0.25) and mesh.norm.vmax == pytest.approx(4.0)
    # the colour bar reads in plain numbers, doublings about 1
    assert [t.get_text() for t in ax.collections[0].colorbar.ax.get_yticklabels()] == ["0.25", "0.5", "1", "2", "4"]
    # the value labels of the shown cells are drawn, and none where a symbol stands
    values = {t.get_position(): t.get_text() for t in ax.texts if t.get_gid() != "symbol"}
    assert values == {(0.5, 0.5): "0.50", (0.5, 1.5): "2.00", (1.5, 2.5): "4.00"}


def test_sequential_heatmap_scale_comes_from_the_shown_values_and_symbols_from_the_matrix() -> None:
    matrix = pd.DataFrame({"x": [10, "[z]", 25], "y": ["[low]", 40, 20]}, index=["r1", "r2", "r3"])
    chart = charts.heatmap(matrix, fmt="{:.0f}%", name="t", **TEXT)
    _drawn(chart)
    ax = chart.fig.axes[0]
    assert _symbols(ax) == {(1.5, 0.5): "[low]", (0.5, 1.5): "[z]"}
    # shown values 10, 25, 40, 20: the scale runs from the smallest to the largest
    norm = ax.collections[0].norm
    assert (norm.vmin, norm.vmax) == (10.0, 40.0)
    # the data table is the matrix as numbers, symbols as missing (as before this change)
    assert chart.data["x"].tolist()[0] == 10 and math.isnan(chart.data["x"].tolist()[1])


def test_heatmap_key_and_alt_text_explain_the_symbols_present() -> None:
    matrix = pd.DataFrame({"s1": ["[c]", "[c]", 1.5], "s2": [np.nan, 0.8, 1.2]}, index=["A", "B", "C"])
    chart = charts.heatmap(matrix, center=1.0, name="t", **TEXT)
    # two [c] cells and one cell with nothing: in the order of the shorthand ([c] before [x])
    assert chart.alt == (
        TEXT["alt"] + " Cells without a value are hatched and show a symbol instead: 2 cells show [c], "
        "suppressed to protect confidentiality; 1 cell shows [x], not available."
    )
    note = _part(chart.fig, "note").get_text().replace("\n", " ")
    assert note == "Hatched cells have no value: [c] = suppressed to protect confidentiality; [x] = not available."
    shown = chart.display()
    assert "suppressed to protect confidentiality" in shown.alt
    # a heatmap where every cell has a value says nothing of symbols
    plain = charts.heatmap(pd.DataFrame({"s1": [1.0, 2.0]}), name="t", **TEXT)
    assert plain.alt == TEXT["alt"] and not [a for a in plain.fig.texts + plain.fig.artists if a.get_gid() == "note"]


def test_heatmap_uses_the_runs_own_shorthand() -> None:
    cfg = DisclosureConfig(suppressed="c", not_available="n/a")
    matrix = pd.DataFrame({"s1": ["c", np.nan, 2.0]}, index=["A", "B", "C"])
    chart = charts.heatmap(matrix, name="t", config=cfg, **TEXT)
    assert _symbols(chart.fig.axes[0]) == {(0.5, 0.5): "c", (0.5, 1.5): "n/a"}
    assert "1 cell shows c, suppressed to protect confidentiality; 1 cell shows n/a, not available." in chart.alt


def test_heatmap_with_no_value_at_all_is_drawn_without_warnings() -> None:
    matrix = pd.DataFrame({"s1": ["[c]", np.nan], "s2": ["[c]", "[z]"]}, index=["A", "B"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        chart = charts.heatmap(matrix, center=1.0, log=True, name="t", **TEXT)
        _drawn(chart)
    assert _symbols(chart.fig.axes[0]) == {(0.5, 0.5): "[c]", (1.5, 0.5): "[c]", (0.5, 1.5): "[x]", (1.5, 1.5): "[z]"}


def _bbox(artist, renderer):
    return artist.get_window_extent(renderer)


def _disjoint(a, b) -> bool:
    return a.x1 <= b.x0 or b.x1 <= a.x0 or a.y1 <= b.y0 or b.y1 <= a.y0


@pytest.mark.parametrize(
    "hues",
    [
        ["earlier", "later"],
        [
            "Audit A-2026-03 (earlier audit)",
            "Audit A-2026-07 (re-audit of the same theme)",
            "Audit A-2026-09 (second re-audit)",
            "Audit A-2026-11 (third re-audit)",
        ],
    ],
)
def test_grouped_bar_legend_stands_above_the_plot_area(hues: list[str]) -> None:
    # the longest bar (100) reaches the right-hand edge of the data area, where a legend in a
    # corner of the axes would cover it
    cats = ["Voice of the child", "Risk assessment", "Planning"]
    data = pd.DataFrame(
        [
            (c, h, 100 if (c, h) == (cats[0], hues[-1]) else 10 * (i + j + 1))
            for i, c in enumerate(cats)
            for j, h in enumerate(hues)
        ],
        columns=["domain", "audit", "pct"],
    )
    chart = charts.bar(
        data,
        x="pct",
        y="domain",
        hue="audit",
        name="b",
        title="Grades by domain",
        subtitle="Percentage good or better",
        source="Test data",
        alt="Grouped bar chart of the percentage good or better by domain and audit.",
    )
    r = _drawn(chart)
    ax = chart.fig.axes[0]
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == hues
    box, area = _bbox(legend, r), ax.get_window_extent(r)
    assert box.y0 >= area.y1  # wholly above the data area
    bars = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_width() > 0]
    assert len(bars) == len(cats) * len(hues)
    assert all(_disjoint(box, _bbox(b, r)) for b in bars)
    # ... and below the subtitle, inside the figure
    assert box.y1 <= _bbox(_part(chart.fig, "subtitle"), r).y0
    assert box.x0 >= 0 and box.x1 <= chart.fig.bbox.x1


LONG_TITLE = (
    "Children of some ethnic groups are more likely than White British children to be on a child "
    "protection plan"
)  # 104 characters: about 760 points at 12 pt bold, wider than 6 inches
LONG_SUBTITLE = (
    "Rate ratio against White British children; 2026-27 Q2; 1 = same likelihood; a hatched cell has no "
    "ratio and shows why: suppressed, insufficient or not estimated (key below)"
)


@pytest.mark.parametrize("columns, wraps", [(1, True), (14, False)])  # 6 inches wide; 0.9 x 14 + 3 = 15.6 inches
def test_title_subtitle_and_source_never_overlap(columns: int, wraps: bool) -> None:
    matrix = pd.DataFrame({f"stage {j}": [0.5 + j / 10, "[c]", 2.0] for j in range(columns)}, index=["A", "B", "C"])
    chart = charts.heatmap(
        matrix,
        center=1.0,
        log=True,
        name="t",
        title=LONG_TITLE,
        subtitle=LONG_SUBTITLE,
        source="Journey events extract of the partnership; child population file (source and vintage on each row)",
        alt=TEXT["alt"],
    )
    r = _drawn(chart)
    fig = chart.fig
    parts = {gid: _bbox(_part(fig, gid), r) for gid in ("title", "subtitle", "note", "source")}
    assert ("\n" in _part(fig, "title").get_text()) is wraps
    for (a, ba), (b, bb) in itertools.combinations(parts.items(), 2):
        assert _disjoint(ba, bb), (a, b)
    for gid, b in parts.items():  # nothing cut at the figure's edges
        assert 0 <= b.x0 and b.x1 <= fig.bbox.x1 and 0 <= b.y0 and b.y1 <= fig.bbox.y1, gid
    plot = fig.axes[0].get_tightbbox(r)  # the data area with its tick labels
    assert parts["title"].y0 > parts["subtitle"].y1 > parts["subtitle"].y0 > plot.y1
    assert plot.y0 > parts["note"].y1 > parts["note"].y0 > parts["source"].y1


@pytest.mark.parametrize("rows", [1, 12])
def test_short_and_tall_forest_plots_keep_the_subtitle_clear_of_the_title(rows: int) -> None:
    # a one-row forest plot is 2.5 inches before its text: the case that put the subtitle over the title
    d = pd.DataFrame(
        {"subject": [f"Audit {i}" for i in range(rows)], "kappa": [0.4] * rows, "lo": [0.2] * rows, "hi": [0.6] * rows}
    )
    chart = charts.forest(
        d,
        label="subject",
        value="kappa",
        lower="lo",
        upper="hi",
        name="f",
        title=LONG_TITLE,
        subtitle=LONG_SUBTITLE,
        source="Test data",
        reference=0.0,
        log=False,
        alt="Forest plot of weighted kappa by audit with 95% intervals.",
    )
    r = _drawn(chart)
    title, sub, src = (_bbox(_part(chart.fig, g), r) for g in ("title", "subtitle", "source"))
    plot = chart.fig.axes[0].get_window_extent(r)
    assert title.y0 > sub.y1 and sub.y0 > plot.y1 and plot.y0 > src.y1
    assert title.x1 <= chart.fig.bbox.x1 and sub.x1 <= chart.fig.bbox.x1


def test_show_heatmap_labels_suppressed_insufficient_and_missing_cells() -> None:
    """The disproportionality heatmap from a hand-made published table (values as published: text)."""
    rows = [  # group, stage, value, flag, method
        ("BCRB", "referral", "0.8", "similar", "Katz log"),
        ("BCRB", "cpp_start", "[c]", "[c]", "Katz log"),
        ("BAFR", "referral", "2.5", "higher (95%)", "Katz log"),
        ("BAFR", "cpp_start", "", "insufficient", "Katz log; insufficient: count below 5"),
        ("AIND", "referral", "", "not compared", "denominator is zero"),
        ("AIND", "cpp_start", "1.6", "similar", "Katz log"),
        ("CHNE", "referral", "1.2", "similar", "Katz log"),
        ("CHNE", "cpp_start", "", "not compared", "Katz log"),
    ]
    labels = {"BCRB": "Black Caribbean", "BAFR": "Black African", "AIND": "Indian", "CHNE": "Chinese"}
    published = pd.DataFrame(
        [
            {
                "period": "2026-27 Q2",
                "measure": "conversion_ratio",
                "group_type": "ethnicity_minor",
                "method": m,
                "group": g,
                "group_label": labels[g],
                "stage": s,
                "stage_label": {"referral": "Referral", "cpp_start": "Child protection plan"}[s],
                "count": "12",
                "value": v,
                "lower_95": "",
                "upper_95": "",
                "flag": f,
                "reference_group": "White British",
            }
            for g, s, v, f, m in rows
        ]
    )
    ctx = SimpleNamespace(
        config=SimpleNamespace(disclosure=DisclosureConfig()), publish=SimpleNamespace(figure=lambda chart: chart)
    )
    chart = present.show_heatmap(ctx, SimpleNamespace(table=published), measure="conversion_ratio")
    _drawn(chart)
    ax = chart.fig.axes[0]
    # rows in order of appearance, columns Referral, plan: no child at the feeder stage (a zero
    # denominator) is "not applicable"; a blank value for no stated reason is "not available"
    assert _symbols(ax) == {(1.5, 0.5): "[c]", (1.5, 1.5): "insufficient", (0.5, 2.5): "[z]", (1.5, 3.5): "[x]"}
    # shown ratios 0.8, 2.5, 1.6, 1.2: log-symmetric about 1 with the wider side ln 2.5 -> 1/2.5 = 0.4 to 2.5
    norm = ax.collections[0].norm
    assert norm.vmin == pytest.approx(0.4) and norm.vmax == pytest.approx(2.5)
    assert "blank" not in chart.subtitle and "hatched" in chart.subtitle
    for meaning in (
        "suppressed to protect confidentiality",
        "not applicable",
        "not available",
        "too few children or too wide an interval to estimate",
    ):
        assert meaning in chart.alt
    # the data table is the published rows, as before
    assert chart.data.columns.tolist() == [
        "stage",
        "group",
        "group_label",
        "count",
        "value",
        "lower_95",
        "upper_95",
        "flag",
        "is_finding",
    ]
    assert chart.data["value"].tolist() == [r[2] for r in rows]


def test_spread_keeps_labels_apart_and_as_near_their_values_as_it_can() -> None:
    # 10 and 10.5 are closer than the gap 2: centred on their mean 10.25, they go to 9.25 and 11.25;
    # 30 is far from both and stays
    assert charts._spread([10.0, 10.5, 30.0], gap=2.0) == [9.25, 11.25, 30.0]
    # three equal values around 5 with gap 1: 4, 5, 6; order of the input is kept
    assert charts._spread([5.0, 5.0, 5.0], gap=1.0) == [4.0, 5.0, 6.0]
    assert charts._spread([3.0, 1.0], gap=4.0) == [4.0, 0.0]
    assert charts._spread([1.0, 2.0, 3.0], gap=0.5) == [1.0, 2.0, 3.0]


def test_trend_line_end_labels_do_not_overlap() -> None:
    # two series ending 0.3 apart on a 0-60 scale: their labels would sit on one another
    q = ["2024-25 Q3", "2024-25 Q4", "2025-26 Q1", "2025-26 Q2"]
    data = pd.DataFrame(
        {
            "quarter": q * 3,
            "stage": ["Child protection plan starts"] * 4 + ["Starts to be looked after"] * 4 + ["Referrals"] * 4,
            "rate": [10, 11, 12, 12.0, 9, 10, 11, 12.3, 50, 52, 55, 60],
        }
    )
    chart = charts.line(
        data,
        x="quarter",
        y="rate",
        series="stage",
        name="t",
        title="Trends",
        subtitle="per 10,000",
        source="Test data",
        alt="Line chart of three stages over four quarters.",
    )
    r = _drawn(chart)
    ax = chart.fig.axes[0]
    labels = {t.get_text(): _bbox(t, r) for t in ax.texts}
    assert set(labels) == {"Child protection plan starts", "Starts to be looked after", "Referrals"}
    for a, b in itertools.combinations(labels.values(), 2):
        assert _disjoint(a, b)
    # each label stays inside the figure
    assert all(b.x1 <= chart.fig.bbox.x1 and b.y0 >= 0 for b in labels.values())


def test_funnel_legend_stands_above_the_plot_and_axes_read_in_thousands() -> None:
    pts = pd.DataFrame(
        {
            "area": [f"LA {i}" for i in range(40)] + ["This partnership"],
            "population": [20000 + 8000 * i for i in range(40)] + [55000],
            "rate": [450 + (i % 7 - 3) * 20 for i in range(40)] + [455.0],
        }
    )
    pop = np.linspace(10000, 340000, 50)
    lims = pd.DataFrame({"population": pop, "lo": 450 - 2000 / np.sqrt(pop) * 10, "hi": 450 + 2000 / np.sqrt(pop) * 10})
    chart = charts.funnel(
        pts,
        lims,
        x="population",
        y="rate",
        name="f",
        title="Referrals",
        subtitle="per 10,000",
        source="Test data",
        alt="Funnel plot of 40 areas against control limits.",
        highlight="This partnership",
        label_col="area",
        limit_cols=[("lo", "hi", "95% limits")],
        xlabel="children",
        ylabel="per 10,000",
    )
    r = _drawn(chart)
    ax = chart.fig.axes[0]
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["Local authorities", "95% limits", "This partnership"]
    assert _bbox(legend, r).y0 >= ax.get_window_extent(r).y1
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert any("," in t for t in ticks), ticks  # 100,000 rather than 100000


def test_forest_shows_major_groups_in_bold_above_their_parts_with_reasons_for_gaps() -> None:
    rows = [  # group_type, group, label, value, lower, upper, flag, method
        ("ethnicity_minor", "WBRI", "White British", "", "", "", "", "reference group"),
        ("ethnicity_major", "White", "White", "1.03", "0.84", "1.28", "similar", "score"),
        ("ethnicity_minor", "WIRT", "Traveller of Irish heritage", "", "", "", "insufficient", "score; insufficient"),
        ("ethnicity_major", "Asian", "Asian", "0.86", "0.59", "1.26", "similar", "score"),
        ("ethnicity_minor", "AIND", "Indian", "1.48", "0.90", "2.43", "similar", "score"),
        ("ethnicity_minor", "CHNE", "Chinese", "[c]", "[c]", "[c]", "[c]", "score"),
        ("ethnicity_minor", "REFU", "Refused", "[c]", "[c]", "[c]", "[c]", "score"),
    ]
    published = pd.DataFrame(
        [
            {
                "period": "2026-27 Q2",
                "measure": "rate_ratio",
                "stage": "cpp_start",
                "stage_label": "Child protection plan starts",
                "group_type": t,
                "group": g,
                "group_label": lab,
                "count": "12",
                "value": v,
                "lower_95": lo,
                "upper_95": hi,
                "flag": f,
                "method": m,
                "reference_group": "White British (WBRI)",
            }
            for t, g, lab, v, lo, hi, f, m in rows
        ]
    )
    ctx = SimpleNamespace(
        config=SimpleNamespace(disclosure=DisclosureConfig()), publish=SimpleNamespace(figure=lambda c: c)
    )
    chart = present.show_forest(ctx, SimpleNamespace(table=published), stage="cpp_start")
    _drawn(chart)
    ax = chart.fig.axes[0]
    # the reference group and "Refused" (no population) are left out; CHNE is in the Asian major group
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["White (all)", "Traveller of Irish heritage", "Asian (all)", "Indian", "Chinese"]
    assert [t.get_fontweight() == "bold" for t in ax.get_yticklabels()] == [True, False, True, False, False]
    assert [t.get_text() for t in ax.texts] == [
        "1.03 (0.84 to 1.28)",
        "insufficient",
        "0.86 (0.59 to 1.26)",
        "1.48 (0.90 to 2.43)",
        "[c]",
    ]
    # plain ticks on the log axis: the shown intervals 0.59 to 2.43 are covered by 0.5, 1, 2, 4
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert ticks == ["0.5", "1", "2", "4"]


def test_dsr_dot_plot_gives_intervals_and_says_why_a_rate_is_missing() -> None:
    std = "direct standardisation over born age bands to the partnership's child population"
    rows = [  # stage, group, value, lower, upper, method
        ("cpp_start", "All children", "43.2727", "37.9491", "49.1332", "Dobson (Byar); " + std),
        ("cpp_start", "Black", "", "", "", "not calculated: total count below 10; " + std),
        ("cpp_start", "Other", "[c]", "[c]", "[c]", "not calculated: total count below 10; " + std),
        ("cpp_start", "Not known", "[c]", "[c]", "[c]", "not estimated: no population for this group (count only)"),
    ]
    published = pd.DataFrame(
        [
            {
                "period": "2026-27 Q2",
                "measure": "dsr_per_10000",
                "stage": st,
                "stage_label": "Child protection plan starts",
                "group_type": "ethnicity_major",
                "group": g,
                "group_label": g,
                "count": "9",
                "denominator": "",
                "value": v,
                "lower_95": lo,
                "upper_95": hi,
                "flag": "not compared",
                "method": m,
            }
            for st, g, v, lo, hi, m in rows
        ]
    )
    ctx = SimpleNamespace(
        config=SimpleNamespace(disclosure=DisclosureConfig()), publish=SimpleNamespace(figure=lambda c: c)
    )
    _, chart = present.show_dsr(ctx, SimpleNamespace(table=published))
    _drawn(chart)
    ax = chart.fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Child protection plan starts", "Black", "Other"]
    # 43.2727 (37.9491 to 49.1332) to one decimal place; a suppressed rate keeps its symbol
    assert [t.get_text() for t in ax.texts] == ["43.3 (37.9 to 49.1)", "not calculated", "[c]"]
    assert ax.get_xlim()[0] == 0


def test_bar_without_a_value_shows_its_symbol_and_the_axis_reads_in_thousands() -> None:
    data = pd.DataFrame({"stage": ["Contacts", "Plan starts", "Looked after"], "rate": [1340.2, "[c]", 63.6]})
    chart = charts.bar(
        data,
        x="rate",
        y="stage",
        name="b",
        title="Journey",
        subtitle="per 10,000",
        source="Test data",
        alt="Bar chart of three stages per 10,000 children.",
        value_format="{:,.1f}",
    )
    _drawn(chart)
    ax = chart.fig.axes[0]
    assert [t.get_text().strip() for t in ax.texts] == ["1,340.2", "[c]", "63.6"]
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert "1,000" in ticks
    assert chart.data["rate"].tolist() == [1340.2, "[c]", 63.6]  # the data table keeps the symbol


def test_trend_ratios_chart_one_panel_per_major_group_with_gaps_for_suppressed_quarters() -> None:
    quarters = ["2026-27 Q1", "2026-27 Q2"]
    rows = []
    for g, vals in {
        "White": ["1.0", "1.0"],
        "Black": ["1.8", "1.6"],
        "Asian": ["0.8", "[c]"],
        "Not known": ["[c]", "[c]"],
    }.items():
        for q, v in zip(quarters, vals):
            rows.append(
                {
                    "period": q,
                    "measure": "rate_ratio",
                    "group_type": "ethnicity_major",
                    "stage": "referral",
                    "group": g,
                    "group_label": g,
                    "value": v,
                    "lower_95": v,
                    "upper_95": v,
                    "method": "score",
                    "reference_group": "White British (WBRI)",
                }
            )
    ctx = SimpleNamespace(
        config=SimpleNamespace(disclosure=DisclosureConfig()), publish=SimpleNamespace(figure=lambda c: c)
    )
    chart = present.show_trend_ratios(ctx, SimpleNamespace(trends=pd.DataFrame(rows)), stage="referral")
    _drawn(chart)
    # small multiples: White (the reference's own major group) and Not known are left out; one panel each
    panels = [a for a in chart.fig.axes if a.get_visible()]
    assert [a.get_title(loc="left") for a in panels] == ["Black", "Asian"]
    asian = panels[1].lines[-1].get_ydata()
    assert asian[0] == 0.8 and np.isnan(asian[1])  # the suppressed quarter is a gap
    for ax in panels:
        assert any(list(ln.get_ydata()) == [1.0, 1.0] and ln.get_linestyle() == "--" for ln in ax.get_lines())
    assert "each quarter" in chart.title and "Referrals" in chart.title


@pytest.mark.parametrize("hue", [None, "audit"])
def test_value_labels_of_the_longest_bars_stay_inside_the_plot_area(hue) -> None:
    data = pd.DataFrame(
        {
            "domain": ["Voice", "Planning"] * 2,
            "audit": ["earlier"] * 2 + ["later"] * 2,
            "pct": [100.0, 45.0, 100.0, 60.0],
        }
    )
    if hue is None:
        data = data[data["audit"].eq("earlier")]
    chart = charts.bar(
        data,
        x="pct",
        y="domain",
        hue=hue,
        name="b",
        title="Grades",
        subtitle="Percentage good",
        source="Test data",
        alt="Bar chart of the percentage good or better by domain.",
        value_format="{:.0f}%",
    )
    r = _drawn(chart)
    ax = chart.fig.axes[0]
    area = ax.get_window_extent(r)
    labels = [t for t in ax.texts if t.get_text().strip() == "100%"]
    assert labels and all(_bbox(t, r).x1 <= area.x1 for t in labels)


def test_the_same_chart_gives_the_same_files_in_every_run(tmp_path) -> None:
    """A pack is reproducible byte for byte: the same chart drawn twice (as two runs would draw it)
    writes the same PNG, SVG and CSV. Without a fixed ``svg.hashsalt`` matplotlib names the SVG's
    clip paths and glyphs from a random salt, so two runs' SVGs differed."""
    data = pd.DataFrame({"agency": ["Police", "Health", "Education"], "returns": [17, 23, 9]})

    def draw():
        return charts.bar(
            data,
            x="returns",
            y="agency",
            name="returns_by_agency",
            title="Returns by agency",
            subtitle="Section 11 returns received, 2026-27",
            source="Test data",
            alt="Bar chart of the Section 11 returns received by each agency.",
        )

    draw().save(tmp_path / "first")
    draw().save(tmp_path / "second")
    for suffix in ("png", "svg", "csv"):
        first = (tmp_path / "first" / f"returns_by_agency.{suffix}").read_bytes()
        assert first == (tmp_path / "second" / f"returns_by_agency.{suffix}").read_bytes(), suffix
    svg = (tmp_path / "first" / "returns_by_agency.svg").read_bytes()
    assert svg.count(b'id="') > 5 and b"clip-path" in svg  # the ids the salt names are there to compare
