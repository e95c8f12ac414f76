"""Rates, proportions, ratios and their confidence intervals: thin and exact over scipy/statsmodels.

The style follows PHEindicatormethods (``phe_rate``, ``phe_proportion``, ``calculate_dsr``): a
tidy frame in, a new frame out holding the input columns plus

``value, lower_95, upper_95, lower_998, upper_998, method``

(95% and 99.8% intervals, the Fingertips convention; other levels give columns named the same
way, e.g. ``confidence=(0.90,)`` gives ``lower_90, upper_90``). Every row carries its ``method``;
rows that cannot be estimated (a zero denominator, a missing input) have NaN values and a
``method`` that says why. Everything is vectorised over rows; nothing warns.

Functions
---------
rate                        rate per ``multiplier``; Byar's method (count >= 10) or exact Poisson (< 10)
proportion                  proportion (x ``multiplier``); Wilson score interval
rate_ratio                  ratio of two Poisson rates; score interval and score test
proportion_ratio            ratio of two proportions; Miettinen-Nurminen score interval and score test
representation_index        observed / expected; exact or Byar limits on the observed count
bh_qvalues                  Benjamini-Hochberg q-values, NaN-safe
significance_flags          Fingertips-style labels for a ratio against a reference value
dsr                         directly standardised rate; Dobson interval
funnel_limits               funnel-plot control limits (Poisson or binomial, Spiegelhalter 2005)
overdispersion              Spiegelhalter's overdispersion estimate (phi, tau^2) and adjusted limits
mantel_haenszel_rate_ratio  Mantel-Haenszel summary rate ratio (person-time); Greenland-Robins variance
mantel_haenszel_risk_ratio  Mantel-Haenszel summary risk ratio (binomial); Greenland-Robins variance

References
----------
- Office for Health Improvement and Disparities (formerly PHE), *Technical Guide: Confidence
  intervals* and *Technical Guide: Direct standardisation*, Fingertips technical guidance.
- Breslow NE, Day NE (1987). *Statistical methods in cancer research, vol. II*. IARC (Byar's method).
- Armitage P, Berry G, Matthews JNS (2002). *Statistical methods in medical research*, 4th edn
  (exact Poisson limits from the chi-square distribution).
- Wilson EB (1927). J Am Stat Assoc 22:209-212; Newcombe RG (1998). Stat Med 17:857-872.
- Gu K, Ng HKT, Tang ML, Schucany WR (2008). Testing the ratio of two Poisson rates.
  Biometrical Journal 50:283-298 (the score method used by statsmodels).
- Miettinen O, Nurminen M (1985). Comparative analysis of two rates. Stat Med 4:213-226;
  Koopman PAR (1984). Biometrics 40:513-517; Nam J (1995). Biometrics 51:1508-1514.
- Fagerland MW, Lydersen S, Laake P (2015). Recommended confidence intervals for two independent
  binomial proportions. Stat Methods Med Res 24:224-254.
- Greenland S, Robins JM (1985). Estimation of a common effect parameter from sparse follow-up
  data. Biometrics 41:55-68.
- Benjamini Y, Hochberg Y (1995). J R Stat Soc B 57:289-300.
- Dobson AJ, Kuulasmaa K, Eberle E, Scherer J (1991). Confidence intervals for weighted sums of
  Poisson parameters. Stat Med 10:457-462.
- Spiegelhalter DJ (2005). Funnel plots for comparing institutional performance.
  Stat Med 24:1185-1202; Spiegelhalter DJ (2005). Handling over-dispersion of performance
  indicators. Qual Saf Health Care 14:347-351.
- Greenland S, Robins JM (1985). Estimation of a common effect parameter from sparse follow-up
  data. Biometrics 41:55-68.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats as sps
from statsmodels.stats import rates as _sm_rates
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint, test_proportions_2indep

__all__ = [
    "DEFAULT_CONFIDENCE",
    "BYAR_MIN_COUNT",
    "interval_columns",
    "poisson_limits",
    "rate",
    "proportion",
    "rate_ratio",
    "proportion_ratio",
    "representation_index",
    "bh_qvalues",
    "significance_flags",
    "FLAG_LABELS",
    "dsr",
    "funnel_limits",
    "overdispersion",
    "Overdispersion",
    "mantel_haenszel_rate_ratio",
    "mantel_haenszel_risk_ratio",
]

DEFAULT_CONFIDENCE: tuple[float, ...] = (0.95, 0.998)
"""Fingertips convention: 95% and 99.8% intervals."""

BYAR_MIN_COUNT = 10
"""Counts at or above this use Byar's approximation; below it the exact Poisson limits (PHE)."""

FLAG_LABELS = ("higher (99.8%)", "higher (95%)", "similar", "lower (95%)", "lower (99.8%)", "not compared")
"""Labels returned by :func:`significance_flags` (the last for rows without an interval)."""

M_BYAR = "Byar"
M_EXACT = "Exact Poisson"
M_WILSON = "Wilson score"
M_DENOM_ZERO = "denominator is zero"
M_MISSING = "missing input"
M_SCORE = "score (statsmodels confint_poisson_2indep/test_poisson_2indep, compare='ratio', method='score')"
M_SCORE_PROPORTIONS = (
    "score, Miettinen-Nurminen (statsmodels confint_proportions_2indep/test_proportions_2indep, "
    "compare='ratio', method='score')"
)


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def _label(level: float) -> str:
    """Column suffix for a confidence level: 0.95 -> '95', 0.998 -> '998', 0.9 -> '90'."""
    pct = f"{level * 100:.10g}"
    return pct.replace(".", "")


def interval_columns(confidence: Sequence[float] = DEFAULT_CONFIDENCE) -> list[str]:
    """Names of the interval columns for ``confidence``, in output order.

    Examples
    --------
    >>> interval_columns()
    ['lower_95', 'upper_95', 'lower_998', 'upper_998']
    >>> interval_columns((0.9,))
    ['lower_90', 'upper_90']
    """
    cols: list[str] = []
    for level in _check_confidence(confidence):
        lab = _label(level)
        cols += [f"lower_{lab}", f"upper_{lab}"]
    return cols


def _check_confidence(confidence: Sequence[float] | float) -> tuple[float, ...]:
    if isinstance(confidence, (int, float)):
        confidence = (float(confidence),)
    levels = tuple(float(c) for c in confidence)
    if not levels:
        raise ValueError("confidence must hold at least one level, e.g. (0.95, 0.998)")
    for c in levels:
        if not 0.5 <= c < 1:
            raise ValueError(
                f"confidence level {c!r} is not between 0.5 and 1 (expected a fraction such as 0.95 or 0.998)"
            )
    if len(set(_label(c) for c in levels)) != len(levels):
        raise ValueError(f"confidence levels {levels!r} are repeated")
    return levels


def _check_choice(name: str, value: str, choices: Iterable[str]) -> str:
    choices = tuple(choices)
    if value not in choices:
        raise ValueError(f"{name}={value!r} is not one of {', '.join(map(repr, choices))}")
    return value


