"""The synthetic partnership's child journeys and child population (for notebooks 01 and 04).

A mid-sized partnership of 54,317 children aged 0-17 on 30 September 2026 whose ethnic structure
follows a real English local authority's Census 2021 shares (Derby, E06000015, TS021, all ages:
the only ethnic breakdown vendored in ``data/reference``), with an even age structure, 51% boys,
and journey probabilities set so that the partnership's rates differ from its comparators as a
real authority's do (``data/reference/dfe`` 2025, England: referrals 458, section 47 enquiries
160, ICPCs 58, plan starts 51, looked-after starts 26 per 10,000 children a year): more referrals
and section 47 enquiries than England and its statistical neighbours, fewer ICPCs and plans.

Deprivation is steep, as in real cohorts: the partnership has more children in the most deprived
IMD deciles than the least, contacts are a little more frequent in the most deprived deciles, and
referrals there are four times as likely to lead to a section 47 enquiry and three times as likely
to lead to care as in the least deprived, so that plan and care starts in the most deprived decile
are seven to nine times those in the least. Each child lives in one of four localities
(:data:`LOCALITIES`) whose deprivation differs.

Each child has at most one new journey a year (a Bernoulli draw per year whose probability is the
product of a base probability, an age factor, a deprivation factor and the group's planted
multiplier), so that a planted multiplier *is* the ratio of the probability of reaching a stage
at a given deprivation. Journeys run contact -> referral -> assessment / section 47 -> ICPC ->
plan, and referral -> care, with repeat contacts and re-referrals (episodes, not children),
referrals ending in no further action, pre-birth events, open and ended plans and care episodes
(and the plans and care episodes already open when the eight quarters begin, and earlier ended
plans of children who start a second plan), some refused or not obtained ethnicity,
unaccompanied asylum-seeking children (:data:`UASC_ROUTES`) and an IMD decile. Dates fall mostly
on working days, with fewer contacts in August and school referrals only in term time.

The journey fields of the core dataset: assessments and section 47 enquiries carry an
``end_date`` (assessment completed; enquiry concluded), with assessment timeliness (within 45
working days) that drifts down over autumn 2025 and recovers in spring 2026 and ICPC timeliness
(within 15 working days of the section 47 start) with a similar dip (:func:`on_time_share`);
referral rows carry a ``referral_source`` (:data:`REFERRAL_SOURCES`, the children-in-need census
codes); every row carries the child's ``locality``.

:data:`PLANTED` lists the planted disproportionality patterns (ratio against White British);
:data:`CONFOUNDED` the one produced by deprivation alone; every other ethnic group
(:data:`NULL_GROUPS`) has none. Files written:

- ``journey_events.csv``: one row per child per event, 1 October 2024 to 30 September 2026
  (plus the start rows of plans and care episodes open on 1 October 2024, and earlier plans);
- ``population_children.csv``: children 0-17 by Census 2021 ethnic group, sex and age band,
  with source and vintage.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from ..disproportionality.inputs import REFERRAL_SOURCES

__all__ = [
    "generate",
    "PLANTED",
    "CONFOUNDED",
    "NULL_GROUPS",
    "N_CHILDREN",
    "WINDOW_START",
    "WINDOW_END",
    "DERBY_CENSUS_2021",
    "LOCALITIES",
    "REFERRAL_SOURCES",
    "UASC_ROUTES",
    "BANK_HOLIDAYS",
    "on_time_share",
    "make_events",
    "make_population",
]

N_CHILDREN = 54_317
WINDOW_START = dt.date(2024, 10, 1)
WINDOW_END = dt.date(2026, 9, 30)

DERBY_CENSUS_2021: dict[str, int] = {
    # data/reference/dfe/ons-ethnic-population-la.csv, E06000015 Derby, TS021 codes 1-19 (all ages)
    "Asian, Asian British or Asian Welsh: Bangladeshi": 827,
    "Asian, Asian British or Asian Welsh: Chinese": 1416,
    "Asian, Asian British or Asian Welsh: Indian": 12631,
    "Asian, Asian British or Asian Welsh: Pakistani": 21034,
    "Asian, Asian British or Asian Welsh: Other Asian": 4993,
    "Black, Black British, Black Welsh, Caribbean or African: African": 6110,
    "Black, Black British, Black Welsh, Caribbean or African: Caribbean": 3056,
    "Black, Black British, Black Welsh, Caribbean or African: Other Black": 1316,
    "Mixed or Multiple ethnic groups: White and Asian": 2412,
    "Mixed or Multiple ethnic groups: White and Black African": 924,
    "Mixed or Multiple ethnic groups: White and Black Caribbean": 4178,
    "Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups": 2048,
    "White: English, Welsh, Scottish, Northern Irish or British": 173077,
    "White: Irish": 1982,
    "White: Gypsy or Irish Traveller": 408,
    "White: Roma": 1163,
    "White: Other White": 16241,
    "Other ethnic group: Arab": 1032,
    "Other ethnic group: Any other ethnic group": 6516,
}

PLANTED: tuple[dict[str, object], ...] = (
    {"measure": "rate_ratio", "stage": "contact", "group_type": "ethnicity_major", "group": "Black", "ratio": 1.5},
    {"measure": "rate_ratio", "stage": "contact", "group_type": "ethnicity_minor", "group": "BCRB", "ratio": 1.5},
    {"measure": "rate_ratio", "stage": "contact", "group_type": "ethnicity_minor", "group": "BAFR", "ratio": 1.5},
    {"measure": "rate_ratio", "stage": "contact", "group_type": "ethnicity_minor", "group": "AIND", "ratio": 0.6},
    {
        "measure": "conversion_ratio",
        "stage": "referral",
        "group_type": "ethnicity_minor",
        "group": "WROM",
        "ratio": 2.0,
    },
    {"measure": "conversion_ratio", "stage": "s47", "group_type": "ethnicity_minor", "group": "MWBC", "ratio": 1.8},
    {
        "measure": "conversion_ratio_imd",
        "stage": "s47",
        "group_type": "ethnicity_minor",
        "group": "MWBC",
        "ratio": 1.8,
    },
)
"""Planted patterns, each a ratio against White British children (WBRI) at every level of
deprivation (the groups live where White British children live). The contact rate multiplier of
Black children carries through every later stage (their conversions are unchanged); Indian
children are 0.6 times as likely to be the subject of a contact; White and Black Caribbean
children are 1.8 times as likely to go from referral to a section 47 enquiry, crude and adjusted
for deprivation alike; Roma children twice as likely to go from contact to referral."""

CONFOUNDED: tuple[dict[str, object], ...] = (
    {"measure": "conversion_ratio", "stage": "s47", "group_type": "ethnicity_minor", "group": "APKN", "ratio": 1.0},
)
"""A difference with deprivation behind it: Pakistani children have no multiplier of their own,
but most live in the most deprived deciles, where contacts are more frequent and referrals more
often lead to a section 47 enquiry. Crude, they are over-represented (at contact, at section 47
and at plan start, and in the referral-to-section-47 conversion); adjusted for deprivation (the
Mantel-Haenszel ratio within IMD quintiles) the conversion ratio is 1 (``ratio``)."""

NULL_GROUPS: tuple[str, ...] = ("WIRI", "WOTH", "MWBA", "MWAS", "MOTH", "ABAN", "AOTH", "CHNE", "OOTH", "WIRT")
"""Ethnic groups with no planted effect at any stage (and the White British deprivation profile)."""

# contact multipliers by DfE code; conversion multipliers by (code, stage)
_CONTACT_MULT = {"BCRB": 1.5, "BAFR": 1.5, "BOTH": 1.5, "AIND": 0.6}
_CONV_MULT = {("WROM", "referral"): 2.0, ("MWBC", "s47"): 1.8}

# children by IMD decile (1 most deprived): the partnership's, and that of its Pakistani children
_IMD_SHARES = np.array([13.2, 12.0, 11.0, 10.3, 9.8, 9.4, 9.0, 8.7, 8.5, 8.1])
_IMD_SHARES_DEPRIVED = np.array([46.0, 25.0, 12.0, 6.0, 4.0, 2.5, 2.0, 1.3, 0.8, 0.4])
_DEPRIVED_GROUPS = ("APKN",)
# ratio of the most to the least deprived decile (log-linear between them)
_IMD_GRADIENT = {"contact": 1.1, "s47": 4.0, "icpc": 1.0, "cla": 3.0}

LOCALITIES: tuple[str, ...] = ("Riverside", "Northgate", "Eastbrook", "Westhill")
"""The partnership's four localities, from the most to the least deprived."""
_LOCALITY_BY_DECILE = np.array(
    [
        [0.62, 0.25, 0.10, 0.03],
        [0.50, 0.30, 0.15, 0.05],
        [0.35, 0.35, 0.22, 0.08],
        [0.22, 0.35, 0.30, 0.13],
        [0.15, 0.30, 0.35, 0.20],
        [0.10, 0.25, 0.35, 0.30],
        [0.06, 0.20, 0.34, 0.40],
        [0.04, 0.15, 0.31, 0.50],
        [0.03, 0.10, 0.27, 0.60],
        [0.02, 0.06, 0.22, 0.70],
    ]
)


