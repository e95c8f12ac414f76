"""Scorecards and feedback letters as accessible HTML pages that print cleanly on A4, and as Word documents.

A letter is a title and a list of :class:`Block` (headings, paragraphs, bulleted lists, tables),
built once by the analysis and rendered twice:

- :func:`page`: one self-contained HTML page (no script, no external resource, no image): a ``lang``
  attribute, one ``h1``, ordered headings, tables with captions and header scopes, print rules for
  A4 (``@page``, tables that do not split rows, links printed as text). Every value that came from
  the inputs is escaped with :func:`assurance_lib.safe_text.escape_text`.
- :func:`word`: the same content as a Word document (python-docx): A4 with 15 mm margins, the
  title as Heading 1 and the headings as Heading 2, captioned tables whose header row repeats on
  each page and whose rows do not split. Every value goes in as a plain text run (never a field,
  a hyperlink or markup), so ``=HYPERLINK(...)`` or ``<script>`` in an input is shown as it reads.

The letter holds no free text of the agencies (no evidence narratives, no action text).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..safe_text import escape_text as _e

__all__ = ["Block", "page", "word", "table", "paragraph", "heading", "bullets"]

_CSS = """
body{font-family:Arial,Helvetica,sans-serif;color:#0b0c0c;background:#fff;margin:0 auto;max-width:52rem;
padding:1rem;line-height:1.45;font-size:1rem}
h1{font-size:1.6rem;border-bottom:4px solid #12436d;padding-bottom:.3rem}
h2{font-size:1.25rem;margin-top:1.5rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.9rem}
caption{text-align:left;font-weight:bold;padding:.25rem 0}
th,td{border:1px solid #b1b4b6;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#f3f2f1}
.not-met{font-weight:bold}
.meta{color:#505a5f}
@page{size:A4;margin:15mm}
@media print{body{max-width:none;padding:0;font-size:10pt}h1{font-size:16pt}h2{font-size:12.5pt;break-after:avoid}
tr{break-inside:avoid}thead{display:table-header-group}a{color:#0b0c0c;text-decoration:none}}
"""


@dataclass(frozen=True, slots=True)
class Block:
    """One part of a letter: ``kind`` is ``heading``, ``paragraph``, ``bullets`` or ``table``.

    Attributes
    ----------
    kind : str
        What the block is.
    text : str
        The heading or paragraph text, or the table's caption (plain text, not escaped).
    level : int
        A heading's level (2 below the letter's title).
    css : str
        A paragraph's class in the HTML page (``meta`` for the line under the title).
    items : tuple of str
        A bulleted list's items.
    frame : DataFrame or None
        A table's rows; the first column is the row header.
    """

    kind: str
    text: str = ""
    level: int = 2
    css: str = ""
    items: tuple[str, ...] = ()
    frame: pd.DataFrame | None = None

    def html(self) -> str:
        """The block as escaped HTML."""
        if self.kind == "heading":
            return f"<h{self.level}>{_e(self.text)}</h{self.level}>"
        if self.kind == "paragraph":
            cls = f' class="{_e(self.css)}"' if self.css else ""
            return f"<p{cls}>{_e(self.text)}</p>"
        if self.kind == "bullets":
            return "<ul>" + "".join(f"<li>{_e(i)}</li>" for i in self.items) + "</ul>"
        if self.kind == "table" and self.frame is not None:
            return _table_html(self.frame, self.text)
        raise ValueError(f"letter block of unknown kind {self.kind!r}")


def heading(text: str, level: int = 2) -> Block:
    """A heading."""
    return Block("heading", text=text, level=level)


def paragraph(text: str, css: str = "") -> Block:
    """A paragraph (``css`` is its class in the HTML page)."""
    return Block("paragraph", text=text, css=css)


def bullets(items: Sequence[str]) -> Block:
    """A bulleted list."""
    return Block("bullets", items=tuple(str(i) for i in items))


def table(frame: pd.DataFrame, caption: str) -> Block:
    """A table with a caption; the first column is the row header, empty cells stay blank."""
    return Block("table", text=caption, frame=frame)


def _cell(v: Any) -> str:
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)


def _table_html(frame: pd.DataFrame, caption: str) -> str:
    """A table with a caption and column headers (``scope="col"``); every cell escaped, empty cells blank.

    A cell reading ``Not met`` (or the first column's value, as a row header) is marked for print.
    """
    head = "".join(f'<th scope="col">{_e(c)}</th>' for c in frame.columns)
    rows = []
    for _, r in frame.iterrows():
        vals = [_cell(v) for v in r]
        tds = [f'<th scope="row">{_e(vals[0])}</th>'] + [
            f'<td class="not-met">{_e(v)}</td>' if v.lower() == "not met" else f"<td>{_e(v)}</td>" for v in vals[1:]
        ]
        rows.append("<tr>" + "".join(tds) + "</tr>")
    return (
        f"<table><caption>{_e(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def page(title: str, body: Sequence[Block]) -> str:
    """A complete HTML page: ``title`` as the page title and ``h1``, then the blocks, escaped."""
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{_e(title)}</title>'
        f"<style>{_CSS}</style></head><body><main><h1>{_e(title)}</h1>\n"
        + "\n".join(b.html() for b in body)
        + "\n</main></body></html>\n"
    )


# characters XML 1.0 cannot hold (python-docx would refuse them): dropped from the document's text
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _plain(text: Any) -> str:
    return _NOT_XML.sub("", _cell(text))


def word(title: str, body: Sequence[Block]) -> bytes:
    """The same letter as a Word document (``.docx`` bytes): every value a plain text run.

    A4 with 15 mm margins; ``title`` is the document title (its properties) and its Heading 1;
    headings are Heading 2 (or their level); paragraphs and bulleted lists in the template's
    Normal and List Bullet styles; each table follows its caption (Caption style), has a header
    row that repeats on each page, rows that do not split, and ``Not met`` cells in bold.
    """
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.shared import Mm

    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.left_margin = sec.right_margin = sec.top_margin = sec.bottom_margin = Mm(15)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by, props.comments = _plain(title), "", "", ""
    props.language = "en-GB"
    doc.add_heading(_plain(title), level=1)
    for b in body:
        if b.kind == "heading":
            doc.add_heading(_plain(b.text), level=b.level)
        elif b.kind == "paragraph":
            doc.add_paragraph(_plain(b.text))
        elif b.kind == "bullets":
            for item in b.items:
                doc.add_paragraph(_plain(item), style="List Bullet")
        elif b.kind == "table" and b.frame is not None:
            doc.add_paragraph(_plain(b.text), style="Caption")
            frame = b.frame
            t = doc.add_table(rows=1 + len(frame), cols=len(frame.columns))
            t.style = "Table Grid"
            # a row's own cells (Table.cell(i, j) works out every cell of the table at each call)
            for cell, c in zip(t.rows[0].cells, frame.columns):
                cell.paragraphs[0].add_run(_plain(c)).bold = True
            for i, (_, r) in enumerate(frame.iterrows(), start=1):
                for j, (cell, v) in enumerate(zip(t.rows[i].cells, r)):
                    text = _plain(v)
                    cell.paragraphs[0].add_run(text).bold = j == 0 or text.lower() == "not met"
            for i, row in enumerate(t.rows):
                tr_pr = row._tr.get_or_add_trPr()
                tr_pr.append(OxmlElement("w:cantSplit"))
                if i == 0:  # repeated on each page, and read as the header row by screen readers
                    tr_pr.append(OxmlElement("w:tblHeader"))
        else:
            raise ValueError(f"letter block of unknown kind {b.kind!r}")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
