"""Counting children, not episodes: flows, stocks, age bands, conversions.

Hand-built cases worked out by hand, then the library's rule (``cohort.children_at_stage``,
``feeder_cohort``, ``conversions``, ``child_attributes``) against a second method written
independently: an explicit loop over each child's rows, on random events (hypothesis).
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from assurance_lib import reference as ref
from assurance_lib.config import Period
from assurance_lib.disproportionality.cohort import (
    child_attributes,
    conversions,
    count_groups,
    earliest_day,
    events_of_each_kind,
    prepare_events,
    stage_members,
    window_for,
)

Q2 = Period.parse("2026-27 Q2")  # rolling 12 months: 1 October 2025 to 30 September 2026


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
    m, _ = members(
        [
            ("A", "referral", "2025-10-01", "", "2015-01-01", "WBRI", "female", "no"),  # first day of the window
            ("A", "referral", "2026-02-01", "", "2015-01-01", "WBRI", "female", "no"),  # re-referral: same child
            ("A", "referral", "2026-09-30", "", "2015-01-01", "WBRI", "female", "no"),  # last day
            ("B", "referral", "2025-09-30", "", "2015-01-01", "WBRI", "female", "no"),  # day before the window
        ]
    )
    assert m[m["stage"] == "referral"]["child"].nunique() == 1
    assert len(m[m["stage"] == "referral"]) == 1


def test_quarter_window():
    m, _ = members(
        [
            ("A", "s47", "2026-06-30", "", "2015-01-01", "WBRI", "female", "no"),
            ("B", "s47", "2026-07-01", "", "2015-01-01", "WBRI", "female", "no"),
        ],
        window="quarter",
    )
    assert len(m[m["stage"] == "s47"]) == 1


def test_stocks_at_the_period_end():
    rows = [
        ("A", "cpp_start", "2026-01-01", "", "2015-01-01", "WBRI", "female", "no"),  # open: on a plan
        ("B", "cpp_start", "2026-01-01", "2026-09-29", "2015-01-01", "WBRI", "female", "no"),  # ended before the end
        (
            "C",
            "cpp_start",
            "2026-01-01",
            "2026-10-15",
            "2015-01-01",
            "WBRI",
            "female",
            "no",
        ),  # ends after: open at the end
        ("D", "cla_start", "2019-05-01", "", "2012-01-01", "WBRI", "female", "no"),  # looked after for years
        ("E", "cpp_start", "2026-01-01", "2026-09-30", "2015-01-01", "WBRI", "female", "no"),  # ended on the last day
    ]
    m, _ = members(rows)
    assert sorted(m[m["stage"] == "cpp_at_end"]["child"].tolist()) == [0, 2]  # A and C
    assert m[m["stage"] == "cla_at_end"]["child"].tolist() == [3]
    # plan starts in the window count A, B, C, E (flows), D's care start is outside the window
    assert len(m[m["stage"] == "cpp_start"]) == 4 and len(m[m["stage"] == "cla_start"]) == 0


def test_age_bands_prebirth_and_turning_18():
    m, _ = members(
        [
            ("U", "icpc", "2026-03-01", "", "2026-07-01", "WBRI", "female", "no"),  # 122 days before birth
            (
                "U",
                "cpp_start",
                "2026-03-01",
                "",
                "2026-07-01",
                "WBRI",
                "female",
                "no",
            ),  # unborn at start, born by the end
            (
                "T",
                "cla_start",
                "2025-01-01",
                "",
                "2008-09-01",
                "WBRI",
                "male",
                "no",
            ),  # 18 on 1 Sep 2026, still looked after
            ("K", "referral", "2026-03-01", "", "2016-03-01", "WBRI", "male", "no"),  # 10th birthday that day
            ("K", "referral", "2026-05-01", "", "2016-03-01", "WBRI", "male", "no"),
        ]
    )
    band = {(r.child, r.stage): r.age_band for r in m.itertuples()}
    assert band[(0, "icpc")] == "unborn"
    assert band[(0, "cpp_start")] == "unborn"
    assert band[(0, "cpp_at_end")] == "under 1"  # stocks: age at the period end
    assert band[(1, "cla_at_end")] == "16 to 17"
    assert band[(2, "referral")] == "10 to 15"  # first referral in the window


def test_latest_recorded_characteristics_are_used():
    # The later row is first in the file: the latest row is by date, not by position.
    e = ev(
        [
            ("A", "referral", "2026-01-01", "", "2015-01-01", "MWBC", "female", "no"),
            ("A", "contact", "2025-11-01", "", "2015-01-01", "NOBT", "unknown", "no"),
            ("A", "contact", "2026-10-20", "", "2015-01-01", "WBRI", "male", "no"),
        ]
    )  # after the period: not used
    prep = prepare_events(e, Q2.end)
    a = child_attributes(prep.events)
    assert a.loc[0, "ethnicity"] == "MWBC" and a.loc[0, "sex"] == "female" and a.loc[0, "ethnicity_major"] == "Mixed"
    # the child is counted once, in the latest group, at both stages (the contact was recorded as NOBT)
    m = stage_members(prep.events, window_for(Q2), attrs=a)
    c = count_groups(m, a, stages=["contact", "referral"]).set_index(["stage", "group_type", "group"])["n"]
    for stage in ("contact", "referral"):
        assert c[(stage, "ethnicity_minor", "MWBC")] == 1 and c[(stage, "ethnicity_minor", "NOBT")] == 0
        assert c[(stage, "sex", "female")] == 1 and c[(stage, "sex", "unknown")] == 0


def test_same_day_rows_the_last_in_the_file_is_the_latest():
    e = ev(
        [
            ("A", "contact", "2026-01-01", "", "2015-01-01", "NOBT", "unknown", "no"),
            ("A", "referral", "2026-01-01", "", "2015-01-01", "BCRB", "male", "no"),
        ]
    )
    a = child_attributes(prepare_events(e, Q2.end).events)
    assert a.loc[0, "ethnicity"] == "BCRB" and a.loc[0, "sex"] == "male"


def test_duplicate_events_count_the_child_once():
    # The same referral twice (as a second extract appended to the first would give), with the
    # first copy's date of birth used for the age band (the first row of the child's first day).
    m, _ = members(
        [
            ("A", "referral", "2026-02-01", "", "2015-01-01", "WBRI", "female", "no"),
            ("A", "referral", "2026-02-01", "", "2015-01-01", "WBRI", "female", "no"),
            ("B", "cpp_start", "2026-01-01", "", "2020-01-01", "WBRI", "male", "no"),
            ("B", "cpp_start", "2026-01-01", "", "2020-01-01", "WBRI", "male", "no"),
        ]
    )
    assert m[m["stage"] == "referral"][["child", "age_band"]].values.tolist() == [[0, "10 to 15"]]
    assert m[m["stage"] == "cpp_start"]["child"].tolist() == [1] and m[m["stage"] == "cpp_at_end"][
        "child"
    ].tolist() == [1]


def test_uasc_switch_leaves_them_out_of_looked_after_stages_only():
    rows = [
        ("A", "referral", "2026-01-01", "", "2009-01-01", "OOTH", "male", "yes"),
        ("A", "cla_start", "2026-01-02", "", "2009-01-01", "OOTH", "male", "yes"),
        ("B", "cla_start", "2026-01-02", "", "2012-01-01", "WBRI", "male", "no"),
    ]
    m_in, _ = members(rows)
    m_out, _ = members(rows, exclude_uasc_cla=True)
    assert len(m_in[m_in["stage"] == "cla_start"]) == 2
    assert m_out[m_out["stage"] == "cla_start"]["child"].tolist() == [1]
    assert len(m_out[m_out["stage"] == "referral"]) == 1


def test_conversions_with_lookback():
    rows = [
        ("A", "referral", "2025-08-15", "", "2015-01-01", "WBRI", "female", "no"),  # in the 3-month look-back
        ("A", "s47", "2025-10-10", "", "2015-01-01", "WBRI", "female", "no"),  # converted
        ("B", "referral", "2025-05-01", "", "2015-01-01", "WBRI", "female", "no"),  # before the look-back
        ("B", "s47", "2025-10-10", "", "2015-01-01", "WBRI", "female", "no"),  # not in the cohort
        ("C", "s47", "2026-01-01", "", "2015-01-01", "WBRI", "female", "no"),  # enquiry before the referral
        ("C", "referral", "2026-02-01", "", "2015-01-01", "WBRI", "female", "no"),  # in the cohort, not converted
        ("D", "referral", "2026-03-01", "", "2015-01-01", "WBRI", "female", "no"),  # no enquiry
    ]
    prep = prepare_events(ev(rows), Q2.end)
    c = conversions(prep.events, window_for(Q2), {"s47": "referral"}, lookback_months=3)
    got = dict(zip(c["child"], c["converted"]))
    assert got == {0: True, 2: False, 3: False}
    c0 = conversions(prep.events, window_for(Q2), {"s47": "referral"}, lookback_months=0)
    assert set(c0["child"]) == {2, 3}


def test_feeder_before_the_window_converts_only_at_the_stage_in_the_window():
    rows = [
        ("A", "referral", "2025-09-01", "", "2015-01-01", "WBRI", "female", "no"),  # look-back: in the cohort
        ("A", "s47", "2025-09-10", "", "2015-01-01", "WBRI", "female", "no"),  # before the window: not counted
        ("B", "referral", "2025-09-01", "", "2015-01-01", "WBRI", "female", "no"),  # look-back
        ("B", "referral", "2026-03-01", "", "2015-01-01", "WBRI", "female", "no"),  # again in the window
        ("B", "s47", "2026-01-05", "", "2015-01-01", "WBRI", "female", "no"),  # after the first referral: converted
    ]
    prep = prepare_events(ev(rows), Q2.end)
    c = conversions(prep.events, window_for(Q2), {"s47": "referral"}, lookback_months=3)
    assert dict(zip(c["child"], c["converted"])) == {0: False, 1: True}
    # the age band is at the first referral of the span (1 September 2025: 10 years old)
    assert c["age_band"].tolist() == ["10 to 15", "10 to 15"]
    # a child is in the cohort of each stage their feeder serves, once
    both = conversions(prep.events, window_for(Q2), {"s47": "referral", "assessment": "referral"})
    assert both[["child", "stage"]].values.tolist() == [[0, "s47"], [1, "s47"], [0, "assessment"], [1, "assessment"]]
    assert both["converted"].tolist() == [False, True, False, False]


def test_counts_are_zero_filled_and_parts_add_up():
    rows = [
        ("A", "referral", "2026-01-01", "", "2015-01-01", "WBRI", "female", "no"),
        ("B", "referral", "2026-01-01", "", "2015-01-01", "REFU", "male", "no"),
        ("C", "referral", "2026-01-01", "", "2026-05-01", "BAFR", "unknown", "no"),
    ]
    m, prep = members(rows)
    a = child_attributes(prep.events)
    c = count_groups(m, a, stages=["referral", "s47"])
    r = c[c["stage"] == "referral"].set_index(["group_type", "group"])["n"]
    assert r[("all", "All children")] == 3
    for gt in (
        "ethnicity_minor",
        "ethnicity_major",
        "sex",
        "age_band",
        "disability",
        "ethnicity_major x sex",
        "ethnicity_major x age_band",
    ):
        assert r.xs(gt).sum() == 3, gt
    assert r[("ethnicity_minor", "MWBC")] == 0 and r[("age_band", "unborn")] == 1
    assert r[("ethnicity_major", "Not known")] == 1 and r[("ethnicity_major x sex", "Black x unknown")] == 1
    assert c[c["stage"] == "s47"]["n"].sum() == 0


# ------------------------------------------------------------------------------------------
# the rule against a second method: an explicit loop over each child's rows
# ------------------------------------------------------------------------------------------

_BASE = dt.date(2025, 5, 1)  # dates from May 2025 (before the look-back) to October 2026 (after)


def _band_by_hand(dob: dt.date | None, age: float | None, event_day: dt.date, when: dt.date) -> str | None:
    """The age band on ``when``: calendar age from the date of birth, else the age at the event moved on."""
    if dob is not None:
        if when < dob:
            return "unborn"
        years = when.year - dob.year - ((when.month, when.day) < (dob.month, dob.day))
    elif age is not None:
        years = math.floor(age + (when - event_day).days / 365.25)
    else:
        return None
    years = min(max(years, 0), 17)
    return (
        "under 1"
        if years < 1
        else "1 to 4"
        if years < 5
        else "5 to 9"
        if years < 10
        else "10 to 15"
        if years < 16
        else "16 to 17"
    )


def _by_hand(rows: list[dict], window, feeders: dict[str, str], lookback_start: dt.date, exclude_uasc: bool):
    """Members ``{(child_id, stage): age_band}``, conversions ``{(child_id, stage): (age_band, converted)}``
    and characteristics ``{child_id: (ethnicity, sex, uasc)}``, child by child."""
    start, end = window.start, window.end
    members, conv, attrs = {}, {}, {}
    for child in dict.fromkeys(r["child_id"] for r in rows):
        mine = [(i, r) for i, r in enumerate(rows) if r["child_id"] == child and r["event_date"] <= end]
        if not mine:
            continue
        _, latest = max(mine, key=lambda ir: (ir[1]["event_date"], ir[0]))  # same day: the last row
        attrs[child] = (latest["ethnicity"], latest["sex"], latest["uasc"])
        uasc = exclude_uasc and latest["uasc"] == "yes"
        for s in ref.STAGES:
            if uasc and s.code in ("cla_start", "cla_at_end"):
                continue
            if s.kind == "flow":
                hits = [(i, r) for i, r in mine if r["event"] == s.event and start <= r["event_date"] <= end]
                if hits:
                    _, r = min(hits, key=lambda ir: (ir[1]["event_date"], ir[0]))  # same day: the first row
                    members[(child, s.code)] = _band_by_hand(r["dob"], r["age"], r["event_date"], r["event_date"])
            else:
                hits = [
                    (i, r) for i, r in mine if r["event"] == s.event and (r["end_date"] is None or r["end_date"] > end)
                ]
                if hits:
                    _, r = max(hits, key=lambda ir: (ir[1]["event_date"], ir[0]))
                    members[(child, s.code)] = _band_by_hand(r["dob"], r["age"], r["event_date"], end)
        for stage, feeder in feeders.items():
            if uasc and stage == "cla_start":
                continue
            span = [(i, r) for i, r in mine if r["event"] == feeder and lookback_start <= r["event_date"] <= end]
            if not span:
                continue
            _, first = min(span, key=lambda ir: (ir[1]["event_date"], ir[0]))
            converted = any(
                r["event"] == stage and start <= r["event_date"] <= end and r["event_date"] >= first["event_date"]
                for _, r in mine
            )
            conv[(child, stage)] = (
                _band_by_hand(first["dob"], first["age"], first["event_date"], first["event_date"]),
                converted,
            )
    return members, conv, attrs


_row = st.fixed_dictionaries(
    {
        "child_id": st.sampled_from(["c1", "c2", "c3", "c4", "c5"]),
        "event": st.sampled_from(ref.FLOW_EVENTS),
        "event_date": st.integers(0, 540).map(lambda d: _BASE + dt.timedelta(days=d)),
        "ends": st.one_of(st.none(), st.integers(0, 400)),
        "dob": st.one_of(st.none(), st.integers(-7000, 900).map(lambda d: dt.date(2025, 1, 1) + dt.timedelta(days=d))),
        "age": st.one_of(st.none(), st.integers(0, 17).map(float), st.just(0.5)),
        "ethnicity": st.sampled_from(["WBRI", "MWBC", "BAFR", "REFU"]),
        "sex": st.sampled_from(["female", "male"]),
        "uasc": st.sampled_from(["no", "no", "yes"]),
    }
)


@settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(_row, min_size=1, max_size=30),
    quarter=st.booleans(),
    exclude_uasc=st.booleans(),
    lookback=st.sampled_from([0, 3]),
)
def test_rule_equals_an_explicit_loop_over_each_child(rows, quarter, exclude_uasc, lookback):
    for r in rows:  # an end date only on plans and care episodes
        r["end_date"] = (
            r["event_date"] + dt.timedelta(days=r["ends"])
            if r["ends"] is not None and r["event"] in ref.EVENTS_WITH_END
            else None
        )
    window = window_for(Q2, "quarter" if quarter else "rolling12")
    feeders = dict(ref.DEFAULT_FEEDERS)
    lookback_start = (pd.Timestamp(window.start) - pd.DateOffset(months=lookback)).date()
    want_members, want_conv, want_attrs = _by_hand(rows, window, feeders, lookback_start, exclude_uasc)

    frame = pd.DataFrame(
        {
            "child_id": pd.array([r["child_id"] for r in rows], dtype="string"),
            "event": pd.Categorical([r["event"] for r in rows], categories=list(ref.FLOW_EVENTS)),
            "event_date": pd.to_datetime([r["event_date"] for r in rows]),
            "end_date": pd.to_datetime([r["end_date"] for r in rows]),
            "date_of_birth": pd.to_datetime([r["dob"] for r in rows]),
            "age_at_event": [float("nan") if r["age"] is None else r["age"] for r in rows],
            "ethnicity": pd.array([r["ethnicity"] for r in rows], dtype="string"),
            "sex": pd.array([r["sex"] for r in rows], dtype="string"),
            "disability": pd.array(["no"] * len(rows), dtype="string"),
            "uasc": pd.array([r["uasc"] for r in rows], dtype="string"),
            "imd_decile": pd.array([pd.NA] * len(rows), dtype="Int64"),
            "_row": range(2, len(rows) + 2),
        }
    )
    ids = list(pd.unique(frame["child_id"]))  # child codes: order of first appearance
    prep = prepare_events(frame, Q2.end)
    attrs = child_attributes(prep.events)
    got_attrs = {ids[c]: (a.ethnicity, a.sex, a.uasc) for c, a in attrs.iterrows()}
    assert got_attrs == want_attrs
    m = stage_members(prep.events, window, exclude_uasc_cla=exclude_uasc, attrs=attrs)
    got_members = {(ids[r.child], r.stage): (None if pd.isna(r.age_band) else r.age_band) for r in m.itertuples()}
    assert got_members == want_members
    assert m["child"].is_unique if len(m) == 0 else not m.duplicated(["child", "stage"]).any()
    c = conversions(prep.events, window, feeders, lookback, exclude_uasc_cla=exclude_uasc, attrs=attrs)
    got_conv = {
        (ids[r.child], r.stage): (None if pd.isna(r.age_band) else r.age_band, bool(r.converted))
        for r in c.itertuples()
    }
    assert got_conv == want_conv
    # the events split once, flows before the look-back left out (as run_grid does): the same children
    of_kind = events_of_each_kind(prep.events, since=earliest_day(window, lookback))
    m2 = stage_members(prep.events, window, exclude_uasc_cla=exclude_uasc, attrs=attrs, of_kind=of_kind)
    assert {(ids[r.child], r.stage): (None if pd.isna(r.age_band) else r.age_band) for r in m2.itertuples()} == (
        want_members
    )
    c2 = conversions(
        prep.events, window, feeders, lookback, exclude_uasc_cla=exclude_uasc, attrs=attrs, of_kind=of_kind
    )
    assert {
        (ids[r.child], r.stage): (None if pd.isna(r.age_band) else r.age_band, bool(r.converted))
        for r in c2.itertuples()
    } == want_conv


def test_events_before_the_lookback_are_left_out_of_flows_but_kept_for_stocks():
    # window 1 October 2025 to 30 September 2026, look-back 3 months: flows from 1 July 2025 on
    prep = prepare_events(
        ev(
            [
                ("A", "contact", "2025-06-30", "", "2015-01-01", "WBRI", "female", "no"),  # before: left out
                ("A", "contact", "2025-07-01", "", "2015-01-01", "WBRI", "female", "no"),  # first day: kept
                ("B", "cla_start", "2020-03-02", "", "2012-01-01", "WBRI", "male", "no"),  # still looked after: kept
            ]
        ),
        Q2.end,
    )
    window = window_for(Q2)
    assert earliest_day(window, 3) == pd.Timestamp("2025-07-01")
    of_kind = events_of_each_kind(prep.events, since=earliest_day(window, 3))
    assert of_kind["contact"]["event_date"].tolist() == [pd.Timestamp("2025-07-01")]
    assert of_kind["cla_start"]["event_date"].tolist() == [pd.Timestamp("2020-03-02")]
    m = stage_members(prep.events, window, of_kind=of_kind)
    assert sorted(m["stage"]) == ["cla_at_end"]  # the contact is before the window; B looked after at its end


def test_child_codes_of_read_events_are_reused_and_a_selection_coded_again(tmp_path):
    # read_events codes each child (C=0, A=1, B=2 in order of first appearance); prepare_events takes
    # those codes; without the first row (codes 1, 2, 1, 0: not in order of first appearance) the
    # rows are coded again: A=0, B=1, C=2. Worked out by hand from the five rows below.
    from assurance_lib.disproportionality import read_events

    head = "child_id,event,event_date,date_of_birth,sex,ethnicity,disability,uasc\n"
    rows = [
        "C,contact,2026-05-01,2015-01-01,female,WBRI,no,no",
        "A,contact,2026-05-02,2015-01-01,female,WBRI,no,no",
        "B,contact,2026-05-03,2015-01-01,male,WBRI,no,no",
        "A,referral,2026-05-04,2015-01-01,female,WBRI,no,no",
        "C,referral,2026-05-05,2015-01-01,female,WBRI,no,no",
    ]
    path = tmp_path / "events.csv"
    path.write_text(head + "\n".join(rows) + "\n")
    events = read_events(path, {})
    assert events["child"].tolist() == [0, 1, 2, 1, 0]
    for selection, codes in ((events, {"C": 0, "A": 1, "B": 2}), (events.iloc[1:], {"A": 0, "B": 1, "C": 2})):
        prep = prepare_events(selection, Q2.end).events
        id_on_day = dict(zip(selection["event_date"], selection["child_id"]))  # one row a day
        assert dict(zip(prep["event_date"], prep["child"])) == {d: codes[i] for d, i in id_on_day.items()}
