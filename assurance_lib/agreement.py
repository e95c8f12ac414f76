"""Agreement between raters on an ordinal scale: exact and adjacent agreement, weighted kappa
with an interval bootstrapped by cluster, and Krippendorff's ordinal alpha.

Used by :mod:`assurance_lib.audits` to compare the grade each agency gives its own work with
the grade the multi-agency panel gives after moderation. Grades are ordinal scores ``1..k``
(1 = the best grade); the functions here never see grade labels or case references, only
scores and opaque cluster keys.

Why a cluster bootstrap: one audited case yields many rated units (agencies x domains), and
grades within a case are correlated (the same family, the same panel discussion). Resampling
units as if independent would give intervals that are too narrow, so the interval resamples
whole cases with replacement (the percentile method).

Examples
--------
Wikipedia's worked example of Cohen's kappa (50 proposals, two readers, yes/no: 20 both yes,
15 both no, 5 and 10 disagreements) gives p_o = 0.7, p_e = 0.5 and kappa = 0.4. With two
categories the weighted kappa equals the unweighted one:

>>> a = [1] * 20 + [1] * 5 + [2] * 10 + [2] * 15
>>> b = [1] * 20 + [2] * 5 + [1] * 10 + [2] * 15
>>> round(weighted_kappa(a, b, k=2, weights="linear"), 6)
0.4
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "WEIGHTS",
    "KappaResult",
    "contingency",
    "disagreement_weights",
    "weighted_kappa",
    "exact_agreement",
    "adjacent_agreement",
    "bootstrap_kappa",
    "ordinal_alpha",
]

Weights = Literal["linear", "quadratic"]
WEIGHTS: tuple[str, ...] = ("linear", "quadratic")
"""Weighting schemes for :func:`weighted_kappa`: Cicchetti-Allison (linear) or Fleiss-Cohen (quadratic)."""


def _check_weights(weights: str) -> None:
    if weights not in WEIGHTS:
        raise ValueError(f"weights {weights!r} is not one of: {', '.join(WEIGHTS)}")


def _scores(values: Sequence[int] | npt.ArrayLike, k: int, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional")
    bad = ~np.isin(arr, np.arange(1, k + 1))
    if bad.any():
        raise ValueError(f"{name} holds {int(bad.sum())} value(s) that are not scores 1 to {k}")
    return arr.astype(int)


def contingency(a: npt.ArrayLike, b: npt.ArrayLike, k: int) -> np.ndarray:
    """The ``k`` x ``k`` table of counts: rows rater ``a``'s score, columns rater ``b``'s.

    Every category has a row and a column, observed or not (a weighted kappa computed on a
    table missing a category would use the wrong distances).

    Examples
    --------
    >>> contingency([1, 1, 2], [1, 2, 2], k=3).tolist()
    [[1, 1, 0], [0, 1, 0], [0, 0, 0]]
    """
    x = _scores(a, k, "a")
    y = _scores(b, k, "b")
    if len(x) != len(y):
        raise ValueError(f"the two raters rated different numbers of units ({len(x)} and {len(y)})")
    table = np.zeros((k, k), dtype=int)
    np.add.at(table, (x - 1, y - 1), 1)
    return table


def disagreement_weights(k: int, weights: Weights = "linear") -> np.ndarray:
    """Disagreement weights ``|i-j|/(k-1)`` (linear) or ``(i-j)^2/(k-1)^2`` (quadratic).

    Examples
    --------
    >>> disagreement_weights(3, "quadratic").tolist()
    [[0.0, 0.25, 1.0], [0.25, 0.0, 0.25], [1.0, 0.25, 0.0]]
    """
    _check_weights(weights)
    if k < 2:
        raise ValueError(f"a scale needs at least two categories, got {k}")
    i = np.arange(k)
    d = np.abs(i[:, None] - i[None, :]) / (k - 1)
    return d if weights == "linear" else d**2


def _kappa_from_tables(tables: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted kappa of each table in a stack ``(n, k, k)``; NaN where undefined."""
    t = tables.astype(float)
    n = t.sum(axis=(1, 2))
    rows = t.sum(axis=2)
    cols = t.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = rows[:, :, None] * cols[:, None, :] / n[:, None, None]
        obs = (w[None] * t).sum(axis=(1, 2))
        exp = (w[None] * expected).sum(axis=(1, 2))
        out = 1.0 - obs / exp
    out[(n == 0) | (exp <= 0)] = np.nan
    return out


