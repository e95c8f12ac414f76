"""Shared fixtures: the project root, a notebook runner, and output isolation."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("MPLBACKEND", "agg")


@pytest.fixture(scope="session")
def root() -> Path:
    """The project root."""
    return ROOT


@pytest.fixture(autouse=True)
def _isolated_outputs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Standalone notebook runs write scratch output under a temporary folder, not outputs/."""
    monkeypatch.setenv("ASSURANCE_OUTPUT_ROOT", str(tmp_path_factory.getbasetemp() / "scratch-outputs"))
    monkeypatch.setenv("MPLBACKEND", "agg")


def _run_notebook(name: str, run_dir: Path, *, params_file: str = "parameters/2026-27-Q2.yaml",
                  timeout: int = 600, **params: Any) -> Path:
    """Execute ``notebooks/<name>.ipynb`` with papermill into ``run_dir``; return the executed notebook."""
    import papermill as pm

    run_dir = Path(run_dir)
    out = run_dir / "internal" / "notebooks" / f"{name}.ipynb"
    out.parent.mkdir(parents=True, exist_ok=True)
    pm.execute_notebook(
        str(ROOT / "notebooks" / f"{name}.ipynb"), str(out),
        parameters={"params_file": params_file, "run_dir": str(run_dir), **params},
        kernel_name="python3", cwd=str(ROOT / "notebooks"), progress_bar=False,
        execution_timeout=timeout, log_output=False,
    )
    return out


@pytest.fixture(scope="session")
def run_notebook():
    """``run_notebook(name, run_dir, **params)``: execute a notebook into a pack folder."""
    return _run_notebook
