"""The "Provenance" section every notebook ends with."""

from __future__ import annotations

import hashlib
import platform
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from . import __version__

__all__ = ["sha256_file", "provenance"]


def sha256_file(path: Path | str, chunk: int = 1 << 20) -> str:
    """SHA-256 of a file's bytes, in hex."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk), b""):
            h.update(block)
    return h.hexdigest()


def provenance(ctx: Any) -> pd.DataFrame:
    """A table of what this notebook ran on: parameters file, inputs with SHA-256, versions.

    The full record (every package version, git commit, outputs) is the pack's manifest.json.
    """
    from .readers import display_path

    rows: list[dict[str, str]] = [
        {"item": "Partnership", "value": ctx.config.partnership},
        {"item": "Period", "value": f"{ctx.config.period.label} ({ctx.config.period.start:%d %B %Y} to {ctx.config.period.end:%d %B %Y})"},
        {"item": "Parameters file", "value": f"{display_path(ctx.config.params_file)} (sha256 {sha256_file(ctx.config.params_file)[:16]}...)"},
        {"item": "assurance_lib version", "value": __version__},
        {"item": "Python", "value": f"{platform.python_version()} ({sys.platform})"},
        {"item": "pandas", "value": pd.__version__},
    ]
    for key, value in sorted(ctx.params.items()):
        if isinstance(value, str) and value and Path(value).is_file():
            rows.append({"item": f"Input {key}", "value": f"{display_path(value)} (sha256 {sha256_file(value)[:16]}...)"})
        elif key not in ("params_file", "run_dir"):
            rows.append({"item": f"Parameter {key}", "value": str(value)})
    return pd.DataFrame(rows)
