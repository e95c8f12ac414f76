"""The quarterly assurance report (notebook ``06_assurance_report``): "How are we doing?".

The report never recomputes an analysis: it reads what the notebooks before it published into the pack
(and, for "what changed", the previous period's pack) and triangulates it with what
practitioners and children tell us and with the partnership's own commentary. It has an
executive summary, thematic sections (:data:`SECTIONS`), the outcomes-based accountability view
(:data:`DEFAULT_OBA`), the flags register, what changed since the previous period and the gaps
in knowledge.

The parts, in the order :func:`analyse` runs them:

- :mod:`.settings` -- :class:`Settings`, built once from the notebook's parameters;
- :mod:`.inputs`   -- reading the published pack (:func:`read_pack`, :func:`read_flags`, the
  previous pack) and notebook 06's own inputs and their contracts; :func:`load`;
- :mod:`.compute`  -- pure: the flags register, flag and number changes, the OBA view, the
  feedback summaries (:func:`compute`);
- :mod:`.present`  -- :func:`analyse` (read, compute, :func:`publish`, :func:`write`) and what
  the notebook displays (:func:`show`, :func:`show_table`, :func:`show_figure`,
  :func:`show_commentary`);
- :mod:`.text`     -- the prose of every section and the gaps in knowledge.
"""

from .compute import (
    ReportResults,
    compare_flags,
    compare_numbers,
    compute,
    flags_register,
    oba_view,
    oba_with_previous,
    summarise_children_feedback,
)
from .inputs import (
    CHILDREN_FEEDBACK_COLUMNS,
    DEFAULT_OBA,
    SECTIONS,
    SENTIMENTS,
    PublishedPack,
    ReportInputs,
    flagging,
    load,
    load_oba_spec,
    previous_pack_dir,
    read_children_feedback,
    read_commentary,
    read_flags,
    read_pack,
    read_practitioner_survey_for_report,
)
from .present import (
    CHILDREN_FEEDBACK_SPEC,
    REPORT_TABLE_NOTE,
    Report,
    analyse,
    flags_chart,
    flags_chart_data,
    publish,
    show,
    show_commentary,
    show_figure,
    show_heading,
    show_priorities,
    show_table,
    write,
)
from .settings import Settings

__all__ = [
    "SECTIONS",
    "SENTIMENTS",
    "CHILDREN_FEEDBACK_COLUMNS",
    "CHILDREN_FEEDBACK_SPEC",
    "DEFAULT_OBA",
    "REPORT_TABLE_NOTE",
    "PublishedPack",
    "ReportInputs",
    "ReportResults",
    "Report",
    "Settings",
    "read_pack",
    "read_flags",
    "flagging",
    "previous_pack_dir",
    "load_oba_spec",
    "read_commentary",
    "read_children_feedback",
    "read_practitioner_survey_for_report",
    "load",
    "flags_register",
    "compare_flags",
    "compare_numbers",
    "oba_view",
    "oba_with_previous",
    "summarise_children_feedback",
    "compute",
    "analyse",
    "publish",
    "write",
    "flags_chart_data",
    "flags_chart",
    "show",
    "show_table",
    "show_figure",
    "show_commentary",
    "show_priorities",
    "show_heading",
]
