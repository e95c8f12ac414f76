"""Disclosure control and the privacy guard on everything that leaves the library.

- :func:`protect` (primary and secondary suppression, rounding, recoverability audit) of the
  children-counts tables published together, jointly with those published earlier;
- :func:`audit_pack` / :func:`audit_tables`: an independent recoverability audit that reads only
  the published CSVs;
- :func:`is_suppressed`, :func:`is_symbol`, :func:`numeric`: for flags and charts that read
  published tables;
- the identifier guard (:class:`IdentifierSet`, :func:`scan_text`, :func:`scan_file`,
  :func:`scan_pack`, :func:`guard_pack`) and free-text :func:`redact`.

Method notes: ``docs/disclosure.md``.
"""

from .engine import HEURISTIC, Protected, audit_pack, audit_tables, is_suppressed, is_symbol, numeric, protect
from .guard import (
    KINDS,
    MIN_ID_LENGTH,
    Hit,
    IdentifierSet,
    Redaction,
    guard_pack,
    nhs_number_valid,
    redact,
    scan_file,
    scan_pack,
    scan_text,
)

__all__ = [
    "Protected",
    "protect",
    "audit_pack",
    "audit_tables",
    "is_suppressed",
    "is_symbol",
    "numeric",
    "HEURISTIC",
    "IdentifierSet",
    "Hit",
    "Redaction",
    "scan_text",
    "scan_file",
    "scan_pack",
    "guard_pack",
    "redact",
    "nhs_number_valid",
    "KINDS",
    "MIN_ID_LENGTH",
]
