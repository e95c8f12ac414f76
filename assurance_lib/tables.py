"""How a published table declares itself (the contract in ``shared/DESIGN.md``).

Every table that enters ``shareable/tables/`` is published with a :class:`TableSpec`: its name,
title, unit, disclosure rule, source and notes, and, for ``children-counts`` tables, which
columns identify a cell, which hold counts of children, which values are derived from those
counts, and which rows are totals of which. The disclosure engine reads only the declaration;
it never guesses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Mapping

__all__ = ["TableSpec", "Hierarchy", "UNITS", "RULES", "FLAG_COLUMNS", "SEVERITIES"]

UNITS = ("children", "episodes", "cases", "agencies", "actions")
RULES = ("children-counts", "organisations", "small-sample")
FLAG_COLUMNS = ("analysis", "category", "subject", "measure", "value", "lower", "upper",
                "severity", "statement", "evidence_table", "evidence_key")
SEVERITIES = ("high", "medium", "low")

Unit = Literal["children", "episodes", "cases", "agencies", "actions"]
Rule = Literal["children-counts", "organisations", "small-sample"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Hierarchy:
    """An additive relation inside a children-counts table.

    Within every group of rows that share the values of ``within``, the row whose ``column``
    equals ``total`` holds the sum of the rows whose ``column`` is one of ``parts``.

    Examples
    --------
    Major ethnic group "Black" is the sum of its minor groups, within each period and stage::

        Hierarchy(column="group", total="Black", parts=("BCRB", "BAFR", "BOTH"),
                  within=("period", "stage", "measure"))
    """

    column: str
    total: Any
    parts: tuple[Any, ...]
    within: tuple[str, ...] = ()
    where: Mapping[str, Any] = field(default_factory=dict)
    """Extra fixed column values selecting the rows the relation applies to (e.g. a group_type)."""
    parts_where: Mapping[str, Any] | None = None
    """Fixed values selecting the parts when they differ from the total's (e.g. ``group_type``)."""


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
        Names of other tables of the same pack that share margins with this one (the engine
        protects them together).
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

    def declaration(self) -> dict[str, Any]:
        """The entry written to ``shareable/tables/index.json`` and the manifest."""
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
            "hierarchies": [
                {"column": h.column, "total": h.total, "parts": list(h.parts), "within": list(h.within),
                 "where": dict(h.where), "parts_where": dict(h.parts_where) if h.parts_where is not None else None}
                for h in self.hierarchies
            ],
            "links": list(self.links),
        }

    @classmethod
    def from_declaration(cls, d: Mapping[str, Any]) -> "TableSpec":
        """Rebuild a spec from its ``index.json`` entry."""
        return cls(
            name=d["name"], title=d["title"], unit=d["unit"], rule=d["rule"], source=d["source"],
            notes=d.get("notes", ""), keys=tuple(d.get("keys", ())), counts=tuple(d.get("counts", ())),
            derived={k: tuple(v) for k, v in (d.get("derived") or {}).items()},
            count_where={k: (v[0], tuple(v[1])) for k, v in (d.get("count_where") or {}).items()},
            hierarchies=tuple(
                Hierarchy(column=h["column"], total=h["total"], parts=tuple(h["parts"]), within=tuple(h.get("within", ())),
                          where=h.get("where") or {}, parts_where=h.get("parts_where"))
                for h in d.get("hierarchies", ())
            ),
            links=tuple(d.get("links", ())),
        )
