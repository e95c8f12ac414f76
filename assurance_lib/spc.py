"""Statistical process control: XmR charts and the NHS "Making Data Count" rules.

Generic (no analysis imports it for anything but numbers): a series of values in time order in,
one row per point out, with the process mean, the limits and which rules each point breaks.

The XmR chart (Wheeler, *Understanding Variation*; NHS England, *Making Data Count*, 2019):

- the moving range of a point is its absolute difference from the point before (the first point
  of a segment has none);
- the process limits are ``mean +/- 2.66 x mean moving range`` (2.66 = 3 / d2, d2 = 1.128 for
  ranges of two points), so one "sigma" is ``2.66 / 3 x mean moving range``;
- limits are calculated over a whole segment and recalculated only at a documented change point
  (``change_points``: the positions where a new segment starts).

The Making Data Count rules, each within its segment:

1. **outside**: a point above the upper or below the lower process limit;
2. **shift**: a run of 7 or more consecutive points all above, or all below, the mean (a point
   exactly on the mean ends the run);
3. **trend**: 7 or more consecutive points each higher than the one before (or each lower); a
   point equal to the one before ends the run;
4. **two of three**: two out of three consecutive points beyond two sigma (two thirds of the way
   to a limit) on the same side of the mean; the points beyond are marked.

A point is special cause ``high`` or ``low`` by the side (or direction) of the rule it breaks.
With fewer than ``min_points`` points no limits are drawn (a run chart: the median only).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = [
    "XMR_CONSTANT",
    "RUN_LENGTH",
    "MIN_POINTS",
    "xmr",
    "variation",
    "assurance",
    "VARIATION_MEANINGS",
    "ASSURANCE_MEANINGS",
]

XMR_CONSTANT = 2.66
"""3 / d2 with d2 = 1.128 (moving ranges of two points)."""
RUN_LENGTH = 7
"""Points in a shift or a trend (Making Data Count)."""
MIN_POINTS = 12
"""Fewest points for process limits (Making Data Count: at least 12, better 20)."""

VARIATION_MEANINGS = {
    "common cause": "Common cause variation: the latest points vary only as the process always has; no "
    "significant change.",
    "improvement": "Special cause variation in the wanted direction: a change unlikely to be chance, for the better.",
    "concern": "Special cause variation in the unwanted direction: a change unlikely to be chance, for the worse.",
    "higher": "Special cause variation upwards (the measure has no better direction).",
    "lower": "Special cause variation downwards (the measure has no better direction).",
    "run chart": "Too few points for process limits: a run chart with its median, no statement about variation.",
}
"""What each variation icon of Making Data Count means, in words."""

ASSURANCE_MEANINGS = {
    "pass": "Consistently passes the target: the whole range between the process limits is on the right side of it.",
    "fail": "Consistently fails the target: the whole range between the process limits is on the wrong side; "
    "it will not be met without a change to the process.",
    "hit and miss": "Hit and miss: the target lies between the process limits, so it will be met some months and "
    "not others by chance alone.",
    "no target": "No target set for this indicator.",
    "no limits": "No process limits (too few points) to judge the target by.",
}
"""What each assurance icon of Making Data Count means, in words."""


def _segments(n: int, change_points: Sequence[int]) -> list[tuple[int, int]]:
    cuts = sorted({int(c) for c in change_points if 0 < int(c) < n})
    starts = [0, *cuts]
    ends = [*cuts, n]
    return list(zip(starts, ends))


def _runs(mask: np.ndarray, length: int) -> np.ndarray:
    """True on every point that belongs to a run of ``length`` or more consecutive True values."""
    out = np.zeros(mask.shape, dtype=bool)
    i = 0
    n = len(mask)
    while i < n:
        if not mask[i]:
            i += 1
            continue
        j = i
        while j < n and mask[j]:
            j += 1
        if j - i >= length:
            out[i:j] = True
        i = j
    return out


def _trend(values: np.ndarray, length: int, rising: bool) -> np.ndarray:
    """True on every point of a run of ``length`` or more points each above (below) the one before."""
    n = len(values)
    out = np.zeros(n, dtype=bool)
    if n < length:
        return out
    step = np.diff(values) > 0 if rising else np.diff(values) < 0
    # a run of k steps covers k + 1 points
    i = 0
    while i < n - 1:
        if not step[i]:
            i += 1
            continue
        j = i
        while j < n - 1 and step[j]:
            j += 1
        if j - i + 1 >= length:
            out[i : j + 1] = True
        i = j
    return out


def _two_of_three(beyond: np.ndarray) -> np.ndarray:
    """Points beyond two sigma that are two of a window of three consecutive points beyond on one side."""
    n = len(beyond)
    out = np.zeros(n, dtype=bool)
    for k in range(n - 2):
        w = beyond[k : k + 3]
        if w.sum() >= 2:
            out[k : k + 3] |= w
    if n == 2 and beyond.all():
        out[:] = True
    return out


def xmr(
    values: Sequence[float] | np.ndarray | pd.Series,
    *,
    change_points: Sequence[int] = (),
    min_points: int = MIN_POINTS,
) -> pd.DataFrame:
    """The XmR chart of a series, with the Making Data Count rules.

    Parameters
    ----------
    values : sequence of float
        The series in time order (no missing values: leave a missing point out before calling).
    change_points : sequence of int
        Positions (0-based) where the process is documented to have changed: the mean and limits
        are recalculated from that point on. Positions outside ``1 .. len(values) - 1`` are ignored.
    min_points : int
        Fewest points in a segment for limits; shorter segments get a median only (run chart).

    Returns
    -------
    DataFrame
        One row per point: ``value, segment, moving_range, mean, mean_moving_range, lower_limit,
        upper_limit, sigma, median, outside, shift, trend, two_of_three, special_cause``
        (``"high"``, ``"low"`` or ``""``), ``rules`` (the rules broken, ``;``-separated),
        ``chart`` (``"xmr"`` or ``"run"``).

    Examples
    --------
    >>> out = xmr([10, 12, 11, 13, 12, 11, 10, 12, 11, 13, 12, 30])
    >>> round(float(out["mean"].iloc[0]), 3), round(float(out["upper_limit"].iloc[0]), 3)
    (13.083, 20.822)
    >>> out["special_cause"].iloc[-1], out["rules"].iloc[-1]
    ('high', 'outside')
    """
    v = np.asarray(values, dtype="float64")
    if np.isnan(v).any():
        raise ValueError("xmr: the series has a missing value; leave missing points out first")
    n = len(v)
    cols: dict[str, np.ndarray] = {
        "value": v,
        "segment": np.zeros(n, dtype="int64"),
        "moving_range": np.full(n, np.nan),
        "mean": np.full(n, np.nan),
        "mean_moving_range": np.full(n, np.nan),
        "lower_limit": np.full(n, np.nan),
        "upper_limit": np.full(n, np.nan),
        "sigma": np.full(n, np.nan),
        "median": np.full(n, np.nan),
    }
    rules = {r: np.zeros(n, dtype=bool) for r in ("outside", "shift", "trend", "two_of_three")}
    high = np.zeros(n, dtype=bool)
    low = np.zeros(n, dtype=bool)
    chart = np.full(n, "run", dtype=object)
    for k, (a, b) in enumerate(_segments(n, change_points)):
        seg = v[a:b]
        cols["segment"][a:b] = k
        cols["median"][a:b] = float(np.median(seg)) if len(seg) else np.nan
        if len(seg) > 1:
            cols["moving_range"][a + 1 : b] = np.abs(np.diff(seg))
        if len(seg) < min_points:
            continue
        chart[a:b] = "xmr"
        mean = float(seg.mean())
        mrbar = float(np.abs(np.diff(seg)).mean())
        sigma = XMR_CONSTANT * mrbar / 3
        ucl, lcl = mean + XMR_CONSTANT * mrbar, mean - XMR_CONSTANT * mrbar
        cols["mean"][a:b] = mean
        cols["mean_moving_range"][a:b] = mrbar
        cols["upper_limit"][a:b] = ucl
        cols["lower_limit"][a:b] = lcl
        cols["sigma"][a:b] = sigma
        above_l, below_l = seg > ucl, seg < lcl
        above_m, below_m = seg > mean, seg < mean
        sh_hi, sh_lo = _runs(above_m, RUN_LENGTH), _runs(below_m, RUN_LENGTH)
        tr_up, tr_dn = _trend(seg, RUN_LENGTH, True), _trend(seg, RUN_LENGTH, False)
        two_hi = _two_of_three(seg > mean + 2 * sigma)
        two_lo = _two_of_three(seg < mean - 2 * sigma)
        rules["outside"][a:b] = above_l | below_l
        rules["shift"][a:b] = sh_hi | sh_lo
        rules["trend"][a:b] = tr_up | tr_dn
        rules["two_of_three"][a:b] = two_hi | two_lo
        high[a:b] = above_l | sh_hi | tr_up | two_hi
        low[a:b] = below_l | sh_lo | tr_dn | two_lo
    out = pd.DataFrame(cols)
    for r, m in rules.items():
        out[r] = m
    side = np.where(high & ~low, "high", np.where(low & ~high, "low", np.where(high & low, "both", "")))
    out["special_cause"] = pd.array(side, dtype="string")
    out["rules"] = pd.array(
        [";".join(r for r in rules if rules[r][i]) for i in range(n)],
        dtype="string",
    )
    out["chart"] = pd.array(chart, dtype="string")
    return out


def variation(chart: pd.DataFrame, polarity: str, *, latest: int = 1) -> str:
    """The variation icon of the latest point(s), as a key of :data:`VARIATION_MEANINGS`.

    Parameters
    ----------
    chart : DataFrame
        :func:`xmr`'s output.
    polarity : {"higher is better", "lower is better", "neither"}
        Which direction is wanted.
    latest : int
        How many of the last points to read (1: the latest point alone, as Making Data Count's icon).

    Returns
    -------
    str
        ``"run chart"`` without limits; ``"improvement"`` or ``"concern"`` for special cause in the
        wanted or unwanted direction; ``"higher"``/``"lower"`` where no direction is wanted;
        ``"common cause"`` otherwise.

    Examples
    --------
    >>> variation(xmr([10, 12, 11, 13, 12, 11, 10, 12, 11, 13, 12, 30]), "lower is better")
    'concern'
    """
    if chart.empty or chart["chart"].iloc[-1] != "xmr":
        return "run chart"
    last = chart.tail(latest)["special_cause"].tolist()
    side = next((s for s in reversed(last) if s in ("high", "low")), "")
    if not side:
        return "common cause"
    if polarity == "higher is better":
        return "improvement" if side == "high" else "concern"
    if polarity == "lower is better":
        return "improvement" if side == "low" else "concern"
    return "higher" if side == "high" else "lower"


def assurance(chart: pd.DataFrame, polarity: str, target: float | None) -> str:
    """The assurance icon: where the target lies against the latest segment's process limits.

    Returns a key of :data:`ASSURANCE_MEANINGS`: ``"no target"``, ``"no limits"``, ``"pass"``,
    ``"fail"`` or ``"hit and miss"``.

    Examples
    --------
    >>> c = xmr([80, 82, 81, 83, 82, 81, 80, 82, 81, 83, 82, 81])
    >>> assurance(c, "higher is better", 70), assurance(c, "higher is better", 90), assurance(c, "higher is better", 81)
    ('pass', 'fail', 'hit and miss')
    """
    if target is None or (isinstance(target, float) and np.isnan(target)):
        return "no target"
    if chart.empty or chart["chart"].iloc[-1] != "xmr":
        return "no limits"
    lo, hi = float(chart["lower_limit"].iloc[-1]), float(chart["upper_limit"].iloc[-1])
    if polarity == "higher is better":
        return "pass" if lo > target else ("fail" if hi < target else "hit and miss")
    if polarity == "lower is better":
        return "pass" if hi < target else ("fail" if lo > target else "hit and miss")
    return "hit and miss" if lo <= target <= hi else "fail"
