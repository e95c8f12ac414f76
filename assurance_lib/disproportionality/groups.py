"""Which groups of children are totals of which (one tree for checks and for disclosure).

The same tree is used three ways: to declare the hierarchies of ``disproportionality.csv`` to
disclosure control, to check that an aggregate input adds up before anything is computed from
it, and to decide, for an aggregate that gives only some groups, which totals can be declared
(a total is declared only where every one of its parts is present).
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import reference as ref

__all__ = ["Relation", "AGGREGATE_GROUP_TYPES", "group_relations", "aggregate_group_values"]

AGGREGATE_GROUP_TYPES: tuple[str, ...] = (
    "all",
    "ethnicity_major",
    "ethnicity_minor",
    "sex",
    "age_band",
    "disability",
    "imd_decile",
    "ethnicity_major x sex",
    "ethnicity_major x age_band",
    "ethnicity_minor x sex",
    "ethnicity_minor x age_band",
)
"""Group types an aggregate input may give (the minor-group intersections only serve as the
White British reference of the published major-group intersections)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Relation:
    """The group ``total`` of ``total_type`` is the sum of the groups ``parts`` of ``part_type``."""

    total_type: str
    total: str
    part_type: str
    parts: tuple[str, ...]


def aggregate_group_values(has_imd: bool = True) -> dict[str, tuple[str, ...]]:
    """Every group of each group type (``imd_decile`` only when ``has_imd``).

    >>> aggregate_group_values()["sex"]
    ('female', 'male', 'unknown')
    >>> aggregate_group_values()["ethnicity_major x sex"][:2]
    ('White x female', 'White x male')
    """
    eth = tuple(ref.ETHNICITY_CODES)
    maj = tuple(ref.MAJOR_GROUPS)
    vals: dict[str, tuple[str, ...]] = {
        "all": ("All children",),
        "ethnicity_major": maj,
        "ethnicity_minor": eth,
        "sex": tuple(ref.SEXES),
        "age_band": tuple(ref.AGE_BANDS),
        "disability": tuple(ref.DISABILITY),
    }
    if has_imd:
        vals["imd_decile"] = tuple(str(i) for i in range(1, 11)) + ("unknown",)
    for first, firsts in (("ethnicity_major", maj), ("ethnicity_minor", eth)):
        for second in ("sex", "age_band"):
            vals[f"{first} x {second}"] = tuple(f"{a} x {b}" for a in firsts for b in vals[second])
    return vals


def group_relations(has_imd: bool = True, *, minor_intersections: bool = False) -> list[Relation]:
    """The additive relations between groups of children at one stage.

    Every single characteristic sums to ``All children``; DfE minor ethnic groups sum to their
    major group; an ethnicity-by-sex (or by-age-band) intersection sums over sex to the ethnic
    group and over the ethnic groups to the sex. ``minor_intersections`` adds the same relations
    for the minor-group intersections (present only in aggregate inputs).

    >>> rels = group_relations(has_imd=False)
    >>> [r.parts for r in rels if r.total_type == "all" and r.part_type == "sex"]
    [('female', 'male', 'unknown')]
    >>> next(r.parts for r in rels if r.total == "Black" and r.part_type == "ethnicity_minor")
    ('BCRB', 'BAFR', 'BOTH')
    """
    vals = aggregate_group_values(has_imd)
    out = [
        Relation(total_type="all", total="All children", part_type=gt, parts=vals[gt])
        for gt in (
            "ethnicity_major",
            "ethnicity_minor",
            "sex",
            "age_band",
            "disability",
            *(("imd_decile",) if has_imd else ()),
        )
    ]
    for major in ref.MAJOR_GROUPS:
        out.append(
            Relation(
                total_type="ethnicity_major",
                total=major,
                part_type="ethnicity_minor",
                parts=tuple(e.code for e in ref.ETHNICITY if e.major == major),
            )
        )
    firsts = [("ethnicity_major", ref.MAJOR_GROUPS)] + (
        [("ethnicity_minor", ref.ETHNICITY_CODES)] if minor_intersections else []
    )
    for first, values in firsts:
        for second in ("sex", "age_band"):
            it = f"{first} x {second}"
            for a in values:
                out.append(
                    Relation(total_type=first, total=a, part_type=it, parts=tuple(f"{a} x {b}" for b in vals[second]))
                )
            for b in vals[second]:
                out.append(
                    Relation(total_type=second, total=b, part_type=it, parts=tuple(f"{a} x {b}" for a in values))
                )
    return out
