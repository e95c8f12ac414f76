"""The disproportionality grid at national scale (issue 4, Performance).

The grid for many authorities is computed in one vectorised pass (events read as categories,
counts by ``np.bincount``). These tests check it against computations done here on the text
columns (merges, group and count), against one authority at a time, and with text columns in
place of categoricals; and the pieces it relies on (age bands, grouped Benjamini-Hochberg,
distinct-value reading) against their definitions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from statsmodels.stats.multitest import multipletests

from assurance_lib import readers, stats
from assurance_lib.config import Period
from assurance_lib.disproportionality import GRID_COLUMNS, GridOptions, cohort, read_events, run_grid
from assurance_lib.reference import DEFAULT_FEEDERS, load_crosswalk
from assurance_lib.synthetic import journey

Q2 = Period.parse("2026-27 Q2")  # rolling 12 months: 1 October 2025 to 30 September 2026
WS, WE = pd.Timestamp("2025-10-01"), pd.Timestamp("2026-09-30")
LOOKBACK_START = pd.Timestamp("2025-07-01")  # three months before the window
LAS = ("E06000001", "E06000002", "E06000003")


@pytest.fixture(scope="module")
def extract(tmp_path_factory):
    """A small national extract: three authorities (synthetic partnerships of 2,500 children, three
    seeds), written as parquet the way the benchmark writes it, read with the events contract."""
    folder = tmp_path_factory.mktemp("national")
    parts, pops = [], []
    cw = load_crosswalk()
    to_dfe = dict(zip(cw["census2021_name"], cw["dfe_code"]))
    for i, la in enumerate(LAS):
        ev, kids = journey.make_events(70 + i, n_children=2500)
        ev["child_id"] = la[-2:] + "-" + ev["child_id"]
        parts.append(ev.assign(la_code=la))
        pop = journey.make_population(kids)
        pops.append(pop.assign(ethnicity=pop["ethnicity"].map(to_dfe), la_code=la))
    raw = pd.concat(parts, ignore_index=True)
    raw["imd_decile"] = raw["imd_decile"].astype("string")
    raw.to_parquet(folder / "events.parquet", index=False)
    events = read_events(folder / "events.parquet", {})
    events["la_code"] = pd.read_parquet(folder / "events.parquet", columns=["la_code"])["la_code"].astype("string")
    population = (
        pd.concat(pops, ignore_index=True)
        .groupby(["la_code", "ethnicity", "sex", "age_band"], as_index=False)
        .agg(population=("population", "sum"), source=("source", "first"), vintage=("vintage", "first"))
    )
    return events, population


@pytest.fixture(scope="module")
def national(extract):
    events, population = extract
    return run_grid(events, population, period=Q2, by="la_code").grid


def _latest(ev: pd.DataFrame) -> pd.DataFrame:
    """Each child's characteristics on their latest row (plain pandas: stable sort, keep the last)."""
    return (
        ev.sort_values(["child_id", "event_date"], kind="stable")
        .drop_duplicates("child_id", keep="last")
        .set_index("child_id")
    )


def test_counts_equal_a_plain_pandas_count_of_children(extract, national):
    # Second method: children counted with sort / drop_duplicates / groupby on the text columns.
    events, _ = extract
    ev = events.assign(**{c: events[c].astype("string") for c in ("event", "ethnicity", "sex", "disability")})
    who = _latest(ev)
    g = national
    # flows: children with the event in the window, by authority and DfE ethnic group
    flows = ev[(ev["event_date"] >= WS) & (ev["event_date"] <= WE)].drop_duplicates(["child_id", "event"])
    flows = flows.assign(
        ethnicity=flows["child_id"].map(who["ethnicity"]), la_code=flows["child_id"].map(who["la_code"])
    )
    expected = flows.groupby(["la_code", "event", "ethnicity"]).size()
    got = g[
        g["measure"].eq("rate_per_10000")
        & g["group_type"].eq("ethnicity_minor")
        & g["stage"].isin(["contact", "referral", "assessment", "s47", "icpc", "cpp_start", "cla_start"])
    ]
    got = got.set_index(["la_code", "stage", "group"])["count"]
    assert int(got.sum()) == int(expected.sum()) > 1000
    assert (got[got > 0].sort_index() == expected.rename_axis(got.index.names).sort_index()).all()
    # stocks: on a plan or looked after at the period end, by sex
    for stage, event in (("cpp_at_end", "cpp_start"), ("cla_at_end", "cla_start")):
        open_ = ev[ev["event"].eq(event) & (ev["event_date"] <= WE) & (ev["end_date"].isna() | (ev["end_date"] > WE))]
        kids = pd.unique(open_["child_id"])
        exp = (
            pd.Series(who.loc[kids, "sex"].to_numpy())
            .groupby([who.loc[kids, "la_code"].to_numpy(), who.loc[kids, "sex"].to_numpy()])
            .size()
        )
        s = g[g["measure"].eq("rate_per_10000") & g["group_type"].eq("sex") & g["stage"].eq(stage)]
        s = s.set_index(["la_code", "group"])["count"]
        assert (s[s > 0].sort_index().to_numpy() == exp.sort_index().to_numpy()).all() and s.sum() > 0


