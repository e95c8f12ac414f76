"""XmR charts and the Making Data Count rules (assurance_lib.spc), on series worked by hand.

Limits: mean +/- 2.66 x mean moving range (NHS England, Making Data Count, "Statistical process
control: a guide", 2019; Wheeler, Understanding Variation). Every expected number below is
worked out in the comment beside it.
"""

from __future__ import annotations

import pytest

from assurance_lib import spc


def test_outside_the_limits_and_a_shift_below_the_mean() -> None:
    s = [10, 12, 11, 13, 12, 11, 10, 12, 11, 13, 12, 30]
    out = spc.xmr(s)
    # sum 157 / 12 = 13.0833; moving ranges 2,1,2,1,1,1,2,1,2,1,18 = 32 / 11 = 2.90909
    assert out["mean"].iloc[0] == pytest.approx(157 / 12)
    assert out["mean_moving_range"].iloc[0] == pytest.approx(32 / 11)
    # upper limit 13.0833 + 2.66 x 2.90909 = 20.8215; lower 5.3452
    assert out["upper_limit"].iloc[0] == pytest.approx(20.8215, abs=1e-4)
    assert out["lower_limit"].iloc[0] == pytest.approx(5.3452, abs=1e-4)
    # 30 is above the upper limit; the eleven points before are all below 13.08: a shift low
    assert out["outside"].tolist() == [False] * 11 + [True]
    assert out["shift"].tolist() == [True] * 11 + [False]
    assert out["special_cause"].tolist() == ["low"] * 11 + ["high"]
    assert spc.variation(out, "lower is better") == "concern"
    assert spc.variation(out, "higher is better") == "improvement"
    assert spc.variation(out, "neither") == "higher"


def test_a_shift_needs_seven_points_on_one_side() -> None:
    s = [2, 4, 2, 4, 2, 4, 2, 5, 4, 5, 4, 5, 4, 5]
    out = spc.xmr(s)
    # mean 52 / 14 = 3.714; the last seven (5,4,5,4,5,4,5) are all above it; limits -0.58 to 8.01
    assert out["mean"].iloc[0] == pytest.approx(52 / 14)
    assert out["shift"].tolist() == [False] * 7 + [True] * 7
    assert out["special_cause"].tolist() == [""] * 7 + ["high"] * 7
    assert not out["outside"].any() and not out["trend"].any() and not out["two_of_three"].any()
    # six points above the mean are not a shift: drop the last point
    # mean 47 / 13 = 3.615: 5,4,5,4,5,4 above it, 2 and 4 alternate before
    assert not spc.xmr(s[:-1])["shift"].any()


def test_a_trend_of_seven_rising_points() -> None:
    s = [8, 4, 8, 4, 8, 3, 4, 5, 6, 7, 8, 9]
    out = spc.xmr(s)
    # 3,4,5,6,7,8,9: seven points, each higher than the one before
    # mean 74 / 12 = 6.167 (no run of seven on one side); mean moving range 27 / 11 = 2.4545,
    # limits -0.36 to 12.70, two sigma 4.35: nothing beyond
    assert out["mean_moving_range"].iloc[0] == pytest.approx(27 / 11)
    assert out["trend"].tolist() == [False] * 5 + [True] * 7
    assert out["rules"].tolist() == [""] * 5 + ["trend"] * 7
    # six rising points (3..8) are not a trend, and nothing else fires
    quiet = spc.xmr([8, 4, 8, 4, 8, 4, 3, 4, 5, 6, 7, 8])
    assert quiet["special_cause"].eq("").all()
    assert spc.variation(quiet, "higher is better") == "common cause"


def test_two_of_three_beyond_two_sigma() -> None:
    s = [10, 12, 11] * 4 + [16, 11, 16]
    out = spc.xmr(s)
    # mean 175 / 15 = 11.667; moving ranges 2,1,1 repeated (15 over 11) then 5,5,5: 30 / 14 = 2.142857
    # upper limit 11.667 + 2.66 x 2.142857 = 17.367 (16 is inside); two sigma 2/3 x 5.7 = 3.8, line 15.467
    assert out["upper_limit"].iloc[0] == pytest.approx(175 / 15 + 2.66 * 30 / 14)
    assert not out["outside"].any()
    # 16, 11, 16: two of three beyond 15.467 on the high side; the two 16s are marked
    assert out["two_of_three"].tolist() == [False] * 12 + [True, False, True]
    assert spc.variation(out, "lower is better") == "concern"


def test_limits_recalculated_only_at_a_change_point() -> None:
    s = [10, 11] * 6 + [20, 21] * 6
    whole = spc.xmr(s)
    # one segment: mean 15.5, the first twelve below it and the last twelve above: shifts
    assert whole["mean"].iloc[0] == pytest.approx(15.5)
    assert whole["shift"].all()
    split = spc.xmr(s, change_points=[12])
    # two segments of twelve: means 10.5 and 20.5, moving range 1 in each, limits +/- 2.66
    assert split["mean"].tolist() == [10.5] * 12 + [20.5] * 12
    assert split["upper_limit"].tolist() == pytest.approx([13.16] * 12 + [23.16] * 12)
    assert split["segment"].tolist() == [0] * 12 + [1] * 12
    assert split["special_cause"].eq("").all()
    # the first point of the new segment has no moving range
    assert split["moving_range"].isna().tolist() == [True] + [False] * 11 + [True] + [False] * 11


def test_fewer_than_twelve_points_is_a_run_chart() -> None:
    out = spc.xmr([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5])
    assert out["chart"].eq("run").all()
    assert out["upper_limit"].isna().all() and out["special_cause"].eq("").all()
    assert out["median"].iloc[0] == 4  # sorted 1,1,2,3,3,4,5,5,5,6,9: the sixth
    assert spc.variation(out, "higher is better") == "run chart"
    assert spc.assurance(out, "higher is better", 4) == "no limits"


def test_assurance_against_a_target() -> None:
    c = spc.xmr([80, 82, 81, 83, 82, 81, 80, 82, 81, 83, 82, 81])
    # mean 978 / 12 = 81.5; moving ranges 2,1,2,1,1,1,2,1,2,1,1 = 15 / 11; limits 81.5 +/- 3.627: 77.87 to 85.13
    assert c["lower_limit"].iloc[0] == pytest.approx(81.5 - 2.66 * 15 / 11)
    assert spc.assurance(c, "higher is better", 75) == "pass"
    assert spc.assurance(c, "higher is better", 90) == "fail"
    assert spc.assurance(c, "higher is better", 80) == "hit and miss"
    assert spc.assurance(c, "lower is better", 90) == "pass"
    assert spc.assurance(c, "lower is better", 75) == "fail"
    assert spc.assurance(c, "higher is better", None) == "no target"


def test_a_missing_value_is_refused() -> None:
    with pytest.raises(ValueError, match="missing value"):
        spc.xmr([1.0, float("nan"), 2.0])
