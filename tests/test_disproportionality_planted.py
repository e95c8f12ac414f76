"""Planted disproportionality in the synthetic partnership is recovered; null groups are not flagged.

Each seed simulates the partnership afresh (assurance_lib.synthetic.journey, 54,317 children)
and runs the whole path (CSV -> contract reader -> grid). Two kinds of plant: effects at every
level of deprivation (``journey.PLANTED``: the crude and the deprivation-adjusted ratios both
recover them) and one with deprivation behind it (``journey.CONFOUNDED``: Pakistani children live
mostly in the most deprived deciles, so their crude referral-to-section-47 ratio is above 1 and
the Mantel-Haenszel ratio within IMD quintiles moves back to 1). Tolerances:

- coverage: a planted ratio lies inside the 95% interval in at least 3 of 4 seeds (expected
  about 95%; 3 of 4 fails with probability about 1.4% for a correct method);
- false discoveries: among the null ethnic groups (no planted effect at any stage), findings
  (95% interval excluding 1 and BH q < 0.05) make up at most 15% of all findings pooled over the
  seeds (BH controls the expected share at 5%), and no seed has more than 4.
Looked-after stages are left out of the null check and UASC are excluded (unaccompanied
asylum-seeking children are a real, not planted, difference in looked-after starts).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from assurance_lib.config import Period
from assurance_lib.disproportionality import read_events, read_population, run_grid
from assurance_lib.synthetic import journey

SEEDS = (11, 22, 33, 44)


@pytest.fixture(scope="module")
def grids(tmp_path_factory):
    out = []
    for seed in SEEDS:
        d = tmp_path_factory.mktemp(f"seed{seed}")
        events, kids = journey.make_events(seed)
        events.to_csv(d / "events.csv", index=False)
        journey.make_population(kids).to_csv(d / "pop.csv", index=False)
        g = run_grid(
            read_events(d / "events.csv", {}),
            read_population(d / "pop.csv", {}),
            period=Period.parse("2026-27 Q2"),
            exclude_uasc_cla=True,
        ).grid
        out.append(g)
    return out


def _row(g, p):
    r = g[
        (g["measure"] == p["measure"])
        & (g["stage"] == p["stage"])
        & (g["group_type"] == p["group_type"])
        & (g["group"] == p["group"])
    ]
    assert len(r) == 1
    return r.iloc[0]


@pytest.mark.parametrize("planted", journey.PLANTED, ids=lambda p: f"{p['measure']}-{p['stage']}-{p['group']}")
def test_planted_ratio_is_covered_in_most_seeds(grids, planted):
    covered = 0
    for g in grids:
        r = _row(g, planted)
        assert pd.notna(r["value"]), f"{planted} not estimated: {r['method']}"
        covered += int(r["lower_95"] <= planted["ratio"] <= r["upper_95"])
    assert covered >= 3, f"{planted}: covered in {covered} of {len(grids)} seeds"


def test_strong_planted_effects_are_found(grids):
    # the Black and Indian contact effects are large in groups of 1,000+ children: BH finds them every time
    for g in grids:
        for p in journey.PLANTED[:1] + journey.PLANTED[3:4]:
            r = _row(g, p)
            assert r["q_value"] < 0.05 and r["flag"] != "similar", p


def test_deprivation_explains_the_confounded_difference_but_not_the_planted_one(grids):
    # Pakistani children: crude ratio above 1 on average over the seeds (expected about 1.4), and in
    # every seed the deprivation-adjusted ratio is lower (by at least 8%) and its interval holds 1 in
    # at least 3 of 4 seeds. White and Black Caribbean children (x1.8 at every level of deprivation):
    # the adjusted ratio stays near the crude one (within a factor of 1.22 either way: a group of about
    # 800 children whose deprivation deciles differ from White British children's by chance) and
    # excludes 1 in at least 3 of 4 seeds.
    (conf,) = journey.CONFOUNDED
    crude_values, covered = [], 0
    for g in grids:
        crude = _row(g, conf)
        adjusted = _row(g, {**conf, "measure": "conversion_ratio_imd"})
        crude_values.append(crude["value"])
        assert adjusted["value"] < crude["value"] / 1.08, (crude["value"], adjusted["value"])
        covered += int(adjusted["lower_95"] <= 1 <= adjusted["upper_95"])
    assert sum(crude_values) / len(crude_values) > 1.15
    assert covered >= 3
    kept = 0
    for g in grids:
        p = {"measure": "conversion_ratio", "stage": "s47", "group_type": "ethnicity_minor", "group": "MWBC"}
        crude, adjusted = _row(g, p), _row(g, {**p, "measure": "conversion_ratio_imd"})
        assert abs(math.log(adjusted["value"] / crude["value"])) < 0.2, (crude["value"], adjusted["value"])
        kept += int(adjusted["lower_95"] > 1)
    assert kept >= 3


def test_null_groups_are_flagged_no_more_often_than_the_fdr_allows(grids):
    found_null = found_all = 0
    for g in grids:
        f = g[
            g["measure"].isin(["rate_ratio", "conversion_ratio"])
            & (g["group_type"] == "ethnicity_minor")
            & ~g["stage"].isin(["cla_start", "cla_at_end"])
        ]
        hit = f["flag"].astype(str).str.startswith(("higher", "lower")) & (f["q_value"] < 0.05)
        null_hits = int((hit & f["group"].isin(journey.NULL_GROUPS)).sum())
        assert null_hits <= 4
        found_null += null_hits
        found_all += int(hit.sum())
    assert found_all > 0
    assert found_null / found_all <= 0.15


def test_no_row_whose_interval_and_p_value_disagree(grids):
    # On the synthetic grids: every ratio whose 95% interval excludes 1 has p < 0.05 and every
    # one whose interval includes 1 has p >= 0.05 (crude ratios and the deprivation-adjusted one);
    # and the flag names a direction exactly where there is a finding (interval excludes 1, q < 0.05).
    for g in grids:
        r = g[g["measure"].isin(["rate_ratio", "conversion_ratio", "conversion_ratio_imd"]) & g["p_value"].notna()]
        r = r[(r["p_value"] - 0.05).abs() > 1e-9]
        excludes = (r["lower_95"] > 1) | (r["upper_95"] < 1)
        assert len(r) > 300
        bad = r[excludes != (r["p_value"] < 0.05)]
        assert bad.empty, bad[["stage", "measure", "group", "value", "lower_95", "upper_95", "p_value"]].head()
        directional = r["flag"].astype(str).str.startswith(("higher", "lower"))
        assert (directional == (excludes & (r["q_value"] < 0.05))).all()
