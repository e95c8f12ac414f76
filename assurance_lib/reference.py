"""Code lists and public reference data for the disproportionality analysis.

Code lists
    The child's journey (:data:`STAGES`), the 20 DfE ethnicity codes with their major groups
    (:data:`ETHNICITY`), age bands (:data:`AGE_BANDS`, :func:`age_band`) and the values of sex,
    disability and UASC status.

Crosswalk
    ``data/reference/ethnicity_crosswalk.csv`` maps Census 2021 ethnic group categories (TS021,
    20 categories) to DfE codes. Census 2021 and the DfE list agree on Gypsy or Irish Traveller
    (WIRT) and Roma (WROM); Census "Arab" has no DfE code and merges with "Any other ethnic group"
    into OOTH; "Refused" (REFU) and "Information not yet obtained" (NOBT) have no population.

Reference data
    ``data/reference/dfe/`` holds DfE children in need / children looked after statistics and
    ONS mid-year estimates (see its ``SOURCES.md``; Open Government Licence v3.0).
    :func:`load_benchmarks` turns them into one tidy frame of annual child counts and rates per
    10,000 children by local authority, region and England; :func:`load_neighbours` reads the
    2021 statistical neighbour groupings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "Stage",
    "STAGES",
    "STAGE_CODES",
    "FLOW_EVENTS",
    "STOCK_STAGES",
    "stage",
    "DEFAULT_FEEDERS",
    "Ethnicity",
    "ETHNICITY",
    "ETHNICITY_CODES",
    "MAJOR_GROUPS",
    "NO_POPULATION_CODES",
    "major_group",
    "AGE_BANDS",
    "age_band",
    "age_in_years",
    "SEXES",
    "DISABILITY",
    "UASC",
    "reference_dir",
    "load_crosswalk",
    "load_benchmarks",
    "load_neighbours",
    "BENCHMARK_SOURCE",
    "POPULATION_SOURCE",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Stage:
    """One step of the child's journey as the analysis counts it.

    Attributes
    ----------
    code : str
        ``referral``, ``cpp_start``, ``cla_at_end`` ...
    label : str
        Plain-English name used in tables and findings ("start a child protection plan").
    kind : {'flow', 'stock'}
        Flows count children with the event in the window; stocks count children on a plan or
        looked after at the period end.
    event : str
        The journey event the stage is counted from.
    phrase : str
        Verb phrase for findings ("to start a child protection plan").
    """

    code: str
    label: str
    kind: str
    event: str
    phrase: str


STAGES: tuple[Stage, ...] = (
    Stage(code="contact", label="Contacts", kind="flow", event="contact", phrase="to be the subject of a contact"),
    Stage(
        code="referral",
        label="Referrals",
        kind="flow",
        event="referral",
        phrase="to be referred to children's social care",
    ),
    Stage(code="assessment", label="Assessments", kind="flow", event="assessment", phrase="to be assessed"),
    Stage(
        code="s47",
        label="Section 47 enquiries",
        kind="flow",
        event="s47",
        phrase="to be the subject of a section 47 enquiry",
    ),
    Stage(
        code="icpc",
        label="Initial child protection conferences",
        kind="flow",
        event="icpc",
        phrase="to be the subject of an initial child protection conference",
    ),
    Stage(
        code="cpp_start",
        label="Child protection plan starts",
        kind="flow",
        event="cpp_start",
        phrase="to start a child protection plan",
    ),
    Stage(
        code="cla_start",
        label="Starts to be looked after",
        kind="flow",
        event="cla_start",
        phrase="to start to be looked after",
    ),
    Stage(
        code="cpp_at_end",
        label="On a child protection plan at the period end",
        kind="stock",
        event="cpp_start",
        phrase="to be on a child protection plan at the period end",
    ),
    Stage(
        code="cla_at_end",
        label="Looked after at the period end",
        kind="stock",
        event="cla_start",
        phrase="to be looked after at the period end",
    ),
)
"""The journey in order: seven flows, then two stocks."""

STAGE_CODES: tuple[str, ...] = tuple(s.code for s in STAGES)
FLOW_EVENTS: tuple[str, ...] = ("contact", "referral", "assessment", "s47", "icpc", "cpp_start", "cla_start")
"""The ``event`` values of the journey events input."""
STOCK_STAGES: tuple[str, ...] = ("cpp_at_end", "cla_at_end")
EVENTS_WITH_END: tuple[str, ...] = ("cpp_start", "cla_start")
"""Events that open an episode with an ``end_date`` (blank while open)."""

DEFAULT_FEEDERS: dict[str, str] = {
    "referral": "contact",
    "assessment": "referral",
    "s47": "referral",
    "icpc": "s47",
    "cpp_start": "icpc",
    "cla_start": "referral",
}
"""Default feeder stage of each flow for stage-to-stage conversion. Section 47 enquiries often
start before an assessment concludes, so their feeder is the referral; children start to be
looked after by several routes (after a plan, an assessment, or in an emergency), so their
feeder is the referral as well."""


def stage(code: str) -> Stage:
    """The :class:`Stage` with this code (``ValueError`` naming the choices otherwise)."""
    for s in STAGES:
        if s.code == code:
            return s
    raise ValueError(f"unknown stage {code!r} (expected one of: {', '.join(STAGE_CODES)})")


@dataclass(frozen=True, slots=True, kw_only=True)
class Ethnicity:
    """A DfE ethnicity code (CIN census / SSDA903), its description and DfE major group."""

    code: str
    name: str
    major: str


ETHNICITY: tuple[Ethnicity, ...] = (
    Ethnicity(code="WBRI", name="White British", major="White"),
    Ethnicity(code="WIRI", name="White Irish", major="White"),
    Ethnicity(code="WIRT", name="Traveller of Irish heritage", major="White"),
    Ethnicity(code="WOTH", name="Any other White background", major="White"),
    Ethnicity(code="WROM", name="Gypsy/Roma", major="White"),
    Ethnicity(code="MWBC", name="White and Black Caribbean", major="Mixed"),
    Ethnicity(code="MWBA", name="White and Black African", major="Mixed"),
    Ethnicity(code="MWAS", name="White and Asian", major="Mixed"),
    Ethnicity(code="MOTH", name="Any other mixed background", major="Mixed"),
    Ethnicity(code="AIND", name="Indian", major="Asian"),
    Ethnicity(code="APKN", name="Pakistani", major="Asian"),
    Ethnicity(code="ABAN", name="Bangladeshi", major="Asian"),
    Ethnicity(code="AOTH", name="Any other Asian background", major="Asian"),
    Ethnicity(code="BCRB", name="Black Caribbean", major="Black"),
    Ethnicity(code="BAFR", name="Black African", major="Black"),
    Ethnicity(code="BOTH", name="Any other Black background", major="Black"),
    Ethnicity(code="CHNE", name="Chinese", major="Asian"),
    Ethnicity(code="OOTH", name="Any other ethnic group", major="Other"),
    Ethnicity(code="REFU", name="Refused", major="Not known"),
    Ethnicity(code="NOBT", name="Information not yet obtained", major="Not known"),
)
"""The 20 DfE codes. Chinese is grouped with Asian, as in DfE publications since 2022 (aligned
with Census 2021); refused and not obtained form the "Not known" group (data quality, no
population)."""

ETHNICITY_CODES: tuple[str, ...] = tuple(e.code for e in ETHNICITY)
MAJOR_GROUPS: tuple[str, ...] = ("White", "Mixed", "Asian", "Black", "Other", "Not known")
NO_POPULATION_CODES: tuple[str, ...] = ("REFU", "NOBT")
_MAJOR = {e.code: e.major for e in ETHNICITY}
_NAME = {e.code: e.name for e in ETHNICITY}


def major_group(code: str) -> str:
    """The DfE major group of a code.

    >>> major_group("MWBC"), major_group("CHNE"), major_group("NOBT")
    ('Mixed', 'Asian', 'Not known')
    """
    try:
        return _MAJOR[code]
    except KeyError:
        raise ValueError(f"unknown ethnicity code {code!r} (expected one of: {', '.join(ETHNICITY_CODES)})") from None


def ethnicity_name(code: str) -> str:
    """The description of a DfE code (``WBRI`` -> ``White British``)."""
    return _NAME.get(code, code)


AGE_BANDS: tuple[str, ...] = ("unborn", "under 1", "1 to 4", "5 to 9", "10 to 15", "16 to 17")
"""DfE age bands of children's social care statistics, with the unborn (pre-birth events)."""
_AGE_EDGES = np.array([0, 1, 5, 10, 16, 18])


