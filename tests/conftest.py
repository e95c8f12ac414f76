"""Shared fixtures: the project root, a notebook runner, and output isolation."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("MPLBACKEND", "agg")
# Kernels started by nbval inherit this: standalone notebook runs write their scratch output to a
# temporary folder rather than outputs/.
os.environ.setdefault("ASSURANCE_OUTPUT_ROOT", tempfile.mkdtemp(prefix="assurance-test-outputs-"))


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


# The pipeline's own test notebook lives in tests/notebooks/; it is run by the pipeline tests,
# not collected by nbval.
collect_ignore_glob = ["notebooks/*"]

DEMO_NOTEBOOKS = ROOT / "tests" / "notebooks" / "pipeline"


def write_params(path: Path, **overrides: Any) -> Path:
    """Write a small parameters file for the demo notebook (period 2026-27 Q2 unless overridden)."""
    import yaml

    doc: dict[str, Any] = {"partnership": "Demo Partnership", "period": "2026-27 Q2", "retention": 3}
    doc.update(overrides)
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def demo_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pack built by the pipeline from the demo notebook (session-wide, built once)."""
    import pipeline_contracts  # noqa: F401  (registers the demo input contract)
    from assurance_lib import pipeline

    base = tmp_path_factory.mktemp("demo")
    params = write_params(base / "params.yaml")
    result = pipeline.run(params, output_root=base / "out", notebooks_dir=DEMO_NOTEBOOKS, quiet=True)
    assert result.code == 0, result.message
    assert result.pack is not None
    return result.pack


@pytest.fixture(scope="session")
def synthetic_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real quarterly pack on the bundled synthetic partnership (default period), built once."""
    from assurance_lib import pipeline

    out = tmp_path_factory.mktemp("synthetic") / "out"
    result = pipeline.run(None, output_root=out, quiet=True)
    assert result.code == 0, result.message
    assert result.pack is not None
    return result.pack


def synthetic_params(tmp_path: Path, notebook: str = "01_disproportionality", **values: Any) -> Path:
    """The bundled 2026-27 Q2 parameters with one notebook's values overridden, output under ``tmp_path``."""
    import yaml

    doc = yaml.safe_load((ROOT / "parameters" / "2026-27-Q2.yaml").read_text())
    doc["notebooks"][notebook].update(values)
    doc["output_root"] = str(tmp_path / "out")
    p = tmp_path / "params.yaml"
    p.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return p

