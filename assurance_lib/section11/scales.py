"""Rating scales read from YAML: labels, order, direction and a 0-1 position for ordering.

A scale file (``data/frameworks/scales_*.yaml``) holds one or more scales::

    scales:
      rag3:
        title: Three-point RAG rating
        kind: ordinal
        order: worst_first          # or best_first (tools where 1 = outstanding)
        levels:
          - {label: Not met, short: NM, status: not met, aliases: [Red, R]}
          - {label: Partially met, short: PM, status: partially met, aliases: [Amber, A]}
          - {label: Fully met, short: FM, status: fully met, aliases: [Green, G]}
      checklist:
        title: Checklist (items met of items)
        kind: fraction              # ratings written "3/5" or "3 of 5"

Each rating maps to a *position* from 0 (worst) to 1 (best) that is used only to order and
compare ratings **on the same scale**; results from different scales are never pooled into one
number. Each level also states its ``status`` (``fully met``, ``partially met`` or ``not met``),
which decides "share fully meeting" and the action-plan extract, and, for survey scales,
whether it counts as a ``positive`` (agreeing) answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from ..errors import InputError, Problem

__all__ = ["STATUSES", "Level", "Rating", "RatingScale", "load_scales", "scales_from_mapping"]

STATUSES = ("not met", "partially met", "fully met")
"""Statuses a level can have, worst first."""

_FRACTION_RE = re.compile(r"^\s*(\d+)\s*(?:/|of|out of)\s*(\d+)\s*$", re.IGNORECASE)


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


@dataclass(frozen=True, slots=True, kw_only=True)
class Level:
    """One level of an ordinal scale.

    Attributes
    ----------
    label : str
        The label as printed (``Fully met``).
    short : str
        A short symbol for heatmap cells and narrow tables (``FM``).
    position : float
        0 (worst) to 1 (best), evenly spaced along the scale's order.
    status : str
        ``fully met``, ``partially met``, ``not met`` or empty (survey scales).
    positive : bool
        Counts as agreement (survey scales).
    aliases : tuple of str
        Other spellings accepted in inputs (``Green``, ``1``).
    """

    label: str
    short: str
    position: float
    status: str = ""
    positive: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Rating:
    """A rating parsed on its scale."""

    scale: str
    label: str
    short: str
    position: float
    status: str
    positive: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class RatingScale:
    """A rating scale (frozen).

    Examples
    --------
    >>> s = RatingScale(id="rag3", title="RAG", kind="ordinal", levels=(
    ...     Level(label="Not met", short="NM", position=0.0, status="not met", aliases=("Red",)),
    ...     Level(label="Partially met", short="PM", position=0.5, status="partially met"),
    ...     Level(label="Fully met", short="FM", position=1.0, status="fully met")))
    >>> s.parse("red").label, s.parse(" Fully  met ").position
    ('Not met', 1.0)
    >>> s.parse("Mostly met") is None
    True
    >>> c = RatingScale(id="checklist", title="Checklist", kind="fraction")
    >>> r = c.parse("3 of 4"); (r.label, r.position, r.status)
    ('3 of 4', 0.75, 'partially met')
    """

    id: str
    title: str
    kind: Literal["ordinal", "fraction"] = "ordinal"
    levels: tuple[Level, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in ("ordinal", "fraction"):
            raise ValueError(f"scale {self.id!r}: kind {self.kind!r} is not one of ordinal, fraction")
        if self.kind == "ordinal" and len(self.levels) < 2:
            raise ValueError(f"scale {self.id!r}: an ordinal scale needs at least two levels")
        seen: set[str] = set()
        for lv in self.levels:
            names = {_norm(n): n for n in (lv.label, lv.short, *lv.aliases)}
            for key, name in names.items():
                if key in seen:
                    raise ValueError(f"scale {self.id!r}: {name!r} names more than one level")
            seen.update(names)
            if lv.status and lv.status not in STATUSES:
                raise ValueError(
                    f"scale {self.id!r}, level {lv.label!r}: status {lv.status!r} is not one of {', '.join(STATUSES)}"
                )

    @property
    def labels(self) -> tuple[str, ...]:
        """Level labels, worst first."""
        return tuple(lv.label for lv in self.levels)

    def expected(self) -> str:
        """What a valid rating looks like, for messages."""
        if self.kind == "fraction":
            return f"a checklist fraction such as '3/5' or '3 of 5' on the scale '{self.id}'"
        return f"one of: {', '.join(self.labels)} (scale '{self.id}')"

    def parse(self, value: Any) -> Rating | None:
        """The :class:`Rating` a value names, or None when it is not on this scale."""
        if value is None:
            return None
        text = str(value)
        if self.kind == "fraction":
            m = _FRACTION_RE.match(text)
            if not m:
                return None
            met, total = int(m.group(1)), int(m.group(2))
            if total < 1 or met > total:
                return None
            pos = met / total
            status = "fully met" if met == total else ("not met" if met == 0 else "partially met")
            return Rating(
                scale=self.id,
                label=f"{met} of {total}",
                short=f"{met}/{total}",
                position=pos,
                status=status,
                positive=met == total,
            )
        key = _norm(text)
        for lv in self.levels:
            if key in {_norm(lv.label), _norm(lv.short), *(_norm(a) for a in lv.aliases)}:
                return Rating(
                    scale=self.id,
                    label=lv.label,
                    short=lv.short,
                    position=lv.position,
                    status=lv.status,
                    positive=lv.positive,
                )
        return None


def scales_from_mapping(raw: Mapping[str, Any], file: str) -> dict[str, RatingScale]:
    """Build scales from a parsed YAML mapping; raise :class:`InputError` listing every problem."""
    problems: list[Problem] = []
    out: dict[str, RatingScale] = {}
    scales = raw.get("scales") if isinstance(raw, Mapping) else None
    if not isinstance(scales, Mapping) or not scales:
        raise InputError(
            Problem(
                file=file,
                key="scales",
                message="missing or empty",
                expected="a mapping of scale ids to scale definitions",
            )
        )
    for sid, spec in scales.items():
        key = f"scales.{sid}"
        if not isinstance(spec, Mapping):
            problems.append(Problem(file=file, key=key, expected="a mapping with title, kind and levels"))
            continue
        kind = spec.get("kind", "ordinal")
        order = spec.get("order", "worst_first")
        if order not in ("worst_first", "best_first"):
            problems.append(
                Problem(file=file, key=f"{key}.order", value=str(order), expected="worst_first or best_first")
            )
            continue
        levels_raw = spec.get("levels") or []
        if kind == "ordinal" and (not isinstance(levels_raw, list) or len(levels_raw) < 2):
            problems.append(Problem(file=file, key=f"{key}.levels", expected="a list of at least two levels"))
            continue
        items = list(levels_raw) if order == "worst_first" else list(reversed(levels_raw))
        n = len(items)
        levels = []
        bad = False
        for i, lv in enumerate(items):
            if not isinstance(lv, Mapping) or not str(lv.get("label", "")).strip():
                problems.append(
                    Problem(file=file, key=f"{key}.levels", value=str(lv), expected="a mapping with a label")
                )
                bad = True
                continue
            levels.append(
                Level(
                    label=str(lv["label"]),
                    short=str(lv.get("short", lv["label"])),
                    position=i / (n - 1) if n > 1 else 1.0,
                    status=str(lv.get("status", "") or ""),
                    positive=bool(lv.get("positive", False)),
                    aliases=tuple(str(a) for a in (lv.get("aliases") or ())),
                )
            )
        if bad:
            continue
        try:
            out[str(sid)] = RatingScale(id=str(sid), title=str(spec.get("title", sid)), kind=kind, levels=tuple(levels))
        except ValueError as exc:
            problems.append(Problem(file=file, key=key, message=str(exc)))
    if problems:
        raise InputError(problems)
    return out


def load_scales(*paths: Path | str) -> dict[str, RatingScale]:
    """Load rating scales from one or more YAML files (later files may add scales, not redefine them).

    Raises
    ------
    InputError
        When a file is missing or not valid, or a scale id is defined twice.
    """
    from ..readers import display_path

    out: dict[str, RatingScale] = {}
    problems: list[Problem] = []
    for p in paths:
        shown = display_path(p)
        if not Path(p).is_file():
            problems.append(Problem(file=shown, message="no such scales file"))
            continue
        try:
            raw = yaml.safe_load(Path(p).read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            problems.append(Problem(file=shown, message=f"not valid YAML ({exc.__class__.__name__})"))
            continue
        try:
            got = scales_from_mapping(raw, shown)
        except InputError as err:
            problems.extend(p_ for p_ in err.problems if isinstance(p_, Problem))
            continue
        for sid, sc in got.items():
            if sid in out:
                problems.append(
                    Problem(file=shown, key=f"scales.{sid}", message="is already defined in another scales file")
                )
            out[sid] = sc
    if problems:
        raise InputError(problems)
    return out
