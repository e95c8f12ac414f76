"""Learning, voice and impact (notebook ``05_learning``): reviews and their recommendations, the one
action ledger across every source and cycle, the impact log, re-audit proposals, and what children,
families and practitioners said with what was done about it.

The parts, in the order the notebook uses them:

- :mod:`.settings` -- :class:`Settings`, built once from the notebook's parameters;
- :mod:`.inputs`   -- the vocabularies and the input contracts with their readers;
- :mod:`.compute`  -- pure: :func:`load` and :func:`compute` (inputs and settings in,
  :class:`LearningResults` out) and the functions it calls;
- :mod:`.present`  -- what the notebook calls: :func:`analyse`, ``show_*``, :func:`publish_flags`,
  :func:`method_notes`.

Importing this package registers its input contracts with the reader layer under notebook
``05_learning``. Why it is its own analysis, not part of the audits: ``docs/learning.md``.
"""

from .compute import (
    STATUSES,
    Inputs,
    LearningResults,
    complaints_by,
    compute,
    content_words,
    derive_status,
    detect_repeats,
    impact_as_at,
    impact_log,
    load,
    period_of,
    reaudit_proposals,
    reviews_progress,
    survey_questions,
    survey_response,
    training_reach,
    visits_table,
    you_said_we_did,
)
from .inputs import NOTEBOOK, Framework, load_framework
from .present import (
    analyse,
    flags_data,
    method_notes,
    publish_flags,
    show_actions,
    show_actions_summary,
    show_complaints,
    show_impact_log,
    show_reaudits,
    show_reviews,
    show_survey,
    show_training,
    show_visits,
    show_voice,
    show_you_said_we_did,
)
from .settings import Settings

__all__ = [
    "STATUSES",
    "NOTEBOOK",
    "Framework",
    "Inputs",
    "LearningResults",
    "Settings",
    "load_framework",
    "load",
    "compute",
    "period_of",
    "derive_status",
    "content_words",
    "detect_repeats",
    "impact_as_at",
    "reviews_progress",
    "impact_log",
    "reaudit_proposals",
    "you_said_we_did",
    "complaints_by",
    "visits_table",
    "survey_response",
    "survey_questions",
    "training_reach",
    "analyse",
    "show_reviews",
    "show_actions",
    "show_actions_summary",
    "show_impact_log",
    "show_reaudits",
    "show_voice",
    "show_you_said_we_did",
    "show_complaints",
    "show_visits",
    "show_survey",
    "show_training",
    "flags_data",
    "publish_flags",
    "method_notes",
]
