"""The benchmark's looked-after rows when unaccompanied children are reported apart (issue 16).

DfE counts unaccompanied asylum-seeking children (UASC) in its looked-after figures, so the
benchmark's partnership row includes them; the grid publishes the resident children. The
difference of the two published figures is the partnership's number of unaccompanied children.

- When that number is 1 to the threshold, the row with UASC must be hidden (the difference would
  show the small count): kept hidden, the page says why, and the resident children's row (already
  published in the grid) is shown in the benchmark instead.
- When it is above the threshold and nothing else pins a hidden cell, both rows are published.

Counts worked by hand on tiny frames (every child referred, then looked after in the window).
"""

from __future__ import annotations

import pandas as pd
from test_disproportionality_uasc_disclosure import publish_spec  # the tiny partnership's tables

from assurance_lib.config import DisclosureConfig, Period
from assurance_lib.disclosure import audit_tables, is_suppressed
from assurance_lib.disproportionality.benchmark import RESIDENT, benchmark_view, uasc_withheld
from assurance_lib.disproportionality.present import show_benchmark

Q2 = Period.parse("2026-27 Q2")
CFG = DisclosureConfig()  # DfE: counts of 1 to 5 suppressed, zeros shown


def _publish(spec):
    published, items, _ = publish_spec(spec)
    return {s.name: f for f, s in published}, published, {s.name: f for f, s in items}


def _bench(t, area_type, stage="cla_start"):
    r = t[t["area_type"].eq(area_type) & t["stage"].eq(stage)]
    assert len(r) == 1, (area_type, stage)
    return r.iloc[0]


def _grid(t, measure, stage="cla_start"):
    r = t[t["stage"].eq(stage) & t["measure"].eq(measure) & t["group_type"].eq("all")]
    assert len(r) == 1, measure
    return r.iloc[0]


LA = ["referral", "cla_start"]


def test_three_unaccompanied_children_withhold_the_dfe_like_row_and_show_the_resident_one():
    # WBRI 200 looked after (+300 referred only), BAFR 40 resident looked after and 3 unaccompanied.
    # Resident children looked after: 200 + 40 = 240; with UASC (as DfE counts): 243; difference 3 (1..5).
    tables, published, true = _publish(
        [
            ("WBRI", "no", 200, LA),
            ("WBRI", "no", 300, ["referral"]),
            ("BAFR", "no", 40, LA),
            ("BAFR", "yes", 3, LA),
            ("BAFR", "no", 60, ["referral"]),
        ]
    )
    b_true = true["disproportionality_benchmark"]
    for stage in ("cla_start", "cla_at_end"):  # no end dates: every child is still looked after on 30 September
        assert float(_bench(b_true, "Partnership", stage)["count"]) == 243
        assert float(_bench(b_true, RESIDENT, stage)["count"]) == 240
    b, d = tables["disproportionality_benchmark"], tables["disproportionality"]
    for stage in ("cla_start", "cla_at_end"):
        part, res = _bench(b, "Partnership", stage), _bench(b, RESIDENT, stage)
        assert is_suppressed(part["count"]) and is_suppressed(part["value"])  # 243 - 240 would give the 3
        assert res["count"] == "240" and res["count"] == _grid(d, "rate_per_10000", stage)["count"]
        assert res["value"] == str(round(240 / 47000 * 10000, 4))  # 51.0638 per 10,000, as published
        assert "not like with like" in res["note"] and "included" in part["note"]
        assert is_suppressed(_grid(d, "uasc_children", stage)["count"])
    assert uasc_withheld(b) == ["cla_start", "cla_at_end"]
    view = benchmark_view(b).set_index("Stage")
    row = view.loc["Starts to be looked after: resident children only"]
    assert row["Children"] == 240 and pd.isna(row["England"]) and row["Rank"] == ""
    assert view.loc["Starts to be looked after", "Children"] == "[c]"  # the withheld row shows its symbol
    assert audit_tables(published, CFG)["passed"]

    class Res:  # what show_benchmark reads
        benchmark = b

    html = show_benchmark(Res())._repr_html_()
    assert "Why a looked-after row shows [c]" in html and "are withheld" in html and "secondary suppression" in html
    assert "starts to be looked after and looked after at the period end with unaccompanied" in html
    assert "243" not in html and " 3 " not in html  # the rule is named, never the count


def test_eleven_unaccompanied_children_publish_both_rows():
    # WBRI 200 resident; BAFR 40 resident and 6 unaccompanied; AIND 30 resident and 5 unaccompanied.
    # Resident 200 + 40 + 30 = 270; with UASC 270 + 6 + 5 = 281; the difference 11 is above the threshold,
    # so the DfE-like row is published beside the resident one (no over-suppression). The groups stay
    # protected: AIND's 5 is hidden (1..5), and so is BAFR's 6 (else 11 - 6 = 5); their with-UASC figures
    # 35 and 46 are hidden too (35 - 30 and 46 - 40 would give them away beside the published 30 and 40).
    tables, published, true = _publish(
        [
            ("WBRI", "no", 200, LA),
            ("WBRI", "no", 300, ["referral"]),
            ("BAFR", "no", 40, LA),
            ("BAFR", "yes", 6, LA),
            ("BAFR", "no", 60, ["referral"]),
            ("AIND", "no", 30, LA),
            ("AIND", "yes", 5, LA),
            ("AIND", "no", 50, ["referral"]),
        ]
    )
    b, d = tables["disproportionality_benchmark"], tables["disproportionality"]
    assert float(_bench(true["disproportionality_benchmark"], "Partnership")["count"]) == 281
    assert (_bench(b, "Partnership")["count"], _bench(b, RESIDENT)["count"]) == ("281", "270")
    assert _grid(d, "uasc_children")["count"] == "11"
    assert uasc_withheld(b) == []
    for measure in ("uasc_children", "rate_ratio_with_uasc"):
        for group in ("AIND", "BAFR"):
            r = d[d["stage"].eq("cla_start") & d["measure"].eq(measure) & d["group"].eq(group)].iloc[0]
            assert is_suppressed(r["count"]), (measure, group)
    for group, n in (("AIND", "30"), ("BAFR", "40")):  # the resident figures the findings rest on stay
        r = d[d["stage"].eq("cla_start") & d["measure"].eq("rate_ratio") & d["group"].eq(group)].iloc[0]
        assert r["count"] == n
    assert audit_tables(published, CFG)["passed"]

    class Res:
        benchmark = b

    assert "withheld" not in show_benchmark(Res())._repr_html_()
