"""The synthetic partnership of notebook 01: deterministic, committed, realistic, with planted effects."""

from __future__ import annotations

import filecmp

import numpy as np
import pandas as pd
import pytest

from assurance_lib.synthetic import DEFAULT_SEED, journey


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("journey")
    return journey.generate(out, DEFAULT_SEED)


def test_regenerating_gives_the_committed_bytes(regenerated, root):
    assert [p.name for p in regenerated] == ["journey_events.csv", "population_children.csv", "journey_aggregate.csv"]
    for p in regenerated:
        committed = root / "data" / "synthetic" / p.name
        assert committed.is_file(), f"{committed} is not committed"
        assert filecmp.cmp(p, committed, shallow=False), f"{p.name} differs from the committed file: regenerate it"
        assert committed.stat().st_size < 5_000_000


def test_same_seed_same_frame_other_seed_other_frame():
    a, _ = journey.make_events(7, n_children=3000)
    b, _ = journey.make_events(7, n_children=3000)
    c, _ = journey.make_events(8, n_children=3000)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_population_is_not_a_round_number_and_has_derby_shares(root):
    pop = pd.read_csv(root / "data" / "synthetic" / "population_children.csv")
    total = int(pop["population"].sum())
    assert total == journey.N_CHILDREN == 54_317
    assert total % 100 != 0
    # The shares are Derby's (E06000015) in the vendored Census 2021 TS021 file (all ages).
    ons = pd.read_csv(root / "data" / "reference" / "dfe" / "ons-ethnic-population-la.csv")
    derby = ons[(ons.iloc[:, 0] == "E06000015") & (ons.iloc[:, 2] > 0)]
    assert dict(zip(derby.iloc[:, 3], derby.iloc[:, 4])) == journey.DERBY_CENSUS_2021
    wbri = pop.loc[pop["ethnicity"].str.startswith("White: English"), "population"].sum()
    assert wbri / total == pytest.approx(173077 / int(derby.iloc[:, 4].sum()), abs=0.001)
    assert set(pop["age_band"]) == {"under 1", "1 to 4", "5 to 9", "10 to 15", "16 to 17"}
    # an even age structure: about 1/18 of the children a year of age, 51% boys
    by_band = pop.groupby("age_band")["population"].sum() / total
    assert by_band["5 to 9"] == pytest.approx(5 / 18, abs=0.01)
    assert by_band["16 to 17"] == pytest.approx(2 / 18, abs=0.01)
    assert pop.loc[pop["sex"] == "male", "population"].sum() / total == pytest.approx(0.51, abs=0.01)


@pytest.fixture(scope="module")
def events(root):
    ev = pd.read_csv(root / "data" / "synthetic" / "journey_events.csv", dtype=str, keep_default_na=False)
    ev["d"] = pd.to_datetime(ev["event_date"])
    ev["e"] = pd.to_datetime(ev["end_date"].replace("", None))
    return ev


YEAR = (pd.Timestamp("2025-10-01"), pd.Timestamp("2026-09-30"))  # the 12 months to the Q2 period end


def test_events_cover_eight_quarters_with_the_features_the_analysis_needs(events):
    ev, d = events, events["d"]
    dob = pd.to_datetime(ev["date_of_birth"])
    assert d.max() <= pd.Timestamp("2026-09-30")
    recent = ev[d >= pd.Timestamp("2024-10-01")]
    assert set(recent["event"]) == {"contact", "referral", "assessment", "s47", "icpc", "cpp_start", "cla_start"}
    assert (d < dob).sum() > 0, "pre-birth events are expected"
    assert ((dob - d).dt.days <= 280).all()
    assert ((d - dob).dt.days / 365.25 < 18).all()
    assert set(ev["ethnicity"]) >= {"REFU", "NOBT", "WROM", "WIRT", "MWBC"}
    ends = ev.loc[ev["event"].isin(["cpp_start", "cla_start"]), "end_date"]
    assert (ends != "").sum() > 0 and (ends == "").sum() > 0, "ended and open plans/episodes"
    # repeat contacts: more contact rows than children with a contact (episodes, not children)
    c = ev[ev["event"] == "contact"]
    assert len(c) > c["child_id"].nunique()
    assert 20_000 <= len(ev) <= 35_000
    # 24 months of contacts, referrals, assessments, S47s, ICPCs and plan starts (control charts need 12+)
    months = recent.groupby([recent["d"].dt.to_period("M"), "event"]).size().unstack(fill_value=0)
    assert len(months) == 24
    assert (months[["contact", "referral", "assessment", "s47", "icpc", "cpp_start"]] >= 5).all().all()


