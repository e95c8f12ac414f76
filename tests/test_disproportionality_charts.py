"""Notebook 01's charts: funnel plots with the statistical neighbours marked, shown as one displayable list."""

from __future__ import annotations

import numpy as np
import pandas as pd

from assurance_lib import charts


def test_funnel_marks_the_neighbours_and_figures_show_every_plot(tmp_path):
    pts = pd.DataFrame(
        {
            "area": ["A", "B", "C", "This partnership"],
            "population": [10000, 20000, 40000, 30000],
            "rate": [30.0, 40.0, 35.0, 33.0],
            "neighbour": [True, False, True, False],
        }
    )
    lims = pd.DataFrame({"population": [10000, 40000], "lower_95": [20.0, 30.0], "upper_95": [60.0, 50.0]})
    chart = charts.funnel(
        pts,
        lims,
        x="population",
        y="rate",
        name="f",
        title="Referrals",
        subtitle="per 10,000",
        source="DfE",
        alt="Funnel plot of referral rates of every authority",
        highlight="This partnership",
        label_col="area",
        limit_cols=[("lower_95", "upper_95", "95% limits")],
        marked="neighbour",
        marked_label="Statistical neighbours",
    )
    ax = chart.fig.axes[0]
    tri = [c for c in ax.collections if c.get_label() == "Statistical neighbours"]
    assert len(tri) == 1 and sorted(map(tuple, tri[0].get_offsets().tolist())) == [(10000.0, 30.0), (40000.0, 35.0)]
    shown = charts.Figures([chart.save(tmp_path), chart.display()])
    html = shown._repr_html_()
    assert html.count("<figure") == 2 and html.count("data:image/png;base64,") == 2


def test_small_multiples_one_panel_per_group_with_gaps():
    d = pd.DataFrame(
        {
            "quarter": ["Q1", "Q2", "Q1", "Q2", "Q1", "Q2"],
            "group": ["Black", "Black", "Asian", "Asian", "Mixed", "Mixed"],
            "ratio": [2.0, "[c]", 1.0, 1.2, 0.9, 1.1],
            "lower_95": [1.5, "[c]", 0.8, 0.9, 0.5, 0.6],
            "upper_95": [2.5, "[c]", 1.3, 1.5, 1.6, 1.9],
        }
    )
    chart = charts.small_multiples(
        d,
        x="quarter",
        y="ratio",
        panel="group",
        lower="lower_95",
        upper="upper_95",
        reference=1.0,
        name="t",
        title="T",
        subtitle="S",
        source="X",
        alt="Small multiples of quarterly ratios",
    )
    visible = [a for a in chart.fig.axes if a.get_visible()]
    assert [a.get_title(loc="left") for a in visible] == ["Black", "Asian", "Mixed"]
    y = visible[0].lines[-1].get_ydata()
    assert y[0] == 2.0 and np.isnan(y[1])  # the suppressed quarter is a gap
