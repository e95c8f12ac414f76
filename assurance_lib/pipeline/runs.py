"""Run ids and the folders of a period: ``LATEST``, retention, and partial packs left by a crash.

A period's folder ``outputs/<slug>/`` holds good packs named by run id (``20261122T044439Z``,
suffixed ``-2`` and on when taken), failed runs (``<run-id>.failed``), the pack being built
(``.<run-id>.partial``, hidden) and ``LATEST``, which names the last good pack. ``LATEST`` is
only ever followed through :func:`assurance_lib.packs.read_latest`, which accepts nothing but a run id naming a
folder directly inside the period's folder.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

from ..packs import RUN_ID_RE, read_latest

__all__ = ["RUN_ID_RE", "new_run_id", "read_latest", "write_latest", "prune", "clean_partials", "atomic_write"]

_PARTIAL_RE = re.compile(r"^\.\d{8}T\d{6}Z(-\d+)?\.partial$")


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed into place."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def new_run_id(period_dir: Path, now: dt.datetime | None = None) -> str:
    """A run id from the UTC time, e.g. ``20261122T044439Z`` (suffixed when taken)."""
    now = now or dt.datetime.now(dt.UTC)
    base = now.strftime("%Y%m%dT%H%M%SZ")
    rid, n = base, 1
    while (
        any((period_dir / f"{rid}{suffix}").exists() for suffix in ("", ".failed", ".partial"))
        or (period_dir / f".{rid}.partial").exists()
    ):
        n += 1
        rid = f"{base}-{n}"
    return rid


def write_latest(period_dir: Path, run_id: str) -> None:
    """Name ``run_id`` as the period's last good pack (atomically)."""
    if not RUN_ID_RE.fullmatch(run_id):
        raise ValueError(f"not a run id: {run_id!r}")
    atomic_write(Path(period_dir) / "LATEST", run_id + "\n")


def prune(period_dir: Path, retention: int) -> list[Path]:
    """Remove good packs beyond the newest ``retention`` (never the one LATEST names) and old failed runs."""
    latest = read_latest(period_dir)
    removed: list[Path] = []
    good = sorted(
        (p for p in period_dir.iterdir() if p.is_dir() and RUN_ID_RE.match(p.name)), key=lambda p: p.name, reverse=True
    )
    for p in good[retention:]:
        if latest is not None and p.resolve() == latest.resolve():
            continue
        shutil.rmtree(p)
        removed.append(p)
    failed = sorted(
        (p for p in period_dir.iterdir() if p.is_dir() and p.name.endswith(".failed")),
        key=lambda p: p.name,
        reverse=True,
    )
    for p in failed[retention:]:
        shutil.rmtree(p)
        removed.append(p)
    return removed


def clean_partials(period_dir: Path) -> list[Path]:
    """Remove the hidden half-built packs (``.<run-id>.partial``) of runs that stopped (a crash, ``kill -9``).

    Call only while holding the period's lock (:class:`~.lock.RunLock`): then no other run is
    building a pack in ``period_dir``, so every partial pack there is a left-over.
    """
    removed: list[Path] = []
    if not Path(period_dir).is_dir():
        return removed
    for p in sorted(Path(period_dir).iterdir()):
        if _PARTIAL_RE.match(p.name) and p.is_dir() and not p.is_symlink():
            shutil.rmtree(p)
            removed.append(p)
    return removed