def weighted_kappa(a: npt.ArrayLike, b: npt.ArrayLike, *, k: int, weights: Weights = "linear") -> float:
    """Cohen's (1968) weighted kappa of two raters' ordinal scores ``1..k``.

    Computed with :func:`statsmodels.stats.inter_rater.cohens_kappa` on the full ``k`` x ``k``
    table, with linear (Cicchetti-Allison) or quadratic (Fleiss-Cohen) weights.

    Parameters
    ----------
    a, b : array-like of int
        The two raters' scores for the same units, in the same order.
    k : int
        Number of categories on the scale.
    weights : {'linear', 'quadratic'}

    Returns
    -------
    float
        Kappa, or NaN when it is undefined (no units, or chance disagreement of zero: both
        raters used a single, identical category throughout).
    """
    from statsmodels.stats.inter_rater import cohens_kappa

    _check_weights(weights)
    table = contingency(a, b, k)
    if table.sum() == 0:
        return float("nan")
    w = disagreement_weights(k, weights)
    rows = table.sum(axis=1) / table.sum()
    cols = table.sum(axis=0) / table.sum()
    if float((w * np.outer(rows, cols)).sum()) <= 0:
        return float("nan")
    return float(cohens_kappa(table, wt=weights, return_results=False))


def exact_agreement(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """Share of units given the same score by both raters (NaN for no units).

    Examples
    --------
    >>> exact_agreement([1, 2, 3, 4], [1, 2, 4, 4])
    0.75
    """
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.mean(x == y)) if len(x) else float("nan")


def adjacent_agreement(a: npt.ArrayLike, b: npt.ArrayLike, within: int = 1) -> float:
    """Share of units whose two scores differ by at most ``within`` grades (exact included).

    Examples
    --------
    >>> adjacent_agreement([1, 2, 3, 4], [1, 3, 1, 4])
    0.75
    """
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.mean(np.abs(x - y) <= within)) if len(x) else float("nan")


@dataclass(frozen=True, slots=True, kw_only=True)
class KappaResult:
    """A weighted kappa with its cluster-bootstrap percentile interval.

    Attributes
    ----------
    kappa, lower, upper : float
        Point estimate and interval bounds (NaN when undefined).
    n_units : int
        Rated units (pairs of scores).
    n_clusters : int
        Clusters (audited cases) resampled by the bootstrap.
    weights : {'linear', 'quadratic'}
    confidence : float
    n_boot : int
        Bootstrap replicates drawn.
    n_boot_used : int
        Replicates in which kappa was defined (the interval uses these only).
    method : str
        A sentence describing the method, for the published table.
    """

    kappa: float
    lower: float
    upper: float
    n_units: int
    n_clusters: int
    weights: str
    confidence: float
    n_boot: int
    n_boot_used: int
    method: str