def test_rates_differ_from_the_comparators_as_a_real_authoritys_do(events):
    # England 2025 (data/reference/dfe): referrals 458, S47 160, plan starts 51, looked-after starts 26 per
    # 10,000 children; the statistical neighbours of Derby (E06000015) average 455 referrals. The synthetic
    # year to 30 September 2026 is within 25% of England, and its referral rate is not the neighbours' mean.
    y = events[(events["d"] >= YEAR[0]) & (events["d"] <= YEAR[1])]
    rate = y.groupby("event")["child_id"].nunique() / journey.N_CHILDREN * 10000
    for event, england in {"referral": 458, "s47": 160, "cpp_start": 51, "cla_start": 26}.items():
        assert rate[event] == pytest.approx(england, rel=0.25), event
    assert abs(rate["referral"] - 455.0) > 30


def test_steep_deprivation_gradient_in_plans_and_care(events):
    # Real cohorts: plan and care starts in the most deprived IMD decile are 5-10 times those in the least.
    # The ratio of decile 1 to decile 10 from a log-linear fit over the ten deciles (weighted least squares of
    # the log count on the decile): steadier than the two end counts, which hold 10-20 children.
    ev = events[(events["d"] >= pd.Timestamp("2024-10-01")) & (events["uasc"] == "no")]
    for event in ("cpp_start", "cla_start"):
        kids = ev[ev["event"] == event].drop_duplicates("child_id")
        n = kids["imd_decile"].astype(int).value_counts().sort_index()
        assert list(n.index) == list(range(1, 11))
        slope = np.polyfit(n.index.to_numpy(), np.log(n.to_numpy()), 1, w=np.sqrt(n.to_numpy()))[0]
        assert 5 <= np.exp(-9 * slope) <= 12, (event, n.to_dict())
        assert n[1] > n[5] > n[10] and n[1] / n[10] >= 4


def test_unaccompanied_children_are_few_mostly_older_boys_arriving_into_care(events):
    ev = events[events["d"] >= pd.Timestamp("2024-10-01")]
    starts = ev[ev["event"] == "cla_start"].drop_duplicates("child_id")
    u = starts[starts["uasc"] == "yes"]
    assert 0.04 <= len(u) / len(starts) <= 0.09  # roughly 5-8% of children starting care
    age = (u["d"] - pd.to_datetime(u["date_of_birth"])).dt.days / 365.25
    assert (u["sex"] == "male").mean() >= 0.85
    assert (age >= 16).mean() >= 0.6 and (age >= 11).all()
    assert set(u["ethnicity"]) <= {"BAFR", "OOTH", "AOTH", "WOTH", "BOTH"}
    # straight into care: looked after within three days of the referral; referred by another authority
    # (National Transfer Scheme, 5C), the police (6), immigration (7) or other (8)
    refs = ev[(ev["event"] == "referral") & ev["child_id"].isin(u["child_id"])].set_index("child_id")
    assert ((u.set_index("child_id")["d"] - refs["d"]).dt.days.between(0, 3)).all()
    assert set(refs["referral_source"]) <= {"5C", "6", "7", "8"} and (refs["referral_source"] == "5C").any()
    # the UASC are not in the resident population, and do not drive the findings: no more than 10 a year
    assert u["d"].dt.year.value_counts().max() <= 12


