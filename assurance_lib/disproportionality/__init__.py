"""Disproportionality across the child's journey (notebook 01).

Parts (the same in every analysis):

``inputs``
    Input contracts (journey events, child population, optional aggregate counts; registered
    with the reader layer at import), their readers, and ``load(settings) -> Inputs``.
``settings``
    ``Settings.from_params(ctx.params)``: the notebook's choices, checked, frozen; and
    ``check_parameters`` (run by ``assurance validate``).
``compute``
    ``compute(inputs, settings, period)``: the grid (counts of children, rates, ratios,
    conversions, q-values; :mod:`.analysis`, :mod:`.cohort`, :mod:`.grid`), and
    ``build_tables``: the three children tables with their declarations (:mod:`.grid_tables`,
    :mod:`.benchmark`).
``findings``
    The flags of the published grid, their statements and severity.
``present``
    What the notebook calls: ``analyse(ctx)``, the ``show_*`` functions (each names the ``*_data``
    function whose frame it shows), ``publish_flags`` and ``method_notes``.
"""

from __future__ import annotations

from .analysis import (
    GridResult,
    resolve_feeders,
    run_deprivation,
    run_dsr,
    run_grid,
    run_grid_from_aggregate,
    run_trends,
)
from .benchmark import benchmark_table, benchmark_view, funnel_data
from .cohort import Window, window_for
from .compute import build_tables, compute
from .findings import findings, findings_summary
from .grid import GRID_COLUMNS, MEASURES, GridOptions
from .grid_tables import dsr_rows, grid_spec, trends_table
from .inputs import Inputs, load, read_aggregate, read_events, read_population
from .present import (
    Results,
    analyse,
    deprivation_data,
    dsr_data,
    ethnicity_not_known_data,
    forest_data,
    heatmap_data,
    input_summary,
    intersections_data,
    journey_data,
    method_notes,
    publish_flags,
    publish_tables,
    show_benchmark,
    show_data_quality,
    show_deprivation,
    show_dsr,
    show_findings_summary,
    show_forest,
    show_funnels,
    show_heatmap,
    show_input_summary,
    show_intersections,
    show_journey,
    show_trend_ratios,
    show_trends,
    shown,
    trend_ratios_data,
    trends_data,
)
from .settings import Settings, check_parameters

__all__ = [
    "read_events",
    "read_population",
    "read_aggregate",
    "run_grid",
    "run_trends",
    "run_dsr",
    "run_deprivation",
    "run_grid_from_aggregate",
    "GridResult",
    "GridOptions",
    "GRID_COLUMNS",
    "MEASURES",
    "Window",
    "window_for",
    "resolve_feeders",
    "Inputs",
    "load",
    "Settings",
    "check_parameters",
    "compute",
    "build_tables",
    "Results",
    "analyse",
    "publish_tables",
    "input_summary",
    "show_input_summary",
    "ethnicity_not_known_data",
    "show_data_quality",
    "journey_data",
    "show_journey",
    "heatmap_data",
    "show_heatmap",
    "forest_data",
    "show_forest",
    "intersections_data",
    "show_intersections",
    "deprivation_data",
    "show_deprivation",
    "dsr_data",
    "show_dsr",
    "trends_data",
    "show_trends",
    "trend_ratios_data",
    "show_trend_ratios",
    "benchmark_table",
    "benchmark_view",
    "funnel_data",
    "show_benchmark",
    "show_funnels",
    "findings",
    "findings_summary",
    "publish_flags",
    "show_findings_summary",
    "method_notes",
    "shown",
    "dsr_rows",
    "grid_spec",
    "trends_table",
]
