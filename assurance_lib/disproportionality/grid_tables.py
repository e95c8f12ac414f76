"""The children tables of notebook 01 and their declarations (true values, before disclosure control).

``disproportionality.csv`` (the grid: rates, ratios and conversions by group and stage, with the
age-standardised rates), ``disproportionality_trends.csv`` (quarterly, child-level events only)
and ``disproportionality_benchmark.csv`` (:mod:`.benchmark`). The declarations tie the tables
together (shared cells, the quarters within the 12-month window) so that one disclosure pass
protects them jointly; :func:`build_tables` gives all three.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

from .. import reference as ref
from .. import stats
from ..config import DisclosureConfig, Period
from ..tables import Hierarchy, Share, TableSpec
from .analysis import GridResult, run_dsr, run_trends
from .grid import GRID_COLUMNS, MEASURES
from .groups import group_relations
from .inputs import Inputs
from .settings import Settings

__all__ = [
    "TABLE",
    "TRENDS",
    "BENCHMARK",
    "SOURCE",
    "AGGREGATE_ONLY",
    "grid_shares",
    "trends_relations",
    "grid_spec",
    "dsr_rows",
    "trends_table",
    "grid_table",
    "rounded",
]

TABLE = "disproportionality"

SOURCE = "Journey events extract of the partnership; child population file (source and vintage on each row)"

TRENDS = "disproportionality_trends"

BENCHMARK = "disproportionality_benchmark"

AGGREGATE_ONLY = "not available from an aggregate input: it needs child-level journey events"

_CLA_STAGES = ("cla_start", "cla_at_end")

_GRID_ON = {"period": "period", "stage": "stage", "group_type": "group_type", "group": "group"}


def _note(text: str) -> pd.DataFrame:
    """A one-row table that says why a view is empty (displayed in its place)."""
    return pd.DataFrame({"note": [text]})


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce")


def _relation_measures(total_type: str, part_type: str) -> tuple[str, ...]:
    """The measures on whose rows a relation between groups holds (their counts are the stage's children)."""
    if total_type == "all" and part_type == "ethnicity_major":
        return (*MEASURES, "dsr_per_10000", "conversion_ratio_imd", "rate_ratio_with_uasc", "uasc_children")
    if part_type == "ethnicity_minor":
        return (*MEASURES, "conversion_ratio_imd", "rate_ratio_with_uasc", "uasc_children")
    return (*MEASURES, "rate_ratio_with_uasc", "uasc_children")


def grid_shares() -> tuple[Share, ...]:
    """Cells of ``disproportionality.csv`` that repeat other cells of the same table.

    Every measure row of a stage and group carries the same children as that group's
    ``rate_per_10000`` row (rate ratios, representation, shares, age-standardised rates), and
    the conversion ratios carry the ``conversion`` row's children and feeder-stage children.
    Declared so that disclosure control treats them as one cell, not as independent counts.
    """
    return (
        Share(
            table=TABLE,
            on=_GRID_ON,
            counts={"count": "count"},
            where={"measure": ("rate_ratio", "representation_index", "share", "dsr_per_10000")},
            other_where={"measure": "rate_per_10000"},
        ),
        Share(
            table=TABLE,
            on=_GRID_ON,
            counts={"count": "count", "denominator": "denominator"},
            where={"measure": ("conversion_ratio", "conversion_ratio_imd")},
            other_where={"measure": "conversion"},
        ),
    )


def trends_relations(period: Any, *, window: str, quarters: int) -> tuple[tuple[Hierarchy, ...], tuple[Share, ...]]:
    """How the trend table's quarters relate to the grid's window (for disclosure control).

    Returns the hierarchy to add to ``disproportionality.csv`` and the shares to add to
    ``disproportionality_trends.csv``:

    - stocks at the end of the run's quarter are the grid's stocks (the same children);
    - with ``window="quarter"`` the run's quarter of flows is the grid's window (the same
      children); with ``window="rolling12"`` the grid's 12 months are the **union** of the last
      four quarters of the trend table: at least each quarter's children, at most their sum
      (declared only when the trend table has those four quarters).
    """
    flows = tuple(s.code for s in ref.STAGES if s.kind == "flow")
    equal_stages = ref.STOCK_STAGES + (flows if window == "quarter" else ())
    shares = (
        Share(
            table=TABLE,
            on=_GRID_ON,
            counts={"count": "count"},
            where={"period": period.label, "stage": equal_stages},
            other_where={"measure": "rate_per_10000"},
        ),
    )
    hier: tuple[Hierarchy, ...] = ()
    if window == "rolling12" and quarters >= 4:
        labels = [period]
        for _ in range(3):
            labels.append(labels[-1].previous())
        hier = (
            Hierarchy(
                column="period",
                total=period.label,
                parts=tuple(q.label for q in reversed(labels)),
                within=("stage", "group_type", "group"),
                relation="union",
                parts_table=TRENDS,
                where={"stage": flows, "group_type": ("all", "ethnicity_major"), "measure": "rate_per_10000"},
                parts_where={"measure": ("rate_per_10000", "rate_ratio")},
            ),
        )
    return hier, shares


def grid_spec(
    has_imd: bool,
    present: pd.DataFrame | None = None,
    *,
    extra: tuple[Hierarchy, ...] = (),
    symbols: DisclosureConfig | None = None,
) -> TableSpec:
    """The declaration of ``disproportionality.csv`` (keys, counts, derived values, hierarchies, shares);
    its notes name the run's symbols (``symbols``, the run's :class:`~assurance_lib.config.DisclosureConfig`).

    Parameters
    ----------
    has_imd : bool
        The grid has ``imd_decile`` groups.
    present : DataFrame, optional
        ``stage, group_type, group`` of the rows an aggregate input gave. A total is then declared
        only at the stages where every one of its parts is present (an absent group is unknown,
        not zero); ``None`` (child-level events): every group is a row.
    extra : tuple of Hierarchy
        Relations with other tables of the pack (see :func:`trends_relations`).
    """
    within = ("period", "stage", "measure")
    have: dict[str, set[tuple[str, str]]] | None = None
    if present is not None:
        have = {}
        for st, gt, g in present[["stage", "group_type", "group"]].drop_duplicates().itertuples(index=False):
            have.setdefault(str(st), set()).add((str(gt), str(g)))
    hs: list[Hierarchy] = []
    for r in group_relations(has_imd):
        where: dict[str, Any] = {"group_type": r.total_type, "measure": _relation_measures(r.total_type, r.part_type)}
        if have is not None:
            stages = tuple(
                st
                for st in ref.STAGE_CODES
                if st in have
                and (r.total_type, r.total) in have[st]
                and all((r.part_type, q) in have[st] for q in r.parts)
            )
            if not stages:
                continue
            where["stage"] = stages
        hs.append(
            Hierarchy(
                column="group",
                total=r.total,
                parts=r.parts,
                within=within,
                where=where,
                parts_where={"group_type": r.part_type},
            )
        )
    symbols = symbols or DisclosureConfig()
    derived_cols = ("value", "lower_95", "upper_95", "lower_998", "upper_998", "p_value", "q_value", "flag")
    return TableSpec(
        name=TABLE,
        title="Disproportionality across the child's journey: rates, ratios and conversions by group",
        unit="children",
        rule="children-counts",
        source=SOURCE,
        notes=(
            "Counts are children, not episodes: flows count children with the event in the window, stocks "
            "children on a plan or looked after at the period end. Rates per 10,000 children of the group "
            "(Byar's method for 10 or more, exact Poisson below); rate ratios against the reference group "
            "(score method for two Poisson rates); conversions with Wilson intervals and ratios with score "
            "intervals and tests (Miettinen-Nurminen); representation index descriptive only; dsr_per_10000: age-standardised rate (direct "
            "standardisation to the partnership's child population by age band, Dobson interval). q-values: Benjamini-Hochberg within each "
            "period and measure (single characteristics; intersections separately). 'insufficient': too few "
            f"children or too wide an interval to estimate. {symbols.suppressed} suppressed, "
            f"{symbols.not_applicable} not applicable."
        ),
        keys=("period", "stage", "measure", "group_type", "group"),
        counts=("count",),
        derived={c: ("count", "denominator") for c in derived_cols},
        count_where={"denominator": ("denominator_kind", ("children",))},
        hierarchies=(*hs, *extra),
        links=(TRENDS, BENCHMARK),
        shares=grid_shares(),
    )


def dsr_rows(inputs: Inputs, result: GridResult, period: str) -> pd.DataFrame:
    """Age-standardised rates (``dsr_per_10000``) by DfE major ethnic group and for all children, as grid rows.

    ``count`` and ``denominator`` are the group's children at the stage (all ages, as on the other
    measures' rows) and its population; the value is the directly standardised rate over the
    born age bands (pre-birth events have no population), with the Dobson interval.
    """
    counts = result.counts
    if not {"age_band", "ethnicity_major x age_band"} <= set(counts["group_type"]):
        return result.grid.iloc[0:0]  # an aggregate without ethnicity by age band: no standardisation
    d = run_dsr(counts, inputs.population, period=period, window=result.window.label)
    ab = counts[counts["group_type"] == "age_band"].assign(
        group_type="all x age_band", group="All children x " + counts.loc[counts["group_type"] == "age_band", "group"]
    )
    # all children: the same standard, so the DSR is the crude rate of born children with the Dobson interval
    allc = ab.assign(group="All children", age_band=ab["group"].str.split(" x ").str[1])
    allc = allc[allc["age_band"] != "unborn"]
    popb = inputs.population.groupby("age_band")["population"].sum()
    allc = allc.assign(
        population=allc["age_band"].map(popb).astype(float),
        standard=allc["age_band"].map(popb).astype(float),
        events=allc["n"],
    )
    da = stats.dsr(allc, "events", "population", "standard", groupby=["stage", "group"])
    da["group_type"] = "all"
    d = pd.concat([d.drop(columns=["period", "window", "standard"]), da], ignore_index=True)
    g = result.grid
    base = g[(g["measure"] == "rate_per_10000") & g["group_type"].isin(["all", "ethnicity_major"])].copy()
    base = base.drop(columns=["value", "lower_95", "upper_95", "lower_998", "upper_998", "method"])
    est = d[["stage", "group_type", "group", "value", "lower_95", "upper_95", "lower_998", "upper_998", "method"]]
    out = base.merge(est, on=["stage", "group_type", "group"], how="left")
    out["measure"] = "dsr_per_10000"
    out["method"] = out["method"].fillna("not estimated: no population for this group (count only)")
    out["method"] = out["method"].astype(str) + np.where(
        out["value"].notna() | out["method"].str.startswith("not calc"),
        "; direct standardisation over born age bands to the partnership's child population",
        "",
    )
    out["flag"] = "not compared"
    return out[list(g.columns)]


def grid_table(inputs: Inputs, result: GridResult, period: Period) -> pd.DataFrame:
    """The rows of ``disproportionality.csv``: the grid and the age-standardised rates (true values, unrounded).

    A ``share`` row's denominator is the All children row of the same stage (shown there), so it
    carries none of its own.
    """
    g = pd.concat([result.grid, dsr_rows(inputs, result, period.label)], ignore_index=True)
    g = g[list(GRID_COLUMNS)].copy()
    g.loc[g["measure"].eq("share"), "denominator"] = np.nan
    g.loc[g["measure"].eq("share"), "denominator_kind"] = "none"
    return g


def trends_table(inputs: Inputs, settings: Settings, period: Period) -> tuple[pd.DataFrame, TableSpec]:
    """Quarterly rates and ratios over the last ``trend_quarters`` quarters, with its declaration."""
    t = run_trends(
        inputs.events,
        inputs.population,
        period=period,
        quarters=int(settings.trend_quarters),
        options=settings.grid_options(),
        exclude_uasc_cla=bool(settings.exclude_uasc_cla),
    )
    t = t[list(GRID_COLUMNS)]
    spec = TableSpec(
        name="disproportionality_trends",
        title="Quarterly trends: rates and rate ratios by major ethnic group",
        unit="children",
        rule="children-counts",
        source=SOURCE,
        notes="Each quarter counts children with the event in the quarter (flows) or at its end (stocks).",
        keys=("period", "stage", "measure", "group_type", "group"),
        counts=("count",),
        derived={
            c: ("count",)
            for c in ("value", "lower_95", "upper_95", "lower_998", "upper_998", "p_value", "q_value", "flag")
        },
        hierarchies=(
            Hierarchy(
                column="group",
                total="All children",
                parts=ref.MAJOR_GROUPS,
                within=("period", "stage"),
                where={"group_type": "all", "measure": "rate_per_10000"},
                parts_where={"group_type": "ethnicity_major", "measure": "rate_ratio"},
            ),
        ),
    )
    return t, spec


def with_shares(spec: TableSpec, shares: tuple[Share, ...]) -> TableSpec:
    return dataclasses.replace(spec, shares=(*spec.shares, *shares), links=tuple(dict.fromkeys((*spec.links, TABLE))))


def rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """Estimates to 4 decimal places and p/q-values to 4 significant figures, for publication."""
    f = frame.copy()
    for c in ("value", "lower_95", "upper_95", "lower_998", "upper_998"):
        if c in f:
            f[c] = pd.to_numeric(f[c], errors="coerce").round(4)
    for c in ("p_value", "q_value"):
        if c in f:
            f[c] = [float(f"{v:.4g}") if pd.notna(v) else np.nan for v in pd.to_numeric(f[c], errors="coerce")]
    return f
