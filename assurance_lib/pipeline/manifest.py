"""The pack's ``manifest.json``: parameters, inputs and outputs with their SHA-256, versions, timings, audit."""

from __future__ import annotations

import datetime as dt
import json
import platform
import subprocess
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from .. import __version__
from ..config import SYNTHETIC_ID
from ..provenance import sha256_file
from .runs import atomic_write
from .validation import Validation

__all__ = ["manifest", "write_manifest", "rel"]


def rel(p: Path, root: Path) -> str:
    """``p`` relative to ``root`` when it is inside it, else as given."""
    try:
        return str(Path(p).resolve().relative_to(root))
    except ValueError:
        return str(p)


def manifest(
    pack: Path,
    val: Validation,
    run_id: str,
    started: dt.datetime,
    nbs: list[dict[str, Any]],
    *,
    status: str,
    audit: Mapping[str, Any] | None = None,
    finished: dt.datetime | None = None,
    failure: str | None = None,
) -> dict[str, Any]:
    """The manifest of ``pack`` as a dict (without ``outputs``: see :func:`write_manifest`)."""
    cfg = val.config
    root = cfg.root
    extra_inputs = [
        {"contract": "parameters", "path": rel(cfg.params_file, root), "sha256": sha256_file(cfg.params_file)}
    ]
    ref = root / "data" / "reference"
    if ref.is_dir():
        extra_inputs += [
            {"contract": "reference", "path": rel(p, root), "sha256": sha256_file(p)}
            for p in sorted(ref.rglob("*"))
            if p.is_file()
        ]
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
        "partnership_id": cfg.partnership_id or SYNTHETIC_ID,
        "period": cfg.period.label,
        "period_slug": cfg.period.slug,
        "version": __version__,
        "started": started.isoformat(timespec="seconds"),
        "finished": (finished or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        "python": {
            "version": platform.python_version(),
            "implementation": platform.python_implementation(),
            "platform": platform.platform(),
        },
        "git": _git_commit(root),
        "git_commit": (_git_commit(root) or {}).get("commit"),
        "parameters": cfg.as_dict(),
        "inputs": [*extra_inputs, *val.inputs],
        "inputs_not_given": list(cfg.not_given),
        "data_currency_notes": list(val.currency_notes),
        "notebook_values": _relative_values(val.notebook_values, root),
        "notebooks": nbs,
        "tables": json.loads(tables_index.read_text(encoding="utf-8")).get("tables", [])
        if tables_index.is_file()
        else [],
        "disclosure": {
            "settings": cfg.as_dict()["disclosure"],
            "pack_audit": dict(audit or {}),
            "publish_audits": audits,
        },
        "packages": _packages(),
        "hash_algorithm": "sha256",
    }


def write_manifest(
    pack: Path, val: Validation, run_id: str, started: dt.datetime, nbs: list[dict[str, Any]], **kw: Any
) -> None:
    """Write ``pack/manifest.json`` (atomically), listing every other file of the pack with its hash."""
    m = manifest(pack, val, run_id, started, nbs, **kw)
    m["outputs"] = _outputs(pack)
    atomic_write(pack / "manifest.json", json.dumps(m, indent=2, default=str) + "\n")


def run_inputs(val: Validation) -> dict[str, Any]:
    """What the report reads at the start of a run (:data:`~assurance_lib.periods.RUN_INPUTS_FILE`): the
    partnership id, version, parameters, inputs with their dates, inputs not given, currency notes, notebook values."""
    cfg = val.config
    return {
        "partnership_id": cfg.partnership_id or SYNTHETIC_ID,
        "period": cfg.period.label,
        "version": __version__,
        "parameters": cfg.as_dict(),
        "inputs": val.inputs,
        "inputs_not_given": list(cfg.not_given),
        "data_currency_notes": list(val.currency_notes),
        "notebook_values": _relative_values(val.notebook_values, cfg.root),
    }


def write_run_inputs(path: Path, val: Validation) -> None:
    """Write :func:`run_inputs` as JSON to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, json.dumps(run_inputs(val), indent=2, default=str) + "\n")


def _relative_values(values: Mapping[str, Mapping[str, Any]], root: Path) -> dict[str, dict[str, Any]]:
    """Notebook parameter values with paths inside the project shown relative to it."""
    out: dict[str, dict[str, Any]] = {}
    for nb, vals in values.items():
        out[nb] = {
            k: (rel(Path(v), root) if isinstance(v, str) and v and Path(v).is_absolute() else v)
            for k, v in vals.items()
        }
    return out


def _git_commit(root: Path) -> dict[str, Any] | None:
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10)
        if sha.returncode != 0:
            return None
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        )
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
    return [
        {"path": str(p.relative_to(pack)), "sha256": sha256_file(p), "bytes": p.stat().st_size}
        for p in sorted(pack.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    ]
