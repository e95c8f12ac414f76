"""The synthetic partnership's child journeys and child population (for notebook 01).

A mid-sized partnership of about 55,000 children whose ethnic structure follows a real English
local authority's Census 2021 shares (Derby, E06000015, TS021, all ages: the only ethnic
breakdown vendored in ``data/reference``), with an even age structure over 0-17, 51% boys, and
journey probabilities near the England figures of ``data/reference/dfe`` (2025: referrals 458,
section 47 enquiries 160, ICPCs 58, plan starts 51, looked-after starts 26 per 10,000 children
a year; 41 on a plan and 67 looked after per 10,000 at 31 March).

Each child has at most one new journey a year (a Bernoulli draw per year whose probability is
the product of a base probability, an age factor and the group's planted multiplier), so that
a planted multiplier *is* the ratio of the probability of reaching a stage. Journeys run
contact -> referral -> assessment / section 47 -> ICPC -> plan, and referral -> care, with
repeat contacts and re-referrals (episodes, not children), pre-birth events, open and ended
plans and care episodes (and the plans and care episodes already open when the eight quarters
begin), some refused or not obtained ethnicity, unaccompanied asylum-seeking children, and an
IMD decile.

:data:`PLANTED` lists the planted disproportionality patterns (ratio against White British);
every other ethnic group has none (null groups). Files written:

- ``journey_events.csv``: one row per child per event, 1 October 2024 to 30 September 2026
  (plus the start rows of plans and care episodes open on 1 October 2024);
- ``population_children.csv``: children 0-17 by Census 2021 ethnic group, sex and age band,
  with source and vintage.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "generate",
    "PLANTED",
    "N_CHILDREN",
    "WINDOW_START",
    "WINDOW_END",
    "DERBY_CENSUS_2021",
    "make_events",
    "make_population",
]

N_CHILDREN = 55_000
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
    {"measure": "rate_ratio", "stage": "contact", "group_type": "ethnicity_minor", "group": "APKN", "ratio": 0.6},
    {
        "measure": "conversion_ratio",
        "stage": "referral",
        "group_type": "ethnicity_minor",
        "group": "WROM",
        "ratio": 2.0,
    },
    {"measure": "conversion_ratio", "stage": "s47", "group_type": "ethnicity_minor", "group": "MWBC", "ratio": 1.8},
)
"""Planted patterns, each a ratio against White British children (WBRI). The contact rate
multiplier of Black children carries through every later stage (their conversions are
unchanged); White and Black Caribbean children are 1.8 times as likely to go from referral to
a section 47 enquiry; Roma children twice as likely to go from contact to referral."""

NULL_GROUPS: tuple[str, ...] = ("WIRI", "WOTH", "MWBA", "MWAS", "MOTH", "AIND", "ABAN", "AOTH", "CHNE", "OOTH", "WIRT")
"""Ethnic groups with no planted effect at any stage."""

# contact multipliers by DfE code; conversion multipliers by (code, stage)
_CONTACT_MULT = {"BCRB": 1.5, "BAFR": 1.5, "BOTH": 1.5, "APKN": 0.6}
_CONV_MULT = {("WROM", "referral"): 2.0, ("MWBC", "s47"): 1.8}

# base probabilities (chosen so that the all-children rates are near England 2025)
_P_CONTACT = 0.12  # children with a new journey (contact) a year
_P_REFERRAL = 0.33  # of contacts
_P_ASSESS = 0.88  # of referrals
_P_S47 = 0.34  # of referrals
_P_ICPC = 0.37  # of section 47 enquiries
_P_CPP = 0.88  # of ICPCs
_P_CLA = 0.055  # of referrals
_AGE_FACTOR = {0: 1.5, 1: 1.0, 2: 0.9, 3: 1.0, 4: 0.8}  # under 1, 1-4, 5-9, 10-15, 16-17


def _allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Largest-remainder allocation of ``total`` in proportion to ``weights`` (deterministic)."""
    w = np.asarray(weights, dtype=float)
    exact = w / w.sum() * total
    base = np.floor(exact).astype(int)
    rest = total - base.sum()
    order = np.argsort(-(exact - base), kind="stable")
    base[order[:rest]] += 1
    return base