def age_band(age_years: np.ndarray | pd.Series, unborn: np.ndarray | pd.Series | None = None) -> pd.Series:
    """Age band of whole years of age (0-17); ``unborn`` marks events before birth.

    Ages outside 0-17 give ``<NA>``.

    >>> list(age_band(pd.Series([0, 1, 4, 5, 15, 16, 17, 18])))
    ['under 1', '1 to 4', '1 to 4', '5 to 9', '10 to 15', '16 to 17', '16 to 17', <NA>]
    """
    a = pd.to_numeric(pd.Series(age_years), errors="coerce")
    idx = np.searchsorted(_AGE_EDGES, a.to_numpy(dtype=float, na_value=np.nan), side="right")
    labels = np.array([None, *AGE_BANDS[1:], None], dtype=object)
    out = labels[np.clip(idx, 0, len(labels) - 1)]
    out = np.where(a.isna().to_numpy() | (a.to_numpy(dtype=float, na_value=np.nan) < 0), None, out)
    res = pd.Series(out, index=a.index, dtype="string")
    if unborn is not None:
        res = res.mask(pd.Series(unborn, index=a.index).fillna(False).astype(bool), "unborn")
    return res


def age_in_years(date_of_birth: pd.Series, when: pd.Series) -> pd.Series:
    """Completed years of age on ``when`` (calendar age: a child is 10 on their 10th birthday).

    Negative before birth (-1 for a date in the year before birth); missing where either date is.

    >>> age_in_years(pd.Series(pd.to_datetime(["2016-03-01", "2016-03-01"])),
    ...              pd.Series(pd.to_datetime(["2026-03-01", "2026-02-28"]))).tolist()
    [10, 9]
    """
    b = pd.to_datetime(date_of_birth)
    w = pd.to_datetime(when)
    if not b.index.equals(w.index):
        b, w = b.align(w)
    # as yyyymmdd numbers the difference // 10000 is the difference in years, less one when the
    # month and day of ``when`` come before those of the birthday
    born, b_missing = _yyyymmdd(b)
    on, w_missing = _yyyymmdd(w)
    return pd.Series(pd.arrays.IntegerArray((on - born) // 10000, b_missing | w_missing), index=b.index)


def _yyyymmdd(dates: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each date as the number yyyymmdd (0 where missing), and where it is missing; the calendar of
    each day from the first date to the last is worked out once."""
    days = dates.to_numpy(dtype="datetime64[D]")
    missing = np.isnat(days)
    day = days.view(np.int64)
    known = day[~missing]
    first, last = (int(known.min()), int(known.max())) if len(known) else (0, 0)
    cal = pd.DatetimeIndex(np.arange(first, last + 1).astype("datetime64[D]"))
    number = cal.year.to_numpy(np.int64) * 10000 + cal.month.to_numpy(np.int64) * 100 + cal.day.to_numpy(np.int64)
    return number[np.where(missing, 0, day - first)], missing


SEXES: tuple[str, ...] = ("female", "male", "unknown")
DISABILITY: tuple[str, ...] = ("yes", "no", "unknown")
UASC: tuple[str, ...] = ("yes", "no")

BENCHMARK_SOURCE = (
    "Department for Education, Children in need and Children looked after in England statistics "
    "(reporting years to 31 March); ONS mid-year population estimates of children aged 0 to 17 "
    "(year before the reporting year)"
)
POPULATION_SOURCE = "ONS mid-year population estimates, children aged 0 to 17"


def reference_dir() -> Path:
    """``data/reference`` of the project."""
    from .config import project_root

    return project_root() / "data" / "reference"


def load_crosswalk(path: Path | str | None = None) -> pd.DataFrame:
    """The Census 2021 -> DfE ethnicity crosswalk (``data/reference/ethnicity_crosswalk.csv``).

    Returns
    -------
    DataFrame
        ``census2021_code`` (TS021 code), ``census2021_name``, ``dfe_code``, ``dfe_major``, ``note``.
    """
    p = Path(path) if path else reference_dir() / "ethnicity_crosswalk.csv"
    df = pd.read_csv(p, dtype="string", keep_default_na=False)
    return df


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.astype("string").str.replace(",", "", regex=False), errors="coerce")


_LA_CODE = re.compile(r"^E\d{8}$")

# stage -> (file, filter (column, value) or None, count column, unit note)
_BENCH_FILES: dict[str, tuple[str, tuple[str, str] | None, str, str]] = {
    "referral": (
        "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
        None,
        "referral_child_count",
        "children referred in the year",
    ),
    "s47": (
        "c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv",
        None,
        "Section47_child",
        "children subject to a section 47 enquiry in the year",
    ),
    "icpc": (
        "c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv",
        None,
        "ICPC_child",
        "children subject to an initial child protection conference in the year",
    ),
    "cpp_start": (
        "d3_cpps_subsequent_plan_2013_to_2025.csv",
        None,
        "CPP_start",
        "child protection plans started in the year (plans; a child rarely starts two in a year)",
    ),
    "cla_start": (
        "cla_number_and_rate_per_10k_children.csv",
        ("population_type", "Children starting to be looked after each year"),
        "children_count",
        "children starting to be looked after in the year",
    ),
    "cpp_at_end": (
        "d5_cpps_at31march_by_duration_2013_to_2025.csv",
        None,
        "CPP_At31",
        "children on a child protection plan at 31 March",
    ),
    "cla_at_end": (
        "cla_number_and_rate_per_10k_children.csv",
        ("population_type", "Children looked after on 31 March each year"),
        "children_count",
        "children looked after at 31 March",
    ),
}


def _read_dfe(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype="string", keep_default_na=False, encoding="utf-8-sig")
    df.columns = [c.strip() for c in df.columns]
    # some releases swap la_name and new_la_code: recover the code by its pattern
    if "new_la_code" in df.columns and "la_name" in df.columns:
        swapped = ~df["new_la_code"].fillna("").str.match(_LA_CODE.pattern) & df["la_name"].fillna("").str.match(
            _LA_CODE.pattern
        )
        if swapped.any():
            code = df.loc[swapped, "la_name"]
            df.loc[swapped, "la_name"] = df.loc[swapped, "new_la_code"]
            df.loc[swapped, "new_la_code"] = code
    return df


def _area_code(df: pd.DataFrame) -> pd.Series:
    level = df["geographic_level"]
    return (
        df["new_la_code"]
        .where(level.eq("Local authority"))
        .fillna(df["region_code"].where(level.eq("Regional")))
        .fillna(df["country_code"].where(level.eq("National")))
    )


def _area_name(df: pd.DataFrame) -> pd.Series:
    level = df["geographic_level"]
    return (
        df["la_name"]
        .where(level.eq("Local authority"))
        .fillna(df["region_name"].where(level.eq("Regional")))
        .fillna(df["country_name"].where(level.eq("National")))
    )


@lru_cache(maxsize=4)
def _benchmarks_cached(folder: str) -> pd.DataFrame:
    d = Path(folder)
    pop = _read_dfe(d / "ons_mid-year_population_estimates_2012_to_2024.csv")
    pop = (
        pd.DataFrame(
            {
                "pop_year": _num(pop["time_period"]).astype("Int64"),
                "area_code": _area_code(pop),
                "population": _num(pop["population_estimate"]),
            }
        )
        .dropna(subset=["area_code"])
        .drop_duplicates(["pop_year", "area_code"])
    )
    frames = []
    for code, (file, filt, col, unit) in _BENCH_FILES.items():
        df = _read_dfe(d / file)
        if filt is not None:
            df = df[df[filt[0]].eq(filt[1])]
        df = df[df["time_identifier"].eq("Reporting year")]
        out = pd.DataFrame(
            {
                "year": _num(df["time_period"]).astype("Int64"),
                "level": df["geographic_level"].map(
                    {"National": "England", "Regional": "Region", "Local authority": "Local authority"}
                ),
                "area_code": _area_code(df),
                "area_name": _area_name(df),
                "region_code": df["region_code"].replace("", pd.NA),
                "region_name": df["region_name"].replace("", pd.NA),
                "old_la_code": df["old_la_code"].replace("", pd.NA),
                "stage": code,
                "kind": "stock" if code.endswith("_at_end") else "flow",
                "count_raw": df[col],
                "count": _num(df[col]),
                "unit_note": unit,
            }
        )
        frames.append(out)
    bench = pd.concat(frames, ignore_index=True)
    bench["pop_year"] = (bench["year"] - 1).astype("Int64")
    bench = bench.merge(pop, on=["pop_year", "area_code"], how="left")
    bench["rate_per_10000"] = bench["count"] / bench["population"] * 10000
    bench["source"] = BENCHMARK_SOURCE
    return bench.drop_duplicates(["year", "area_code", "stage"]).reset_index(drop=True)


def load_benchmarks(folder: Path | str | None = None) -> pd.DataFrame:
    """Annual DfE counts of children by stage and area, with the 0-17 population and rate.

    Reporting year ``t`` ends on 31 March ``t``; its rate uses the ONS mid-year estimate of
    ``t - 1`` (DfE convention). Suppressed or unavailable counts (``c``, ``x``, ``u``) are kept
    as missing ``count`` with the symbol in ``count_raw``.

    Parameters
    ----------
    folder : path-like, optional
        Default ``data/reference/dfe``.

    Returns
    -------
    DataFrame
        ``year, level ('England'|'Region'|'Local authority'), area_code, area_name, region_code,
        region_name, old_la_code, stage, kind, count_raw, count, unit_note, pop_year,
        population, rate_per_10000, source``.
    """
    return _benchmarks_cached(str(Path(folder) if folder else reference_dir() / "dfe")).copy()


def load_neighbours(folder: Path | str | None = None) -> pd.DataFrame:
    """DfE statistical neighbours (April 2021 groupings), in long form with current LA codes.

    Returns
    -------
    DataFrame
        ``la_code, la_name, rank (1-10), neighbour_old_code, neighbour_code, closeness``;
        ``neighbour_code`` is missing where the neighbour's old code has no current LA in the
        reference data (authorities reorganised since 2021).
    """
    d = Path(folder) if folder else reference_dir() / "dfe"
    raw = pd.read_csv(
        d / "New_Statistical_Neighbour_Groupings_April_2021.csv",
        dtype="string",
        header=None,
        skiprows=1,
        keep_default_na=False,
        encoding="utf-8-sig",
    )
    bench = load_benchmarks(d)
    la = bench[bench["level"].eq("Local authority")].sort_values("year")
    old_to_new = (
        la.dropna(subset=["old_la_code"])
        .drop_duplicates("old_la_code", keep="last")
        .set_index("old_la_code")["area_code"]
    )
    rows = []
    for _, r in raw.iterrows():
        old = str(r[0]).strip()
        if not old.isdigit():
            continue
        for k in range(10):
            nb = str(r[5 + 2 * k]).strip()
            rows.append(
                {
                    "la_old_code": old,
                    "la_name": str(r[1]).strip(),
                    "rank": k + 1,
                    "neighbour_old_code": nb,
                    "closeness": str(r[6 + 2 * k]).strip(),
                }
            )
    out = pd.DataFrame(rows)
    out["la_code"] = out["la_old_code"].map(old_to_new).astype("string")
    out["neighbour_code"] = out["neighbour_old_code"].map(old_to_new).astype("string")
    return out[["la_code", "la_old_code", "la_name", "rank", "neighbour_old_code", "neighbour_code", "closeness"]]
