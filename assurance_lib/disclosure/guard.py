"""The identifier guard and free-text redaction.

Every file written to a pack (``internal/`` included) is scanned for:

- the values of the inputs' identifier columns (child ids, case references), as whole tokens:
  a value of six characters or more is looked for on its own, a shorter one only next to its
  column name (``child_id 1234``, ``child_id: 1234``, ``child_id=1234``);
- names, where a list is given (whole words, case-insensitive);
- NHS numbers (ten digits, optionally spaced 3-3-4, with a valid modulus-11 check digit);
- full UK postcodes, UK phone numbers and email addresses.

Base64 images embedded in HTML or notebooks, binary images, and hash fields (hex digests such
as sha256) are skipped. A hit names the file and the *kind* of identifier, never the value.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

__all__ = ["IdentifierSet", "Hit", "Redaction", "scan_text", "scan_file", "scan_pack", "guard_pack", "redact",
           "nhs_number_valid", "KINDS", "MIN_ID_LENGTH"]

MIN_ID_LENGTH = 6
"""Identifier values at least this long are looked for on their own; shorter ones only beside
their column name."""

KINDS = {
    "id": "an identifier value from the inputs",
    "name": "a name from the names list",
    "nhs": "an NHS number",
    "postcode": "a full postcode",
    "phone": "a phone number",
    "email": "an email address",
    "dob": "a date of birth",
}
"""The kinds of identifier the guard reports (as shown in messages)."""

_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[-/_.][A-Za-z0-9]+)*")
_NHS = re.compile(r"(?<![\w.\-])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\w\-]|\.\d)")
_POSTCODE = re.compile(r"(?<![#\w\-])(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE)
_PHONE = re.compile(r"(?<![\w.+])(?:\+44\s?\(?0?\)?\s?|\(?0)\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}(?![\w]|\.\d)")
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}\b")
_DOB = re.compile(r"\b(?:born|d\.?o\.?b\.?|date of birth)\b[:\s]*(?:on\s+)?"
                  r"(\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}\s+[A-Za-z]{3,9}\s+\d{4})",
                  re.IGNORECASE)
_LABELLED = re.compile(r"(?i)\b(?:nhs\s*(?:no|number)|child[\s_\-]?id|case[\s_\-]?ref(?:erence)?|person[\s_\-]?id"
                       r"|d\.?o\.?b|date of birth|post\s?code|(?:home\s)?address|surname|full name)\b\s*[:=#]?\s*"
                       r"(?!\[redacted\])[A-Za-z0-9]")
"""A labelled identifier the guard could not recognise (e.g. an id not in the inputs): free text
holding one cannot be cleared."""
_DATA_URI = re.compile(r"data:[\w/+.\-]+;base64,[A-Za-z0-9+/=\s\\n]+")
_HEX = re.compile(r"\b(?:[0-9a-fA-F]{64}|[0-9a-fA-F]{40})\b")
_HASH_VALUE = re.compile(r"(?:sha\d*[:-])?[0-9a-fA-F]{32,128}")
_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".pdf", ".parquet", ".pkl", ".gz", ".zip"}
_ZIP_SUFFIXES = {".xlsx", ".docx", ".pptx", ".odt", ".ods"}


def nhs_number_valid(digits: str) -> bool:
    """Whether ten digits form a valid NHS number (modulus 11 check digit).

    Examples
    --------
    >>> nhs_number_valid("9434765919"), nhs_number_valid("9434765918")
    (True, False)
    """
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _norm_col(name: str) -> str:
    return re.sub(r"[\s_\-]+", "_", str(name).strip().lower())


@dataclass(frozen=True, slots=True)
class IdentifierSet:
    """Identifier values to look for: the values of the inputs' identifier columns, and names.

    Attributes
    ----------
    values : frozenset of str
        Identifier values of six characters or more (upper-cased), looked for as whole tokens.
    names : frozenset of str
        Names (lower-cased), looked for as whole words.
    short : frozenset of (str, str)
        ``(column name, value)`` pairs of shorter values, looked for only beside their column name.

    Examples
    --------
    >>> ids = IdentifierSet.from_columns({"child_id": ["CH000123", "77"]}, names=["Jordan Smith"])
    >>> scan_text("Seen CH000123 today", ids), scan_text("77 children", ids), scan_text("child_id: 77", ids)
    (['an identifier value from the inputs'], [], ['an identifier value from the inputs'])
    """

    values: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()
    short: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def from_columns(cls, columns: Mapping[str, Iterable[object]], names: Iterable[str] = ()) -> "IdentifierSet":
        """Build from ``{column_name: values}`` (missing values ignored) and a list of names."""
        long_, short = set(), set()
        for col, vals in columns.items():
            for v in vals:
                if v is None or (isinstance(v, float) and v != v):
                    continue
                t = str(v).strip()
                if isinstance(v, float) and v.is_integer():
                    t = str(int(v))
                if not t or t.lower() in ("nan", "<na>", "none"):
                    continue
                if len(t) >= MIN_ID_LENGTH:
                    long_.add(t.upper())
                else:
                    short.add((_norm_col(col), t.upper()))
        nm = {re.sub(r"\s+", " ", str(n).strip()).lower() for n in names if str(n).strip()}
        return cls(values=frozenset(long_), names=frozenset(nm), short=frozenset(short))

    def __post_init__(self) -> None:
        # accept raw values too (e.g. built with dataclasses.replace): upper-case them, and scan a
        # value shorter than MIN_ID_LENGTH only beside a generic identifier word
        long_, short = set(), set(self.short)
        for v in self.values:
            t = str(v).strip().upper()
            if len(t) >= MIN_ID_LENGTH:
                long_.add(t)
            elif t:
                short.add(("", t))
        object.__setattr__(self, "values", frozenset(long_))
        object.__setattr__(self, "short", frozenset((_norm_col(c) if c else "", str(v).upper()) for c, v in short))
        object.__setattr__(self, "names", frozenset(re.sub(r"\s+", " ", str(n).strip()).lower()
                                                    for n in self.names if str(n).strip()))

    def __bool__(self) -> bool:
        return bool(self.values or self.names or self.short)


@dataclass(frozen=True, slots=True)
class Hit:
    """One guard hit: the file and the kind of identifier (never the value)."""

    file: str
    kind: str

    def __str__(self) -> str:
        return f"{self.file}: contains {self.kind}"


@dataclass(frozen=True, slots=True)
class Redaction:
    """What :func:`redact` returns.

    Attributes
    ----------
    text : str
        The cleared text (passages that could not be cleared are left out).
    withheld : int
        Passages left out.
    replaced : int
        Identifiers replaced by ``[redacted]``.
    """

    text: str
    withheld: int = 0
    replaced: int = 0


# ----------------------------------------------------------------------------- finding
def _spans(text: str, ids: IdentifierSet) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every identifier found."""
    out: list[tuple[int, int, str]] = []
    if ids.values:
        for m in _TOKEN.finditer(text):
            tok = m.group(0)
            parts = re.split(r"([-/_.])", tok)
            words = parts[0::2]
            # every contiguous run of the token's parts (the token itself included)
            offs = []
            pos = m.start()
            for k, w in enumerate(words):
                offs.append(pos)
                pos += len(w) + (1 if k < len(words) - 1 else 0)
            for a in range(len(words)):
                for b in range(a, len(words)):
                    start = offs[a]
                    end = offs[b] + len(words[b])
                    if end - start >= MIN_ID_LENGTH and text[start:end].upper() in ids.values:
                        out.append((start, end, "id"))
    for col, val in ids.short:
        col_rx = (re.escape(col).replace("_", r"[\s_\-]?") if col else
                  r"(?:child[\s_\-]?id|case[\s_\-]?ref(?:erence)?|person[\s_\-]?id|id|ref(?:erence)?)")
        rx = re.compile(rf"(?i)\b{col_rx}\b\W{{0,3}}({re.escape(val)})(?![A-Za-z0-9])")
        for m in rx.finditer(text):
            out.append((m.start(1), m.end(1), "id"))
    for name in ids.names:
        rx = re.compile(r"(?i)(?<![A-Za-z])" + r"\s+".join(re.escape(p) for p in name.split(" ")) + r"(?![A-Za-z])")
        out += [(m.start(), m.end(), "name") for m in rx.finditer(text)]
    for m in _NHS.finditer(text):
        if nhs_number_valid("".join(m.groups())):
            out.append((m.start(), m.end(), "nhs"))
    # a lower-case run without a space (a hex colour such as e040fb) is not taken for a postcode
    out += [(m.start(), m.end(), "postcode") for m in _POSTCODE.finditer(text)
            if m.group(0).isupper() or " " in m.group(0)]
    for m in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        if digits.startswith("44"):
            digits = digits[2:]
        if 10 <= len(digits.lstrip("0")) + 1 <= 11 and not (len(digits) == 10 and nhs_number_valid(digits)
                                                             and not digits.startswith("0")):
            out.append((m.start(), m.end(), "phone"))
    out += [(m.start(), m.end(), "email") for m in _EMAIL.finditer(text)]
    out += [(m.start(1), m.end(1), "dob") for m in _DOB.finditer(text)]
    return out