def _children(rng: np.random.Generator, n: int) -> pd.DataFrame:
    from ..reference import load_crosswalk

    cw = load_crosswalk()
    to_dfe = dict(zip(cw["census2021_name"], cw["dfe_code"]))
    names = list(DERBY_CENSUS_2021)
    counts = _allocate(n, np.array([DERBY_CENSUS_2021[k] for k in names]))
    census = np.repeat(np.array(names, dtype=object), counts)
    rng.shuffle(census)
    age_days = rng.integers(0, 18 * 365, size=n)
    dob = np.datetime64(WINDOW_END) - age_days.astype("timedelta64[D]")
    sex = np.where(rng.random(n) < 0.51, "male", "female")
    disability = np.where(rng.random(n) < 0.08, "yes", np.where(rng.random(n) < 0.03, "unknown", "no"))
    imd = rng.integers(1, 11, size=n)
    dfe = np.array([to_dfe[c] for c in census], dtype=object)
    recorded = dfe.copy()
    u = rng.random(n)
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
            "uasc": "no",
        }
    )


def _age_group(dob: np.ndarray, when: np.ndarray) -> np.ndarray:
    years = (when - dob).astype("timedelta64[D]").astype(int) / 365.25
    return np.searchsorted([1, 5, 10, 16], years, side="right")


def _days(rng: np.random.Generator, lo: int, hi: int, size: int) -> np.ndarray:
    return rng.integers(lo, hi + 1, size=size).astype("timedelta64[D]")


