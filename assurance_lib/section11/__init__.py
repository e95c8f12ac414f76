"""Section 11: frameworks, rating scales, scoring, moderation, trends and risk ranking.

Submodules
----------
scales
    Rating scales (labels, order, direction, 0-1 positions used only within a scale).
framework
    Frameworks: standards, sub-questions, the six risk domains and the crosswalk.
inputs
    The agency register and returns readers (CSV or Excel), checked against both.
analysis
    Pure functions: tidy frame in, tidy frame out (ratings, moderation, evidence, trends,
    returns received, triangulation, risk ranking, action plan, flags).
survey
    The practitioner survey's reader and summary (shared with notebook 06 through
    :mod:`assurance_lib.voice`).
settings
    ``Settings.from_params(ctx.params)``: the notebook's choices, checked, frozen.
compute
    ``load(settings)`` (the inputs) and ``compute(inputs, settings, period)`` (every result, pure).
present
    What notebook 02 calls: ``analyse(ctx)``, the ``show_*``/``chart_*`` functions that publish,
    ``publish_flags`` and ``method_notes``.

Importing this package registers the notebook's input contracts with the reader layer:
``section11_framework`` (``framework_path``), ``section11_register`` (``register_path``),
``section11_returns`` (``returns_path``) and the optional ``section11_practitioner_survey``
(``survey_path``; the reader is :func:`.survey.read_practitioner_survey`).
"""

from __future__ import annotations

from ..readers import InputContract, register
from . import analysis
from .compute import Inputs, Section11Results, compute, load
from .framework import Framework, Standard, load_framework
from .inputs import read_agency_register, read_framework_input, read_returns
from .present import (
    analyse,
    chart_weakest_standards,
    method_notes,
    publish_flags,
    scorecard_markdown,
    show_action_history,
    show_action_plan,
    show_evidence,
    show_heatmap,
    show_moderation,
    show_moderation_crosstab,
    show_ratings,
    show_returns_received,
    show_shortlist,
    show_trends,
    show_triangulation,
    show_weakest_standards,
    write_scorecards,
)
from .scales import Level, Rating, RatingScale, load_scales
from .settings import Settings
from .survey import read_practitioner_survey

__all__ = [
    "Framework",
    "Standard",
    "load_framework",
    "read_agency_register",
    "read_returns",
    "Level",
    "Rating",
    "RatingScale",
    "load_scales",
    "NOTEBOOK",
    "analysis",
    "Inputs",
    "Section11Results",
    "Settings",
    "load",
    "compute",
    "analyse",
    "chart_weakest_standards",
    "method_notes",
    "publish_flags",
    "scorecard_markdown",
    "show_action_history",
    "show_action_plan",
    "show_evidence",
    "show_heatmap",
    "show_moderation",
    "show_moderation_crosstab",
    "show_ratings",
    "show_returns_received",
    "show_shortlist",
    "show_trends",
    "show_triangulation",
    "show_weakest_standards",
    "write_scorecards",
]

NOTEBOOK = "02_section11"


register(
    InputContract(
        name="section11_framework",
        notebook=NOTEBOOK,
        parameter="framework_path",
        read=read_framework_input,
        description="Section 11 framework (standards, sub-questions, domains, scales) as YAML",
    )
)
register(
    InputContract(
        name="section11_register",
        notebook=NOTEBOOK,
        parameter="register_path",
        read=read_agency_register,
        description="agency register: one row per agency with sector, deadline and date received",
    )
)
register(
    InputContract(
        name="section11_returns",
        notebook=NOTEBOOK,
        parameter="returns_path",
        read=read_returns,
        description="Section 11 returns: one row per cycle x agency x standard (CSV or Excel)",
    )
)
register(
    InputContract(
        name="section11_practitioner_survey",
        notebook=NOTEBOOK,
        parameter="survey_path",
        read=read_practitioner_survey,
        optional=True,
        identifier_columns=("respondent",),
        description="practitioner survey: one row per respondent x question (optional)",
    )
)