def scan_text(text: str, ids: IdentifierSet | None = None) -> list[str]:
    """The kinds of identifier found in ``text`` (see :data:`KINDS`), without duplicates.

    Examples
    --------
    >>> scan_text("Contact jo@example.org or 020 7946 0000; NHS 943 476 5919; SW1A 1AA")
    ['an NHS number', 'a full postcode', 'a phone number', 'an email address']
    >>> scan_text("Rate 12.5 per 10,000 in 2026-27 Q2 (p = 0.0123456789)")
    []
    """
    ids = ids or IdentifierSet()
    # embedded base64 payloads and drawing coordinates are never text a person wrote
    text = _GEOMETRY.sub(" ", _DATA_URI.sub(" ", text))
    found = {k for _, _, k in _spans(text, ids)}
    return [KINDS[k] for k in KINDS if k in found]


_STYLE = re.compile(r"<style\b[^>]*>.*?</style>", re.IGNORECASE | re.DOTALL)
_GEOMETRY = re.compile(r"""\s(?:d|points|transform|viewBox|x|y|x1|x2|y1|y2|width|height|cx|cy|r)=(?:"[^"]*"|'[^']*')""")


def _strip_skipped(text: str, suffix: str) -> str:
    """Remove embedded base64 images, style sheets and hash fields before scanning."""
    text = _DATA_URI.sub(" ", text)
    if suffix in (".html", ".htm", ".svg"):
        text = _STYLE.sub(" ", text)
        # drawing data (path coordinates, transforms) is numbers only, never text a person wrote
        text = _GEOMETRY.sub(" ", text)
    if suffix == ".svg":
        text = re.sub(r"<[^>]+>", " ", text)  # what an SVG shows is its text nodes
    if suffix in (".ipynb", ".json"):
        try:
            doc = json.loads(text)
        except ValueError:
            return _HEX.sub(" ", text)
        return json.dumps(_drop_json(doc), ensure_ascii=False, indent=0)
    return _HEX.sub(" ", text) if suffix in (".json", ".log", ".txt", ".yaml", ".yml", ".md") else text


