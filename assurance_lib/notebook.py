"""What a notebook calls first: its run context.

Every notebook's ``parameters`` cell holds ``params_file`` and ``run_dir`` (and its own inputs);
its first code cell after that is one call::

    ctx = setup("01_disproportionality", params_file=params_file, run_dir=run_dir,
                events_path=events_path, population_path=population_path)

``setup`` loads and checks the run parameters, resolves the notebook's input paths against
the project root, prepares the pack folder (or, run standalone in JupyterLab with an empty
``run_dir``, a scratch folder under ``outputs/scratch/``) and returns a :class:`Context` with a
:class:`~assurance_lib.publish.Publisher`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from .config import RunConfig, load_params, project_root, resolve_params
from .publish import Publisher

if TYPE_CHECKING:
    from . import disclosure

__all__ = ["Context", "setup", "input_identifiers", "ANALYSIS_NAMES"]

ANALYSIS_NAMES = {
    "01_disproportionality": "disproportionality",
    "02_section11": "section11",
    "03_audit_synthesis": "audits",
    "04_assurance_report": "report",
}
"""Notebook -> analysis name used for flags files and the run log."""


@dataclass
class Context:
    """A notebook's run context.

    Attributes
    ----------
    notebook : str
    config : RunConfig
    run_dir : Path
        The pack folder being written.
    params : dict
        The notebook's own parameters, with every ``*_path``/``*_file``/``*_dir`` value
        resolved to an absolute path (empty strings stay empty: an absent optional input).
    publish : Publisher
    """

    notebook: str
    config: RunConfig
    run_dir: Path
    params: dict[str, Any]
    publish: Publisher
    extras: dict[str, Any] = field(default_factory=dict)

    def path(self, key: str) -> Path | None:
        """The resolved path of an input parameter, or None when it is empty (absent)."""
        v = self.params.get(key)
        return Path(v) if v else None


def input_identifiers(cfg: RunConfig, publisher: Publisher | None = None, *,
                      own: tuple[str, Mapping[str, Any]] | None = None,
                      notebooks_dir: Path | None = None) -> "disclosure.IdentifierSet":
    """The identifier values of every input of the run, and its names list.

    Free text a notebook publishes (audit comments, report commentary) is checked against the
    identifiers of *all* the run's inputs, not only the notebook's own: a case reference from
    the audits or a child's id may turn up in commentary. :func:`setup` gives this, as a lazy
    loader, to the notebook's :class:`~assurance_lib.publish.Publisher`.

    Parameters
    ----------
    cfg : RunConfig
        The run's parameters.
    publisher : Publisher, optional
        Inputs that could not be read (named, never a value) are noted in its log.
    own : (str, mapping), optional
        The notebook's name and the resolved parameter values it was given.
    notebooks_dir : Path, optional
        Where the notebooks are (default ``notebooks/``).

    Returns
    -------
    IdentifierSet
    """
    from . import pipeline

    found = pipeline.input_identifier_values(cfg, notebooks_dir=notebooks_dir, own=own)
    if publisher is not None:
        for line in found.unread:
            publisher.note(f"identifiers not read from {line}; free text is checked against the other inputs' identifiers")
    return found.identifier_set()


def setup(notebook: str, *, params_file: str, run_dir: str = "", **params: Any) -> Context:
    """Load the run parameters and prepare the pack folder for one notebook.

    Parameters
    ----------
    notebook : str
        The notebook's name without ``.ipynb`` (e.g. ``"01_disproportionality"``).
    params_file : str
        The run's parameters file (relative to the project root or absolute).
    run_dir : str
        The pack folder; empty for a standalone run (a scratch folder
        ``outputs/scratch/<slug>/`` is used, or ``$ASSURANCE_OUTPUT_ROOT/scratch/<slug>/``).
    **params
        The notebook's own parameters (as in its ``parameters`` cell).
    """
    root = project_root()
    cfg = load_params(params_file, root=root, check_files=False)
    if run_dir:
        rd = Path(run_dir)
    else:
        rd = cfg.output_root / "scratch" / cfg.period.slug
    (rd / "shareable" / "tables").mkdir(parents=True, exist_ok=True)
    (rd / "internal" / "tables").mkdir(parents=True, exist_ok=True)
    resolved = resolve_params(params, root)
    from . import disclosure, readers

    id_cols = tuple(sorted({c for con in readers.contracts(notebook) for c in con.identifier_columns}))
    pub = Publisher(run_dir=rd, config=cfg, analysis=ANALYSIS_NAMES.get(notebook, notebook.split("_", 1)[-1]),
                    identifier_columns=id_cols)
    pub.use_identifiers(lambda: input_identifiers(cfg, pub, own=(notebook, resolved)))
    ctx = Context(notebook=notebook, config=cfg, run_dir=rd, params=resolved, publish=pub)
    return ctx