def test_conversions_equal_a_plain_pandas_count(extract, national):
    # Feeder children (first feeder event from the look-back start to the window end) and those with the
    # stage's event in the window on or after it, by authority and disability: merges and groupby.
    events, _ = extract
    ev = events.assign(**{c: events[c].astype("string") for c in ("event", "disability")})
    who = _latest(ev)
    g = national
    for stage, feeder in DEFAULT_FEEDERS.items():
        f = ev[ev["event"].eq(feeder) & (ev["event_date"] >= LOOKBACK_START) & (ev["event_date"] <= WE)]
        first = f.groupby("child_id")["event_date"].min().rename("first")
        s = ev[ev["event"].eq(stage) & (ev["event_date"] >= WS) & (ev["event_date"] <= WE)][["child_id", "event_date"]]
        j = s.merge(first, left_on="child_id", right_index=True)
        converted = set(j.loc[j["event_date"] >= j["first"], "child_id"])
        cohort = pd.DataFrame(
            {
                "la": who.loc[first.index, "la_code"].to_numpy(),
                "dis": who.loc[first.index, "disability"].to_numpy(),
                "conv": first.index.isin(list(converted)),
            }
        )
        exp = cohort.groupby(["la", "dis"])["conv"].agg(["size", "sum"])
        got = g[g["measure"].eq("conversion") & g["group_type"].eq("disability") & g["stage"].eq(stage)]
        got = got.set_index(["la_code", "group"])[["denominator", "count"]]
        got = got[got["denominator"] > 0].sort_index()
        assert (got["denominator"].to_numpy() == exp.sort_index()["size"].to_numpy()).all(), stage
        assert (got["count"].to_numpy() == exp.sort_index()["sum"].to_numpy()).all(), stage


@pytest.mark.parametrize("reference", ["WBRI", "all_other"])
def test_one_pass_over_authorities_equals_each_authority_alone(extract, national, reference):
    events, population = extract
    both = (
        national
        if reference == "WBRI"
        else run_grid(events, population, period=Q2, by="la_code", options=GridOptions(reference=reference)).grid
    )
    cols = [*GRID_COLUMNS, "reference_count", "reference_denominator", "expected", "insufficient", "family"]
    assert list(both["la_code"].drop_duplicates()) == sorted(LAS)
    for la in LAS:
        one = run_grid(
            events[events["la_code"].eq(la)].drop(columns="la_code").reset_index(drop=True),
            population[population["la_code"].eq(la)].drop(columns="la_code"),
            period=Q2,
            options=GridOptions(reference=reference),
        ).grid
        one = one[one["measure"].ne("conversion_ratio_imd")].reset_index(drop=True)
        sub = both[both["la_code"].eq(la)].reset_index(drop=True)
        pd.testing.assert_frame_equal(sub[cols], one[cols], check_exact=True)


def test_categorical_and_text_events_give_the_same_grid(extract, national):
    events, population = extract
    assert all(
        isinstance(events[c].dtype, pd.CategoricalDtype) for c in ("event", "sex", "ethnicity", "disability", "uasc")
    )
    assert list(events["sex"].cat.categories) == ["female", "male", "unknown"]
    text = events.assign(**{c: events[c].astype("string") for c in ("event", "sex", "ethnicity", "disability", "uasc")})
    as_text = run_grid(text, population, period=Q2, by="la_code").grid
    pd.testing.assert_frame_equal(as_text, national, check_exact=True)


def test_authority_as_categories_or_text_gives_the_same_grid(extract, national):
    # The benchmark reads la_code dictionary-encoded: each category looked at once (one category
    # no child uses, and rows of an authority not known, must not change the grid).
    events, population = extract
    cats = pd.Categorical(events["la_code"], categories=["E09999999", *reversed(LAS)])
    as_cats = run_grid(events.assign(la_code=cats), population, period=Q2, by="la_code").grid
    pd.testing.assert_frame_equal(
        as_cats.assign(la_code=as_cats["la_code"].astype(national["la_code"].dtype)), national, check_exact=True
    )
    codes, values = cohort._by_codes(pd.Series(pd.Categorical(["b", None, "a", "b"], categories=["z", "b", "a"])))
    assert codes.tolist() == [1, -1, 0, 1] and list(values) == ["a", "b"]
    codes, values = cohort._by_codes(pd.Series(["b", None, "a", "b"], dtype="string"))
    assert codes.tolist() == [1, -1, 0, 1] and list(values) == ["a", "b"]


