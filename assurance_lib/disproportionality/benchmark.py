"""Benchmarking of notebook 01: the partnership against England, its region and statistical neighbours.

:func:`benchmark_table` builds ``disproportionality_benchmark.csv`` (true values, with its
declaration); :func:`benchmark_view` is the part of the published table the notebook shows;
:func:`funnel_data` gives, for each stage, the points and control limits a funnel plot draws.
Like with like: the partnership's flows are children in the 12 months to the period end,
whatever the ``window`` setting, against DfE years to 31 March.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import reference as ref
from .. import stats
from ..config import Period
from ..errors import InputError
from ..tables import Share, TableSpec
from .analysis import GridResult, population_label
from .cohort import prepare_events, stage_members, window_for
from .grid_tables import _CLA_STAGES, SOURCE, TABLE, _num
from .inputs import Inputs
from .settings import Settings

__all__ = ["benchmark_table", "benchmark_view", "Funnel", "funnel_data", "RESIDENT", "uasc_withheld"]

RESIDENT = "Partnership, resident children"
"""``area_type`` of the partnership's looked-after rows without unaccompanied asylum-seeking children."""
UASC_INCLUDED = "unaccompanied asylum-seeking children included, as in DfE's figures"
RESIDENT_NOTE = (
    "resident children: unaccompanied asylum-seeking children left out, as in the findings (they are not "
    "part of the population denominator); DfE's figures include them, so this row is not like with like"
)


def _resident_counts(inputs: Inputs, period: Period, stages: list[str]) -> dict[str, float]:
    """The partnership's resident children at the looked-after stages (12 months; at the period end)."""
    prep = prepare_events(inputs.events, period.end)
    members = stage_members(prep.events, window_for(period, "rolling12"), exclude_uasc_cla=True)
    ours = members.groupby("stage")["child"].nunique()
    return {s: float(ours.get(s, 0)) for s in stages}


def _partnership_counts(
    inputs: Inputs, settings: Settings, result: GridResult | None, period: Period, stages: list[str]
) -> tuple[dict[str, float], dict[str, str]]:
    """The partnership's children at each benchmark stage, like with like (and a note where not).

    Child-level events: children in the 12 months to the period end (flows) and on a plan or
    looked after at the period end (stocks), unaccompanied asylum-seeking children included as
    in DfE figures. Aggregate input: the aggregate's ``All children`` rows; its flows are
    comparable only when they cover 12 months (``window = "rolling12"``).
    """
    win = window_for(period, "rolling12")
    if not inputs.from_aggregate:
        prep = prepare_events(inputs.events, period.end)
        members = stage_members(prep.events, win, exclude_uasc_cla=False)
        ours = members.groupby("stage")["child"].nunique()
        notes = {s: UASC_INCLUDED for s in stages if s in _CLA_STAGES and bool(settings.exclude_uasc_cla)}
        return {s: float(ours.get(s, 0)) for s in stages}, notes
    counts = result.counts if result is not None else pd.DataFrame(columns=["stage", "group_type", "n"])
    allc = counts[counts["group_type"].eq("all")].set_index("stage")["n"]
    window = str(settings.window)
    out: dict[str, float] = {}
    notes: dict[str, str] = {}
    for s in stages:
        if s not in allc.index:
            out[s], notes[s] = np.nan, "not in the aggregate input"
        elif ref.stage(s).kind == "flow" and window != "rolling12":
            out[s], notes[s] = np.nan, "the aggregate's flows cover a quarter: not comparable with DfE years"
        else:
            out[s] = float(allc[s])
    return out, notes