# England-like shares of referrals by source (per cent), and factors by age group and school month
_SOURCE_SHARE = np.array(
    [3.0, 0.8, 0.9, 2.4, 33.0, 1.6, 2.0, 2.3, 0.7, 1.6, 3.8, 5.0, 1.5, 3.0, 3.4, 2.2, 5.2, 25.5, 2.2, 5.1, 0.9, 2.6]
)
_SOURCE_CODES = tuple(REFERRAL_SOURCES)
_SCHOOL_CODES = ("2A", "2B", "3C")
_AGE_SOURCE = {  # age group -> {code: factor}
    0: {"2A": 0.0, "2B": 0.05, "3C": 0.0, "3B": 5.0, "3F": 3.5, "3E": 1.5, "1C": 0.0},
    1: {"2A": 0.05, "2B": 2.0, "3C": 0.2, "3B": 3.0, "1C": 0.0},
    2: {"3B": 0.1, "1C": 0.3},
    3: {"3B": 0.0},
    4: {"3B": 0.0, "2A": 0.5, "2B": 1.8, "6": 1.3, "1C": 3.0, "5B": 1.4},
}
_SCHOOL_MONTH = {1: 1.0, 2: 0.9, 3: 1.0, 4: 0.7, 5: 1.0, 6: 1.0, 7: 0.75, 8: 0.1, 9: 0.85, 10: 1.0, 11: 1.05, 12: 0.8}
# journeys by month of the year (fewer in August and around Christmas)
_MONTH_WEIGHT = {
    1: 1.06,
    2: 1.05,
    3: 1.1,
    4: 0.94,
    5: 1.05,
    6: 1.07,
    7: 1.02,
    8: 0.76,
    9: 0.98,
    10: 1.08,
    11: 1.1,
    12: 0.86,
}

