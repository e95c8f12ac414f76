"""The identifier guard and free-text redaction.

Every file written to a pack (``internal/`` included) is scanned for:

- the values of the inputs' identifier columns (child ids, case references), as whole tokens:
  a value of six characters or more is looked for on its own, a shorter one only next to its
  column name (``child_id 1234``, ``child_id: 1234``, ``child_id=1234``);
  values of six characters or more that hold a letter are also found with separators added or
  case changed (``c-00123``, ``C 00123`` and ``c.00123`` for ``C00123``): separators are removed and
  case folded on both sides before comparing;
- names, where a list is given (whole words, case-insensitive);
- NHS numbers: ten digits, plain or grouped 3-3-4 by any separator (spaces, no-break spaces, dots,
  dashes), with a valid modulus-11 check digit; after a label (``NHS No.``, ``NHS no:``,
  ``NHS number``) ten digits in any grouping, whether or not the check digit is valid;
- full UK postcodes in any case, with or without the space;
- UK phone numbers in national (``020 7946 0000``, ``(020) 7946 0000``) and international form
  (``+44 20 7946 0000``, ``+44 (0)20 ...``, ``0044 ...``), and email addresses.

Base64 images embedded in HTML or notebooks, binary images, style sheets, drawing coordinates and
hash fields (hex digests such as sha256) are skipped; everything else a file shows is scanned (the
text and comments of SVG files, every XML part of a workbook). A hit names the file and the *kind*
of identifier, never the value.
"""

from __future__ import annotations

import functools
import html
import io
import json
import re
import shutil
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "IdentifierSet",
    "Hit",
    "Redaction",
    "scan_text",
    "scan_file",
    "scan_pack",
    "guard_pack",
    "redact",
    "nhs_number_valid",
    "withdraw_shareable",
    "KINDS",
    "MIN_ID_LENGTH",
]

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

_CHUNK = re.compile(r"[A-Za-z0-9]+")
_ID_PUNCT = frozenset("-/_.")
"""Separators that may join the parts of an identifier value (any identifier, digits-only included)."""
_ID_SPACE = frozenset(" \t\u00a0\u2007\u2009\u202f")
"""Spaces that may join the parts of an identifier value holding a letter (``C 00123``); a digits-only
value is never joined across a space (``100 234`` is two numbers in a table, not ``100234``)."""
_SEP = r"[ \t\u00a0\u2007\u2009\u202f.\-\u2010-\u2013]"
"""Separators people put inside NHS numbers: spaces (no-break and narrow no-break too), dots, dashes."""
# Patterns that begin with a lookbehind start with a lookahead of the characters a match can begin
# with (``(?=\d)``, ``(?=[+0(])``): it changes no match, and lets the engine pass over the other
# positions of a long page at once instead of trying the whole pattern at each.
_NHS = re.compile(
    rf"(?=\d)(?<![\w+])(?<!\d[.,])(?:\d{{3}}{_SEP}{{1,3}}\d{{3}}{_SEP}{{1,3}}\d{{4}}|\d{{10}})(?![\w]|[.,]\d|[-/]\d)"
)  # not the year of a date
_NHS_LABELLED = re.compile(
    rf"(?i)(?=n)\bnhs[\s_\-]*(?:no\b\.?|num\b\.?|number\b|#)?[\s:#=.\-]*"
    rf"((?:\d(?:{_SEP}|\s){{0,3}}){{9}}\d)(?![\w]|[.,]\d)"
)
_POSTCODE = re.compile(
    r"(?=[A-PR-UWYZ])(?<![#\w\-])(?:GIR[^\S\r\n]{0,2}0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?[^\S\r\n]{0,2}\d[ABD-HJLNP-UW-Z]{2})"
    r"(?![\w])",
    re.IGNORECASE,
)
_PH_SEP = r"[ \u00a0\u2007\u2009\u202f\-]"
_PHONE = re.compile(
    rf"(?=[+0(])(?<![\w+])(?<!\d[.,])(?:(?:\+|00)44{_PH_SEP}?(?:\(0\){_PH_SEP}?)?|\(?(?=0))"
    rf"\(?\d{{2,5}}\)?{_PH_SEP}?\d{{3,4}}{_PH_SEP}?\d{{3,4}}(?![\w]|[.,]\d)"
)
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}\b")
_DOB = re.compile(
    r"(?=[bd])\b(?:born|d\.?o\.?b\.?|date of birth)\b[:\s]*(?:on\s+)?"
    r"(\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}\s+[A-Za-z]{3,9}\s+\d{4})",
    re.IGNORECASE,
)
_LABELLED = re.compile(
    r"(?i)\b(?:nhs\s*(?:no|number)|child[\s_\-]?id|case[\s_\-]?ref(?:erence)?|person[\s_\-]?id"
    r"|d\.?o\.?b|date of birth|post\s?code|(?:home\s)?address|surname|full name)\b\s*[:=#]?\s*"
    r"(?!\[redacted\])[A-Za-z0-9]"
)
"""A labelled identifier the guard could not recognise (e.g. an id not in the inputs): free text
holding one cannot be cleared."""
_DATA_URI = re.compile(r"data:[\w/+.\-]+;base64,[A-Za-z0-9+/=\s\\n]+")
_HEX = re.compile(r"\b(?:[0-9a-fA-F]{64}|[0-9a-fA-F]{40})\b")
_HASH_VALUE = re.compile(r"(?:sha\d*[:-])?[0-9a-fA-F]{32,128}")
_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".pdf", ".parquet", ".pkl", ".gz", ".zip"}
"""Binary files the guard does not read (images, and binary data a pack never writes)."""
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