def test_age_band_codes_from_birth_dates_ages_or_neither():
    # Hand-worked: event on 2026-03-01. Born 2016-03-01: 10 today (10 to 15). Born 2016-03-02: 9
    # (5 to 9). Born 2026-06-01: unborn. Born 2008-02-29: 18 on 2026-03-01, clipped to 17 (16 to
    # 17). No birth date, age 0.5 on 2025-09-01 (181 days before): floor(0.5 + 181/365.25) = 0
    # (under 1). No birth date, age 4 on 2026-03-01: 4 (1 to 4). Neither: unknown (-1).
    ev = pd.DataFrame(
        {
            "child": np.arange(7),
            "event": pd.Categorical(["referral"] * 7),
            "event_date": pd.to_datetime(["2026-03-01"] * 4 + ["2025-09-01", "2026-03-01", "2026-03-01"]),
            "end_date": pd.to_datetime([None] * 7),
            "date_of_birth": pd.to_datetime(["2016-03-01", "2016-03-02", "2026-06-01", "2008-02-29", None, None, None]),
            "age_at_event": [np.nan] * 4 + [0.5, 4.0, np.nan],
        }
    )
    when = pd.Series(pd.Timestamp("2026-03-01"), index=ev.index)
    bands = cohort.age_band_at(ev, when)
    assert bands.tolist()[:6] == ["10 to 15", "5 to 9", "unborn", "16 to 17", "under 1", "1 to 4"]
    assert pd.isna(bands.iloc[6])
    # every row with a date of birth (no age at the event read) gives the same
    assert cohort.age_band_at(ev.iloc[:4].drop(columns="age_at_event"), when[:4]).tolist() == bands.tolist()[:4]


def test_grouped_benjamini_hochberg_equals_one_family_at_a_time():
    rng = np.random.default_rng(4)
    p = rng.uniform(0, 1, 600) ** 3
    p[rng.choice(600, 40, replace=False)] = np.nan
    p[10:20] = p[9]  # ties
    groups = rng.integers(0, 25, 600)
    q = stats.bh_qvalues(p, groups=groups)
    expected = np.full(600, np.nan)
    for g in np.unique(groups):  # statsmodels on each family
        idx = np.flatnonzero((groups == g) & ~np.isnan(p))
        if len(idx):
            expected[idx] = multipletests(p[idx], method="fdr_bh")[1]
    assert np.array_equal(q, expected, equal_nan=True)
    series = stats.bh_qvalues(pd.Series(p, index=range(100, 700)), groups=groups)
    assert isinstance(series, pd.Series) and list(series.index) == list(range(100, 700))


def test_columns_read_as_categories_keep_their_text(tmp_path):
    text = "code,date,other\n 007,2026-01-05,a\n7,05/01/2026,b\n,2026-01-05, c \nx , 2026-01-05 ,d\n"
    (tmp_path / "t.csv").write_text(text, encoding="utf-8")
    plain = readers.read_table(tmp_path / "t.csv")
    cats = readers.read_table(tmp_path / "t.csv", categories=["code", "date", "absent"])
    assert isinstance(cats["code"].dtype, pd.CategoricalDtype) and not isinstance(
        cats["other"].dtype, pd.CategoricalDtype
    )
    assert cats["code"].astype("string").tolist() == plain["code"].tolist() == ["007", "7", pd.NA, "x"]
    assert list(cats["date"].cat.categories) == ["2026-01-05", "05/01/2026"]  # stripped, equal values merged
    frame = plain.drop(columns="_row")
    frame.to_parquet(tmp_path / "t.parquet", index=False)
    pq = readers.read_table(tmp_path / "t.parquet", categories=["code", "date"])
    assert pq["code"].astype("string").tolist() == ["007", "7", pd.NA, "x"] and pq["_row"].tolist() == [1, 2, 3, 4]


def test_exact_poisson_limits_once_per_distinct_count_equal_the_whole_array_computation():
    # The chi-square quantiles are now computed once per distinct small count; the second method is
    # the former computation over the whole array (PHE: lower chi2(a/2, 2O)/2, upper chi2(1-a/2, 2O+2)/2).
    counts = np.array([0, 3, 9, 3, 0, 9, 10, 25, np.nan, 2.5, 3, 4000])
    for level in (0.95, 0.998):
        a = 1 - level
        lo, hi = stats.poisson_limits(counts, level)
        safe = np.where(counts > 0, counts, 1.0)
        with np.errstate(invalid="ignore"):
            ex_lo = np.where(counts > 0, sps.chi2.ppf(a / 2, 2 * safe) / 2, 0.0)
            ex_hi = sps.chi2.ppf(1 - a / 2, 2 * np.where(np.isfinite(counts), counts, 0.0) + 2) / 2
        exact = counts < 10
        assert np.array_equal(lo[exact], ex_lo[exact]) and np.array_equal(hi[exact], ex_hi[exact])
        assert np.isnan(lo[8]) and np.isnan(hi[8])
        z = sps.norm.isf(a / 2)  # Byar at 10 or more
        big = counts >= 10
        assert lo[big] == pytest.approx(counts[big] * (1 - 1 / (9 * counts[big]) - z / (3 * np.sqrt(counts[big]))) ** 3)
