"""Shared fixtures: the project root, the session's quarterly packs, a notebook runner, output isolation.

The real notebooks run once per session: ``quarterly_packs`` builds the packs of 2026-27 Q1 and
then Q2 with the real pipeline on the bundled synthetic partnership, into one output folder (so
the Q2 report compares with the Q1 pack). Every test of the notebooks, the pack, the report, the
pages and the front page reads those packs; none of them may write into them. Tests that need
other parameters (a failure, a missing input) run the small demo notebook in
``tests/notebooks/pipeline`` (``demo_pack``, ``write_params``).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Property-based tests explore new examples on a developer's machine; under CI (CI=true) they run
# the same examples every time, so that a landing never depends on the draw. A counterexample found
# locally is kept in .hypothesis/ and replayed first.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    _hypothesis_settings.load_profile("ci")
os.environ.setdefault("MPLBACKEND", "agg")
# Kernels started by the tests inherit this: standalone notebook runs write their scratch output to
# a temporary folder rather than outputs/.
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


def _run_notebook(
    name: str, run_dir: Path, *, params_file: str = "parameters/2026-27-Q2.yaml", timeout: int = 600, **params: Any
) -> Path:
    """Execute ``notebooks/<name>.ipynb`` with papermill into ``run_dir``; return the executed notebook."""
    import papermill as pm

    run_dir = Path(run_dir)
    out = run_dir / "internal" / "notebooks" / f"{name}.ipynb"
    out.parent.mkdir(parents=True, exist_ok=True)
    pm.execute_notebook(
        str(ROOT / "notebooks" / f"{name}.ipynb"),
        str(out),
        parameters={"params_file": params_file, "run_dir": str(run_dir), **params},
        kernel_name="python3",
        cwd=str(ROOT / "notebooks"),
        progress_bar=False,
        execution_timeout=timeout,
        log_output=False,
    )
    return out


@pytest.fixture(scope="session")
def run_notebook():
    """``run_notebook(name, run_dir, **params)``: execute a notebook into a pack folder."""
    return _run_notebook


# Running on every core (tools/test.sh: pytest-xdist, ``-n auto --dist loadfile``): each file's
# tests run in one worker (a file's module-scoped fixture, such as a hostile run or a real period's
# run, is built once), and the session's two quarterly packs are built once for all workers
# (``quarterly_packs``: the first worker to need them builds them under a file lock, the others
# read them). The files are ordered so that the build starts first and the files that read the packs
# run last, by then on every worker, while the other worker works through the rest.
PACK_FIXTURES = frozenset({"quarterly_packs", "synthetic_pack", "q1_pack"})


def _file_order(items: list[pytest.Item]) -> list[str]:
    """The test files in the order to run them: one file that reads the packs (it starts their
    build), the files with end-to-end runs (``slow``), the other files, the rest of the files that
    read the packs; each group in collection order."""
    files: dict[str, tuple[bool, bool]] = {}
    for item in items:
        path = item.nodeid.split("::")[0]
        reads, slow = files.get(path, (False, False))
        files[path] = (
            reads or bool(PACK_FIXTURES & set(getattr(item, "fixturenames", ()))),
            slow or item.get_closest_marker("slow") is not None,
        )
    readers = [f for f, (reads, _) in files.items() if reads]
    slow = [f for f, (reads, is_slow) in files.items() if is_slow and not reads]
    rest = [f for f, (reads, is_slow) in files.items() if not reads and not is_slow]
    return readers[:1] + slow + rest + readers[1:]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Order the tests by file as :func:`_file_order` says (a file's own order kept)."""
    rank = {f: i for i, f in enumerate(_file_order(items))}
    items.sort(key=lambda item: rank[item.nodeid.split("::")[0]])  # a stable sort


# The pipeline's own test notebook lives in tests/notebooks/; it is run by the pipeline tests.
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
    from assurance_lib import pipeline

    import pipeline_contracts  # noqa: F401  (registers the demo input contract)

    base = tmp_path_factory.mktemp("demo")
    params = write_params(base / "params.yaml")
    result = pipeline.run(params, output_root=base / "out", notebooks_dir=DEMO_NOTEBOOKS, quiet=True)
    assert result.code == 0, result.message
    assert result.pack is not None
    return result.pack


