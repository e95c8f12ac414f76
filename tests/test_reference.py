"""Tests of the code lists, the Census 2021 crosswalk and the DfE reference data loaders."""

from __future__ import annotations

import csv
import math

import pandas as pd
import pytest

from assurance_lib import reference as ref


def test_twenty_dfe_ethnicity_codes_with_major_groups():
    # CIN census guide: 18 ethnic codes plus REFU and NOBT.
    assert len(ref.ETHNICITY_CODES) == 20 and len(set(ref.ETHNICITY_CODES)) == 20
    assert {c for c in ref.ETHNICITY_CODES if ref.major_group(c) == "Black"} == {"BCRB", "BAFR", "BOTH"}
    assert {c for c in ref.ETHNICITY_CODES if ref.major_group(c) == "White"} == {"WBRI", "WIRI", "WIRT", "WOTH", "WROM"}
    assert ref.major_group("REFU") == ref.major_group("NOBT") == "Not known"
    with pytest.raises(ValueError, match="XXXX.*expected one of"):
        ref.major_group("XXXX")


def test_crosswalk_covers_census_2021_and_merges_arab():
    cw = ref.load_crosswalk()
    # Census 2021 TS021: 19 ethnic groups (codes 1-19) besides "Does not apply".
    assert sorted(int(c) for c in cw["census2021_code"]) == list(range(1, 20))
    assert set(cw["dfe_code"]) == set(ref.ETHNICITY_CODES) - {"REFU", "NOBT"}
    by_name = dict(zip(cw["census2021_name"], cw["dfe_code"]))
    assert by_name["Other ethnic group: Arab"] == "OOTH"
    assert by_name["White: Roma"] == "WROM"
    assert by_name["White: Gypsy or Irish Traveller"] == "WIRT"
    # The crosswalk's major group agrees with the code list.
    assert all(ref.major_group(c) == m for c, m in zip(cw["dfe_code"], cw["dfe_major"]))


def test_age_bands_by_hand():
    got = list(
        ref.age_band(
            pd.Series([0, 0.9, 1, 4.99, 5, 9, 10, 15, 16, 17, 17.9, 18, -1]),
            unborn=pd.Series(
                [False, False, False, False, False, False, False, False, False, False, False, False, False]
            ),
        )
    )
    assert got == [
        "under 1",
        "under 1",
        "1 to 4",
        "1 to 4",
        "5 to 9",
        "5 to 9",
        "10 to 15",
        "10 to 15",
        "16 to 17",
        "16 to 17",
        "16 to 17",
        pd.NA,
        pd.NA,
    ]
    assert list(ref.age_band(pd.Series([0]), unborn=pd.Series([True]))) == ["unborn"]


def _published_cla_rates():
    path = ref.reference_dir() / "dfe" / "cla_number_and_rate_per_10k_children.csv"
    with open(path, encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def test_benchmark_rates_reproduce_published_dfe_rates():
    # The CLA file publishes its own rate per 10,000 (half-up of count / population * 10000,
    # SOURCES.md). Our rate uses the ONS mid-year file of the previous year: rounded half-up it
    # must equal the published rate for (nearly) every local authority in 2025.
    bench = ref.load_benchmarks()
    ours = bench[(bench["stage"] == "cla_at_end") & (bench["year"] == 2025) & (bench["level"] == "Local authority")]
    ours = ours.set_index("area_code")["rate_per_10000"]
    pub = {}
    for r in _published_cla_rates():
        if (
            r["time_period"] == "2025"
            and r["geographic_level"] == "Local authority"
            and r["population_type"].startswith("Children looked after on 31")
        ):
            code = r["new_la_code"] if r["new_la_code"].startswith("E") else r["la_name"]
            if r["rate_per_10000"].isdigit():
                pub[code] = int(r["rate_per_10000"])
    matched = [math.floor(ours[c] + 0.5) == v for c, v in pub.items() if c in ours.index and pd.notna(ours[c])]
    assert len(matched) >= 140
    assert sum(matched) / len(matched) >= 0.98
    # Derby, 2025: 545 children looked after, 62,113 children (ONS mid-2024) -> 87.7, published 88.
    derby = bench[
        (bench["area_code"] == "E06000015") & (bench["year"] == 2025) & (bench["stage"] == "cla_at_end")
    ].iloc[0]
    assert derby["count"] == 545 and derby["population"] == 62113
    assert derby["rate_per_10000"] == pytest.approx(545 / 62113 * 10000)


def test_england_referrals_2025_by_hand():
    # c1 file, England 2025: referral_child_count 557,810; ONS mid-2024 England 0-17: 12,183,016.
    bench = ref.load_benchmarks()
    row = bench[(bench["level"] == "England") & (bench["year"] == 2025) & (bench["stage"] == "referral")].iloc[0]
    assert row["count"] == 557810
    assert row["rate_per_10000"] == pytest.approx(457.8587, abs=1e-3)


def test_suppressed_counts_stay_missing_not_zero():
    bench = ref.load_benchmarks()
    c = bench[bench["count_raw"].eq("c")]
    assert len(c) > 0 and c["count"].isna().all()


def test_statistical_neighbours_of_derby():
    # New_Statistical_Neighbour_Groupings_April_2021.csv, row 831 Derby: SN1 874 (Peterborough).
    nb = ref.load_neighbours()
    derby = nb[nb["la_code"] == "E06000015"].sort_values("rank")
    assert len(derby) == 10
    assert derby.iloc[0]["neighbour_old_code"] == "874"
    assert derby.iloc[0]["neighbour_code"] == "E06000031"  # Peterborough
