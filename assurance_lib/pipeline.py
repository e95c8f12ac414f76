"""The quarterly run: validate, execute the notebooks with papermill, render, guard, publish the pack.

A run is built in a hidden folder ``outputs/<slug>/.<run-id>.partial`` and moved into place as
``outputs/<slug>/<run-id>`` only when every notebook succeeded and the disclosure and identifier
guards passed; ``outputs/<slug>/LATEST`` then names it. A failed run keeps its folder as
``<run-id>.failed`` (with the executed notebook showing the error) and never touches earlier packs.
Bad parameters or input are found before any notebook runs, and then no folder is created at all.

Exit codes: 0 success; 1 a notebook failed; 2 bad parameters or input; 3 publication refused by the
disclosure or identifier guard.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import pandas as pd

from . import __version__
from .config import RunConfig, load_params, project_root, resolve_params, resolve_path
from .nbparams import COMMON_PARAMETERS, NotebookInfo, NotebookParameter, discover_notebooks  # noqa: F401  (re-exported)
from .errors import (EXIT_BAD_INPUT, EXIT_NOTEBOOK_FAILED, EXIT_OK, EXIT_REFUSED, InputError, Problem,
                     PublicationRefused)
from .provenance import sha256_file
from .run_inputs import (NAMES_PARAMETER, RunIdentifiers, collect_identifiers, input_identifier_values,  # noqa: F401
                         notebook_values)

__all__ = ["NotebookInfo", "discover_notebooks", "validate", "run", "RunResult", "render_html",
           "COMMON_PARAMETERS", "RUN_ID_RE"]

RUN_ID_RE = re.compile(r"^\d{8}T\d{6}Z(-\d+)?$")
_TEMPLATES = Path(__file__).resolve().parent / "templates"
INTERNAL_ONLY_TAG = "internal-only"

log = logging.getLogger("assurance")


# --------------------------------------------------------------------------- validation
@dataclass
class Validation:
    """What validation found: the config, the inputs read, and the identifier values to guard."""

    config: RunConfig
    notebooks: list[NotebookInfo]
    inputs: list[dict[str, Any]] = field(default_factory=list)
    identifier_values: dict[str, set[str]] = field(default_factory=dict)


def validate(params_path: str | os.PathLike[str] | None, *, notebooks_dir: Path | None = None,
             output_root: str | os.PathLike[str] | None = None) -> Validation:
    """Check the parameters and every input any notebook will read; raise :class:`InputError` listing all problems."""
    from . import readers

    root = project_root()
    notebooks = discover_notebooks(notebooks_dir)
    types = {nb.name: {p.name: p.types for p in nb.parameters if p.name not in COMMON_PARAMETERS}
             for nb in notebooks}
    cfg = load_params(params_path, root=root, notebook_params=types, output_root=output_root)
    problems: list[Problem | str] = []
    val = Validation(cfg, notebooks)
    names = {nb.name for nb in notebooks}
    for c in readers.contracts():
        if c.notebook not in names:
            continue
        nb = next(n for n in notebooks if n.name == c.notebook)
        raw = notebook_values(cfg, nb).get(c.parameter)
        if nb.param(c.parameter) is None:
            problems.append(Problem(file=f"notebooks/{nb.name}.ipynb", key=c.parameter,
                                    message=f"is read by input contract '{c.name}' but is not in the parameters cell"))
            continue
        if not raw:
            if not c.optional:
                problems.append(Problem(file=readers.display_path(cfg.params_file), key=f"notebooks.{nb.name}.{c.parameter}",
                                        message="is empty", expected=f"the path of the {c.description or c.name}"))
            continue
        path = resolve_path(str(raw), root)
        if not path.is_file():
            problems.append(Problem(file=readers.display_path(cfg.params_file), key=f"notebooks.{nb.name}.{c.parameter}",
                                    value=str(raw), expected="an existing file (relative paths start at the project root)"))
            continue
        params = resolve_params(notebook_values(cfg, nb), root)
        try:
            frame = c.read(path, params)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        val.inputs.append({"contract": c.name, "notebook": c.notebook, "parameter": c.parameter,
                           "path": readers.display_path(path), "rows": int(len(frame)) if hasattr(frame, "__len__") else None,
                           "sha256": sha256_file(path)})
        collect_identifiers(c, frame, val.identifier_values)
    problems += _alternatives_missing(cfg, notebooks, readers.contracts())
    problems += _parameter_problems(cfg, notebooks)
    if problems:
        raise InputError(problems)
    return val


def _parameter_problems(cfg: RunConfig, notebooks: list[NotebookInfo]) -> list[Problem]:
    """A problem for every notebook parameter value its analysis's registered check rejects."""
    from . import readers

    out: list[Problem] = []
    for nb in notebooks:
        values = notebook_values(cfg, nb)
        for check in readers.parameter_checks(nb.name):
            for name, value, expected in check(values):
                out.append(Problem(file=readers.display_path(cfg.params_file), key=f"notebooks.{nb.name}.{name}",
                                   value=value, expected=expected))
    return out