def _drop_json(doc: object) -> object:
    if isinstance(doc, dict):
        out = {}
        for k, v in doc.items():
            ks = str(k).lower()
            if ks.startswith("image/") or ks in ("application/pdf",):
                continue
            if isinstance(v, str) and ("sha" in ks or "hash" in ks or "digest" in ks or "md5" in ks) \
                    and _HASH_VALUE.fullmatch(v.strip()):
                continue
            out[k] = _drop_json(v)
        return out
    if isinstance(doc, list):
        return [_drop_json(v) for v in doc]
    if isinstance(doc, str) and _HEX.fullmatch(doc.strip()):
        return ""
    return doc


def _file_text(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in _IMAGE_SUFFIXES:
        return None
    data = path.read_bytes()
    if suffix in _ZIP_SUFFIXES:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                parts = [z.read(n).decode("utf-8", "ignore") for n in z.namelist() if n.endswith(".xml")]
        except zipfile.BadZipFile:
            parts = [data.decode("utf-8", "ignore")]
        text = "\n".join(parts)
        text = re.sub(r"<[^>]+>", " ", text)
        return text
    if b"\x00" in data[:4096]:
        return None  # binary
    return _strip_skipped(data.decode("utf-8", "ignore"), suffix)


def scan_file(path: Path, ids: IdentifierSet | None = None, shown: str | None = None) -> list[Hit]:
    """Guard hits in one file: one :class:`Hit` per kind found, naming ``shown`` (or the path).

    Text files are scanned whole; XLSX/DOCX through their XML; base64 images embedded in HTML
    or notebooks and hash fields in JSON are skipped; binary images are not scanned.
    """
    path = Path(path)
    try:
        text = _file_text(path)
    except OSError:
        return []
    if text is None:
        return []
    return [Hit(shown or str(path), k) for k in scan_text(text, ids)]


def scan_pack(root: Path, ids: IdentifierSet | None = None) -> list[Hit]:
    """Guard hits in every file under ``root`` (a pack: ``internal/`` and ``shareable/``)."""
    root = Path(root)
    hits: list[Hit] = []
    for p in sorted(root.rglob("*")):
        if p.is_file():
            hits += scan_file(p, ids, shown=str(p.relative_to(root)))
    return hits


def guard_pack(root: Path, ids: IdentifierSet | None = None) -> None:
    """Refuse publication (:class:`PublicationRefused`, exit 3) if any file of the pack holds an identifier."""
    from ..errors import PublicationRefused

    hits = scan_pack(root, ids)
    if hits:
        raise PublicationRefused("identifier guard refused publication:\n" + "\n".join(f"  - {h}" for h in hits))


# ----------------------------------------------------------------------------- redaction
REDACTED = "[redacted]"


def redact(text: str, ids: IdentifierSet | None = None) -> Redaction:
    """Remove what the guard looks for from free text.

    Each passage (paragraphs split on blank lines) has every identifier found replaced by
    ``[redacted]``. A passage that still holds one afterwards, or that labels a value the guard
    cannot recognise as safe (``child ID: ...``, ``NHS no ...``, ``date of birth ...``,
    ``address ...``), cannot be cleared: it is left out (counted in ``withheld``) and the rest is
    kept.

    Examples
    --------
    >>> r = redact("Spoke to mum on 07700 900123.\\n\\nPlan reviewed.")
    >>> r.text, r.withheld, r.replaced
    ('Spoke to mum on [redacted].\\n\\nPlan reviewed.', 0, 1)
    """
    ids = ids or IdentifierSet()
    kept, withheld, replaced = [], 0, 0
    for passage in re.split(r"(\n\s*\n)", text):
        if not passage.strip():
            kept.append(passage)
            continue
        spans = sorted(_spans(passage, ids))
        merged: list[list[int]] = []
        for a, b, _ in spans:
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        out = passage
        for a, b in reversed(merged):
            out = out[:a] + REDACTED + out[b:]
        replaced += len(merged)
        if _spans(out, ids) or _LABELLED.search(out):
            withheld += 1
            continue
        kept.append(out)
    result = "".join(kept)
    result = re.sub(r"(\n\s*\n){2,}", "\n\n", result).strip("\n") if withheld else result
    return Redaction(result, withheld, replaced)
