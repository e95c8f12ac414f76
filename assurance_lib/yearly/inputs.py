"""The reporting year, its four quarter packs and the tables they published."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..packs import read_latest
from ..provenance import sha256_file

__all__ = ["QUARTERS", "SEASONS", "QuarterPack", "parse_year", "find_quarters", "read_table"]

QUARTERS = ("Q1", "Q2", "Q3", "Q4")
"""The quarters of a reporting year (1 April to 31 March), in order."""
SEASONS = {"Q1": "spring", "Q2": "summer", "Q3": "autumn", "Q4": "winter"}
"""Each quarter in words a child knows (April to June is spring, and so on)."""
_YEAR_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_year(text: str) -> str:
    """The reporting year ``2026-27`` from what a person typed, or ``ValueError`` saying what is expected.

    Examples
    --------
    >>> parse_year(" 2026-27 ")
    '2026-27'
    >>> parse_year("2026-28")
    Traceback (most recent call last):
    ...
    ValueError: reporting year '2026-28': the second year must follow the first, e.g. 2026-27
    """
    t = str(text).strip()
    m = _YEAR_RE.fullmatch(t)
    if not m:
        raise ValueError(f"reporting year {t!r}: expected the form 2026-27 (April 2026 to March 2027)")
    if (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        raise ValueError(f"reporting year {t!r}: the second year must follow the first, e.g. 2026-27")
    return t


@dataclass(frozen=True)
class QuarterPack:
    """One quarter of the year: its latest good pack, or why there is none.

    Attributes
    ----------
    quarter : str
        ``Q1`` to ``Q4``.
    period : str
        The period label, e.g. ``2026-27 Q1``.
    pack : Path or None
        The pack ``LATEST`` names (None when the quarter is missing).
    run_id, manifest_sha256 : str
        The pack's run id and the SHA-256 of its ``manifest.json`` (empty when missing).
    why_missing : str
        Why the quarter is missing, in words (empty when read).
    manifest : dict
        The pack's manifest (empty when missing).
    """

    quarter: str
    period: str
    pack: Path | None
    run_id: str = ""
    manifest_sha256: str = ""
    why_missing: str = ""
    manifest: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def read(self) -> bool:
        """Whether the quarter's pack was found and read."""
        return self.pack is not None

    @property
    def tables_index(self) -> dict[str, dict[str, Any]]:
        """The pack's declared tables by name (from ``shareable/tables/index.json``)."""
        if self.pack is None:
            return {}
        p = self.pack / "shareable" / "tables" / "index.json"
        try:
            doc = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {e["name"]: e for e in doc.get("tables", []) if isinstance(e, dict) and "name" in e}


def find_quarters(output_root: Path, year: str) -> list[QuarterPack]:
    """The four quarters of ``year`` under ``output_root``, each with its latest good pack or why it is missing.

    A quarter is read only from the pack its ``LATEST`` names (:func:`~assurance_lib.packs.read_latest`)
    and only when that pack's manifest says ``status: ok`` and names the same period.
    """
    output_root = Path(output_root)
    out = []
    for q in QUARTERS:
        period = f"{year} {q}"
        period_dir = output_root / f"{year}-{q}"
        if not period_dir.is_dir():
            out.append(QuarterPack(q, period, None, why_missing="no pack has been run for this quarter"))
            continue
        pack = read_latest(period_dir, output_root=output_root)
        if pack is None:
            out.append(QuarterPack(q, period, None, why_missing="no good pack (LATEST names none)"))
            continue
        mpath = pack / "manifest.json"
        try:
            manifest = json.loads(mpath.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            out.append(QuarterPack(q, period, None, why_missing="its latest pack has no readable manifest"))
            continue
        if manifest.get("status") != "ok" or manifest.get("period") != period:
            out.append(
                QuarterPack(q, period, None, why_missing="its latest pack's manifest is not a good pack of this period")
            )
            continue
        out.append(QuarterPack(q, period, pack, pack.name, sha256_file(mpath), manifest=manifest))
    return out


def read_table(quarter: QuarterPack, name: str) -> pd.DataFrame | None:
    """A table the quarter's pack published (as text, exactly as in its CSV), or None when it has none.

    Only a name declared in the pack's ``shareable/tables/index.json`` is read, from its own file there.
    """
    entry = quarter.tables_index.get(name)
    if entry is None or quarter.pack is None:
        return None
    file = str(entry.get("file") or f"{name}.csv")
    if "/" in file or "\\" in file or file.startswith("."):
        return None
    p = quarter.pack / "shareable" / "tables" / file
    if not p.is_file():
        return None
    return pd.read_csv(p, dtype=str, keep_default_na=False)