def bootstrap_kappa(
    a: npt.ArrayLike,
    b: npt.ArrayLike,
    clusters: Sequence[object] | npt.ArrayLike,
    *,
    k: int,
    weights: Weights = "linear",
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 20260701,
) -> KappaResult:
    """Weighted kappa with a percentile interval from resampling whole clusters.

    Parameters
    ----------
    a, b : array-like of int
        Scores ``1..k`` of the two raters for each unit.
    clusters : array-like
        The cluster (audited case) of each unit; clusters are resampled with replacement and
        every unit of a drawn cluster enters the replicate.
    k : int
        Number of categories.
    weights : {'linear', 'quadratic'}
    n_boot : int
        Replicates (0 gives the point estimate with no interval).
    confidence : float
        Two-sided level of the percentile interval, between 0 and 1.
    seed : int
        Seed of the random generator (results are reproducible).

    Returns
    -------
    KappaResult

    Examples
    --------
    >>> r = bootstrap_kappa([1, 2, 3, 1], [1, 2, 2, 2], ["c1", "c1", "c2", "c2"], k=3, n_boot=200)
    >>> round(r.kappa, 4), r.n_units, r.n_clusters
    (0.3333, 4, 2)
    """
    _check_weights(weights)
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    if n_boot < 0:
        raise ValueError(f"n_boot must be 0 or more, got {n_boot}")
    x = _scores(a, k, "a")
    y = _scores(b, k, "b")
    cl = np.asarray(clusters, dtype=object)
    if not (len(x) == len(y) == len(cl)):
        raise ValueError("a, b and clusters must have the same length")
    kappa = weighted_kappa(x, y, k=k, weights=weights)
    keys, inverse = np.unique(cl.astype(str), return_inverse=True)
    n_cl = len(keys)
    lower = upper = float("nan")
    used = 0
    if n_boot > 0 and n_cl > 0:
        per = np.zeros((n_cl, k, k), dtype=np.int64)
        np.add.at(per, (inverse, x - 1, y - 1), 1)
        rng = np.random.default_rng(seed)
        draws = rng.integers(0, n_cl, size=(n_boot, n_cl))
        counts = np.zeros((n_boot, n_cl), dtype=np.int64)
        np.add.at(counts, (np.repeat(np.arange(n_boot), n_cl), draws.ravel()), 1)
        tables = (counts @ per.reshape(n_cl, k * k)).reshape(n_boot, k, k)
        reps = _kappa_from_tables(tables, disagreement_weights(k, weights))
        ok = reps[np.isfinite(reps)]
        used = int(ok.size)
        if used:
            alpha = (1 - confidence) / 2
            lower, upper = (float(v) for v in np.quantile(ok, [alpha, 1 - alpha]))
    method = (
        f"Cohen's weighted kappa ({weights} weights); {confidence:.0%} percentile interval from "
        f"{n_boot} bootstrap resamples of whole cases"
    )
    return KappaResult(
        kappa=kappa,
        lower=lower,
        upper=upper,
        n_units=int(len(x)),
        n_clusters=int(n_cl),
        weights=weights,
        confidence=confidence,
        n_boot=int(n_boot),
        n_boot_used=used,
        method=method,
    )


def ordinal_alpha(reliability: npt.ArrayLike, *, k: int) -> float:
    """Krippendorff's alpha for ordinal data (raters x units, NaN where a rater did not rate).

    A thin wrapper over :func:`krippendorff.alpha` with the value domain fixed to the whole
    scale ``1..k`` (ordinal distances depend on every category, observed or not).

    Parameters
    ----------
    reliability : array-like, shape (raters, units)
        Scores ``1..k`` or NaN.
    k : int
        Number of categories.

    Returns
    -------
    float
        Alpha, or NaN when fewer than one unit has two ratings or only one value was used.
    """
    import krippendorff

    data = np.asarray(reliability, dtype=float)
    if data.ndim != 2:
        raise ValueError("reliability data must be two-dimensional (raters x units)")
    finite = data[np.isfinite(data)]
    if finite.size and not np.isin(finite, np.arange(1, k + 1)).all():
        raise ValueError(f"reliability data hold values that are not scores 1 to {k}")
    pairable = (np.isfinite(data).sum(axis=0) >= 2).sum()
    if pairable == 0 or np.unique(finite).size < 2:
        return float("nan")
    return float(
        krippendorff.alpha(reliability_data=data, value_domain=list(range(1, k + 1)), level_of_measurement="ordinal")
    )