def benchmark_table(
    inputs: Inputs, settings: Settings, result: GridResult | None, *, period: Period, partnership: str
) -> tuple[pd.DataFrame, TableSpec]:
    """The partnership against England, its region and statistical neighbours (DfE reference data).

    Like with like: flows are children in the 12 months to the period end (whatever the window
    parameter) against DfE annual counts of children; stocks at the period end against 31 March.
    With an aggregate input the partnership's rows come from its ``All children`` rows
    (``result``), flows only when the aggregate covers 12 months.
    """
    la = str(settings.benchmark_la)
    bench = ref.load_benchmarks()
    nb = ref.load_neighbours()
    win = window_for(period, "rolling12")
    popn = float(inputs.population["population"].sum())
    stages = list(dict.fromkeys(bench["stage"]))
    ours, why = _partnership_counts(inputs, settings, result, period, stages)
    part = pd.DataFrame(
        {
            "area_type": "Partnership",
            "area_code": "",
            "area_name": partnership,
            "year": win.label,
            "stage": stages,
            "count": [ours[s] for s in stages],
            "population": popn,
            "source": population_label(inputs.population),
            "note": [why.get(s, "") for s in stages],
        }
    )
    apart = bool(settings.exclude_uasc_cla) and not inputs.from_aggregate
    cla = [s for s in stages if apart and s in _CLA_STAGES]
    if cla:  # unaccompanied children reported apart: the resident children too (the safe figure, see uasc_withheld)
        res_counts = _resident_counts(inputs, period, cla)
        part = pd.concat(
            [
                part,
                part[part["stage"].isin(cla)].assign(
                    area_type=RESIDENT,
                    count=[res_counts[s] for s in cla],
                    note=RESIDENT_NOTE,
                ),
            ],
            ignore_index=True,
        )
    la_rows = bench[bench["area_code"].eq(la)]
    if la_rows.empty:
        raise InputError(
            f"benchmark_la={la!r} is not a local authority code in data/reference/dfe (expected e.g. 'E06000015')"
        )
    region = la_rows["region_code"].dropna().iloc[0]
    neigh = nb[nb["la_code"].eq(la)]
    rows = [
        bench[bench["level"].eq("England")].assign(area_type="England"),
        bench[bench["area_code"].eq(region)].assign(area_type="Region"),
        la_rows.assign(area_type="Comparator local authority"),
    ]
    notes = []
    for _, n in neigh.iterrows():
        if pd.isna(n["neighbour_code"]) or not bench["area_code"].eq(n["neighbour_code"]).any():
            notes.append(
                f"statistical neighbour {n['neighbour_old_code']} has no current local authority in the reference data"
            )
        else:
            rows.append(bench[bench["area_code"].eq(n["neighbour_code"])].assign(area_type="Statistical neighbour"))
    b = pd.concat(rows, ignore_index=True)
    b = b.assign(
        year=b["year"].astype(str),
        note=np.where(
            b["count"].isna(),
            "count suppressed or not available in the DfE release (" + b["count_raw"].astype(str) + ")",
            "",
        ),
    )
    b = b[["area_type", "area_code", "area_name", "year", "stage", "count", "population", "source", "note"]]
    allb = pd.concat([part, b], ignore_index=True)
    allb["count"] = _num(allb["count"])
    out = stats.rate(allb, "count", "population")
    out["stage_label"] = out["stage"].map(lambda s: ref.stage(s).label)
    out["count_type"] = out["stage"].map(lambda s: ref.stage(s).kind)
    if notes:
        joined = "; ".join(notes)
        out["note"] = np.where(
            out["area_type"].eq("Partnership"),
            [f"{n}; {joined}" if n else joined for n in out["note"].astype(str)],
            out["note"],
        )
    spec = TableSpec(
        name="disproportionality_benchmark",
        title="Rates per 10,000 children against England, region and statistical neighbours",
        unit="children",
        rule="children-counts",
        source=f"Partnership: {SOURCE}. Comparators: {ref.BENCHMARK_SOURCE}. Contains public sector information licensed under the Open Government Licence v3.0.",
        notes=(
            "Flows: the partnership's children in the 12 months to the period end against DfE reporting "
            "years to 31 March (children; plan starts count plans). Stocks: at the period end against 31 March. "
            "Statistical neighbours: DfE April 2021 groupings, which predate the newest local authorities."
        ),
        keys=("area_type", "area_code", "area_name", "year", "stage"),
        counts=("count",),
        derived={c: ("count",) for c in ("value", "lower_95", "upper_95", "lower_998", "upper_998")},
        links=(TABLE,),
        shares=_benchmark_shares(inputs, settings, stages),
    )
    return out, spec


def _benchmark_shares(inputs: Inputs, settings: Settings, stages: list[str]) -> tuple[Share, ...]:
    """The partnership's benchmark rows that repeat the grid's ``All children`` rate rows.

    They are the same children when the grid counts 12 months of flows and keeps
    unaccompanied asylum-seeking children in the looked-after stages (as DfE figures do).
    """
    if str(settings.window) != "rolling12":
        return ()
    apart = bool(settings.exclude_uasc_cla) and not inputs.from_aggregate
    same = [s for s in stages if not (apart and s in _CLA_STAGES)]
    out: tuple[Share, ...] = ()
    if same:
        out += (
            Share(
                table=TABLE,
                on={"stage": "stage"},
                counts={"count": "count"},
                where={"area_type": "Partnership", "stage": tuple(same)},
                other_where={"measure": "rate_per_10000", "group_type": "all"},
            ),
        )
    cla = [s for s in stages if apart and s in _CLA_STAGES]
    if cla:  # UASC reported apart: the benchmark's looked-after children are the grid's "with UASC" children,
        # and its resident rows the grid's All-children rate rows (resident children)
        out += (
            Share(
                table=TABLE,
                on={"stage": "stage"},
                counts={"count": "count"},
                where={"area_type": "Partnership", "stage": tuple(cla)},
                other_where={"measure": "rate_ratio_with_uasc", "group_type": "all"},
            ),
            Share(
                table=TABLE,
                on={"stage": "stage"},
                counts={"count": "count"},
                where={"area_type": RESIDENT, "stage": tuple(cla)},
                other_where={"measure": "rate_per_10000", "group_type": "all"},
            ),
        )
    return out


