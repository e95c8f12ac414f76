"""Section 11 frameworks read from YAML: standards, sub-questions, risk domains and their scales.

A framework file (``data/frameworks/section11_*.yaml``)::

    id: wt2023
    title: Working Together 2023 organisational arrangements (section 11)
    source: Working Together to Safeguard Children 2023, chapter 4 (Organisational responsibilities)
    scales_file: scales_section11.yaml     # relative to this file
    scale: rag3                            # default scale of every standard
    domains:                               # the risk domains (id: title)
      LG: Leadership and governance
    standards:
      - id: WT01
        title: Clear line of accountability
        domains: [LG]                      # the crosswalk from standard to domains
        scale: rag3                        # optional: this standard's own scale
        sub_questions:                     # optional
          - {id: WT01a, text: Named executive accountable for safeguarding}
    local_standards: []                    # the partnership's own standards, same fields

A partnership adds its own standards (and sub-questions) under ``local_standards``; ids must be
unique across both lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ..errors import InputError, Problem
from .scales import RatingScale, load_scales

__all__ = ["Standard", "Framework", "RiskRules", "RISK_REASONS", "load_framework"]

RISK_REASONS = (
    "persistent_not_met",
    "statutory_partner",
    "over_rating",
    "missing_evidence",
    "non_return",
    "actions_overdue",
    "actions_repeated",
    "own_declines",
)
"""The reasons of the risk ranking, each with a weight in the framework's ``risk`` block."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskRules:
    """The risk ranking's rules from the framework YAML (``risk:``): a weight and rationale per reason.

    Attributes
    ----------
    weights : mapping
        Points per unit of each reason of :data:`RISK_REASONS` (see
        :func:`assurance_lib.section11.analysis.risk_ranking` for each unit).
    rationale : mapping
        One sentence per reason: why it carries its weight (published with the ranking).
    persistent_cycles : int
        A standard not met this many cycles running (rating of record) counts as persistent.
    repeat_similarity : float
        Two action texts are "the same action" when their normalised similarity
        (:func:`difflib.SequenceMatcher.ratio`) is at least this.
    """

    weights: Mapping[str, float]
    rationale: Mapping[str, str]
    persistent_cycles: int = 2
    repeat_similarity: float = 0.8


@dataclass(frozen=True, slots=True, kw_only=True)
class Standard:
    """One standard of a framework."""

    id: str
    title: str
    scale: str
    domains: tuple[str, ...] = ()
    sub_questions: tuple[tuple[str, str], ...] = ()
    local: bool = False
    short: str = ""

    @property
    def label(self) -> str:
        """The short label for chart axes (``short``, else the title)."""
        return self.short or self.title


@dataclass(frozen=True, slots=True, kw_only=True)
class Framework:
    """A Section 11 framework with its scales (frozen)."""

    id: str
    title: str
    source: str
    standards: tuple[Standard, ...]
    domains: Mapping[str, str] = field(default_factory=dict)
    scales: Mapping[str, RatingScale] = field(default_factory=dict)
    file: str = ""
    risk: RiskRules | None = None

    @property
    def standard_ids(self) -> tuple[str, ...]:
        """Standard ids in framework order."""
        return tuple(s.id for s in self.standards)

    def standard(self, sid: str) -> Standard:
        """The standard with id ``sid``."""
        for s in self.standards:
            if s.id == sid:
                return s
        raise KeyError(f"no standard {sid!r} in framework {self.id!r}")

    def scale_of(self, sid: str) -> RatingScale:
        """The rating scale of standard ``sid``."""
        return self.scales[self.standard(sid).scale]

    def standards_frame(self) -> pd.DataFrame:
        """One row per standard: ``standard, standard_title, scale, domains, local, order``."""
        return pd.DataFrame(
            {
                "standard": [s.id for s in self.standards],
                "standard_title": [s.title for s in self.standards],
                "scale": [s.scale for s in self.standards],
                "domains": ["; ".join(self.domains.get(d, d) for d in s.domains) for s in self.standards],
                "local": [s.local for s in self.standards],
                "order": range(len(self.standards)),
            }
        )

    def crosswalk(self) -> pd.DataFrame:
        """One row per standard x domain: ``standard, standard_title, domain, domain_title``."""
        rows = [
            {"standard": s.id, "standard_title": s.title, "domain": d, "domain_title": self.domains.get(d, d)}
            for s in self.standards
            for d in s.domains
        ]
        return pd.DataFrame(rows, columns=["standard", "standard_title", "domain", "domain_title"])


def _standards(
    items: Any, key: str, default_scale: str, local: bool, file: str, problems: list[Problem]
) -> list[Standard]:
    out: list[Standard] = []
    if items is None:
        return out
    if not isinstance(items, list):
        problems.append(Problem(file=file, key=key, expected="a list of standards"))
        return out
    for i, it in enumerate(items):
        k = f"{key}[{i}]"
        if not isinstance(it, Mapping) or not str(it.get("id", "")).strip() or not str(it.get("title", "")).strip():
            problems.append(Problem(file=file, key=k, expected="a mapping with an id and a title"))
            continue
        subs = []
        for j, sq in enumerate(it.get("sub_questions") or []):
            if not isinstance(sq, Mapping) or not str(sq.get("id", "")).strip():
                problems.append(
                    Problem(file=file, key=f"{k}.sub_questions[{j}]", expected="a mapping with an id and text")
                )
                continue
            subs.append((str(sq["id"]), str(sq.get("text", ""))))
        domains = it.get("domains") or []
        if isinstance(domains, str):
            domains = [domains]
        out.append(
            Standard(
                id=str(it["id"]).strip(),
                title=str(it["title"]).strip(),
                scale=str(it.get("scale") or default_scale),
                domains=tuple(str(d) for d in domains),
                sub_questions=tuple(subs),
                local=local,
                short=str(it.get("short") or "").strip(),
            )
        )
    return out


