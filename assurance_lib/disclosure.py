"""Disclosure control: INTERIM primary suppression only (the full engine replaces this module).

API used by the rest of the library (keep these signatures):

- ``protect(items, config, published=()) -> Protected`` with ``.frames`` (published frames in
  the order given) and ``.audit`` (JSON-ready figures for the manifest);
- ``audit_pack(shareable_dir, config) -> dict`` (recoverability audit of a whole pack; raises
  PublicationRefused when a suppressed cell is recoverable);
- ``IdentifierSet`` (values and names to look for), ``scan_text``/``scan_file`` (identifier
  guard hits, naming the kind, never the value), ``redact`` (free-text redaction).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from .config import DisclosureConfig
from .tables import TableSpec

__all__ = ["Protected", "protect", "audit_pack", "IdentifierSet", "Hit", "scan_text", "scan_file", "redact", "Redaction"]


@dataclass(frozen=True, slots=True)
class Protected:
    frames: list[pd.DataFrame]
    audit: dict[str, Any]


def _count_mask(df: pd.DataFrame, spec: TableSpec, col: str) -> pd.Series:
    if col in spec.count_where:
        by, values = spec.count_where[col]
        return df[by].isin(values)
    return pd.Series(True, index=df.index)


def protect(items: Sequence[tuple[pd.DataFrame, TableSpec]], config: DisclosureConfig,
            published: Sequence[tuple[pd.DataFrame, TableSpec]] = ()) -> Protected:
    """Primary suppression of counts 1..threshold and everything derived from them (interim)."""
    frames = []
    n_supp = 0
    for df, spec in items:
        out = df.copy().astype(object)
        hide = pd.Series(False, index=df.index)
        for col in (*spec.counts, *spec.count_where):
            v = pd.to_numeric(df[col], errors="coerce")
            small = v.between(1, config.threshold) & _count_mask(df, spec, col)
            if config.suppress_zeros:
                small |= (v == 0) & _count_mask(df, spec, col)
            hide |= small.fillna(False)
        cols = [*spec.counts, *spec.count_where, *spec.derived]
        for c in dict.fromkeys(cols):
            out.loc[hide, c] = config.suppressed
        n_supp += int(hide.sum())
        frames.append(out)
    return Protected(frames, {"method": "interim primary suppression", "suppressed_cells": n_supp})


def audit_pack(shareable_dir: Path, config: DisclosureConfig) -> dict[str, Any]:
    """Interim: reports that only primary suppression was applied."""
    return {"method": "interim: primary suppression only, no recoverability audit", "components": 0}


@dataclass(frozen=True, slots=True)
class IdentifierSet:
    """Identifier values to look for (child ids, case references, names)."""

    values: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Hit:
    file: str
    kind: str

    def __str__(self) -> str:
        return f"{self.file}: contains {self.kind}"


def scan_text(text: str, ids: IdentifierSet) -> list[str]:
    """Kinds of identifier found in ``text`` (interim: exact id tokens only)."""
    kinds = []
    tokens = set(re.findall(r"[A-Za-z0-9_\-]+", text))
    if ids.values & tokens:
        kinds.append("an identifier value from the inputs")
    return kinds


def scan_file(path: Path, ids: IdentifierSet, shown: str | None = None) -> list[Hit]:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="ignore")
    except OSError:
        return []
    return [Hit(shown or str(path), k) for k in scan_text(text, ids)]


@dataclass(frozen=True, slots=True)
class Redaction:
    text: str
    withheld: int = 0


def redact(text: str, ids: IdentifierSet) -> Redaction:
    """Interim: withholds the whole text (free text stays out of shareable/ until the guard lands)."""
    return Redaction("", 1 if text.strip() else 0)
