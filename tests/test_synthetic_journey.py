"""The synthetic partnership of notebook 01: deterministic, committed, realistic, with planted effects."""

from __future__ import annotations

import filecmp

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


def test_population_is_55000_children_with_derby_shares(root):
    pop = pd.read_csv(root / "data" / "synthetic" / "population_children.csv")
    assert pop["population"].sum() == journey.N_CHILDREN
    # The shares are Derby's (E06000015) in the vendored Census 2021 TS021 file (all ages).
    ons = pd.read_csv(root / "data" / "reference" / "dfe" / "ons-ethnic-population-la.csv")
    derby = ons[(ons.iloc[:, 0] == "E06000015") & (ons.iloc[:, 2] > 0)]
    assert dict(zip(derby.iloc[:, 3], derby.iloc[:, 4])) == journey.DERBY_CENSUS_2021
    total = int(derby.iloc[:, 4].sum())
    wbri = pop.loc[pop["ethnicity"].str.startswith("White: English"), "population"].sum()
    assert wbri / journey.N_CHILDREN == pytest.approx(173077 / total, abs=0.001)
    assert set(pop["age_band"]) == {"under 1", "1 to 4", "5 to 9", "10 to 15", "16 to 17"}


def test_events_cover_eight_quarters_with_the_features_the_analysis_needs(root):
    ev = pd.read_csv(root / "data" / "synthetic" / "journey_events.csv", dtype=str, keep_default_na=False)
    d = pd.to_datetime(ev["event_date"])
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
    assert (ev["uasc"] == "yes").sum() > 0
    # repeat contacts: more contact rows than children with a contact (episodes, not children)
    c = ev[ev["event"] == "contact"]
    assert len(c) > c["child_id"].nunique()
    assert 20_000 <= len(ev) <= 40_000


def test_rates_near_england(root):
    # England 2025 (data/reference/dfe): referrals 458, S47 160, plan starts 51 (plans), looked-after
    # starts 26 per 10,000 children. The synthetic year to 30 September 2026 should be within 25%.
    ev = pd.read_csv(root / "data" / "synthetic" / "journey_events.csv", dtype=str, keep_default_na=False)
    y = ev[pd.to_datetime(ev["event_date"]) >= pd.Timestamp("2025-10-01")]
    rate = y.groupby("event")["child_id"].nunique() / journey.N_CHILDREN * 10000
    for event, england in {"referral": 458, "s47": 160, "cpp_start": 51, "cla_start": 26}.items():
        assert rate[event] == pytest.approx(england, rel=0.25), event
