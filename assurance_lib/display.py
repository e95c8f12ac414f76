"""Tables for reading: what a notebook displays (never what it publishes).

The scrutineer reads the rendered notebooks, not the CSV files: a displayed table needs a caption,
plain column headings, every cell in full (pandas' own display cuts long text with "...") and no
row index, which means nothing to a reader. :func:`styled` gives that, as a pandas ``Styler``
whose ``.data`` is the frame unchanged. Suppression symbols (``[c]``, ``[low]``, ``[x]``,
``[z]``) and other text pass through as they are.

This is the one table renderer of the workbench: every table a notebook shows goes through
:func:`styled`, and every Markdown passage written from the inputs through :func:`markdown`.
Everything in them that came from the inputs is escaped (cells, headings, the caption): text an
agency or auditor wrote is shown as text, never run as markup (see :mod:`assurance_lib.safe_text`).

A published table too wide to read on an A4 page declares the reader's selection of its columns
(:attr:`assurance_lib.tables.TableSpec.page_columns`): :func:`published` shows those columns and
says in a line under the table where every column is (``tables/<name>.csv`` and the workbook);
:func:`selected` does the same for a table published without a spec (a flags file, with
:data:`assurance_lib.tables.FLAG_PAGE_COLUMNS`). What is published is never changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
from pandas.io.formats.style import Styler

from .safe_text import escape_text, markdown_html
from .tables import FLAG_PAGE_COLUMNS, TableSpec

__all__ = ["styled", "published", "selected", "flags", "markdown", "COLUMN_LABELS", "column_label"]

COLUMN_LABELS: dict[str, str] = {
    "period": "Period",
    "stage": "Stage code",
    "stage_label": "Stage",
    "measure": "Measure",
    "count_type": "Count type",
    "window": "Window",
    "group_type": "Group type",
    "group": "Group",
    "group_label": "Group",
    "reference_group": "Reference group",
    "count": "Children",
    "denominator": "Denominator",
    "value": "Value",
    "lower_95": "95% CI lower",
    "upper_95": "95% CI upper",
    "lower_998": "99.8% CI lower",
    "upper_998": "99.8% CI upper",
    "method": "Method",
    "p_value": "p-value",
    "q_value": "q-value",
    "flag": "Flag",
    "denominator_source": "Denominator source",
    "area_type": "Area type",
    "area_name": "Area",
    "year": "Year",
    "population": "Population",
    "severity": "Severity",
    "statement": "Finding",
    "item": "Item",
    "note": "Note",
}
"""Column name -> heading shown to the reader; other names are shown with ``_`` as spaces."""

_AS_TEXT = re.compile(r"(^|_)(year|period|code|id|decile)($|_)")
"""Columns whose numbers are labels (a year is not 2,025)."""


_FILE_PATH = re.compile(r"[A-Za-z][\w.-]*(?:/[\w.-]+)+\.[a-z0-9]{2,5}")
"""A pack file's path (``letters/section11_feedback_northshire_police.html``): shown with a break
opportunity after each ``/`` and ``_``, so that a column of long file names wraps on a printed page
instead of running past its edge (the text, copied or read aloud, is unchanged)."""
_BREAK_AFTER = re.compile(r"([/_])")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
"""A date (``2026-06-30``): kept on one line, not broken at a hyphen in a narrow column."""


def column_label(name: Any, labels: Mapping[str, str] | None = None) -> str:
    """The heading shown for a column: from ``labels``, :data:`COLUMN_LABELS`, or the name itself
    (``_`` as spaces; a count ``n_x`` as ``X``, a percentage ``pct_x`` as ``% x``).

    Examples
    --------
    >>> column_label("lower_95"), column_label("percent of children"), column_label("rate_ratio")
    ('95% CI lower', 'Percent of children', 'Rate ratio')
    >>> column_label("n_cases"), column_label("pct_good_or_better")
    ('Cases', '% good or better')
    """
    key = str(name)
    if labels and key in labels:
        return labels[key]
    if key in COLUMN_LABELS:
        return COLUMN_LABELS[key]
    if key.startswith("pct_"):
        return "% " + key[4:].replace("_", " ").strip()
    if key.startswith("n_") and len(key) > 2:
        key = key[2:]
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _whole(values: pd.Series) -> bool:
    """Whether every number in the column is a whole number (a count, shown without decimals)."""
    nums = [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool) and not pd.isna(v)]
    return all(f.is_integer() for f in nums)


def _formatter(column: str, decimals: int, whole: bool):
    as_text = bool(_AS_TEXT.search(column.lower()))

    def fmt(v: Any) -> str:
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return ""
        if isinstance(v, bool):
            return "yes" if v else "no"
        if isinstance(v, (int, float)) and not as_text:
            f = float(v)
            return f"{int(f):,}" if whole else f"{f:,.{decimals}f}"
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        text = str(v)
        if _FILE_PATH.fullmatch(text):
            return _BREAK_AFTER.sub(r"\1<wbr>", text)
        if _ISO_DATE.fullmatch(text):
            return f'<span style="white-space: nowrap">{text}</span>'
        return text

    return fmt


def styled(
    frame: pd.DataFrame,
    caption: str,
    *,
    labels: Mapping[str, str] | None = None,
    decimals: int | Mapping[str, int] = 3,
    uid: str | None = None,
) -> Any:
    """A frame for display: captioned, plain headings, no index, every cell in full.

    Parameters
    ----------
    frame : DataFrame
        The table (unchanged: the returned ``Styler``'s ``.data``).
    caption : str
        What the table is, shown above it (and read first by a screen reader).
    labels : mapping, optional
        Column headings for this table, before :data:`COLUMN_LABELS`.
    decimals : int or mapping of column to int
        Decimal places of a column's numbers (default 3); a column whose numbers are all whole
        (counts) is shown with thousands separators and no decimals. Label columns (years, codes,
        deciles) are shown as they are.
    uid : str, optional
        HTML id stem of the table (default: from the caption), so that rendered packs are stable.

    Returns
    -------
    pandas.io.formats.style.Styler
        Every cell, heading and the caption HTML-escaped: a cell holding ``<script>`` shows those
        characters.
    """
    return _render(Styler, frame, caption, labels=labels, decimals=decimals, uid=uid)


def _render(
    cls: type[Styler],
    frame: pd.DataFrame,
    caption: str,
    *,
    labels: Mapping[str, str] | None,
    decimals: int | Mapping[str, int],
    uid: str | None,
) -> Any:
    uid = uid or "t_" + re.sub(r"[^a-z0-9]+", "_", str(caption).lower())[:40]
    uid = re.sub(r"[^A-Za-z0-9_\-]", "_", uid)
    shown = frame.reset_index(drop=True)
    per = decimals if isinstance(decimals, Mapping) else {}
    default = decimals if isinstance(decimals, int) else 3
    formats = {c: _formatter(str(c), int(per.get(str(c), default)), _whole(shown[c])) for c in shown.columns}
    heads = {c: column_label(c, labels) for c in shown.columns}
    return (
        cls(shown)
        .set_uuid(uid)
        .hide(axis="index")
        .set_caption(escape_text(caption))
        .format(formats, escape="html")
        .format_index(lambda c: heads.get(c, str(c)), axis="columns", escape="html")
    )


class _NotedStyler(Styler):
    """A ``Styler`` that renders a one-line note (already HTML) under its table (in ``to_html``,
    which a notebook's display calls through ``_repr_html_``)."""

    note_html: str = ""

    def to_html(self, buf: Any = None, *, encoding: str | None = None, **kwargs: Any) -> str | None:  # type: ignore[override]
        from pandas.io.formats.format import save_to_buffer

        html = super().to_html(**kwargs) + self.note_html
        return save_to_buffer(html, buf=buf, encoding=encoding if buf is not None else None)


def selected(
    frame: pd.DataFrame,
    caption: str,
    *,
    table: str,
    columns: Iterable[str],
    labels: Mapping[str, str] | None = None,
    decimals: int | Mapping[str, int] = 3,
    uid: str | None = None,
) -> Any:
    """A reader's selection of a published table's columns, with a line saying where every column is.

    Parameters
    ----------
    frame : DataFrame
        The published table (as ``Publisher.table`` or ``Publisher.flags`` returned it; unchanged).
    caption : str
        What the table is (see :func:`styled`).
    table : str
        The published table's name: its file is ``tables/<table>.csv`` and its workbook sheet is
        named after it.
    columns : iterable of str
        The columns to show, in order; empty: every column, and no note (as :func:`styled`).
    labels, decimals, uid
        As :func:`styled`.

    Returns
    -------
    pandas.io.formats.style.Styler
        The selected columns as :func:`styled` shows them (its ``.data``: those columns of
        ``frame``), rendered with the note under the table, e.g. "Showing 6 of the 20 columns.
        Every column: tables/flags_section11.csv, and sheet flags_section11 of the workbook
        assurance_tables.xlsx." (both file names are links).

    Raises
    ------
    ValueError
        A selected column that the table lacks (naming the table and the column).
    """
    from .workbook import WORKBOOK_NAME, sheet_names

    columns = tuple(columns)
    if not columns:
        return styled(frame, caption, labels=labels, decimals=decimals, uid=uid)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"table {table}: page column(s) {', '.join(repr(c) for c in missing)} not in the published table "
            f"(its columns: {', '.join(map(str, frame.columns))})"
        )
    shown = _render(_NotedStyler, frame[list(columns)], caption, labels=labels, decimals=decimals, uid=uid)
    csv, sheet = f"tables/{table}.csv", sheet_names([table])[0]  # a name of up to 31 characters is its sheet's
    shown.note_html = (
        f'<p class="assurance-table-note">Showing {len(columns)} of the {frame.shape[1]} columns. Every column: '
        f'<a href="{escape_text(csv)}">{escape_text(csv)}</a>, and sheet {escape_text(sheet)} of the workbook '
        f'<a href="tables/{WORKBOOK_NAME}">{WORKBOOK_NAME}</a>.</p>'
    )
    return shown


def published(
    frame: pd.DataFrame,
    spec: TableSpec,
    *,
    caption: str | None = None,
    decimals: int | Mapping[str, int] = 3,
    uid: str | None = None,
) -> Any:
    """A published table for display, as its spec declares: the columns of ``spec.page_columns``
    (every column when it is empty) with ``spec.page_labels`` as headings, captioned with
    ``spec.title`` (or ``caption``); see :func:`selected`.

    Examples
    --------
    >>> spec = TableSpec(name="t", title="Wide", unit="agencies", rule="organisations", source="s",
    ...                  page_columns=("agency", "rating"), page_labels={"rating": "Panel rating"})
    >>> frame = pd.DataFrame({"agency": ["Police"], "rating": [2], "code": ["P1"]})
    >>> list(published(frame, spec).data.columns)
    ['agency', 'rating']
    >>> "tables/t.csv" in published(frame, spec).to_html()
    True
    """
    return selected(
        frame,
        caption or spec.title,
        table=spec.name,
        columns=spec.page_columns,
        labels=spec.page_labels,
        decimals=decimals,
        uid=uid,
    )


def flags(frame: pd.DataFrame, caption: str, *, analysis: str, uid: str | None = None) -> Any:
    """A published flags file (``flags_<analysis>.csv``) for display: :data:`~assurance_lib.tables.FLAG_PAGE_COLUMNS`
    (subject, finding, direction, evidence, affected, agency), see :func:`selected`. A flags file of
    the older contract, with ``severity`` and no ``evidence`` column, shows its severity instead."""
    columns = [c if c != "evidence" or "evidence" in frame.columns else "severity" for c in FLAG_PAGE_COLUMNS]
    return selected(frame, caption, table=f"flags_{analysis}", columns=columns, uid=uid)


def markdown(md: str, *, pack_files: Iterable[str] = (), css_class: str = "assurance-text") -> Any:
    """Markdown for display in a notebook (and so in the pack's pages), safe whatever it holds.

    Use this instead of ``IPython.display.Markdown`` for any text written from the inputs
    (briefings, scorecards, commentary, report sections): nbconvert passes raw HTML in Markdown
    output through to the page. See :func:`assurance_lib.safe_text.markdown_html` for the rules
    (raw HTML shown as text, links kept only to ``pack_files``).

    Returns
    -------
    IPython.display.HTML
    """
    from IPython.display import HTML

    return HTML(markdown_html(md, pack_files=pack_files, css_class=css_class))
