"""The learning analysis's settings: notebook 05's parameters, checked once.

No defaults here: each default lives once, in the notebook's parameters cell (and in
``parameters/*.yaml``). A parameter left out is an error naming it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from ..errors import InputError, Problem
from ..readers import register_parameter_check

__all__ = ["Settings", "NOTEBOOK", "check_parameters"]

NOTEBOOK = "05_learning"

PATHS = (
    "framework_path",
    "priorities_path",
    "reviews_path",
    "recommendations_path",
    "ledger_path",
    "activities_path",
    "voice_path",
    "complaints_path",
    "visits_path",
    "survey_questions_path",
    "headcounts_path",
    "survey_path",
    "training_path",
    "agencies_path",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """The choices of the learning analysis (see notebook 05's parameters cell).

    Attributes
    ----------
    framework_path, priorities_path, reviews_path, recommendations_path, ledger_path : str
        The vocabularies, the reviews register, its recommendations and the action ledger.
    activities_path, voice_path, complaints_path, visits_path, survey_questions_path,
    headcounts_path, survey_path, training_path : str
        The voice inputs; an empty path leaves that part out (listed as a gap).
    agencies_path : str
        The agency register (which owners are statutory partners), read by the Section 11 register's contract.
    due_soon_days : int
        An open action due within this many days of the period end is "due soon" (0 to 90).
    reaudit_after_months : int
        A re-audit is proposed this many months after an action was completed without evidence of
        practice change; a completed action older than this with no such evidence is flagged (1 to 24).
    repeat_overlap : float
        Share of the shorter action's words found in an earlier action of the same owner for the
        later one to be "the same action again" (0.3 to 1).
    """

    framework_path: str
    priorities_path: str
    reviews_path: str
    recommendations_path: str
    ledger_path: str
    activities_path: str
    voice_path: str
    complaints_path: str
    visits_path: str
    survey_questions_path: str
    headcounts_path: str
    survey_path: str
    training_path: str
    agencies_path: str
    due_soon_days: int
    reaudit_after_months: int
    repeat_overlap: float

    def __post_init__(self) -> None:
        problems = [Problem(file=f"notebook {NOTEBOOK}", key=k, value=v, expected=e) for k, v, e in _wrong(self)]
        if problems:
            raise InputError(problems)

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Settings:
        """The settings of notebook 05's parameters (``ctx.params``); a missing parameter is named."""
        names = [f.name for f in fields(cls)]
        missing = [n for n in names if n not in params]
        if missing:
            raise InputError(
                [
                    Problem(
                        file=f"notebook {NOTEBOOK}",
                        key=n,
                        message="is not given",
                        expected="every parameter of the notebook's parameters cell",
                    )
                    for n in missing
                ]
            )
        p = {n: params[n] for n in names}
        for n in PATHS:
            p[n] = str(p[n] or "")
        return cls(**p)


def _whole(v: Any, lo: int, hi: int) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi


def _wrong(s: Any) -> list[tuple[str, Any, str]]:
    get = s.get if isinstance(s, Mapping) else lambda k, d=None: getattr(s, k, d)
    out: list[tuple[str, Any, str]] = []
    if "due_soon_days" in _keys(s) and not _whole(get("due_soon_days"), 0, 90):
        out.append(("due_soon_days", get("due_soon_days"), "a whole number of days from 0 to 90"))
    if "reaudit_after_months" in _keys(s) and not _whole(get("reaudit_after_months"), 1, 24):
        out.append(("reaudit_after_months", get("reaudit_after_months"), "a whole number of months from 1 to 24"))
    r = get("repeat_overlap")
    if "repeat_overlap" in _keys(s) and (isinstance(r, bool) or not isinstance(r, int | float) or not 0.3 <= r <= 1):
        out.append(("repeat_overlap", r, "a share from 0.3 to 1"))
    return out


def _keys(s: Any) -> set[str]:
    return set(s) if isinstance(s, Mapping) else {f.name for f in fields(s)}


def check_parameters(values: Mapping[str, Any]) -> list[tuple[str, Any, str]]:
    """The notebook's wrong choices, for ``assurance validate``: ``(parameter, value, expected)``."""
    return _wrong(values)


register_parameter_check(NOTEBOOK, check_parameters)
