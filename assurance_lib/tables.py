"""How a published table declares itself (the contract in ``docs/design.md``).

Every table that enters ``shareable/tables/`` is published with a :class:`TableSpec`: its name,
title, unit, disclosure rule, source and notes, and, for ``children-counts`` tables, which
columns identify a cell, which hold counts of children, which values are derived from those
counts, and which rows are totals of which. The disclosure engine reads only the declaration;
it never guesses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "TableSpec",
    "Hierarchy",
    "Share",
    "RELATIONS",
    "UNITS",
    "RULES",
    "FLAG_COLUMNS",
    "FLAG_PAGE_COLUMNS",
    "SEVERITIES",
    "page_view",
]

UNITS = ("children", "episodes", "cases", "agencies", "actions")
RULES = ("children-counts", "organisations", "small-sample")
FLAG_COLUMNS = (
    "analysis",
    "category",
    "subject",
    "measure",
    "value",
    "lower",
    "upper",
    "severity",
    "statement",
    "evidence_table",
    "evidence_key",
)
FLAG_V2_COLUMNS = (
    "evidence",
    "direction",
    "effect",
    "effect_unit",
    "affected",
    "agency",
    "statutory_partner",
    "themes",
    "first_period",
)
"""The flags contract's version 2 columns, written after :data:`FLAG_COLUMNS` (docs/design.md, "Flags")."""
FLAG_PAGE_COLUMNS = ("subject", "statement", "direction", "evidence", "affected", "agency")
"""The columns of a flags table a page shows (what a person needs to read a finding); the flags file
keeps every column (see :attr:`TableSpec.page_columns`)."""
SEVERITIES = ("high", "medium", "low")


def page_view(columns: Sequence[str], labels: Mapping[str, str]) -> dict[str, Any]:
    """``page_columns`` and ``page_labels`` of a :class:`TableSpec` that shows ``columns`` on a page.

    ``labels`` may hold the headings of several tables of an analysis: only those of ``columns`` are
    kept (a spec refuses a heading for a column it does not show).

    Examples
    --------
    >>> page_view(("agency", "rating"), {"rating": "Rating of record", "owner": "Owner"})
    {'page_columns': ('agency', 'rating'), 'page_labels': {'rating': 'Rating of record'}}
    """
    return {"page_columns": tuple(columns), "page_labels": {c: labels[c] for c in columns if c in labels}}


RELATIONS = ("sum", "union")
"""How a hierarchy's total relates to its parts: ``sum`` (total = sum of parts: each child is in
exactly one part) or ``union`` (a child may be in several parts, e.g. a year and its overlapping
quarters: largest part <= total <= sum of parts)."""

