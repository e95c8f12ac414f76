"""The core dataset's computation (no publishing, no drawing, no reading).

:func:`compute` gives, for each indicator of the catalogue: its value over the 12 months to the
period end (or at the period end, or the period's quarter for an agency return) with its interval
and method; its series (monthly from the events, quarterly from the returns) with the XmR chart
and the Making Data Count rules (:mod:`assurance_lib.spc`); its DfE comparators (England, region,
statistical neighbours' median and quartiles, the partnership's rank among them, over the years);
the variation and assurance in words; and whether it is a concern, a strength or context.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import reference as ref
from .. import spc, stats
from ..config import Period
from . import benchmarks as bm
from .catalogue import Indicator
from .indicators import NFA_DAYS, Count, calculate, gap_reason, months, prepare
from .inputs import Inputs
from .settings import Settings

__all__ = ["Results", "compute", "indicator_value", "VARIATION_WORDS", "assurance_words", "year_label"]

VARIATION_WORDS = {
    "common cause": "common cause: no significant change",
    "improvement": "special cause: improvement",
    "concern": "special cause: concern",
    "higher": "special cause: higher",
    "lower": "special cause: lower",
    "run chart": "too few points for limits: run chart",
    "gap": "not available",
}
"""The variation of an indicator, in words (the published ``variation`` column)."""


def assurance_words(key: str, target: float | None, unit: str) -> str:
    """The assurance icon in words, naming the target."""
    t = "" if target is None else f"{target:g}{'%' if unit == 'percentage' else ''}"
    return {
        "pass": f"consistently passes the target of {t}",
        "fail": f"consistently fails the target of {t}",
        "hit and miss": f"hit and miss against the target of {t}",
        "no target": "no target set",
        "no limits": f"too few points to judge the target of {t}",
        "gap": "not available",
    }[key]


def year_label(year: int) -> str:
    """DfE reporting year ``2025`` -> ``2024-25`` (the year to 31 March 2025)."""
    return f"{year - 1}-{year % 100:02d}"


@dataclass(frozen=True, slots=True)
class Results:
    """Everything notebook 04 shows (true values, not yet published)."""

    indicators: pd.DataFrame
    series: pd.DataFrame
    benchmarks: pd.DataFrame
    gaps: pd.DataFrame
    returns: pd.DataFrame | None
    catalogue_title: str
    period: Period
    window: tuple[dt.date, dt.date]
    extract_first: dt.date | None
    benchmark_la: str
    benchmark_la_name: str
    neighbours: tuple[str, ...]
    population: float
    population_source: str
    holidays_last_year: int
    settings: Settings
    measure_titles: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def indicator_value(ind: Indicator, c: Count) -> dict[str, object]:
    """Value, 95% interval and method of one count: Wilson for a percentage, Byar/exact Poisson for a rate or count."""
    row: dict[str, object] = {"numerator": c.numerator, "denominator": c.denominator}
    if ind.is_proportion:
        if not c.denominator:
            return row | {"value": np.nan, "lower": np.nan, "upper": np.nan, "method": "no denominator in the window"}
        if c.numerator > c.denominator:
            return row | {
                "value": c.numerator / c.denominator * 100,
                "lower": np.nan,
                "upper": np.nan,
                "method": "ratio of two counts above 100%: no interval",
            }
        r = stats.proportion(pd.DataFrame({"n": [c.numerator], "d": [c.denominator]}), "n", "d", confidence=(0.95,))
        return row | {
            "value": float(r["value"].iloc[0]),
            "lower": float(r["lower_95"].iloc[0]),
            "upper": float(r["upper_95"].iloc[0]),
            "method": "percentage, 95% Wilson score interval",
        }
    if ind.is_rate:
        r = stats.rate(pd.DataFrame({"n": [c.numerator], "d": [c.denominator]}), "n", "d", confidence=(0.95,))
        return row | {
            "value": float(r["value"].iloc[0]),
            "lower": float(r["lower_95"].iloc[0]),
            "upper": float(r["upper_95"].iloc[0]),
            "method": f"rate per 10,000 children, 95% {r['method'].iloc[0]} interval",
        }
    lo, hi = stats.poisson_limits([c.numerator], 0.95)
    how = "Byar" if c.numerator >= stats.BYAR_MIN_COUNT else "exact Poisson"
    return row | {
        "value": c.numerator,
        "lower": float(lo[0]),
        "upper": float(hi[0]),
        "denominator": np.nan,
        "method": f"count, 95% {how} interval",
    }


def _series_value(ind: Indicator, c: Count) -> float:
    if ind.is_proportion:
        return c.numerator / c.denominator * 100 if c.denominator else np.nan
    if ind.is_rate:
        return c.numerator / c.denominator * 10000 if c.denominator else np.nan
    return c.numerator


def _event_series(
    ind: Indicator, ev: pd.DataFrame, inputs: Inputs, period: Period, first_month: dt.date
) -> pd.DataFrame:
    start = first_month
    if ind.calculation == "rereferrals":
        # a re-referral looks back 12 months: the series starts once the extract has 12 months behind it
        start = dt.date(first_month.year + 1, first_month.month, 1)
    rows = []
    for a, b in months(start, period.end):
        if ind.calculation == "referral_nfa" and b + dt.timedelta(days=NFA_DAYS) > period.end:
            continue
        c = calculate(
            ind.calculation,
            ev,
            a,
            b,
            population=inputs.population,
            holidays=inputs.holidays,
            period_end=period.end,
        )
        if (ind.is_proportion and not c.denominator) or (ind.is_rate and not c.denominator):
            continue
        rows.append(
            {
                "point_label": a.strftime("%b %Y"),
                "point_start": a,
                "point_end": b,
                "value": _series_value(ind, c),
                "numerator": c.numerator,
                "denominator": c.denominator if (ind.is_proportion or ind.is_rate) else np.nan,
            }
        )
    return pd.DataFrame(rows)


def _return_series(ind: Indicator, returns: pd.DataFrame | None, period: Period) -> pd.DataFrame:
    if returns is None:
        return pd.DataFrame()
    r = returns[returns["measure"].eq(ind.calculation)].copy()
    r["p"] = r["quarter"].map(lambda q: Period.parse(str(q)))
    r = r[r["p"].map(lambda p: (p.fy_start, p.quarter) <= (period.fy_start, period.quarter))]
    r = r.assign(k=r["p"].map(lambda p: (p.fy_start, p.quarter))).sort_values("k")
    return pd.DataFrame(
        {
            "point_label": r["quarter"].astype(str).tolist(),
            "point_start": [p.start for p in r["p"]],
            "point_end": [p.end for p in r["p"]],
            "value": r["value"].astype(float).tolist(),
            "numerator": r["value"].astype(float).tolist(),
            "denominator": np.nan,
        }
    )


def _control(ind: Indicator, s: pd.DataFrame, min_points: int) -> pd.DataFrame:
    if s.empty:
        return s
    cps = [
        int(np.searchsorted(pd.to_datetime(s["point_start"]).to_numpy(), np.datetime64(cp.date)))
        for cp in ind.change_points
    ]
    chart = spc.xmr(s["value"].to_numpy(dtype=float), change_points=cps, min_points=min_points)
    out = s.reset_index(drop=True).copy()
    for c in ("mean", "lower_limit", "upper_limit", "median", "special_cause", "rules", "chart", "segment"):
        out[c] = chart[c].to_numpy()
    return out


def _direction(
    ind: Indicator, value: float, lower: float, upper: float, var: str, bench: dict
) -> tuple[str, list[str]]:
    """Concern, strength, context or blank, and the reasons (each a short phrase)."""
    concern, strength, context = [], [], []
    if var == "concern":
        concern.append("special-cause variation in the unwanted direction")
    elif var == "improvement":
        strength.append("special-cause improvement")
    elif var in ("higher", "lower"):
        context.append(f"special-cause variation ({var})")
    tol = ind.tolerance
    if tol is not None and np.isfinite(value):
        if (ind.polarity == "higher is better" and value < tol) or (ind.polarity == "lower is better" and value > tol):
            concern.append(f"outside the tolerance of {tol:g}")
    q1, q3 = bench.get("neighbours_q1", np.nan), bench.get("neighbours_q3", np.nan)
    if np.isfinite(value) and np.isfinite(q1) and np.isfinite(q3):
        if ind.polarity == "higher is better" and value < q1:
            concern.append("worse than the statistical neighbours' interquartile range")
        elif ind.polarity == "lower is better" and value > q3:
            concern.append("worse than the statistical neighbours' interquartile range")
        elif ind.polarity == "neither" and (value < q1 or value > q3):
            context.append("outside the statistical neighbours' interquartile range")
    if concern:
        return "concern", concern
    if strength:
        return "strength", strength
    if context:
        return "context", context
    return "", []


def _first_month(ev: pd.DataFrame) -> dt.date | None:
    front = ev[ev["event"].isin(["contact", "referral"])]["start"]
    if front.empty:
        front = ev["start"]
    if front.empty:
        return None
    d = front.min().date()
    return d if d.day == 1 else dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def compute(inputs: Inputs, settings: Settings, period: Period, *, partnership: str) -> Results:
    """Every indicator of the catalogue for the period (see the module docstring)."""
    ev = prepare(inputs.events)
    ev = ev[ev["start"] <= pd.Timestamp(period.end)].reset_index(drop=True)
    first, last = period.rolling_start(12), period.end
    first_month = _first_month(ev)
    notes: list[str] = []
    if first_month is not None and first_month > dt.date(first.year - 1, first.month, 1):
        notes.append(
            f"The events extract starts in {first_month:%B %Y}: re-referrals in the 12 months to "
            f"{last:%d %B %Y} look back into months the extract does not cover, so they are undercounted."
        )
    if inputs.holidays.last_year < last.year:
        notes.append(f"The bank holidays file ends in {inputs.holidays.last_year}: add the following years' rows.")
    values = bm.dfe_values()
    nb = ref.load_neighbours()
    la = settings.benchmark_la
    neighbours = tuple(nb.loc[nb["la_code"].eq(la), "neighbour_code"].dropna().astype(str))
    la_names = values.loc[values["area_code"].eq(la), "area_name"]
    bench = bm.benchmark(values, la, list(neighbours))
    rows, series, gaps = [], [], []
    for ind in inputs.catalogue.indicators:
        base = {
            "indicator": ind.id,
            "title": ind.title,
            "oba": ind.oba,
            "polarity": ind.polarity,
            "unit": ind.unit,
            "source": "journey events" if ind.source == "events" else f"agency return ({ind.agency})",
            "themes": ";".join(ind.themes),
            "target": ind.target if ind.target is not None else np.nan,
            "tolerance": ind.tolerance if ind.tolerance is not None else np.nan,
        }
        reason = ""
        if ind.source == "events":
            reason = gap_reason(ev, ind.calculation)
            if not reason:
                c = calculate(
                    ind.calculation,
                    ev,
                    first,
                    last,
                    population=inputs.population,
                    holidays=inputs.holidays,
                    period_end=last,
                )
                val = indicator_value(ind, c)
                if c.note:
                    val["method"] = f"{val['method']}; {c.note}"
                s = _event_series(ind, ev, inputs, period, first_month) if first_month else pd.DataFrame()
                window = f"{first:%d %b %Y} to {last:%d %b %Y}"
        else:
            s = _return_series(ind, inputs.returns, period)
            if inputs.returns is None:
                reason = "no agency returns were given"
            elif s.empty or s["point_label"].iloc[-1] != period.label:
                reason = f"no {ind.agency} return for {period.label}"
            else:
                val = indicator_value(ind, Count(float(s["numerator"].iloc[-1]), np.nan))
                window = period.label
        if reason:
            gaps.append({"indicator": ind.id, "title": ind.title, "reason": reason})
            rows.append(
                base
                | {
                    "value": np.nan,
                    "lower": np.nan,
                    "upper": np.nan,
                    "numerator": np.nan,
                    "denominator": np.nan,
                    "method": f"not available: {reason}",
                    "window": "",
                    "points": 0,
                    "variation": VARIATION_WORDS["gap"],
                    "assurance": assurance_words("gap", ind.target, ind.unit),
                    "variation_key": "gap",
                    "assurance_key": "gap",
                    "direction": "",
                    "reasons": "",
                    "comparator_year": "",
                    "england": np.nan,
                    "region": np.nan,
                    "neighbours_median": np.nan,
                    "neighbours_q1": np.nan,
                    "neighbours_q3": np.nan,
                    "rank_among_neighbours": pd.NA,
                    "neighbours_ranked": pd.NA,
                }
            )
            continue
        s = _control(ind, s, settings.min_points)
        if not s.empty:
            series.append(s.assign(indicator=ind.id))
        vkey = spc.variation(s, ind.polarity) if not s.empty else "run chart"
        akey = (
            spc.assurance(s, ind.polarity, ind.target)
            if not s.empty
            else ("no target" if ind.target is None else "no limits")
        )
        vwords = VARIATION_WORDS[vkey]
        if vkey == "run chart":
            vwords = f"too few points for limits ({len(s)} of {settings.min_points}): run chart"
        b: dict = {}
        rank, ranked, year = pd.NA, pd.NA, ""
        if ind.comparator != "none":
            bc = bench[bench["comparator"].eq(ind.comparator)].dropna(subset=["england"])
            if len(bc):
                b = bc.iloc[-1].to_dict()
                year = year_label(int(b["year"]))
                nvals = values[
                    values["comparator"].eq(ind.comparator)
                    & values["year"].eq(b["year"])
                    & values["area_code"].isin(neighbours)
                ]["value"].dropna()
                rank = bm.rank_among(float(val["value"]), nvals.tolist(), ind.polarity)
                ranked = len(nvals) + 1
        direction, reasons = _direction(ind, float(val["value"]), val["lower"], val["upper"], vkey, b)
        rows.append(
            base
            | val
            | {
                "window": window,
                "points": len(s),
                "variation": vwords,
                "assurance": assurance_words(akey, ind.target, ind.unit),
                "variation_key": vkey,
                "assurance_key": akey,
                "direction": direction,
                "reasons": "; ".join(reasons),
                "comparator_year": year,
                "england": b.get("england", np.nan),
                "region": b.get("region", np.nan),
                "neighbours_median": b.get("neighbours_median", np.nan),
                "neighbours_q1": b.get("neighbours_q1", np.nan),
                "neighbours_q3": b.get("neighbours_q3", np.nan),
                "rank_among_neighbours": rank if rank is not None else pd.NA,
                "neighbours_ranked": ranked,
            }
        )
    ind_frame = pd.DataFrame(rows)
    ser = pd.concat(series, ignore_index=True) if series else pd.DataFrame()
    used = [i.comparator for i in inputs.catalogue.indicators if i.comparator != "none"]
    bench_out = bench[bench["comparator"].isin(used)].copy()
    bench_out["reporting_year"] = bench_out["year"].map(year_label)
    return Results(
        indicators=ind_frame,
        series=ser,
        benchmarks=bench_out.reset_index(drop=True),
        gaps=pd.DataFrame(gaps, columns=["indicator", "title", "reason"]),
        returns=inputs.returns,
        catalogue_title=inputs.catalogue.title,
        period=period,
        window=(first, last),
        extract_first=first_month,
        benchmark_la=la,
        benchmark_la_name=str(la_names.iloc[-1]) if len(la_names) else la,
        neighbours=neighbours,
        population=inputs.population,
        population_source=inputs.population_source,
        holidays_last_year=inputs.holidays.last_year,
        settings=settings,
        measure_titles={i.calculation: i.title for i in inputs.catalogue.indicators if i.source == "agency return"},
        notes=notes,
    )
