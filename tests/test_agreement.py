"""Tests of assurance_lib.agreement against values worked out by hand or published.

Sources:
- Wikipedia, "Cohen's kappa", worked example (50 grant proposals, two readers): p_o = 0.7,
  p_e = 0.5, kappa = 0.4. With two categories any weighted kappa equals the unweighted one.
- Krippendorff, K. (2011) "Computing Krippendorff's Alpha-Reliability", Annenberg School for
  Communication, section C (4 observers, 12 units, values 1-5, missing data): ordinal alpha
  = 0.815, nominal alpha = 0.743.
- The 4-point fixture below is worked out by hand in the comments (Cohen 1968 formula
  kappa_w = 1 - sum(w * p_observed) / sum(w * p_expected), disagreement weights).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assurance_lib import agreement as ag

# Hand fixture: 8 units on a 4-point scale.
#   a = 1 2 2 3 3 4 2 3
#   b = 1 2 3 3 4 4 1 2
#   |a-b| = 0 0 1 0 1 0 1 1 -> exact 4/8 = 0.5, within one grade 8/8 = 1.0
# Marginals: a -> (1, 3, 3, 1)/8; b -> (2, 2, 2, 2)/8 = 1/4 each.
# Linear weights |i-j|/3:
#   observed disagreement = 4 * (1/3) / 8 = 1/6
#   expected = (1/4)(1/3) * sum_i p_i * sum_j |i-j| ; sum_j |i-j| = 6, 4, 4, 6
#            = (1/12) * (6 + 12 + 12 + 6)/8 = (1/12) * 4.5 = 0.375
#   kappa = 1 - (1/6)/0.375 = 5/9
# Quadratic weights (i-j)^2/9:
#   observed = 4 * (1/9) / 8 = 1/18
#   expected = (1/4)(1/9) * sum_i p_i * sum_j (i-j)^2 ; sums = 14, 6, 6, 14
#            = (1/36) * (14 + 18 + 18 + 14)/8 = 8/36 = 2/9
#   kappa = 1 - (1/18)/(2/9) = 3/4
A = [1, 2, 2, 3, 3, 4, 2, 3]
B = [1, 2, 3, 3, 4, 4, 1, 2]


def test_weighted_kappa_hand_fixture_linear_and_quadratic():
    assert ag.weighted_kappa(A, B, k=4, weights="linear") == pytest.approx(5 / 9)
    assert ag.weighted_kappa(A, B, k=4, weights="quadratic") == pytest.approx(3 / 4)


def test_exact_and_adjacent_agreement_hand_fixture():
    assert ag.exact_agreement(A, B) == pytest.approx(0.5)
    assert ag.adjacent_agreement(A, B) == pytest.approx(1.0)
    assert ag.adjacent_agreement(A, B, within=0) == pytest.approx(0.5)


def test_two_categories_reduce_to_wikipedia_cohen_example():
    # 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> kappa 0.4 (Wikipedia, Cohen's kappa).
    a = [1] * 20 + [1] * 5 + [2] * 10 + [2] * 15
    b = [1] * 20 + [2] * 5 + [1] * 10 + [2] * 15
    for w in ("linear", "quadratic"):
        assert ag.weighted_kappa(a, b, k=2, weights=w) == pytest.approx(0.4)


def test_unobserved_category_still_counts_in_distances():
    # Scores 1 and 3 on a 3-point scale: the table must keep the empty middle row and column.
    t = ag.contingency([1, 3, 1, 3], [1, 3, 3, 1], k=3)
    assert t.tolist() == [[1, 0, 1], [0, 0, 0], [1, 0, 1]]
    # Half the units agree, half differ by 2 grades: observed linear disagreement 0.5,
    # expected (marginals 1/2, 0, 1/2 both) = 2 * 1/4 * 1 = 0.5 -> kappa 0.
    assert ag.weighted_kappa([1, 3, 1, 3], [1, 3, 3, 1], k=3) == pytest.approx(0.0)


def test_kappa_undefined_when_one_category_only():
    assert math.isnan(ag.weighted_kappa([2, 2, 2], [2, 2, 2], k=4))


def test_bad_weights_and_scores_are_refused_with_the_choices():
    with pytest.raises(ValueError, match="linear, quadratic"):
        ag.weighted_kappa(A, B, k=4, weights="cubic")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not scores 1 to 4"):
        ag.weighted_kappa([1, 5], [1, 2], k=4)


def test_vectorised_bootstrap_kappa_matches_statsmodels_point_estimate():
    # Second method: the bootstrap's own table arithmetic on the full sample must equal the
    # statsmodels estimate (single cluster: every replicate is the full sample).
    r = ag.bootstrap_kappa(A, B, ["case"] * len(A), k=4, weights="quadratic", n_boot=50)
    assert r.kappa == pytest.approx(0.75)
    assert r.lower == pytest.approx(0.75) and r.upper == pytest.approx(0.75)
    assert (r.n_units, r.n_clusters, r.n_boot_used) == (8, 1, 50)


def test_bootstrap_resamples_whole_cases():
    # Two cases. Case A: perfect agreement on 1,2,3,4 (kappa 1). Case B: every grade one
    # step out (a = 1 2 3 4, b = 2 1 4 3): observed linear disagreement 1/3, expected with
    # uniform marginals (1/16)(1/3)(6+4+4+6) = 5/12, kappa = 1 - (1/3)/(5/12) = 0.2.
    # Resampling two cases gives AA (kappa 1, prob 1/4), AB (pooled, prob 1/2) or BB
    # (kappa 0.2, prob 1/4), so the 95% percentile interval is exactly [0.2, 1.0].
    a = [1, 2, 3, 4, 1, 2, 3, 4]
    b = [1, 2, 3, 4, 2, 1, 4, 3]
    cl = ["A"] * 4 + ["B"] * 4
    r = ag.bootstrap_kappa(a, b, cl, k=4, weights="linear", n_boot=1000, seed=1)
    assert r.lower == pytest.approx(0.2)
    assert r.upper == pytest.approx(1.0)
    assert r.n_clusters == 2
    again = ag.bootstrap_kappa(a, b, cl, k=4, weights="linear", n_boot=1000, seed=1)
    assert (again.lower, again.upper) == (r.lower, r.upper)
    assert "linear weights" in r.method and "whole cases" in r.method


def test_krippendorff_worked_example_ordinal():
    nan = np.nan
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]
    assert round(ag.ordinal_alpha(data, k=5), 3) == 0.815


def test_krippendorff_undefined_without_pairable_units():
    assert math.isnan(ag.ordinal_alpha([[1, np.nan], [np.nan, 2]], k=4))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 4), st.integers(1, 4)), min_size=2, max_size=40),
    st.sampled_from(["linear", "quadratic"]),
)
def test_bootstrap_table_arithmetic_agrees_with_statsmodels(pairs, weights):
    """Second method: the vectorised kappa used for bootstrap replicates equals statsmodels' cohens_kappa."""
    from statsmodels.stats.inter_rater import cohens_kappa

    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    table = ag.contingency(a, b, 4)
    ours = ag._kappa_from_tables(table[None], ag.disagreement_weights(4, weights))[0]
    expected_disagreement = (ag.disagreement_weights(4, weights) * np.outer(table.sum(1), table.sum(0))).sum()
    if expected_disagreement == 0:
        assert math.isnan(ours) and math.isnan(ag.weighted_kappa(a, b, k=4, weights=weights))
    else:
        ref = cohens_kappa(table, wt=weights, return_results=False)
        assert ours == pytest.approx(ref, abs=1e-12)
        assert ag.weighted_kappa(a, b, k=4, weights=weights) == pytest.approx(ref, abs=1e-12)
    assert ag.exact_agreement(a, b) == pytest.approx(np.trace(table) / len(a))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=2, max_size=30).filter(lambda v: len(set(v)) > 1))
def test_identical_ratings_give_kappa_one(scores):
    assert ag.weighted_kappa(scores, scores, k=4) == pytest.approx(1.0)
