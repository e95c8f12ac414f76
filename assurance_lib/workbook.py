"""The pack's accessible Excel workbook (``shareable/tables/assurance_tables.xlsx``).

One workbook per pack, following the Government Analysis Function guidance on releasing
statistics in spreadsheets: a cover sheet, a contents sheet, a notes sheet, one table per
sheet (marked up as an Excel table), no merged cells, no colour used to carry meaning, and the
shorthand symbols explained. It is built with `gptables <https://gptables.readthedocs.io>`_
(the Analysis Function's own library), never by hand formatting.

Every CSV table of ``shareable/tables/`` is placed in the workbook exactly as published (the
workbook never sees unprotected values): declared tables with their title, source and notes
from ``index.json``; a CSV missing from ``index.json`` is still included and its notes say it
was not declared. Values that are numbers are written as numbers; shorthand such as ``[c]``
stays as text, as the guidance advises.

Text from the inputs is written as text and only as text: never as a formula (cells starting with
``=``, ``+``, ``-`` or ``@`` already carry the ``'`` the CSV files give them, and the writer's own
conversion of strings to formulas, links and numbers is off), never as a link (gptables reads
``[label](target)`` as a hyperlink: that reading is switched off while the workbook is written, as
the workbench never asks it for a link), and never as a note reference (``$$...$$`` in a heading,
title or note is written ``$ $``). A cell the workbook cannot hold (text longer than Excel's 32,767
characters) stops publication with a message naming the table, row and column.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .config import DisclosureConfig
from .errors import PublicationRefused
from .safe_text import neutralise_cell

__all__ = ["WORKBOOK_NAME", "build_workbook", "rule_note", "shorthand_legend", "sheet_names"]

WORKBOOK_NAME = "assurance_tables.xlsx"
"""File name of the workbook inside ``shareable/tables/``."""

_RULE_NOTES = {
    "children-counts": (
        "Counts of children are protected before publication: counts from 1 to {threshold} are "
        "suppressed and shown as {suppressed}, together with any value derived from them, and further "
        "cells are suppressed where a suppressed count could otherwise be worked out."
    ),
    "organisations": (
        "This table describes organisations (agencies), not children, and is published without suppression."
    ),
    "small-sample": (
        "This table is based on a small sample of cases (for example case file audits); its figures are "
        "indicative only and should not be read as representative of all children."
    ),
}

_SHEET_BAD = re.compile(r"[\[\]:*?/\\']")
_EXCEL_CELL_MAX = 32767
"""The most characters (UTF-16 code units) an Excel cell holds."""
_WRITER_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
"""xlsxwriter reads nothing into a string: numbers are given as numbers by :func:`_to_cells`."""


def rule_note(rule: str, config: DisclosureConfig) -> str:
    """The plain-English note explaining a disclosure rule.

    Examples
    --------
    >>> rule_note("organisations", DisclosureConfig())[:40]
    'This table describes organisations (agen'
    """
    text = _RULE_NOTES.get(rule, f"Disclosure rule: {rule}.")
    return text.format(threshold=config.threshold, suppressed=config.suppressed)


def shorthand_legend(config: DisclosureConfig) -> list[str]:
    """One line per shorthand symbol (GSS square-bracket convention)."""
    return [
        f"{config.suppressed} = suppressed to protect confidentiality (a small count, or a value that would reveal one)",
        f"{config.not_applicable} = not applicable",
        f"{config.not_available} = not available",
        f"{config.low} = rounds to zero but is not zero",
    ]


def sheet_names(names: list[str]) -> list[str]:
    """Excel-safe, unique sheet names (at most 31 characters, no ``[]:*?/\\'``).

    Examples
    --------
    >>> sheet_names(["flags_audits", "a" * 40, "a" * 40])
    ['flags_audits', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaa_2']
    """
    out: list[str] = []
    seen: set[str] = set()
    reserved = {"cover", "contents", "notes"}
    for n in names:
        base = _SHEET_BAD.sub("_", n).strip() or "table"
        base = base[:31]
        cand = base
        i = 2
        while cand.lower() in seen or cand.lower() in reserved:
            suffix = f"_{i}"
            cand = base[: 31 - len(suffix)] + suffix
            i += 1
        seen.add(cand.lower())
        out.append(cand)
    return out


@dataclass(frozen=True, slots=True)
class _Entry:
    name: str
    file: Path
    decl: dict[str, Any]
    declared: bool


def _entries(tables_dir: Path) -> list[_Entry]:
    index_file = tables_dir / "index.json"
    decls: list[dict[str, Any]] = []
    if index_file.is_file():
        raw = json.loads(index_file.read_text(encoding="utf-8"))
        decls = list(raw.get("tables", raw) if isinstance(raw, dict) else raw)
    out: list[_Entry] = []
    seen: set[str] = set()
    for d in decls:
        f = tables_dir / str(d.get("file") or f"{d['name']}.csv")
        if f.is_file() and f.suffix.lower() == ".csv":
            out.append(_Entry(str(d["name"]), f, d, True))
            seen.add(f.name)
    for f in sorted(tables_dir.glob("*.csv")):
        if f.name not in seen:
            out.append(_Entry(f.stem, f, {"name": f.stem, "title": f"Table {f.stem}", "source": "This pack"}, False))
    return out


def _no_note_refs(text: str) -> str:
    """Text for a title, heading or note: gptables reads ``$$...$$`` as a note reference."""
    return str(text).replace("$$", "$ $")


@contextlib.contextmanager
def _no_markdown_links():
    """While the workbook is written, gptables keeps ``[label](target)`` as the text it is.

    gptables turns that pattern in any title, note or cell into a hyperlink (and raises when a cell
    holds two). The workbench never asks it for a link, so text from the inputs cannot become one.
    """
    from gptables.core.wrappers import GPWorksheet

    original = GPWorksheet.__dict__["_replace_url"]
    GPWorksheet._replace_url = staticmethod(lambda string: string)
    try:
        yield
    finally:
        GPWorksheet._replace_url = original


def _check_cells(name: str, df: pd.DataFrame) -> None:
    """Refuse (naming the table, row and column, never the value) a cell Excel cannot hold."""
    for c in df.columns:
        if len(str(c).encode("utf-16-le")) // 2 > _EXCEL_CELL_MAX:
            raise PublicationRefused(
                f"workbook: table {name}: a column heading is longer than the "
                f"{_EXCEL_CELL_MAX:,} characters an Excel cell can hold"
            )
        s = df[c].astype(str)
        long_ = s.str.len() > _EXCEL_CELL_MAX // 2
        for i in s.index[long_]:
            n = len(s[i].encode("utf-16-le")) // 2
            if n > _EXCEL_CELL_MAX:
                raise PublicationRefused(
                    f"workbook: table {name}, row {int(i) + 1} (line {int(i) + 2} of {name}.csv), column {c!r}: the text "
                    f"is {n:,} characters long, more than the {_EXCEL_CELL_MAX:,} an Excel cell can hold; "
                    "shorten it in the input"
                )


def _to_cells(df: pd.DataFrame) -> pd.DataFrame:
    """Numbers as numbers, everything else (shorthand, labels) as text; object columns."""
    out = {}
    for c in df.columns:
        s = df[c].astype(object)
        conv = []
        for v in s:
            if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
                conv.append("")
                continue
            t = str(v)
            try:
                num = float(t) if re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", t.strip()) else None
            except ValueError:
                num = None
            if num is None:
                conv.append(neutralise_cell(t))  # as the CSV has it; also for a CSV not written by publish
            elif num.is_integer() and re.fullmatch(r"[-+]?\d+", t.strip()):
                conv.append(int(num))
            else:
                conv.append(num)
        out[_no_note_refs(str(c))] = pd.Series(conv, dtype=object)
    return pd.DataFrame(out)


def build_workbook(pack_dir: Path, *, partnership: str, period_label: str, config: DisclosureConfig) -> Path:
    """Write ``shareable/tables/assurance_tables.xlsx`` from the pack's published tables.

    Parameters
    ----------
    pack_dir : Path
        The pack folder (holding ``shareable/tables/index.json`` and the CSV tables).
    partnership : str
        The partnership's name, printed on the cover.
    period_label : str
        The period, e.g. ``"2026-27 Q2"``.
    config : DisclosureConfig
        The run's disclosure settings (threshold and shorthand symbols explained on the cover).

    Returns
    -------
    Path
        The workbook written (replacing any earlier one atomically).

    Notes
    -----
    Tables appear in ``index.json`` order (which is alphabetical), then any undeclared CSV.
    A table with no rows is shown as a one-cell table saying so, because an Excel table cannot
    be empty. The cover explains the shorthand; the notes sheet holds each table's notes and
    disclosure rule, referenced from the table's title as ``[note N]``.
    """
    import gptables as gpt

    pack_dir = Path(pack_dir)
    tables_dir = pack_dir / "shareable" / "tables"
    tables_dir.mkdir(parents=True, exist_ok=True)
    entries = _entries(tables_dir)
    names = sheet_names([e.name for e in entries])
    legend = shorthand_legend(config)
    symbols = (config.suppressed, config.not_applicable, config.not_available, config.low)

    sheets: dict[str, Any] = {}
    note_refs: list[str] = []
    note_texts: list[str] = []
    rule_refs: dict[str, str] = {}

    def add_note(ref: str, text: str) -> str:
        note_refs.append(ref)
        note_texts.append(text)
        return ref

    for i, (e, sheet) in enumerate(zip(entries, names)):
        df = pd.read_csv(e.file, dtype=str, keep_default_na=False)
        _check_cells(e.name, df)
        markers = ""
        notes = _no_note_refs(str(e.decl.get("notes") or "").strip())
        if not e.declared:
            notes = (notes + " " if notes else "") + "This table is not declared in the pack's index.json."
        if notes:
            markers += f"$$tn{i}$$"
            add_note(f"tn{i}", notes)
        rule = str(e.decl.get("rule") or "")
        if rule:
            if rule not in rule_refs:
                rule_refs[rule] = add_note(f"rule{len(rule_refs)}", rule_note(rule, config))
            markers += f"$${rule_refs[rule]}$$"
        subtitles = [
            _no_note_refs(f"Period: {period_label}. Unit: {e.decl.get('unit') or 'not stated'}. File: {e.file.name}.")
        ]
        if e.decl.get("keys"):
            subtitles.append(_no_note_refs("Each row is identified by: " + ", ".join(map(str, e.decl["keys"])) + "."))
        if df.empty or not len(df.columns):
            cells = pd.DataFrame({"Contents": pd.Series(["This table has no rows for this period."], dtype=object)})
            subtitles.append("This table has no rows for this period.")
        else:
            cells = _to_cells(df)
        used = [s for s in symbols if df.isin([s]).any().any()] if not df.empty else []
        table_legend = [line for s, line in zip(symbols, legend) if s in used]
        instructions = (
            "This worksheet contains one table. Some cells may refer to notes, which can be found "
            "on the notes worksheet."
        )
        if (cells.astype(str) == "").any().any():
            instructions += (
                " Blank cells mean the analysis produced no value for that cell (for example a flag "
                "that has no confidence interval)."
            )
        sheets[sheet] = gpt.GPTable(
            table=cells,
            instructions=instructions,
            table_name=f"table_{i + 1}",
            title=f"{_no_note_refs(e.decl.get('title') or e.name)}{markers}",
            subtitles=subtitles,
            source=_no_note_refs(f"Source: {e.decl.get('source') or 'not stated'}"),
            legend=table_legend,
            index_columns={},
        )

    if not sheets:
        sheets["no_tables"] = gpt.GPTable(
            table=pd.DataFrame({"Contents": pd.Series(["This pack has no published tables."], dtype=object)}),
            table_name="table_1",
            title="No tables",
            source="Source: this pack",
            index_columns={},
        )

    partnership, period_label = _no_note_refs(partnership), _no_note_refs(period_label)
    cover = gpt.Cover(
        title=f"{partnership}: safeguarding assurance tables, {period_label}",
        intro=[
            f"This workbook holds every table published in the {period_label} safeguarding assurance pack of "
            f"{partnership}, one table per worksheet, exactly as published in the pack's CSV files.",
            "The Contents worksheet lists the tables; the Notes worksheet explains each table's notes, "
            "referred to in table titles as [note 1], [note 2] and so on.",
        ],
        about=[
            [{"bold": True}, "Protecting children's confidentiality"],
            f"Counts of children from 1 to {config.threshold} are suppressed, together with any value that "
            "would reveal them. Tables of organisations are not suppressed. Tables based on small samples of "
            "case audits are marked as indicative.",
            [{"bold": True}, "Shorthand used in the tables"],
            *legend,
            [{"bold": True}, "Blank cells"],
            "A blank cell means the analysis produced no value for that cell (for example a column that does "
            "not apply to that row); shorthand is used wherever the reason is known.",
        ],
        contact=["Contact the partnership's business unit for questions about these tables."],
    )
    notes_table = None
    if note_refs:
        notes_table = pd.DataFrame({"Note number": note_refs, "Note text": note_texts})
    out = tables_dir / WORKBOOK_NAME
    tmp = tables_dir / f".{WORKBOOK_NAME}.tmp.xlsx"
    with warnings.catch_warnings():
        # blank cells are explained in each table's instructions (see above)
        warnings.filterwarnings("ignore", message=r"(?s).*Empty or null cell found", category=UserWarning)
        # pandas deprecation notices raised inside gptables itself are not ours to act on
        warnings.filterwarnings("ignore", module=r"gptables(\..*)?$", category=DeprecationWarning)
        warnings.filterwarnings("ignore", module=r"gptables(\..*)?$", category=FutureWarning)
        with _no_markdown_links():
            gpt.write_workbook(
                filename=str(tmp),
                sheets=sheets,
                cover=cover,
                notes_table=notes_table,
                contentsheet_options={"additional_elements": ["subtitles", "source"]},
                workbook_options=dict(_WRITER_OPTIONS),
            )
    os.replace(tmp, out)
    return out
