"""The notebooks' ``parameters`` cells: what each notebook takes, parsed from the notebook itself.

A notebook's ``parameters`` cell is the one place where its parameters and their defaults are
declared: one ``name = literal  # help`` line each. The pipeline reads it to type-check the
parameters file and to list the notebooks (``assurance list``); the notebook context
(:func:`assurance_lib.notebook.setup`) reads it to take exactly those names from the
notebook's namespace. This module sits low (it needs only :mod:`errors` and :mod:`config`) so
that both can use it.
"""

from __future__ import annotations

import ast
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import project_root
from .errors import InputError, Problem

__all__ = [
    "COMMON_PARAMETERS",
    "NotebookParameter",
    "NotebookInfo",
    "discover_notebooks",
    "read_notebook",
    "notebook_path",
]

COMMON_PARAMETERS = ("params_file", "run_dir")
"""Parameters every notebook declares and the pipeline injects."""
_NB_RE = re.compile(r"^\d{2}_[a-z0-9_]+\.ipynb$")


@dataclass(frozen=True, slots=True)
class NotebookParameter:
    """One parameter of a notebook's ``parameters`` cell."""

    name: str
    type_name: str
    default: Any
    help: str

    @property
    def types(self) -> tuple[type, ...]:
        return {
            "str": (str,),
            "int": (int,),
            "float": (float, int),
            "bool": (bool,),
            "dict": (dict,),
            "list": (list,),
        }.get(self.type_name, ())


@dataclass(frozen=True, slots=True)
class NotebookInfo:
    """A notebook in run order with its parameters."""

    name: str
    path: Path
    parameters: tuple[NotebookParameter, ...]

    def param(self, name: str) -> NotebookParameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.parameters}


def _parameters_cell(path: Path) -> str:
    """The source of the notebook's one cell tagged ``parameters``.

    A notebook of the current format (nbformat 4) is read as the JSON it is: importing nbformat
    costs each notebook's kernel about a second (its schema validator builds grammars as it is
    imported), and only one cell's text is needed. A file that is not JSON, or a notebook of an
    older format, is read by nbformat as before (which converts the older format, or refuses the file
    with its own message).
    """
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        nb = None
    if not isinstance(nb, dict) or nb.get("nbformat") != 4:
        import nbformat

        nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.get("cells", []) if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise InputError(
            Problem(file=str(path.name), message=f"has {len(cells)} cells tagged 'parameters'", expected="exactly one")
        )
    source = cells[0].get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _parse_parameters(source: str, file: str) -> tuple[NotebookParameter, ...]:
    """Parse ``name = literal  # help`` lines; anything else is an error (literals only)."""
    out = []
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise InputError(
            Problem(file=file, place=f"parameters cell, line {exc.lineno}", message="is not valid Python")
        ) from None
    lines = source.splitlines()
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            target, value = node.target.id, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target, value = node.targets[0].id, node.value
        else:
            raise InputError(
                Problem(
                    file=file,
                    place=f"parameters cell, line {node.lineno}",
                    message="is not a simple assignment",
                    expected="name = literal  # help",
                )
            )
        try:
            default = ast.literal_eval(value) if value is not None else None
        except ValueError:
            raise InputError(
                Problem(
                    file=file,
                    place=f"parameters cell, line {node.lineno}",
                    column=target,
                    message="is not a literal",
                    expected="a literal value (text, number, true/false, list or dict)",
                )
            ) from None
        line = lines[node.lineno - 1]
        help_ = line.split("#", 1)[1].strip() if "#" in line else ""
        tname = type(default).__name__ if default is not None else "None"
        out.append(NotebookParameter(target, tname, default, help_))
    return tuple(out)


def discover_notebooks(folder: Path | None = None) -> list[NotebookInfo]:
    """The notebooks ``NN_name.ipynb`` of ``folder`` (default ``notebooks/``) in run order."""
    folder = Path(folder) if folder else project_root() / "notebooks"
    out = []
    for p in sorted(folder.glob("*.ipynb")):
        if not _NB_RE.match(p.name):
            continue
        params = _parse_parameters(_parameters_cell(p), p.name)
        missing = [c for c in COMMON_PARAMETERS if c not in {q.name for q in params}]
        if missing:
            raise InputError(
                Problem(
                    file=p.name,
                    message=f"parameters cell lacks {', '.join(missing)}",
                    expected="params_file and run_dir in every notebook",
                )
            )
        out.append(NotebookInfo(p.stem, p, params))
    return out


def notebook_path(notebook: str, folder: Path | None = None) -> Path:
    """The file of a notebook by name: in ``folder``; else in the folder the pipeline is running
    notebooks from (``ASSURANCE_NOTEBOOKS``, set for the kernels); else the current folder when it
    holds the notebook (a kernel started by JupyterLab runs in its notebook's folder); else
    ``notebooks/`` under the project root."""
    if not folder:
        env = os.environ.get("ASSURANCE_NOTEBOOKS")
        here = Path.cwd() / f"{notebook}.ipynb"
        folder = Path(env) if env else (Path.cwd() if here.is_file() else project_root() / "notebooks")
    return Path(folder) / f"{notebook}.ipynb"


def read_notebook(notebook: str, folder: Path | None = None) -> NotebookInfo:
    """One notebook and its parameters, read from its ``parameters`` cell.

    Raises
    ------
    InputError
        The notebook does not exist, or its parameters cell is not one cell of literals.
    """
    path = notebook_path(notebook, folder)
    if not path.is_file():
        raise InputError(
            Problem(
                file=f"{notebook}.ipynb",
                message="is not in the notebooks folder",
                expected=f"a notebook {path.name} in {path.parent.name}/",
            )
        )
    return NotebookInfo(notebook, path, _parse_parameters(_parameters_cell(path), path.name))
