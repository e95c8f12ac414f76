"""The indicator catalogue (``data/frameworks/core_indicators.yaml``): read, checked, typed.

A partnership edits the YAML, not code. Every problem names the file, the indicator (its
position and id), the field, the value and what was expected (exit 2 before any notebook runs).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import InputError, Problem
from ..readers import display_path

__all__ = [
    "Indicator",
    "ChangePoint",
    "Catalogue",
    "load_catalogue",
    "UNITS",
    "POLARITIES",
    "OBA",
    "SOURCES",
    "EVENT_CALCULATIONS",
    "COMPARATORS",
]

UNITS = ("per 10,000 children", "percentage", "count")
POLARITIES = ("higher is better", "lower is better", "neither")
OBA = ("how much", "how well", "better off")
SOURCES = ("events", "agency return")
EVENT_CALCULATIONS = (
    "contacts_rate",
    "referrals_rate",
    "rereferrals",
    "referral_nfa",
    "assessments_45wd",
    "s47_rate",
    "s47_to_icpc",
    "icpc_15wd",
    "cpp_rate",
    "cla_rate",
    "cpp_second",
    "cpp_two_years",
    "cpp_ended_3m",
)
"""The calculations the workbench computes from the journey events (docs/core_dataset.md)."""
COMPARATORS = (
    "none",
    "referrals_rate",
    "rereferrals",
    "referral_nfa",
    "s47_rate",
    "s47_to_icpc",
    "icpc_15wd",
    "cpp_rate",
    "cla_rate",
    "cpp_second",
    "cpp_two_years",
)
"""The DfE figures an indicator can be benchmarked against (:mod:`.benchmarks`)."""


@dataclass(frozen=True, slots=True)
class ChangePoint:
    """A documented change of process: limits are recalculated from ``date`` on."""

    date: dt.date
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Indicator:
    """One indicator of the catalogue (see the YAML's header for each field)."""

    id: str
    title: str
    numerator: str
    denominator: str
    window: str
    unit: str
    polarity: str
    oba: str
    source: str
    calculation: str
    agency: str
    comparator: str
    target: float | None
    tolerance: float | None
    change_points: tuple[ChangePoint, ...]
    themes: tuple[str, ...]

    @property
    def is_rate(self) -> bool:
        """A rate per 10,000 children (Poisson interval)."""
        return self.unit == "per 10,000 children"

    @property
    def is_proportion(self) -> bool:
        """A percentage (Wilson interval)."""
        return self.unit == "percentage"


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The catalogue: its title and indicators in order."""

    title: str
    indicators: tuple[Indicator, ...]

    def by_id(self, indicator: str) -> Indicator:
        """The indicator of an id (``KeyError`` otherwise)."""
        for i in self.indicators:
            if i.id == indicator:
                return i
        raise KeyError(indicator)


def _themes_known(path: Path) -> set[str]:
    p = path.parent / "priorities.yaml"
    if not p.exists():
        return set()
    data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    return set((data.get("priorities") or {}).keys())


def _number(v: object) -> float | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise TypeError
    return float(v)


def load_catalogue(path: Path | str) -> Catalogue:
    """Read and check the indicator catalogue.

    Raises
    ------
    InputError
        Listing every problem: a missing field, an unknown unit, polarity, OBA category, source,
        calculation or comparator, a repeated id, a target or tolerance that is not a number, a
        change point that is not a date, a theme not in ``priorities.yaml`` (beside the catalogue).
    """
    p = Path(path)
    shown = display_path(p)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            Problem(file=shown, message="does not exist", expected="the indicator catalogue (YAML)")
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(Problem(file=shown, message=f"is not valid YAML ({str(exc).splitlines()[0]})")) from None
    if not isinstance(data, dict) or not isinstance(data.get("indicators"), list) or not data["indicators"]:
        raise InputError(Problem(file=shown, key="indicators", message="is missing", expected="a list of indicators"))
    themes_known = _themes_known(p)
    problems: list[Problem] = []
    out: list[Indicator] = []
    seen: set[str] = set()
    for k, raw in enumerate(data["indicators"], start=1):
        place = f"indicator {k}"
        if not isinstance(raw, dict):
            problems.append(Problem(file=shown, place=place, value=raw, expected="a mapping of fields"))
            continue
        iid = str(raw.get("id") or "")
        if iid:
            place = f"indicator {k} ({iid})"

        def bad(field: str, value: object, expected: str, place: str = place) -> None:
            problems.append(Problem(file=shown, place=place, key=field, value=value, expected=expected))

        if not re.fullmatch(r"[a-z][a-z0-9_]*", iid):
            bad("id", raw.get("id"), "an id of lower-case letters, digits and underscores")
        elif iid in seen:
            bad("id", iid, "an id not used by another indicator")
        seen.add(iid)
        if not str(raw.get("title") or "").strip():
            bad("title", raw.get("title"), "a title")
        d = raw.get("definition")
        if not isinstance(d, dict) or not all(
            str(d.get(f) or "").strip() for f in ("numerator", "denominator", "window")
        ):
            bad("definition", d, "numerator, denominator and window, each in words")
            d = {}
        for field, choices in (("unit", UNITS), ("polarity", POLARITIES), ("oba", OBA), ("source", SOURCES)):
            if raw.get(field) not in choices:
                bad(field, raw.get(field), "one of: " + ", ".join(choices))
        source = raw.get("source")
        calc = str(raw.get("calculation") or "")
        if source == "events" and calc not in EVENT_CALCULATIONS:
            bad("calculation", raw.get("calculation"), "one of: " + ", ".join(EVENT_CALCULATIONS))
        if source == "agency return":
            if not re.fullmatch(r"[a-z][a-z0-9_]*", calc):
                bad("calculation", raw.get("calculation"), "the measure id of the agency returns")
            if not str(raw.get("agency") or "").strip():
                bad("agency", raw.get("agency"), "the agency that returns the measure")
            if raw.get("unit") not in (None, "count"):
                bad("unit", raw.get("unit"), "count (an agency return is a count)")
        comparator = str(raw.get("comparator") or "none")
        if comparator not in COMPARATORS:
            bad("comparator", raw.get("comparator"), "one of: " + ", ".join(COMPARATORS))
        nums: dict[str, float | None] = {}
        for field in ("target", "tolerance"):
            try:
                nums[field] = _number(raw.get(field))
            except TypeError:
                bad(field, raw.get(field), "a number (or leave it out)")
                nums[field] = None
        cps: list[ChangePoint] = []
        for j, cp in enumerate(raw.get("change_points") or [], start=1):
            when = cp.get("date") if isinstance(cp, dict) else None
            if isinstance(when, str):
                try:
                    when = dt.date.fromisoformat(when)
                except ValueError:
                    when = None
            if not isinstance(when, dt.date) or not str((cp or {}).get("reason") or "").strip():
                bad(f"change_points[{j}]", cp, "a date (YYYY-MM-DD) and the reason the process changed")
            else:
                cps.append(ChangePoint(when, str(cp["reason"]).strip()))
        themes = raw.get("themes") or []
        if isinstance(themes, str):
            themes = [t.strip() for t in themes.split(";") if t.strip()]
        for t in themes:
            if themes_known and t not in themes_known:
                bad("themes", t, "an id of data/frameworks/priorities.yaml: " + ", ".join(sorted(themes_known)))
        try:
            out.append(
                Indicator(
                    id=iid,
                    title=str(raw.get("title") or "").strip(),
                    numerator=str(d.get("numerator") or "").strip(),
                    denominator=str(d.get("denominator") or "").strip(),
                    window=str(d.get("window") or "").strip(),
                    unit=str(raw.get("unit")),
                    polarity=str(raw.get("polarity")),
                    oba=str(raw.get("oba")),
                    source=str(source),
                    calculation=calc,
                    agency=str(raw.get("agency") or "").strip(),
                    comparator=comparator,
                    target=nums["target"],
                    tolerance=nums["tolerance"],
                    change_points=tuple(sorted(cps, key=lambda c: c.date)),
                    themes=tuple(str(t) for t in themes),
                )
            )
        except (TypeError, ValueError) as exc:  # pragma: no cover - every field is checked above
            bad("indicator", raw, str(exc))
    if problems:
        raise InputError(problems)
    return Catalogue(title=str(data.get("title") or "Core dataset"), indicators=tuple(out))
