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
present
    What notebook 02 calls: ``analyse(ctx)`` and the ``show_*`` functions that publish.

Importing this package registers the notebook's input contracts with the reader layer:
``section11_framework`` (``framework_path``), ``section11_register`` (``register_path``),
``section11_returns`` (``returns_path``) and the optional ``section11_practitioner_survey``
(``survey_path``; the contract and reader live in :mod:`assurance_lib.voice`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from ..readers import InputContract, register
from .framework import Framework, Standard, load_framework
from .inputs import read_agency_register, read_framework_input, read_returns
from .scales import Level, Rating, RatingScale, load_scales
from . import analysis
from .present import (Section11Results, analyse, chart_weakest_standards, method_parameters, scorecard_markdown,
                      show_action_plan, show_evidence, show_heatmap, show_moderation, show_moderation_crosstab, show_ratings,
                      show_returns_received, show_shortlist, show_trends, show_triangulation, show_weakest_standards,
                      write_flags, write_scorecards)

__all__ = ["Framework", "Standard", "load_framework", "read_agency_register", "read_returns", "Level", "Rating",
           "RatingScale", "load_scales", "NOTEBOOK", "analysis", "Section11Results", "analyse",
           "chart_weakest_standards", "method_parameters", "scorecard_markdown", "show_action_plan", "show_evidence",
           "show_heatmap", "show_moderation", "show_moderation_crosstab", "show_ratings", "show_returns_received", "show_shortlist",
           "show_trends", "show_triangulation", "show_weakest_standards", "write_flags", "write_scorecards"]

NOTEBOOK = "02_section11"


def _read_survey(path: Path, params: Mapping[str, Any]) -> pd.DataFrame:
    """Contract reader for the practitioner survey (see :func:`assurance_lib.voice.read_practitioner_survey`)."""
    from ..voice import read_practitioner_survey

    return read_practitioner_survey(path, params)


register(InputContract(name="section11_framework", notebook=NOTEBOOK, parameter="framework_path",
                       read=read_framework_input,
                       description="Section 11 framework (standards, sub-questions, domains, scales) as YAML"))
register(InputContract(name="section11_register", notebook=NOTEBOOK, parameter="register_path",
                       read=read_agency_register,
                       description="agency register: one row per agency with sector, deadline and date received"))
register(InputContract(name="section11_returns", notebook=NOTEBOOK, parameter="returns_path", read=read_returns,
                       description="Section 11 returns: one row per cycle x agency x standard (CSV or Excel)"))
register(InputContract(name="section11_practitioner_survey", notebook=NOTEBOOK, parameter="survey_path",
                       read=_read_survey, optional=True, identifier_columns=("respondent",),
                       description="practitioner survey: one row per respondent x question (optional)"))