def test_re_referrals_no_further_action_and_second_plans(events):
    ev = events
    ref = ev[ev["event"] == "referral"].sort_values(["child_id", "d"])
    gap = ref["d"] - ref.groupby("child_id")["d"].shift()
    in_year = ref["d"].between(*YEAR)
    share = (gap[in_year].dt.days <= 365).mean()  # DfE: referrals within 12 months of a previous referral
    assert 0.17 <= share <= 0.25
    # no further action: no assessment, S47 or care start within 60 days of the referral
    follow = ev[ev["event"].isin(["assessment", "s47", "cla_start"])][["child_id", "d"]]
    m = ref[in_year].reset_index().merge(follow, on="child_id", how="left", suffixes=("", "_f"))
    m["next"] = (m["d_f"] >= m["d"]) & ((m["d_f"] - m["d"]).dt.days <= 60)
    nfa = 1 - m.groupby("index")["next"].any().mean()
    assert 0.04 <= nfa <= 0.12
    # second or subsequent plans: the child had an earlier plan in the extract
    plans = ev[ev["event"] == "cpp_start"].sort_values(["child_id", "d"])
    earlier = plans.groupby("child_id").cumcount() > 0
    second = earlier[plans["d"].between(*YEAR)].mean()
    assert 0.18 <= second <= 0.28
    # a few plans open at the period end have lasted two years or more; some ended within three months
    open_ = plans[plans["e"].isna()]
    assert 1 <= ((YEAR[1] - open_["d"]).dt.days >= 730).sum() <= 0.08 * len(open_)
    ended = plans[plans["e"].between(*YEAR)]
    short = ((ended["e"] - ended["d"]).dt.days <= 91).mean()
    assert 0.01 <= short <= 0.1


def _working_days(start: pd.Series, end: pd.Series) -> np.ndarray:
    hol = np.array(journey.BANK_HOLIDAYS, dtype="datetime64[D]")
    return np.busday_count(
        start.to_numpy().astype("datetime64[D]"), end.to_numpy().astype("datetime64[D]"), holidays=hol
    )


def test_assessment_and_icpc_timeliness_dip_then_recover(events):
    ev = events
    a = ev[(ev["event"] == "assessment") & ev["e"].notna()].copy()
    assert (ev.loc[ev["event"] == "assessment", "end_date"] != "").mean() > 0.9  # open: begun in the last weeks
    a["ok"] = _working_days(a["d"], a["e"]) <= 45
    # by the month the assessment started (the months before the window have no starts in the extract)
    by = a.groupby(a["d"].dt.to_period("M"))["ok"].mean()
    assert a["ok"].mean() == pytest.approx(0.85, abs=0.03)
    before = by[(by.index >= pd.Period("2024-10")) & (by.index <= pd.Period("2025-06"))].mean()
    dip = by[(by.index >= pd.Period("2025-11")) & (by.index <= pd.Period("2026-02"))]
    after = by[(by.index >= pd.Period("2026-05")) & (by.index <= pd.Period("2026-08"))].mean()
    assert before >= 0.84 and after >= 0.82
    assert dip.max() < before - 0.07 and dip.min() < 0.75
    # ICPC within 15 working days of the S47 start (the latest S47 on or before the ICPC)
    s47 = ev[ev["event"] == "s47"][["child_id", "d", "e"]]
    assert s47["e"].notna().mean() > 0.95 and (s47["e"].dropna() >= s47.loc[s47["e"].notna(), "d"]).all()
    icpc = ev[ev["event"] == "icpc"][["child_id", "d"]]
    m = icpc.merge(s47, on="child_id", suffixes=("", "_s"))
    m = m[m["d_s"] <= m["d"]].sort_values("d_s").groupby(["child_id", "d"]).tail(1)
    m["ok"] = _working_days(m["d_s"], m["d"]) <= 15
    assert 0.74 <= m["ok"].mean() <= 0.82
    by = m.groupby(m["d_s"].dt.to_period("M"))["ok"].mean()
    dip = by[(by.index >= pd.Period("2025-10")) & (by.index <= pd.Period("2026-02"))].mean()
    rest = by[(by.index < pd.Period("2025-08")) | (by.index > pd.Period("2026-04"))].mean()
    assert dip < rest - 0.12


