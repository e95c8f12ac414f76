"""The settings of the quarterly report, built once from notebook 06's parameters.

Every field is a parameter of the notebook's ``parameters`` cell; its default lives there (and
in ``parameters/*.yaml``), never here. A parameter left out is an error naming it; an empty
value means "not given".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Settings", "NOTEBOOK"]

NOTEBOOK = "06_assurance_report"


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Notebook 06's parameters, each a path or None when empty (not given).

    Attributes
    ----------
    commentary_path : Path or None
        The analyst's commentary, Markdown or YAML keyed by report section.
    children_feedback_path : Path or None
        The children's and young people's feedback summary.
    practitioner_survey_path : Path or None
        The practitioner survey (the contract shared with Section 11).
    oba_path : Path or None
        A YAML list of outcomes-based accountability measures (None: the built-in list).
    previous_run_dir : Path or None
        A previous pack to compare with (None: the pack named by ``outputs/<previous period>/LATEST``).
    priorities_path : Path
        The partnership's priorities, ranking rules and assurance rules (``data/frameworks/priorities.yaml``).
    top : int
        How many ranked concerns and strengths the report leads with.
    """

    commentary_path: Path | None
    children_feedback_path: Path | None
    practitioner_survey_path: Path | None
    oba_path: Path | None
    previous_run_dir: Path | None
    priorities_path: Path
    top: int

    def __post_init__(self) -> None:
        if isinstance(self.top, bool) or not isinstance(self.top, int) or not 1 <= self.top <= 20:
            raise ValueError(
                f"top {self.top!r} is not a whole number from 1 to 20 (how many ranked items lead the report)"
            )
        if not isinstance(self.priorities_path, Path):
            raise ValueError(f"priorities_path {self.priorities_path!r} is not a path (expected the priorities file)")
        for f in dataclasses.fields(self):
            if f.name in ("top", "priorities_path"):
                continue
            v = getattr(self, f.name)
            if v is not None and not isinstance(v, Path):
                raise ValueError(f"{f.name} {v!r} is not a path (expected a path, or empty for none)")

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Settings:
        """Settings from the notebook's parameters (an empty value becomes None).

        Raises
        ------
        ValueError
            Naming every parameter that is missing, or one that is not a path.
        """
        names = [f.name for f in dataclasses.fields(cls)]
        missing = [n for n in names if n not in params]
        if missing:
            raise ValueError(
                f"missing parameter{'s' if len(missing) != 1 else ''} {', '.join(missing)} "
                "(expected every parameter of the notebook's parameters cell)"
            )
        paths = [n for n in names if n != "top"]
        bad = [n for n in paths if params[n] and not isinstance(params[n], (str, Path))]
        if bad:
            raise ValueError(f"{bad[0]} {params[bad[0]]!r} is not a path (expected a path, or empty for none)")
        if not params["priorities_path"]:
            raise ValueError("priorities_path is empty (expected the partnership's priorities file)")
        return cls(**{n: Path(params[n]) if params[n] else None for n in paths}, top=params["top"])
