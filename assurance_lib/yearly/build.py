"""``run_year()``: the yearly pack, built in a hidden folder and moved into place when every check passed.

Reuses the quarterly pipeline's pieces: the period's lock (:class:`~assurance_lib.pipeline.lock.RunLock`),
run ids, partial folders and ``LATEST`` (:mod:`assurance_lib.pipeline.runs`), the logs, the
workbook writer, the recoverability audit and the identifier guard.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pandas as pd

from .. import __version__, disclosure
from ..config import DisclosureConfig, project_root
from ..errors import EXIT_BAD_INPUT, EXIT_NOTEBOOK_FAILED, EXIT_OK, EXIT_REFUSED, PublicationRefused
from ..pipeline.lock import RunLock, RunLocked
from ..pipeline.logs import drop_logging, log, setup_logging
from ..pipeline.runs import atomic_write, clean_partials, new_run_id, write_latest
from ..provenance import sha256_file
from ..safe_text import neutralise_frame
from ..tables import TableSpec
from .compute import NOT_SUMMED, roll_up
from .inputs import QuarterPack, find_quarters, parse_year
from .present import appendix_html, page, summary_facts, summary_html, summary_markdown

__all__ = ["YEAR_SUFFIX", "YearResult", "run_year"]

YEAR_SUFFIX = "year"
"""The yearly pack's folder is ``outputs/<year>-year/`` (e.g. ``2026-27-year``)."""


@dataclass
class YearResult:
    """What a yearly run did: exit code, the pack (or failed folder), a message, the quarters read."""

    code: int
    pack: Path | None = None
    message: str = ""
    quarters: list[QuarterPack] | None = None


def _disclosure_config(quarters: list[QuarterPack]) -> DisclosureConfig:
    """The disclosure settings of the last quarter read (the yearly pack shows its values)."""
    settings = {}
    for q in quarters:
        if q.read:
            settings = dict(((q.manifest.get("disclosure") or {}).get("settings")) or {})
    known = {f.name for f in fields(DisclosureConfig)}
    return DisclosureConfig(**{k: v for k, v in settings.items() if k in known})


def run_year(year: str, *, output_root: str | os.PathLike[str] | None = None, quiet: bool = False) -> YearResult:
    """Build the yearly pack of ``year`` (e.g. ``2026-27``) from the quarterly packs under ``output_root``.

    Returns
    -------
    YearResult
        ``code`` 0 when the pack is in place and ``LATEST`` names it; 2 for a bad year, no quarter
        pack, quarters of different partnerships or another run holding the lock (nothing created);
        3 when the disclosure audit or the identifier guard refuses publication; 1 for any other
        failure. A failed run keeps its folder as ``<run-id>.failed``; earlier packs are untouched.
    """
    console = setup_logging(None, quiet)
    try:
        try:
            year = parse_year(year)
        except ValueError as exc:
            log.error(str(exc))
            return YearResult(EXIT_BAD_INPUT, message=str(exc))
        root = Path(output_root) if output_root is not None else project_root() / "outputs"
        quarters = find_quarters(root, year)
        read = [q for q in quarters if q.read]
        if not read:
            msg = f"No good quarterly pack of {year} in {root}: run the quarters first (assurance run)."
            log.error(msg)
            return YearResult(EXIT_BAD_INPUT, message=msg, quarters=quarters)
        names = {str(q.manifest.get("partnership", "")) for q in read}
        if len(names) != 1:
            msg = f"The quarterly packs of {year} are of different partnerships ({', '.join(sorted(names))})."
            log.error(msg)
            return YearResult(EXIT_BAD_INPUT, message=msg, quarters=quarters)
        period_dir = root / f"{year}-{YEAR_SUFFIX}"
        try:
            with RunLock(period_dir / ".lock"):
                return _build(year, names.pop(), quarters, period_dir, quiet)
        except RunLocked as exc:
            log.error(f"Not run: {exc}")
            return YearResult(EXIT_BAD_INPUT, message=str(exc), quarters=quarters)
    finally:
        drop_logging(console)


