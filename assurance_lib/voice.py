"""The practitioner survey, as notebook 06 reads it (the contract shared with Section 11).

The survey's contract, reader and summary live with Section 11
(:mod:`assurance_lib.section11.survey`: its answers map to the Section 11 standards and its
agencies to the agency register); this module gives them to the quarterly report. The import
goes one way: ``voice`` imports ``section11``, never the other way round.
"""

from __future__ import annotations

from .section11.survey import (
    DEFAULT_SURVEY_SCALES,
    PRACTITIONER_SURVEY_COLUMNS,
    SURVEY_IDENTIFIER_COLUMNS,
    read_practitioner_survey,
    summarise_practitioner_survey,
)

__all__ = [
    "PRACTITIONER_SURVEY_COLUMNS",
    "SURVEY_IDENTIFIER_COLUMNS",
    "DEFAULT_SURVEY_SCALES",
    "read_practitioner_survey",
    "summarise_practitioner_survey",
]