def _alternatives_missing(cfg: RunConfig, notebooks: list[NotebookInfo], contracts: list[Any]) -> list[Problem]:
    """A problem for every group of alternative inputs (``InputContract.one_of``) with none given."""
    from . import readers

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
            out.append(Problem(file=readers.display_path(cfg.params_file), key=f"notebooks.{nb_name}",
                               message=f"gives none of {names}",
                               expected="at least one of: " + "; ".join(f"{c.parameter} ({c.description or c.name})" for c in members)))
    return out


# --------------------------------------------------------------------------- rendering
def render_html(executed: Path, out: Path, *, audience: str) -> Path:
    """Render an executed notebook to self-contained HTML.

    ``audience="internal"``: the analyst's page with code. ``audience="shareable"``: the
    scrutineer's page with no input cells, no prompts, no stderr output and no cell tagged
    ``internal-only``. Both load nothing from any other host and keep images' alt text.
    """
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = nbformat.read(executed, as_version=4)
    exporter = HTMLExporter(template_name="assurance", extra_template_basedirs=[str(_TEMPLATES)])
    if audience == "shareable":
        exporter.exclude_input = True
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
        tags = TagRemovePreprocessor(remove_cell_tags={INTERNAL_ONLY_TAG, "injected-parameters", "parameters"},
                                     enabled=True)
        nb, _ = tags.preprocess(nb, {})
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = [o for o in cell.get("outputs", [])
                                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    elif audience != "internal":
        raise ValueError(f"audience must be 'internal' or 'shareable', got {audience!r}")
    title = _notebook_title(nb) or executed.stem
    nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(body, encoding="utf-8")
    return out


def _notebook_title(nb: Any) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


# --------------------------------------------------------------------------- locking and folders
class RunLocked(Exception):
    """Another run is writing to the same output folder."""


class _Lock:
    def __init__(self, path: Path):
        self.path = path

    def __enter__(self) -> "_Lock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                pid = _lock_pid(self.path)
                if pid is not None and not _pid_alive(pid):
                    self.path.unlink(missing_ok=True)  # stale lock from a run that died
                    continue
                raise RunLocked(f"another run (process {pid}) is writing to {self.path.parent}; "
                                f"wait for it to finish (or delete {self.path} if no run is going on)") from None
            with os.fdopen(fd, "w") as fh:
                fh.write(f"{os.getpid()}\n")
            return self
        raise RunLocked(f"could not take the lock {self.path}")

    def __exit__(self, *exc: Any) -> None:
        self.path.unlink(missing_ok=True)


def _lock_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip() or "0") or None
    except (OSError, ValueError):
        return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def new_run_id(period_dir: Path, now: dt.datetime | None = None) -> str:
    """A run id from the UTC time, e.g. ``20261122T044439Z`` (suffixed when taken)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    base = now.strftime("%Y%m%dT%H%M%SZ")
    rid, n = base, 1
    while any((period_dir / f"{rid}{suffix}").exists() for suffix in ("", ".failed", ".partial")) or (period_dir / f".{rid}.partial").exists():
        n += 1
        rid = f"{base}-{n}"
    return rid


def read_latest(period_dir: Path) -> Path | None:
    """The last good pack of a period (named by ``LATEST``), or None."""
    p = period_dir / "LATEST"
    if not p.is_file():
        return None
    rid = p.read_text(encoding="utf-8").strip()
    pack = period_dir / rid
    return pack if RUN_ID_RE.match(rid) and pack.is_dir() else None


def prune(period_dir: Path, retention: int) -> list[Path]:
    """Remove good packs beyond the newest ``retention`` (never the one LATEST names) and old failed runs."""
    latest = read_latest(period_dir)
    removed: list[Path] = []
    good = sorted((p for p in period_dir.iterdir() if p.is_dir() and RUN_ID_RE.match(p.name)), key=lambda p: p.name, reverse=True)
    for p in good[retention:]:
        if latest is not None and p.resolve() == latest.resolve():
            continue
        shutil.rmtree(p)
        removed.append(p)
    failed = sorted((p for p in period_dir.iterdir() if p.is_dir() and p.name.endswith(".failed")), key=lambda p: p.name, reverse=True)
    for p in failed[retention:]:
        shutil.rmtree(p)
        removed.append(p)
    return removed


# --------------------------------------------------------------------------- manifest
def _git_commit(root: Path) -> dict[str, Any] | None:
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10)
        if sha.returncode != 0:
            return None
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root, capture_output=True, text=True, timeout=10)
        return {"commit": sha.stdout.strip(), "dirty": bool(dirty.stdout.strip())}
    except (OSError, subprocess.SubprocessError):
        return None


def _packages() -> dict[str, str]:
    out = {}
    for d in metadata.distributions():
        name = d.metadata.get("Name")
        if name:
            out[name] = d.version
    return dict(sorted(out.items(), key=lambda kv: kv[0].lower()))


def _outputs(pack: Path) -> list[dict[str, Any]]:
    return [{"path": str(p.relative_to(pack)), "sha256": sha256_file(p), "bytes": p.stat().st_size}
            for p in sorted(pack.rglob("*")) if p.is_file() and p.name != "manifest.json"]


# --------------------------------------------------------------------------- the run
@dataclass
class RunResult:
    """What a run did."""

    code: int
    pack: Path | None = None
    message: str = ""


def _setup_logging(log_file: Path | None, quiet: bool) -> list[logging.Handler]:
    handlers: list[logging.Handler] = []
    log.setLevel(logging.INFO)
    log.propagate = False
    if not quiet:
        h = logging.StreamHandler(sys.stdout)
        h.setFormatter(logging.Formatter("%(message)s"))
        handlers.append(h)
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        fh = logging.FileHandler(log_file, encoding="utf-8")
        fh.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%dT%H:%M:%S"))
        handlers.append(fh)
    for h in handlers:
        log.addHandler(h)
    return handlers


def _drop_logging(handlers: Iterable[logging.Handler]) -> None:
    for h in handlers:
        log.removeHandler(h)
        h.close()


def run(params_path: str | os.PathLike[str] | None = None, *, output_root: str | os.PathLike[str] | None = None,
        notebooks_dir: Path | None = None, quiet: bool = False, progress_bar: bool | None = None) -> RunResult:
    """Run the quarterly pack. See the module docstring for what happens and the exit codes."""
    started = dt.datetime.now(dt.timezone.utc)
    handlers = _setup_logging(None, quiet)
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
            with _Lock(period_dir / ".lock"):
                return _run_locked(val, period_dir, started, handlers, quiet, progress_bar)
        except RunLocked as exc:
            log.error(f"Not run: {exc}")
            return RunResult(EXIT_BAD_INPUT, message=str(exc))
    finally:
        _drop_logging(handlers)


def _run_locked(val: Validation, period_dir: Path, started: dt.datetime, handlers: list[logging.Handler],
                quiet: bool, progress_bar: bool | None) -> RunResult:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from . import disclosure

    cfg = val.config
    root = cfg.root
    run_id = new_run_id(period_dir)
    work = period_dir / f".{run_id}.partial"
    (work / "internal" / "notebooks").mkdir(parents=True)
    (work / "shareable" / "tables").mkdir(parents=True)
    file_handlers = _setup_logging(work / "run.log", quiet=True)
    handlers.extend(file_handlers)
    log.info(f"Assurance pack for {cfg.partnership}, {cfg.period.label} (run {run_id}, assurance_lib {__version__})")
    log.info(f"Parameters: {_rel(cfg.params_file, root)}; inputs checked: {len(val.inputs)}")
    env_before = {k: os.environ.get(k) for k in ("MPLBACKEND", "ASSURANCE_OUTPUT_ROOT", "ASSURANCE_ROOT", "PYTHONHASHSEED")}
    os.environ.update({"MPLBACKEND": "agg", "ASSURANCE_OUTPUT_ROOT": str(cfg.output_root), "ASSURANCE_ROOT": str(root),
                       "PYTHONHASHSEED": "0"})
    nb_records: list[dict[str, Any]] = []
    show_bar = progress_bar if progress_bar is not None else (sys.stderr.isatty() and not quiet)

    def fail(code: int, message: str) -> RunResult:
        failed = period_dir / f"{run_id}.failed"
        log.error(message)
        _write_manifest(work, val, run_id, started, nb_records, status="failed", failure=message)
        _drop_logging(file_handlers)
        os.replace(work, failed)
        print(f"The run failed; its folder is kept as {failed}. Earlier packs are untouched.", file=sys.stderr)
        return RunResult(code, failed, message)

    try:
        for nb in val.notebooks:
            out_nb = work / "internal" / "notebooks" / f"{nb.name}.ipynb"
            params = {**cfg.notebook_params(nb.name), "params_file": str(cfg.params_file), "run_dir": str(work)}
            t0 = time.perf_counter()
            try:
                pm.execute_notebook(str(nb.path), str(out_nb), parameters=params, kernel_name="python3",
                                    cwd=str(nb.path.parent), progress_bar=show_bar, log_output=False,
                                    execution_timeout=cfg.cell_timeout, report_mode=False)
            except PapermillExecutionError as exc:
                dur = time.perf_counter() - t0
                nb_records.append({"name": nb.name, "status": "failed", "duration_s": round(dur, 2),
                                   "failed_cell": exc.cell_index, "error": exc.ename})
                _try_render(out_nb, work / "internal" / "html" / f"{nb.name}.html")
                kind = exc.ename
                if kind == "PublicationRefused":
                    return fail(EXIT_REFUSED, f"{nb.name}: publication refused in cell {exc.cell_index}: {_safe(exc.evalue, val)}")
                if kind == "InputError":
                    return fail(EXIT_BAD_INPUT, f"{nb.name}: bad input found in cell {exc.cell_index}: {_safe(exc.evalue, val)}")
                return fail(EXIT_NOTEBOOK_FAILED,
                            f"{nb.name} failed in cell {exc.cell_index} (execution count {exc.exec_count}): "
                            f"{exc.ename}: {_safe(exc.evalue, val)}")
            except Exception as exc:  # kernel died, timeout, missing kernel
                dur = time.perf_counter() - t0
                nb_records.append({"name": nb.name, "status": "failed", "duration_s": round(dur, 2),
                                   "error": type(exc).__name__})
                return fail(EXIT_NOTEBOOK_FAILED, f"{nb.name} failed: {type(exc).__name__}: {_safe(str(exc), val)}")
            dur = time.perf_counter() - t0
            nb_records.append({"name": nb.name, "status": "ok", "duration_s": round(dur, 2)})
            log.info(f"  {nb.name:<28} ok   {dur:6.1f} s")

        t0 = time.perf_counter()
        for nb in val.notebooks:
            executed = work / "internal" / "notebooks" / f"{nb.name}.ipynb"
            render_html(executed, work / "internal" / "html" / f"{nb.name}.html", audience="internal")
            render_html(executed, work / "shareable" / f"{nb.name}.html", audience="shareable")
        log.info(f"  {'rendered HTML':<28} ok   {time.perf_counter() - t0:6.1f} s")

        t0 = time.perf_counter()
        workbook = _optional("workbook", "build_workbook")
        if workbook is not None and (work / "shareable" / "tables" / "index.json").is_file():
            workbook(work, partnership=cfg.partnership, period_label=cfg.period.label, config=cfg.disclosure)
        try:
            audit = disclosure.audit_pack(work / "shareable", cfg.disclosure)
        except PublicationRefused as exc:
            return fail(EXIT_REFUSED, f"Publication refused by the disclosure audit: {exc}")
        draft = _manifest(work, val, run_id, started, nb_records, status="ok", audit=audit)
        index_builder = _optional("frontpage", "build_index")
        if index_builder is not None:
            index_builder(work, draft)
        else:
            _basic_index(work, draft)
        hits = _identifier_scan(work, val, cfg)
        if hits:
            return fail(EXIT_REFUSED, "Publication refused by the identifier guard:\n" + "\n".join(f"  - {h}" for h in hits))
        log.info(f"  {'workbook, index, guards':<28} ok   {time.perf_counter() - t0:6.1f} s")
        finished = dt.datetime.now(dt.timezone.utc)
        log.info(f"Pack complete in {(finished - started).total_seconds():.1f} s: {period_dir / run_id}")
        _drop_logging(file_handlers)
        _write_manifest(work, val, run_id, started, nb_records, status="ok", audit=audit, finished=finished)
        final = period_dir / run_id
        os.replace(work, final)
        _atomic_write(period_dir / "LATEST", run_id + "\n")
        removed = prune(period_dir, cfg.retention)
        if removed and not quiet:
            print(f"Removed {len(removed)} old pack(s) beyond the retention of {cfg.retention}.")
        if not quiet:
            print(f"Pack: {final}\nOpen: {final / 'shareable' / 'index.html'}")
        return RunResult(EXIT_OK, final, "ok")
    except PublicationRefused as exc:
        return fail(EXIT_REFUSED, f"Publication refused: {exc}")
    finally:
        for k, v in env_before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _optional(module: str, attr: str) -> Callable[..., Any] | None:
    import importlib

    try:
        mod = importlib.import_module(f"assurance_lib.{module}")
    except ModuleNotFoundError as exc:
        if exc.name == f"assurance_lib.{module}":
            return None
        raise
    return getattr(mod, attr, None)


def _try_render(executed: Path, out: Path) -> None:
    try:
        if executed.is_file():
            render_html(executed, out, audience="internal")
    except Exception as exc:  # the failure report matters more than its HTML
        log.warning(f"could not render {executed.name} for the failure report: {type(exc).__name__}")


def _safe(text: str, val: Validation) -> str:
    """An error text with any identifier value from the inputs masked (never printed)."""
    from . import disclosure

    try:
        ids = _identifier_set(val)
        return disclosure.redact(str(text), ids).text if disclosure.scan_text(str(text), ids) else str(text)
    except Exception:
        return "(message withheld: it could not be checked for identifiers)"


def _identifier_set(val: Validation) -> Any:
    root = project_root()
    names = [Path(val.config.identifier_names_file)] if val.config.identifier_names_file else []
    for nb in val.notebooks:
        f = notebook_values(val.config, nb).get(NAMES_PARAMETER)
        if isinstance(f, str) and f:
            names.append(resolve_path(f, root))
    return RunIdentifiers(values=val.identifier_values, names_files=names).identifier_set()


def _identifier_scan(pack: Path, val: Validation, cfg: RunConfig) -> list[str]:
    from . import disclosure

    ids = _identifier_set(val)
    hits: list[str] = []
    for p in sorted(pack.rglob("*")):
        if not p.is_file() or p.suffix.lower() in _IMAGE_SUFFIXES:
            continue
        shown = str(p.relative_to(pack))
        if p.suffix.lower() in (".html", ".htm"):
            # Style sheets and scripts are the template's, not content: colour codes such as
            # "A100: #ff80ab" must not read as postcodes. Everything else on the page is scanned.
            text = _STYLE_SCRIPT.sub(" ", p.read_text(encoding="utf-8", errors="ignore"))
            hits.extend(f"{shown}: contains {kind}" for kind in disclosure.scan_text(text, ids))
        elif p.suffix.lower() == ".xlsx":
            hits.extend(f"{shown}: contains {kind}" for kind in disclosure.scan_text(_xlsx_text(p), ids))
        else:
            hits.extend(str(h) for h in disclosure.scan_file(p, ids, shown=shown))
    return hits


_IMAGE_SUFFIXES = (".png", ".svg", ".jpg", ".jpeg", ".gif", ".parquet")
_STYLE_SCRIPT = re.compile(r"<(style|script)\b[^>]*>.*?</\1\s*>", re.S | re.I)


def _xlsx_text(path: Path) -> str:
    """Every cell of a workbook as text (the identifier guard scans workbooks too)."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        return "\n".join(" ".join("" if v is None else str(v) for v in row)
                         for ws in wb.worksheets for row in ws.iter_rows(values_only=True))
    finally:
        wb.close()