def uasc_withheld(published: pd.DataFrame) -> list[str]:
    """The looked-after stages whose partnership figure with unaccompanied children is withheld.

    A stage is listed when the published partnership row (unaccompanied asylum-seeking children
    included, as DfE counts) is suppressed while the resident children's row is published: the
    difference of the two would be the partnership's number of unaccompanied children, and with it
    the hidden counts of 1 to the threshold of unaccompanied children in each group could be
    narrowed (secondary suppression, docs/disclosure.md). The page says so and shows the resident row.
    """
    d = published
    out = []
    for s in _CLA_STAGES:
        with_ = d[d["area_type"].eq("Partnership") & d["stage"].eq(s)]
        res = d[d["area_type"].eq(RESIDENT) & d["stage"].eq(s)]
        if len(with_) and len(res) and _num(with_["count"]).isna().all() and _num(res["count"]).notna().all():
            out.append(s)
    return out


def _as_published(values: pd.Series) -> object:
    """The first published value: a number, or the symbol the table shows (``[c]``), never a blank."""
    if not len(values):
        return np.nan
    v = values.iloc[0]
    n = pd.to_numeric(pd.Series([v]), errors="coerce").iloc[0]
    return v if pd.isna(n) and isinstance(v, str) and v.strip() else float(n)


def _first(d: pd.DataFrame, area_type: str) -> float:
    """The first value (``v``) of ``area_type``'s rows in ``d``; NaN when it has none."""
    x = d.loc[d["area_type"].eq(area_type), "v"]
    return float(x.iloc[0]) if len(x) else np.nan


def benchmark_view(published: pd.DataFrame) -> pd.DataFrame:
    """One row a stage: the partnership against England, its region and its statistical neighbours.

    Comparators are the published values of each stage's latest DfE year with an England row.
    The neighbours' median, lowest and highest rates are over the statistical neighbours with a
    published rate that year (a suppressed rate plays no part); the rank counts the partnership
    among them, 1 being the highest rate ("2 of 11": one neighbour has a higher rate).

    Parameters
    ----------
    published : DataFrame
        The published ``disproportionality_benchmark`` table (:func:`benchmark_table`).

    Returns
    -------
    DataFrame
        Plain headings, one row per stage in the table's order; rates are children per 10,000; "Children"
        and "Rate" are the partnership's (a suppressed one as its published symbol); "Rank" is the partnership's among its neighbours, "r of n", 1 the highest rate.
        Where unaccompanied children are reported apart, each looked-after stage has a second row of the
        resident children only, without comparators (DfE's figures include unaccompanied children).
    """
    d = published.assign(v=_num(published["value"]))
    rows = []
    for _stage, g in d.groupby("stage", sort=False):
        eng_years = g.loc[g["area_type"].eq("England"), "year"]
        latest = eng_years.max() if len(eng_years) else None
        now = g[g["year"].eq(latest)]
        part = g[g["area_type"].eq("Partnership")]
        ours = float(part["v"].iloc[0]) if len(part) else np.nan  # NaN when suppressed: no rank

        nb = now.loc[now["area_type"].eq("Statistical neighbour"), "v"].dropna()
        rank = f"{int((nb > ours).sum()) + 1} of {len(nb) + 1}" if len(nb) and pd.notna(ours) else ""
        rows.append(
            {
                "Stage": g["stage_label"].iloc[0],
                "Children": _as_published(part["count"]),
                "Rate": _as_published(part["value"]),
                "DfE year": "" if latest is None else str(latest),
                "England": _first(now, "England"),
                "Region": _first(now, "Region"),
                "Neighbours: median": float(nb.median()) if len(nb) else np.nan,
                "Neighbours: lowest": float(nb.min()) if len(nb) else np.nan,
                "Neighbours: highest": float(nb.max()) if len(nb) else np.nan,
                "Rank": rank,
            }
        )
        res = g[g["area_type"].eq(RESIDENT)]
        if len(res):  # resident children only: no comparator counts them this way (DfE's include UASC)
            rows.append(
                {
                    "Stage": f"{g['stage_label'].iloc[0]}: resident children only",
                    "Children": _as_published(res["count"]),
                    "Rate": _as_published(res["value"]),
                    "DfE year": "" if latest is None else str(latest),
                    "England": np.nan,
                    "Region": np.nan,
                    "Neighbours: median": np.nan,
                    "Neighbours: lowest": np.nan,
                    "Neighbours: highest": np.nan,
                    "Rank": "",
                }
            )
    return pd.DataFrame(rows)


