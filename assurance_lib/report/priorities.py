"""The partnership's priorities, ranking rules and assurance rules (``data/frameworks/priorities.yaml``).

A partnership edits the YAML file, not code: its priority themes (id, title, outcome, tags), the
points each reason earns when the report ranks concerns and strengths (``ranking``) and the rules
that propose an assurance level for each priority (``assurance``). See docs/report.md ("Ranking").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..readers import display_path

__all__ = ["DEFAULT_PRIORITIES_PATH", "ASSURANCE_LEVELS", "Theme", "Priorities", "load_priorities"]

DEFAULT_PRIORITIES_PATH = Path("data/frameworks/priorities.yaml")
"""The partnership's priorities file, relative to the project root (the notebook parameter ``priorities_path``)."""

ASSURANCE_LEVELS: tuple[str, ...] = ("substantial", "reasonable", "limited", "no assurance")
"""The assurance levels, strongest first."""

_CONDITIONS = (
    "strengths_at_least",
    "strong_concerns_at_most",
    "persistent_concerns_at_most",
    "concerns_at_most",
    "sources_at_least",
)
_WEIGHTS = ("evidence", "effect", "affected", "persistence", "triangulation", "statutory_partner")


@dataclass(frozen=True, slots=True)
class Theme:
    """One priority theme: ``id``, ``title``, ``outcome`` (what good looks like) and ``tags`` (words mapped to it)."""

    id: str
    title: str
    outcome: str
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Priorities:
    """The priorities file as read.

    Attributes
    ----------
    themes : dict
        Theme id -> :class:`Theme`, in the file's order.
    weights : dict
        Reason -> ``{"points": {...}, "rationale": str}`` (``evidence``, ``effect``, ``affected``,
        ``persistence``, ``triangulation``, ``statutory_partner``).
    bands : dict
        Thresholds of the effect and affected bands (``ratio``, ``share``, ``points_gap``, ``affected``).
    one_item_per_subject : bool
        Whether a subject appears once in the top list.
    strengths_in_top : int
        Places in the top list kept for the highest-scoring strengths.
    rationale : dict
        Rule -> its rationale, for the page.
    assurance : list of dict
        The assurance rules in order (``level``, conditions, ``rationale``).
    """

    themes: dict[str, Theme]
    weights: dict[str, dict[str, Any]]
    bands: dict[str, dict[str, float]]
    one_item_per_subject: bool
    strengths_in_top: int
    rationale: dict[str, str] = field(default_factory=dict)
    assurance: list[dict[str, Any]] = field(default_factory=list)

    def theme_of(self, word: str) -> str | None:
        """The theme id a word names: a theme id itself, or one of its tags (case-insensitive)."""
        w = word.strip().lower()
        if not w:
            return None
        if w in self.themes:
            return w
        for t in self.themes.values():
            if w in (x.lower() for x in t.tags):
                return t.id
        return None


def load_priorities(path: Path | str) -> Priorities:
    """Read and check the priorities file.

    Raises
    ------
    InputError
        The file missing or not YAML, a theme without title or outcome, a weight, band or assurance
        rule missing or not a number, an unknown assurance level or condition: each problem named
        with the file and key.
    """
    import yaml

    p = Path(path)
    shown = display_path(p)
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError:
        raise InputError(
            Problem(file=shown, message="could not be read", expected="the partnership's priorities file")
        ) from None
    except yaml.YAMLError:
        raise InputError(Problem(file=shown, message="is not valid YAML")) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("priorities"), dict):
        raise InputError(
            Problem(file=shown, key="priorities", message="is missing", expected="a mapping of theme id to theme")
        )
    problems: list[Problem] = []
    themes: dict[str, Theme] = {}
    for tid, t in raw["priorities"].items():
        if not isinstance(t, dict) or not all(isinstance(t.get(k), str) and t[k].strip() for k in ("title", "outcome")):
            problems.append(Problem(file=shown, key=f"priorities.{tid}", expected="a title and an outcome (text)"))
            continue
        themes[str(tid)] = Theme(
            str(tid), t["title"].strip(), " ".join(t["outcome"].split()), tuple(map(str, t.get("tags") or ()))
        )
    ranking = raw.get("ranking") or {}
    weights = ranking.get("weights") or {}
    for w in _WEIGHTS:
        pts = (weights.get(w) or {}).get("points")
        if not isinstance(pts, dict) or not all(isinstance(v, (int, float)) for v in pts.values()):
            problems.append(
                Problem(file=shown, key=f"ranking.weights.{w}.points", expected="a mapping of band to points")
            )
        if not str((weights.get(w) or {}).get("rationale") or "").strip():
            problems.append(
                Problem(
                    file=shown, key=f"ranking.weights.{w}.rationale", message="is missing", expected="why these points"
                )
            )
    bands = ranking.get("bands") or {}
    for b in ("ratio", "share", "points_gap", "affected"):
        if not isinstance(bands.get(b), dict):
            problems.append(
                Problem(file=shown, key=f"ranking.bands.{b}", message="is missing", expected="the thresholds")
            )
    rules = (raw.get("assurance") or {}).get("rules") or []
    for i, r in enumerate(rules, 1):
        if not isinstance(r, dict) or r.get("level") not in ASSURANCE_LEVELS:
            problems.append(
                Problem(
                    file=shown,
                    place=f"assurance rule {i}",
                    key="level",
                    expected=f"one of: {', '.join(ASSURANCE_LEVELS)}",
                )
            )
            continue
        for k, v in r.items():
            if k in ("level", "rationale"):
                continue
            if k not in _CONDITIONS:
                problems.append(
                    Problem(
                        file=shown, place=f"assurance rule {i}", key=k, expected=f"one of: {', '.join(_CONDITIONS)}"
                    )
                )
            elif not isinstance(v, int):
                problems.append(
                    Problem(file=shown, place=f"assurance rule {i}", key=k, value=str(v), expected="a whole number")
                )
    if not rules:
        problems.append(Problem(file=shown, key="assurance.rules", message="is missing", expected="a list of rules"))
    if problems:
        raise InputError(problems)
    rationale: dict[str, str] = {w: " ".join(str(weights[w]["rationale"]).split()) for w in _WEIGHTS}
    for k in ("one_item_per_subject", "strengths_in_top"):
        if ranking.get(f"{k}_rationale"):
            rationale[k] = " ".join(str(ranking[f"{k}_rationale"]).split())
    return Priorities(
        themes=themes,
        weights={w: dict(weights[w]) for w in _WEIGHTS},
        bands={k: dict(v) for k, v in bands.items()},
        one_item_per_subject=bool(ranking.get("one_item_per_subject", False)),
        strengths_in_top=int(ranking.get("strengths_in_top", 0)),
        rationale=rationale,
        assurance=[dict(r) for r in rules],
    )


def rule_text(rule: Mapping[str, Any]) -> str:
    """The conditions of an assurance rule in words, e.g. ``at least 2 strengths, no persistent concern``."""
    words = {
        "strengths_at_least": ("at least {} strength(s)", None),
        "strong_concerns_at_most": ("at most {} concern(s) on strong evidence", "no concern on strong evidence"),
        "persistent_concerns_at_most": ("at most {} persistent concern(s)", "no persistent concern"),
        "concerns_at_most": ("at most {} concern(s)", "no concern"),
        "sources_at_least": ("at least {} source(s) of evidence", None),
    }
    parts = []
    for k, (w, zero) in words.items():
        if k in rule:
            parts.append(zero if (zero and rule[k] == 0) else w.format(rule[k]))
    return ", ".join(parts) or "otherwise"
