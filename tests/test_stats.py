"""Tests of assurance_lib.stats.

Every expected value is worked out independently of the code under test: from a published table
or worked example (cited), by hand (the arithmetic is written in the comment), or by a second
method (a different scipy/statsmodels routine or a root search on the defining equation).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize
from scipy import stats as sps
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint
from statsmodels.stats.rates import confint_poisson_2indep

from assurance_lib import stats

from independent_score import score_ratio_interval

pytestmark = pytest.mark.filterwarnings("error")  # the module must never warn

Z95 = 1.959963984540054  # norm.isf(0.025), standard tables: 1.95996
Z998 = 3.090232306167813  # norm.isf(0.001), standard tables: 3.09023
OUT = ["value", "lower_95", "upper_95", "lower_998", "upper_998", "method"]


# ------------------------------------------------------------------------------------------
# Poisson limits: exact below 10, Byar from 10
# ------------------------------------------------------------------------------------------

# Exact 95% limits for a Poisson count, as printed in standard tables (e.g. Breslow & Day 1987,
# vol. II, Appendix; Geigy Scientific Tables; Armitage, Berry & Matthews 2002, Table A?):
# O=0: 0 to 3.689; 1: 0.0253 to 5.572; 2: 0.242 to 7.225; 3: 0.619 to 8.767; 5: 1.623 to 11.668;
# 9: 4.115 to 17.085.
PUBLISHED_EXACT_95 = [
    (0, 0.0, 3.689),
    (1, 0.0253, 5.572),
    (2, 0.242, 7.225),
    (3, 0.619, 8.767),
    (5, 1.623, 11.668),
    (9, 4.115, 17.085),
]


@pytest.mark.parametrize("o, lo, hi", PUBLISHED_EXACT_95)
def test_exact_poisson_limits_match_published_table(o, lo, hi):
    lower, upper = stats.poisson_limits(o, 0.95)
    assert lower[0] == pytest.approx(lo, abs=6e-4)
    assert upper[0] == pytest.approx(hi, abs=6e-4)


@pytest.mark.parametrize("o", [1, 2, 4, 7, 9])
@pytest.mark.parametrize("level", [0.95, 0.998])
def test_exact_poisson_limits_by_root_search(o, level):
    # Second method: the exact limits are defined by the Poisson tail probabilities,
    # P(X >= o | mu_lower) = alpha/2 and P(X <= o | mu_upper) = alpha/2; solve with brentq on
    # scipy.stats.poisson (the code uses chi-square quantiles instead).
    a = (1 - level) / 2
    mu_lo = optimize.brentq(lambda m: sps.poisson.sf(o - 1, m) - a, 1e-9, 100, xtol=1e-12)
    mu_hi = optimize.brentq(lambda m: sps.poisson.cdf(o, m) - a, 1e-9, 100, xtol=1e-12)
    lower, upper = stats.poisson_limits(o, level)
    assert lower[0] == pytest.approx(mu_lo, rel=1e-7)
    assert upper[0] == pytest.approx(mu_hi, rel=1e-7)


def test_exact_zero_count_upper_is_minus_log_alpha():
    # Hand: with O = 0 the upper limit solves exp(-mu) = alpha/2, mu = -ln(0.025) = 3.688879
    # (95%) and -ln(0.001) = 6.907755 (99.8%); the lower limit is 0.
    lo, hi = stats.poisson_limits([0, 0], 0.95)
    assert hi[0] == pytest.approx(-math.log(0.025), rel=1e-9)
    assert lo[0] == 0.0
    lo, hi = stats.poisson_limits(0, 0.998)
    assert hi[0] == pytest.approx(-math.log(0.001), rel=1e-9)


def test_byar_hand_worked_65():
    # Byar's formula by hand for O = 65, z = 1.959964, as written in the OHID Fingertips technical
    # guidance, https://fingertips.phe.org.uk/static-reports/public-health-technical-guidance/
    # Basic_statistics/Rates.html (Breslow & Day 1987):
    # lower = 65 (1 - 1/585 - 1.959964 / (3 sqrt 65))^3
    #       = 65 (1 - 0.0017094 - 1.959964 / 24.186773)^3 = 65 (0.9172566)^3 = 65 x 0.771744 = 50.163
    # upper = 66 (1 - 1/594 + 1.959964 / (3 sqrt 66))^3
    #       = 66 (1 - 0.0016835 + 1.959964 / 24.372115)^3 = 66 (1.0787345)^3 = 66 x 1.255289 = 82.849
    lo, hi = stats.poisson_limits(65, 0.95)
    assert lo[0] == pytest.approx(50.163, abs=2e-3)
    assert hi[0] == pytest.approx(82.849, abs=2e-3)
    # Byar approximates the exact limits closely at this size (chi-square quantiles, 2nd method)
    assert lo[0] == pytest.approx(sps.chi2.ppf(0.025, 130) / 2, rel=2e-3)
    assert hi[0] == pytest.approx(sps.chi2.ppf(0.975, 132) / 2, rel=2e-3)


def test_rate_switches_method_at_ten_and_scales():
    df = pd.DataFrame({"area": ["a", "b", "c"], "x": [9, 10, 250], "pop": [2000, 2000, 50000]})
    out = stats.rate(df, "x", "pop")
    assert list(out.columns) == ["area", "x", "pop", *OUT]
    assert out["method"].tolist() == ["Exact Poisson", "Byar", "Byar"]
    # value = 9 / 2000 x 10,000 = 45; 10 / 2000 x 10,000 = 50; 250 / 50,000 x 10,000 = 50
    assert out["value"].tolist() == pytest.approx([45.0, 50.0, 50.0])
    # 9 -> exact 95% upper 17.085 (table above) / 2000 x 10,000 = 85.42
    assert out.loc[0, "upper_95"] == pytest.approx(17.0848 / 2000 * 10000, rel=1e-4)
    # 10 -> Byar lower by hand: 10 (1 - 1/90 - 1.959964 / (3 sqrt 10))^3
    #     = 10 (1 - 0.011111 - 0.206598)^3 = 10 (0.782291)^3 = 4.78743 -> 23.937 per 10,000
    assert out.loc[1, "lower_95"] == pytest.approx(23.937, abs=2e-3)
    # the input frame is not modified
    assert list(df.columns) == ["area", "x", "pop"]


def test_rate_zero_count_missing_and_zero_denominator():
    df = pd.DataFrame({"x": [0, 3, np.nan, 2], "pop": [1000, 0, 100, np.nan]})
    out = stats.rate(df, "x", "pop", multiplier=1000)
    assert out.loc[0, "value"] == 0 and out.loc[0, "lower_95"] == 0 and out.loc[0, "lower_998"] == 0
    # -ln(0.025) / 1000 x 1000
    assert out.loc[0, "upper_95"] == pytest.approx(3.688879, rel=1e-6)
    assert out.loc[1, "method"] == "denominator is zero"
    assert np.isnan(out.loc[1, ["value", "lower_95", "upper_95"]].astype(float)).all()
    assert out.loc[2:3, "method"].tolist() == ["missing input", "missing input"]


def test_rate_rejects_bad_input():
    with pytest.raises(ValueError, match="'nope'"):
        stats.rate(pd.DataFrame({"x": [1], "n": [2]}), "nope", "n")
    with pytest.raises(ValueError, match="negative"):
        stats.rate(pd.DataFrame({"x": [-1], "n": [2]}), "x", "n")
    with pytest.raises(ValueError, match="0.5 and 1"):
        stats.rate(pd.DataFrame({"x": [1], "n": [2]}), "x", "n", confidence=(95,))
    with pytest.raises(ValueError, match="already has a column"):
        stats.rate(pd.DataFrame({"x": [1], "n": [2], "value": [0]}), "x", "n")


def test_custom_confidence_levels_name_columns():
    out = stats.rate(pd.DataFrame({"x": [5], "n": [100]}), "x", "n", confidence=(0.9, 0.99))
    assert [c for c in out.columns if c.startswith(("lower", "upper"))] == [
        "lower_90",
        "upper_90",
        "lower_99",
        "upper_99",
    ]
    assert stats.interval_columns() == ["lower_95", "upper_95", "lower_998", "upper_998"]


# ------------------------------------------------------------------------------------------
# proportion: Wilson
# ------------------------------------------------------------------------------------------

# Newcombe RG (1998), "Two-sided confidence intervals for the single proportion: comparison of
# seven methods", Stat Med 17:857-872, Table II, method 3 (score method, no continuity
# correction): (i) 81/263: 0.2553-0.3662; (ii) 15/148: 0.0624-0.1605; (iii) 0/20: 0-0.1611;
# (iv) 1/29: 0.0061-0.1718. (Also Altman et al., Statistics with Confidence, 2nd edn, ch. 6.)
NEWCOMBE = [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)]


def test_wilson_matches_newcombe_1998():
    df = pd.DataFrame(NEWCOMBE, columns=["x", "n", "lo", "hi"])
    out = stats.proportion(df, "x", "n", multiplier=1)
    assert out["lower_95"].to_numpy() == pytest.approx(df["lo"].to_numpy(), abs=6e-5)
    assert out["upper_95"].to_numpy() == pytest.approx(df["hi"].to_numpy(), abs=6e-5)
    assert (out["method"] == "Wilson score").all()
    assert out.loc[2, "lower_95"] == 0.0


def test_wilson_998_by_hand_formula_percent():
    # Wilson's formula (PHE technical guide, "Proportions"), written out:
    # (2x + z^2 -/+ z sqrt(z^2 + 4x(1 - x/n))) / (2 (n + z^2)), z = 3.090232 for 99.8%.
    x, n, z = 81, 263, Z998
    lo = (2 * x + z**2 - z * math.sqrt(z**2 + 4 * x * (1 - x / n))) / (2 * (n + z**2))
    hi = (2 * x + z**2 + z * math.sqrt(z**2 + 4 * x * (1 - x / n))) / (2 * (n + z**2))
    out = stats.proportion(pd.DataFrame({"x": [x], "n": [n]}), "x", "n")
    assert out.loc[0, "value"] == pytest.approx(100 * 81 / 263)
    assert out.loc[0, "lower_998"] == pytest.approx(100 * lo, rel=1e-9)
    assert out.loc[0, "upper_998"] == pytest.approx(100 * hi, rel=1e-9)


def test_proportion_edges():
    df = pd.DataFrame({"x": [0, 7, 0], "n": [10, 7, 0]})
    out = stats.proportion(df, "x", "n")
    assert out.loc[0, "lower_95"] == 0 and out.loc[0, "lower_998"] == 0
    assert out.loc[1, "upper_95"] == 100 and out.loc[1, "value"] == 100
    assert out.loc[2, "method"] == "denominator is zero" and np.isnan(out.loc[2, "value"])
    with pytest.raises(ValueError, match="exceeds"):
        stats.proportion(pd.DataFrame({"x": [5], "n": [4]}), "x", "n")


# ------------------------------------------------------------------------------------------
# rate ratio: score method
# ------------------------------------------------------------------------------------------

RR_CASES = [
    (30, 1000.0, 100, 10000.0),
    (7, 450.0, 60, 5200.0),
    (12, 800.0, 3, 900.0),
    (250, 2.1e4, 1800, 1.9e5),
    (1, 30.0, 40, 2000.0),
]


@pytest.mark.parametrize("y1, n1, y2, n2", RR_CASES)
def test_rate_ratio_matches_statsmodels_numerical_inversion(y1, n1, y2, n2):
    # Second method: statsmodels confint_poisson_2indep(method="score") inverts the score test
    # numerically (scipy.optimize.fmin), one row at a time; the code uses the closed form.
    out = stats.rate_ratio(pd.DataFrame({"a": [y1], "b": [n1], "c": [y2], "d": [n2]}), "a", "b", "c", "d")
    lo, hi = confint_poisson_2indep(y1, n1, y2, n2, method="score", compare="ratio", alpha=0.05)
    assert out.loc[0, "lower_95"] == pytest.approx(float(lo), rel=1e-5)
    assert out.loc[0, "upper_95"] == pytest.approx(float(hi), rel=1e-5)
    assert out.loc[0, "value"] == pytest.approx((y1 / n1) / (y2 / n2))


@pytest.mark.parametrize("y1, n1, y2, n2", RR_CASES)
@pytest.mark.parametrize("level", [0.95, 0.998])
def test_rate_ratio_equals_wilson_on_conditional_binomial(y1, n1, y2, n2, level):
    # Third method: given N = y1 + y2, y1 ~ Binomial(N, pi) with pi = c / (1 + c), c = RR n1/n2;
    # the score interval for RR is the Wilson interval for pi (statsmodels proportion_confint)
    # mapped through c = pi / (1 - pi), RR = c n2 / n1.
    plo, phi = proportion_confint(y1, y1 + y2, alpha=1 - level, method="wilson")
    rr_lo, rr_hi = plo / (1 - plo) * n2 / n1, phi / (1 - phi) * n2 / n1
    out = stats.rate_ratio(pd.DataFrame({"a": [y1], "b": [n1], "c": [y2], "d": [n2]}), "a", "b", "c", "d")
    lab = "95" if level == 0.95 else "998"
    assert out.loc[0, f"lower_{lab}"] == pytest.approx(rr_lo, rel=1e-9)
    assert out.loc[0, f"upper_{lab}"] == pytest.approx(rr_hi, rel=1e-9)


def test_rate_ratio_p_value_by_hand():
    # Hand: score statistic at RR = 1 with c = n1/n2 = 0.1:
    # z = (30 - 100 x 0.1) / sqrt(130 x 0.1) = 20 / 3.605551 = 5.547002; p = 2 (1 - Phi(5.547))
    out = stats.rate_ratio(pd.DataFrame({"a": [30], "b": [1000], "c": [100], "d": [10000]}), "a", "b", "c", "d")
    z = 20 / math.sqrt(13)
    assert z == pytest.approx(5.547002, abs=1e-6)
    assert out.loc[0, "p_value"] == pytest.approx(math.erfc(z / math.sqrt(2)), rel=1e-6)
    assert out.loc[0, "method"].startswith("score (statsmodels")


def test_rate_ratio_p_value_gu_2008_published():
    # Gu K, Ng HKT, Tang ML, Schucany WR (2008), Biometrical Journal 50:283-298, example 1
    # (breast cancer, 60 events in 51,477.5 person-years vs 30 in 54,308.7): one-sided p-value of
    # the score test 0.000316, so two-sided 0.000632 (also used in statsmodels' own test suite).
    df = pd.DataFrame({"a": [60], "b": [51477.5], "c": [30], "d": [54308.7]})
    out = stats.rate_ratio(df, "a", "b", "c", "d")
    assert out.loc[0, "p_value"] == pytest.approx(2 * 0.000316, abs=1e-5)
    assert out.loc[0, "value"] == pytest.approx((60 / 51477.5) / (30 / 54308.7))


def test_rate_ratio_converges_to_wald_log_for_large_counts():
    # For large counts the score interval approaches the Wald interval on the log scale,
    # exp(log RR +/- z sqrt(1/y1 + 1/y2)) (Rothman, Modern Epidemiology, ch. 14).
    y1, n1, y2, n2 = 40000, 1.0e7, 20000, 1.0e7
    out = stats.rate_ratio(pd.DataFrame({"a": [y1], "b": [n1], "c": [y2], "d": [n2]}), "a", "b", "c", "d")
    se = math.sqrt(1 / y1 + 1 / y2)
    assert out.loc[0, "lower_95"] == pytest.approx(2 * math.exp(-Z95 * se), rel=1e-4)
    assert out.loc[0, "upper_95"] == pytest.approx(2 * math.exp(Z95 * se), rel=1e-4)


def test_rate_ratio_zero_counts():
    df = pd.DataFrame({"a": [0, 5, 0, 3], "b": [1000, 1000, 1000, 0], "c": [10, 0, 0, 3], "d": [1000, 1000, 1000, 100]})
    out = stats.rate_ratio(df, "a", "b", "c", "d")
    # y1 = 0: the quadratic y2^2 c^2 - k^2 y2 c = 0 has roots 0 and k^2 / y2, so the upper limit
    # is k^2 / y2 x n2 / n1 = 3.841459 / 10 = 0.3841459 (hand), the lower 0.
    assert out.loc[0, "value"] == 0 and out.loc[0, "lower_95"] == 0
    assert out.loc[0, "upper_95"] == pytest.approx(Z95**2 / 10, rel=1e-9)
    assert out.loc[0, "upper_998"] == pytest.approx(Z998**2 / 10, rel=1e-9)
    # y2 = 0: the quadratic is linear, -k^2 y1 c + y1^2 = 0, c = y1 / k^2 = 5 / 3.841459 = 1.30159
    assert np.isinf(out.loc[1, "value"]) and np.isinf(out.loc[1, "upper_95"])
    assert out.loc[1, "lower_95"] == pytest.approx(5 / Z95**2, rel=1e-9)
    assert "reference count is zero" in out.loc[1, "method"]
    assert np.isnan(out.loc[2, "value"]) and out.loc[2, "method"] == "not estimated: both counts are zero"
    assert np.isnan(out.loc[2, "p_value"])
    assert out.loc[3, "method"] == "denominator is zero"
    # p-values of the zero rows (hand, R = 1, c = 1): z = (0 - 10) / sqrt(10) = -3.1623, p = 0.001565;
    # z = 5 / sqrt(5) = 2.2361, p = 0.025347
    assert out.loc[0, "p_value"] == pytest.approx(math.erfc(math.sqrt(10) / math.sqrt(2)), rel=1e-9)
    assert out.loc[1, "p_value"] == pytest.approx(math.erfc(math.sqrt(5) / math.sqrt(2)), rel=1e-9)


# ------------------------------------------------------------------------------------------
# proportion ratio: Miettinen-Nurminen score interval and test
# ------------------------------------------------------------------------------------------


def test_score_proportion_ratio_by_hand_and_by_a_second_method():
    # 20/100 against 10/100: ratio 2. Score test at R = 1 (pooled p = 0.15):
    # V = (0.15 x 0.85 / 100 + 0.15 x 0.85 / 100) x 200 / 199 = 0.00255 x 1.0050251 = 0.00256281,
    # z = 0.1 / sqrt(0.00256281) = 1.975345, p = 2 (1 - Phi(1.975345)) = 0.048230.
    # Limits: the roots of z(R) = +/- 1.959964, solved independently (tests/independent_score.py:
    # numerical maximum likelihood under the constraint, brentq), and by statsmodels' Koopman cubic.
    df = pd.DataFrame({"x": [20, 45, 3], "n": [100, 60, 40], "rx": [10, 300, 90], "rn": [100, 500, 800]})
    out = stats.proportion_ratio(df, "x", "n", "rx", "rn")
    assert out.loc[0, "value"] == pytest.approx(2.0)
    assert out.loc[0, "p_value"] == pytest.approx(0.048230, abs=2e-6)
    for i, (x1, n1, x0, n0) in enumerate(df.itertuples(index=False)):
        for level, lo_col, hi_col in ((0.95, "lower_95", "upper_95"), (0.998, "lower_998", "upper_998")):
            lo, hi = score_ratio_interval(x1, n1, x0, n0, level)
            assert out.loc[i, lo_col] == pytest.approx(lo, rel=1e-6) and out.loc[i, hi_col] == pytest.approx(
                hi, rel=1e-6
            )
        sm_lo, sm_hi = confint_proportions_2indep(x1, n1, x0, n0, compare="ratio", method="score")
        assert out.loc[i, "lower_95"] == pytest.approx(sm_lo, rel=1e-6) and out.loc[i, "upper_95"] == pytest.approx(
            sm_hi, rel=1e-6
        )
    assert "Miettinen-Nurminen" in out.loc[0, "method"]


def test_score_proportion_ratio_at_100_percent_conversion():
    # The case, cpp_start Asian x 1 to 4: 6 of 6 against 34 of 48. Katz gave 1.18 to 1.69
    # beside p = 0.13. Score test at R = 1: pooled p = 40/54, V = (40/54)(14/54)(1/6 + 1/48)(54/53)
    # = 0.1920439 x 0.1875 x 1.0188679 = 0.0366878; z = (1 - 0.7083333) / sqrt(0.0366878) = 1.522789,
    # p = 0.127823: not significant, so the interval must include 1.
    df = pd.DataFrame({"x": [6], "n": [6], "rx": [34], "rn": [48]})
    out = stats.proportion_ratio(df, "x", "n", "rx", "rn").loc[0]
    assert out["p_value"] == pytest.approx(0.127823, abs=2e-6)
    lo, hi = score_ratio_interval(6, 6, 34, 48)
    assert out["lower_95"] == pytest.approx(lo, rel=1e-6) and out["upper_95"] == pytest.approx(hi, rel=1e-6)
    assert out["lower_95"] < 1 < out["upper_95"]
    assert out["lower_95"] == pytest.approx(0.83925, abs=1e-5)


def test_score_proportion_ratio_zero_counts():
    # x1 = 0 (0 of 10 against 5 of 40): ratio 0, lower 0, upper the root of z(R) = -1.96;
    # x0 = 0: infinite ratio and upper limit; both zero: not estimable; all progressed: p = 1.
    df = pd.DataFrame({"x": [0, 4, 0, 7], "n": [10, 50, 50, 7], "rx": [5, 0, 0, 20], "rn": [40, 100, 100, 20]})
    out = stats.proportion_ratio(df, "x", "n", "rx", "rn")
    assert out.loc[0, "value"] == 0 and out.loc[0, "lower_95"] == 0
    assert out.loc[0, "upper_95"] == pytest.approx(score_ratio_interval(0, 10, 5, 40)[1], rel=1e-6)
    assert np.isinf(out.loc[1, "value"]) and np.isinf(out.loc[1, "upper_998"])
    assert out.loc[1, "lower_95"] == pytest.approx(score_ratio_interval(4, 50, 0, 100)[0], rel=1e-6)
    assert out.loc[2, "method"] == "not estimated: both counts are zero"
    assert (
        out.loc[3, "value"] == 1 and out.loc[3, "p_value"] == 1 and out.loc[3, "lower_95"] < 1 < out.loc[3, "upper_95"]
    )


def test_interval_and_p_value_agree_for_every_small_table():
    # Every table with n1 in 1..15 and a reference of 12 or 40: the 95% interval excludes 1
    # exactly when p < 0.05 (ratio of proportions), and likewise for the Poisson rate ratio.
    rows = [(x1, n1, x0, n0) for n1 in range(1, 16) for x1 in range(n1 + 1) for n0 in (12, 40) for x0 in range(n0 + 1)]
    df = pd.DataFrame(rows, columns=["x", "n", "rx", "rn"])
    for fn in (stats.proportion_ratio, stats.rate_ratio):
        out = fn(df, "x", "n", "rx", "rn")
        ok = out["p_value"].notna() & (np.abs(out["p_value"] - 0.05) > 1e-6)
        excludes = (out["lower_95"] > 1) | (out["upper_95"] < 1)
        assert ok.sum() > 1000
        assert (excludes[ok] == (out["p_value"][ok] < 0.05)).all(), fn.__name__


def _covered(out: pd.DataFrame, true: float, level: str = "95") -> float:
    return float(((out[f"lower_{level}"] <= true) & (out[f"upper_{level}"] >= true)).mean())


def test_coverage_at_partnership_subgroup_sizes():
    # Seeded simulation, 3,000 replicates per cell. Tolerance: at least 94% coverage of the 95%
    # interval (3 standard errors of a 3,000-replicate estimate below 95% is 93.8%) at the
    # documented minimum sizes (docs/disproportionality.md, "Intervals at the edges"):
    # - ratio of proportions (score): comparison group n in {5, 10, 20, 50} x p in {0.1, 0.5,
    #   0.9, 1.0} with n p >= 5 (the grid's min_count), reference 200 children at 30%, 50%, 90%;
    # - rate ratio (score, Poisson): expected count >= 5 in populations of 100 to 2,000;
    # - Mantel-Haenszel risk ratio (two strata): expected progressed and not progressed both >= 10
    #   in the group, and at least 5 of each observed (the grid's rule for the adjusted ratio).
    rng = np.random.default_rng(20260716)
    reps = 3000
    worst = []
    for n1 in (5, 10, 20, 50):
        for p1 in (0.1, 0.5, 0.9, 1.0):
            if n1 * p1 < 5:
                continue
            for p0 in (0.3, 0.5, 0.9):
                df = pd.DataFrame(
                    {"x": rng.binomial(n1, p1, reps), "n": n1, "rx": rng.binomial(200, p0, reps), "rn": 200}
                )
                worst.append((_covered(stats.proportion_ratio(df, "x", "n", "rx", "rn"), p1 / p0), "ratio", n1, p1, p0))
    for pop in (100, 500, 2000):
        for lam in (0.005, 0.02, 0.05, 0.1):
            if pop * lam < 5:
                continue
            df = pd.DataFrame({"x": rng.poisson(pop * lam, reps), "n": pop, "rx": rng.poisson(400, reps), "rn": 20000})
            worst.append((_covered(stats.rate_ratio(df, "x", "n", "rx", "rn"), lam / 0.02), "rate", pop, lam, 0.02))
    for n1 in (20, 50, 100):
        for p1 in (0.1, 0.5, 0.9):
            if min(n1 * p1, n1 * (1 - p1)) < 10:
                continue
            for p0 in (0.3, 0.5, 0.9):
                half = n1 // 2
                a = np.c_[rng.binomial(half, p1, reps), rng.binomial(n1 - half, p1, reps)]
                df = pd.DataFrame(
                    {
                        "rep": np.repeat(np.arange(reps), 2),
                        "s": np.tile([1, 2], reps),
                        "a": a.ravel(),
                        "n1": np.tile([half, n1 - half], reps),
                        "b": rng.binomial(100, p0, 2 * reps),
                        "n0": 100,
                    }
                )
                out = stats.mantel_haenszel_risk_ratio(df, "a", "n1", "b", "n0", "s", groupby="rep")
                total = a.sum(axis=1)
                shown = ((total >= 5) & (n1 - total >= 5) & out["value"].notna()).to_numpy()
                worst.append((_covered(out[shown], p1 / p0), "MH", n1, p1, p0))
    low = [w for w in worst if w[0] < 0.94]
    assert not low, low
    assert len(worst) > 40


def test_mantel_haenszel_risk_ratio_hand_worked():
    # Greenland & Robins (1985); Rothman, Greenland & Lash ch. 15. By hand:
    # stratum 1: a=10 of n1=50, b=20 of n0=200, N=250: a n0/N = 8, b n1/N = 4,
    #            (n1 n0 M - a b N)/N^2 = (50x200x30 - 10x20x250)/62500 = 250000/62500 = 4.0
    # stratum 2: a=15 of 30, b=30 of 120, N=150: a n0/N = 12, b n1/N = 6,
    #            (30x120x45 - 15x30x150)/22500 = 94500/22500 = 4.2
    # RR = 20/10 = 2; var(log RR) = 8.2 / (20 x 10) = 0.041, sd = 0.2024846
    # 95%: 2 exp(-/+ 1.959964 x 0.2024846) = 2 exp(-/+ 0.396862) = 1.344853 to 2.974303
    # p = 2 (1 - Phi(ln 2 / 0.2024846)) = 2 (1 - Phi(3.423236)) = 0.000619
    df = pd.DataFrame({"imd": [1, 2], "a": [10, 15], "n1": [50, 30], "b": [20, 30], "n0": [200, 120]})
    out = stats.mantel_haenszel_risk_ratio(df, "a", "n1", "b", "n0", "imd").loc[0]
    assert out["value"] == pytest.approx(2.0)
    assert out["lower_95"] == pytest.approx(2 * math.exp(-Z95 * math.sqrt(0.041)), rel=1e-9)
    assert out["lower_95"] == pytest.approx(1.344853, abs=2e-6) and out["upper_95"] == pytest.approx(2.974303, abs=2e-6)
    assert out["p_value"] == pytest.approx(2 * sps.norm.sf(math.log(2) / math.sqrt(0.041)), rel=1e-9)
    assert out["p_value"] == pytest.approx(0.000619, abs=1e-6)
    assert (out["strata"], out["count"], out["ref_count"]) == (2, 25, 50)
    # the binomial variance is below the person-time (Poisson) one on the same counts
    poisson = stats.mantel_haenszel_rate_ratio(df, "a", "n1", "b", "n0", "imd").loc[0]
    assert poisson["upper_95"] / poisson["lower_95"] > out["upper_95"] / out["lower_95"]


# ------------------------------------------------------------------------------------------
# representation index
# ------------------------------------------------------------------------------------------


def test_representation_index_by_hand():
    # expected = 200 x 300 / 10,000 = 6; index = 12 / 6 = 2;
    # Byar lower for 12: 12 (1 - 1/108 - 1.959964 / (3 sqrt 12))^3 = 12 (1 - 0.0092593 - 0.1886001)^3
    # = 12 (0.8021406)^3 = 12 x 0.516126 = 6.19351 -> 6.19351 / 6 = 1.03225
    # exact for 4 (< 10): chi-square limits 1.0899 to 10.2416 (table) / expected 2 (100 x 2 / 100)
    df = pd.DataFrame({"x": [12, 4], "tot": [200, 100], "pop": [300, 2], "poptot": [10000, 100]})
    out = stats.representation_index(df, "x", "tot", "pop", "poptot")
    assert out["expected"].tolist() == pytest.approx([6.0, 2.0])
    assert out["value"].tolist() == pytest.approx([2.0, 2.0])
    assert out.loc[0, "lower_95"] == pytest.approx(1.03225, abs=2e-5)
    assert out.loc[1, "lower_95"] == pytest.approx(1.0899 / 2, abs=1e-4)
    assert out.loc[1, "upper_95"] == pytest.approx(10.2416 / 2, abs=1e-4)
    assert out["method"].tolist() == ["Byar", "Exact Poisson"]


# ------------------------------------------------------------------------------------------
# Benjamini-Hochberg, flags
# ------------------------------------------------------------------------------------------

# Benjamini & Hochberg (1995), J R Stat Soc B 57:289-300, section 4.1: the 15 p-values of the
# myocardial infarction example; at q = 0.05 the procedure rejects the four smallest.
BH_P = [
    0.0001,
    0.0004,
    0.0019,
    0.0095,
    0.0201,
    0.0278,
    0.0298,
    0.0344,
    0.0459,
    0.3240,
    0.4262,
    0.5719,
    0.6528,
    0.7590,
    1.0000,
]


def test_bh_qvalues_benjamini_hochberg_1995():
    q = stats.bh_qvalues(BH_P)
    # Hand: q_(i) = min over j >= i of p_(j) x 15 / j:
    # 0.0001 x 15 = 0.0015; 0.0004 x 7.5 = 0.003; 0.0019 x 5 = 0.0095; 0.0095 x 3.75 = 0.035625;
    # 0.0201 x 3 = 0.0603; rank 6: min(0.0278 x 2.5 = 0.0695, 0.0298 x 15/7 = 0.0638571, ...)
    # = 0.0638571; rank 7: 0.0638571; rank 8: 0.0344 x 15/8 = 0.0645; rank 9: 0.0459 x 15/9 = 0.0765.
    assert q[:9] == pytest.approx(
        [0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.0638571, 0.0638571, 0.0645, 0.0765], abs=1e-7
    )
    assert int((q <= 0.05).sum()) == 4  # the paper's four rejections
    assert q[-1] == 1.0


def test_bh_nan_safe_and_series():
    p = pd.Series([0.01, np.nan, 0.04, 0.03], index=list("abcd"), name="p")
    q = stats.bh_qvalues(p)
    # NaN excluded from the family (m = 3): 0.01 x 3 = 0.03; 0.03 x 3/2 = 0.045 -> min(0.045, 0.04)
    # = 0.04; 0.04 x 3/3 = 0.04
    assert isinstance(q, pd.Series) and list(q.index) == list("abcd")
    assert q["a"] == pytest.approx(0.03) and q["c"] == pytest.approx(0.04) and q["d"] == pytest.approx(0.04)
    assert np.isnan(q["b"])
    assert np.isnan(stats.bh_qvalues([np.nan, np.nan])).all()
    # nullable pandas dtypes: pd.NA behaves as NaN (m = 2: 0.01 x 2 = 0.02, 0.04 x 2/2 = 0.04)
    qn = stats.bh_qvalues(pd.Series([0.01, pd.NA, 0.04], dtype="Float64"))
    assert qn.tolist()[0] == pytest.approx(0.02) and np.isnan(qn.iloc[1]) and qn.iloc[2] == pytest.approx(0.04)
    with pytest.raises(ValueError, match="outside"):
        stats.bh_qvalues([0.5, 1.5])


def test_significance_flags():
    lo95 = [1.2, 1.05, 0.9, 0.6, 0.3, np.nan, 1.0]
    hi95 = [1.9, 1.6, 1.2, 0.95, 0.8, np.nan, 1.3]
    lo998 = [1.01, 0.95, 0.8, 0.5, 0.2, np.nan, 0.9]
    hi998 = [2.3, 1.9, 1.4, 1.05, 0.99, np.nan, 1.5]
    flags = stats.significance_flags(lo95, hi95, lo998, hi998)
    assert list(flags) == [
        "higher (99.8%)",
        "higher (95%)",
        "similar",
        "lower (95%)",
        "lower (99.8%)",
        "not compared",
        "similar",
    ]
    s = stats.significance_flags(pd.Series(lo95, index=range(10, 17)), hi95, lo998, hi998)
    assert list(s.index) == list(range(10, 17))
    # against a different reference value (e.g. a rate against the England rate of 1.0 -> 0.85)
    assert stats.significance_flags([0.9], [1.1], [0.86], [1.2], reference=0.85)[0] == "higher (99.8%)"


# ------------------------------------------------------------------------------------------
# properties (hypothesis): lower <= value <= upper, 99.8% contains 95%, no warnings
# ------------------------------------------------------------------------------------------

counts = st.integers(min_value=0, max_value=5000)
pops = st.integers(min_value=1, max_value=200000)


def _nested(out: pd.DataFrame) -> None:
    v = out["value"].to_numpy()
    ok = np.isfinite(v) | np.isinf(v)
    assert (out["lower_998"][ok] <= out["lower_95"][ok] + 1e-12).all()
    assert (out["lower_95"][ok] <= v[ok] * (1 + 1e-12) + 1e-12).all()
    assert (v[ok] <= out["upper_95"][ok] * (1 + 1e-12) + 1e-12).all()
    assert (out["upper_95"][ok] <= out["upper_998"][ok] * (1 + 1e-12) + 1e-12).all()
    assert not out["method"].isna().any()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(counts, pops), min_size=1, max_size=8))
def test_property_rate(rows):
    df = pd.DataFrame(rows, columns=["x", "n"])
    _nested(stats.rate(df, "x", "n"))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(counts, counts), min_size=1, max_size=8))
def test_property_proportion(rows):
    df = pd.DataFrame([(min(a, b), max(a, b)) for a, b in rows], columns=["x", "n"])
    _nested(stats.proportion(df, "x", "n"))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(counts, pops, counts, pops), min_size=1, max_size=8))
def test_property_rate_ratio(rows):
    df = pd.DataFrame(rows, columns=["a", "b", "c", "d"])
    out = stats.rate_ratio(df, "a", "b", "c", "d")
    _nested(out)
    p = out["p_value"].dropna()
    assert ((p >= 0) & (p <= 1)).all()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(counts, counts, counts, counts), min_size=1, max_size=8))
def test_property_proportion_ratio(rows):
    df = pd.DataFrame(
        [(min(a, b), max(a, b, 1), min(c, d), max(c, d, 1)) for a, b, c, d in rows], columns=["x", "n", "rx", "rn"]
    )
    _nested(stats.proportion_ratio(df, "x", "n", "rx", "rn"))


# ------------------------------------------------------------------------------------------
# DSR (Dobson)
# ------------------------------------------------------------------------------------------


def _dsr_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "la": ["A", "A", "A", "B", "B", "B"],
            "band": ["0-4", "5-9", "10-17"] * 2,
            "x": [5, 20, 15, 1, 4, 2],
            "n": [1000, 4000, 2000, 500, 1500, 1000],
            "std": [2000, 5000, 3000] * 2,
        }
    )


def test_dsr_dobson_hand_worked():
    # Hand, group A (OHID technical guide "Direct standardisation", Dobson et al. 1991):
    # DSR = (2000 x 5/1000 + 5000 x 20/4000 + 3000 x 15/2000) / 10000 = (10 + 25 + 22.5) / 10000
    #     = 0.00575 -> 57.5 per 10,000
    # var = (2000^2 x 5/1000^2 + 5000^2 x 20/4000^2 + 3000^2 x 15/2000^2) / 10000^2
    #     = (20 + 31.25 + 33.75) / 1e8 = 8.5e-7;  O = 40;  sqrt(var / O) = 1.4577380e-4
    # Byar for 40: lower 40 (1 - 1/360 - 1.959964 / (3 sqrt 40))^3 = 28.573300,
    #              upper 41 (1 - 1/369 + 1.959964 / (3 sqrt 41))^3 = 54.470099
    # lower = 57.5 + 1.4577380e-4 x (28.573300 - 40) x 10000 = 40.842865
    # upper = 57.5 + 1.4577380e-4 x (54.470099 - 40) x 10000 = 78.593613
    out = stats.dsr(_dsr_frame(), "x", "n", "std", groupby="la")
    assert list(out.columns) == ["la", "count", "population", *OUT]
    a = out.set_index("la").loc["A"]
    assert a["count"] == 40 and a["population"] == 7000
    assert a["value"] == pytest.approx(57.5)
    assert a["lower_95"] == pytest.approx(40.842865, abs=1e-5)
    assert a["upper_95"] == pytest.approx(78.593613, abs=1e-5)
    assert a["method"] == "Dobson (Byar)"
    # group B has 7 events: not calculated (PHE: fewer than 10)
    b = out.set_index("la").loc["B"]
    assert np.isnan(b["value"]) and b["method"] == "not calculated: total count below 10"


def test_dsr_exact_path_for_small_totals_when_allowed():
    # Group B with min_count = 1: O = 7 uses the exact limits (chi-square, second method here):
    # DSR = (2000 x 1/500 + 5000 x 4/1500 + 3000 x 2/1000) / 10000 = (4 + 13.3333 + 6) / 10000
    # var = (2000^2/500^2 + 5000^2 x 4/1500^2 + 3000^2 x 2/1000^2) / 1e8 = (16 + 44.4444 + 18) / 1e8
    out = stats.dsr(_dsr_frame(), "x", "n", "std", groupby="la", min_count=1).set_index("la")
    value = (4 + 5000 * 4 / 1500 + 6) / 10000 * 10000
    var = (16 + 5000**2 * 4 / 1500**2 + 18) / 1e8
    lo = sps.chi2.ppf(0.001, 14) / 2
    hi = sps.chi2.ppf(0.999, 16) / 2
    b = out.loc["B"]
    assert b["value"] == pytest.approx(value)
    assert b["lower_998"] == pytest.approx(value + math.sqrt(var / 7) * (lo - 7) * 10000, rel=1e-9)
    assert b["upper_998"] == pytest.approx(value + math.sqrt(var / 7) * (hi - 7) * 10000, rel=1e-9)
    assert b["method"] == "Dobson (Exact Poisson)"


def test_dsr_identities():
    # (1) Standardising to the group's own population gives the crude rate (sum x / sum n).
    df = _dsr_frame().assign(std=lambda d: d["n"])
    out = stats.dsr(df, "x", "n", "std", groupby="la").set_index("la")
    assert out.loc["A", "value"] == pytest.approx(40 / 7000 * 10000)
    # (2) With one band, Dobson's interval is the Byar/exact interval of the crude rate:
    # sqrt(var / O) = sqrt(w^2 x / n^2 / w^2 / x) = 1 / n.
    one = pd.DataFrame({"g": ["a", "b"], "x": [65, 0], "n": [10000, 100], "w": [7.0, 7.0]})
    d = stats.dsr(one, "x", "n", "w", groupby="g", min_count=1)
    r = stats.rate(one, "x", "n")
    assert d.loc[0, "lower_95"] == pytest.approx(r.loc[0, "lower_95"], rel=1e-12)
    assert d.loc[0, "upper_998"] == pytest.approx(r.loc[0, "upper_998"], rel=1e-12)
    assert np.isnan(d.loc[1, "value"])  # a zero total count is below any min_count >= 1


def test_dsr_zero_population_band_and_multiple_keys():
    df = _dsr_frame().assign(year=2025)
    df.loc[4, "n"] = 0
    out = stats.dsr(df, "x", "n", "std", groupby=["year", "la"])
    assert list(out.columns[:2]) == ["year", "la"]
    assert out.loc[out["la"] == "B", "method"].item().startswith("not calculated: a band")
    with pytest.raises(ValueError, match="groupby"):
        stats.dsr(df, "x", "n", "std", groupby="nope")


# ------------------------------------------------------------------------------------------
# funnel limits, overdispersion
# ------------------------------------------------------------------------------------------


def test_funnel_poisson_limits_hand_worked():
    # Spiegelhalter (2005) appendix A.1 by hand. Target 40 per 10,000, population 1,000:
    # mean 4; Poisson(4) cdf from e^-4 4^k / k!: F(0) = 0.0183156, F(1) = 0.0915782,
    # F(7) = 0.9488664, F(8) = 0.9786366.
    # upper 95%: y = 8, alpha = (0.9786366 - 0.975) / (0.9786366 - 0.9488664) = 0.122156,
    #            limit = 7.877844 / 1000 x 10,000 = 78.778
    # lower 95%: y = 1, alpha = (0.0915782 - 0.025) / (0.0915782 - 0.0183156) = 0.908760,
    #            limit = 0.091240 / 1000 x 10,000 = 0.9124
    F = lambda k: sum(math.exp(-4) * 4**j / math.factorial(j) for j in range(k + 1))  # noqa: E731
    up = 8 - (F(8) - 0.975) / (F(8) - F(7))
    lo = 1 - (F(1) - 0.025) / (F(1) - F(0))
    out = stats.funnel_limits([1000, 500, 2000], 40, n_points=None)
    row = out.set_index("denominator").loc[1000.0]
    assert row["upper_95"] == pytest.approx(up * 10, rel=1e-9)
    assert row["lower_95"] == pytest.approx(lo * 10, rel=1e-9)
    assert row["upper_95"] == pytest.approx(78.778, abs=1e-3)
    assert list(out.columns) == ["denominator", "target", "lower_95", "upper_95", "lower_998", "upper_998", "method"]
    assert out["denominator"].tolist() == [500.0, 1000.0, 2000.0]
    assert "Poisson" in out.loc[0, "method"]


def test_funnel_binomial_limits_hand_worked():
    # Binomial(20, 0.5) cdf from C(20, k) / 2^20: F(5) = 0.0206947, F(6) = 0.0576591,
    # F(13) = 0.9423409, F(14) = 0.9793053.
    # upper 95%: y = 14, alpha = (0.9793053 - 0.975) / (0.9793053 - 0.9423409) = 0.116471,
    #            limit = 13.883529 / 20 = 69.418%
    # lower 95%: y = 6, alpha = (0.0576591 - 0.025) / (0.0576591 - 0.0206947) = 0.883529,
    #            limit = 5.116471 / 20 = 25.582%
    out = stats.funnel_limits([20], 50, kind="proportion", n_points=None)
    assert out.loc[0, "upper_95"] == pytest.approx(69.41765, abs=1e-4)
    assert out.loc[0, "lower_95"] == pytest.approx(25.58235, abs=1e-4)


def test_funnel_grid_and_normal_approximation_for_large_denominators():
    out = stats.funnel_limits([100, 1e6], 50, n_points=50)
    assert len(out) == 50 and out["denominator"].iloc[0] == 100 and out["denominator"].iloc[-1] == pytest.approx(1e6)
    assert (out["lower_998"] <= out["lower_95"]).all() and (out["upper_95"] <= out["upper_998"]).all()
    assert (out["lower_95"] <= 50).all() and (out["upper_95"] >= 50).all()
    # Second method at 1e6 (mean 5,000 events): normal approximation 50 +/- z sqrt(50 x 10,000 / 1e6)
    last = out.iloc[-1]
    sd = math.sqrt(50 * 10000 / 1e6)
    assert last["upper_998"] == pytest.approx(50 + Z998 * sd, rel=5e-3)
    assert last["lower_998"] == pytest.approx(50 - Z998 * sd, rel=5e-3)
    with pytest.raises(ValueError, match="kind"):
        stats.funnel_limits([1], 1, kind="ratio")


def test_overdispersion_hand_worked():
    # Five units of 100, target 20% (Spiegelhalter 2005, sections 6-7, steps by hand):
    # s = sqrt(0.2 x 0.8 / 100) = 0.04 (4 percentage points); z = (10-20)/4 = -2.5, -0.5, 0, 1.5, 5
    # 10th/90th percentiles (linear interpolation, positions 0.4 and 3.6 of the sorted z):
    # -2.5 + 0.4 x 2 = -1.7 and 1.5 + 0.6 x 3.5 = 3.6 -> winsorised z = -1.7, -0.5, 0, 1.5, 3.6
    # phi = (2.89 + 0.25 + 0 + 2.25 + 12.96) / 5 = 18.35 / 5 = 3.67
    # w = 1/0.04^2 = 625 each (fractions): tau2 = (18.35 - 4) / (3125 - 5 x 625^2 / 3125)
    #   = 14.35 / 2500 = 0.00574 -> 57.4 in (percentage points)^2
    od = stats.overdispersion([10, 18, 20, 26, 40], [100] * 5, 20, kind="proportion")
    assert od.z.tolist() == pytest.approx([-2.5, -0.5, 0, 1.5, 5])
    assert od.z_winsorised.tolist() == pytest.approx([-1.7, -0.5, 0, 1.5, 3.6])
    assert od.phi == pytest.approx(3.67)
    assert od.tau2 == pytest.approx(57.4)
    assert od.n_units == 5
    # additive limits at n = 100: 20 +/- 1.959964 sqrt(16 + 57.4) = 20 +/- 16.79176
    lim = od.limits([100], n_points=None)
    assert lim.loc[0, "lower_95"] == pytest.approx(20 - Z95 * math.sqrt(73.4), rel=1e-9)
    assert lim.loc[0, "upper_95"] == pytest.approx(36.79176, abs=1e-5)
    # multiplicative: 20 +/- 1.959964 x sqrt(3.67) x 4 = 20 +/- 15.01900
    mlim = od.limits([100], n_points=None, scale="multiplicative")
    assert mlim.loc[0, "upper_95"] == pytest.approx(35.01900, abs=1e-5)


def test_overdispersion_none_and_rates():
    # Rates per 1,000, target 10, populations 1,000: s^2 = 1000 x 10 / 1000 = 10.
    # Values 10 +/- 1 give z = +/- 0.316; phi = 0.1 < 1 so tau2 = 0 and the additive limits are the
    # normal Poisson limits 10 +/- 1.959964 sqrt(10).
    od = stats.overdispersion([9, 11, 9, 11, np.nan], [1000] * 5, 10, multiplier=1000)
    assert od.n_units == 4 and np.isnan(od.z[-1])
    assert od.z[0] == pytest.approx(-1 / math.sqrt(10))
    assert od.phi == pytest.approx(0.1)
    assert od.tau2 == 0.0
    lim = od.limits([1000], n_points=None)
    assert lim.loc[0, "upper_95"] == pytest.approx(10 + Z95 * math.sqrt(10))
    with pytest.raises(ValueError, match="usable"):
        stats.overdispersion([1], [10], 5)


# ------------------------------------------------------------------------------------------
# Mantel-Haenszel rate ratio
# ------------------------------------------------------------------------------------------


def test_mantel_haenszel_hand_worked_two_strata():
    # Hand (Rothman, Greenland & Lash, Modern Epidemiology 3rd edn, ch. 15 formulas):
    # stratum 1: a=10, T1=1000, b=40, T0=8000, T=9000: a T0/T = 8.888889, b T1/T = 4.444444,
    #            M T1 T0 / T^2 = 50 x 8e6 / 8.1e7 = 4.938272, M T1 / T = 5.555556
    # stratum 2: a=30, T1=2000, b=60, T0=6000, T=8000: a T0/T = 22.5, b T1/T = 15,
    #            M T1 T0 / T^2 = 90 x 1.2e7 / 6.4e7 = 16.875, M T1 / T = 22.5
    # RR = 31.388889 / 19.444444 = 1.6142857
    # var(log RR) = 21.813272 / (31.388889 x 19.444444) = 0.0357395, sd = 0.1890491
    # 95%: 1.6142857 exp(-/+ 1.959964 x 0.1890491) = 1.114452 to 2.338295
    # MH chi: (40 - 28.055556) / sqrt(21.813272) = 2.557441, p = 0.0105446
    df = pd.DataFrame({"imd": [1, 2], "a": [10, 30], "t1": [1000, 2000], "b": [40, 60], "t0": [8000, 6000]})
    out = stats.mantel_haenszel_rate_ratio(df, "a", "t1", "b", "t0", "imd")
    assert out.loc[0, "value"] == pytest.approx(1.6142857, abs=1e-7)
    assert out.loc[0, "lower_95"] == pytest.approx(1.114452, abs=1e-6)
    assert out.loc[0, "upper_95"] == pytest.approx(2.338295, abs=1e-6)
    assert out.loc[0, "p_value"] == pytest.approx(0.0105446, abs=1e-7)
    assert out.loc[0, "strata"] == 2 and out.loc[0, "count"] == 40 and out.loc[0, "ref_count"] == 100
    assert "Greenland-Robins" in out.loc[0, "method"]


def test_mantel_haenszel_one_stratum_is_crude_and_groups():
    # With one stratum RR_MH is the crude ratio and var(log RR) = (a+b) T1 T0 / T^2 /
    # (a T0/T x b T1/T) = 1/a + 1/b (Wald log interval, Rothman ch. 14).
    df = pd.DataFrame(
        {"grp": ["x", "y"], "s": [1, 1], "a": [30, 0], "t1": [1000, 500], "b": [100, 100], "t0": [10000, 10000]}
    )
    out = stats.mantel_haenszel_rate_ratio(df, "a", "t1", "b", "t0", "s", groupby="grp").set_index("grp")
    se = math.sqrt(1 / 30 + 1 / 100)
    assert out.loc["x", "value"] == pytest.approx(3.0)
    assert out.loc["x", "lower_998"] == pytest.approx(3 * math.exp(-Z998 * se), rel=1e-12)
    assert np.isnan(out.loc["y", "value"]) and out.loc["y", "method"].startswith("not estimated")
    with pytest.raises(ValueError, match="repeats"):
        stats.mantel_haenszel_rate_ratio(pd.concat([df, df]), "a", "t1", "b", "t0", "s", groupby="grp")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 300), st.integers(1, 5000), st.integers(0, 300), st.integers(1, 5000), st.integers(1, 5000)
        ),
        min_size=1,
        max_size=6,
    )
)
def test_property_dsr_and_representation(rows):
    df = pd.DataFrame(rows, columns=["x", "n", "rx", "rn", "w"])
    df["x"] = np.minimum(df["x"], df["n"])
    df["g"] = "all"
    _nested(stats.dsr(df, "x", "n", "w", groupby="g", min_count=1).dropna(subset=["value"]))
    df["tot"] = df["x"].sum()
    df["ptot"] = df["n"].sum()
    _nested(stats.representation_index(df, "x", "tot", "n", "ptot").dropna(subset=["value"]))


def test_docstring_examples_run():
    # The worked examples in the docstrings (Newcombe 81/263, the Katz and funnel hand cases) are
    # part of the documentation; run them here so the one test command covers them.
    import doctest

    result = doctest.testmod(stats, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 13 and result.failed == 0
