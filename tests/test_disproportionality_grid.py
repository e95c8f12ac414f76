"""The grid of estimates on hand-built cohorts: values worked out by hand or by a second method."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats as sps
from statsmodels.stats.rates import confint_poisson_2indep

from assurance_lib.config import Period
from assurance_lib.disproportionality import GRID_COLUMNS, GridOptions, run_grid

from independent_score import score_ratio_interval

Q2 = Period.parse("2026-27 Q2")
Z95 = sps.norm.ppf(0.975)


def events(spec):
    """spec: list of (ethnicity, n_children, [events in order]) -> typed events; all in the window."""
    rows = []
    k = 0
    for _eth, n, evs in spec:
        for _ in range(n):
            k += 1
            for j, e in enumerate(evs):
                rows.append(
                    {"child_id": f"C{k}", "event": e, "event_date": pd.Timestamp("2026-01-01") + pd.Timedelta(days=j)}
                )
    df = pd.DataFrame(rows)
    df["ethnicity"] = [s for s in df["child_id"].map(_eth_of(spec))]
    return _typed(df)


def _typed(df):
    """The other columns of typed events: no end date, born 1 June 2018, female, not disabled (unless
    given), not UASC, no IMD decile; codes as text."""
    df["end_date"] = pd.NaT
    df["date_of_birth"] = pd.Timestamp("2018-06-01")
    df["age_at_event"] = np.nan
    df["sex"] = "female"
    if "disability" not in df:
        df["disability"] = "no"
    df["uasc"] = "no"
    df["imd_decile"] = pd.array([pd.NA] * len(df), dtype="Int64")
    df["_row"] = range(2, len(df) + 2)
    for c in ("child_id", "event", "ethnicity", "sex", "disability", "uasc"):
        df[c] = df[c].astype("string")
    return df


def _eth_of(spec):
    out, k = {}, 0
    for eth, n, _ in spec:
        for _ in range(n):
            k += 1
            out[f"C{k}"] = eth
    return out


def population(sizes):
    return pd.DataFrame(
        {
            "ethnicity": list(sizes),
            "sex": "female",
            "age_band": "5 to 9",
            "population": list(sizes.values()),
            "source": "test",
            "vintage": "2026",
        }
    )


def row(grid, stage, measure, group, group_type="ethnicity_minor"):
    r = grid[
        (grid["stage"] == stage)
        & (grid["measure"] == measure)
        & (grid["group"] == group)
        & (grid["group_type"] == group_type)
    ]
    assert len(r) == 1, (stage, measure, group)
    return r.iloc[0]


@pytest.fixture(scope="module")
def grid():
    # WBRI: 400 children contacted, 100 of them referred; MWBC: 60 contacted, 30 referred;
    # WROM: 3 contacted, 3 referred (tiny group); REFU: 10 contacted (no population).
    spec = [
        ("WBRI", 100, ["contact", "referral"]),
        ("WBRI", 300, ["contact"]),
        ("MWBC", 30, ["contact", "referral"]),
        ("MWBC", 30, ["contact"]),
        ("WROM", 3, ["contact", "referral"]),
        ("REFU", 10, ["contact"]),
    ]
    pop = population({"WBRI": 10000, "MWBC": 1000, "WROM": 50})
    return run_grid(events(spec), pop, period=Q2, lookback_months=0).grid


def test_columns_and_all_children_rows(grid):
    assert list(grid.columns[: len(GRID_COLUMNS)]) == list(GRID_COLUMNS)
    allrows = grid[grid["group"] == "All children"]
    # one All children row per period, stage and measure
    assert not allrows.duplicated(["period", "stage", "measure"]).any()
    assert set(allrows["measure"]) == {
        "rate_per_10000",
        "rate_ratio",
        "representation_index",
        "conversion",
        "conversion_ratio",
        "share",
    }
    assert grid["method"].notna().all() and (grid["method"].astype(str) != "").all()
    assert set(grid["count_type"]) == {"flow", "stock"}


def test_rate_byar_by_hand(grid):
    # Byar's approximation (PHE technical guide "Confidence intervals"):
    # lower = O (1 - 1/(9 O) - z / (3 sqrt O))^3, upper = (O+1) (1 - 1/(9 (O+1)) + z / (3 sqrt(O+1)))^3
    r = row(grid, "referral", "rate_per_10000", "MWBC")
    o, n = 30, 1000
    lo = o * (1 - 1 / (9 * o) - Z95 / (3 * math.sqrt(o))) ** 3 / n * 10000
    hi = (o + 1) * (1 - 1 / (9 * (o + 1)) + Z95 / (3 * math.sqrt(o + 1))) ** 3 / n * 10000
    assert (r["count"], r["denominator"], r["value"]) == (30, 1000, pytest.approx(300.0))
    assert r["lower_95"] == pytest.approx(lo, rel=1e-9) and r["upper_95"] == pytest.approx(hi, rel=1e-9)
    assert r["method"] == "Byar"
    assert r["denominator_source"] == "test (vintage 2026)"


def test_rate_exact_poisson_below_ten():
    # WROM: 3 children of 50; exact limits chi2(0.025, 6)/2 and chi2(0.975, 8)/2 (Armitage, Berry, Matthews).
    spec = [("WBRI", 100, ["referral"]), ("WROM", 3, ["referral"])]
    g = run_grid(
        events(spec), population({"WBRI": 10000, "WROM": 50}), period=Q2, options=GridOptions(min_count=0)
    ).grid
    r = row(g, "referral", "rate_per_10000", "WROM")
    assert r["method"] == "Exact Poisson"
    assert r["value"] == pytest.approx(600.0)
    assert r["lower_95"] == pytest.approx(sps.chi2.ppf(0.025, 6) / 2 / 50 * 10000)
    assert r["upper_95"] == pytest.approx(sps.chi2.ppf(0.975, 8) / 2 / 50 * 10000)


def test_rate_ratio_against_white_british_second_method(grid):
    r = row(grid, "referral", "rate_ratio", "MWBC")
    # (30 / 1000) / (100 / 10000) = 3; limits from statsmodels' own score interval (second method)
    lo, hi = confint_poisson_2indep(30, 1000, 100, 10000, method="score", compare="ratio")
    assert r["value"] == pytest.approx(3.0)
    assert r["lower_95"] == pytest.approx(lo, rel=1e-4) and r["upper_95"] == pytest.approx(hi, rel=1e-4)
    assert r["reference_group"] == "White British (WBRI)"
    assert r["p_value"] < 0.001
    assert r["flag"] == "higher (99.8%)"
    ref = row(grid, "referral", "rate_ratio", "WBRI")
    assert pd.isna(ref["value"]) and ref["method"] == "reference group"


def test_conversion_wilson_and_score_ratio_by_hand(grid):
    c = row(grid, "referral", "conversion", "MWBC")
    x, n = 30, 60
    p = x / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 / (1 + Z95**2 / n) * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n))
    assert (c["count"], c["denominator"], c["value"]) == (30, 60, pytest.approx(50.0))
    assert c["lower_95"] == pytest.approx(100 * (centre - half)) and c["upper_95"] == pytest.approx(
        100 * (centre + half)
    )
    assert c["denominator_kind"] == "children"
    r = row(grid, "referral", "conversion_ratio", "MWBC")
    # (30/60) / (100/400) = 2; score interval solved independently (tests/independent_score.py)
    lo, hi = score_ratio_interval(30, 60, 100, 400)
    assert r["value"] == pytest.approx(2.0)
    assert r["lower_95"] == pytest.approx(lo, rel=1e-6) and r["upper_95"] == pytest.approx(hi, rel=1e-6)


def test_representation_index_by_hand(grid):
    r = row(grid, "referral", "representation_index", "MWBC")
    # children of known ethnicity referred: 100 + 30 + 3 = 133; population 11,050; expected 133 x 1000/11050
    expected = 133 * 1000 / 11050
    assert r["value"] == pytest.approx(30 / expected)
    assert r["expected"] == pytest.approx(expected)


def test_share_and_data_quality_rows(grid):
    r = row(grid, "contact", "share", "REFU")
    # 10 of the 473 children contacted (400 WBRI + 60 MWBC + 3 WROM + 10 REFU)
    assert (r["count"], r["value"]) == (10, pytest.approx(100 * 10 / 473))
    nr = row(grid, "contact", "rate_per_10000", "REFU")
    assert pd.isna(nr["value"]) and "no population" in nr["method"]
    assert row(grid, "contact", "rate_ratio", "REFU")["flag"] == "not compared"


def test_insufficient_by_count_not_by_population_share(grid):
    # WROM has 3 referred children: below min_count 5 -> insufficient; its population share
    # (50 of 11,050, 0.45%) plays no part: with min_count 3 it is estimated.
    r = row(grid, "referral", "rate_ratio", "WROM")
    assert r["flag"] == "insufficient" and pd.isna(r["value"]) and "count below 5" in r["method"]
    assert r["count"] == 3


def test_benjamini_hochberg_within_family_by_hand(grid):
    # the family is every test attempted: the estimated ratios and, with p = 1, those set aside as
    # insufficient (which keep no q-value of their own)
    fam = grid[
        (grid["measure"] == "rate_ratio")
        & (grid["family"] == "single characteristics")
        & (grid["p_value"].notna() | grid["insufficient"])
    ]
    assert fam["insufficient"].any() and not fam["insufficient"].all()
    p = np.where(fam["insufficient"], 1.0, fam["p_value"].to_numpy())
    m = len(p)
    order = np.argsort(p)
    q = np.empty(m)
    prev = 1.0
    for rank in range(m, 0, -1):  # step-up: q_(i) = min_{j >= i} p_(j) m / j
        i = order[rank - 1]
        prev = min(prev, p[i] * m / rank)
        q[i] = prev
    shown = ~fam["insufficient"].to_numpy()
    assert np.allclose(fam["q_value"].to_numpy()[shown], q[shown]) and fam["q_value"][~shown].isna().all()


def test_min_count_option_changes_insufficient():
    spec = [("WBRI", 100, ["contact", "referral"]), ("WROM", 3, ["contact", "referral"])]
    g = run_grid(
        events(spec),
        population({"WBRI": 10000, "WROM": 50}),
        period=Q2,
        options=GridOptions(min_count=3),
        lookback_months=0,
    ).grid
    assert row(g, "referral", "rate_ratio", "WROM")["flag"] != "insufficient"


def test_reference_all_other_children():
    spec = [("WBRI", 100, ["referral"]), ("MWBC", 30, ["referral"]), ("AIND", 20, ["referral"])]
    pop = population({"WBRI": 10000, "MWBC": 1000, "AIND": 1000})
    g = run_grid(events(spec), pop, period=Q2, options=GridOptions(reference="all_other")).grid
    r = row(g, "referral", "rate_ratio", "MWBC")
    # all other children of known ethnicity: (100 + 20) / (10000 + 1000)
    assert r["value"] == pytest.approx((30 / 1000) / (120 / 11000))
    assert r["reference_group"].startswith("all other children")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.integers(min_value=1, max_value=40), min_size=5, max_size=5),
    st.lists(st.integers(min_value=1, max_value=40), min_size=5, max_size=5),
)
def test_nested_cohort_stage_ratios_multiply_to_the_cumulative_ratio(a, b):
    # Strictly nested cohorts: every child at a stage was at its feeder stage (contact ->
    # referral -> s47 -> icpc -> cpp_start). Then
    # RR(cpp_start vs population) = RR(contact) x CR(referral) x CR(s47) x CR(icpc) x CR(cpp_start).
    chain = ["contact", "referral", "s47", "icpc", "cpp_start"]

    def cohort(eth, sizes):
        n = np.cumsum(sorted(sizes, reverse=True)[::-1])[::-1]  # decreasing stage sizes
        return [(eth, int(n[i] - (n[i + 1] if i + 1 < len(n) else 0)), chain[: i + 1]) for i in range(len(n))]

    spec = cohort("WBRI", a) + cohort("MWBC", b)
    pop = population({"WBRI": 5000, "MWBC": 700})
    g = run_grid(
        events(spec), pop, period=Q2, lookback_months=0, options=GridOptions(min_count=0, max_ci_ratio=1e12)
    ).grid
    cumulative = row(g, "cpp_start", "rate_ratio", "MWBC")["value"]
    product = row(g, "contact", "rate_ratio", "MWBC")["value"]
    for s in chain[1:]:
        product *= row(g, s, "conversion_ratio", "MWBC")["value"]
    assert cumulative == pytest.approx(product, rel=1e-9)


def test_deprivation_stratified_conversion_ratio_removes_confounding_by_hand():
    # Within each IMD quintile MWBC and WBRI convert equally (50% in quintile 1, 10% in quintile 5),
    # but MWBC children are concentrated in the deprived quintile. Crude ratio (21/50)/(9/50) = 2.33;
    # Mantel-Haenszel: sum(a t0/t) = 20*10/50 + 1*40/50 = 4.8 = sum(b t1/t) = 5*40/50 + 4*10/50 -> 1.0.
    spec = [
        ("MWBC", 20, ["contact", "referral"]),
        ("MWBC", 20, ["contact"]),  # quintile 1
        ("WBRI", 5, ["contact", "referral"]),
        ("WBRI", 5, ["contact"]),  # quintile 1
        ("MWBC", 1, ["contact", "referral"]),
        ("MWBC", 9, ["contact"]),  # quintile 5
        ("WBRI", 4, ["contact", "referral"]),
        ("WBRI", 36, ["contact"]),
    ]  # quintile 5
    e = events(spec)
    kid = e["child_id"].str[1:].astype(int)
    e["imd_decile"] = pd.array(np.where(kid <= 50, 1, 10), dtype="Int64")
    g = run_grid(e, population({"WBRI": 1000, "MWBC": 1000}), period=Q2, lookback_months=0).grid
    crude = row(g, "referral", "conversion_ratio", "MWBC")
    adjusted = row(g, "referral", "conversion_ratio_imd", "MWBC")
    assert crude["value"] == pytest.approx((21 / 50) / (9 / 50))
    assert adjusted["value"] == pytest.approx(1.0)
    assert "Mantel-Haenszel" in adjusted["method"] and adjusted["count"] == crude["count"] == 21


def test_aggregate_input_gives_the_same_estimates_as_the_events(tmp_path):
    # Second method: the grid from aggregate counts equals the grid from the child-level events
    # for the rows the aggregate gives (the fixture cohort: 100 WBRI, 30 MWBC, 3 WROM referred).
    from assurance_lib.disproportionality import read_aggregate, run_grid_from_aggregate

    (tmp_path / "agg.csv").write_text(
        "stage,group_type,group,count,feeder_count,converted\n"
        "referral,all,All children,133,473,133\n"
        "referral,ethnicity_minor,WBRI,100,400,100\n"
        "referral,ethnicity_minor,MWBC,30,60,30\n"
        "referral,ethnicity_minor,WROM,3,3,3\n"
        "referral,ethnicity_minor,REFU,0,10,0\n"
    )
    agg = read_aggregate(tmp_path / "agg.csv", {})
    pop = population({"WBRI": 10000, "MWBC": 1000, "WROM": 50})
    g = run_grid_from_aggregate(agg, pop, period=Q2).grid
    spec = [
        ("WBRI", 100, ["contact", "referral"]),
        ("WBRI", 300, ["contact"]),
        ("MWBC", 30, ["contact", "referral"]),
        ("MWBC", 30, ["contact"]),
        ("WROM", 3, ["contact", "referral"]),
        ("REFU", 10, ["contact"]),
    ]
    e = run_grid(events(spec), pop, period=Q2, lookback_months=0).grid
    for measure in ("rate_per_10000", "rate_ratio", "conversion", "conversion_ratio"):
        a, b = row(g, "referral", measure, "MWBC"), row(e, "referral", measure, "MWBC")
        assert a["value"] == pytest.approx(b["value"]) and a["lower_95"] == pytest.approx(b["lower_95"]), measure
    # groups absent from the aggregate are absent, not zero
    assert not ((g["group"] == "AIND") & (g["stage"] == "referral")).any()


def test_zero_count_and_tiny_denominator_exact_limits():
    # Zero children of 50: rate 0, exact upper limit chi2(0.975, 2)/2 = 3.689 children (Garwood).
    # One child of a population of 2: rate 5,000 per 10,000, limits chi2(0.025, 2)/2 and chi2(0.975, 4)/2.
    spec = [("WBRI", 100, ["referral"]), ("MWBC", 1, ["referral"])]
    g = run_grid(
        events(spec), population({"WBRI": 10000, "WROM": 50, "MWBC": 2}), period=Q2, options=GridOptions(min_count=0)
    ).grid
    z = row(g, "referral", "rate_per_10000", "WROM")
    assert (z["count"], z["value"], z["lower_95"]) == (0, 0.0, 0.0)
    assert z["upper_95"] == pytest.approx(3.6889 / 50 * 10000, rel=1e-4)
    t = row(g, "referral", "rate_per_10000", "MWBC")
    assert t["value"] == pytest.approx(5000.0)
    assert t["lower_95"] == pytest.approx(sps.chi2.ppf(0.025, 2) / 2 / 2 * 10000)
    assert t["upper_95"] == pytest.approx(sps.chi2.ppf(0.975, 4) / 2 / 2 * 10000)
    # the zero-count ratio: value 0, lower limit 0, but insufficient only by the interval rule
    r = row(g, "referral", "rate_ratio", "WROM")
    assert r["flag"] == "insufficient" and "interval" in r["method"]


def test_intersections_are_their_own_fdr_family(grid):
    fam = grid[(grid["measure"] == "rate_ratio") & (grid["family"] == "intersections") & grid["p_value"].notna()]
    single = grid[
        (grid["measure"] == "rate_ratio") & (grid["family"] == "single characteristics") & grid["p_value"].notna()
    ]
    assert len(fam) and len(single)
    from statsmodels.stats.multitest import multipletests

    assert np.allclose(fam["q_value"], multipletests(fam["p_value"], method="fdr_bh")[1])
    assert fam["group_type"].str.contains(" x ").all() and not single["group_type"].str.contains(" x ").any()


def test_one_pass_over_authorities_equals_one_grid_per_authority():
    # Second method: the vectorised grid over two authorities (by="la_code") equals two separate grids.
    spec_a = [
        ("WBRI", 100, ["contact", "referral"]),
        ("WBRI", 300, ["contact"]),
        ("MWBC", 30, ["contact", "referral"]),
        ("MWBC", 30, ["contact"]),
    ]
    spec_b = [
        ("WBRI", 50, ["contact", "referral", "s47"]),
        ("AIND", 20, ["contact", "referral"]),
        ("MWBC", 7, ["contact"]),
    ]
    ea, eb = events(spec_a), events(spec_b)
    eb["child_id"] = ("B" + eb["child_id"]).astype("string")
    pa = population({"WBRI": 10000, "MWBC": 1000})
    pb = population({"WBRI": 8000, "AIND": 900, "MWBC": 300})
    both = run_grid(
        pd.concat([ea.assign(la_code="A"), eb.assign(la_code="B")], ignore_index=True),
        pd.concat([pa.assign(la_code="A"), pb.assign(la_code="B")], ignore_index=True),
        period=Q2,
        lookback_months=0,
        by="la_code",
    ).grid
    for la, (e, p) in {"A": (ea, pa), "B": (eb, pb)}.items():
        one = run_grid(e, p, period=Q2, lookback_months=0).grid
        one = one[one["measure"] != "conversion_ratio_imd"].reset_index(drop=True)
        sub = both[both["la_code"] == la].drop(columns="la_code").reset_index(drop=True)
        pd.testing.assert_frame_equal(sub[list(GRID_COLUMNS)], one[list(GRID_COLUMNS)], check_dtype=False)


def _journeys(groups, prefix="C"):
    """groups: list of (ethnicity, disability, children contacted, of whom referred the next day)."""
    rows, k = [], 0
    for eth, dis, n, referred in groups:
        for i in range(n):
            k += 1
            rows.append(
                {
                    "child_id": f"{prefix}{k}",
                    "event": "contact",
                    "event_date": "2026-01-01",
                    "ethnicity": eth,
                    "disability": dis,
                }
            )
            if i < referred:
                rows.append(
                    {
                        "child_id": f"{prefix}{k}",
                        "event": "referral",
                        "event_date": "2026-01-02",
                        "ethnicity": eth,
                        "disability": dis,
                    }
                )
    df = pd.DataFrame(rows)
    df["event_date"] = pd.to_datetime(df["event_date"])
    return _typed(df)


@pytest.mark.parametrize("by", [None, "la_code"])
def test_reference_of_an_unknown_group_is_every_child_whose_characteristic_is_known(by):
    # Worked by hand. Contacts (feeder) -> referrals: disability "no" 20 -> 10, "yes" 10 -> 8 (White British),
    # "unknown" 40 -> 30 (ethnicity refused). "All other children whose disability is known" of the unknown
    # group is every child whose disability is known: 10 + 8 = 18 of 20 + 10 = 30. (Before the fix the
    # unknown group's own counts were taken off a total they were never in: 18 - 30 and 30 - 40, negative,
    # and the grid raised ValueError.) The known groups are each other's reference: yes -> no (10 of 20).
    groups = [("WBRI", "no", 20, 10), ("WBRI", "yes", 10, 8), ("REFU", "unknown", 40, 30)]
    pop = population({"WBRI": 1000})
    if by:  # two authorities with the same children: each gets the same references
        ev = pd.concat(
            [_journeys(groups, "A").assign(la_code="E1"), _journeys(groups, "B").assign(la_code="E2")],
            ignore_index=True,
        )
        pop = pd.concat([pop.assign(la_code="E1"), pop.assign(la_code="E2")], ignore_index=True)
    else:
        ev = _journeys(groups)
    g = run_grid(ev, pop, period=Q2, lookback_months=0, options=GridOptions(reference="all_other"), by=by).grid
    assert len(g)
    for la in ["E1", "E2"] if by else [None]:
        gl = g[g[by] == la] if by else g
        unk = row(gl, "referral", "conversion_ratio", "unknown", "disability")
        assert (unk["count"], unk["denominator"], unk["reference_count"], unk["reference_denominator"]) == (
            30,
            40,
            18,
            30,
        )
        assert unk["method"] == "not compared: characteristic not known" and pd.isna(unk["value"])
        assert unk["reference_group"] == "all other children whose disability is known"
        yes = row(gl, "referral", "conversion_ratio", "yes", "disability")
        assert (yes["reference_count"], yes["reference_denominator"]) == (10, 20)
        # (8/10) / (10/20) = 1.6; score interval solved independently (tests/independent_score.py)
        lo, hi = score_ratio_interval(8, 10, 10, 20)
        assert yes["value"] == pytest.approx(1.6)
        assert yes["lower_95"] == pytest.approx(lo, rel=1e-6) and yes["upper_95"] == pytest.approx(hi, rel=1e-6)
        no = row(gl, "referral", "conversion_ratio", "no", "disability")
        assert (no["reference_count"], no["reference_denominator"]) == (8, 10) and no["value"] == pytest.approx(0.625)
        # ethnicity against all other children of known ethnicity: refused -> all 30 White British children (18 referred)
        for gt, grp in (("ethnicity_minor", "REFU"), ("ethnicity_major", "Not known")):
            r = row(gl, "referral", "conversion_ratio", grp, gt)
            assert (r["reference_count"], r["reference_denominator"]) == (18, 30)
            assert r["method"] == "not compared: characteristic not known"
        # White British have no other known group: 0 of 0, not estimated
        w = row(gl, "referral", "conversion_ratio", "WBRI")
        assert (w["reference_count"], w["reference_denominator"]) == (0, 0) and pd.isna(w["value"])
        # rate ratios at contact: refused (no population) against the 30 known children and their population of 1,000
        r = row(gl, "contact", "rate_ratio", "REFU")
        assert (r["count"], r["reference_count"], r["reference_denominator"]) == (40, 30, 1000)
        assert r["method"] == "not estimated: no population for this group (count only)"


def test_deprivation_view_against_all_other_children_compares_white_british_too():
    import pandas as pd

    from assurance_lib.disproportionality import run_deprivation

    # one stage, one IMD quintile (deciles 1-2): 10 White British children at the feeder stage, 4 of
    # them converted; 10 Indian children, 6 converted. Against all other children of known
    # ethnicity, White British: (4/10) / (6/10) = 0.6667; Indian: (6/10) / (4/10) = 1.5.
    kids = [f"c{i}" for i in range(20)]
    attrs = pd.DataFrame(
        {
            "ethnicity": ["WBRI"] * 10 + ["AIND"] * 10,
            "ethnicity_major": ["White"] * 10 + ["Asian"] * 10,
            "imd_decile": [1, 2] * 10,
        },
        index=kids,
    )
    conv = pd.DataFrame(
        {"child": kids, "stage": "s47", "converted": [True] * 4 + [False] * 6 + [True] * 6 + [False] * 4}
    )
    res = run_deprivation(conv, attrs, reference="all_other")
    minor = res[res["group_type"].eq("ethnicity_minor")].set_index("group")["value"]
    assert minor["WBRI"] == pytest.approx(4 / 6)
    assert minor["AIND"] == pytest.approx(1.5)
    # against White British, White British is the reference and has no row of its own
    res = run_deprivation(conv, attrs, reference="WBRI")
    minor = res[res["group_type"].eq("ethnicity_minor")].set_index("group")["value"]
    assert "WBRI" not in minor.index and minor["AIND"] == pytest.approx(1.5)
