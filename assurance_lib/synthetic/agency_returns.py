"""Synthetic agency returns to the core dataset: eight quarters of five measures, with narrative.

One row per agency, quarter and measure (the contract of :mod:`assurance_lib.core_dataset.inputs`),
2024-25 Q3 to 2026-27 Q2. Levels are set for a partnership of about 55,000 children: police
domestic abuse notifications with a winter peak, missing episodes that rise over a summer and fall
back, exploitation panel referrals in the twenties, early help assessments, and elective home
education that climbs steadily as it has nationally. Each narrative is written from the quarter's
figure and its change, in the agency's own voice (no names, no identifiers).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..config import Period

__all__ = ["generate", "QUARTERS", "MEASURES"]

QUARTERS = tuple(
    p.label
    for p in [
        Period(2024, 3),
        Period(2024, 4),
        Period(2025, 1),
        Period(2025, 2),
        Period(2025, 3),
        Period(2025, 4),
        Period(2026, 1),
        Period(2026, 2),
    ]
)
"""The eight quarters returned."""

# measure -> (agency, level per quarter before noise)
MEASURES: dict[str, tuple[str, tuple[float, ...]]] = {
    "domestic_abuse_notifications": ("Police", (322, 351, 296, 288, 317, 346, 301, 293)),
    "missing_episodes": ("Police", (131, 118, 127, 149, 162, 138, 126, 133)),
    "exploitation_referrals": ("Children's social care", (23, 19, 26, 28, 24, 21, 27, 31)),
    "early_help_assessments": ("Early help", (241, 226, 252, 213, 236, 219, 247, 208)),
    "elective_home_education": ("Education", (268, 277, 289, 284, 301, 313, 322, 319)),
}

_OPENERS = {
    "domestic_abuse_notifications": (
        "Operation Encompass notifications",
        "Notifications to schools after a domestic abuse incident",
        "Encompass notifications sent before the next school day",
    ),
    "missing_episodes": (
        "Missing episodes reported to us",
        "Reports of children missing from home or care",
        "Missing children reports",
    ),
    "exploitation_referrals": (
        "Referrals to the exploitation panel",
        "New referrals considered by the multi-agency exploitation panel",
        "Children referred to the exploitation panel",
    ),
    "early_help_assessments": (
        "Early help assessments started",
        "New early help assessments",
        "Early help assessments opened by the family hubs",
    ),
    "elective_home_education": (
        "Children on the elective home education register",
        "The elective home education register",
        "Children known to be electively home educated",
    ),
}

_CONTEXT = {
    "domestic_abuse_notifications": {
        "up": (
            "two more schools joining the scheme",
            "more incidents over the school holidays being notified at the start of term",
            "the force's new recording of children present at repeat incidents",
        ),
        "down": (
            "fewer repeat incidents at the same addresses",
            "notifications over the holiday being held until term started",
        ),
    },
    "missing_episodes": {
        "up": ("a small number of young people going missing repeatedly", "longer evenings and the school holidays"),
        "down": (
            "return home interviews now offered within 72 hours in most cases",
            "the new protocol with the children's homes in the area",
        ),
    },
    "exploitation_referrals": {
        "up": (
            "more referrals from schools after the exploitation training",
            "referrals from the youth justice service",
            "a cluster of referrals linked to one town centre location",
        ),
        "down": (
            "the panel's new screening tool diverting some referrals to early help",
            "fewer referrals from schools over the holidays",
        ),
    },
    "early_help_assessments": {
        "up": ("the family hub in the east opening full time", "more requests from primary schools"),
        "down": ("staff vacancies in two of the hubs", "the switch to the new early help assessment form"),
    },
    "elective_home_education": {
        "up": (
            "more families removing children in Year 10 and Year 11",
            "families citing anxiety and unmet special educational needs",
            "requests following attendance concerns",
        ),
        "down": (
            "children returning to school after the elective home education officer's visits",
            "the register being checked against the school census",
        ),
    },
}


def _narrative(rng: np.random.Generator, measure: str, value: int, previous: int | None) -> str:
    opener = _OPENERS[measure][int(rng.integers(len(_OPENERS[measure])))]
    if previous is None:
        return f"{opener}: {value} this quarter, the first quarter we have returned on this basis."
    change = value - previous
    if abs(change) <= max(2, round(0.03 * previous)):
        return f"{opener}: {value}, much as last quarter ({previous}). Nothing new to report."
    way = "up" if change > 0 else "down"
    reasons = _CONTEXT[measure][way]
    reason = reasons[int(rng.integers(len(reasons)))]
    return f"{opener}: {value}, {way} {abs(change)} on last quarter. We think this reflects {reason}."


def generate(out_dir: Path, seed: int) -> list[Path]:
    """Write ``agency_returns.csv`` (eight quarters, five measures) into ``out_dir``; return its path."""
    rng = np.random.default_rng(seed + 1717)
    rows = []
    for measure, (agency, levels) in MEASURES.items():
        previous = None
        for quarter, level in zip(QUARTERS, levels):
            value = int(rng.poisson(level))
            rows.append(
                {
                    "agency": agency,
                    "quarter": quarter,
                    "measure": measure,
                    "value": value,
                    "narrative": _narrative(rng, measure, value, previous),
                }
            )
            previous = value
    path = Path(out_dir) / "agency_returns.csv"
    pd.DataFrame(rows).to_csv(path, index=False, lineterminator="\n")
    return [path]
