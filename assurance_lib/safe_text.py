"""Text from the inputs, made safe for the places a pack puts it.

Agencies, auditors and the partnership write free text (agency names, sectors, Section 11 actions,
audit findings, commentary, the partnership's name) that the pack shows in HTML pages, CSV files, a
workbook and Markdown files. Whatever it holds, it must stay text:

- :func:`escape_text`: a plain string for HTML (captions, chart titles, alt text, headings):
  ``<``, ``>``, ``&`` and quotes become character references, so no tag or attribute can start;
- :func:`markdown_html`: Markdown to an HTML fragment with raw HTML shown as text, and links kept
  only where they point at one of the pack's own files (everything else, ``javascript:`` above
  all, is shown as plain text); the result is passed through the nh3 sanitiser (the Ammonia
  library) as a second, independent guard;
- :func:`markdown_text`: Markdown for a published ``.md`` file: no raw HTML, and no link with a
  scheme that runs code;
- :func:`neutralise_cell` / :func:`neutralise_frame`: CSV and spreadsheet cells. A text cell
  starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is taken by Excel and
  LibreOffice for a formula; as OWASP advises for CSV injection it is prefixed with a single
  quote. Numbers stay numbers (``-0.25`` is a number, ``-cmd|' /C calc'!A0`` is not).

This module sits at the bottom of the library (it imports nothing from it), so that display,
charts, publish and the workbook all use the same rules.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

__all__ = [
    "escape_text",
    "markdown_html",
    "markdown_text",
    "neutralise_cell",
    "neutralise_frame",
    "FORMULA_TRIGGERS",
    "pack_files",
]

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection")."""

_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[-+]?inf")
"""A plain number as pandas writes one (``-0.25``, ``+3``, ``1e-07``, ``-inf``)."""

_TAGS = frozenset(
    {
        "p",
        "em",
        "strong",
        "b",
        "i",
        "a",
        "ul",
        "ol",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "code",
        "pre",
        "blockquote",
        "br",
        "hr",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "del",
    }
)
"""What Markdown makes (images left out: a pack loads nothing, and an image is not text)."""

_SAFE_SCHEMES = ("http", "https", "mailto")
_MD_LINK = re.compile(r"(?<!\\)\[([^\]\n]*)\]\(\s*([^)\s]*)")
_MD_REF = re.compile(r"(?m)^( {0,3})\[([^\]\n]+)\]:\s*(\S+)")
_SCHEME = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.\-]*):")


def escape_text(value: Any) -> str:
    """A plain string for HTML: nothing in it can start a tag or end an attribute.

    Examples
    --------
    >>> escape_text('<img src=x onerror="go()"> & co')
    '&lt;img src=x onerror=&quot;go()&quot;&gt; &amp; co'
    >>> escape_text(None)
    ''
    """
    return html.escape("" if value is None else str(value), quote=True)


