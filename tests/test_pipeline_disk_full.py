"""A full disk at any point of a run (issue 14): exit 1, one line saying what could not be written,
the partial pack removed, earlier packs and LATEST byte-identical, and the next run works.

The fault is injected by patching one writer of the run to raise ``OSError(ENOSPC)``; the demo
notebook (tests/notebooks/pipeline) stands in for the analyses.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assurance_lib import pipeline
from assurance_lib.pipeline import runner, runs

import pipeline_contracts  # noqa: F401  (registers the demo input contract)
from conftest import DEMO_NOTEBOOKS, write_params


def _full(path: Any = None) -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), None if path is None else str(path))


def _snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (the lock file aside, which is the lock's own business) with its bytes."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


@pytest.fixture(scope="module")
def earlier(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A parameters file and an outputs folder holding one good pack of the period and LATEST."""
    base = tmp_path_factory.mktemp("diskfull")
    params = write_params(base / "p.yaml")
    result = pipeline.run(params, output_root=base / "out", notebooks_dir=DEMO_NOTEBOOKS, quiet=True)
    assert result.code == 0, result.message
    return params, base / "out"


def _papermill_write(monkeypatch: pytest.MonkeyPatch) -> None:
    import papermill as pm

    def execute(_src: str, out: str, **_kw: Any) -> None:  # papermill cannot write the executed notebook
        raise _full(out)

    monkeypatch.setattr(pm, "execute_notebook", execute)


def _kernel_write(monkeypatch: pytest.MonkeyPatch) -> None:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    def execute(*_a: Any, **_kw: Any) -> None:  # the notebook's own write (a table) fails inside the kernel
        raise PapermillExecutionError(
            cell_index=6,
            exec_count=6,
            source="",
            ename="OSError",
            evalue="[Errno 28] No space left on device: 'tables/demo_counts.csv'",
            traceback=[],
        )

    monkeypatch.setattr(pm, "execute_notebook", execute)


def _render(monkeypatch: pytest.MonkeyPatch) -> None:
    def render(_executed: Path, out: Path, **_kw: Any) -> None:
        raise _full(out)

    monkeypatch.setattr(runner, "render_html", render)


def _manifest(monkeypatch: pytest.MonkeyPatch) -> None:
    def write(pack: Path, *_a: Any, **_kw: Any) -> None:
        raise _full(pack / "manifest.json")

    monkeypatch.setattr(runner, "write_manifest", write)


def _move(monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.replace

    def replace(src: Any, dst: Any) -> None:
        if str(src).endswith(".partial"):
            raise _full(dst)
        real(src, dst)

    monkeypatch.setattr(runner.os, "replace", replace)


def _latest(monkeypatch: pytest.MonkeyPatch) -> None:
    def write(path: Path, text: str) -> None:  # half a temporary file written, then the disk is full
        path.with_name(f".{path.name}.tmp").write_text(text[:3])
        raise _full(path.with_name(f".{path.name}.tmp"))

    monkeypatch.setattr(runs, "atomic_write", write)


FAULTS: dict[str, tuple[Callable[[pytest.MonkeyPatch], None], str]] = {
    "papermill writes the executed notebook": (_papermill_write, "the executed notebook 01_demo"),
    "a notebook writes a table": (_kernel_write, "what notebook 01_demo writes (cell 6)"),
    "rendering": (_render, "the notebooks' HTML pages"),
    "the manifest": (_manifest, "the manifest"),
    "moving into place": (_move, "the pack's move into place"),
    "LATEST": (_latest, "LATEST"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_disk_full_leaves_earlier_packs_untouched(
    fault: str, earlier: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    params, out = earlier
    before = _snapshot(out)
    inject, what = FAULTS[fault]
    with monkeypatch.context() as m:
        inject(m)
        result = pipeline.run(params, output_root=out, notebooks_dir=DEMO_NOTEBOOKS, quiet=True)
    err = capsys.readouterr().err
    assert result.code == 1 and result.pack is None
    assert result.message.startswith(f"Disk full: could not write {what}")
    assert "\n" not in result.message
    assert err.strip().splitlines() == [result.message]  # one line, no traceback
    assert _snapshot(out) == before  # earlier pack, LATEST: byte-identical
    period = out / "2026-27-Q2"
    assert not list(period.glob("*.failed")) and not list(period.glob(".*.partial")) and not list(period.glob(".*.tmp"))


def test_the_failure_handler_survives_a_disk_full_while_failing(
    earlier: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A notebook fails, and then the failed run's manifest cannot be written either."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    params, out = earlier
    before = _snapshot(out)

    def execute(*_a: Any, **_kw: Any) -> None:
        raise PapermillExecutionError(
            cell_index=6, exec_count=6, source="", ename="ValueError", evalue="x", traceback=[]
        )

    def write(pack: Path, *_a: Any, **_kw: Any) -> None:
        raise _full(pack / "manifest.json")

    monkeypatch.setattr(pm, "execute_notebook", execute)
    monkeypatch.setattr(runner, "write_manifest", write)
    result = pipeline.run(params, output_root=out, notebooks_dir=DEMO_NOTEBOOKS, quiet=True)
    assert result.code == 1 and result.message.startswith("Disk full: could not write the failed run's manifest")
    assert _snapshot(out) == before


def test_the_next_run_after_a_full_disk_works(earlier: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    params, out = earlier
    with monkeypatch.context() as m:
        _render(m)
        assert pipeline.run(params, output_root=out, notebooks_dir=DEMO_NOTEBOOKS, quiet=True).code == 1
    result = pipeline.run(params, output_root=out, notebooks_dir=DEMO_NOTEBOOKS, quiet=True)
    assert result.code == 0 and result.pack is not None
    assert (out / "2026-27-Q2" / "LATEST").read_text().strip() == result.pack.name
