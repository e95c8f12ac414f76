"""The computation of notebook 01: inputs and settings in, the grid out (pure: no publishing, no drawing).

:func:`compute` counts the children at each stage (from child-level events, or from an aggregate
input) and gives rates, ratios, conversions and q-values (:func:`~.analysis.run_grid`);
:func:`build_tables` gives the three children tables with their declarations (true values).
"""

from __future__ import annotations

import pandas as pd

from ..config import DisclosureConfig, Period
from ..tables import Hierarchy, TableSpec
from .analysis import GridResult, run_grid, run_grid_from_aggregate
from .benchmark import benchmark_table
from .cohort import LOOKED_AFTER_STAGES, window_for
from .grid_tables import (
    BENCHMARK,
    TABLE,
    TRENDS,
    grid_spec,
    grid_table,
    rounded,
    trends_relations,
    trends_table,
    with_shares,
)
from .inputs import Inputs
from .settings import Settings

__all__ = ["compute", "build_tables", "with_uasc_rows", "uasc_relation", "UASC_MEASURE", "UASC_COUNT"]


def compute(inputs: Inputs, settings: Settings, period: Period) -> GridResult:
    """The grid for the run's period (true values).

    From the child-level events when given (an aggregate given as well is only checked);
    otherwise from the aggregate, whose flows are taken to cover the ``window`` setting.
    """
    if inputs.from_aggregate:
        win = window_for(period, str(settings.window))
        res = run_grid_from_aggregate(
            inputs.aggregate,
            inputs.population,
            period=period,
            options=settings.grid_options(),
            window_label=win.label,
            feeders=settings.feeders,
        )
        res.window = win
        return res
    res = run_grid(
        inputs.events,
        inputs.population,
        period=period,
        window=str(settings.window),
        options=settings.grid_options(),
        feeders=settings.feeders,
        lookback_months=int(settings.lookback_months),
        exclude_uasc_cla=bool(settings.exclude_uasc_cla),
    )
    if settings.exclude_uasc_cla:
        res.grid = pd.concat([res.grid, with_uasc_rows(inputs, settings, period, res.grid)], ignore_index=True)
    return res


UASC_MEASURE = "rate_ratio_with_uasc"
"""Looked-after rate ratios with unaccompanied asylum-seeking children included (context rows)."""

UASC_COUNT = "uasc_children"
"""The number of unaccompanied asylum-seeking children of a group at a looked-after stage (count rows)."""


def uasc_relation() -> Hierarchy:
    """The declaration "children with UASC = resident children + UASC" at each looked-after stage and group.

    Declared to disclosure control so that a small count of unaccompanied children (primary
    suppressed on its own :data:`UASC_COUNT` row) can be worked out neither by subtracting the
    resident count (``rate_ratio`` row) from the with-UASC count (:data:`UASC_MEASURE` row) nor
    through the group totals. ``hide_first="total"``: where a further cell must be hidden, the
    with-UASC context figure is hidden before the resident figure the findings rest on.
    """
    return Hierarchy(
        column="measure",
        total=UASC_MEASURE,
        parts=("rate_ratio", UASC_COUNT),
        within=("period", "stage", "group_type", "group"),
        where={"stage": LOOKED_AFTER_STAGES},
        hide_first="total",
    )


def with_uasc_rows(inputs: Inputs, settings: Settings, period: Period, resident: pd.DataFrame) -> pd.DataFrame:
    """The looked-after rate ratios with unaccompanied asylum-seeking children included, as DfE shows both.

    The findings use the resident children (UASC left out of the looked-after stages: they are
    not in the resident population denominator); these rows (measure :data:`UASC_MEASURE`) give
    the same ratios with them counted, so that each looked-after finding can say how many
    unaccompanied children its group has (the difference of the counts) and what the ratio is
    with them. They are context: no q-value, flag ``not compared``.

    With them, rows of measure :data:`UASC_COUNT`: the group's unaccompanied children at the stage
    (``count``; the with-UASC count less the resident count of ``resident``'s ``rate_ratio``
    rows), no estimate. :func:`uasc_relation` declares the relation between the three.
    """
    full = run_grid(
        inputs.events,
        inputs.population,
        period=period,
        window=str(settings.window),
        options=settings.grid_options(),
        feeders=settings.feeders,
        lookback_months=int(settings.lookback_months),
        exclude_uasc_cla=False,
    ).grid
    rows = full[full["measure"].eq("rate_ratio") & full["stage"].isin(LOOKED_AFTER_STAGES)].copy()
    rows["measure"] = UASC_MEASURE
    rows["q_value"] = float("nan")
    rows["flag"] = rows["flag"].where(rows["flag"].isin(["insufficient"]), "not compared")
    rows["method"] = rows["method"].astype(str) + "; unaccompanied asylum-seeking children included"
    keys = ["period", "stage", "group_type", "group"]
    res = resident[resident["measure"].eq("rate_ratio") & resident["stage"].isin(LOOKED_AFTER_STAGES)]
    n_res = rows[keys].merge(res[keys + ["count"]], on=keys, how="left")["count"].fillna(0).to_numpy()
    uasc = rows.copy()
    uasc["measure"] = UASC_COUNT
    uasc["count"] = (pd.to_numeric(rows["count"]).to_numpy() - n_res).astype(float)
    uasc["denominator"] = float("nan")
    uasc["denominator_kind"] = "none"
    for c in ("value", "lower_95", "upper_95", "lower_998", "upper_998", "p_value", "q_value"):
        uasc[c] = float("nan")
    uasc["reference_group"] = "not applicable"
    uasc["flag"] = "not compared"
    uasc["method"] = "count of unaccompanied asylum-seeking children in the group (left out of the resident figures)"
    return pd.concat([rows, uasc], ignore_index=True)


def build_tables(
    inputs: Inputs,
    settings: Settings,
    result: GridResult,
    *,
    period: Period,
    partnership: str,
    symbols: DisclosureConfig | None = None,
) -> dict[str, tuple[pd.DataFrame, TableSpec]]:
    """The children tables of notebook 01 with their declarations (true values, rounded for publication).

    ``disproportionality`` and ``disproportionality_benchmark`` always; ``disproportionality_trends``
    only from child-level events. The declarations tie the tables together (shared cells, the
    quarters within the 12-month window) so that one disclosure pass protects them jointly.
    """
    symbols = symbols or DisclosureConfig()
    g = grid_table(inputs, result, period)
    has_imd = bool((g["group_type"] == "imd_decile").any())
    out: dict[str, tuple[pd.DataFrame, TableSpec]] = {}
    if inputs.from_aggregate:
        out[TABLE] = (g, grid_spec(has_imd, present=g, symbols=symbols))
    else:
        hier, trend_shares = trends_relations(
            period, window=str(settings.window), quarters=int(settings.trend_quarters)
        )
        if g["measure"].eq(UASC_COUNT).any():
            hier = (*hier, uasc_relation())
        out[TABLE] = (g, grid_spec(has_imd, extra=hier, symbols=symbols))
        t, tspec = trends_table(inputs, settings, period)
        out[TRENDS] = (t, with_shares(tspec, trend_shares))
    out[BENCHMARK] = benchmark_table(inputs, settings, result, period=period, partnership=partnership)
    return {k: (rounded(f), spec) for k, (f, spec) in out.items()}
