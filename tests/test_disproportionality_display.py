"""What notebook 01 shows beside the published tables: benchmark view and heatmap finding marks."""

from __future__ import annotations

import math

import pandas as pd

from assurance_lib.disproportionality.benchmark import benchmark_view


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
    assert cp["Partnership: children"] == 181
    assert cp["Partnership: rate"] == 32.9
    assert cp["DfE year"] == "2025"
    assert cp["England"] == 40.6 and cp["Region"] == 45.0
    assert math.isclose(cp["Neighbours' median"], 37.45)
    assert cp["Neighbours' lowest"] == 30.0 and cp["Neighbours' highest"] == 50.0
    assert cp["Neighbours with a rate"] == 4
    # 35, 39.9 and 50 are higher than 32.9: fourth of five
    assert cp["Partnership's rank with its neighbours (1 = highest rate)"] == "4 of 5"
    rf = v.loc["Referrals"]
    assert (
        rf["Neighbours' median"] == 500.0 and rf["Neighbours' lowest"] == 400.0 and rf["Neighbours' highest"] == 600.0
    )
    assert math.isnan(rf["Region"])  # no region row for this stage
    assert rf["Partnership's rank with its neighbours (1 = highest rate)"] == "3 of 4"