UASC_ROUTES: dict[str, float] = {"National Transfer Scheme": 0.55, "spontaneous arrival": 0.45}
"""Routes of unaccompanied asylum-seeking children into care: transferred from another authority
under the National Transfer Scheme (referral source 5C, LA services: external) or arriving in the
area (referred by the police, 6, by immigration, 7, or other, 8); either way they start to be
looked after within days of the referral."""
_UASC_PER_YEAR = 9.4
_UASC_CODES = {"BAFR": 0.33, "OOTH": 0.34, "AOTH": 0.15, "WOTH": 0.12, "BOTH": 0.06}

BANK_HOLIDAYS: tuple[str, ...] = (
    # England and Wales (gov.uk/bank-holidays)
    "2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-29", "2023-08-28",
    "2023-12-25", "2023-12-26", "2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27",
    "2024-08-26", "2024-12-25", "2024-12-26", "2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05",
    "2025-05-26", "2025-08-25", "2025-12-25", "2025-12-26", "2026-01-01", "2026-04-03", "2026-04-06",
    "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28", "2027-01-01", "2027-03-26",
    "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30", "2027-12-27", "2027-12-28",
)  # fmt: skip
"""Bank holidays of England and Wales 2023-2027 (working days exclude them and weekends)."""
_HOLIDAYS = np.array(BANK_HOLIDAYS, dtype="datetime64[D]")

# on-time shares by month (first of the month -> share); months not listed: the baseline
_ON_TIME = {
    "assessment": (
        0.875,
        {
            "2025-08": 0.84, "2025-09": 0.8, "2025-10": 0.76, "2025-11": 0.71, "2025-12": 0.66,
            "2026-01": 0.68, "2026-02": 0.74, "2026-03": 0.8, "2026-04": 0.85,
        },
    ),
    "icpc": (
        0.8,
        {
            "2025-09": 0.74, "2025-10": 0.66, "2025-11": 0.58, "2025-12": 0.55, "2026-01": 0.6,
            "2026-02": 0.68, "2026-03": 0.75,
        },
    ),
}  # fmt: skip

# base probabilities (chosen so that the all-children rates are like a real authority's)
_P_CONTACT = 0.09  # children with a new journey (contact) a year
_P_REFERRAL = 0.5  # of contacts
_P_ASSESS = 0.91  # of referrals
_P_S47 = 0.37  # of referrals
_P_ICPC = 0.33  # of section 47 enquiries
_P_CPP = 0.87  # of ICPCs
_P_CLA = 0.049  # of referrals
_P_REREFERRAL = 0.25  # a second referral within the year
_P_SECOND_PLAN = 0.25  # of children starting a plan with none in the extract: an earlier plan
_AGE_FACTOR = {0: 1.5, 1: 1.0, 2: 0.9, 3: 1.0, 4: 0.8}  # under 1, 1-4, 5-9, 10-15, 16-17
_ADULT_DAYS = 18 * 365  # fewer days than any 18th birthday: events from here on are dropped


def on_time_share(kind: str, when: np.ndarray) -> np.ndarray:
    """The planted share of assessments (``kind="assessment"``, within 45 working days) or ICPCs
    (``"icpc"``, within 15 working days of the section 47 start) on time, by the month of ``when``."""
    base, dip = _ON_TIME[kind]
    months = np.asarray(when, dtype="datetime64[M]").astype(str)
    return np.array([dip.get(m, base) for m in months], dtype=float)


