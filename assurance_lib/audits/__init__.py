"""Multi-agency audit synthesis (notebook ``03_audit_synthesis``): grades by domain and agency, change
on re-audit, agreement between agencies' own grades and the panel's, recurring themes, the action
log and the seven-minute briefings.

The parts, in the order the notebook uses them:

- :mod:`.settings`  -- :class:`Settings`, built once from the notebook's parameters;
- :mod:`.inputs`    -- the framework, the four input contracts and their readers, :func:`load`;
- :mod:`.compute`   -- pure: :func:`compute` (inputs and settings in, :class:`AuditResults` out)
  and the functions it calls (:func:`grade_distribution`, :func:`agreement_table` ...);
- :mod:`.present`   -- what the notebook calls: :func:`analyse`, ``show_*``, ``chart_*`` (with
  their ``*_chart_data``), :func:`publish_flags`, :func:`method_notes`;
- :mod:`.briefings` -- the draft seven-minute briefings, through the redaction guard;
- :mod:`.reports`   -- one short report per audit (scope, findings, recommendations with owners).

Free text (findings, actions, evidence) reaches the pack only through
:func:`assurance_lib.disclosure.redact`.
"""

from .briefings import QUOTES_PER_POINT, briefing_markdown, briefings
from .compute import (
    ALL,
    CONFIDENCE,
    FLAG_V2_COLUMNS,
    AuditResults,
    action_status,
    action_summary,
    agreement_table,
    audits_in_window,
    build_flags,
    compute,
    grade_distribution,
    reaudit_change,
    theme_counts,
    window,
    window_text,
)
from .inputs import (
    MODERATOR_PREFIX,
    NOTEBOOK,
    AuditFramework,
    AuditInputs,
    Grade,
    Theme,
    load,
    load_framework,
    read_actions,
    read_findings,
    read_grades,
    read_register,
)
from .present import (
    agreement_chart_data,
    analyse,
    chart_agreement,
    chart_grades,
    chart_reaudit,
    grades_chart_data,
    method_notes,
    method_notes_markdown,
    publish_flags,
    reaudit_chart_data,
    show_actions,
    show_actions_attention,
    show_agreement,
    show_briefings,
    show_grades,
    show_reaudit,
    show_register,
    show_themes,
)
from .reports import audit_report, write_audit_reports
from .settings import Settings

__all__ = [
    "ALL",
    "CONFIDENCE",
    "FLAG_V2_COLUMNS",
    "MODERATOR_PREFIX",
    "NOTEBOOK",
    "QUOTES_PER_POINT",
    "Grade",
    "Theme",
    "AuditFramework",
    "load_framework",
    "read_register",
    "read_grades",
    "read_findings",
    "read_actions",
    "AuditInputs",
    "AuditResults",
    "Settings",
    "load",
    "analyse",
    "compute",
    "window",
    "window_text",
    "audits_in_window",
    "grade_distribution",
    "reaudit_change",
    "agreement_table",
    "theme_counts",
    "action_status",
    "action_summary",
    "build_flags",
    "briefing_markdown",
    "briefings",
    "show_register",
    "show_grades",
    "grades_chart_data",
    "chart_grades",
    "show_reaudit",
    "reaudit_chart_data",
    "chart_reaudit",
    "show_agreement",
    "agreement_chart_data",
    "chart_agreement",
    "show_themes",
    "show_actions",
    "show_actions_attention",
    "publish_flags",
    "method_notes",
    "method_notes_markdown",
    "show_briefings",
    "audit_report",
    "write_audit_reports",
]
