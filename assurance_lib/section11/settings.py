"""Notebook 02's settings: its parameters, checked once, as a frozen value.

:class:`Settings` is built once from the notebook's parameters (``Settings.from_params(ctx.params)``);
it has no defaults of its own: the default of each parameter lives once, in the notebook's
``parameters`` cell (and a period's parameters file).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from ..errors import InputError, Problem

__all__ = ["Settings", "NOTEBOOK"]

NOTEBOOK = "02_section11"


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """The choices of one Section 11 run (notebook 02's parameters; see its parameters cell).

    Attributes
    ----------
    framework_path, register_path, returns_path : str
        The inputs (resolved paths).
    survey_path : str
        The practitioner survey; ``""`` for none.
    cycle : str
        The self-assessment cycle to report (``YYYY-YY``); ``""`` for the latest in the returns.
    shortlist_size : int
        Agencies shortlisted for assurance visits.
    over_rating_threshold : float
        Flag an agency whose over-rating rate at moderation is at least this (0 to 1).
    decline_threshold : int
        Flag an agency whose own rating fell on at least this many standards.

    The risk ranking's weights are not parameters: they live, with their rationale, in the
    framework file's ``risk`` block (:class:`~.framework.RiskRules`).
    survey_min_respondents : int
        Survey groups with fewer respondents are not compared or shown.
    low_agreement, high_agreement : float
        Staff agreement (0 to 1) below which a fully met self-rating, and at or above which a not
        met self-rating, is contradicted.
    """

    framework_path: str
    register_path: str
    returns_path: str
    survey_path: str
    cycle: str
    shortlist_size: int
    over_rating_threshold: float
    decline_threshold: int
    survey_min_respondents: int
    low_agreement: float
    high_agreement: float

    def __post_init__(self) -> None:
        problems: list[Problem] = []

        def bad(name: str, expected: str) -> None:
            problems.append(
                Problem(file=f"notebook {NOTEBOOK}", key=name, value=getattr(self, name), expected=expected)
            )

        for name in ("framework_path", "register_path", "returns_path"):
            if not self.path_given(name):
                bad(name, "the path of the input (it may not be empty)")
        for name, low in (("shortlist_size", 0), ("decline_threshold", 1), ("survey_min_respondents", 1)):
            v = getattr(self, name)
            if not _is_number(v) or v != int(v) or v < low:
                bad(name, f"a whole number, {low} or more")
        for name in ("over_rating_threshold", "low_agreement", "high_agreement"):
            v = getattr(self, name)
            if not _is_number(v) or not 0 <= v <= 1:
                bad(name, "a share between 0 and 1")
        if problems:
            raise InputError(problems)

    def path_given(self, name: str) -> bool:
        return bool(getattr(self, name))

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Settings:
        """The settings of notebook 02's parameters (``ctx.params``).

        Raises
        ------
        InputError
            A parameter missing, or a value of the wrong kind (each named).
        """
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
        for n in ("framework_path", "register_path", "returns_path", "survey_path", "cycle"):
            p[n] = str(p[n] or "")
        return cls(**p)
