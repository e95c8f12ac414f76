"""The only way results leave the library.

A notebook gets a :class:`Publisher` from :func:`assurance_lib.notebook.setup` and publishes
through it:

- :meth:`Publisher.table` / :meth:`Publisher.tables`: a declared table (see
  :class:`~assurance_lib.tables.TableSpec`) to ``shareable/tables/<name>.csv``, after the
  table's disclosure rule is applied; returns the published frame, which is what the notebook
  displays. The true frame goes to ``internal/tables/`` for the partnership's analysts.
- :meth:`Publisher.figure`: a chart from :mod:`assurance_lib.charts` as PNG and SVG with its
  data table, displayed with its alt text.
- :meth:`Publisher.flags`: ``flags_<analysis>.csv`` with the columns the quarterly report reads.
- :meth:`Publisher.text`: Markdown (free text only after the redaction guard cleared it).
- :meth:`Publisher.document`: a feedback letter as a web page and a Word document in ``shareable/letters/``.

Nothing here writes an identifier: tables with an identifier column are refused, and the
pipeline scans every file of the pack before it is moved into place. Nothing here writes a live
formula or raw HTML from the inputs either: every CSV (published, internal, flags, a chart's data)
has its text cells starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return prefixed
with ``'`` (numbers stay numbers), and Markdown files show raw HTML as text (see
:mod:`assurance_lib.safe_text`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from . import disclosure
from .config import RunConfig
from .errors import PublicationRefused
from .safe_text import markdown_text, neutralise_frame
from .tables import FLAG_COLUMNS, SEVERITIES, TableSpec

__all__ = ["Publisher", "IDENTIFIER_COLUMN_NAMES", "SHAREABLE", "INTERNAL"]

SHAREABLE = "shareable"
INTERNAL = "internal"

IDENTIFIER_COLUMN_NAMES = frozenset(
    {
        "child_id",
        "person_id",
        "case_id",
        "case_ref",
        "case_reference",
        "nhs_number",
        "upn",
        "date_of_birth",
        "dob",
        "name",
        "first_name",
        "surname",
        "last_name",
        "full_name",
        "postcode",
        "address",
        "email",
        "phone",
        "telephone",
        "respondent_id",
    }
)
"""Column names that always mean an identifier; a table holding one is never written."""


def _atomic_write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _check_no_identifier_columns(df: pd.DataFrame, where: str, extra: Iterable[str] = ()) -> None:
    bad = sorted({str(c) for c in df.columns if str(c).lower() in IDENTIFIER_COLUMN_NAMES | {e.lower() for e in extra}})
    if bad:
        raise PublicationRefused(f"{where}: refused, the table has identifier column(s) {', '.join(bad)}")


@dataclass
class Publisher:
    """Writes one analysis's results into a pack folder.

    Parameters
    ----------
    run_dir : Path
        The pack being built (holds ``internal/`` and ``shareable/``).
    config : RunConfig
        The run's parameters (disclosure settings among them).
    analysis : str
        Short analysis name used for flags (``disproportionality``, ``section11``, ``audits``,
        ``report``).
    identifier_columns : iterable of str
        Extra identifier column names from the inputs' contracts.
    """

    run_dir: Path
    config: RunConfig
    analysis: str
    identifier_columns: tuple[str, ...] = ()
    published: dict[str, pd.DataFrame] = field(default_factory=dict)

    # ---------------------------------------------------------------- folders
    @property
    def shareable(self) -> Path:
        return self.run_dir / SHAREABLE

    @property
    def internal(self) -> Path:
        return self.run_dir / INTERNAL

    @property
    def tables_dir(self) -> Path:
        return self.shareable / "tables"

    @property
    def figures_dir(self) -> Path:
        return self.shareable / "figures"

    # ---------------------------------------------------------------- index
    def _index_path(self) -> Path:
        return self.tables_dir / "index.json"

    def read_index(self) -> list[dict[str, Any]]:
        """The declarations already published into this pack."""
        p = self._index_path()
        if not p.is_file():
            return []
        return list(json.loads(p.read_text(encoding="utf-8")).get("tables", []))

    def _declare(self, entries: Sequence[dict[str, Any]]) -> None:
        current = {e["name"]: e for e in self.read_index()}
        for e in entries:
            current[e["name"]] = e
        doc = {"tables": sorted(current.values(), key=lambda e: e["name"])}
        _atomic_write_text(self._index_path(), json.dumps(doc, indent=2, default=str) + "\n")

    def published_tables(self, *, rule: str | None = None) -> list[tuple[pd.DataFrame, TableSpec]]:
        """Tables already in ``shareable/tables`` of this pack, as published, with their specs."""
        out = []
        for e in self.read_index():
            if rule is not None and e.get("rule") != rule:
                continue
            p = self.tables_dir / e.get("file", f"{e['name']}.csv")
            if p.is_file():
                out.append((pd.read_csv(p, dtype=str, keep_default_na=False), TableSpec.from_declaration(e)))
        return out

    # ---------------------------------------------------------------- tables
    def table(self, df: pd.DataFrame, spec: TableSpec, *, internal: bool = True) -> pd.DataFrame:
        """Publish one table; see :meth:`tables`."""
        return self.tables([(df, spec)], internal=internal)[0]

    def tables(self, items: Sequence[tuple[pd.DataFrame, TableSpec]], *, internal: bool = True) -> list[pd.DataFrame]:
        """Publish tables that belong together, applying each table's disclosure rule.

        ``children-counts`` tables given together are protected jointly (primary and secondary
        suppression, rounding) together with every children table already published into the
        pack, and audited for recoverability; publication is refused
        (:class:`~assurance_lib.errors.PublicationRefused`) if any suppressed cell could be
        worked out. ``organisations`` tables are written as they are; ``small-sample`` tables
        gain an ``indicative`` column. True values go to ``internal/tables/`` when
        ``internal`` is true.

        Returns
        -------
        list of DataFrame
            The published frames, in the order given: what the notebook should display.
        """
        for df, spec in items:
            _check_no_identifier_columns(df, f"table {spec.name}", self.identifier_columns)
            missing = [c for c in (*spec.keys, *spec.counts, *spec.derived) if c not in df.columns]
            if missing:
                raise ValueError(f"table {spec.name}: declared column(s) {', '.join(missing)} not in the frame")
        children = [(df, spec) for df, spec in items if spec.rule == "children-counts"]
        protected: dict[str, pd.DataFrame] = {}
        if children:
            earlier = [
                (d, s)
                for d, s in self.published_tables(rule="children-counts")
                if s.name not in {sp.name for _, sp in children}
            ]
            result = disclosure.protect(children, self.config.disclosure, published=earlier)
            for (_, spec), frame in zip(children, result.frames):
                protected[spec.name] = frame
            self._write_audit(result.audit)
        out = []
        entries = []
        for df, spec in items:
            if spec.rule == "children-counts":
                pub = protected[spec.name]
            elif spec.rule == "small-sample":
                pub = df.copy()
                if "indicative" not in pub.columns:
                    pub["indicative"] = "yes"
            else:
                pub = df.copy()
            pub = neutralise_frame(pub)  # what is written is what the notebook shows
            if internal:
                self.internal_table(df, spec.name)
            path = self.tables_dir / f"{spec.name}.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.tmp")
            pub.to_csv(tmp, index=False)
            os.replace(tmp, path)
            entries.append(spec.declaration())
            self.published[spec.name] = pub
            out.append(pub)
        self._declare(entries)
        return out

    def _write_audit(self, audit: Mapping[str, Any]) -> None:
        d = self.internal / "disclosure"
        d.mkdir(parents=True, exist_ok=True)
        n = len(list(d.glob("audit_*.json")))
        _atomic_write_text(d / f"audit_{self.analysis}_{n:03d}.json", json.dumps(audit, indent=2, default=str) + "\n")

    def internal_table(self, df: pd.DataFrame, name: str) -> Path:
        """Write a working table (true values, no identifiers) to ``internal/tables/<name>.csv``."""
        _check_no_identifier_columns(df, f"internal table {name}", self.identifier_columns)
        path = self.internal / "tables" / f"{name}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        neutralise_frame(df).to_csv(path, index=False)
        return path

    # ---------------------------------------------------------------- flags
    def flags(self, df: pd.DataFrame, *, unit: str = "children", source: str = "") -> pd.DataFrame:
        """Write ``shareable/tables/flags_<analysis>.csv`` (columns from DESIGN.md).

        Every flag must name a severity (high, medium, low), a one-sentence statement and its
        evidence table; values must come from published (already protected) results.
        """
        df = df.copy()
        if df.empty:
            df = pd.DataFrame(columns=list(FLAG_COLUMNS))
        missing = [c for c in FLAG_COLUMNS if c not in df.columns and c != "analysis"]
        if missing:
            raise ValueError(f"flags for {self.analysis}: missing column(s) {', '.join(missing)}")
        df["analysis"] = self.analysis
        bad = ~df["severity"].isin(SEVERITIES)
        if bad.any():
            raise ValueError(
                f"flags for {self.analysis}: severity {df.loc[bad, 'severity'].iloc[0]!r} is not one of {', '.join(SEVERITIES)}"
            )
        if df["statement"].isna().any() or (df["statement"].astype(str).str.strip() == "").any():
            raise ValueError(f"flags for {self.analysis}: every flag needs a statement")
        order = {s: i for i, s in enumerate(SEVERITIES)}
        df = df.sort_values("severity", key=lambda s: s.map(order), kind="stable")
        extra = [c for c in df.columns if c not in FLAG_COLUMNS]
        df = neutralise_frame(df[list(FLAG_COLUMNS) + extra])
        spec = TableSpec(
            name=f"flags_{self.analysis}",
            title=f"Flags raised by the {self.analysis} analysis",
            unit=unit,
            rule="organisations"
            if unit == "agencies"
            else ("small-sample" if unit in ("cases", "actions") else "children-counts"),
            source=source or f"{self.analysis} analysis of this pack's published tables",
            notes="Each flag cites its evidence table and key; values are taken from published (protected) tables.",
        )
        _check_no_identifier_columns(df, f"table {spec.name}", self.identifier_columns)
        path = self.tables_dir / f"{spec.name}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        df.to_csv(path, index=False)
        self._declare([spec.declaration()])
        return df

    # ---------------------------------------------------------------- figures and text
    def figure(self, chart: Any, name: str | None = None) -> Any:
        """Write a chart (PNG, SVG and its data table) to ``shareable/figures``; return it for display."""
        from .charts import Chart

        if not isinstance(chart, Chart):
            raise TypeError("publish a chart made by assurance_lib.charts")
        _check_no_identifier_columns(chart.data, f"figure {name or chart.name}", self.identifier_columns)
        return chart.save(self.figures_dir, name=name)

    def text(self, name: str, markdown: str, *, free_text: bool = False) -> str:
        """Write Markdown to ``shareable/text/<name>.md`` and return what was written.

        ``free_text=True`` marks text that came from people (audit comments, commentary): it
        passes the redaction guard first; what the guard cannot clear is left out and counted.
        Any text: raw HTML is written as text and links that would run code are shown as text
        (:func:`~assurance_lib.safe_text.markdown_text`).
        """
        if free_text:
            result = disclosure.redact(markdown, self.identifiers())
            markdown = result.text
            if result.withheld:
                self._log(f"{result.withheld} free-text passage(s) in {name} could not be cleared and were left out")
        markdown = markdown_text(markdown)
        _atomic_write_text(self.shareable / "text" / f"{name}.md", markdown)
        return markdown

    def document(self, name: str, html_page: str, *, word: bytes | None = None) -> Path:
        """Write a finished HTML page (a scorecard, a feedback letter) to ``shareable/letters/<name>.html``,
        and the same letter as a Word document to ``shareable/letters/<name>.docx`` when ``word`` is given.

        The caller builds the page with every value from the inputs escaped
        (:func:`~assurance_lib.safe_text.escape_text`) and the Word document with every value a
        plain text run (:func:`assurance_lib.section11.letters.word`); the identifier guard scans
        both (the Word document through its XML parts) with the rest of the pack. The front page
        lists every letter of ``letters/``. Returns the HTML page's path.
        """
        if word is not None and not word.startswith(b"PK"):
            raise ValueError(f"letter {name}: the Word document is not a .docx (zip) file")
        path = self.shareable / "letters" / f"{name}.html"
        _atomic_write_text(path, html_page)
        if word is not None:
            doc = path.with_suffix(".docx")
            tmp = doc.with_name(f".{doc.name}.tmp")
            tmp.write_bytes(word)
            os.replace(tmp, doc)
        return path

    def use_identifiers(self, ids: disclosure.IdentifierSet | Callable[[], disclosure.IdentifierSet]) -> None:
        """Set the identifier values free text is checked against.

        Parameters
        ----------
        ids : IdentifierSet or callable
            The set, or a function returning it: called once, the first time
            :meth:`identifiers` is needed (reading the inputs costs time, and most notebooks
            publish no free text).
        """
        if callable(ids) and not isinstance(ids, disclosure.IdentifierSet):
            self._identifier_loader = ids
            self._identifiers = None
        else:
            self._identifier_loader = None
            self._identifiers = ids

    def identifiers(self) -> disclosure.IdentifierSet:
        """The identifier values of this run's inputs and its names list (set by the notebook context)."""
        loader = getattr(self, "_identifier_loader", None)
        if getattr(self, "_identifiers", None) is None and loader is not None:
            self._identifiers = loader()
            self._identifier_loader = None
        return getattr(self, "_identifiers", None) or disclosure.IdentifierSet()

    def note(self, message: str) -> None:
        """Add a line to the run's publication log ``internal/publish.log`` (never an identifier)."""
        self._log(message)

    def _log(self, message: str) -> None:
        p = self.internal / "publish.log"
        p.parent.mkdir(parents=True, exist_ok=True)
        with p.open("a", encoding="utf-8") as fh:
            fh.write(message + "\n")
