"""``run()``: the quarterly run, as named steps (see the package docstring for what it promises)."""

from __future__ import annotations

import datetime as dt
import errno
import logging
import os
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..config import RunConfig
from ..errors import EXIT_BAD_INPUT, EXIT_NOTEBOOK_FAILED, EXIT_OK, EXIT_REFUSED, InputError, PublicationRefused
from ..nbparams import NotebookInfo
from .kernels import ipc_kernel_config
from .lock import RunLock, RunLocked
from .logs import drop_logging, log, setup_logging
from .manifest import manifest, rel, write_manifest, write_run_inputs
from .render import html_exporter, render_html
from .runs import clean_partials, new_run_id, prune, write_latest
from .scan import identifier_set, safe_text
from .validation import Validation, validate

__all__ = ["RunResult", "run"]


@dataclass
class RunResult:
    """What a run did."""

    code: int
    pack: Path | None = None
    message: str = ""


def run(
    params_path: str | os.PathLike[str] | None = None,
    *,
    output_root: str | os.PathLike[str] | None = None,
    notebooks_dir: Path | None = None,
    quiet: bool = False,
    progress_bar: bool | None = None,
) -> RunResult:
    """Run the quarterly pack. See the package docstring for what happens and the exit codes."""
    started = dt.datetime.now(dt.UTC)
    handlers = setup_logging(None, quiet)
    try:
        try:
            val = validate(params_path, notebooks_dir=notebooks_dir, output_root=output_root)
        except InputError as exc:
            log.error(exc.render(limit=200))
            log.error("Nothing was run: fix the problems above and run again.")
            return RunResult(EXIT_BAD_INPUT, message=exc.render())
        cfg = val.config
        period_dir = cfg.output_root / cfg.period.slug
        try:
            with RunLock(period_dir / ".lock"):
                return _run_locked(val, period_dir, started, handlers, quiet, progress_bar)
        except RunLocked as exc:
            log.error(f"Not run: {exc}")
            return RunResult(EXIT_BAD_INPUT, message=str(exc))
    finally:
        drop_logging(handlers)


def _run_locked(
    val: Validation,
    period_dir: Path,
    started: dt.datetime,
    handlers: list[logging.Handler],
    quiet: bool,
    progress_bar: bool | None,
) -> RunResult:
    """The run, holding the period's lock. A step that cannot go on raises :class:`_Failed`."""
    r = _Run(val, period_dir, started, quiet=quiet, progress_bar=progress_bar)
    notebooks_dir = val.notebooks[0].path.parent if val.notebooks else val.config.root / "notebooks"
    with _notebook_environment(val.config, notebooks_dir):
        try:
            r.start(handlers)
            r.execute_notebooks()
            r.render_pages()
            t0 = time.perf_counter()
            r.build_workbook()
            audit = r.audit_disclosure()
            r.build_front_page(audit)
            r.check_identifiers(audit)
            log.info(f"  {'workbook, index, guards':<28} ok   {time.perf_counter() - t0:6.1f} s")
            return r.publish(audit)
        except _Failed as exc:
            return r.fail(exc.code, exc.message)
        except PublicationRefused as exc:
            return r.fail(EXIT_REFUSED, f"Publication refused: {exc}")
        except _DiskFull as exc:
            return r.disk_full(exc.what)
        except OSError as exc:
            if not is_disk_full(exc):
                raise
            return r.disk_full(r.writing(exc))


