"""The annual random dip sample of schools and colleges.

A reproducible draw of ``n`` providers from those **eligible**: in the register and not sampled in
any of the previous ``gap_years`` years (three: "at most once every three years"). The draw is
:meth:`numpy.random.Generator.choice` without replacement over the eligible URNs in sorted order,
with ``numpy.random.default_rng(seed)``: the same register, history and seed always give the same
sample, and every eligible provider has the same chance, ``n / eligible``.

The history file lives with the inputs. A run never writes to it: the pack publishes the draw, its
seed, the providers excluded and the history with this year's draw added
(``schools_dip_history_next``); once the pack is published (the pipeline publishes atomically,
so a failed or refused run leaves nothing), the analyst replaces the history file with it and
commits it. A year already in the history is not drawn again: the recorded sample is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["DipSample", "previous_years", "eligible", "draw"]


def previous_years(year: str, gap_years: int = 3) -> list[str]:
    """The ``gap_years`` years before ``year`` (labels ``YYYY-YY``).

    >>> previous_years("2026-27")
    ['2025-26', '2024-25', '2023-24']
    """
    start = int(year[:4])
    return [f"{y}-{(y + 1) % 100:02d}" for y in range(start - 1, start - gap_years - 1, -1)]


def eligible(urns: list[str], history: pd.DataFrame, year: str, gap_years: int = 3) -> tuple[list[str], pd.DataFrame]:
    """The URNs that may be drawn in ``year``, and those excluded with the year they were last sampled."""
    recent = history[history["year"].isin(previous_years(year, gap_years))]
    last = recent.groupby("urn")["year"].max()
    excluded = sorted(u for u in urns if u in last.index)
    ok = sorted(u for u in urns if u not in last.index)
    return ok, pd.DataFrame({"urn": excluded, "last_sampled": [last[u] for u in excluded]}, dtype="string")


@dataclass(frozen=True, slots=True)
class DipSample:
    """A year's dip sample: the URNs drawn, the seed, the excluded providers and whether it was drawn now."""

    year: str
    urns: tuple[str, ...]
    seed: int
    eligible: int
    excluded: pd.DataFrame
    recorded: bool


def draw(urns: list[str], history: pd.DataFrame, year: str, n: int, seed: int, gap_years: int = 3) -> DipSample:
    """Draw (or, when the history already holds ``year``, recall) the year's dip sample.

    Raises
    ------
    ValueError
        Fewer eligible providers than ``n``.

    Examples
    --------
    >>> h = pd.DataFrame({"year": ["2025-26"], "urn": ["100001"], "seed": ["1"]})
    >>> s = draw(["100001", "100002", "100003"], h, "2026-27", 2, seed=7)
    >>> "100001" in s.urns, len(s.urns), s.eligible
    (False, 2, 2)
    """
    ok, excluded = eligible(urns, history, year, gap_years)
    done = history[history["year"] == year]
    if len(done):
        seeds = done["seed"].dropna().unique()
        return DipSample(
            year=year,
            urns=tuple(sorted(done["urn"])),
            seed=int(seeds[0]) if len(seeds) else seed,
            eligible=len(ok),
            excluded=excluded,
            recorded=True,
        )
    if len(ok) < n:
        raise ValueError(f"dip sample of {n} asked for, but only {len(ok)} providers are eligible in {year}")
    rng = np.random.default_rng(seed)
    pick = rng.choice(np.array(ok, dtype=object), size=n, replace=False)
    return DipSample(
        year=year,
        urns=tuple(sorted(str(u) for u in pick)),
        seed=seed,
        eligible=len(ok),
        excluded=excluded,
        recorded=False,
    )
