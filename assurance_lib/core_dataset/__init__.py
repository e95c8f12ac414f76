"""The core dataset (notebook 04): the partnership's indicators, benchmarked and on control charts.

Submodules
----------
catalogue
    The indicator catalogue (``data/frameworks/core_indicators.yaml``), read and checked.
settings
    ``Settings.from_params(ctx.params)``: notebook 04's choices.
inputs
    The input contracts (events with the optional columns, population, catalogue, agency returns,
    bank holidays), registered at import; ``load(settings) -> Inputs``.
workdays
    Working days with the bank holidays of England and Wales.
indicators
    The calculations from the journey events (numerator and denominator for a window).
benchmarks
    The DfE comparators from DfE's own counts: England, region, statistical neighbours.
compute
    ``compute(inputs, settings, period) -> Results``: values, intervals, series, XmR charts,
    comparators, variation, assurance and direction.
scorecard
    The one-page scorecard (HTML and Markdown).
present
    What the notebook calls: ``analyse``, ``show_*``, ``publish_flags``, ``method_notes``.
"""

from __future__ import annotations

from .catalogue import Catalogue, Indicator, load_catalogue
from .compute import Results, compute
from .inputs import Inputs, load, read_agency_returns, read_events
from .present import (
    analyse,
    method_notes,
    publish_flags,
    show_agency_returns,
    show_assessment,
    show_benchmark_chart,
    show_benchmarks,
    show_control_charts,
    show_gaps,
    show_indicators,
    show_scorecard,
)
from .settings import Settings

__all__ = [
    "Catalogue",
    "Indicator",
    "load_catalogue",
    "Results",
    "compute",
    "Inputs",
    "load",
    "read_agency_returns",
    "read_events",
    "analyse",
    "method_notes",
    "publish_flags",
    "show_agency_returns",
    "show_assessment",
    "show_benchmark_chart",
    "show_benchmarks",
    "show_control_charts",
    "show_gaps",
    "show_indicators",
    "show_scorecard",
    "Settings",
]