def _workdays(start: np.ndarray, n: np.ndarray) -> np.ndarray:
    """``n`` working days after ``start`` (England and Wales), rolling a weekend start forward."""
    return np.busday_offset(start.astype("datetime64[D]"), n, roll="forward", holidays=_HOLIDAYS)


def _allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Largest-remainder allocation of ``total`` in proportion to ``weights`` (deterministic)."""
    w = np.asarray(weights, dtype=float)
    exact = w / w.sum() * total
    base = np.floor(exact).astype(int)
    rest = total - base.sum()
    order = np.argsort(-(exact - base), kind="stable")
    base[order[:rest]] += 1
    return base


def _imd_factor(decile: np.ndarray, ratio: float) -> np.ndarray:
    """Log-linear factor over deciles: ``ratio`` times as high in decile 1 as in decile 10."""
    return ratio ** ((5.5 - decile.astype(float)) / 9.0)


def _children(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """``n`` children aged 0-17 on the window end, and those who turned 18 during the window."""
    from ..reference import load_crosswalk

    cw = load_crosswalk()
    to_dfe = dict(zip(cw["census2021_name"], cw["dfe_code"]))
    names = list(DERBY_CENSUS_2021)
    n_leavers = int(round(n * 3 / 18))  # aged 18-20 at the end: children for part of the window
    counts = _allocate(n, np.array([DERBY_CENSUS_2021[k] for k in names])) + _allocate(
        n_leavers, np.array([DERBY_CENSUS_2021[k] for k in names])
    )
    total = n + n_leavers
    census = np.repeat(np.array(names, dtype=object), counts)
    rng.shuffle(census)
    adult = np.zeros(total, dtype=bool)
    adult[rng.choice(total, size=n_leavers, replace=False)] = True
    # residents: under 18 on the window end (ages in days below any 18th birthday)
    age_days = np.where(
        adult, rng.integers(18 * 365 + 5, 21 * 365 + 5, size=total), rng.integers(0, _ADULT_DAYS, size=total)
    )
    dob = np.datetime64(WINDOW_END) - age_days.astype("timedelta64[D]")
    sex = np.where(rng.random(total) < 0.51, "male", "female")
    disability = np.where(rng.random(total) < 0.08, "yes", np.where(rng.random(total) < 0.03, "unknown", "no"))
    dfe = np.array([to_dfe[c] for c in census], dtype=object)
    deprived = np.isin(dfe, _DEPRIVED_GROUPS)
    imd = (
        np.where(
            deprived,
            rng.choice(10, size=total, p=_IMD_SHARES_DEPRIVED / _IMD_SHARES_DEPRIVED.sum()),
            rng.choice(10, size=total, p=_IMD_SHARES / _IMD_SHARES.sum()),
        )
        + 1
    )
    recorded = dfe.copy()
    u = rng.random(total)
    recorded[u < 0.02] = "REFU"
    recorded[(u >= 0.02) & (u < 0.045)] = "NOBT"
    return pd.DataFrame(
        {
            "census": census,
            "dfe": dfe,
            "ethnicity": recorded,
            "dob": dob,
            "sex": sex,
            "disability": disability,
            "imd_decile": imd,
            "locality": _localities(rng, imd),
            "uasc": "no",
            "resident": ~adult,
        }
    )


def _localities(rng: np.random.Generator, imd: np.ndarray) -> np.ndarray:
    u = rng.random(len(imd))
    cum = np.cumsum(_LOCALITY_BY_DECILE[imd - 1], axis=1)
    return np.array(LOCALITIES, dtype=object)[np.minimum((u[:, None] > cum).sum(axis=1), len(LOCALITIES) - 1)]


def _age_group(dob: np.ndarray, when: np.ndarray) -> np.ndarray:
    years = (when - dob).astype("timedelta64[D]").astype(int) / 365.25
    return np.searchsorted([1, 5, 10, 16], years, side="right")


def _days(rng: np.random.Generator, lo: int, hi: int, size: int) -> np.ndarray:
    return rng.integers(lo, hi + 1, size=size).astype("timedelta64[D]")


def _year_days(rng: np.random.Generator, start: np.datetime64, size: int) -> np.ndarray:
    """``size`` dates in the 365 days from ``start``: fewer in August and at Christmas, few at weekends."""
    days = start + np.arange(365).astype("timedelta64[D]")
    month = days.astype("datetime64[M]").astype(int) % 12 + 1
    w = np.array([_MONTH_WEIGHT[m] for m in month])
    w = w * np.where(np.is_busday(days, holidays=_HOLIDAYS), 1.0, 0.22)
    return days[rng.choice(365, size=size, p=w / w.sum())]


def _sources(rng: np.random.Generator, age_g: np.ndarray, when: np.ndarray) -> np.ndarray:
    """A referral source for each referral, by the child's age group and the month (term time)."""
    month = when.astype("datetime64[M]").astype(int) % 12 + 1
    out = np.empty(len(age_g), dtype=object)
    for a in range(5):
        for m in range(1, 13):
            sel = np.flatnonzero((np.clip(age_g, 0, 4) == a) & (month == m))
            if not len(sel):
                continue
            w = _SOURCE_SHARE.copy()
            for code, f in _AGE_SOURCE[a].items():
                w[_SOURCE_CODES.index(code)] *= f
            for code in _SCHOOL_CODES:
                w[_SOURCE_CODES.index(code)] *= _SCHOOL_MONTH[m]
            out[sel] = np.array(_SOURCE_CODES, dtype=object)[rng.choice(len(w), size=len(sel), p=w / w.sum())]
    return out