Unit = Literal["children", "episodes", "cases", "agencies", "actions"]
Rule = Literal["children-counts", "organisations", "small-sample"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Hierarchy:
    """An additive relation inside a children-counts table ("which rows are totals of which").

    Rows are first narrowed to those matching ``where`` (for the total row) and
    ``{**where, **parts_where}`` (for the part rows). Within every group of rows that share the
    values of ``within``, the row whose ``column`` equals ``total`` holds, in every count
    column, the sum of the rows whose ``column`` is one of ``parts`` (``relation="sum"``), or
    the number of children in at least one of them (``relation="union"``: the largest part
    <= total <= the sum of the parts). A part missing from a group counts as zero. A group
    with two total rows, or a part that appears twice, is a declaration error
    (``ValueError``): add the distinguishing column to ``within``.

    Attributes
    ----------
    column : str
        The column whose value says which row is the total and which are parts.
    total : scalar
        The value of ``column`` on the total row (e.g. ``"All children"``).
    parts : tuple
        The values of ``column`` on the part rows.
    within : tuple of str
        Columns that, together, separate the independent copies of the relation (e.g.
        ``("period", "stage", "measure")``). Every key column other than ``column`` and the
        columns fixed by ``where``/``parts_where`` should normally be listed.
    where : mapping of str to scalar or list
        Fixed column values selecting the rows the relation applies to (e.g.
        ``{"group_type": "ethnicity"}``); a list means "one of".
    parts_where : mapping of str to scalar or list, optional
        Fixed values selecting the part rows where they differ from the total's (e.g. the
        total row has ``group_type="all"``, its parts ``group_type="sex"``).
    relation : {'sum', 'union'}
        ``sum`` (default) or ``union`` (overlapping parts, such as rolling windows).
    parts_table : str, optional
        The name of another table of the same pack that holds the part rows (e.g. a quarterly
        trend table whose four quarters make up this table's rolling 12 months). ``within``,
        ``column`` and the count columns must exist in both; the relation applies to the count
        columns the two tables share. Empty: the parts are in this table.
    hide_first : {'parts', 'total'}
        Which side secondary suppression hides first when a cell of the relation must be
        protected: ``parts`` (default) or ``total`` (e.g. a context figure "with unaccompanied
        children" that is the sum of the main figure and their count: hide the context figure,
        not the main one). Only the choice of cells changes, never what the audit requires.

    Examples
    --------
    Major ethnic group "Black" is the sum of its minor groups, within each period and stage::

        Hierarchy(column="group", total="Black", parts=("BCRB", "BAFR", "BOTH"),
                  within=("period", "stage", "measure"))

    Boys and girls sum to All children (which sits under ``group_type="all"``)::

        Hierarchy(column="group", total="All children", parts=("Male", "Female"),
                  within=("period", "stage", "measure"), where={"group_type": "all"},
                  parts_where={"group_type": "sex"})
    """

    column: str
    total: Any
    parts: tuple[Any, ...]
    within: tuple[str, ...] = ()
    where: Mapping[str, Any] = field(default_factory=dict)
    """Extra fixed column values selecting the rows the relation applies to (e.g. a group_type)."""
    parts_where: Mapping[str, Any] | None = None
    """Fixed values selecting the parts when they differ from the total's (e.g. ``group_type``)."""
    relation: str = "sum"
    """``sum`` (total = sum of parts) or ``union`` (largest part <= total <= sum of parts)."""
    parts_table: str = ""
    """Another table of the pack holding the parts (empty: this table)."""
    hide_first: str = "parts"
    """Which side secondary suppression hides first: ``parts`` or ``total``."""

    def __post_init__(self) -> None:
        if self.hide_first not in ("parts", "total"):
            raise ValueError(f"hierarchy on {self.column!r}: hide_first {self.hide_first!r} is not one of parts, total")
        if self.relation not in RELATIONS:
            raise ValueError(
                f"hierarchy on {self.column!r}: relation {self.relation!r} is not one of {', '.join(RELATIONS)}"
            )
        if not self.parts:
            raise ValueError(f"hierarchy on {self.column!r}: parts are required")
        object.__setattr__(self, "parts", tuple(self.parts))
        object.__setattr__(self, "within", tuple(self.within))
        object.__setattr__(self, "where", _unplain(self.where))
        if self.parts_where is not None:
            object.__setattr__(self, "parts_where", _unplain(self.parts_where))

    @classmethod
    def each(
        cls,
        column: str,
        tree: Mapping[Any, Sequence[Any]],
        *,
        within: Sequence[str] = (),
        where: Mapping[str, Any] | None = None,
        parts_where: Mapping[str, Any] | None = None,
        relation: str = "sum",
    ) -> tuple[Hierarchy, ...]:
        """One hierarchy per ``total -> parts`` entry of ``tree``, sharing the other settings.

        Examples
        --------
        DfE minor ethnic groups within their major groups::

            Hierarchy.each("group", {"White": ("WBRI", "WIRI", "WOTH"), "Black": ("BAFR", "BCRB", "BOTH")},
                           within=("period", "stage", "measure"),
                           where={"group_type": "ethnicity_major"},
                           parts_where={"group_type": "ethnicity_minor"})

        >>> len(Hierarchy.each("g", {"A": ("a1", "a2"), "B": ("b1", "b2")}))
        2
        """
        return tuple(
            cls(
                column=column,
                total=total,
                parts=tuple(parts),
                within=tuple(within),
                where=dict(where or {}),
                parts_where=dict(parts_where) if parts_where is not None else None,
                relation=relation,
            )
            for total, parts in tree.items()
        )

    def declaration(self) -> dict[str, Any]:
        """A JSON-ready form (inverse of :meth:`from_declaration`)."""
        return {
            "column": self.column,
            "total": self.total,
            "parts": list(self.parts),
            "within": list(self.within),
            "where": _plain(self.where),
            "parts_where": _plain(self.parts_where) if self.parts_where is not None else None,
            "relation": self.relation,
            **({"parts_table": self.parts_table} if self.parts_table else {}),
            **({"hide_first": self.hide_first} if self.hide_first != "parts" else {}),
        }

    @classmethod
    def from_declaration(cls, h: Mapping[str, Any]) -> Hierarchy:
        """Rebuild a hierarchy from :meth:`declaration`."""
        return cls(
            column=h["column"],
            total=h["total"],
            parts=tuple(h["parts"]),
            within=tuple(h.get("within", ())),
            where=_unplain(h.get("where") or {}),
            parts_where=_unplain(h["parts_where"]) if h.get("parts_where") is not None else None,
            relation=h.get("relation", "sum"),
            parts_table=h.get("parts_table", ""),
            hide_first=h.get("hide_first", "parts"),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Share:
    """Cells of this table that equal cells of another table of the same pack.

    For every row of this table matching ``where``, the row of ``table`` matching
    ``other_where`` whose ``on`` columns hold the same values carries the same count: for
    each ``this column -> other column`` of ``counts``, the two cells are equal. Use it for a
    trend table that repeats earlier periods, a summary that repeats the ``All children``
    rows of the main table, or the previous period's count shown beside this period's. Rows
    with no partner are left alone; two partners for one row are a declaration error.

    Attributes
    ----------
    table : str
        The other table's name.
    on : mapping of str to str
        This table's column -> the other table's column; together they pair the rows.
    counts : mapping of str to str
        This table's count column -> the other table's count column holding the same value.
    where, other_where : mapping of str to scalar or list
        Fixed values selecting the rows of this table and of the other table.

    Examples
    --------
    A headline table repeating the ``All children`` rows of ``disproportionality``::

        Share(table="disproportionality", on={"period": "period", "stage": "stage"},
              counts={"children": "count"}, other_where={"group": "All children", "measure": "rate"})
    """

    table: str
    on: Mapping[str, str]
    counts: Mapping[str, str]
    where: Mapping[str, Any] = field(default_factory=dict)
    other_where: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.on or not self.counts:
            raise ValueError(f"share with {self.table!r}: 'on' and 'counts' are required")
        object.__setattr__(self, "on", dict(self.on))
        object.__setattr__(self, "counts", dict(self.counts))
        object.__setattr__(self, "where", _unplain(self.where))
        object.__setattr__(self, "other_where", _unplain(self.other_where))

    def declaration(self) -> dict[str, Any]:
        """A JSON-ready form (inverse of :meth:`from_declaration`)."""
        return {
            "table": self.table,
            "on": dict(self.on),
            "counts": dict(self.counts),
            "where": _plain(self.where),
            "other_where": _plain(self.other_where),
        }

    @classmethod
    def from_declaration(cls, d: Mapping[str, Any]) -> Share:
        """Rebuild a share from :meth:`declaration`."""
        return cls(
            table=d["table"],
            on=dict(d["on"]),
            counts=dict(d["counts"]),
            where=_unplain(d.get("where") or {}),
            other_where=_unplain(d.get("other_where") or {}),
        )


def _plain(m: Mapping[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, (tuple, list, set, frozenset)) else v for k, v in m.items()}


def _unplain(m: Mapping[str, Any]) -> dict[str, Any]:
    return {k: tuple(v) if isinstance(v, (list, set, frozenset)) else v for k, v in m.items()}


@dataclass(frozen=True, slots=True, kw_only=True)
class TableSpec:
    """The declaration a table is published with.

    Attributes
    ----------
    name : str
        File stem in ``shareable/tables/`` (``disproportionality`` -> ``disproportionality.csv``).
    title : str
        A headline title.
    unit : {'children', 'episodes', 'cases', 'agencies', 'actions'}
        What the counts count.
    rule : {'children-counts', 'organisations', 'small-sample'}
        The disclosure rule: ``children-counts`` are suppressed and audited, ``organisations``
        are not suppressed, ``small-sample`` tables are shown with an "indicative" label.
    source : str
        Where the numbers come from.
    notes : str
        Caveats and method notes shown with the table.
    keys : tuple of str
        Columns that identify a row (a cell of the table).
    counts : tuple of str
        Columns holding counts of children (or episodes) subject to suppression.
    derived : mapping of str to tuple of str
        Derived column (rate, ratio, interval bound, p-value ...) -> the count columns it is
        derived from; suppressed whenever any of them is.
    hierarchies : tuple of Hierarchy
        Which rows are totals of which (margins, major within minor groups, intersections
        within single characteristics).
    count_where : mapping of str to (str, tuple)
        Row-conditional count columns: ``{"denominator": ("denominator_kind", ("children",))}``
        treats ``denominator`` as a count of children only on rows whose ``denominator_kind``
        is one of the values given (elsewhere, e.g. a population, it is not suppressed).
    links : tuple of str
        Names of other tables of the same pack that share margins with this one. Informative:
        the engine always protects every children-counts table of a pack jointly; the cells
        they share are declared with ``shares``.
    shares : tuple of Share
        Cells of this table equal to cells of another table (see :class:`Share`).
    page_columns : tuple of str
        The reader's selection of columns a page shows, in the order shown (empty: every column).
        For a table too wide to read on an A4 page: the page shows these columns with plain
        headings and a line under the table naming ``tables/<name>.csv`` and the workbook sheet,
        which keep every column (:func:`assurance_lib.display.published`). Display only: the
        published CSV, the workbook and ``index.json`` are the same with or without it (it is not
        part of :meth:`declaration`). A column the published table lacks is an error when the
        table is shown.
    page_labels : mapping of str to str
        Headings for the page's columns, where :data:`assurance_lib.display.COLUMN_LABELS` or the
        column's name would not read plainly (``{"kappa_w": "Weighted kappa"}``).

    Notes
    -----
    A derived column is suppressed when any count it is derived from, *in the same row*, is
    suppressed or shown as ``[low]``. Declare every count a value comes from, including the
    previous period's count behind a period-on-period change.
    """

    name: str
    title: str
    unit: Unit
    rule: Rule
    source: str
    notes: str = ""
    keys: tuple[str, ...] = ()
    counts: tuple[str, ...] = ()
    derived: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    hierarchies: tuple[Hierarchy, ...] = ()
    count_where: Mapping[str, tuple[str, tuple[Any, ...]]] = field(default_factory=dict)
    links: tuple[str, ...] = ()
    shares: tuple[Share, ...] = ()
    page_columns: tuple[str, ...] = ()
    page_labels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        import re

        if not re.fullmatch(r"[a-z0-9][a-z0-9_]*", self.name):
            raise ValueError(f"table name {self.name!r} must be lower-case letters, digits and underscores")
        if self.unit not in UNITS:
            raise ValueError(f"unit {self.unit!r} is not one of {', '.join(UNITS)}")
        if self.rule not in RULES:
            raise ValueError(f"rule {self.rule!r} is not one of {', '.join(RULES)}")
        for f_ in ("title", "source"):
            if not str(getattr(self, f_)).strip():
                raise ValueError(f"table {self.name!r}: {f_} is required")
        if isinstance(self.page_columns, str):
            raise ValueError(f"table {self.name!r}: page_columns must be a sequence of column names, not one string")
        object.__setattr__(self, "page_columns", tuple(self.page_columns))
        object.__setattr__(self, "page_labels", dict(self.page_labels))
        twice = sorted({c for c in self.page_columns if self.page_columns.count(c) > 1})
        if twice:
            raise ValueError(f"table {self.name!r}: page_columns names {', '.join(twice)} more than once")
        stray = sorted(set(self.page_labels) - set(self.page_columns))
        if stray:
            raise ValueError(f"table {self.name!r}: page_labels for column(s) not in page_columns: {', '.join(stray)}")

    def declaration(self) -> dict[str, Any]:
        """The entry written to ``shareable/tables/index.json`` and the manifest (what is published:
        ``page_columns`` and ``page_labels``, which only say what a page shows, are not in it)."""
        return {
            "name": self.name,
            "file": f"{self.name}.csv",
            "title": self.title,
            "unit": self.unit,
            "rule": self.rule,
            "source": self.source,
            "notes": self.notes,
            "keys": list(self.keys),
            "counts": list(self.counts),
            "derived": {k: list(v) for k, v in self.derived.items()},
            "count_where": {k: [v[0], list(v[1])] for k, v in self.count_where.items()},
            "hierarchies": [h.declaration() for h in self.hierarchies],
            "links": list(self.links),
            "shares": [s.declaration() for s in self.shares],
        }

    @classmethod
    def from_declaration(cls, d: Mapping[str, Any]) -> TableSpec:
        """Rebuild a spec from its ``index.json`` entry."""
        return cls(
            name=d["name"],
            title=d["title"],
            unit=d["unit"],
            rule=d["rule"],
            source=d["source"],
            notes=d.get("notes", ""),
            keys=tuple(d.get("keys", ())),
            counts=tuple(d.get("counts", ())),
            derived={k: tuple(v) for k, v in (d.get("derived") or {}).items()},
            count_where={k: (v[0], tuple(v[1])) for k, v in (d.get("count_where") or {}).items()},
            hierarchies=tuple(Hierarchy.from_declaration(h) for h in d.get("hierarchies", ())),
            links=tuple(d.get("links", ())),
            shares=tuple(Share.from_declaration(s) for s in d.get("shares", ())),
        )