def make_events(seed: int, n_children: int = N_CHILDREN) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate the partnership: (events, children) frames (children keep their true group).

    Parameters
    ----------
    seed : int
        Seed of the random generator; the same seed gives the same frames.
    n_children : int
        Children aged 0-17 on 30 September 2026.
    """
    rng = np.random.default_rng(seed)
    kids = _children(rng, n_children)
    n = len(kids)
    kids["child_id"] = [f"SYN{k:06d}" for k in rng.permutation(np.arange(100000, 100000 + n))]
    contact_mult = kids["dfe"].map(_CONTACT_MULT).fillna(1.0).to_numpy()
    imd_mult = np.where(kids["imd_decile"].to_numpy() <= 2, 1.3, 1.0)
    dis_mult = np.where(kids["disability"].to_numpy() == "yes", 1.6, 1.0)
    dob = kids["dob"].to_numpy().astype("datetime64[D]")
    rows: list[pd.DataFrame] = []

    def add(idx: np.ndarray, event: str, date: np.ndarray, end: np.ndarray | None = None) -> None:
        rows.append(
            pd.DataFrame(
                {
                    "i": idx,
                    "event": event,
                    "event_date": date,
                    "end_date": end
                    if end is not None
                    else np.full(len(idx), np.datetime64("NaT"), dtype="datetime64[D]"),
                }
            )
        )

    conv = {
        st: kids["dfe"].map({c: m for (c, s), m in _CONV_MULT.items() if s == st}).fillna(1.0).to_numpy()
        for st in ("referral", "s47")
    }
    for year_start in (np.datetime64(WINDOW_START), np.datetime64(WINDOW_START) + np.timedelta64(365, "D")):
        d0 = year_start + rng.integers(0, 365, size=n).astype("timedelta64[D]")
        age_g = _age_group(dob, d0)
        age_f = np.vectorize(_AGE_FACTOR.get)(np.clip(age_g, 0, 4)).astype(float)
        p = _P_CONTACT * age_f * contact_mult * imd_mult * dis_mult
        # pre-birth: a journey more than 200 days before birth cannot happen (not yet conceived)
        ok = (d0 - dob).astype(int) >= -200
        has = (rng.random(n) < p) & ok
        i = np.flatnonzero(has)
        d = d0[i]
        add(i, "contact", d)
        again = rng.random(len(i)) < 0.2  # repeat contact: an episode, not a new child
        add(i[again], "contact", d[again] + _days(rng, 10, 60, int(again.sum())))
        ref = rng.random(len(i)) < np.minimum(_P_REFERRAL * conv["referral"][i], 1)
        i, d = i[ref], d[ref] + _days(rng, 0, 6, int(ref.sum()))
        add(i, "referral", d)
        rr = rng.random(len(i)) < 0.1  # re-referral within the year
        add(i[rr], "referral", d[rr] + _days(rng, 30, 200, int(rr.sum())))
        a = rng.random(len(i)) < _P_ASSESS
        add(i[a], "assessment", d[a] + _days(rng, 1, 30, int(a.sum())))
        s = rng.random(len(i)) < np.minimum(_P_S47 * conv["s47"][i], 1)
        i_s, d_s = i[s], d[s] + _days(rng, 0, 20, int(s.sum()))
        add(i_s, "s47", d_s)
        c = rng.random(len(i_s)) < _P_ICPC
        i_c, d_c = i_s[c], d_s[c] + _days(rng, 5, 15, int(c.sum()))
        add(i_c, "icpc", d_c)
        pl = rng.random(len(i_c)) < _P_CPP
        i_p, d_p = i_c[pl], d_c[pl]
        add(
            i_p,
            "cpp_start",
            d_p,
            d_p + np.maximum(rng.exponential(270, len(i_p)).astype(int), 30).astype("timedelta64[D]"),
        )
        age_r = _age_group(dob[i], d)
        cla_p = _P_CLA * np.where(age_r == 0, 1.8, np.where(age_r >= 3, 1.2, 0.8))
        la = rng.random(len(i)) < cla_p
        i_l, d_l = i[la], d[la] + _days(rng, 0, 120, int(la.sum()))
        add(
            i_l,
            "cla_start",
            d_l,
            d_l + np.maximum(rng.exponential(900, len(i_l)).astype(int), 7).astype("timedelta64[D]"),
        )
    # plans and care episodes open when the window begins
    ws = np.datetime64(WINDOW_START)
    older = np.flatnonzero((ws - dob).astype(int) > 400)
    w = (contact_mult * imd_mult)[older]
    for event, n_open, back, mean_left in (("cpp_start", 200, 270, 200), ("cla_start", 340, 1800, 700)):
        pick = rng.choice(older, size=n_open, replace=False, p=w / w.sum())
        start = ws - _days(rng, 1, back, n_open)
        start = np.maximum(start, dob[pick] + np.timedelta64(1, "D"))
        end = ws + np.maximum(rng.exponential(mean_left, n_open).astype(int), 1).astype("timedelta64[D]")
        add(pick, event, start, end)
    ev = pd.concat(rows, ignore_index=True)
    ev = ev[ev["event_date"] <= np.datetime64(WINDOW_END)]
    ev["end_date"] = ev["end_date"].where(ev["end_date"] <= np.datetime64(WINDOW_END))
    # unaccompanied asylum-seeking children: arrive aged 15-17, referred and looked after
    n_u = 45
    uasc = pd.DataFrame(
        {
            "census": "",
            "dfe": rng.choice(["BAFR", "OOTH", "AOTH", "WOTH"], size=n_u, p=[0.4, 0.35, 0.15, 0.1]),
            "dob": np.datetime64(WINDOW_END)
            - rng.integers(int(15.2 * 365), int(17.9 * 365), size=n_u).astype("timedelta64[D]"),
            "sex": np.where(rng.random(n_u) < 0.92, "male", "female"),
            "disability": "no",
            "imd_decile": rng.integers(1, 4, size=n_u),
            "uasc": "yes",
        }
    )
    uasc["ethnicity"] = uasc["dfe"]
    uasc["child_id"] = [f"SYN{k:06d}" for k in range(900000, 900000 + n_u)]
    kids = pd.concat([kids, uasc], ignore_index=True)
    base = n
    iu = np.arange(base, base + n_u)
    arrive = np.datetime64(WINDOW_START) + rng.integers(0, 700, size=n_u).astype("timedelta64[D]")
    u_rows = [
        pd.DataFrame(
            {
                "i": iu,
                "event": e,
                "event_date": arrive + np.timedelta64(k, "D"),
                "end_date": np.full(n_u, np.datetime64("NaT"), dtype="datetime64[D]"),
            }
        )
        for k, e in enumerate(("contact", "referral", "assessment"))
    ]
    u_rows.append(
        pd.DataFrame(
            {
                "i": iu,
                "event": "cla_start",
                "event_date": arrive + np.timedelta64(3, "D"),
                "end_date": np.full(n_u, np.datetime64("NaT"), dtype="datetime64[D]"),
            }
        )
    )
    ev = pd.concat([ev, *u_rows], ignore_index=True)
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
        }
    )
    out["end_date"] = out["end_date"].where(out["end_date"].ne("NaT"), "")
    order = {e: j for j, e in enumerate(("contact", "referral", "assessment", "s47", "icpc", "cpp_start", "cla_start"))}
    out = (
        out.assign(_o=out["event"].map(order))
        .sort_values(["event_date", "_o", "child_id"], kind="stable")
        .drop(columns="_o")
    )
    return out.reset_index(drop=True), kids


def make_population(kids: pd.DataFrame) -> pd.DataFrame:
    """Children 0-17 on 30 September 2026 by Census 2021 ethnic group, sex and age band."""
    from ..reference import AGE_BANDS, age_band, age_in_years

    k = kids[kids["census"].astype(str).ne("")].copy()
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
