"""The core dataset's settings: notebook 04's parameters, checked once."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from ..errors import InputError, Problem

__all__ = ["Settings", "NOTEBOOK", "check_parameters"]

NOTEBOOK = "04_core_dataset"


def check_parameters(values: Mapping[str, Any]) -> list[tuple[str, Any, str]]:
    """The notebook's choices that are wrong: ``(parameter, value, expected)`` for each."""
    out: list[tuple[str, Any, str]] = []
    la = values.get("benchmark_la")
    if la is not None and not re.fullmatch(r"E\d{8}", str(la)):
        out.append(("benchmark_la", la, "the nine-character code of a local authority, e.g. E06000015"))
    n = values.get("min_points")
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or not 8 <= n <= 60):
        out.append(("min_points", n, "a whole number from 8 to 60 (Making Data Count: 12 or more)"))
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """The choices of the core dataset (see notebook 04's parameters cell).

    Attributes
    ----------
    events_path, population_path : str
        The journey events and the child population (as notebook 01 reads them).
    catalogue_path : str
        The indicator catalogue (YAML).
    agency_returns_path : str
        The agencies' quarterly returns (CSV or Excel); ``""`` when there are none (a gap).
    bank_holidays_path : str
        Bank holidays of England and Wales (``date, title``).
    benchmark_la : str
        The local authority whose region and statistical neighbours are the comparators.
    min_points : int
        Fewest points for process limits (12, Making Data Count); fewer give a run chart.
    """

    events_path: str
    population_path: str
    catalogue_path: str
    agency_returns_path: str
    bank_holidays_path: str
    benchmark_la: str
    min_points: int

    def __post_init__(self) -> None:
        wrong = check_parameters({"benchmark_la": self.benchmark_la, "min_points": self.min_points})
        if wrong:
            raise InputError([Problem(file=f"notebook {NOTEBOOK}", key=k, value=v, expected=e) for k, v, e in wrong])

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Settings:
        """The settings of notebook 04's parameters (``ctx.params``); a missing parameter is named."""
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
        for n in names:
            if n.endswith("_path") or n == "benchmark_la":
                p[n] = str(p[n] or "")
        return cls(**p)