def _timed(rng: np.random.Generator, kind: str, start: np.ndarray, on_lo: int, on_hi: int, late_hi: int) -> np.ndarray:
    """Dates ``on_lo``-``on_hi`` working days after ``start`` (on time, with the month's planted
    share) or ``on_hi + 1``-``late_hi`` (late)."""
    on = rng.random(len(start)) < on_time_share(kind, start)
    n = np.where(on, rng.integers(on_lo, on_hi + 1, len(start)), rng.integers(on_hi + 1, late_hi + 1, len(start)))
    return _workdays(start, n)


def _plan_days(rng: np.random.Generator, size: int) -> np.ndarray:
    """Plan lengths in days: a few ended within three months, most 4 to 18 months, a few 2 years or more."""
    short = rng.random(size) < 0.035
    long = rng.lognormal(np.log(250), 0.5, size)
    return np.where(short, rng.integers(25, 91, size), np.maximum(long, 92)).astype(int)


def make_events(seed: int, n_children: int = N_CHILDREN) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate the partnership: (events, children) frames (children keep their true group).

    Parameters
    ----------
    seed : int
        Seed of the random generator; the same seed gives the same frames.
    n_children : int
        Children aged 0-17 on 30 September 2026 (those who turned 18 during the window are added).
    """
    rng = np.random.default_rng(seed)
    kids = _children(rng, n_children)
    n = len(kids)
    kids["child_id"] = [f"SYN{k:06d}" for k in rng.permutation(np.arange(100000, 100000 + n))]
    imd = kids["imd_decile"].to_numpy()
    grad = {k: _imd_factor(imd, r) for k, r in _IMD_GRADIENT.items()}
    # each deprivation factor averages 1 over the children who reach its feeder stage
    grad["contact"] /= grad["contact"].mean()
    for k in ("s47", "icpc", "cla"):
        grad[k] /= np.average(grad[k], weights=grad["contact"])
    contact_mult = kids["dfe"].map(_CONTACT_MULT).fillna(1.0).to_numpy() * grad["contact"]
    dis_mult = np.where(kids["disability"].to_numpy() == "yes", 1.6, 1.0)
    dob = kids["dob"].to_numpy().astype("datetime64[D]")
    rows: list[pd.DataFrame] = []
    nat = np.datetime64("NaT")

    def add(idx: np.ndarray, event: str, date: np.ndarray, end: np.ndarray | None = None, source=None) -> None:
        rows.append(
            pd.DataFrame(
                {
                    "i": idx,
                    "event": event,
                    "event_date": date.astype("datetime64[D]"),
                    "end_date": (end if end is not None else np.full(len(idx), nat)).astype("datetime64[D]"),
                    "referral_source": source if source is not None else np.full(len(idx), "", dtype=object),
                }
            )
        )

    def referral(idx: np.ndarray, date: np.ndarray) -> None:
        add(idx, "referral", date, source=_sources(rng, _age_group(dob[idx], date), date))

    def assessment(idx: np.ndarray, date: np.ndarray) -> None:
        start = _workdays(date, rng.integers(0, 3, len(idx)))
        add(idx, "assessment", start, _timed(rng, "assessment", start, 10, 45, 80))

    conv = {
        st: kids["dfe"].map({c: m for (c, s), m in _CONV_MULT.items() if s == st}).fillna(1.0).to_numpy()
        for st in ("referral", "s47")
    }
    ws = np.datetime64(WINDOW_START)
    lead_in = ws - np.timedelta64(92, "D")  # journeys begun before the window, so that it starts in a steady state
    for y in range(3):
        d0 = _year_days(rng, lead_in + np.timedelta64(365 * y, "D"), n)
        age_g = _age_group(dob, d0)
        age_f = np.vectorize(_AGE_FACTOR.get)(np.clip(age_g, 0, 4)).astype(float)
        p = _P_CONTACT * age_f * contact_mult * dis_mult
        # pre-birth: a journey more than 200 days before birth cannot happen (not yet conceived)
        ok = (d0 - dob).astype(int) >= -200
        has = (rng.random(n) < p) & ok
        i = np.flatnonzero(has)
        d = d0[i]
        add(i, "contact", d)
        again = rng.random(len(i)) < 0.07  # repeat contact: an episode, not a new child
        add(i[again], "contact", _workdays(d[again], rng.integers(8, 45, int(again.sum()))))
        ref = rng.random(len(i)) < np.minimum(_P_REFERRAL * conv["referral"][i], 1)
        i, d = i[ref], _workdays(d[ref], rng.integers(0, 4, int(ref.sum())))
        referral(i, d)
        a = rng.random(len(i)) < _P_ASSESS
        assessment(i[a], d[a])
        s = rng.random(len(i)) < np.minimum(_P_S47 * conv["s47"][i] * grad["s47"][i], 1)
        i_s = i[s]
        d_s = _workdays(d[s], rng.integers(0, 12, int(s.sum())))
        c = rng.random(len(i_s)) < np.minimum(_P_ICPC * grad["icpc"][i_s], 1)
        s_end = _workdays(d_s, rng.integers(5, 26, len(i_s)))
        icpc_date = _timed(rng, "icpc", d_s, 5, 15, 32)
        s_end = np.where(c, np.minimum(s_end, icpc_date), s_end)
        add(i_s, "s47", d_s, s_end)
        i_c, d_c = i_s[c], icpc_date[c]
        add(i_c, "icpc", d_c)
        pl = rng.random(len(i_c)) < _P_CPP
        i_p, d_p = i_c[pl], d_c[pl]
        add(i_p, "cpp_start", d_p, d_p + _plan_days(rng, len(i_p)).astype("timedelta64[D]"))
        age_r = _age_group(dob[i], d)
        cla_p = _P_CLA * grad["cla"][i] * np.where(age_r == 0, 1.8, np.where(age_r >= 3, 1.2, 0.8))
        la = rng.random(len(i)) < np.minimum(cla_p, 1)
        i_l, d_l = i[la], _workdays(d[la], rng.integers(0, 80, int(la.sum())))
        add(
            i_l,
            "cla_start",
            d_l,
            d_l + np.maximum(rng.exponential(900, len(i_l)).astype(int), 7).astype("timedelta64[D]"),
        )
        # re-referral within the year: assessed again (rarely a further enquiry), or no further action
        rr = rng.random(len(i)) < _P_REREFERRAL
        i_r, d_r = i[rr], _workdays(d[rr], rng.integers(20, 230, int(rr.sum())))
        referral(i_r, d_r)
        a_r = rng.random(len(i_r)) < 0.84
        assessment(i_r[a_r], d_r[a_r])
    # plans and care episodes open when the window begins
    older = np.flatnonzero(((ws - dob).astype(int) > 400) & ((ws - dob).astype(int) < _ADULT_DAYS - 400))
    w = contact_mult[older] * grad["s47"][older]
    for event, n_open, back, mean_left in (("cpp_start", 196, 330, 210), ("cla_start", 412, 1800, 760)):
        pick = rng.choice(older, size=n_open, replace=False, p=w / w.sum())
        start = _workdays(ws - _days(rng, 1, back, n_open), 0)
        start = np.maximum(start, dob[pick] + np.timedelta64(1, "D"))
        end = ws + np.maximum(rng.exponential(mean_left, n_open).astype(int), 1).astype("timedelta64[D]")
        add(pick, event, start, end)
    opened = rows[-2:]
    ev = pd.concat(rows[:-2], ignore_index=True)
    # a child is a child until 18: events from then on are dropped, episodes end the day before
    last = dob[ev["i"].to_numpy()] + np.timedelta64(_ADULT_DAYS - 1, "D")
    ev = ev[ev["event_date"].to_numpy() <= last].reset_index(drop=True)
    last = dob[ev["i"].to_numpy()] + np.timedelta64(_ADULT_DAYS - 1, "D")
    ev["end_date"] = np.where(ev["end_date"].to_numpy() > last, last, ev["end_date"].to_numpy())
    ev = ev[(ev["event_date"] <= np.datetime64(WINDOW_END)) & (ev["event_date"] >= ws)]
    ev = pd.concat([ev, *opened], ignore_index=True)
    ev = _earlier_plans(rng, ev, dob)
    ev["end_date"] = ev["end_date"].where(ev["end_date"] <= np.datetime64(WINDOW_END))
    kids, ev = _unaccompanied(rng, kids, ev)
    ev = ev[ev["event_date"] <= np.datetime64(WINDOW_END)]
    ev = ev.drop_duplicates(["i", "event", "event_date"])
    k = kids.iloc[ev["i"].to_numpy()].reset_index(drop=True)
    out = pd.DataFrame(
        {
            "child_id": k["child_id"].to_numpy(),
            "event": ev["event"].to_numpy(),
            "event_date": pd.to_datetime(ev["event_date"].to_numpy()).strftime("%Y-%m-%d"),
            "end_date": pd.to_datetime(ev["end_date"].to_numpy()).strftime("%Y-%m-%d"),
            "date_of_birth": pd.to_datetime(k["dob"].to_numpy()).strftime("%Y-%m-%d"),
            "sex": k["sex"].to_numpy(),
            "ethnicity": k["ethnicity"].to_numpy(),
            "disability": k["disability"].to_numpy(),
            "uasc": k["uasc"].to_numpy(),
            "imd_decile": k["imd_decile"].astype(int).to_numpy(),
            "referral_source": ev["referral_source"].to_numpy(),
            "locality": k["locality"].to_numpy(),
        }
    )
    out["end_date"] = out["end_date"].where(out["end_date"].ne("NaT"), "").fillna("")
    order = {e: j for j, e in enumerate(("contact", "referral", "assessment", "s47", "icpc", "cpp_start", "cla_start"))}
    out = (
        out.assign(_o=out["event"].map(order))
        .sort_values(["event_date", "_o", "child_id"], kind="stable")
        .drop(columns="_o")
    )
    return out.reset_index(drop=True), kids


def _earlier_plans(rng: np.random.Generator, ev: pd.DataFrame, dob: np.ndarray) -> pd.DataFrame:
    """Give some children who start a plan an earlier, ended plan (a second or subsequent plan)."""
    plans = ev[ev["event"].eq("cpp_start")].sort_values(["i", "event_date"], kind="stable")
    first = plans.drop_duplicates("i")
    first = first[first["event_date"] >= np.datetime64(WINDOW_START)]
    i = first["i"].to_numpy()
    start = first["event_date"].to_numpy().astype("datetime64[D]")
    room = (start - dob[i]).astype(int) - 200  # the earlier plan ends at least 100 days before
    pick = (rng.random(len(i)) < _P_SECOND_PLAN) & (room > 200)
    i, start, room = i[pick], start[pick], room[pick]
    length = np.minimum(_plan_days(rng, len(i)), room - 100)
    gap = rng.integers(100, np.maximum(room - length, 101))
    end = start - gap.astype("timedelta64[D]")
    begin = end - length.astype("timedelta64[D]")
    begin = np.maximum(begin, dob[i] + np.timedelta64(1, "D"))
    earlier = pd.DataFrame({"i": i, "event": "cpp_start", "event_date": begin, "end_date": end, "referral_source": ""})
    return pd.concat([ev, earlier], ignore_index=True)


def _unaccompanied(rng: np.random.Generator, kids: pd.DataFrame, ev: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Unaccompanied asylum-seeking children: mostly boys of 16-17, referred and looked after within days."""
    years = (WINDOW_END - WINDOW_START).days / 365.25
    n_u = int(_UASC_PER_YEAR * years)
    codes = list(_UASC_CODES)
    arrive = _year_days(rng, np.datetime64(WINDOW_START), n_u)
    arrive = arrive + (rng.permutation(np.arange(n_u) % 2) * 365).astype("timedelta64[D]")
    age_at = np.where(
        rng.random(n_u) < 0.74,
        rng.integers(16 * 365 + 5, 17 * 365 + 355, n_u),
        np.where(
            rng.random(n_u) < 0.8, rng.integers(14 * 365 + 5, 16 * 365 - 5, n_u), rng.integers(11 * 365, 14 * 365, n_u)
        ),
    )
    imd = rng.choice(10, size=n_u, p=_IMD_SHARES_DEPRIVED / _IMD_SHARES_DEPRIVED.sum()) + 1
    imd = np.minimum(imd, rng.integers(3, 8, n_u))  # placed across the partnership, more in its deprived areas
    uasc = pd.DataFrame(
        {
            "census": "",
            "dfe": rng.choice(codes, size=n_u, p=[_UASC_CODES[c] for c in codes]),
            "dob": arrive - age_at.astype("timedelta64[D]"),
            "sex": np.where(rng.random(n_u) < 0.93, "male", "female"),
            "disability": "no",
            "imd_decile": imd,
            "locality": _localities(rng, imd),
            "uasc": "yes",
            "resident": False,
        }
    )
    uasc["ethnicity"] = uasc["dfe"]
    uasc["child_id"] = [f"SYN{k:06d}" for k in rng.permutation(np.arange(900000, 900000 + n_u))]
    base = len(kids)
    kids = pd.concat([kids, uasc], ignore_index=True)
    iu = np.arange(base, base + n_u)
    nts = rng.random(n_u) < UASC_ROUTES["National Transfer Scheme"]
    first = np.where(nts, _workdays(arrive, 0), arrive)
    source = np.where(
        nts, "5C", rng.choice(np.array(["6", "7", "8"], dtype=object), size=n_u, p=[0.62, 0.28, 0.1])
    ).astype(object)
    looked_after = np.where(nts, first, first + rng.integers(0, 2, n_u).astype("timedelta64[D]"))
    adult = uasc["dob"].to_numpy().astype("datetime64[D]") + np.timedelta64(_ADULT_DAYS - 1, "D")
    start_a = _workdays(looked_after, rng.integers(1, 5, n_u))
    blank = np.full(n_u, np.datetime64("NaT"), dtype="datetime64[D]")
    u_rows = pd.DataFrame(
        {
            "i": np.concatenate([iu] * 4),
            "event": np.repeat(["contact", "referral", "cla_start", "assessment"], n_u),
            "event_date": np.concatenate([first, first, looked_after, start_a]),
            "end_date": np.concatenate(
                [
                    blank,
                    blank,
                    np.where(adult <= np.datetime64(WINDOW_END), adult, blank),
                    _timed(rng, "assessment", start_a, 10, 45, 80),
                ]
            ),
            "referral_source": np.concatenate(
                [np.full(n_u, "", dtype=object), source, np.full(2 * n_u, "", dtype=object)]
            ),
        }
    )
    u_rows["end_date"] = u_rows["end_date"].where(u_rows["end_date"] <= np.datetime64(WINDOW_END))
    return kids, pd.concat([ev, u_rows], ignore_index=True)


