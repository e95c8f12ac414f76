"""Scorecards and feedback letters as accessible HTML pages that print cleanly on A4.

One self-contained page per organisation (no script, no external resource, no image): a ``lang``
attribute, one ``h1``, ordered headings, tables with captions and header scopes, print rules for
A4 (``@page``, tables that do not split rows, links printed as text). Every value that came from
the inputs is escaped with :func:`assurance_lib.safe_text.escape_text`; the page holds no free
text of the agencies (no evidence narratives, no action text).
"""

from __future__ import annotations

from typing import Any, Sequence

import pandas as pd

from ..safe_text import escape_text as _e

__all__ = ["page", "table_html", "paragraph", "heading", "bullets"]

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


def heading(text: str, level: int = 2) -> str:
    """An escaped heading."""
    return f"<h{level}>{_e(text)}</h{level}>"


def paragraph(text: str, css: str = "") -> str:
    """An escaped paragraph."""
    cls = f' class="{_e(css)}"' if css else ""
    return f"<p{cls}>{_e(text)}</p>"


def bullets(items: Sequence[str]) -> str:
    """An escaped bulleted list."""
    return "<ul>" + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>"


def table_html(frame: pd.DataFrame, caption: str) -> str:
    """A table with a caption and column headers (``scope="col"``); every cell escaped, empty cells blank.

    A cell reading ``Not met`` (or the first column's value, as a row header) is marked for print.
    """
    def cell(v: Any) -> str:
        return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)

    head = "".join(f'<th scope="col">{_e(c)}</th>' for c in frame.columns)
    rows = []
    for _, r in frame.iterrows():
        vals = [cell(v) for v in r]
        tds = [f'<th scope="row">{_e(vals[0])}</th>'] + [
            f'<td class="not-met">{_e(v)}</td>' if v.lower() == "not met" else f"<td>{_e(v)}</td>" for v in vals[1:]]
        rows.append("<tr>" + "".join(tds) + "</tr>")
    return f"<table><caption>{_e(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def page(title: str, body: Sequence[str]) -> str:
    """A complete page: ``title`` as the page title and ``h1``, then the (already escaped) ``body`` parts."""
    return ("<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{_e(title)}</title>"
            f"<style>{_CSS}</style></head><body><main><h1>{_e(title)}</h1>\n" + "\n".join(body) + "\n</main></body></html>\n")
