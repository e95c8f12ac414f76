"""The quarterly run: validate, execute the notebooks with papermill, render, guard, publish the pack.

A run is built in a hidden folder ``outputs/<slug>/.<run-id>.partial`` and moved into place as
``outputs/<slug>/<run-id>`` only when every notebook succeeded and the disclosure and identifier
guards passed; ``outputs/<slug>/LATEST`` then names it. A failed run keeps its folder as
``<run-id>.failed`` (with the executed notebook showing the error) and never touches earlier packs.
Bad parameters or input are found before any notebook runs, and then no folder is created at all.
One run at a time writes to a period's folder (see :mod:`.lock`); a run removes the hidden
partial packs that runs which stopped (a crash, ``kill -9``) left behind.

Exit codes: 0 success; 1 a notebook failed; 2 bad parameters or input; 3 publication refused by the
disclosure or identifier guard.

The parts, one role each:

- :mod:`.validation`  the parameters and every input checked before any notebook runs;
- :mod:`.scan`        the identifier guard over a built pack, and masked error texts;
- :mod:`.render`      executed notebooks to HTML for the analyst and the scrutineer;
- :mod:`.lock`        the period's lock;
- :mod:`.runs`        run ids, ``LATEST``, retention, left-over partial packs;
- :mod:`.manifest`    the pack's ``manifest.json``;
- :mod:`.logs`        the console and ``run.log``;
- :mod:`.runner`      :func:`run` itself, as named steps.

Below the pipeline (shared with the notebook context): :mod:`assurance_lib.nbparams` (the notebooks
in run order and their parameters cells) and :mod:`assurance_lib.run_inputs` (the identifier values
of the run's inputs, for the identifier guard).
"""

from __future__ import annotations

from ..nbparams import COMMON_PARAMETERS, NotebookInfo, NotebookParameter, discover_notebooks
from ..run_inputs import NAMES_PARAMETER, RunIdentifiers, collect_identifiers, input_identifier_values, notebook_values
from .lock import RunLock, RunLocked
from .logs import log
from .render import INTERNAL_ONLY_TAG, render_html
from .runner import RunResult, run
from .runs import RUN_ID_RE, clean_partials, new_run_id, prune, read_latest, write_latest
from .validation import Validation, validate

__all__ = [
    "NotebookInfo",
    "NotebookParameter",
    "discover_notebooks",
    "notebook_values",
    "validate",
    "Validation",
    "run",
    "RunResult",
    "render_html",
    "COMMON_PARAMETERS",
    "RUN_ID_RE",
    "INTERNAL_ONLY_TAG",
    "NAMES_PARAMETER",
    "RunIdentifiers",
    "collect_identifiers",
    "input_identifier_values",
    "RunLock",
    "RunLocked",
    "new_run_id",
    "read_latest",
    "write_latest",
    "prune",
    "clean_partials",
    "log",
]