@dataclass(frozen=True, slots=True)
class Funnel:
    """What one funnel plot shows: every local authority's rate (and the partnership's) against its
    population, and the control limits around England's rate.

    Attributes
    ----------
    stage : str
    year : int
        The latest DfE year with local authority counts.
    target : float
        England's rate per 10,000 that year.
    points : DataFrame
        ``area, population, rate, neighbour`` (a statistical neighbour of the partnership's comparator
        authority, as published in the benchmark table); the partnership is the row ``This partnership``.
    limits : DataFrame
        ``population`` and the limit columns named in ``limit_cols``.
    limit_cols : list of (lower, upper, label)
    """

    stage: str
    year: int
    target: float
    points: pd.DataFrame
    limits: pd.DataFrame
    limit_cols: list[tuple[str, str, str]]


def funnel_data(published_benchmark: pd.DataFrame, stage: str) -> Funnel:
    """The points and limits of one stage's funnel plot (every local authority, latest DfE year).

    Limits: 95% and 99.8% exact Poisson limits around England's rate (Spiegelhalter 2005) and the
    99.8% limits widened for overdispersion (Spiegelhalter's multiplicative/additive estimate).
    The partnership's point is its published rate (none when suppressed).
    """
    s = stage
    bench = ref.load_benchmarks()
    b = bench[bench["stage"].eq(s)]
    year = int(b.loc[b["level"].eq("Local authority") & b["count"].notna(), "year"].max())
    las = b[b["level"].eq("Local authority") & b["year"].eq(year) & b["count"].notna() & b["population"].notna()]
    eng = b[b["level"].eq("England") & b["year"].eq(year)].iloc[0]
    target = float(eng["count"] / eng["population"] * 10000)
    part = published_benchmark[
        (published_benchmark["area_type"] == "Partnership") & (published_benchmark["stage"] == s)
    ]
    pts = pd.DataFrame(
        {
            "area": las["area_name"].to_numpy(),
            "population": las["population"].to_numpy(),
            "rate": las["rate_per_10000"].to_numpy(),
        }
    )
    neighbours = set(published_benchmark.loc[published_benchmark["area_type"].eq("Statistical neighbour"), "area_name"])
    pts["neighbour"] = pts["area"].isin(neighbours)
    if len(part) and pd.notna(_num(part["value"]).iloc[0]):
        pts = pd.concat(
            [
                pts,
                pd.DataFrame(
                    {
                        "area": ["This partnership"],
                        "population": [float(_num(part["population"]).iloc[0])],
                        "rate": [float(_num(part["value"]).iloc[0])],
                        "neighbour": [False],
                    }
                ),
            ],
            ignore_index=True,
        )
    lims = stats.funnel_limits(pts["population"].to_numpy(dtype=float), target, kind="rate")
    od = stats.overdispersion(
        las["rate_per_10000"].to_numpy(dtype=float), las["population"].to_numpy(dtype=float), target, kind="rate"
    )
    adj = od.limits(lims["denominator"].to_numpy(dtype=float)) if hasattr(od, "limits") else None
    lim = lims.rename(columns={"denominator": "population"})
    cols = [("lower_95", "upper_95", "95% limits"), ("lower_998", "upper_998", "99.8% limits")]
    if adj is not None:
        a = adj.rename(columns={c: f"od_{c}" for c in adj.columns if c != "denominator"})
        for c in ("od_lower_998", "od_upper_998"):
            if c in a:
                lim[c] = a[c].to_numpy()
        if "od_lower_998" in lim:
            cols.append(
                (
                    "od_lower_998",
                    "od_upper_998",
                    f"99.8% limits allowing for overdispersion (random effects; phi = {od.phi:.0f})",
                )
            )
    return Funnel(stage=s, year=year, target=target, points=pts, limits=lim, limit_cols=cols)
