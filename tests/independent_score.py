"""An independent score interval for a ratio of two proportions, for the tests.

Written from the definition (Miettinen & Nurminen 1985), not from assurance_lib: at ratio R the
proportions under the constraint p1 = R p0 are found by maximising the binomial log-likelihood
numerically (scipy ``minimize_scalar``, not the closed-form root the library uses); the score
statistic z(R) = (x1/n1 - R x0/n0) / sqrt((p1 (1 - p1) / n1 + R^2 p0 (1 - p0) / n0) N / (N - 1))
is then solved for z(R) = +/- z_level with scipy ``brentq`` on log R.
"""

from __future__ import annotations

import math

from scipy import optimize
from scipy import stats as sps


def _constrained_p0(x1: int, n1: int, x0: int, n0: int, ratio: float) -> float:
    """The maximum likelihood p0 under p1 = ratio x p0 (0 < p0 <= min(1, 1/ratio))."""
    top = min(1.0, 1.0 / ratio)

    def neg_loglik(p0: float) -> float:
        p1 = ratio * p0
        ll = 0.0
        for x, n, p in ((x1, n1, p1), (x0, n0, p0)):
            if x:
                ll += x * math.log(p)
            if n - x:
                ll += (n - x) * math.log(max(1 - p, 1e-300))
        return -ll

    return optimize.minimize_scalar(
        neg_loglik, bounds=(1e-12, top * (1 - 1e-12)), method="bounded", options={"xatol": 1e-13}
    ).x


def score_z(x1: int, n1: int, x0: int, n0: int, ratio: float) -> float:
    """The Miettinen-Nurminen score statistic at ``ratio``."""
    p0 = _constrained_p0(x1, n1, x0, n0, ratio)
    p1 = ratio * p0
    big_n = n1 + n0
    var = (p1 * (1 - p1) / n1 + ratio**2 * p0 * (1 - p0) / n0) * big_n / (big_n - 1)
    return (x1 / n1 - ratio * x0 / n0) / math.sqrt(var)


def score_ratio_interval(x1: int, n1: int, x0: int, n0: int, level: float = 0.95) -> tuple[float, float]:
    """Lower and upper limits {R : |z(R)| <= z_level} (0 / inf at a zero count)."""
    k = sps.norm.isf((1 - level) / 2)
    lo = (
        0.0
        if x1 == 0
        else math.exp(optimize.brentq(lambda t: score_z(x1, n1, x0, n0, math.exp(t)) - k, -20, 20, xtol=1e-12))
    )
    hi = (
        math.inf
        if x0 == 0
        else math.exp(optimize.brentq(lambda t: score_z(x1, n1, x0, n0, math.exp(t)) + k, -20, 20, xtol=1e-12))
    )
    return lo, hi