@dataclass
class _YearRun:
    """One yearly run, built in the hidden folder ``work`` (``.<run-id>.partial``)."""

    year: str
    partnership: str
    quarters: list[QuarterPack]
    period_dir: Path
    run_id: str
    work: Path
    started: dt.datetime
    handlers: list[logging.Handler] = field(default_factory=list)
    audit: dict[str, Any] = field(default_factory=dict)
    gaps: list[str] = field(default_factory=list)

    def manifest(self, status: str, *, finished: dt.datetime | None = None, failure: str | None = None) -> None:
        """Write ``manifest.json`` into the folder being built."""
        _write_manifest(self, status, finished=finished, failure=failure)

    def fail(self, code: int, message: str) -> YearResult:
        """Keep the folder as ``<run-id>.failed`` with a manifest saying why; earlier packs are untouched."""
        log.error(message)
        drop_logging(self.handlers)
        self.manifest("failed", failure=message)
        failed = self.period_dir / f"{self.run_id}.failed"
        os.replace(self.work, failed)
        print(f"The yearly run failed; its folder is kept as {failed}. Earlier packs are untouched.", file=sys.stderr)
        return YearResult(code, failed, message, self.quarters)


def _build(year: str, partnership: str, quarters: list[QuarterPack], period_dir: Path, quiet: bool) -> YearResult:
    """The yearly run, holding the lock of ``outputs/<year>-year/``."""
    started = dt.datetime.now(dt.UTC)
    clean_partials(period_dir)
    run_id = new_run_id(period_dir)
    work = period_dir / f".{run_id}.partial"
    (work / "internal").mkdir(parents=True)
    (work / "shareable" / "tables").mkdir(parents=True)
    r = _YearRun(year, partnership, quarters, period_dir, run_id, work, started)
    r.handlers = setup_logging(work / "run.log", quiet=True)
    try:
        read = [q for q in quarters if q.read]
        log.info(f"Yearly pack for {partnership}, {year} (run {run_id}, assurance_lib {__version__})")
        for q in quarters:
            log.info(f"  {q.period}: " + (f"read pack {q.run_id}" if q.read else f"missing ({q.why_missing})"))
        if len(read) < len(quarters):
            log.info(f"This roll-up is from {len(read)} of {len(quarters)} quarters: it is not a full year.")
        config = _disclosure_config(quarters)
        rollup = roll_up(quarters)
        r.gaps = rollup.gaps
        _write_tables(work, rollup.tables)
        r.audit = disclosure.audit_pack(work / "shareable", config)
        from ..workbook import build_workbook

        build_workbook(work, partnership=partnership, period_label=f"{year} (year)", config=config)
        facts = summary_facts(year, partnership, quarters, {s.name: d for d, s in rollup.tables}, rollup.gaps)
        share = work / "shareable"
        atomic_write(
            share / "data_appendix.html", appendix_html(year, partnership, quarters, rollup.tables, rollup.gaps)
        )
        atomic_write(share / "children_summary.html", summary_html(facts))
        (share / "text").mkdir(exist_ok=True)
        atomic_write(share / "text" / "children_summary.md", summary_markdown(facts))
        atomic_write(share / "index.html", _index(year, partnership, quarters, rollup.tables))
        atomic_write(work / "internal" / "gaps.txt", "".join(f"{g}\n" for g in rollup.gaps) or "none\n")
        for g in rollup.gaps:
            log.info(f"Gap: {g}")
        r.manifest("ok")
        hits = [str(h) for h in disclosure.scan_pack(work)]
        if hits:
            raise PublicationRefused("the identifier guard found:\n" + "\n".join(f"  - {h}" for h in hits))
        finished = dt.datetime.now(dt.UTC)
        log.info(f"Yearly pack complete in {(finished - started).total_seconds():.1f} s (run {run_id}).")
        drop_logging(r.handlers)
        r.manifest("ok", finished=finished)
        final = period_dir / run_id
        os.replace(work, final)
        write_latest(period_dir, run_id)
        if not quiet:
            print(f"Open the yearly pack in a browser: {final / 'shareable' / 'index.html'}")
        return YearResult(EXIT_OK, final, "ok", quarters)
    except PublicationRefused as exc:
        disclosure.guard.withdraw_shareable(work)
        return r.fail(EXIT_REFUSED, f"Publication refused: {exc}")
    except Exception as exc:  # any other failure: keep the folder as .failed, never touch earlier packs
        return r.fail(EXIT_NOTEBOOK_FAILED, f"The yearly run failed: {type(exc).__name__}: {exc}")