def _fold(value: str) -> str:
    """An identifier value with every separator removed, upper-cased (``c-00123`` -> ``C00123``)."""
    return re.sub(r"[^A-Za-z0-9]+", "", value).upper()


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
    folded: frozenset[str] = field(default=frozenset(), compare=False, repr=False)
    """The values holding a letter with separators removed (``C-00123`` -> ``C00123``), worked out
    from ``values`` (never given)."""

    @classmethod
    def from_columns(cls, columns: Mapping[str, Iterable[object]], names: Iterable[str] = ()) -> IdentifierSet:
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
        object.__setattr__(
            self, "folded", frozenset(f for f in map(_fold, long_) if len(f) >= MIN_ID_LENGTH and not f.isdigit())
        )
        object.__setattr__(self, "short", frozenset((_norm_col(c) if c else "", str(v).upper()) for c, v in short))
        object.__setattr__(
            self, "names", frozenset(re.sub(r"\s+", " ", str(n).strip()).lower() for n in self.names if str(n).strip())
        )

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
        out += _id_spans(text, ids)
    for col, val in ids.short:
        col_rx = (
            re.escape(col).replace("_", r"[\s_\-]?")
            if col
            else r"(?:child[\s_\-]?id|case[\s_\-]?ref(?:erence)?|person[\s_\-]?id|id|ref(?:erence)?)"
        )
        rx = re.compile(rf"(?i)\b{col_rx}\b\W{{0,3}}({re.escape(val)})(?![A-Za-z0-9])")
        for m in rx.finditer(text):
            out.append((m.start(1), m.end(1), "id"))
    if ids.names:
        out += [(m.start(), m.end(), "name") for m in _names_pattern(ids.names).finditer(text)]
    for m in _NHS.finditer(text):
        if nhs_number_valid(re.sub(r"\D", "", m.group(0))):
            out.append((m.start(), m.end(), "nhs"))
    # labelled as an NHS number: caught whatever the check digit (a mistyped number is still one)
    out += [(m.start(), m.end(1), "nhs") for m in _NHS_LABELLED.finditer(text)]
    out += [(m.start(), m.end(), "postcode") for m in _POSTCODE.finditer(text)]
    out += [(m.start(), m.end(), "phone") for m in _PHONE.finditer(text) if _uk_phone(m.group(0))]
    if "@" in text:
        out += [(m.start(), m.end(), "email") for m in _EMAIL.finditer(text)]
    out += [(m.start(1), m.end(1), "dob") for m in _DOB.finditer(text)]
    return out


def _id_spans(text: str, ids: IdentifierSet) -> list[tuple[int, int, str]]:
    """Identifier values from the inputs: whole runs of letters and digits, joined by separators.

    A run of parts of the text (``CH000123``; ``AUD-2026-0042``; ``C 00123``) is a hit when it is
    one of the values as written (case aside), or, for a value holding a letter, when it is one once
    separators are removed and case folded on both sides. Runs are looked at only up to the length of
    the longest value, so a long page costs little more than reading it.
    """
    prefixes = _prefixes_of(ids.values)
    out: list[tuple[int, int, str]] = []
    # a run can only begin with a chunk one of the values begins with: its first character is a
    # value's first character, in either case (most words of a page are passed over by the pattern)
    initials = "".join(c for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c in prefixes)
    if not initials:
        return out  # no value holds a letter or digit
    first_chunks = re.compile(rf"(?=[{re.escape(initials + initials.lower())}])(?<![A-Za-z0-9])[A-Za-z0-9]+")
    for first in first_chunks.finditer(text):
        folded = first.group().upper()
        if folded not in prefixes:
            continue  # most words: no identifier value begins like this
        start, end = first.span()
        spaced = False
        while True:
            if (not spaced and text[start:end].upper() in ids.values) or folded in ids.folded:
                out.append((start, end, "id"))
                break
            chunk = _CHUNK.search(text, end)  # the next chunk, joined to the run by the gap before it
            if chunk is None:
                break
            gap = text[end : chunk.start()]
            if not gap or len(gap) > 2 or not set(gap) <= (_ID_PUNCT | _ID_SPACE):
                break
            spaced = spaced or bool(set(gap) & _ID_SPACE)
            folded += chunk.group().upper()
            if folded not in prefixes:
                break
            end = chunk.end()
    return out


