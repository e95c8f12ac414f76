"""Disproportionality across the child's journey (notebook 01).

Importing this package registers the input contracts of notebook 01 (journey events, child
population, optional aggregate counts). The analysis is a chain of pure functions:
:func:`read_events`/:func:`read_population` -> :func:`run_grid` (cohorts, counts of children,
rates, ratios, conversions, q-values, flags), :func:`run_trends`, :func:`run_dsr`; the notebook
calls the ``ctx`` functions of :mod:`.views` (``load``, ``analyse``, ``publish_grid`` ...), which
publish through ``ctx.publish``.
"""

from __future__ import annotations

from .analysis import (GridResult, resolve_feeders, run_deprivation, run_dsr, run_grid, run_grid_from_aggregate,
                       run_trends)
from .cohort import Window, window_for
from .grid import GRID_COLUMNS, MEASURES, GridOptions
from .inputs import read_aggregate, read_events, read_population
from .parameters import check_parameters
from .views import (Inputs, analyse, benchmark_table, build_tables, data_quality, dsr_rows, findings, grid_spec,
                    input_summary, load, method_table, publish_all, findings_summary, publish_findings, publish_grid, show_findings_summary, show_benchmark, shown,
                    show_deprivation, show_dsr, show_forest, show_funnels, show_heatmap, show_intersections, show_journey, show_trend_ratios, show_trends,
                    trends_table)

__all__ = ["read_events", "read_population", "read_aggregate", "run_grid", "run_trends", "run_dsr", "run_deprivation", "run_grid_from_aggregate", "GridResult",
           "GridOptions", "GRID_COLUMNS", "MEASURES", "Window", "window_for", "resolve_feeders", "Inputs", "load",
           "analyse", "input_summary", "grid_spec", "publish_grid", "data_quality", "show_journey", "show_heatmap",
           "show_forest", "show_intersections", "show_dsr", "show_deprivation", "trends_table", "show_trends", "show_trend_ratios", "benchmark_table",
           "show_benchmark", "show_funnels", "findings", "publish_findings", "method_table", "dsr_rows", "build_tables",
           "publish_all", "shown", "check_parameters", "findings_summary", "show_findings_summary"]
