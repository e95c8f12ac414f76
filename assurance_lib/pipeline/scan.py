"""The identifier guard over a built pack, and error texts masked before they are printed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..config import project_root, resolve_path
from ..run_inputs import NAMES_PARAMETER, RunIdentifiers, notebook_values
from .validation import Validation

__all__ = ["identifier_set", "safe_text"]


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
