"""DfE comparators of the core indicators: England, region, statistical neighbours, over the years.

Each comparator is computed from DfE's own counts in ``data/reference/dfe`` exactly as DfE
defines it (``COMPARATORS``); where the file also holds DfE's published percentage or rate it is
kept beside (``published``), and the tests check that the two agree. Rates per 10,000 use the ONS
mid-year estimate of the year before the reporting year (DfE convention), as
:func:`assurance_lib.reference.load_benchmarks` does; the looked-after rate uses the population
in DfE's own looked-after file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .. import reference as ref

__all__ = ["Comparator", "COMPARATORS", "dfe_values", "benchmark", "rank_among", "SOURCE"]

SOURCE = ref.BENCHMARK_SOURCE

C1 = "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
C4 = "c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv"
D3 = "d3_cpps_subsequent_plan_2013_to_2025.csv"
D5 = "d5_cpps_at31march_by_duration_2013_to_2025.csv"
CLA = "cla_number_and_rate_per_10k_children.csv"


@dataclass(frozen=True, slots=True)
class Comparator:
    """One DfE figure: ``numerator`` columns (summed) over ``denominator`` (columns summed, or the population)."""

    file: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    multiplier: float
    published: str
    description: str
    filter: tuple[str, str] | None = None


COMPARATORS: dict[str, Comparator] = {
    "referrals_rate": Comparator(C1, ("referral_count",), ("population",), 10000, "", "referrals per 10,000 children"),
    "rereferrals": Comparator(
        C1,
        ("rereferral_count",),
        ("referral_count",),
        100,
        "rereferral_percent",
        "re-referrals within 12 months, % of referrals",
    ),
    "referral_nfa": Comparator(
        C1,
        ("no_further_action_count",),
        ("referral_count",),
        100,
        "no_further_action_percent",
        "referrals with no further action, % of referrals",
    ),
    "s47_rate": Comparator(C4, ("Section47",), ("population",), 10000, "", "section 47 enquiries per 10,000 children"),
    "s47_to_icpc": Comparator(
        C4, ("ICPC",), ("Section47",), 100, "", "initial child protection conferences, % of section 47 enquiries"
    ),
    "icpc_15wd": Comparator(
        C4,
        ("Duration_0-10_days", "Duration_11-15_days"),
        ("Duration_0-10_days", "Duration_11-15_days", "Duration_16-20_days", "Duration_21+_days"),
        100,
        "",
        "conferences within 15 working days of the section 47 start, % of conferences with a duration",
    ),
    "cpp_rate": Comparator(D5, ("CPP_At31",), ("population",), 10000, "", "children on a plan at 31 March per 10,000"),
    "cla_rate": Comparator(
        CLA,
        ("children_count",),
        ("population_estimate",),
        10000,
        "rate_per_10000",
        "children looked after at 31 March per 10,000",
        ("population_type", "Children looked after on 31 March each year"),
    ),
    "cpp_second": Comparator(
        D3, ("CPP_subsequent",), ("CPP_start",), 100, "CPP_subsequent_percent", "second or subsequent plans, % of plans"
    ),
    "cpp_two_years": Comparator(
        D5,
        ("2_years_or_more",),
        ("CPP_At31",),
        100,
        "2_years_or_more_percent",
        "plans of two years or more at 31 March, % of plans",
    ),
}
"""Comparator name (the catalogue's ``comparator``) -> how DfE's figure is made from its counts."""


def _population(folder: Path) -> pd.DataFrame:
    b = ref.load_benchmarks(folder)
    return b[["year", "area_code", "population"]].drop_duplicates(["year", "area_code"])


@lru_cache(maxsize=4)
def _values_cached(folder: str) -> pd.DataFrame:
    d = Path(folder)
    pop = _population(d)
    frames = []
    for name, c in COMPARATORS.items():
        raw = ref._read_dfe(d / c.file)
        raw = raw[raw["time_identifier"].eq("Reporting year")]
        if c.filter is not None:
            raw = raw[raw[c.filter[0]].eq(c.filter[1])]
        out = pd.DataFrame(
            {
                "comparator": name,
                "year": ref._num(raw["time_period"]).astype("Int64"),
                "level": raw["geographic_level"].map(
                    {"National": "England", "Regional": "Region", "Local authority": "Local authority"}
                ),
                "area_code": ref._area_code(raw),
                "area_name": ref._area_name(raw),
                "region_code": raw["region_code"].replace("", pd.NA),
            }
        )
        out["numerator"] = sum(ref._num(raw[col]) for col in c.numerator)
        if c.denominator == ("population",):
            out = out.merge(pop, on=["year", "area_code"], how="left")
            out["denominator"] = out.pop("population")
        else:
            out["denominator"] = sum(ref._num(raw[col]) for col in c.denominator).to_numpy()
        for col in ("numerator", "denominator"):
            out[col] = pd.Series(out[col]).to_numpy(dtype="float64", na_value=np.nan)
        out["value"] = out["numerator"] / out["denominator"] * c.multiplier
        out["published"] = (
            ref._num(raw[c.published]).to_numpy(dtype="float64", na_value=np.nan) if c.published else np.nan
        )
        frames.append(out)
    allv = pd.concat(frames, ignore_index=True)
    allv = allv.dropna(subset=["area_code"]).drop_duplicates(["comparator", "year", "area_code"])
    return allv.reset_index(drop=True)


def dfe_values(folder: Path | str | None = None) -> pd.DataFrame:
    """Every comparator for every area and year of the DfE files.

    Returns
    -------
    DataFrame
        ``comparator, year, level, area_code, area_name, region_code, numerator, denominator,
        value, published`` (DfE's own published figure where the file holds one, else missing).
    """
    return _values_cached(str(Path(folder) if folder else ref.reference_dir() / "dfe")).copy()


def benchmark(values: pd.DataFrame, la_code: str, neighbours: list[str]) -> pd.DataFrame:
    """England, the region of ``la_code``, ``la_code`` itself and its neighbours' median and quartiles, by year.

    Returns
    -------
    DataFrame
        ``comparator, year, england, region, region_name, la_value, neighbours_median,
        neighbours_q1, neighbours_q3, neighbours_n`` (quartiles by linear interpolation, pandas'
        default, over the neighbours with a value that year).
    """
    la_rows = values[values["area_code"].eq(la_code)]
    region = la_rows["region_code"].dropna()
    region_code = str(region.iloc[-1]) if len(region) else ""
    rows = []
    for (comp, year), g in values.groupby(["comparator", "year"], sort=True):
        eng = g.loc[g["level"].eq("England"), "value"]
        reg = g[g["level"].eq("Region") & g["area_code"].eq(region_code)]
        la = g.loc[g["area_code"].eq(la_code), "value"]
        nb = g.loc[g["area_code"].isin(neighbours), "value"].dropna()
        rows.append(
            {
                "comparator": comp,
                "year": int(year),
                "england": float(eng.iloc[0]) if len(eng) else np.nan,
                "region": float(reg["value"].iloc[0]) if len(reg) else np.nan,
                "region_name": str(reg["area_name"].iloc[0]) if len(reg) else "",
                "la_value": float(la.iloc[0]) if len(la) else np.nan,
                "neighbours_median": float(nb.median()) if len(nb) else np.nan,
                "neighbours_q1": float(nb.quantile(0.25)) if len(nb) else np.nan,
                "neighbours_q3": float(nb.quantile(0.75)) if len(nb) else np.nan,
                "neighbours_n": int(len(nb)),
            }
        )
    return pd.DataFrame(rows)


def rank_among(value: float, others: list[float], polarity: str) -> int | None:
    """The rank of ``value`` among ``others`` and itself: 1 = best by ``polarity`` (highest where neither).

    Ties share the better rank.

    >>> rank_among(20.0, [10.0, 30.0, 25.0], "lower is better"), rank_among(20.0, [10.0, 30.0, 25.0], "neither")
    (2, 3)
    """
    if value is None or not np.isfinite(value):
        return None
    xs = [x for x in others if x is not None and np.isfinite(x)]
    if polarity == "lower is better":
        return 1 + sum(x < value for x in xs)
    return 1 + sum(x > value for x in xs)
