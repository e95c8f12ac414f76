"""The "Provenance" section every notebook ends with."""

from __future__ import annotations

import hashlib
import platform
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from . import __version__

__all__ = ["sha256_file", "provenance", "provenance_table"]


def sha256_file(path: Path | str, chunk: int = 1 << 20) -> str:
    """SHA-256 of a file's bytes, in hex."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk), b""):
            h.update(block)
    return h.hexdigest()


def _shown(path: Path | str) -> str:
    """A path for a shareable page: relative to the project root when inside it, else only the file name
    (an absolute path names someone's machine and folders; the manifest keeps the full detail)."""
    from .readers import display_path

    shown = display_path(path)
    return Path(shown).name if Path(shown).is_absolute() else shown


def provenance_table(ctx: Any) -> pd.DataFrame:
    """What this notebook ran on, one row per item: parameters file, inputs with SHA-256, versions.

    The SHA-256 digests are given in full, so that each can be matched with the pack's
    ``manifest.json`` (which also holds every package version, the git commit and the outputs).
    An empty input path is an input not given (``(none)``).
    """

    rows: list[dict[str, str]] = [
        {"item": "Partnership", "value": ctx.config.partnership},
        {
            "item": "Period",
            "value": f"{ctx.config.period.label} ({ctx.config.period.start:%d %B %Y} to {ctx.config.period.end:%d %B %Y})",
        },
        {"item": "Notebook", "value": f"{ctx.notebook}.ipynb"},
        {
            "item": "Parameters file",
            "value": f"{_shown(ctx.config.params_file)} (sha256 {sha256_file(ctx.config.params_file)})",
        },
        {"item": "assurance_lib version", "value": __version__},
        {"item": "Python", "value": f"{platform.python_version()} ({sys.platform})"},
        {"item": "pandas", "value": pd.__version__},
    ]
    for key, value in sorted(ctx.params.items()):
        if isinstance(value, str) and value and Path(value).is_file():
            rows.append({"item": f"Input {key}", "value": f"{_shown(value)} (sha256 {sha256_file(value)})"})
        elif key.endswith(("_path", "_file", "_dir")) and not value and key not in ("params_file", "run_dir"):
            rows.append({"item": f"Input {key}", "value": "(none)"})
        elif key not in ("params_file", "run_dir"):
            rows.append({"item": f"Parameter {key}", "value": str(value)})
    return pd.DataFrame(rows)


def provenance(ctx: Any) -> Any:
    """The "Provenance" table for display (see :func:`provenance_table`), captioned, in full."""
    from .display import styled

    return styled(
        provenance_table(ctx),
        f"Provenance of {ctx.notebook}: inputs, parameters and versions "
        "(every file and package version is also in the pack's manifest.json)",
        labels={"item": "Item", "value": "Value"},
        uid="provenance",
    )
