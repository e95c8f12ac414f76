"""The computation of notebook 01: inputs and settings in, the grid out (pure: no publishing, no drawing).

:func:`compute` counts the children at each stage (from child-level events, or from an aggregate
input) and gives rates, ratios, conversions and q-values (:func:`~.analysis.run_grid`);
:func:`build_tables` gives the three children tables with their declarations (true values).
"""

from __future__ import annotations

import pandas as pd

from ..config import Period
from ..tables import TableSpec
from .analysis import GridResult, run_grid, run_grid_from_aggregate
from .benchmark import benchmark_table
from .cohort import LOOKED_AFTER_STAGES, window_for
from .grid_tables import BENCHMARK, TABLE, TRENDS, grid_spec, grid_table, rounded, trends_relations, trends_table, with_shares
from .inputs import Inputs
from .settings import Settings

__all__ = ["compute", "build_tables", "with_uasc_rows", "UASC_MEASURE"]


def compute(inputs: Inputs, settings: Settings, period: Period) -> GridResult:
    """The grid for the run's period (true values).

    From the child-level events when given (an aggregate given as well is only checked);
    otherwise from the aggregate, whose flows are taken to cover the ``window`` setting.
    """
    if inputs.from_aggregate:
        win = window_for(period, str(settings.window))
        res = run_grid_from_aggregate(inputs.aggregate, inputs.population, period=period,
                                      options=settings.grid_options(), window_label=win.label, feeders=settings.feeders)
        res.window = win
        return res
    res = run_grid(inputs.events, inputs.population, period=period, window=str(settings.window),
                   options=settings.grid_options(), feeders=settings.feeders, lookback_months=int(settings.lookback_months),
                   exclude_uasc_cla=bool(settings.exclude_uasc_cla))
    if settings.exclude_uasc_cla:
        res.grid = pd.concat([res.grid, with_uasc_rows(inputs, settings, period)], ignore_index=True)
    return res


UASC_MEASURE = "rate_ratio_with_uasc"
"""Looked-after rate ratios with unaccompanied asylum-seeking children included (context rows)."""


def with_uasc_rows(inputs: Inputs, settings: Settings, period: Period) -> pd.DataFrame:
    """The looked-after rate ratios with unaccompanied asylum-seeking children included, as DfE shows both.

    The findings use the resident children (UASC left out of the looked-after stages: they are
    not in the resident population denominator); these rows (measure :data:`UASC_MEASURE`) give
    the same ratios with them counted, so that each looked-after finding can say how many
    unaccompanied children its group has (the difference of the counts) and what the ratio is
    with them. They are context: no q-value, flag ``not compared``.
    """
    full = run_grid(inputs.events, inputs.population, period=period, window=str(settings.window),
                    options=settings.grid_options(), feeders=settings.feeders,
                    lookback_months=int(settings.lookback_months), exclude_uasc_cla=False).grid
    rows = full[full["measure"].eq("rate_ratio") & full["stage"].isin(LOOKED_AFTER_STAGES)].copy()
    rows["measure"] = UASC_MEASURE
    rows["q_value"] = float("nan")
    rows["flag"] = rows["flag"].where(rows["flag"].isin(["insufficient"]), "not compared")
    rows["method"] = rows["method"].astype(str) + "; unaccompanied asylum-seeking children included"
    return rows


def build_tables(inputs: Inputs, settings: Settings, result: GridResult, *, period: Period,
                 partnership: str) -> dict[str, tuple[pd.DataFrame, TableSpec]]:
    """The children tables of notebook 01 with their declarations (true values, rounded for publication).

    ``disproportionality`` and ``disproportionality_benchmark`` always; ``disproportionality_trends``
    only from child-level events. The declarations tie the tables together (shared cells, the
    quarters within the 12-month window) so that one disclosure pass protects them jointly.
    """
    g = grid_table(inputs, result, period)
    has_imd = bool((g["group_type"] == "imd_decile").any())
    out: dict[str, tuple[pd.DataFrame, TableSpec]] = {}
    if inputs.from_aggregate:
        out[TABLE] = (g, grid_spec(has_imd, present=g))
    else:
        hier, trend_shares = trends_relations(period, window=str(settings.window), quarters=int(settings.trend_quarters))
        out[TABLE] = (g, grid_spec(has_imd, extra=hier))
        t, tspec = trends_table(inputs, settings, period)
        out[TRENDS] = (t, with_shares(tspec, trend_shares))
    out[BENCHMARK] = benchmark_table(inputs, settings, result, period=period, partnership=partnership)
    return {k: (rounded(f), spec) for k, (f, spec) in out.items()}