@functools.lru_cache(maxsize=2)
def _prefixes_of(values: frozenset[str]) -> frozenset[str]:
    """Every beginning of every value with separators removed (worked out once per run's set)."""
    return frozenset(f[:i] for f in map(_fold, values) for i in range(1, len(f) + 1))


@functools.lru_cache(maxsize=4)
def _names_pattern(names: frozenset[str]) -> re.Pattern[str]:
    """One pattern for every name of the list: whole words, any case, any spaces between parts."""
    alts = sorted((r"\s+".join(re.escape(p) for p in n.split(" ")) for n in names), key=len, reverse=True)
    # a lookahead of the names' first letters first, as for the fixed patterns above (speed only)
    initials = re.escape("".join(sorted({n[0] for n in names})))
    return re.compile(rf"(?i)(?=[{initials}])(?<![A-Za-z])(?:" + "|".join(alts) + r")(?![A-Za-z])")


def _uk_phone(found: str) -> bool:
    """Whether a phone-shaped run is a UK number: 9 or 10 digits after the country code or trunk 0,
    starting 1, 2, 3, 5, 7, 8 or 9 (Ofcom's national numbering plan)."""
    digits = re.sub(r"\D", "", found)
    if found.startswith("+"):
        digits = digits[2:]
    elif digits.startswith("0044"):
        digits = digits[4:]
    elif not digits.startswith("0"):
        return False
    if digits.startswith("0"):
        digits = digits[1:]
    return len(digits) in (9, 10) and digits[0] in "1235789"


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
    """What a file shows a reader, for scanning: embedded base64 images, style sheets, drawing
    coordinates and hash fields removed; in SVG files the text and comments (matplotlib writes each
    label as a comment beside its glyphs); character references decoded (``&#64;`` is ``@``)."""
    text = _DATA_URI.sub(" ", text)
    if suffix in (".html", ".htm", ".svg", ".xml"):
        text = _STYLE.sub(" ", text)
        # drawing data (path coordinates, transforms) is numbers only, never text a person wrote
        text = _GEOMETRY.sub(" ", text)
    if suffix in (".svg", ".xml"):
        text = re.sub(r"<!--|-->", " ", text)
        text = re.sub(r"<[^>]+>", " ", text)  # what an SVG shows is its text nodes (and its comments)
    if suffix in (".html", ".htm", ".svg", ".xml"):
        return html.unescape(text)
    if suffix in (".ipynb", ".json"):
        try:
            doc = json.loads(text)
        except ValueError:
            return _HEX.sub(" ", text)
        return json.dumps(_drop_json(doc), ensure_ascii=False, indent=0)
    return _HEX.sub(" ", text) if suffix in (".log", ".txt", ".yaml", ".yml", ".md") else text


def _drop_json(doc: object) -> object:
    if isinstance(doc, dict):
        out = {}
        for k, v in doc.items():
            ks = str(k).lower()
            if ks.startswith("image/") or ks in ("application/pdf",):
                continue
            if (
                isinstance(v, str)
                and ("sha" in ks or "hash" in ks or "digest" in ks or "md5" in ks)
                and _HASH_VALUE.fullmatch(v.strip())
            ):
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
                # every XML part (cells, shared strings, properties), and the targets of hyperlinks,
                # which are kept in the relationships
                parts = [z.read(n).decode("utf-8", "ignore") for n in z.namelist() if n.endswith(".xml")]
                parts += [
                    " ".join(re.findall(r'Target="([^"]*)"', z.read(n).decode("utf-8", "ignore")))
                    for n in z.namelist()
                    if n.endswith(".rels")
                ]
        except zipfile.BadZipFile:
            parts = [data.decode("utf-8", "ignore")]
        text = "\n".join(parts)
        text = re.sub(r"<[^>]+>", " ", text)
        return html.unescape(text)
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
    """Guard hits in every file under ``root`` (a pack folder: ``internal/``, ``shareable/``,
    ``manifest.json`` and ``run.log``), hits named by their path relative to ``root``.

    Every text-bearing file is read (HTML, CSV, Markdown, JSON, notebooks, logs, SVG text and
    comments, every XML part of a workbook); only binary images are left out. Call it after the
    last file of the pack (the manifest included) is written.
    """
    root = Path(root)
    hits: list[Hit] = []
    for p in sorted(root.rglob("*")):
        if p.is_file():
            hits += scan_file(p, ids, shown=p.relative_to(root).as_posix())
    return hits


def withdraw_shareable(pack: Path) -> bool:
    """Remove ``shareable/`` from a refused run's folder, so that refused text is kept nowhere a
    scrutineer's copy could be taken from; return whether there was one. ``internal/`` (the
    executed notebooks showing why) and ``run.log`` stay for the analyst."""
    share = Path(pack) / "shareable"
    if not share.exists():
        return False
    shutil.rmtree(share, ignore_errors=True)
    return True


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
