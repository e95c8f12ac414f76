"""The identifiers in every input of a run, read as the run reads them.

Free text a notebook publishes is checked against the identifier values of *all* the run's
inputs (a case reference from the audits or a child's id may turn up in commentary), and
``assurance validate`` collects the same values for the identifier guard over the whole pack.
Both the notebook context (:mod:`assurance_lib.notebook`) and the pipeline use this module; it
imports the :mod:`registry` so that every analysis's input contracts are registered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from . import readers, registry  # noqa: F401  (the registry registers every input contract)
from .config import RunConfig, project_root, resolve_params
from .errors import InputError
from .nbparams import NotebookInfo, discover_notebooks

__all__ = ["NAMES_PARAMETER", "RunIdentifiers", "input_identifier_values", "notebook_values", "collect_identifiers"]


def notebook_values(cfg: RunConfig, nb: NotebookInfo) -> dict[str, Any]:
    """A notebook's parameter values in a run: its parameters cell's defaults, overridden by the parameters file."""
    values = nb.defaults()
    values.update(cfg.notebook_params(nb.name))
    return values


def collect_identifiers(c: Any, frame: Any, into: dict[str, set[str]]) -> None:
    """Add the values of contract ``c``'s identifier columns in ``frame`` to ``into``."""
    for col in c.identifier_columns:
        if isinstance(frame, pd.DataFrame) and col in frame.columns:
            vals = frame[col].dropna().astype(str).str.strip()
            into.setdefault(col, set()).update(v for v in vals if v)


NAMES_PARAMETER = "names_file"
"""A notebook parameter of this name holds a names list (one a line, ``#`` comments): like the
run's ``identifier_names_file``, its names are looked for in every notebook's free text."""


@dataclass
class RunIdentifiers:
    """The identifiers of a run's inputs (see :func:`input_identifier_values`).

    Attributes
    ----------
    values : dict of str to set of str
        Identifier column name -> the values found.
    names_files : list of Path
        Names lists: the run's ``identifier_names_file`` and every notebook's ``names_file``.
    unread : list of str
        One line for each input that could not be read (absent, or failing its contract),
        naming the contract and parameter, never a value.
    """

    values: dict[str, set[str]] = field(default_factory=dict)
    names_files: list[Path] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)

    def identifier_set(self) -> Any:
        """An :class:`~assurance_lib.disclosure.IdentifierSet` of the values and the names."""
        from . import disclosure

        names: list[str] = []
        for f in self.names_files:
            if f.is_file():
                names += [
                    ln.strip()
                    for ln in f.read_text(encoding="utf-8").splitlines()
                    if ln.strip() and not ln.lstrip().startswith("#")
                ]
        return disclosure.IdentifierSet.from_columns(self.values, names=names)


def input_identifier_values(
    cfg: RunConfig, *, notebooks_dir: Path | None = None, own: tuple[str, Mapping[str, Any]] | None = None
) -> RunIdentifiers:
    """The identifier values and names lists of every input of a run, read as the run reads them.

    Every registered input contract with identifier columns whose notebook is in
    ``notebooks_dir`` (default ``notebooks/``) is read with the notebook's parameter values
    (its defaults, overridden by the run's parameters file); every notebook's
    :data:`NAMES_PARAMETER` file and the run's ``identifier_names_file`` are the names lists.

    Parameters
    ----------
    cfg : RunConfig
        The run's parameters.
    notebooks_dir : Path, optional
        Where the notebooks are.
    own : (str, mapping), optional
        A notebook's name and the parameter values it was actually given (a standalone run may
        differ from the parameters file): used instead of the file's for that notebook, and its
        contracts are read even when it is not in ``notebooks_dir``.

    Returns
    -------
    RunIdentifiers
    """
    root = project_root()
    try:
        notebooks = {nb.name: nb for nb in discover_notebooks(notebooks_dir)}
    except InputError:
        notebooks = {}
    values_of: dict[str, dict[str, Any]] = {name: notebook_values(cfg, nb) for name, nb in notebooks.items()}
    if own is not None:
        values_of[own[0]] = dict(own[1])
    resolved = {name: resolve_params(vals, root) for name, vals in values_of.items()}
    out = RunIdentifiers()
    if cfg.identifier_names_file:
        out.names_files.append(Path(cfg.identifier_names_file))
    out.names_files += [Path(v[NAMES_PARAMETER]) for v in resolved.values() if v.get(NAMES_PARAMETER)]
    for c in readers.contracts():
        if not c.identifier_columns or c.notebook not in resolved:
            continue
        params = resolved[c.notebook]
        raw = params.get(c.parameter)
        if not raw:
            continue
        path = Path(str(raw))
        if not path.is_file():
            out.unread.append(f"{c.name} ({c.notebook}, {c.parameter}): no such file")
            continue
        try:
            frame = c.read(path, params)
        except InputError:
            out.unread.append(f"{c.name} ({c.notebook}, {c.parameter}): does not pass its input contract")
            continue
        collect_identifiers(c, frame, out.values)
    return out
