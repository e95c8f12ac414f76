"""What notebook 01 shows beside the published tables: benchmark view and heatmap finding marks."""

from __future__ import annotations

import math
from types import SimpleNamespace

import matplotlib

matplotlib.use("agg")

import pandas as pd  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from assurance_lib import charts  # noqa: E402
from assurance_lib.config import DisclosureConfig  # noqa: E402
from assurance_lib.disproportionality import present  # noqa: E402
from assurance_lib.disproportionality.benchmark import benchmark_view  # noqa: E402


def _bench(rows):
    cols = ["area_type", "area_name", "year", "stage", "stage_label", "count", "value"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows]).astype(object)


def test_benchmark_view_neighbours_median_range_and_rank():
    pub = _bench(
        [
            ("Partnership", "P", "12 months to 30 September 2026", "cpp_start", "CP plan starts", "181.0", "32.9"),
            ("England", "England", "2024", "cpp_start", "CP plan starts", "1", "40.0"),
            ("England", "England", "2025", "cpp_start", "CP plan starts", "1", "40.6"),
            ("Region", "East Midlands", "2025", "cpp_start", "CP plan starts", "1", "45.0"),
            ("Comparator local authority", "Derby", "2025", "cpp_start", "CP plan starts", "1", "38.0"),
            ("Statistical neighbour", "A", "2025", "cpp_start", "CP plan starts", "1", "30.0"),
            ("Statistical neighbour", "B", "2025", "cpp_start", "CP plan starts", "1", "39.9"),
            ("Statistical neighbour", "C", "2025", "cpp_start", "CP plan starts", "1", "50.0"),
            ("Statistical neighbour", "D", "2025", "cpp_start", "CP plan starts", "[c]", "[c]"),
            ("Statistical neighbour", "E", "2025", "cpp_start", "CP plan starts", "1", "35.0"),
            ("Statistical neighbour", "A", "2024", "cpp_start", "CP plan starts", "1", "99.0"),  # older year: not used
            ("Partnership", "P", "12 months to 30 September 2026", "referral", "Referrals", "2503.0", "455.1"),
            ("England", "England", "2025", "referral", "Referrals", "1", "480.0"),
            ("Statistical neighbour", "A", "2025", "referral", "Referrals", "1", "600.0"),
            ("Statistical neighbour", "B", "2025", "referral", "Referrals", "1", "400.0"),
            ("Statistical neighbour", "C", "2025", "referral", "Referrals", "1", "500.0"),
        ]
    )
    v = benchmark_view(pub).set_index("Stage")
    assert list(v.index) == ["CP plan starts", "Referrals"]
    cp = v.loc["CP plan starts"]
    # neighbours with a 2025 rate: 30, 35, 39.9, 50 -> median (35 + 39.9) / 2; D is suppressed
    assert cp["Children"] == 181
    assert cp["Rate"] == 32.9
    assert cp["DfE year"] == "2025"
    assert cp["England"] == 40.6 and cp["Region"] == 45.0
    assert math.isclose(cp["Neighbours: median"], 37.45)
    assert cp["Neighbours: lowest"] == 30.0 and cp["Neighbours: highest"] == 50.0
    # 35, 39.9 and 50 are higher than 32.9: fourth of five
    assert cp["Rank"] == "4 of 5"
    rf = v.loc["Referrals"]
    assert (
        rf["Neighbours: median"] == 500.0 and rf["Neighbours: lowest"] == 400.0 and rf["Neighbours: highest"] == 600.0
    )
    assert math.isnan(rf["Region"])  # no region row for this stage
    assert rf["Rank"] == "3 of 4"


def _heatmap_published(rows):
    labels = {"BCRB": "Black Caribbean", "BAFR": "Black African", "AIND": "Indian", "WBRI": "White British"}
    stages = {"referral": "Referral", "cpp_start": "Child protection plan"}
    return pd.DataFrame(
        [
            {
                "period": "2026-27 Q2",
                "measure": "rate_ratio",
                "group_type": "ethnicity_minor",
                "method": m,
                "group": g,
                "group_label": labels[g],
                "stage": s,
                "stage_label": stages[s],
                "count": "12",
                "value": v,
                "lower_95": "",
                "upper_95": "",
                "flag": f,
                "reference_group": "White British",
            }
            for g, s, v, f, m in rows
        ]
    ).astype(object)


HEATMAP_ROWS = [  # group, stage, value, flag, method
    ("WBRI", "referral", "1", "not compared", "reference group"),
    ("BCRB", "referral", "0.8", "similar", "Katz log"),
    ("BCRB", "cpp_start", "2.1", "similar (interval excludes 1, not a finding after FDR control)", "Katz log"),
    ("BAFR", "referral", "2.5", "higher (95%)", "Katz log"),
    ("BAFR", "cpp_start", "4.4", "higher (99.8%)", "Katz log"),
    ("AIND", "referral", "0.4", "lower (95%)", "Katz log"),
    ("AIND", "cpp_start", "[c]", "[c]", "Katz log"),
]


def test_heatmap_data_marks_exactly_the_cells_whose_flag_is_a_direction():
    d = present.heatmap_data(_heatmap_published(HEATMAP_ROWS))
    marked = set(d.loc[d["is_finding"], ["group", "stage"]].itertuples(index=False, name=None))
    # the three rows whose flag says higher or lower; not the FDR-rejected "similar (interval excludes 1 ...)"
    assert marked == {("BAFR", "referral"), ("BAFR", "cpp_start"), ("AIND", "referral")}
    assert d["is_finding"].dtype == bool and len(d) == 6  # the reference group's row left out


def test_show_heatmap_outlines_the_findings_and_says_what_the_outline_means():
    ctx = SimpleNamespace(
        config=SimpleNamespace(disclosure=DisclosureConfig()), publish=SimpleNamespace(figure=lambda chart: chart)
    )
    chart = present.show_heatmap(ctx, SimpleNamespace(table=_heatmap_published(HEATMAP_ROWS)))
    chart.fig.canvas.draw()
    ax = chart.fig.axes[0]
    outlined = {p.get_xy() for p in ax.patches if isinstance(p, Rectangle) and p.get_gid() == "marked"}
    # rows in order of appearance (Black Caribbean, Black African, Indian), columns Referral, plan;
    # an outline sits 0.05 inside its cell
    assert outlined == {(0.05, 1.05), (1.05, 1.05), (0.05, 2.05)}
    note = next(a for a in [*chart.fig.texts, *chart.fig.artists] if a.get_gid() == "note").get_text()
    assert "outlined in a thick dark border are findings" in note.replace("\n", " ")
    assert "3 cells are outlined: findings" in chart.alt
    assert "outlined" in chart.subtitle
    assert chart.data["is_finding"].tolist() == [False, False, True, True, True, False]


ALT = "Heatmap of two test ratios; values are in the table."


def test_heatmap_without_marks_draws_no_outline():
    matrix = pd.DataFrame({"s1": [1.0, 2.0]}, index=["A", "B"])
    chart = charts.heatmap(matrix, name="t", title="t", subtitle="s", source="x", alt=ALT)
    none_marked = charts.heatmap(
        matrix,
        name="t",
        title="t",
        subtitle="s",
        source="x",
        alt=ALT,
        marked=pd.DataFrame({"s1": [False, False]}, index=["A", "B"]),
        mark_meaning="findings",
    )
    for c in (chart, none_marked):
        assert not [p for p in c.fig.axes[0].patches if p.get_gid() == "marked"] and c.alt == ALT
