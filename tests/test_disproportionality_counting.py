"""Counting children, not episodes: flows, stocks, age bands, conversions (hand-built cases)."""

from __future__ import annotations

import pandas as pd
import pytest

from assurance_lib.config import Period
from assurance_lib.disproportionality.cohort import (child_attributes, conversions, count_groups, prepare_events,
                                                     stage_members, window_for)

Q2 = Period.parse("2026-27 Q2")           # rolling 12 months: 1 October 2025 to 30 September 2026


def ev(rows):
    """Typed events as read_events returns them (child, event, date, end, dob, ...)."""
    cols = ["child_id", "event", "event_date", "end_date", "date_of_birth", "ethnicity", "sex", "uasc"]
    df = pd.DataFrame([dict(zip(cols, r)) for r in rows])
    for c in ("event_date", "end_date", "date_of_birth"):
        df[c] = pd.to_datetime(df[c], format="%Y-%m-%d", errors="coerce")
    df["age_at_event"] = float("nan")
    df["disability"] = "no"
    df["imd_decile"] = pd.array([pd.NA] * len(df), dtype="Int64")
    df["_row"] = range(2, len(df) + 2)
    for c in ("child_id", "event", "ethnicity", "sex", "uasc"):
        df[c] = df[c].astype("string")
    return df


def members(rows, period=Q2, window="rolling12", **kw):
    prep = prepare_events(ev(rows), period.end)
    return stage_members(prep.events, window_for(period, window), **kw), prep


def test_children_not_episodes_and_window_edges():
    m, _ = members([
        ("A", "referral", "2025-10-01", "", "2015-01-01", "WBRI", "female", "no"),   # first day of the window
        ("A", "referral", "2026-02-01", "", "2015-01-01", "WBRI", "female", "no"),   # re-referral: same child
        ("A", "referral", "2026-09-30", "", "2015-01-01", "WBRI", "female", "no"),   # last day
        ("B", "referral", "2025-09-30", "", "2015-01-01", "WBRI", "female", "no"),   # day before the window
    ])
    assert m[m["stage"] == "referral"]["child"].nunique() == 1
    assert len(m[m["stage"] == "referral"]) == 1


def test_quarter_window():
    m, _ = members([
        ("A", "s47", "2026-06-30", "", "2015-01-01", "WBRI", "female", "no"),
        ("B", "s47", "2026-07-01", "", "2015-01-01", "WBRI", "female", "no"),
    ], window="quarter")
    assert len(m[m["stage"] == "s47"]) == 1


def test_stocks_at_the_period_end():
    rows = [
        ("A", "cpp_start", "2026-01-01", "", "2015-01-01", "WBRI", "female", "no"),            # open: on a plan
        ("B", "cpp_start", "2026-01-01", "2026-09-29", "2015-01-01", "WBRI", "female", "no"),  # ended before the end
        ("C", "cpp_start", "2026-01-01", "2026-10-15", "2015-01-01", "WBRI", "female", "no"),  # ends after: open at the end
        ("D", "cla_start", "2019-05-01", "", "2012-01-01", "WBRI", "female", "no"),            # looked after for years
        ("E", "cpp_start", "2026-01-01", "2026-09-30", "2015-01-01", "WBRI", "female", "no"),  # ended on the last day
    ]
    m, _ = members(rows)
    assert sorted(m[m["stage"] == "cpp_at_end"]["child"].tolist()) == [0, 2]   # A and C
    assert m[m["stage"] == "cla_at_end"]["child"].tolist() == [3]
    # plan starts in the window count A, B, C, E (flows), D's care start is outside the window
    assert len(m[m["stage"] == "cpp_start"]) == 4 and len(m[m["stage"] == "cla_start"]) == 0


def test_age_bands_prebirth_and_turning_18():
    m, _ = members([
        ("U", "icpc", "2026-03-01", "", "2026-07-01", "WBRI", "female", "no"),        # 122 days before birth
        ("U", "cpp_start", "2026-03-01", "", "2026-07-01", "WBRI", "female", "no"),   # unborn at start, born by the end
        ("T", "cla_start", "2025-01-01", "", "2008-09-01", "WBRI", "male", "no"),     # 18 on 1 Sep 2026, still looked after
        ("K", "referral", "2026-03-01", "", "2016-03-01", "WBRI", "male", "no"),      # 10th birthday that day
        ("K", "referral", "2026-05-01", "", "2016-03-01", "WBRI", "male", "no"),
    ])
    band = {(r.child, r.stage): r.age_band for r in m.itertuples()}
    assert band[(0, "icpc")] == "unborn"
    assert band[(0, "cpp_start")] == "unborn"
    assert band[(0, "cpp_at_end")] == "under 1"          # stocks: age at the period end
    assert band[(1, "cla_at_end")] == "16 to 17"
    assert band[(2, "referral")] == "10 to 15"           # first referral in the window


