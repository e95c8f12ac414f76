"""What a notebook calls first: its run context.

Every notebook's ``parameters`` cell holds ``params_file`` and ``run_dir`` and its own
parameters; its first code cell after that is one call::

    ctx = setup("01_disproportionality", globals())

``setup`` reads the names of the notebook's own ``parameters`` cell (from the notebook file,
:mod:`assurance_lib.nbparams`), takes exactly those from the namespace (a name missing from the
namespace is an error naming the notebook and the parameter: no parameter falls back to a
library default), loads and checks the run parameters, resolves the notebook's input paths
against the project root, prepares the pack folder (or, run standalone in JupyterLab with an
empty ``run_dir``, a scratch folder under ``outputs/scratch/``) and returns a :class:`Context`
with a :class:`~assurance_lib.publish.Publisher`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import readers, registry, run_inputs
from .config import RunConfig, load_params, project_root, resolve_params
from .errors import InputError, Problem
from .nbparams import COMMON_PARAMETERS, read_notebook
from .publish import Publisher
from .registry import Analysis

if TYPE_CHECKING:
    from . import disclosure

__all__ = ["Context", "setup", "input_identifiers", "notebook_parameters"]


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
        Exactly the notebook's own parameters (those of its ``parameters`` cell but
        ``params_file`` and ``run_dir``), with every ``*_path``/``*_file``/``*_dir`` value
        resolved to an absolute path (empty strings stay empty: an absent optional input).
    publish : Publisher
    analysis : Analysis or None
        The registry record of the notebook's analysis (``None`` for a notebook that is not one).
    analyses : tuple of Analysis
        Every analysis of the workbench (the registry), for a notebook that reads the others' results.
    """

    notebook: str
    config: RunConfig
    run_dir: Path
    params: dict[str, Any]
    publish: Publisher
    analysis: Analysis | None = None
    analyses: tuple[Analysis, ...] = registry.ANALYSES
    extras: dict[str, Any] = field(default_factory=dict)

    def path(self, key: str) -> Path | None:
        """The resolved path of an input parameter, or None when it is empty (absent)."""
        v = self.params.get(key)
        return Path(v) if v else None


def input_identifiers(
    cfg: RunConfig,
    publisher: Publisher | None = None,
    *,
    own: tuple[str, Mapping[str, Any]] | None = None,
    notebooks_dir: Path | None = None,
) -> disclosure.IdentifierSet:
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
    found = run_inputs.input_identifier_values(cfg, notebooks_dir=notebooks_dir, own=own)
    if publisher is not None:
        for line in found.unread:
            publisher.note(
                f"identifiers not read from {line}; free text is checked against the other inputs' identifiers"
            )
    return found.identifier_set()


def notebook_parameters(notebook: str) -> dict[str, Any]:
    """The parameters of a notebook's ``parameters`` cell with their defaults (``notebooks/<notebook>.ipynb``).

    For code and tests that build a context without a notebook: ``setup(nb, notebook_parameters(nb) | {...})``.
    """
    return read_notebook(notebook).defaults()


def _take(notebook: str, namespace: Mapping[str, Any]) -> dict[str, Any]:
    """Exactly the notebook's parameters from ``namespace``; an error naming every one missing."""
    names = [p.name for p in read_notebook(notebook).parameters]
    missing = [n for n in names if n not in namespace]
    if missing:
        raise InputError(
            [
                Problem(
                    file=f"notebooks/{notebook}.ipynb",
                    key=n,
                    message="is in the parameters cell but was not given to setup",
                    expected="setup(notebook, globals()) after the parameters cell has run",
                )
                for n in missing
            ]
        )
    return {n: namespace[n] for n in names}


def setup(
    notebook: str,
    namespace: Mapping[str, Any] | None = None,
    /,
    *,
    params_file: str | None = None,
    run_dir: str | None = None,
    **params: Any,
) -> Context:
    """Load the run parameters and prepare the pack folder for one notebook.

    Parameters
    ----------
    notebook : str
        The notebook's name without ``.ipynb`` (e.g. ``"01_disproportionality"``); its
        ``parameters`` cell (``notebooks/<notebook>.ipynb``) says which names to take.
    namespace : mapping
        The notebook's ``globals()``: exactly the names of its ``parameters`` cell are taken
        from it (``params_file``, ``run_dir`` and the notebook's own). A name missing from it is
        an error naming the notebook and the parameter.
    params_file, run_dir, **params
        The older keyword form (without ``namespace``), kept for code and tests that build a
        context without running the notebook: the notebook's parameters cell's defaults,
        overridden by these; a name that is not in the parameters cell is an error. For a
        notebook outside ``notebooks/`` (a test's own), the keywords are taken as given.

    Returns
    -------
    Context

    Raises
    ------
    InputError
        A parameter missing (namespace form) or unknown (keyword form), naming the notebook and
        the parameter; or bad run parameters.
    """
    if namespace is not None:
        if params_file is not None or run_dir is not None or params:
            raise TypeError("setup(notebook, namespace): give the namespace alone (the parameters come from it)")
        values = _take(notebook, namespace)
    else:
        values = {"params_file": params_file, "run_dir": run_dir or "", **params}
        try:
            defaults = read_notebook(notebook).defaults()
        except InputError:
            defaults = None  # a notebook outside notebooks/ (a test's own): the keywords as given
        if defaults is not None:
            unknown = [k for k in params if k not in defaults]
            if unknown:
                raise InputError(
                    [
                        Problem(
                            file=f"notebooks/{notebook}.ipynb",
                            key=k,
                            value=params[k],
                            message="is not a parameter of this notebook",
                            expected="one of: " + ", ".join(d for d in defaults if d not in COMMON_PARAMETERS),
                        )
                        for k in unknown
                    ]
                )
            values = {**defaults, **{k: v for k, v in values.items() if v is not None}}
        if not values.get("params_file"):
            raise InputError(
                Problem(
                    file=f"notebooks/{notebook}.ipynb",
                    key="params_file",
                    message="is not given",
                    expected="the run's parameters file",
                )
            )
    own = {k: v for k, v in values.items() if k not in COMMON_PARAMETERS}
    root = project_root()
    cfg = load_params(values["params_file"], root=root, check_files=False)
    rd = Path(values["run_dir"]) if values.get("run_dir") else cfg.output_root / "scratch" / cfg.period.slug
    (rd / "shareable" / "tables").mkdir(parents=True, exist_ok=True)
    (rd / "internal" / "tables").mkdir(parents=True, exist_ok=True)
    resolved = resolve_params(own, root)
    analysis = registry.by_notebook(notebook)
    id_cols = tuple(sorted({c for con in readers.contracts(notebook) for c in con.identifier_columns}))
    pub = Publisher(
        run_dir=rd,
        config=cfg,
        analysis=analysis.name if analysis else notebook.split("_", 1)[-1],
        identifier_columns=id_cols,
    )
    pub.use_identifiers(lambda: input_identifiers(cfg, pub, own=(notebook, resolved)))
    return Context(notebook=notebook, config=cfg, run_dir=rd, params=resolved, publish=pub, analysis=analysis)