def pack_files(shareable: Any) -> frozenset[str]:
    """The files of a pack's ``shareable/`` folder as links from its pages (``tables/x.csv``)."""
    from pathlib import Path

    root = Path(shareable)
    if not root.is_dir():
        return frozenset()
    return frozenset(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def markdown_html(md: str, *, pack_files: Iterable[str] = (), css_class: str = "assurance-text") -> str:
    """Markdown from the inputs (or written around them) as a safe HTML fragment.

    Raw HTML in the text is shown as text, never run; a link is kept only when its target (before
    any ``#``) is one of ``pack_files`` (paths relative to the page, such as ``tables/flags_audits.csv``)
    (``tables/t.csv#row``); any other link (another site, ``javascript:``, a target that is not a
    URL) is shown as its label. Kept links are underlined, so that they are not
    told apart from text by colour alone. Images are left out.

    Parameters
    ----------
    md : str
        The Markdown.
    pack_files : iterable of str
        The pack's own files a link may point at (see :func:`pack_files`).
    css_class : str
        Class of the ``div`` the fragment is wrapped in.

    Examples
    --------
    >>> markdown_html("See [the table](tables/t.csv) <b>x</b>", pack_files={"tables/t.csv"})
    '<div class="assurance-text"><p>See <a style="text-decoration:underline" href="tables/t.csv">the table</a> &lt;b&gt;x&lt;/b&gt;</p>\\n</div>'
    >>> markdown_html("[click](javascript:go()) <script>go()</script>")
    '<div class="assurance-text"><p>click &lt;script&gt;go()&lt;/script&gt;</p>\\n</div>'
    """
    import mistune
    import nh3

    allowed = frozenset(str(f) for f in pack_files)
    body = mistune.create_markdown(escape=True)(str(md))

    def keep(tag: str, attr: str, value: str) -> str | None:
        if tag == "a" and attr == "href":
            return value if value.split("#", 1)[0] in allowed else None
        return value

    body = nh3.clean(
        body,
        tags=set(_TAGS),
        attributes={"a": {"href"}, "th": {"align"}, "td": {"align"}},
        attribute_filter=keep,
        url_schemes=set(),
        link_rel=None,
        strip_comments=True,
        clean_content_tags={"script", "style"},
    )
    # a link that lost its target is plain text; a kept one is underlined
    body = re.sub(r"<a>(.*?)</a>", r"\1", body, flags=re.S)
    body = body.replace("<a href=", '<a style="text-decoration:underline" href=')
    return f'<div class="{escape_text(css_class)}">{body}</div>'


def markdown_text(md: str) -> str:
    """Markdown for a published ``.md`` file: raw HTML from the inputs shown as text, and links
    whose scheme is not ``http``, ``https`` or ``mailto`` (``javascript:``, ``data:``) shown as text.

    Relative links (the pack's own files) and text without ``<`` are unchanged.

    Examples
    --------
    >>> markdown_text("Seen <script>go()</script> [a](tables/t.csv) [b](javascript:go())")
    'Seen &lt;script>go()&lt;/script> [a](tables/t.csv) \\\\[b](javascript:go())'
    """
    text = str(md).replace("<", "&lt;")

    def link(m: re.Match[str]) -> str:
        scheme = _SCHEME.match(m.group(2))
        return "\\" + m.group(0) if scheme and scheme.group(1).lower() not in _SAFE_SCHEMES else m.group(0)

    def ref(m: re.Match[str]) -> str:
        scheme = _SCHEME.match(m.group(3))
        return (
            f"{m.group(1)}\\{m.group(0)[len(m.group(1)) :]}"
            if scheme and scheme.group(1).lower() not in _SAFE_SCHEMES
            else m.group(0)
        )

    return _MD_REF.sub(ref, _MD_LINK.sub(link, text))


def neutralise_cell(value: Any) -> Any:
    r"""A cell as a spreadsheet must read it: text starting with a formula trigger gets a ``'`` in front.

    A carriage return inside text becomes a line feed: a CSV writer quotes a field holding a line
    feed, but not one holding only a carriage return, which a spreadsheet then reads as the end of
    the row.

    Examples
    --------
    >>> [neutralise_cell(v) for v in ["-0.25", "-cmd|' /C calc'!A0", '=HYPERLINK("http://x","y")', "+SUM(1)", "@cmd"]]
    ['-0.25', "'-cmd|' /C calc'!A0", '\'=HYPERLINK("http://x","y")', "'+SUM(1)", "'@cmd"]
    >>> neutralise_cell(-0.25), neutralise_cell("[c]"), neutralise_cell("\tx"), neutralise_cell("\rx\r\ny")
    (-0.25, '[c]', "'\tx", "'\nx\ny")
    """
    if not isinstance(value, str):
        return value
    out = value
    if out.startswith(FORMULA_TRIGGERS) and not _NUMBER.fullmatch(out):
        out = "'" + out
    if "\r" in out:
        out = out.replace("\r\n", "\n").replace("\r", "\n")
    return out if out != value else value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame to be written as CSV or cells, with :func:`neutralise_cell` applied to every text
    cell and column name; numeric columns, and cells that are plain numbers, are left as they are.

    The frame is returned unchanged (the same object) when no cell needs it, so that published
    files stay byte-identical.
    """
    out = frame
    for col in frame.columns:
        s = frame[col]
        if pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
            continue
        needs = s.map(lambda v: isinstance(v, str) and neutralise_cell(v) is not v, na_action="ignore")
        needs = needs.fillna(False).astype(bool)
        if needs.any():
            if out is frame:
                out = frame.copy()
            out[col] = s.where(~needs, s.map(neutralise_cell, na_action="ignore"))
    names = [neutralise_cell(c) for c in frame.columns]
    if any(n is not c for n, c in zip(names, frame.columns)):
        out = out.copy() if out is frame else out
        out.columns = names
    return out
