"""The identifier guard over a built pack, and error texts masked before they are printed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..config import project_root, resolve_path
from .discovery import notebook_values
from .identifiers import NAMES_PARAMETER, RunIdentifiers
from .validation import Validation

__all__ = ["identifier_set", "identifier_scan", "safe_text"]

_IMAGE_SUFFIXES = (".png", ".svg", ".jpg", ".jpeg", ".gif", ".parquet")
_STYLE_SCRIPT = re.compile(r"<(style|script)\b[^>]*>.*?</\1\s*>", re.S | re.I)


def identifier_set(val: Validation) -> Any:
    """The identifiers of the run's inputs and its names lists, as an ``IdentifierSet``."""
    root = project_root()
    names = [Path(val.config.identifier_names_file)] if val.config.identifier_names_file else []
    for nb in val.notebooks:
        f = notebook_values(val.config, nb).get(NAMES_PARAMETER)
        if isinstance(f, str) and f:
            names.append(resolve_path(f, root))
    return RunIdentifiers(values=val.identifier_values, names_files=names).identifier_set()


def safe_text(text: str, val: Validation) -> str:
    """An error text with any identifier value from the inputs masked (never printed)."""
    from .. import disclosure

    try:
        ids = identifier_set(val)
        return disclosure.redact(str(text), ids).text if disclosure.scan_text(str(text), ids) else str(text)
    except Exception:
        return "(message withheld: it could not be checked for identifiers)"


def identifier_scan(pack: Path, val: Validation) -> list[str]:
    """One line per file of ``pack`` that holds an identifier (naming the file and the kind, never the value)."""
    from .. import disclosure

    ids = identifier_set(val)
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


def _xlsx_text(path: Path) -> str:
    """Every cell of a workbook as text (the identifier guard scans workbooks too)."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        return "\n".join(" ".join("" if v is None else str(v) for v in row)
                         for ws in wb.worksheets for row in ws.iter_rows(values_only=True))
    finally:
        wb.close()
