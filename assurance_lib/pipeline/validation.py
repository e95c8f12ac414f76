"""Validation before any notebook runs: the parameters and every input any notebook will read."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import periods
from ..config import RunConfig, load_params, project_root, resolve_params, resolve_path
from ..errors import InputError, Problem
from ..nbparams import COMMON_PARAMETERS, NotebookInfo, discover_notebooks
from ..provenance import sha256_file
from ..run_inputs import collect_identifiers, notebook_values

__all__ = ["Validation", "validate"]


@dataclass
class Validation:
    """What validation found: the config, the inputs read, the identifier values to guard, and the
    gaps (optional inputs given with no rows: the analyses treat them as not given)."""

    config: RunConfig
    notebooks: list[NotebookInfo]
    inputs: list[dict[str, Any]] = field(default_factory=list)
    identifier_values: dict[str, set[str]] = field(default_factory=dict)
    currency_notes: list[str] = field(default_factory=list)
    notebook_values: dict[str, dict[str, Any]] = field(default_factory=dict)
    gaps: list[str] = field(default_factory=list)


def validate(
    params_path: str | os.PathLike[str] | None,
    *,
    notebooks_dir: Path | None = None,
    output_root: str | os.PathLike[str] | None = None,
) -> Validation:
    """Check the parameters and every input any notebook will read; raise :class:`InputError` listing all problems.

    An input given with no rows (a header alone) is a problem when the notebook needs it (its
    contract is not optional, or it is one of a group of alternatives such as the journey events
    and the aggregate): a pack built on it would report zero children. An optional input with no
    rows is recorded in :attr:`Validation.gaps`; the analysis treats it as not given.
    """
    from .. import readers

    root = project_root()
    notebooks = discover_notebooks(notebooks_dir)
    types = {nb.name: {p.name: p.types for p in nb.parameters if p.name not in COMMON_PARAMETERS} for nb in notebooks}
    cfg = load_params(params_path, root=root, notebook_params=types, output_root=output_root)
    problems: list[Problem | str] = []
    val = Validation(cfg, notebooks)
    val.notebook_values = {nb.name: notebook_values(cfg, nb) for nb in notebooks}
    problems += periods.real_period_problems(cfg, notebooks, readers.contracts(), val.notebook_values)
    names = {nb.name for nb in notebooks}
    for c in readers.contracts():
        if c.notebook not in names:
            continue
        nb = next(n for n in notebooks if n.name == c.notebook)
        raw = notebook_values(cfg, nb).get(c.parameter)
        if nb.param(c.parameter) is None:
            problems.append(
                Problem(
                    file=f"notebooks/{nb.name}.ipynb",
                    key=c.parameter,
                    message=f"is read by input contract '{c.name}' but is not in the parameters cell",
                )
            )
            continue
        if not raw:
            if not c.optional:
                problems.append(
                    Problem(
                        file=readers.display_path(cfg.params_file),
                        key=f"notebooks.{nb.name}.{c.parameter}",
                        message="is empty",
                        expected=f"the path of the {c.description or c.name}",
                    )
                )
            continue
        path = resolve_path(str(raw), root)
        if not path.is_file():
            problems.append(
                Problem(
                    file=readers.display_path(cfg.params_file),
                    key=f"notebooks.{nb.name}.{c.parameter}",
                    value=str(raw),
                    expected="an existing file (relative paths start at the project root)",
                )
            )
            continue
        params = resolve_params(notebook_values(cfg, nb), root)
        try:
            frame = c.read(path, params)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        rows = int(len(frame)) if hasattr(frame, "__len__") else None
        if rows == 0:
            if not c.optional or c.one_of:
                problems.append(
                    Problem(
                        file=readers.display_path(path),
                        message="has no rows",
                        expected=f"at least one row of the {c.description or c.name} "
                        "(a header alone gives no figures for the period)",
                    )
                )
                continue
            val.gaps.append(
                f"{readers.display_path(path)} ({c.description or c.name}) has no rows: "
                f"notebook {c.notebook} treats it as not given and reports the gap"
            )
        val.inputs.append(
            {
                "contract": c.name,
                "notebook": c.notebook,
                "parameter": c.parameter,
                "path": readers.display_path(path),
                "rows": rows,
                "sha256": sha256_file(path),
            }
        )
        dates = periods.date_range(c.name, frame)
        if dates:
            val.inputs[-1].update(first_date=dates[0], last_date=dates[1])
        collect_identifiers(c, frame, val.identifier_values)
    problems += _alternatives_missing(cfg, notebooks, readers.contracts())
    problems += _parameter_problems(cfg, notebooks)
    stale, val.currency_notes = periods.currency(cfg, val.inputs)
    problems += stale
    if problems:
        raise InputError(problems)
    return val


def _parameter_problems(cfg: RunConfig, notebooks: list[NotebookInfo]) -> list[Problem]:
    """A problem for every notebook parameter value its analysis's registered check rejects."""
    from .. import readers

    out: list[Problem] = []
    for nb in notebooks:
        values = notebook_values(cfg, nb)
        for check in readers.parameter_checks(nb.name):
            for name, value, expected in check(values):
                out.append(
                    Problem(
                        file=readers.display_path(cfg.params_file),
                        key=f"notebooks.{nb.name}.{name}",
                        value=value,
                        expected=expected,
                    )
                )
    return out


def _alternatives_missing(cfg: RunConfig, notebooks: list[NotebookInfo], contracts: list[Any]) -> list[Problem]:
    """A problem for every group of alternative inputs (``InputContract.one_of``) with none given."""
    from .. import readers

    out: list[Problem] = []
    groups: dict[tuple[str, str], list[Any]] = {}
    for c in contracts:
        if c.one_of:
            groups.setdefault((c.notebook, c.one_of), []).append(c)
    for (nb_name, _), members in groups.items():
        nb = next((n for n in notebooks if n.name == nb_name), None)
        if nb is None:
            continue
        values = notebook_values(cfg, nb)
        if not any(values.get(c.parameter) for c in members):
            names = " or ".join(c.parameter for c in members)
            out.append(
                Problem(
                    file=readers.display_path(cfg.params_file),
                    key=f"notebooks.{nb_name}",
                    message=f"gives none of {names}",
                    expected="at least one of: "
                    + "; ".join(f"{c.parameter} ({c.description or c.name})" for c in members),
                )
            )
    return out