def _rel(p: Path, root: Path) -> str:
    try:
        return str(Path(p).resolve().relative_to(root))
    except ValueError:
        return str(p)


def _manifest(pack: Path, val: Validation, run_id: str, started: dt.datetime, nbs: list[dict[str, Any]], *,
              status: str, audit: Mapping[str, Any] | None = None, finished: dt.datetime | None = None,
              failure: str | None = None) -> dict[str, Any]:
    cfg = val.config
    root = cfg.root
    extra_inputs = [{"contract": "parameters", "path": _rel(cfg.params_file, root), "sha256": sha256_file(cfg.params_file)}]
    ref = root / "data" / "reference"
    if ref.is_dir():
        extra_inputs += [{"contract": "reference", "path": _rel(p, root), "sha256": sha256_file(p)}
                         for p in sorted(ref.rglob("*")) if p.is_file()]
    tables_index = pack / "shareable" / "tables" / "index.json"
    audits = []
    for p in sorted((pack / "internal" / "disclosure").glob("audit_*.json")):
        try:
            audits.append({"file": p.name, **json.loads(p.read_text(encoding="utf-8"))})
        except (OSError, ValueError):
            pass
    return {
        "schema": "assurance-manifest/1",
        "run_id": run_id,
        "status": status,
        "failure": failure,
        "partnership": cfg.partnership,
        "period": cfg.period.label,
        "period_slug": cfg.period.slug,
        "version": __version__,
        "started": started.isoformat(timespec="seconds"),
        "finished": (finished or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds"),
        "python": {"version": platform.python_version(), "implementation": platform.python_implementation(),
                   "platform": platform.platform()},
        "git": _git_commit(root),
        "git_commit": (_git_commit(root) or {}).get("commit"),
        "parameters": cfg.as_dict(),
        "inputs": [*extra_inputs, *val.inputs],
        "notebooks": nbs,
        "tables": json.loads(tables_index.read_text(encoding="utf-8")).get("tables", []) if tables_index.is_file() else [],
        "disclosure": {"settings": cfg.as_dict()["disclosure"], "pack_audit": dict(audit or {}), "publish_audits": audits},
        "packages": _packages(),
        "hash_algorithm": "sha256",
    }


def _write_manifest(pack: Path, val: Validation, run_id: str, started: dt.datetime, nbs: list[dict[str, Any]], **kw: Any) -> None:
    m = _manifest(pack, val, run_id, started, nbs, **kw)
    m["outputs"] = _outputs(pack)
    _atomic_write(pack / "manifest.json", json.dumps(m, indent=2, default=str) + "\n")


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _basic_index(pack: Path, manifest: Mapping[str, Any]) -> Path:
    """A plain front page listing every page, table and figure (used until the report's front page exists)."""
    import html as h

    share = pack / "shareable"
    pages = sorted(p.name for p in share.glob("*.html") if p.name != "index.html")
    tables = sorted(p.name for p in (share / "tables").glob("*") if p.is_file() and p.name != "index.json")
    items = "".join(f'<li><a href="{h.escape(p)}">{h.escape(p)}</a></li>' for p in pages)
    titems = "".join(f'<li><a href="tables/{h.escape(t)}">{h.escape(t)}</a></li>' for t in tables)
    doc = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{h.escape(str(manifest["partnership"]))} '
           f'{h.escape(str(manifest["period"]))}</title></head><body><main><h1>{h.escape(str(manifest["partnership"]))}: '
           f'assurance pack {h.escape(str(manifest["period"]))}</h1><h2>Reports</h2><ul>{items}</ul><h2>Tables</h2><ul>{titems}</ul>'
           f'<h2>Provenance</h2><p>Run {h.escape(str(manifest["run_id"]))}, version {h.escape(str(manifest["version"]))}.</p></main></body></html>')
    out = share / "index.html"
    out.write_text(doc, encoding="utf-8")
    return out