class _Failed(Exception):
    """A step of the run cannot go on: end with ``code`` and ``message``."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class _DiskFull(Exception):
    """The disk (or the user's quota) is full: ``what`` could not be written."""

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
_DISK_FULL_TEXT = ("No space left on device", "Disk quota exceeded", "[Errno 28]", "[Errno 122]")


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` says the disk (or the quota) is full."""
    return isinstance(exc, OSError) and exc.errno in _DISK_FULL


_NOTEBOOK_ENVIRONMENT = (
    "MPLBACKEND",
    "ASSURANCE_OUTPUT_ROOT",
    "ASSURANCE_ROOT",
    "ASSURANCE_NOTEBOOKS",
    "PYTHONHASHSEED",
)


@contextmanager
def _notebook_environment(cfg: RunConfig, notebooks_dir: Path) -> Iterator[None]:
    """The environment the notebook kernels inherit (restored afterwards); ``ASSURANCE_NOTEBOOKS`` lets
    ``setup`` read the parameters cell of the notebook being run, wherever the run takes it from."""
    before = {k: os.environ.get(k) for k in _NOTEBOOK_ENVIRONMENT}
    os.environ.update(
        {
            "MPLBACKEND": "agg",
            "ASSURANCE_OUTPUT_ROOT": str(cfg.output_root),
            "ASSURANCE_ROOT": str(cfg.root),
            "ASSURANCE_NOTEBOOKS": str(notebooks_dir),
            "PYTHONHASHSEED": "0",
        }
    )
    try:
        yield
    finally:
        for k, v in before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class _Run:
    """One run of a period's pack, built in the hidden folder ``.<run-id>.partial``.

    The steps, in order: :meth:`start`, :meth:`execute_notebooks`, :meth:`render_pages`,
    :meth:`build_workbook`, :meth:`audit_disclosure`, :meth:`build_front_page`,
    :meth:`check_identifiers`, :meth:`publish`; or :meth:`fail` when a step raises
    :class:`_Failed`.
    """

    def __init__(
        self, val: Validation, period_dir: Path, started: dt.datetime, *, quiet: bool, progress_bar: bool | None
    ):
        self.val = val
        self.cfg = val.config
        self.period_dir = period_dir
        self.started = started
        self.quiet = quiet
        self.show_bar = progress_bar if progress_bar is not None else (sys.stderr.isatty() and not quiet)
        self.run_id = ""
        self.work = period_dir
        self.file_handlers: list[logging.Handler] = []
        self.nb_records: list[dict[str, Any]] = []
        self.step = "the pack's folder"
        self.final: Path | None = None

    # ------------------------------------------------------------------ steps
    def start(self, handlers: list[logging.Handler]) -> None:
        """Remove partial packs left by runs that stopped, choose the run id, make the hidden folder, open run.log."""
        left_over = clean_partials(self.period_dir)
        self.run_id = new_run_id(self.period_dir)
        self.step = "the pack's folder and run log"
        self.work = self.period_dir / f".{self.run_id}.partial"
        (self.work / "internal" / "notebooks").mkdir(parents=True)
        (self.work / "shareable" / "tables").mkdir(parents=True)
        self.file_handlers = setup_logging(self.work / "run.log", quiet=True)
        handlers.extend(self.file_handlers)
        log.info(
            f"Assurance pack for {self.cfg.partnership}, {self.cfg.period.label} (run {self.run_id}, "
            f"assurance_lib {__version__})"
        )
        log.info(f"Parameters: {rel(self.cfg.params_file, self.cfg.root)}; inputs checked: {len(self.val.inputs)}")
        for note in self.val.currency_notes:
            log.info(f"Data currency: {note}")
        from ..periods import RUN_INPUTS_FILE

        write_run_inputs(self.work / RUN_INPUTS_FILE, self.val)
        for gap in self.val.gaps:
            log.info(f"Gap: {gap}")
        if left_over:
            log.info(
                f"Removed {len(left_over)} partial pack(s) left by a run that stopped: "
                + ", ".join(p.name for p in left_over)
            )

    def execute_notebooks(self) -> None:
        """Execute every notebook with papermill into ``internal/notebooks/``, in run order."""
        for nb in self.val.notebooks:
            self._execute(nb)

    def render_pages(self) -> None:
        """Render each executed notebook for the analyst (``internal/html``) and the scrutineer (``shareable``)."""
        t0 = time.perf_counter()
        self.step = "the notebooks' HTML pages"
        internal, shareable = html_exporter("internal"), html_exporter("shareable")
        for nb in self.val.notebooks:
            executed = self.work / "internal" / "notebooks" / f"{nb.name}.ipynb"
            analyst, scrutineer = (
                self.work / "internal" / "html" / f"{nb.name}.html",
                self.work / "shareable" / f"{nb.name}.html",
            )
            render_html(executed, analyst, audience="internal", exporter=internal)
            render_html(executed, scrutineer, audience="shareable", exporter=shareable)
        log.info(f"  {'rendered HTML':<28} ok   {time.perf_counter() - t0:6.1f} s")

    def build_workbook(self) -> None:
        """The accessible Excel workbook of every published table (when any table was published)."""
        from ..workbook import build_workbook

        self.step = "the workbook"
        if (self.work / "shareable" / "tables" / "index.json").is_file():
            build_workbook(
                self.work,
                partnership=self.cfg.partnership,
                period_label=self.cfg.period.label,
                config=self.cfg.disclosure,
            )

    def audit_disclosure(self) -> dict[str, Any]:
        """The recoverability audit over every published table of the pack."""
        from .. import disclosure

        try:
            return disclosure.audit_pack(self.work / "shareable", self.cfg.disclosure)
        except PublicationRefused as exc:
            raise _Failed(EXIT_REFUSED, f"Publication refused by the disclosure audit: {exc}") from None

    def build_front_page(self, audit: dict[str, Any]) -> None:
        """``shareable/index.html``, from a draft of the manifest."""
        from ..frontpage import build_index

        self.step = "the front page"
        draft = manifest(self.work, self.val, self.run_id, self.started, self.nb_records, status="ok", audit=audit)
        build_index(self.work, draft)

    def check_identifiers(self, audit: dict[str, Any]) -> None:
        """The identifier guard over every file of the pack, the manifest included (written first)."""
        from .. import disclosure

        self.step = "the manifest"
        write_manifest(self.work, self.val, self.run_id, self.started, self.nb_records, status="ok", audit=audit)
        hits = [str(h) for h in disclosure.scan_pack(self.work, identifier_set(self.val))]
        if hits:
            raise _Failed(
                EXIT_REFUSED, "Publication refused by the identifier guard:\n" + "\n".join(f"  - {h}" for h in hits)
            )

    def publish(self, audit: dict[str, Any]) -> RunResult:
        """Write the manifest, move the pack into place, name it in ``LATEST``, apply retention."""
        finished = dt.datetime.now(dt.UTC)
        log.info(f"Pack complete in {(finished - self.started).total_seconds():.1f} s (run {self.run_id}).")
        drop_logging(self.file_handlers)
        self.step = "the manifest"
        write_manifest(
            self.work, self.val, self.run_id, self.started, self.nb_records, status="ok", audit=audit, finished=finished
        )
        final = self.period_dir / self.run_id
        self.step = "the pack's move into place"
        os.replace(self.work, final)
        self.final = final
        self.step = "LATEST"
        write_latest(self.period_dir, self.run_id)
        self.final = None
        self.step = "retention"
        removed = prune(self.period_dir, self.cfg.retention)
        if removed and not self.quiet:
            print(f"Removed {len(removed)} old pack(s) beyond the retention of {self.cfg.retention}.")
        if not self.quiet:
            print(f"Open the pack in a browser: {final / 'shareable' / 'index.html'}")
        return RunResult(EXIT_OK, final, "ok")

    def fail(self, code: int, message: str) -> RunResult:
        """Keep the folder as ``<run-id>.failed`` with a manifest saying why; earlier packs are untouched."""
        failed = self.period_dir / f"{self.run_id}.failed"
        log.error(message)
        if code == EXIT_REFUSED:
            from .. import disclosure

            disclosure.guard.withdraw_shareable(self.work)  # a refused run keeps no shareable copy of the text
        try:
            write_manifest(
                self.work, self.val, self.run_id, self.started, self.nb_records, status="failed", failure=message
            )
            drop_logging(self.file_handlers)
            os.replace(self.work, failed)
        except OSError as exc:
            if is_disk_full(exc):
                return self.disk_full("the failed run's manifest")
            raise
        print(f"The run failed; its folder is kept as {failed}. Earlier packs are untouched.", file=sys.stderr)
        return RunResult(code, failed, message)

    def writing(self, exc: OSError) -> str:
        """What the step that raised ``exc`` could not write (the step, and the file when known)."""
        name = ""
        if exc.filename:
            try:
                name = Path(str(exc.filename)).resolve().relative_to(self.period_dir.resolve()).as_posix()
            except (ValueError, OSError):
                name = Path(str(exc.filename)).name
        return f"{self.step} ({name})" if name else self.step

    def disk_full(self, what: str) -> RunResult:
        """The disk is full: remove the partial pack (not kept as ``.failed``: it would keep the disk
        full), leave earlier packs and ``LATEST`` as they were, say in one line what could not be
        written; exit 1. Never raises: every clean-up step is tried on its own."""
        message = (
            f"Disk full: could not write {what}. The partial pack was removed; earlier packs and LATEST are "
            "untouched. Free some space and run again."
        )
        for step in (
            lambda: drop_logging(self.file_handlers),
            lambda: shutil.rmtree(self.work, ignore_errors=True) if self.work != self.period_dir else None,
            lambda: shutil.rmtree(self.final, ignore_errors=True) if self.final is not None else None,
            lambda: (self.period_dir / ".LATEST.tmp").unlink(missing_ok=True),
        ):
            try:
                step()
            except Exception:  # the handler must finish: each clean-up is best effort
                pass
        try:
            print(message, file=sys.stderr)
        except Exception:
            pass
        return RunResult(EXIT_NOTEBOOK_FAILED, None, message)

    # ------------------------------------------------------------------ one notebook
    def _execute(self, nb: NotebookInfo) -> None:
        import papermill as pm
        from papermill.exceptions import PapermillExecutionError

        out_nb = self.work / "internal" / "notebooks" / f"{nb.name}.ipynb"
        params = {
            **self.cfg.notebook_params(nb.name),
            "params_file": str(self.cfg.params_file),
            "run_dir": str(self.work),
        }
        t0 = time.perf_counter()
        if not self.quiet:
            n = self.val.notebooks.index(nb) + 1
            print(
                f"  [{n}/{len(self.val.notebooks)}] {nb.name} ... (started {time.time() - self.started.timestamp():.0f} s "
                "into the run)",
                flush=True,
            )
        self.step = f"the executed notebook {nb.name}"
        try:
            with ipc_kernel_config() as kernel_kw:
                pm.execute_notebook(
                    str(nb.path),
                    str(out_nb),
                    parameters=params,
                    kernel_name="python3",
                    cwd=str(nb.path.parent),
                    progress_bar=self.show_bar,
                    log_output=False,
                    execution_timeout=self.cfg.cell_timeout,
                    report_mode=False,
                    **kernel_kw,
                )
        except PapermillExecutionError as exc:
            dur = time.perf_counter() - t0
            self.nb_records.append(
                {
                    "name": nb.name,
                    "status": "failed",
                    "duration_s": round(dur, 2),
                    "failed_cell": exc.cell_index,
                    "error": exc.ename,
                }
            )
            if exc.ename == "OSError" and any(t in str(exc.evalue) for t in _DISK_FULL_TEXT):
                raise _DiskFull(f"what notebook {nb.name} writes (cell {exc.cell_index})") from None
            self._try_render(out_nb, self.work / "internal" / "html" / f"{nb.name}.html")
            evalue = safe_text(exc.evalue, self.val)
            if exc.ename == "PublicationRefused":
                raise _Failed(
                    EXIT_REFUSED, f"{nb.name}: publication refused in cell {exc.cell_index}: {evalue}"
                ) from None
            if exc.ename == "InputError":
                raise _Failed(
                    EXIT_BAD_INPUT, f"{nb.name}: bad input found in cell {exc.cell_index}: {evalue}"
                ) from None
            raise _Failed(
                EXIT_NOTEBOOK_FAILED,
                f"{nb.name} failed in cell {exc.cell_index} (execution count {exc.exec_count}): {exc.ename}: {evalue}",
            ) from None
        except Exception as exc:  # kernel died, timeout, missing kernel, a full disk
            if is_disk_full(exc):
                raise _DiskFull(self.writing(exc)) from None  # type: ignore[arg-type]
            dur = time.perf_counter() - t0
            self.nb_records.append(
                {"name": nb.name, "status": "failed", "duration_s": round(dur, 2), "error": type(exc).__name__}
            )
            raise _Failed(
                EXIT_NOTEBOOK_FAILED, f"{nb.name} failed: {type(exc).__name__}: {safe_text(str(exc), self.val)}"
            ) from None
        dur = time.perf_counter() - t0
        self.nb_records.append({"name": nb.name, "status": "ok", "duration_s": round(dur, 2)})
        log.info(f"  {nb.name:<28} ok   {dur:6.1f} s")

    @staticmethod
    def _try_render(executed: Path, out: Path) -> None:
        try:
            if executed.is_file():
                render_html(executed, out, audience="internal")
        except Exception as exc:  # the failure report matters more than its HTML
            log.warning(f"could not render {executed.name} for the failure report: {type(exc).__name__}")