def _column(df: pd.DataFrame, col: str, what: str, *, function: str) -> np.ndarray:
    """A column as float64 (NaN for missing), checking it exists, is numeric and not negative."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{function}: expected a pandas DataFrame, got {type(df).__name__}")
    if col not in df.columns:
        raise ValueError(
            f"{function}: column {col!r} ({what}) is not in the frame (columns: {', '.join(map(str, df.columns))})"
        )
    s = df[col]
    if not (pd.api.types.is_numeric_dtype(s) or s.isna().all()):
        raise ValueError(f"{function}: column {col!r} ({what}) is not numeric (dtype {s.dtype})")
    arr = pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    bad = np.isfinite(arr) & (arr < 0) | np.isinf(arr)
    if bad.any():
        rows = list(df.index[bad][:5])
        raise ValueError(
            f"{function}: column {col!r} ({what}) has negative or infinite values "
            f"at rows {rows} (expected a count or population of 0 or more)"
        )
    return arr


def _not_above(num: np.ndarray, den: np.ndarray, df: pd.DataFrame, num_col: str, den_col: str, function: str) -> None:
    bad = np.isfinite(num) & np.isfinite(den) & (num > den)
    if bad.any():
        rows = list(df.index[bad][:5])
        raise ValueError(
            f"{function}: {num_col!r} exceeds {den_col!r} at rows {rows} "
            "(expected a count no larger than its denominator)"
        )


def _as_float(values: object) -> np.ndarray:
    """Any 1-d array-like (list, ndarray, Series, nullable dtypes) as float64 with NaN for missing."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiub":
        return values.astype("float64").ravel()
    ser = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values, dtype=object).ravel())
    return pd.to_numeric(ser, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _z(level: float) -> float:
    """Two-sided standard normal quantile for ``level`` (scipy.stats.norm)."""
    return float(sps.norm.isf((1 - level) / 2))


def poisson_limits(
    count: np.ndarray | float, level: float = 0.95, *, byar_min: float = BYAR_MIN_COUNT
) -> tuple[np.ndarray, np.ndarray]:
    """Confidence limits for a Poisson count: Byar's method at ``byar_min`` or more, exact below.

    As PHEindicatormethods ``byars_lower``/``byars_upper`` and the PHE/OHID technical guide:

    - exact (counts below 10): lower = chi2.ppf(alpha/2, 2O)/2, upper = chi2.ppf(1-alpha/2, 2O+2)/2
      (scipy.stats.chi2); the lower limit of a zero count is 0;
    - Byar (counts of 10 or more): lower = O (1 - 1/(9O) - z/(3 sqrt(O)))^3,
      upper = (O+1) (1 - 1/(9(O+1)) + z/(3 sqrt(O+1)))^3.

    Parameters
    ----------
    count : array_like
        Observed counts (0 or more; need not be whole). NaN gives NaN.
    level : float
        Confidence level, e.g. 0.95.
    byar_min : float
        Smallest count for Byar's method (10, as PHE). Use ``numpy.inf`` for exact limits always.

    Returns
    -------
    lower, upper : ndarray
        Limits on the count scale.

    Examples
    --------
    >>> lo, hi = poisson_limits([0, 5, 65])
    >>> [round(float(v), 3) for v in lo], [round(float(v), 3) for v in hi]
    ([0.0, 1.623, 50.163], [3.689, 11.668, 82.849])
    """
    o = np.atleast_1d(np.asarray(count, dtype="float64"))
    alpha = 1 - level
    z = _z(level)
    use_byar = o >= byar_min
    ex_lo = np.full(o.shape, np.nan)
    ex_hi = np.full(o.shape, np.nan)
    exact = ~use_byar & np.isfinite(o)
    if exact.any():
        # the chi-square quantiles only where they are used, once per distinct count
        values, inverse = np.unique(o[exact], return_inverse=True)
        safe_v = np.where(values > 0, values, 1.0)
        with np.errstate(all="ignore"):
            lo_v = np.where(values > 0, sps.chi2.ppf(alpha / 2, 2 * safe_v) / 2, 0.0)
            hi_v = sps.chi2.ppf(1 - alpha / 2, 2 * values + 2) / 2
        ex_lo[exact] = lo_v[inverse.ravel()]
        ex_hi[exact] = hi_v[inverse.ravel()]
    with np.errstate(all="ignore"):
        safe = np.where(o > 0, o, 1.0)
        by_lo = safe * (1 - 1 / (9 * safe) - z / (3 * np.sqrt(safe))) ** 3
        o1 = np.where(np.isfinite(o), o, 0.0) + 1
        by_hi = o1 * (1 - 1 / (9 * o1) + z / (3 * np.sqrt(o1))) ** 3
    lower = np.where(use_byar, by_lo, ex_lo)
    upper = np.where(use_byar, by_hi, ex_hi)
    nan = ~np.isfinite(o)
    lower[nan] = np.nan
    upper[nan] = np.nan
    return lower, upper


def _frame(
    df: pd.DataFrame,
    value: np.ndarray,
    limits: dict[float, tuple[np.ndarray, np.ndarray]],
    method: np.ndarray,
    extra: dict[str, np.ndarray] | None = None,
    after_value: dict[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """The input columns plus value, (extra columns), intervals, (extra), method."""
    out = df.copy()
    for name in (
        "value",
        *(after_value or {}),
        *(f"{s}_{_label(c)}" for c in limits for s in ("lower", "upper")),
        *(extra or {}),
        "method",
    ):
        if name in out.columns:
            raise ValueError(f"the input already has a column named {name!r}, which the output uses; rename it first")
    cols: dict[str, np.ndarray] = {"value": value}
    cols.update(after_value or {})
    for c, (lo, hi) in limits.items():
        cols[f"lower_{_label(c)}"] = lo
        cols[f"upper_{_label(c)}"] = hi
    cols.update(extra or {})
    cols["method"] = method
    for k, v in cols.items():
        if k == "method":
            out[k] = pd.array(np.asarray(v, dtype=object), dtype="string")
        else:
            out[k] = np.asarray(v, dtype="float64")
    return out


# --------------------------------------------------------------------------------------------
# rate, proportion
# --------------------------------------------------------------------------------------------


def rate(
    df: pd.DataFrame,
    count: str,
    denominator: str,
    *,
    multiplier: float = 10000,
    confidence: Sequence[float] = DEFAULT_CONFIDENCE,
) -> pd.DataFrame:
    """Rate per ``multiplier`` with Byar's (count >= 10) or exact Poisson (count < 10) limits.

    As PHEindicatormethods ``phe_rate`` and the PHE/OHID technical guide *Confidence intervals*
    (the limits of :func:`poisson_limits` on the count, divided by the denominator). Each row is
    one rate (sum grouped data first).

    Parameters
    ----------
    df : DataFrame
        One row per rate.
    count, denominator : str
        Columns holding the number of events (children) and the population.
    multiplier : float
        Rate per this many (10,000 children, the DfE convention).
    confidence : sequence of float
        Confidence levels; the default gives ``lower_95, upper_95, lower_998, upper_998``.

    Returns
    -------
    DataFrame
        A copy of ``df`` plus ``value``, the interval columns and ``method`` ("Byar",
        "Exact Poisson", "denominator is zero" or "missing input").

    Examples
    --------
    >>> df = pd.DataFrame({"n": [65, 3, 0, 4], "pop": [10000, 2000, 500, 0]})
    >>> out = rate(df, "n", "pop")
    >>> out[["n", "value", "lower_95", "upper_95"]].round(2)
        n  value  lower_95  upper_95
    0  65   65.0     50.16     82.85
    1   3   15.0      3.09     43.84
    2   0    0.0      0.00     73.78
    3   4    NaN       NaN       NaN
    >>> out["method"].tolist()
    ['Byar', 'Exact Poisson', 'Exact Poisson', 'denominator is zero']
    """
    levels = _check_confidence(confidence)
    x = _column(df, count, "count", function="rate")
    n = _column(df, denominator, "denominator", function="rate")
    if not multiplier > 0:
        raise ValueError(f"rate: multiplier={multiplier!r} (expected a positive number such as 10000)")
    ok = np.isfinite(x) & np.isfinite(n) & (n > 0)
    with np.errstate(all="ignore"):
        scale = np.where(ok, multiplier / np.where(n > 0, n, 1.0), np.nan)
        value = x * scale
        limits = {}
        for c in levels:
            lo, hi = poisson_limits(x, c)
            limits[c] = (lo * scale, hi * scale)
    method = np.where(x >= BYAR_MIN_COUNT, M_BYAR, M_EXACT).astype(object)
    method[np.isfinite(x) & np.isfinite(n) & (n == 0)] = M_DENOM_ZERO
    method[~(np.isfinite(x) & np.isfinite(n))] = M_MISSING
    return _frame(df, value, limits, method)


def _wilson(x: np.ndarray, n: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson limits (statsmodels proportion_confint, method='wilson'), NaN where n is 0."""
    lo = np.full(x.shape, np.nan)
    hi = np.full(x.shape, np.nan)
    ok = np.isfinite(x) & np.isfinite(n) & (n > 0)
    if ok.any():
        l_, h_ = proportion_confint(x[ok], n[ok], alpha=1 - level, method="wilson")
        lo[ok] = np.clip(l_, 0, 1)
        hi[ok] = np.clip(h_, 0, 1)
        lo[ok & (x == 0)] = 0.0
        hi[ok & (x == n)] = 1.0
    return lo, hi


def proportion(
    df: pd.DataFrame,
    count: str,
    denominator: str,
    *,
    multiplier: float = 100,
    confidence: Sequence[float] = DEFAULT_CONFIDENCE,
) -> pd.DataFrame:
    """Proportion (times ``multiplier``) with the Wilson score interval.

    As PHEindicatormethods ``phe_proportion``; limits from statsmodels
    ``proportion_confint(method="wilson")`` (Wilson 1927; Newcombe 1998).

    Parameters
    ----------
    df : DataFrame
        One row per proportion.
    count, denominator : str
        Columns holding the numerator and the denominator (count <= denominator).
    multiplier : float
        100 for a percentage, 1 for a fraction.
    confidence : sequence of float
        Confidence levels.

    Returns
    -------
    DataFrame
        A copy of ``df`` plus ``value``, the interval columns and ``method`` ("Wilson score",
        "denominator is zero" or "missing input").

    Examples
    --------
    Newcombe (1998), Table II example (i): 81/263, 95% Wilson interval 0.2553 to 0.3662.

    >>> df = pd.DataFrame({"x": [81], "n": [263]})
    >>> proportion(df, "x", "n", multiplier=1).round(4)[["value", "lower_95", "upper_95", "method"]]
       value  lower_95  upper_95        method
    0  0.308    0.2553    0.3662  Wilson score
    """
    levels = _check_confidence(confidence)
    x = _column(df, count, "count", function="proportion")
    n = _column(df, denominator, "denominator", function="proportion")
    _not_above(x, n, df, count, denominator, "proportion")
    if not multiplier > 0:
        raise ValueError(f"proportion: multiplier={multiplier!r} (expected a positive number such as 100)")
    ok = np.isfinite(x) & np.isfinite(n) & (n > 0)
    with np.errstate(all="ignore"):
        value = np.where(ok, x / np.where(n > 0, n, 1.0), np.nan) * multiplier
    limits = {}
    for c in levels:
        lo, hi = _wilson(x, n, c)
        limits[c] = (lo * multiplier, hi * multiplier)
    method = np.full(x.shape, M_WILSON, dtype=object)
    method[np.isfinite(x) & np.isfinite(n) & (n == 0)] = M_DENOM_ZERO
    method[~(np.isfinite(x) & np.isfinite(n))] = M_MISSING
    return _frame(df, value, limits, method)


# --------------------------------------------------------------------------------------------
# rate ratio (score), proportion ratio (score)
# --------------------------------------------------------------------------------------------


def _score_ratio_limits(
    y1: np.ndarray, n1: np.ndarray, y2: np.ndarray, n2: np.ndarray, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Score interval for the ratio of two Poisson rates, in closed form.

    The score statistic of statsmodels ``test_poisson_2indep(method="score", compare="ratio")``
    at ratio R is z(c) = (y1 - c y2) / sqrt((y1 + y2) c) with c = R n1 / n2. It decreases in c,
    so the interval is {c : z(c)^2 <= k^2}, the roots of
    y2^2 c^2 - (2 y1 y2 + k^2 N) c + y1^2 = 0 (N = y1 + y2). statsmodels
    ``confint_poisson_2indep(method="score")`` finds the same limits numerically, one row at a
    time; the closed form is exact and vectorised (it is also the Wilson interval for the
    conditional binomial y1 | N, transformed to the ratio scale).
    """
    k2 = _z(level) ** 2
    big_n = y1 + y2
    b = 2 * y1 * y2 + k2 * big_n
    with np.errstate(all="ignore"):
        root = np.sqrt(k2 * big_n * (4 * y1 * y2 + k2 * big_n))
        c_lo = 2 * y1**2 / (b + root)  # stable form of the smaller root
        c_hi = np.where(y2 > 0, (b + root) / (2 * np.where(y2 > 0, y2, 1.0) ** 2), np.inf)
        d = n2 / n1
        lo = np.where(y1 > 0, c_lo * d, 0.0)
        hi = c_hi * d
    return lo, hi


def rate_ratio(
    df: pd.DataFrame,
    count: str,
    denominator: str,
    ref_count: str,
    ref_denominator: str,
    *,
    confidence: Sequence[float] = DEFAULT_CONFIDENCE,
) -> pd.DataFrame:
    """Ratio of two Poisson rates (group / reference) with score interval and score-test p-value.

    The score method for two independent Poisson rates (Gu et al. 2008), as statsmodels
    ``confint_poisson_2indep`` and ``test_poisson_2indep`` with ``compare="ratio",
    method="score"``; the p-value is from ``test_poisson_2indep`` and the limits are the exact
    roots of the same score statistic (see ``_score_ratio_limits``), which equal statsmodels'
    numerically inverted limits.

    Zero counts: a zero group count gives value 0 and lower limit 0; a zero reference count gives
    an infinite value and upper limit with a finite lower limit; both zero gives NaN throughout
    (no information), with the reason in ``method``.

    Parameters
    ----------
    df : DataFrame
        One row per comparison.
    count, denominator : str
        The group's events and population (exposure).
    ref_count, ref_denominator : str
        The reference group's events and population.
    confidence : sequence of float
        Confidence levels.

    Returns
    -------
    DataFrame
        A copy of ``df`` plus ``value`` (the rate ratio), the interval columns, ``p_value``
        (two-sided, ratio = 1) and ``method``.

    Examples
    --------
    >>> df = pd.DataFrame({"x": [30, 0], "n": [1000, 1000], "rx": [100, 10], "rn": [10000, 1000]})
    >>> out = rate_ratio(df, "x", "n", "rx", "rn")
    >>> out[["value", "lower_95", "upper_95", "p_value"]].round(3)
       value  lower_95  upper_95  p_value
    0    3.0       2.0     4.499    0.000
    1    0.0       0.0     0.384    0.002
    """
    levels = _check_confidence(confidence)
    f = "rate_ratio"
    y1 = _column(df, count, "count", function=f)
    n1 = _column(df, denominator, "denominator", function=f)
    y2 = _column(df, ref_count, "reference count", function=f)
    n2 = _column(df, ref_denominator, "reference denominator", function=f)
    finite = np.isfinite(y1) & np.isfinite(n1) & np.isfinite(y2) & np.isfinite(n2)
    dzero = finite & ((n1 == 0) | (n2 == 0))
    both0 = finite & ~dzero & (y1 == 0) & (y2 == 0)
    ok = finite & ~dzero & ~both0
    with np.errstate(all="ignore"):
        value = np.where(ok, (y1 / np.where(n1 > 0, n1, 1)) / (y2 / np.where(n2 > 0, n2, 1)), np.nan)
    value[ok & (y2 == 0)] = np.inf
    limits = {}
    for c in levels:
        lo, hi = _score_ratio_limits(
            np.where(ok, y1, 1.0), np.where(ok, n1, 1.0), np.where(ok, y2, 1.0), np.where(ok, n2, 1.0), c
        )
        limits[c] = (np.where(ok, lo, np.nan), np.where(ok, hi, np.nan))
    p = np.full(y1.shape, np.nan)
    if ok.any():
        with np.errstate(all="ignore"):
            res = _sm_rates.test_poisson_2indep(
                y1[ok], n1[ok], y2[ok], n2[ok], value=1, method="score", compare="ratio"
            )
        p[ok] = np.clip(np.asarray(res.pvalue, dtype="float64"), 0, 1)
    method = np.full(y1.shape, M_SCORE, dtype=object)
    method[ok & (y1 == 0)] = M_SCORE + "; group count is zero (ratio 0, lower limit 0)"
    method[ok & (y2 == 0)] = M_SCORE + "; reference count is zero (ratio infinite, upper limit infinite)"
    method[both0] = "not estimated: both counts are zero"
    method[dzero] = M_DENOM_ZERO
    method[~finite] = M_MISSING
    return _frame(df, value, limits, method, extra={"p_value": p})


def _mn_score_z(x1: np.ndarray, n1: np.ndarray, x0: np.ndarray, n0: np.ndarray, ratio: np.ndarray) -> np.ndarray:
    """Miettinen-Nurminen score statistic for the ratio of two proportions at ``ratio``.

    z(R) = (p1 - R p0) / sqrt(V(R)), V(R) = (q1 (1 - q1) / n1 + R^2 q0 (1 - q0) / n0) N / (N - 1),
    where q0, q1 = R q0 are the maximum likelihood proportions under p1 / p0 = R (the smaller
    root of N R q0^2 - (n1 R + x1 + n0 + x0 R) q0 + (x1 + x0) = 0) and N / (N - 1) is Miettinen
    and Nurminen's small-sample factor: the statistic of statsmodels
    ``score_test_proportions_2indep(compare="ratio", correction=True)`` (Miettinen & Nurminen 1985;
    Nam 1995). It decreases in R; where V is zero (every child in both groups progressed, or
    none) it is 0 (no evidence either way).
    """
    big_n = n1 + n0
    a = big_n * ratio
    b = -(n1 * ratio + x1 + n0 + x0 * ratio)
    c = x1 + x0
    with np.errstate(all="ignore"):
        q0 = (-b - np.sqrt(np.maximum(b * b - 4 * a * c, 0.0))) / (2 * a)
        q1 = q0 * ratio
        var = (q1 * (1 - q1) / n1 + ratio**2 * q0 * (1 - q0) / n0) * big_n / (big_n - 1)
        z = (x1 / n1 - ratio * x0 / n0) / np.sqrt(var)
    return np.where(var > 0, z, 0.0)


def _score_proportion_ratio_limits(
    x1: np.ndarray, n1: np.ndarray, x0: np.ndarray, n0: np.ndarray, level: float, *, steps: int = 64
) -> tuple[np.ndarray, np.ndarray]:
    """The score interval for p1 / p0: {R : |z(R)| <= z_level}, z from :func:`_mn_score_z`.

    The limits are the roots of z(R) = +k and z(R) = -k, found by bisection on log R in
    [-25, 25] for every row at once (64 halvings: 3e-18 on the log scale). This is the interval of
    statsmodels ``confint_proportions_2indep(compare="ratio", method="score")`` (Koopman 1984 with
    the Miettinen-Nurminen factor), which solves a cubic one row at a time. A zero group count
    gives lower limit 0; a zero reference count gives upper limit infinity.
    """
    k = _z(level)

    def root(target: float) -> np.ndarray:
        lo = np.full(x1.shape, -25.0)
        hi = np.full(x1.shape, 25.0)
        for _ in range(steps):
            mid = (lo + hi) / 2
            above = _mn_score_z(x1, n1, x0, n0, np.exp(mid)) > target  # the root is above mid
            lo = np.where(above, mid, lo)
            hi = np.where(above, hi, mid)
        return np.exp((lo + hi) / 2)

    lower = np.where(x1 > 0, root(k), 0.0)
    upper = np.where(x0 > 0, root(-k), np.inf)
    return lower, upper


def proportion_ratio(
    df: pd.DataFrame, x: str, n: str, ref_x: str, ref_n: str, *, confidence: Sequence[float] = DEFAULT_CONFIDENCE
) -> pd.DataFrame:
    """Ratio of two proportions (group / reference): score interval and score test, which agree.

    For a stage-to-stage conversion (children reaching a stage / children at the previous stage)
    compared with the reference group. Interval and p-value come from one statistic, the
    Miettinen-Nurminen score statistic for a ratio of independent proportions (Miettinen &
    Nurminen 1985; Koopman 1984; Nam 1995): the p-value is statsmodels
    ``test_proportions_2indep(compare="ratio", method="score")`` at ratio 1, the interval the set
    of ratios that test does not reject (statsmodels ``confint_proportions_2indep(compare="ratio",
    method="score")``, computed here for every row at once, see
    :func:`_score_proportion_ratio_limits`). So the 95% interval excludes 1 exactly when p < 0.05,
    and the interval stays valid at 0% and 100% conversion, where the Katz log interval collapses
    (6 of 6 against 34 of 48: Katz 1.18 to 1.69 beside p = 0.13; score 0.84 to 1.76).

    Zero counts: a zero group count gives value 0 and lower limit 0; a zero reference count an
    infinite value and upper limit. Both counts zero gives NaN (not estimable). When every child
    of both groups progressed the p-value is 1.

    Parameters
    ----------
    df : DataFrame
        One row per comparison.
    x, n : str
        The group's numerator and denominator (x <= n).
    ref_x, ref_n : str
        The reference group's numerator and denominator.
    confidence : sequence of float
        Confidence levels.

    Returns
    -------
    DataFrame
        A copy of ``df`` plus ``value`` (the ratio of proportions), the interval columns,
        ``p_value`` and ``method``.

    Examples
    --------
    20/100 against 10/100: ratio 2, score z = 0.1 / sqrt(2 x 0.15 x 0.85 / 100 x 200 / 199) = 1.975,
    p = 0.048, so the 95% interval just excludes 1.

    >>> df = pd.DataFrame({"x": [20], "n": [100], "rx": [10], "rn": [100]})
    >>> proportion_ratio(df, "x", "n", "rx", "rn")[["value", "lower_95", "upper_95", "p_value"]].round(3)
       value  lower_95  upper_95  p_value
    0    2.0     1.005     4.031    0.048
    """
    levels = _check_confidence(confidence)
    f = "proportion_ratio"
    x1 = _column(df, x, "count", function=f)
    m1 = _column(df, n, "denominator", function=f)
    x2 = _column(df, ref_x, "reference count", function=f)
    m2 = _column(df, ref_n, "reference denominator", function=f)
    _not_above(x1, m1, df, x, n, f)
    _not_above(x2, m2, df, ref_x, ref_n, f)
    finite = np.isfinite(x1) & np.isfinite(m1) & np.isfinite(x2) & np.isfinite(m2)
    dzero = finite & ((m1 == 0) | (m2 == 0))
    both0 = finite & ~dzero & (x1 == 0) & (x2 == 0)
    ok = finite & ~dzero & ~both0
    with np.errstate(all="ignore"):
        value = np.where(ok, (x1 / m1) / (x2 / m2), np.nan)
    value[ok & (x2 == 0)] = np.inf
    safe = [np.where(ok, a, d) for a, d in ((x1, 1.0), (m1, 2.0), (x2, 1.0), (m2, 2.0))]
    limits = {}
    for c in levels:
        lo, hi = _score_proportion_ratio_limits(*safe, c)
        limits[c] = (np.where(ok, lo, np.nan), np.where(ok, hi, np.nan))
    p = np.full(x1.shape, np.nan)
    if ok.any():
        with np.errstate(all="ignore"):
            res = test_proportions_2indep(
                x1[ok], m1[ok], x2[ok], m2[ok], value=1, method="score", compare="ratio", correction=True
            )
        pv = np.asarray(res.pvalue, dtype="float64")
        p[ok] = np.clip(np.where(np.isnan(pv), 1.0, pv), 0, 1)  # NaN: every child of both groups progressed
    method = np.full(x1.shape, M_SCORE_PROPORTIONS, dtype=object)
    method[ok & (x1 == 0)] = M_SCORE_PROPORTIONS + "; group count is zero (ratio 0, lower limit 0)"
    method[ok & (x2 == 0)] = M_SCORE_PROPORTIONS + "; reference count is zero (ratio infinite, upper limit infinite)"
    method[both0] = "not estimated: both counts are zero"
    method[dzero] = M_DENOM_ZERO
    method[~finite] = M_MISSING
    return _frame(df, value, limits, method, extra={"p_value": p})


# --------------------------------------------------------------------------------------------
# representation index
# --------------------------------------------------------------------------------------------


def representation_index(
    df: pd.DataFrame,
    count: str,
    total: str,
    population: str,
    population_total: str,
    *,
    confidence: Sequence[float] = DEFAULT_CONFIDENCE,
) -> pd.DataFrame:
    """Representation index: observed / expected, expected = total x population / population_total.

    For example the children of one ethnic group on child protection plans (``count``) against
    all children on plans (``total``), expected from the group's share of the child population.
    The interval treats the expected count as fixed and puts the exact Poisson (count < 10) or
    Byar (count >= 10) limits of the observed count over it, as an indirectly standardised ratio.
    **Descriptive only**: it ignores the uncertainty in the expected count and the dependence of
    the group on the total, so use :func:`rate_ratio` for inference between groups.

    Parameters
    ----------
    df : DataFrame
        One row per group.
    count : str
        Observed count in the group.
    total : str
        Observed count over all groups.
    population, population_total : str
        The group's population and the population of all groups.
    confidence : sequence of float
        Confidence levels.

    Returns
    -------
    DataFrame
        A copy of ``df`` plus ``value`` (the index, 1 = represented in proportion),
        ``expected``, the interval columns and ``method``.

    Examples
    --------
    12 of 200 children on plans from a group that is 3% of the child population: expected 6.

    >>> df = pd.DataFrame({"x": [12], "tot": [200], "pop": [300], "poptot": [10000]})
    >>> representation_index(df, "x", "tot", "pop", "poptot")[["value", "expected", "lower_95", "method"]].round(3)
       value  expected  lower_95 method
    0    2.0       6.0     1.032   Byar
    """
    levels = _check_confidence(confidence)
    f = "representation_index"
    o = _column(df, count, "count", function=f)
    t = _column(df, total, "total", function=f)
    p = _column(df, population, "population", function=f)
    pt = _column(df, population_total, "population total", function=f)
    _not_above(o, t, df, count, total, f)
    _not_above(p, pt, df, population, population_total, f)
    finite = np.isfinite(o) & np.isfinite(t) & np.isfinite(p) & np.isfinite(pt)
    with np.errstate(all="ignore"):
        expected = np.where(finite & (pt > 0), t * p / np.where(pt > 0, pt, 1.0), np.nan)
        ok = finite & (expected > 0)
        inv = np.where(ok, 1 / np.where(expected > 0, expected, 1.0), np.nan)
        value = o * inv
        limits = {}
        for c in levels:
            lo, hi = poisson_limits(o, c)
            limits[c] = (lo * inv, hi * inv)
    method = np.where(o >= BYAR_MIN_COUNT, M_BYAR, M_EXACT).astype(object)
    method[finite & ~ok] = "expected is zero"
    method[~finite] = M_MISSING
    return _frame(df, value, limits, method, after_value={"expected": expected})


# --------------------------------------------------------------------------------------------
# multiple testing, flags
# --------------------------------------------------------------------------------------------


def bh_qvalues(
    p_values: Sequence[float] | np.ndarray | pd.Series, groups: Sequence[object] | np.ndarray | pd.Series | None = None
) -> np.ndarray | pd.Series:
    """Benjamini-Hochberg adjusted p-values (q-values), NaN-safe, optionally within groups.

    statsmodels ``multipletests(method="fdr_bh")`` on the non-missing p-values: NaNs stay NaN and
    do not count in the family size. A Series in gives a Series out (same index).

    Parameters
    ----------
    p_values : array_like
        p-values from 0 to 1 (NaN for none).
    groups : array_like, optional
        One label per p-value: each group is its own family, adjusted as if alone (the same
        numbers as ``multipletests`` on each group, computed in one vectorised pass). Default:
        one family.

    Returns
    -------
    ndarray or Series
        The q-values, NaN where the p-value is.

    Examples
    --------
    >>> bh_qvalues([0.01, np.nan, 0.04, 0.03]).round(3).tolist()
    [0.03, nan, 0.04, 0.04]
    >>> bh_qvalues([0.01, 0.04, 0.01, 0.04], groups=["a", "a", "b", "b"]).round(3).tolist()
    [0.02, 0.04, 0.02, 0.04]
    """
    is_series = isinstance(p_values, pd.Series)
    p = _as_float(p_values)
    ok = np.isfinite(p)
    if ((p[ok] < 0) | (p[ok] > 1)).any():
        raise ValueError(f"bh_qvalues: p-values outside [0, 1]: {p[ok][(p[ok] < 0) | (p[ok] > 1)][:5]}")
    q = np.full(p.shape, np.nan)
    if groups is None:
        if ok.any():
            q[ok] = multipletests(p[ok], method="fdr_bh")[1]
    else:
        g_codes, _ = pd.factorize(np.asarray(groups, dtype=object) if not isinstance(groups, np.ndarray) else groups)
        if len(g_codes) != len(p):
            raise ValueError(f"bh_qvalues: {len(p)} p-values but {len(g_codes)} group labels")
        if ok.any():
            q[ok] = _bh_within(p[ok], np.asarray(g_codes)[ok])
    if is_series:
        return pd.Series(q, index=p_values.index, name=p_values.name)
    return q


def _bh_within(p: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg within each group of finite p-values, as statsmodels' ``fdrcorrection``:
    sorted p / (rank / m), then the running minimum from the largest p down, capped at 1."""
    order = np.lexsort((p, g))
    ps, gs = p[order], g[order]
    m = np.bincount(gs)
    start = np.concatenate(([0], np.cumsum(m)[:-1]))
    rank = np.arange(len(ps)) - start[gs] + 1
    ecdf = rank / m[gs].astype("float64")
    raw = ps / ecdf
    rev = pd.Series(raw[::-1]).groupby(gs[::-1], sort=False).cummin().to_numpy()[::-1]
    rev = rev.copy()
    rev[rev > 1] = 1
    out = np.empty_like(p)
    out[order] = rev
    return out


def significance_flags(
    lower_95: Sequence[float] | pd.Series,
    upper_95: Sequence[float] | pd.Series,
    lower_998: Sequence[float] | pd.Series,
    upper_998: Sequence[float] | pd.Series,
    reference: float = 1.0,
) -> np.ndarray | pd.Series:
    """Fingertips-style comparison labels for a ratio (or value) against ``reference``.

    "higher (99.8%)" when the 99.8% interval lies wholly above the reference, else "higher (95%)"
    when the 95% interval does; "lower (99.8%)"/"lower (95%)" likewise below; "similar" when the
    95% interval contains the reference; "not compared" when an interval is missing. An interval
    that just touches the reference counts as similar. A Series in (``lower_95``) gives a Series
    out with the same index, otherwise an array of strings.

    Examples
    --------
    >>> significance_flags([1.2, 0.8, 0.5, np.nan], [2.0, 1.5, 0.9, np.nan],
    ...                    [1.1, 0.7, 0.3, np.nan], [2.5, 1.8, 1.1, np.nan]).tolist()
    ['higher (99.8%)', 'similar', 'lower (95%)', 'not compared']
    """
    arrs = [_as_float(a) for a in (lower_95, upper_95, lower_998, upper_998)]
    l95, u95, l998, u998 = arrs
    if len({a.shape for a in arrs}) != 1:
        raise ValueError("significance_flags: the four interval arrays differ in length")
    known = np.isfinite(l95) & ~np.isnan(u95) & np.isfinite(l998) & ~np.isnan(u998)
    out = np.select(
        [~known, l998 > reference, l95 > reference, u998 < reference, u95 < reference],
        ["not compared", "higher (99.8%)", "higher (95%)", "lower (99.8%)", "lower (95%)"],
        default="similar",
    ).astype(object)
    if isinstance(lower_95, pd.Series):
        return pd.Series(out, index=lower_95.index, dtype="string")
    return out


# --------------------------------------------------------------------------------------------
# directly standardised rate (Dobson)
# --------------------------------------------------------------------------------------------


def dsr(
    df: pd.DataFrame,
    count: str,
    population: str,
    standard_population: str,
    *,
    groupby: str | Sequence[str],
    multiplier: float = 10000,
    confidence: Sequence[float] = DEFAULT_CONFIDENCE,
    min_count: float = 10,
) -> pd.DataFrame:
    """Directly standardised rate per ``multiplier`` with the Dobson interval.

    As PHEindicatormethods ``calculate_dsr`` and the OHID technical guide *Direct
    standardisation*. For each group (e.g. local authority x ethnic group), over the
    standardisation bands i (e.g. age bands) with counts x_i, populations n_i and standard
    population weights w_i (given by the caller, e.g. the England child population by age band):

    - DSR = sum(w_i x_i / n_i) / sum(w_i) x multiplier;
    - var(DSR) = sum(w_i^2 x_i / n_i^2) / sum(w_i)^2 (on the per-person scale);
    - Dobson et al. (1991): limit = DSR + sqrt(var / O) (O_limit - O) x multiplier, where
      O = sum(x_i) and O_limit is the Byar (O >= 10) or exact Poisson (O < 10) limit of O
      (:func:`poisson_limits`).

    Following PHE, the DSR is not calculated when the total count is below ``min_count`` (10):
    the row is kept with NaN and ``method`` says why. A band with a zero population (or a
    missing value) also leaves the group not calculated.

    Parameters
    ----------
    df : DataFrame
        One row per group and standardisation band.
    count, population : str
        Events and population of the band in the group.
    standard_population : str
        The standard population of the band (the same bands in every group).
    groupby : str or sequence of str
        Columns identifying a group (one output row each).
    multiplier : float
        Rate per this many.
    confidence : sequence of float
        Confidence levels.
    min_count : float
        Smallest total count for which a DSR is calculated (PHE: 10). At least 1.

    Returns
    -------
    DataFrame
        One row per group: the ``groupby`` columns, ``count`` and ``population`` (sums over the
        bands), ``value``, the interval columns and ``method``.

    Examples
    --------
    One band only: the DSR is the crude rate and the Dobson interval is Byar's.

    >>> df = pd.DataFrame({"la": ["A"], "band": ["0-17"], "x": [65], "n": [10000], "std": [1.0]})
    >>> dsr(df, "x", "n", "std", groupby="la")[["la", "count", "value", "lower_95", "upper_95"]].round(2)
      la  count  value  lower_95  upper_95
    0  A   65.0   65.0     50.16     82.85
    """
    levels = _check_confidence(confidence)
    f = "dsr"
    keys = [groupby] if isinstance(groupby, str) else list(groupby)
    missing = [k for k in keys if k not in df.columns]
    if missing or not keys:
        raise ValueError(
            f"dsr: groupby columns {missing or keys!r} are not in the frame "
            f"(columns: {', '.join(map(str, df.columns))})"
        )
    if not min_count >= 1:
        raise ValueError(f"dsr: min_count={min_count!r} (expected 1 or more; PHE uses 10)")
    x = _column(df, count, "count", function=f)
    n = _column(df, population, "population", function=f)
    w = _column(df, standard_population, "standard population", function=f)
    bad = ~(np.isfinite(x) & np.isfinite(n) & np.isfinite(w)) | (n == 0)
    with np.errstate(all="ignore"):
        safe_n = np.where(n > 0, n, 1.0)
        work = pd.DataFrame(
            {
                "_x": x,
                "_n": n,
                "_w": w,
                "_wr": np.where(bad, 0.0, w * x / safe_n),
                "_wv": np.where(bad, 0.0, w**2 * x / safe_n**2),
                "_bad": bad.astype("int64"),
            },
            index=df.index,
        )
    for k in keys:
        work[k] = df[k]
    g = work.groupby(keys, sort=True, dropna=False, observed=True)
    s = g[["_x", "_n", "_w", "_wr", "_wv", "_bad"]].sum(min_count=0)
    s_bad = s["_bad"].to_numpy() > 0
    o = s["_x"].to_numpy(dtype="float64")
    wsum = s["_w"].to_numpy(dtype="float64")
    ok = ~s_bad & (wsum > 0) & (o >= min_count)
    with np.errstate(all="ignore"):
        value = np.where(ok, s["_wr"].to_numpy() / wsum * multiplier, np.nan)
        var = s["_wv"].to_numpy() / wsum**2
        root = np.sqrt(var / np.where(o > 0, o, 1.0))
        limits = {}
        for c in levels:
            lo, hi = poisson_limits(o, c)
            limits[c] = (
                np.where(ok, value + root * (lo - o) * multiplier, np.nan),
                np.where(ok, value + root * (hi - o) * multiplier, np.nan),
            )
    method = np.where(o >= BYAR_MIN_COUNT, "Dobson (Byar)", "Dobson (Exact Poisson)").astype(object)
    method[~s_bad & (o < min_count)] = f"not calculated: total count below {min_count:g}"
    method[~s_bad & (wsum <= 0)] = "not calculated: standard population is zero"
    method[s_bad] = "not calculated: a band has a zero or missing population or count"
    base = s.index.to_frame(index=False)
    base[count] = o
    base[population] = s["_n"].to_numpy(dtype="float64")
    base = base.rename(columns={count: "count", population: "population"})
    return _frame(base, value, limits, method)


# --------------------------------------------------------------------------------------------
# funnel plots and overdispersion
# --------------------------------------------------------------------------------------------

Kind = Literal["rate", "proportion"]


def _default_multiplier(kind: str, multiplier: float | None) -> float:
    if multiplier is None:
        return 10000.0 if kind == "rate" else 100.0
    if not multiplier > 0:
        raise ValueError(f"multiplier={multiplier!r} (expected a positive number)")
    return float(multiplier)


def _grid(denominators: Sequence[float] | np.ndarray, n_points: int | None) -> np.ndarray:
    d = _as_float(denominators)
    d = d[np.isfinite(d) & (d > 0)]
    if d.size == 0:
        raise ValueError("funnel: no positive denominators to draw limits over")
    if n_points is None:
        return np.unique(d)
    if n_points < 2:
        raise ValueError(f"n_points={n_points!r} (expected 2 or more, or None for the denominators given)")
    lo, hi = d.min(), d.max()
    if lo == hi:
        return np.array([lo])
    return np.geomspace(lo, hi, int(n_points))


def _interpolated_quantile(p: float, cdf, ppf) -> np.ndarray:
    """Spiegelhalter (2005, appendix A.1) continuous quantile of a discrete distribution.

    y = the p quantile (smallest y with F(y) >= p); alpha = (F(y) - p) / (F(y) - F(y - 1));
    the limit is y - alpha, which runs smoothly with the denominator.
    """
    y = ppf(p)
    fy = cdf(y)
    fy1 = cdf(y - 1)
    with np.errstate(all="ignore"):
        alpha = np.where(fy > fy1, (fy - p) / (fy - fy1), 0.0)
    return y - alpha


def funnel_limits(
    denominators: Sequence[float] | np.ndarray,
    target: float,
    *,
    kind: Kind = "rate",
    multiplier: float | None = None,
    levels: Sequence[float] = DEFAULT_CONFIDENCE,
    n_points: int | None = 200,
) -> pd.DataFrame:
    """Control limits for a funnel plot around ``target`` (exact Poisson or binomial).

    Spiegelhalter DJ (2005), *Funnel plots for comparing institutional performance*, Stat Med
    24:1185-1202, appendix A.1: at denominator n the p-limit is the p quantile of the count
    under the target (Poisson with mean target x n / multiplier for rates; binomial(n, target /
    multiplier) for proportions), interpolated between integers so the limits are smooth, and
    divided by n (times ``multiplier``). The OHID/PHE funnel plot guidance uses the same 95% (about
    2 SD) and 99.8% (about 3 SD) limits. Limits below zero are set to 0 (and proportions above
    100% to the maximum). For an indirectly standardised ratio O/E use ``kind="rate"``,
    ``multiplier=1`` and the expected counts as denominators.

    Parameters
    ----------
    denominators : array_like
        The denominators of the units (their range sets the grid).
    target : float
        The target or benchmark value in indicator units (a rate per ``multiplier`` or a
        proportion times ``multiplier``, e.g. England's rate).
    kind : {'rate', 'proportion'}
        Poisson limits for rates, binomial limits for proportions.
    multiplier : float, optional
        Indicator units; default 10,000 for rates and 100 (percentages) for proportions.
    levels : sequence of float
        Control limit levels (two-sided), default 95% and 99.8%.
    n_points : int or None
        Points on a geometric grid from the smallest to the largest denominator; ``None`` gives
        limits at the denominators given (sorted, unique), e.g. to compare units with them.

    Returns
    -------
    DataFrame
        ``denominator, target``, the limit columns (``lower_95, upper_95, lower_998,
        upper_998``) and ``method``.

    Examples
    --------
    Target 40 per 10,000 at a population of 1,000: the Poisson(4) 97.5% quantile is 8,
    F(8) = 0.97864, F(7) = 0.94887, so the upper 95% limit is 8 - 0.1222 = 7.878 children,
    78.78 per 10,000.

    >>> funnel_limits([1000], 40, n_points=None).round(2)[["denominator", "lower_95", "upper_95"]]
       denominator  lower_95  upper_95
    0       1000.0      0.91     78.78
    """
    _check_choice("kind", kind, ("rate", "proportion"))
    levels_ = _check_confidence(levels)
    m = _default_multiplier(kind, multiplier)
    grid = _grid(denominators, n_points)
    if not np.isfinite(target) or target < 0 or (kind == "proportion" and target > m):
        raise ValueError(
            f"funnel_limits: target={target!r} (expected a value from 0"
            f"{' to ' + format(m, 'g') if kind == 'proportion' else ' up'} in indicator units)"
        )
    theta = target / m
    limits = {}
    for c in levels_:
        a = (1 - c) / 2
        if kind == "rate":
            lam = theta * grid
            dist = sps.poisson(lam)
            lo = _interpolated_quantile(a, dist.cdf, dist.ppf)
            hi = _interpolated_quantile(1 - a, dist.cdf, dist.ppf)
            lo, hi = np.clip(lo, 0, None), np.clip(hi, 0, None)
        else:
            nn = np.round(grid)
            dist = sps.binom(nn, theta)
            lo = _interpolated_quantile(a, dist.cdf, dist.ppf)
            hi = _interpolated_quantile(1 - a, dist.cdf, dist.ppf)
            lo, hi = np.clip(lo, 0, nn), np.clip(hi, 0, nn)
        limits[c] = (lo / grid * m, hi / grid * m)
    method = (
        "exact Poisson limits, interpolated (Spiegelhalter 2005)"
        if kind == "rate"
        else "exact binomial limits, interpolated (Spiegelhalter 2005)"
    )
    base = pd.DataFrame({"denominator": grid, "target": np.full(grid.shape, float(target))})
    out = _frame(base, np.full(grid.shape, float(target)), limits, np.full(grid.shape, method, dtype=object))
    return out.drop(columns="value")


@dataclass(frozen=True, slots=True, kw_only=True)
class Overdispersion:
    """Result of :func:`overdispersion` (Spiegelhalter 2005).

    Attributes
    ----------
    phi : float
        Overdispersion factor: the mean of the squared winsorised z-scores (1 = none).
    tau2 : float
        Between-unit variance (additive random effects, in squared indicator units); 0 when
        ``n_units * phi <= n_units - 1``.
    n_units : int
        Units used (finite value, positive denominator).
    z : ndarray
        The unadjusted z-scores, in the input order (NaN for units not used).
    z_winsorised : ndarray
        The z-scores after winsorising, in the input order.
    target, kind, multiplier, winsor :
        The inputs, for :meth:`limits`.
    method : str
        A description for the method note.
    """

    phi: float
    tau2: float
    n_units: int
    z: np.ndarray
    z_winsorised: np.ndarray
    target: float
    kind: str
    multiplier: float
    winsor: float
    method: str

    def limits(
        self,
        denominators: Sequence[float] | np.ndarray,
        *,
        levels: Sequence[float] = DEFAULT_CONFIDENCE,
        n_points: int | None = 200,
        scale: Literal["additive", "multiplicative"] = "additive",
    ) -> pd.DataFrame:
        """Overdispersed funnel limits (normal approximation) over a denominator grid.

        ``additive``: target +/- z sqrt(s^2 + tau2) (random effects, Spiegelhalter 2005 section
        7); ``multiplicative``: target +/- z sqrt(phi) s (section 6), with s^2 the null
        variance at the denominator. Lower limits below 0 are set to 0.

        Returns
        -------
        DataFrame
            ``denominator, target``, the limit columns and ``method``.
        """
        _check_choice("scale", scale, ("additive", "multiplicative"))
        levels_ = _check_confidence(levels)
        grid = _grid(denominators, n_points)
        s2 = _null_variance(self.kind, self.target, self.multiplier, grid)
        if scale == "additive":
            sd = np.sqrt(s2 + self.tau2)
        else:
            sd = np.sqrt(max(self.phi, 1.0) * s2)
        limits = {}
        for c in levels_:
            zc = _z(c)
            hi = self.target + zc * sd
            if self.kind == "proportion":
                hi = np.minimum(hi, self.multiplier)
            limits[c] = (np.clip(self.target - zc * sd, 0, None), hi)
        meth = f"{self.method}; {scale} adjustment, normal limits"
        base = pd.DataFrame({"denominator": grid, "target": np.full(grid.shape, self.target)})
        out = _frame(base, np.full(grid.shape, self.target), limits, np.full(grid.shape, meth, dtype=object))
        return out.drop(columns="value")


def _null_variance(kind: str, target: float, multiplier: float, n: np.ndarray) -> np.ndarray:
    """Variance of the indicator under the target at denominator n, in indicator units squared.

    Rate per m: Var(m x / n) = m^2 (target n / m) / n^2 = m target / n (Poisson).
    Proportion x m: Var(m x / n) = m^2 p (1 - p) / n with p = target / m (binomial).
    """
    with np.errstate(all="ignore"):
        if kind == "rate":
            return multiplier * target / n
        p = target / multiplier
        return multiplier**2 * p * (1 - p) / n


def overdispersion(
    values: Sequence[float] | np.ndarray,
    denominators: Sequence[float] | np.ndarray,
    target: float,
    *,
    kind: Kind = "rate",
    multiplier: float | None = None,
    winsor: float = 0.1,
) -> Overdispersion:
    """Spiegelhalter's overdispersion estimate and adjusted funnel limits.

    Spiegelhalter DJ (2005), *Funnel plots for comparing institutional performance*, Stat Med
    24:1185-1202, sections 6-7, and *Handling over-dispersion of performance indicators*, Qual Saf
    Health Care 14:347-351. Steps:

    1. z_i = (y_i - target) / s_i, with s_i^2 the null variance of unit i's indicator
       (Poisson m target / n_i for a rate per m; binomial m^2 p (1 - p) / n_i for a proportion);
    2. winsorise: z-scores below the ``winsor`` quantile (10%) are set to it and those above the
       1 - ``winsor`` quantile (90%) to that (quantiles by numpy's linear interpolation);
    3. phi = mean of the squared winsorised z-scores (1 when there is no overdispersion);
    4. additive random effects (DerSimonian-Laird form): with w_i = 1 / s_i^2,
       tau^2 = (I phi - (I - 1)) / (sum w_i - sum w_i^2 / sum w_i) if I phi > I - 1, else 0;
    5. limits: target +/- z sqrt(s^2 + tau^2) (``Overdispersion.limits``).

    Parameters
    ----------
    values : array_like
        The units' indicator values (rates per ``multiplier`` or proportions x ``multiplier``).
    denominators : array_like
        Their denominators (populations, or expected counts with ``multiplier=1`` for O/E ratios).
    target : float
        The target in indicator units (e.g. England's value, or the pooled value).
    kind : {'rate', 'proportion'}
        Poisson or binomial null variance.
    multiplier : float, optional
        Indicator units; default 10,000 for rates, 100 for proportions.
    winsor : float
        Fraction winsorised at each end (0.1, as Spiegelhalter); 0 for none.

    Returns
    -------
    Overdispersion
        ``phi``, ``tau2``, ``n_units``, the z-scores, and ``limits(...)``.

    Examples
    --------
    Five units of 100 with target 20%: z = -2.5, -0.5, 0, 1.5, 5 winsorise to -1.7, -0.5, 0, 1.5,
    3.6; phi = 18.35 / 5 = 3.67; tau^2 = (18.35 - 4) / (3125 - 625) = 0.00574 (as fractions),
    57.4 in percentage points squared.

    >>> od = overdispersion([10, 18, 20, 26, 40], [100] * 5, 20, kind="proportion")
    >>> round(od.phi, 4), round(od.tau2, 4)
    (3.67, 57.4)
    """
    _check_choice("kind", kind, ("rate", "proportion"))
    m = _default_multiplier(kind, multiplier)
    if not 0 <= winsor < 0.5:
        raise ValueError(f"overdispersion: winsor={winsor!r} (expected a fraction from 0 to below 0.5, e.g. 0.1)")
    y = _as_float(values)
    n = _as_float(denominators)
    if y.shape != n.shape:
        raise ValueError(f"overdispersion: {y.size} values but {n.size} denominators")
    if not (np.isfinite(target) and target > 0 and (kind == "rate" or target < m)):
        raise ValueError(
            f"overdispersion: target={target!r} (expected a positive value"
            f"{' below ' + format(m, 'g') if kind == 'proportion' else ''} in indicator units)"
        )
    use = np.isfinite(y) & np.isfinite(n) & (n > 0)
    s2 = _null_variance(kind, target, m, np.where(use, n, 1.0))
    z = np.where(use, (y - target) / np.sqrt(s2), np.nan)
    zw = np.full(z.shape, np.nan)
    k = int(use.sum())
    if k < 2:
        raise ValueError(
            f"overdispersion: {k} usable unit(s) (expected at least 2 with a value and a positive denominator)"
        )
    lo_q, hi_q = np.quantile(z[use], [winsor, 1 - winsor])
    zw[use] = np.clip(z[use], lo_q, hi_q)
    phi = float(np.mean(zw[use] ** 2))
    w = 1 / s2[use]
    denom = w.sum() - (w**2).sum() / w.sum()
    excess = k * phi - (k - 1)
    tau2 = float(excess / denom) if excess > 0 and denom > 0 else 0.0
    method = (
        f"Spiegelhalter (2005) overdispersion: z-scores winsorised at {winsor:.0%}/{1 - winsor:.0%}, "
        f"phi = {phi:.3g}, tau^2 = {tau2:.3g} over {k} units"
    )
    return Overdispersion(
        phi=phi,
        tau2=tau2,
        n_units=k,
        z=z,
        z_winsorised=zw,
        target=float(target),
        kind=kind,
        multiplier=m,
        winsor=winsor,
        method=method,
    )


# --------------------------------------------------------------------------------------------
# Mantel-Haenszel rate ratio
# --------------------------------------------------------------------------------------------


def _strata_keys(df: pd.DataFrame, groupby: str | Sequence[str] | None, stratum: str, f: str) -> list[str]:
    """The ``groupby`` columns as a list, after checking that they and ``stratum`` are in ``df`` and that
    each group has one row per stratum (the Mantel-Haenszel functions' shared input check)."""
    keys = [] if groupby is None else ([groupby] if isinstance(groupby, str) else list(groupby))
    for k in [*keys, stratum]:
        if k not in df.columns:
            raise ValueError(f"{f}: column {k!r} is not in the frame (columns: {', '.join(map(str, df.columns))})")
    if df.duplicated([*keys, stratum]).any():
        rows = list(df.index[df.duplicated([*keys, stratum], keep=False)][:5])
        raise ValueError(
            f"{f}: stratum {stratum!r} repeats within a group at rows {rows} "
            "(expected one row per stratum; sum them first)"
        )
    return keys


def mantel_haenszel_rate_ratio(
    df: pd.DataFrame,
    count: str,
    denominator: str,
    ref_count: str,
    ref_denominator: str,
    stratum: str,
    *,
    groupby: str | Sequence[str] | None = None,
    confidence: Sequence[float] = DEFAULT_CONFIDENCE,
) -> pd.DataFrame:
    """Mantel-Haenszel summary rate ratio across strata, Greenland-Robins interval.

    For strata i (e.g. IMD deciles) with group events a_i over population T1_i and reference
    events b_i over T0_i, T_i = T1_i + T0_i, M_i = a_i + b_i (Rothman, Greenland & Lash,
    *Modern Epidemiology*, 3rd edn, ch. 15; Greenland & Robins 1985):

    - RR_MH = sum(a_i T0_i / T_i) / sum(b_i T1_i / T_i);
    - var(log RR_MH) = sum(M_i T1_i T0_i / T_i^2) / (sum(a_i T0_i / T_i) sum(b_i T1_i / T_i));
    - limits exp(log RR_MH +/- z sd); p-value from the Mantel-Haenszel chi-square
      (sum a_i - sum M_i T1_i / T_i) / sqrt(sum M_i T1_i T0_i / T_i^2), two-sided normal.

    Strata in which either population is zero carry no information and are left out. statsmodels
    has no person-time Mantel-Haenszel estimator (``StratifiedTable`` is for 2x2 tables of
    counts), so this is coded here from the formulas above.

    Parameters
    ----------
    df : DataFrame
        One row per stratum (and group).
    count, denominator : str
        The group's events and population in the stratum.
    ref_count, ref_denominator : str
        The reference group's events and population in the stratum.
    stratum : str
        The stratum column (each stratum once per group).
    groupby : str or sequence of str, optional
        Columns identifying separate comparisons (e.g. ethnic group); one output row each.
    confidence : sequence of float
        Confidence levels.

    Returns
    -------
    DataFrame
        One row per group (or a single row): the ``groupby`` columns, ``strata`` (informative
        strata), ``count`` and ``ref_count`` (sums), ``value``, the interval columns,
        ``p_value`` and ``method``.

    Examples
    --------
    One stratum reduces to the crude ratio with var(log RR) = 1/a + 1/b.

    >>> df = pd.DataFrame({"s": [1], "a": [30], "t1": [1000], "b": [100], "t0": [10000]})
    >>> mantel_haenszel_rate_ratio(df, "a", "t1", "b", "t0", "s")[["value", "lower_95", "upper_95"]].round(3)
       value  lower_95  upper_95
    0    3.0     1.995     4.511
    """
    levels = _check_confidence(confidence)
    f = "mantel_haenszel_rate_ratio"
    keys = _strata_keys(df, groupby, stratum, f)
    a = _column(df, count, "count", function=f)
    t1 = _column(df, denominator, "denominator", function=f)
    b = _column(df, ref_count, "reference count", function=f)
    t0 = _column(df, ref_denominator, "reference denominator", function=f)
    finite = np.isfinite(a) & np.isfinite(t1) & np.isfinite(b) & np.isfinite(t0)
    info = finite & (t1 > 0) & (t0 > 0)
    with np.errstate(all="ignore"):
        t = np.where(info, t1 + t0, 1.0)
        cols = {
            "_r": np.where(info, a * t0 / t, 0.0),
            "_s": np.where(info, b * t1 / t, 0.0),
            "_v": np.where(info, (a + b) * t1 * t0 / t**2, 0.0),
            "_e": np.where(info, (a + b) * t1 / t, 0.0),
            "_a": np.where(info, a, 0.0),
            "_b": np.where(info, b, 0.0),
            "_k": info.astype("int64"),
            "_miss": (~finite).astype("int64"),
        }
    work = pd.DataFrame(cols, index=df.index)
    if keys:
        for k in keys:
            work[k] = df[k]
        s = work.groupby(keys, sort=True, dropna=False, observed=True).sum()
        base = s.index.to_frame(index=False)
    else:
        s = work.sum().to_frame().T
        base = pd.DataFrame(index=range(1))
    r, sv, v, e = (s[c].to_numpy(dtype="float64") for c in ("_r", "_s", "_v", "_e"))
    asum, bsum = s["_a"].to_numpy(dtype="float64"), s["_b"].to_numpy(dtype="float64")
    miss = s["_miss"].to_numpy() > 0
    ok = ~miss & (r > 0) & (sv > 0)
    with np.errstate(all="ignore"):
        value = np.where(ok, r / sv, np.nan)
        sd = np.sqrt(v / (r * sv))
        limits = {
            c: (np.where(ok, value * np.exp(-_z(c) * sd), np.nan), np.where(ok, value * np.exp(_z(c) * sd), np.nan))
            for c in levels
        }
        zstat = (asum - e) / np.sqrt(v)
        p = np.where(~miss & (v > 0), 2 * sps.norm.sf(np.abs(zstat)), np.nan)
    method = np.full(
        value.shape,
        "Mantel-Haenszel rate ratio, Greenland-Robins variance; p: Mantel-Haenszel chi-square",
        dtype=object,
    )
    method[~miss & ~ok] = "not estimated: no events in the group or the reference in the informative strata"
    method[miss] = M_MISSING
    base["strata"] = s["_k"].to_numpy(dtype="float64")
    base["count"] = asum
    base["ref_count"] = bsum
    return _frame(base, value, limits, method, extra={"p_value": p})


def mantel_haenszel_risk_ratio(
    df: pd.DataFrame,
    x: str,
    n: str,
    ref_x: str,
    ref_n: str,
    stratum: str,
    *,
    groupby: str | Sequence[str] | None = None,
    confidence: Sequence[float] = DEFAULT_CONFIDENCE,
) -> pd.DataFrame:
    """Mantel-Haenszel summary ratio of proportions (risk ratio) across strata, Greenland-Robins variance.

    For binomial data (e.g. conversions: children reaching a stage out of the children at the
    previous stage). For strata i with a_i of n1_i in the group, b_i of n0_i in the reference,
    N_i = n1_i + n0_i and M_i = a_i + b_i (Greenland & Robins 1985, *Biometrics* 41:55-68;
    Rothman, Greenland & Lash, *Modern Epidemiology*, 3rd edn, ch. 15, eq. 15-19):

    - RR_MH = R / S, R = sum(a_i n0_i / N_i), S = sum(b_i n1_i / N_i);
    - var(log RR_MH) = sum((n1_i n0_i M_i - a_i b_i N_i) / N_i^2) / (R S), consistent both
      when strata are few and large and when they are many and sparse;
    - limits exp(log RR_MH +/- z sd) and the two-sided p-value of the same statistic,
      2 (1 - Phi(|log RR_MH| / sd)): so the 95% interval excludes 1 exactly when p < 0.05.

    Unlike :func:`mantel_haenszel_rate_ratio` (person-time, Poisson variance) this uses the
    binomial variance, which is smaller where many of the children convert. Strata in which either
    group has no children carry no information and are left out.

    Parameters
    ----------
    df : DataFrame
        One row per stratum (and group).
    x, n : str
        The group's numerator and denominator in the stratum.
    ref_x, ref_n : str
        The reference group's numerator and denominator in the stratum.
    stratum : str
        The stratum column (each stratum once per group).
    groupby : str or sequence of str, optional
        Columns identifying separate comparisons; one output row each.
    confidence : sequence of float
        Confidence levels.

    Returns
    -------
    DataFrame
        One row per group: the ``groupby`` columns, ``strata``, ``count`` and ``ref_count``
        (sums), ``value``, the interval columns, ``p_value`` and ``method``.

    Examples
    --------
    One stratum gives the crude ratio with var(log RR) = 1/a - 1/n1 + 1/b - 1/n0 (Katz).

    >>> df = pd.DataFrame({"s": [1], "a": [20], "n1": [100], "b": [10], "n0": [100]})
    >>> mantel_haenszel_risk_ratio(df, "a", "n1", "b", "n0", "s")[["value", "lower_95", "upper_95"]].round(3)
       value  lower_95  upper_95
    0    2.0     0.987     4.054
    """
    levels = _check_confidence(confidence)
    f = "mantel_haenszel_risk_ratio"
    keys = _strata_keys(df, groupby, stratum, f)
    a = _column(df, x, "count", function=f)
    n1 = _column(df, n, "denominator", function=f)
    b = _column(df, ref_x, "reference count", function=f)
    n0 = _column(df, ref_n, "reference denominator", function=f)
    _not_above(a, n1, df, x, n, f)
    _not_above(b, n0, df, ref_x, ref_n, f)
    finite = np.isfinite(a) & np.isfinite(n1) & np.isfinite(b) & np.isfinite(n0)
    info = finite & (n1 > 0) & (n0 > 0)
    with np.errstate(all="ignore"):
        t = np.where(info, n1 + n0, 1.0)
        cols = {
            "_r": np.where(info, a * n0 / t, 0.0),
            "_s": np.where(info, b * n1 / t, 0.0),
            "_v": np.where(info, (n1 * n0 * (a + b) - a * b * t) / t**2, 0.0),
            "_a": np.where(info, a, 0.0),
            "_b": np.where(info, b, 0.0),
            "_k": info.astype("int64"),
            "_miss": (~finite).astype("int64"),
        }
    work = pd.DataFrame(cols, index=df.index)
    if keys:
        for k in keys:
            work[k] = df[k]
        s = work.groupby(keys, sort=True, dropna=False, observed=True).sum()
        base = s.index.to_frame(index=False)
    else:
        s = work.sum().to_frame().T
        base = pd.DataFrame(index=range(1))
    r, sv, v = (s[c].to_numpy(dtype="float64") for c in ("_r", "_s", "_v"))
    miss = s["_miss"].to_numpy() > 0
    ok = ~miss & (r > 0) & (sv > 0)
    with np.errstate(all="ignore"):
        value = np.where(ok, r / sv, np.nan)
        sd = np.sqrt(v / (r * sv))
        limits = {
            c: (np.where(ok, value * np.exp(-_z(c) * sd), np.nan), np.where(ok, value * np.exp(_z(c) * sd), np.nan))
            for c in levels
        }
        z = np.log(value) / sd
        p = np.where(ok, np.where(sd > 0, 2 * sps.norm.sf(np.abs(z)), np.where(value == 1, 1.0, 0.0)), np.nan)
    method = np.full(
        value.shape,
        "Mantel-Haenszel risk ratio, Greenland-Robins (1985) binomial variance; p: the same statistic, log RR / se",
        dtype=object,
    )
    method[~miss & ~ok] = (
        "not estimated: no children progressed in the group or the reference in the informative strata"
    )
    method[miss] = M_MISSING
    base["strata"] = s["_k"].to_numpy(dtype="float64")
    base["count"] = s["_a"].to_numpy(dtype="float64")
    base["ref_count"] = s["_b"].to_numpy(dtype="float64")
    return _frame(base, value, limits, method, extra={"p_value": p})