def test_latest_recorded_characteristics_are_used():
    e = ev([("A", "contact", "2025-11-01", "", "2015-01-01", "NOBT", "unknown", "no"),
            ("A", "referral", "2026-01-01", "", "2015-01-01", "MWBC", "female", "no")])
    prep = prepare_events(e, Q2.end)
    a = child_attributes(prep.events)
    assert a.loc[0, "ethnicity"] == "MWBC" and a.loc[0, "sex"] == "female" and a.loc[0, "ethnicity_major"] == "Mixed"


def test_uasc_switch_leaves_them_out_of_looked_after_stages_only():
    rows = [("A", "referral", "2026-01-01", "", "2009-01-01", "OOTH", "male", "yes"),
            ("A", "cla_start", "2026-01-02", "", "2009-01-01", "OOTH", "male", "yes"),
            ("B", "cla_start", "2026-01-02", "", "2012-01-01", "WBRI", "male", "no")]
    m_in, _ = members(rows)
    m_out, _ = members(rows, exclude_uasc_cla=True)
    assert len(m_in[m_in["stage"] == "cla_start"]) == 2
    assert m_out[m_out["stage"] == "cla_start"]["child"].tolist() == [1]
    assert len(m_out[m_out["stage"] == "referral"]) == 1


def test_conversions_with_lookback():
    rows = [
        ("A", "referral", "2025-08-15", "", "2015-01-01", "WBRI", "female", "no"),  # in the 3-month look-back
        ("A", "s47", "2025-10-10", "", "2015-01-01", "WBRI", "female", "no"),       # converted
        ("B", "referral", "2025-05-01", "", "2015-01-01", "WBRI", "female", "no"),  # before the look-back
        ("B", "s47", "2025-10-10", "", "2015-01-01", "WBRI", "female", "no"),       # not in the cohort
        ("C", "s47", "2026-01-01", "", "2015-01-01", "WBRI", "female", "no"),       # enquiry before the referral
        ("C", "referral", "2026-02-01", "", "2015-01-01", "WBRI", "female", "no"),  # in the cohort, not converted
        ("D", "referral", "2026-03-01", "", "2015-01-01", "WBRI", "female", "no"),  # no enquiry
    ]
    prep = prepare_events(ev(rows), Q2.end)
    c = conversions(prep.events, window_for(Q2), {"s47": "referral"}, lookback_months=3)
    got = dict(zip(c["child"], c["converted"]))
    assert got == {0: True, 2: False, 3: False}
    c0 = conversions(prep.events, window_for(Q2), {"s47": "referral"}, lookback_months=0)
    assert set(c0["child"]) == {2, 3}


def test_counts_are_zero_filled_and_parts_add_up():
    rows = [("A", "referral", "2026-01-01", "", "2015-01-01", "WBRI", "female", "no"),
            ("B", "referral", "2026-01-01", "", "2015-01-01", "REFU", "male", "no"),
            ("C", "referral", "2026-01-01", "", "2026-05-01", "BAFR", "unknown", "no")]
    m, prep = members(rows)
    a = child_attributes(prep.events)
    c = count_groups(m, a, stages=["referral", "s47"])
    r = c[c["stage"] == "referral"].set_index(["group_type", "group"])["n"]
    assert r[("all", "All children")] == 3
    for gt in ("ethnicity_minor", "ethnicity_major", "sex", "age_band", "disability",
               "ethnicity_major x sex", "ethnicity_major x age_band"):
        assert r.xs(gt).sum() == 3, gt
    assert r[("ethnicity_minor", "MWBC")] == 0 and r[("age_band", "unborn")] == 1
    assert r[("ethnicity_major", "Not known")] == 1 and r[("ethnicity_major x sex", "Black x unknown")] == 1
    assert c[c["stage"] == "s47"]["n"].sum() == 0
