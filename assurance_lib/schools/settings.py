"""The schools audit's settings: notebook 02's ``schools_*`` and ``dip_*`` parameters, checked once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from ..errors import InputError, Problem

__all__ = ["Settings"]

NOTEBOOK = "02_section11"


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """The choices of the schools audit (see notebook 02's parameters cell).

    Attributes
    ----------
    schools_framework_path, schools_register_path, schools_returns_path : str
        The inputs; an empty ``schools_returns_path`` leaves the schools section out.
    dip_history_path : str
        The dip-sample history (``year, urn, seed``).
    cycle : str
        The audit year to report (``YYYY-YY``); ``""`` for the latest in the returns.
    dip_sample_size : int
        Providers in the year's dip sample (5 to 10).
    dip_seed : int
        The seed of the draw (published with it).
    """

    schools_framework_path: str
    schools_register_path: str
    schools_returns_path: str
    dip_history_path: str
    cycle: str
    dip_sample_size: int
    dip_seed: int

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        n = self.dip_sample_size
        if isinstance(n, bool) or not isinstance(n, int) or not 5 <= n <= 10:
            problems.append(
                Problem(
                    file=f"notebook {NOTEBOOK}", key="dip_sample_size", value=n, expected="a whole number from 5 to 10"
                )
            )
        if isinstance(self.dip_seed, bool) or not isinstance(self.dip_seed, int) or self.dip_seed < 0:
            problems.append(
                Problem(
                    file=f"notebook {NOTEBOOK}",
                    key="dip_seed",
                    value=self.dip_seed,
                    expected="a whole number, 0 or more",
                )
            )
        if problems:
            raise InputError(problems)

    @property
    def enabled(self) -> bool:
        """Whether schools returns were given."""
        return bool(self.schools_returns_path)

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Settings:
        """The settings of notebook 02's parameters (``ctx.params``); a missing parameter is named."""
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
        for n in (
            "schools_framework_path",
            "schools_register_path",
            "schools_returns_path",
            "dip_history_path",
            "cycle",
        ):
            p[n] = str(p[n] or "")
        return cls(**p)