def test_referral_sources_localities_and_seasonality(events):
    ev = events
    ref = ev[ev["event"] == "referral"]
    src = ref["referral_source"]
    assert (src != "").all() and set(src) <= set(journey.REFERRAL_SOURCES)
    assert (ev.loc[ev["event"] != "referral", "referral_source"] == "").all()
    share = src.value_counts(normalize=True)
    # England: police about 29%, schools about 20% (DfE characteristics of children in need)
    assert 0.22 <= share["6"] <= 0.34 and 0.13 <= share["2A"] <= 0.25
    # schools refer in term time: few in August; no school referrals of babies
    school = ref[src == "2A"]
    by_month = school["d"].dt.month.value_counts()
    assert by_month[8] < 0.25 * by_month.drop(8).mean()
    age = (ref["d"] - pd.to_datetime(ref["date_of_birth"])).dt.days
    assert not (school.index.isin(ref.index[age < 365])).any()
    # fewer contacts in August than in an average month
    c = ev[(ev["event"] == "contact") & (ev["d"] >= pd.Timestamp("2024-10-01"))]
    per_month = c.groupby(c["d"].dt.month).size()
    assert per_month[8] < 0.85 * per_month.mean()
    # every row has one of the localities; their deprivation differs
    assert set(ev["locality"]) == set(journey.LOCALITIES)
    imd = ev.drop_duplicates("child_id").groupby("locality")["imd_decile"].apply(lambda s: s.astype(int).mean())
    assert imd["Riverside"] < imd["Northgate"] < imd["Eastbrook"] < imd["Westhill"]
    assert imd.max() - imd.min() > 3


def test_the_events_read_through_the_contract_with_the_journey_fields(root):
    from assurance_lib.disproportionality import read_events

    ev = read_events(root / "data" / "synthetic" / "journey_events.csv", {})
    assert ev.loc[ev["event"] == "assessment", "end_date"].notna().mean() > 0.9
    assert ev.loc[ev["event"] == "referral", "referral_source"].notna().all()
    assert ev["locality"].notna().all()


def test_the_optional_journey_columns_are_checked(tmp_path):
    from assurance_lib.disproportionality import read_events
    from assurance_lib.errors import InputError

    head = "child_id,event,event_date,end_date,date_of_birth,sex,ethnicity,disability,uasc,referral_source,locality\n"
    good = [
        "A1,referral,2026-05-01,,2015-03-02,female,WBRI,no,no,2a,Riverside\n",  # code case forgiven
        "A1,assessment,2026-05-04,2026-06-19,2015-03-02,female,WBRI,no,no,,Riverside\n",
        "A1,s47,2026-05-05,2026-05-20,2015-03-02,female,WBRI,no,no,,Riverside\n",
    ]
    p = tmp_path / "good.csv"
    p.write_text(head + "".join(good), encoding="utf-8")
    ev = read_events(p, {})
    assert ev["referral_source"].iloc[0] == "2A" and ev["referral_source"].iloc[1:].isna().all()
    assert ev["end_date"].notna().sum() == 2 and set(ev["locality"]) == {"Riverside"}
    bad = good + [
        "A2,referral,2026-05-01,,2015-03-02,male,WBRI,no,no,11,Northgate\n",  # row 5: not a census code
        "A2,icpc,2026-05-21,2026-05-22,2015-03-02,male,WBRI,no,no,,Northgate\n",  # row 6: an ICPC has no end
    ]
    p.write_text(head + "".join(bad), encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_events(p, {})
    probs = [str(q) for q in err.value.problems]
    assert any("row 5" in q and "column 'referral_source'" in q and "'11'" in q for q in probs), probs
    assert any("row 6" in q and "column 'end_date'" in q and "no end" in q for q in probs), probs
    assert len(probs) == 2