class QuarterlyPacks(NamedTuple):
    """The session's two packs of the synthetic partnership and the output folder that holds them."""

    q1: Path
    q2: Path
    output_root: Path


def _build_quarterly_packs(out: Path) -> QuarterlyPacks:
    """``assurance run`` for 2026-27 Q1 and then 2026-27 Q2 into ``out``."""
    from assurance_lib import pipeline

    q1 = pipeline.run("parameters/2026-27-Q1.yaml", output_root=out, quiet=True)
    assert q1.code == 0, q1.message
    assert q1.pack is not None
    q2 = pipeline.run("parameters/2026-27-Q2.yaml", output_root=out, quiet=True)
    assert q2.code == 0, q2.message
    assert q2.pack is not None
    return QuarterlyPacks(q1.pack, q2.pack, out)


def _built_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], dict[str, str]]
) -> dict[str, str]:
    """What ``build(folder)`` returns, built once in the test session however many workers need it.

    Without pytest-xdist it is built in a new temporary folder. Under pytest-xdist it is built in
    the folder the workers' temporary folders share, by the first worker that needs it (the others
    wait on the file lock, then read what it wrote in ``<name>/built.json``). A build that failed
    is not reused: each worker that needs it then fails with the build's own message.
    """
    from filelock import FileLock

    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return build(tmp_path_factory.mktemp(name))
    shared = tmp_path_factory.getbasetemp().parent / name  # one per test session, shared by its workers
    shared.mkdir(exist_ok=True)
    with FileLock(str(shared / "build.lock")):
        built = shared / "built.json"
        if built.is_file():
            return json.loads(built.read_text(encoding="utf-8"))
        result = build(shared / "build")
        built.write_text(json.dumps(result), encoding="utf-8")
        return result


@pytest.fixture(scope="session")
def quarterly_packs(tmp_path_factory: pytest.TempPathFactory) -> QuarterlyPacks:
    """``assurance run`` for 2026-27 Q1 and then 2026-27 Q2 into one output folder, built once.

    Each notebook runs on its defaults (``parameters/2026-27-Q2.yaml`` gives every notebook the
    values of its parameters cell); Q1 differs in its period, commentary and feedback files and
    has no practitioner survey. The pipeline writes ``<output root>/2026-27-Q1/LATEST``, which the
    Q2 report reads for "what changed". Read only: a test that wrote here would break the
    manifest checks of the others. Under pytest-xdist the packs are built once for every worker
    (:func:`_built_once`).
    """

    def build(folder: Path) -> dict[str, str]:
        return {k: str(v) for k, v in _build_quarterly_packs(folder / "outputs")._asdict().items()}

    paths = _built_once(tmp_path_factory, "quarterly", build)
    return QuarterlyPacks(Path(paths["q1"]), Path(paths["q2"]), Path(paths["output_root"]))


@pytest.fixture(scope="session")
def first_real_quarter(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A partnership's first real quarter with hostile text in every free-text input, run once.

    ``tests/first_real_quarter.py`` builds it (``assurance run`` in a subprocess) and says what
    it holds; ``test_real_period.py`` and ``test_hostile_inputs.py`` read it. Read only.
    """
    import first_real_quarter as frq

    return _built_once(tmp_path_factory, "first_real_quarter", frq.build)


@pytest.fixture(scope="session")
def synthetic_pack(quarterly_packs: QuarterlyPacks) -> Path:
    """The real quarterly pack of the default period (2026-27 Q2) on the synthetic partnership."""
    return quarterly_packs.q2


@pytest.fixture(scope="session")
def q1_pack(quarterly_packs: QuarterlyPacks) -> Path:
    """The real quarterly pack of 2026-27 Q1 (no earlier pack: its report lists no changes)."""
    return quarterly_packs.q1


def synthetic_params(tmp_path: Path, notebook: str = "01_disproportionality", **values: Any) -> Path:
    """The bundled 2026-27 Q2 parameters with one notebook's values overridden, output under ``tmp_path``."""
    import yaml

    doc = yaml.safe_load((ROOT / "parameters" / "2026-27-Q2.yaml").read_text())
    doc["notebooks"][notebook].update(values)
    doc["output_root"] = str(tmp_path / "out")
    p = tmp_path / "params.yaml"
    p.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return p
