"""The settings of the audit synthesis, built once from notebook 03's parameters.

Every field is a parameter of the notebook's ``parameters`` cell; the default value of each
lives there (and in ``parameters/*.yaml``), never here. A parameter left out is an error
naming it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import agreement
from ..errors import InputError, Problem

__all__ = ["Settings", "required", "NOTEBOOK"]

NOTEBOOK = "03_audit_synthesis"


def required(params: Mapping[str, Any], key: str) -> Any:
    """The value of the notebook parameter ``key``; an :class:`InputError` naming it when it is missing.

    Input readers are given the notebook's parameters (``assurance validate`` gives the
    notebook's defaults overridden by the parameters file), so a missing key means the
    parameters were not passed whole.
    """
    if key not in params:
        raise InputError(
            Problem(
                file=f"notebooks/{NOTEBOOK}.ipynb",
                key=key,
                message="is missing from the parameters given",
                expected="every parameter of the notebook's parameters cell",
            )
        )
    return params[key]


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Analysis settings: notebook 03's parameters (see its parameters cell for what each means).

    Attributes
    ----------
    register_path, grades_path, findings_path, actions_path : str
        The four inputs (resolved paths).
    framework_path : str
        The audit framework YAML: grade scale, domains, themes, finding codes, action-log settings.
    window_months : int
        Audits dated in this many months up to the period end are analysed (a whole number of quarters).
    min_cases : int
        Tables and statistics from fewer cases are labelled indicative.
    min_units : int
        Agreement statistics from fewer rated units are labelled indicative.
    kappa_weights : {'linear', 'quadratic'}
    n_boot : int
        Bootstrap resamples of cases (within each audit) for the interval of a re-audit change (the
        kappa interval is the jackknife, which needs none).
    seed : int
        Random seed of the bootstrap.
    fall_threshold : float
        A clear fall (interval below zero) of at least this many percentage points is a high-severity flag.
    below_good_threshold : float
        A domain whose share good or better is below this percentage is flagged as below good.
    self_higher_threshold : float
        An agency grading itself above the panel on at least this percentage of units is flagged.
    """

    register_path: str
    grades_path: str
    findings_path: str
    actions_path: str
    framework_path: str
    window_months: int
    min_cases: int
    min_units: int
    kappa_weights: str
    n_boot: int
    seed: int
    fall_threshold: float
    below_good_threshold: float
    self_higher_threshold: float

    def __post_init__(self) -> None:
        if self.kappa_weights not in agreement.WEIGHTS:
            raise ValueError(f"kappa_weights {self.kappa_weights!r} is not one of: {', '.join(agreement.WEIGHTS)}")
        if self.window_months < 3 or self.window_months % 3:
            raise ValueError(
                f"window_months must be a whole number of quarters (3, 6, 9, 12 ...), got {self.window_months}"
            )
        if self.n_boot < 0 or self.min_cases < 1 or self.min_units < 1:
            raise ValueError("n_boot must be 0 or more; min_cases and min_units 1 or more")

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Settings:
        """Settings from the notebook's parameters (its other parameters, such as ``names_file``, are not settings).

        Raises
        ------
        ValueError
            Naming every parameter that is missing, or the first one whose value is wrong.
        """
        names = [f.name for f in dataclasses.fields(cls)]
        missing = [n for n in names if n not in params]
        if missing:
            raise ValueError(
                f"missing parameter{'s' if len(missing) != 1 else ''} {', '.join(missing)} "
                "(expected every parameter of the notebook's parameters cell)"
            )
        return cls(**{n: params[n] for n in names})
