"""The computation of notebook 01: inputs and settings in, the grid out (pure: no publishing, no drawing).

:func:`compute` counts the children at each stage (from child-level events, or from an aggregate
input) and gives rates, ratios, conversions and q-values (:func:`~.analysis.run_grid`);
:func:`build_tables` gives the three children tables with their declarations (true values).
"""

from __future__ import annotations

import pandas as pd

from ..config import DisclosureConfig, Period
from ..tables import TableSpec
from .analysis import GridResult, run_grid, run_grid_from_aggregate
from .benchmark import benchmark_table
from .cohort import window_for
from .grid_tables import BENCHMARK, TABLE, TRENDS, grid_spec, grid_table, rounded, trends_relations, trends_table, with_shares
from .inputs import Inputs
from .settings import Settings

__all__ = ["compute", "build_tables"]


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
    return run_grid(inputs.events, inputs.population, period=period, window=str(settings.window),
                    options=settings.grid_options(), feeders=settings.feeders, lookback_months=int(settings.lookback_months),
                    exclude_uasc_cla=bool(settings.exclude_uasc_cla))


def build_tables(inputs: Inputs, settings: Settings, result: GridResult, *, period: Period,
                 partnership: str, symbols: DisclosureConfig | None = None) -> dict[str, tuple[pd.DataFrame, TableSpec]]:
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
        hier, trend_shares = trends_relations(period, window=str(settings.window), quarters=int(settings.trend_quarters))
        out[TABLE] = (g, grid_spec(has_imd, extra=hier, symbols=symbols))
        t, tspec = trends_table(inputs, settings, period)
        out[TRENDS] = (t, with_shares(tspec, trend_shares))
    out[BENCHMARK] = benchmark_table(inputs, settings, result, period=period, partnership=partnership)
    return {k: (rounded(f), spec) for k, (f, spec) in out.items()}