def make_population(kids: pd.DataFrame) -> pd.DataFrame:
    """Children 0-17 on 30 September 2026 by Census 2021 ethnic group, sex and age band."""
    from ..reference import AGE_BANDS, age_band, age_in_years

    k = kids[kids["resident"].astype(bool)].copy()
    years = age_in_years(
        pd.Series(pd.to_datetime(k["dob"].to_numpy()), index=k.index),
        pd.Series(pd.Timestamp(WINDOW_END), index=k.index),
    )
    k["age_band"] = age_band(years.astype("float64")).to_numpy()
    pop = k.groupby(["census", "sex", "age_band"]).size().rename("population").reset_index()
    full = pd.MultiIndex.from_product(
        [list(DERBY_CENSUS_2021), ["female", "male"], list(AGE_BANDS[1:])], names=["census", "sex", "age_band"]
    )
    pop = pop.set_index(["census", "sex", "age_band"]).reindex(full, fill_value=0).reset_index()
    pop = pop.rename(columns={"census": "ethnicity"})
    pop["source"] = (
        "Synthetic: children of the synthetic partnership, ethnic shares of Derby (E06000015) "
        "Census 2021 TS021 (all ages)"
    )
    pop["vintage"] = "2026-09-30"
    return pop


def make_aggregate(events_csv: Path, period: str = "2026-27 Q2") -> pd.DataFrame:
    """Children by stage and group, as a partnership that receives only aggregates would get them.

    Built from the events file through the library's own counting (children, not episodes; the
    12 months to the period end; stocks at the period end; conversions with the default feeders
    and look-back): every stage, every group of every group type an aggregate may give
    (zeros included), and ``feeder_count``/``converted`` on the stages with a feeder.
    """
    from ..config import Period
    from ..disproportionality.analysis import resolve_feeders
    from ..disproportionality.cohort import (
        child_attributes,
        conversions,
        count_groups,
        prepare_events,
        stage_members,
        window_for,
    )
    from ..disproportionality.inputs import read_events
    from ..reference import STAGE_CODES

    per = Period.parse(period)
    prep = prepare_events(read_events(events_csv), per.end)
    ev = prep.events
    attrs = child_attributes(ev)
    win = window_for(per, "rolling12")
    fmap = resolve_feeders({})
    counts = count_groups(stage_members(ev, win, attrs=attrs), attrs, has_imd=True, stages=list(STAGE_CODES))
    conv = count_groups(
        conversions(ev, win, fmap, 3, attrs=attrs), attrs, value="converted", has_imd=True, stages=list(fmap)
    )
    conv = conv.rename(columns={"n": "feeder_count"})
    agg = counts.rename(columns={"n": "count"}).merge(conv, on=["stage", "group_type", "group"], how="left")
    for c in ("feeder_count", "converted"):
        agg[c] = agg[c].astype("Int64")
    return agg[["stage", "group_type", "group", "count", "feeder_count", "converted"]]


def generate(out_dir: Path, seed: int) -> list[Path]:
    """Write ``journey_events.csv``, ``population_children.csv`` and ``journey_aggregate.csv``.

    The same seed gives the same bytes.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    events, kids = make_events(seed)
    pop = make_population(kids)
    p1 = out_dir / "journey_events.csv"
    p2 = out_dir / "population_children.csv"
    p3 = out_dir / "journey_aggregate.csv"
    events.to_csv(p1, index=False, lineterminator="\n")
    pop.to_csv(p2, index=False, lineterminator="\n")
    make_aggregate(p1).to_csv(p3, index=False, lineterminator="\n")
    return [p1, p2, p3]