def _write_tables(work: Path, tables: Sequence[tuple[pd.DataFrame, TableSpec]]) -> None:
    """Each roll-up table to ``shareable/tables/<name>.csv`` (formula-safe) and its declaration to ``index.json``."""
    tdir = work / "shareable" / "tables"
    entries = []
    for df, spec in tables:
        frame = neutralise_frame(pd.DataFrame(df))
        tmp = tdir / f".{spec.name}.csv.tmp"
        frame.to_csv(tmp, index=False)
        os.replace(tmp, tdir / f"{spec.name}.csv")
        entries.append(spec.declaration())
    doc = {"tables": sorted(entries, key=lambda e: e["name"])}
    atomic_write(tdir / "index.json", json.dumps(doc, indent=2, default=str) + "\n")


def _index(
    year: str, partnership: str, quarters: list[QuarterPack], tables: Sequence[tuple[pd.DataFrame, TableSpec]]
) -> str:
    from ..safe_text import escape_text

    read = [q.quarter for q in quarters if q.read]
    links = [
        ("data_appendix.html", "Data appendix of the yearly report: each quarter's figures side by side"),
        ("children_summary.html", "Our year: a summary for children and families"),
        ("text/children_summary.md", "The summary for children and families as text (Markdown)"),
        ("tables/assurance_tables.xlsx", "All tables in one accessible Excel workbook"),
        *[(f"tables/{s.name}.csv", f"{s.title} (CSV)") for _, s in tables],
    ]
    body = [
        f"<h1>{escape_text(partnership)}: yearly pack {escape_text(year)}</h1>",
        f"<p>Built from the quarterly packs of {escape_text(', '.join(read))}"
        + ("" if len(read) == 4 else f": {len(read)} of 4 quarters, not a full year")
        + ".</p>",
        "<ul>" + "".join(f'<li><a href="{escape_text(h)}">{escape_text(t)}</a></li>' for h, t in links) + "</ul>",
    ]
    return page(f"{partnership}: yearly pack {year}", "\n".join(body))


def _write_manifest(
    r: _YearRun, status: str, *, finished: dt.datetime | None = None, failure: str | None = None
) -> None:
    """``manifest.json``: the quarter packs read (run ids and manifest hashes), gaps, tables, audit, outputs."""
    from ..pipeline.manifest import _git_commit, _packages

    work, quarters, year = r.work, r.quarters, r.year
    index = work / "shareable" / "tables" / "index.json"
    doc = {
        "schema": "assurance-year-manifest/1",
        "run_id": r.run_id,
        "status": status,
        "failure": failure,
        "partnership": r.partnership,
        "period": f"{year} year",
        "period_slug": f"{year}-{YEAR_SUFFIX}",
        "version": __version__,
        "started": r.started.isoformat(timespec="seconds"),
        "finished": (finished or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        "git": _git_commit(project_root()),
        "quarters": [
            {
                "quarter": q.quarter,
                "period": q.period,
                "status": "read" if q.read else "missing",
                "why_missing": q.why_missing or None,
                "run_id": q.run_id or None,
                "manifest_sha256": q.manifest_sha256 or None,
            }
            for q in quarters
        ],
        "full_year": all(q.read for q in quarters),
        "gaps": list(r.gaps),
        "not_summed": NOT_SUMMED,
        "tables": json.loads(index.read_text(encoding="utf-8")).get("tables", []) if index.is_file() else [],
        "disclosure": {"pack_audit": dict(r.audit)},
        "packages": _packages(),
        "hash_algorithm": "sha256",
        "outputs": [
            {"path": p.relative_to(work).as_posix(), "sha256": sha256_file(p), "bytes": p.stat().st_size}
            for p in sorted(work.rglob("*"))
            if p.is_file() and p.name != "manifest.json"
        ],
    }
    atomic_write(work / "manifest.json", json.dumps(doc, indent=2, default=str) + "\n")