def load_framework(path: Path | str, *, scales_path: Path | str | None = None) -> Framework:
    """Load and check a framework file with its scales.

    Parameters
    ----------
    path : path-like
        The framework YAML.
    scales_path : path-like, optional
        The scales YAML (default the framework's ``scales_file``, relative to the framework).

    Raises
    ------
    InputError
        Listing every problem: unknown scales or domains, repeated standard or sub-question ids,
        missing keys.
    """
    from ..readers import display_path

    p = Path(path)
    shown = display_path(p)
    if not p.is_file():
        raise InputError(Problem(file=shown, message="no such framework file"))
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InputError(Problem(file=shown, message=f"not valid YAML ({exc.__class__.__name__})")) from None
    problems: list[Problem] = []
    if not isinstance(raw, Mapping):
        raise InputError(Problem(file=shown, expected="a mapping with id, title, scale, domains and standards"))
    for k in ("id", "title", "scale", "standards"):
        if not raw.get(k):
            problems.append(Problem(file=shown, key=k, message="is missing"))
    sp = Path(scales_path) if scales_path else (p.parent / str(raw.get("scales_file", "scales_section11.yaml")))
    try:
        scales = load_scales(sp)
    except InputError as err:
        raise InputError([*problems, *err.problems]) from None
    default_scale = str(raw.get("scale", ""))
    domains = {str(k): str(v) for k, v in (raw.get("domains") or {}).items()}
    standards = _standards(raw.get("standards"), "standards", default_scale, False, shown, problems)
    standards += _standards(raw.get("local_standards"), "local_standards", default_scale, True, shown, problems)
    seen: set[str] = set()
    for s in standards:
        if s.id in seen:
            problems.append(
                Problem(
                    file=shown,
                    key=f"standard {s.id}",
                    message="is defined more than once",
                    expected="unique standard ids",
                )
            )
        seen.add(s.id)
        if s.scale not in scales:
            problems.append(
                Problem(
                    file=shown,
                    key=f"standard {s.id}",
                    column="scale",
                    value=s.scale,
                    expected=f"a scale defined in {display_path(sp)} (one of: {', '.join(scales)})",
                )
            )
        for d in s.domains:
            if d not in domains:
                problems.append(
                    Problem(
                        file=shown,
                        key=f"standard {s.id}",
                        column="domains",
                        value=d,
                        expected=f"a domain listed under domains (one of: {', '.join(domains) or 'none'})",
                    )
                )
        sq_ids = [q for q, _ in s.sub_questions]
        if len(set(sq_ids)) != len(sq_ids):
            problems.append(
                Problem(
                    file=shown,
                    key=f"standard {s.id}",
                    column="sub_questions",
                    message="repeats a sub-question id",
                    expected="unique sub-question ids",
                )
            )
    risk = _risk(raw.get("risk"), shown, problems)
    if problems:
        raise InputError(problems)
    return Framework(
        id=str(raw["id"]),
        title=str(raw["title"]),
        source=str(raw.get("source", raw["title"])),
        standards=tuple(standards),
        domains=domains,
        scales=scales,
        file=shown,
        risk=risk,
    )


def _risk(raw: Any, shown: str, problems: list[Problem]) -> RiskRules | None:
    """The ``risk`` block: ``persistent_cycles``, ``repeat_similarity`` and ``reasons`` (weight and rationale each)."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or not isinstance(raw.get("reasons"), Mapping):
        problems.append(
            Problem(file=shown, key="risk", expected="a mapping with reasons: {reason: {weight, rationale}}")
        )
        return None
    weights: dict[str, float] = {}
    rationale: dict[str, str] = {}
    for name, item in raw["reasons"].items():
        key = f"risk.reasons.{name}"
        if name not in RISK_REASONS:
            problems.append(
                Problem(
                    file=shown, key=key, message="is not a known reason", expected=f"one of: {', '.join(RISK_REASONS)}"
                )
            )
            continue
        w = item.get("weight") if isinstance(item, Mapping) else None
        if not isinstance(w, (int, float)) or isinstance(w, bool) or w < 0:
            problems.append(Problem(file=shown, key=f"{key}.weight", value=w, expected="a number, 0 or more"))
            continue
        why = str(item.get("rationale") or "").strip()
        if not why:
            problems.append(
                Problem(
                    file=shown,
                    key=f"{key}.rationale",
                    message="is missing",
                    expected="one sentence saying why the reason carries its weight",
                )
            )
        weights[str(name)] = float(w)
        rationale[str(name)] = why
    for name in RISK_REASONS:
        if name not in weights and not any(p.key and p.key.startswith(f"risk.reasons.{name}") for p in problems):
            problems.append(
                Problem(
                    file=shown,
                    key=f"risk.reasons.{name}",
                    message="is missing",
                    expected="a weight and a rationale for every reason",
                )
            )
    pc, rs = raw.get("persistent_cycles", 2), raw.get("repeat_similarity", 0.8)
    if not isinstance(pc, int) or isinstance(pc, bool) or pc < 2:
        problems.append(
            Problem(file=shown, key="risk.persistent_cycles", value=pc, expected="a whole number, 2 or more")
        )
        pc = 2
    if not isinstance(rs, (int, float)) or isinstance(rs, bool) or not 0 < rs <= 1:
        problems.append(
            Problem(file=shown, key="risk.repeat_similarity", value=rs, expected="a number above 0, at most 1")
        )
        rs = 0.8
    return RiskRules(weights=weights, rationale=rationale, persistent_cycles=int(pc), repeat_similarity=float(rs))
