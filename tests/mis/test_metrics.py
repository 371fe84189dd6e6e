"""Every formula of docs/methodology.md against numbers worked out by hand."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from mis import metrics


def sums(rows):
    """Per-stakeholder sums from {stakeholder: (type, [rater means])}."""
    return pd.DataFrame(
        [
            {
                "stakeholder_id": sid,
                "type_id": t,
                "n": len(s),
                "sum_s": float(sum(s)),
                "sumsq_s": float(sum(v * v for v in s)),
            }
            for sid, (t, s) in rows.items()
        ]
    )


# The worked example of docs/methodology.md: Basanti police station (1) with raters A (rated
# three times: 60, 80, 70 → s_A = 70), B (40) and C (90); and another police station (2) with
# raters 45 and 55. μ = (70 + 40 + 90 + 45 + 55) / 5 = 60.
EXAMPLE = sums({1: ("police", [70, 40, 90]), 2: ("police", [45, 55])})


def test_the_shrunk_score_of_the_worked_example():
    out = metrics.shrunk_scores(EXAMPLE, m=5).set_index("stakeholder_id")
    assert out.loc[1, "type_mean"] == pytest.approx(60)
    assert out.loc[1, "score"] == pytest.approx((200 + 5 * 60) / (3 + 5))  # 62.5
    assert out.loc[2, "score"] == pytest.approx((100 + 5 * 60) / (2 + 5))  # 57.14
    assert out.loc[1, "mean_raw"] == pytest.approx(200 / 3)


def test_the_interval_of_the_worked_example():
    # Within-stakeholder sums of squares: station 1: (70−66.7)² + (40−66.7)² + (90−66.7)²
    # = 1266.67; station 2: 50. Pooled variance = (1266.67 + 50) / (5 − 2) = 438.89.
    # Station 1: σ² = (1266.67 + 5 × 438.89) / (3 − 1 + 5) = 494.44;
    # half-width = t(0.975, 7) × √(494.44 / 8) = 2.3646 × 7.862 = 18.59.
    out = metrics.shrunk_scores(EXAMPLE, m=5).set_index("stakeholder_id")
    pooled = (1266.6667 + 50) / 3
    half = stats.t.ppf(0.975, 7) * np.sqrt((1266.6667 + 5 * pooled) / 7 / 8)
    assert half == pytest.approx(18.59, abs=0.01)
    assert out.loc[1, "score_low"] == pytest.approx(62.5 - half, abs=1e-3)
    assert out.loc[1, "score_high"] == pytest.approx(62.5 + half, abs=1e-3)


def test_one_rater_gets_a_wide_interval_not_a_zero_one():
    out = metrics.shrunk_scores(sums({1: ("bdo", [100]), 2: ("bdo", [50, 60, 70, 40])}), 5)
    one = out.set_index("stakeholder_id").loc[1]
    assert one["score_high"] - one["score_low"] > 20


def test_types_are_shrunk_toward_their_own_mean():
    out = metrics.shrunk_scores(sums({1: ("police", [40, 40]), 2: ("cwc", [90, 90])}), 5)
    means = out.set_index("stakeholder_id")["type_mean"]
    assert means[1] == 40 and means[2] == 90


def test_rank_intervals_come_from_simulated_posterior_ranks():
    frame = pd.DataFrame(
        {
            "type_id": ["t"] * 4,
            "score": [90, 80, 78, 40],
            "score_low": [85, 70, 65, 30],
            "score_high": [95, 86, 84, 50],
        }
    )
    out = metrics.rank_bands(frame)
    assert out["rank"].tolist() == [1, 2, 3, 4]
    bands = list(zip(out["rank_low"], out["rank_high"], strict=True))
    # 80 and 78 (SDs ≈ 5 and 7) swap places often: both may be 2nd or 3rd, and the 90
    # (SD ≈ 2.6) is 2nd in a few per cent of draws; 40 is last in every draw.
    assert bands[0] == (1, 2) and bands[3] == (4, 4)
    assert bands[1][0] <= 2 <= bands[1][1] and bands[1][1] == 3
    assert bands[2][0] <= 2 and bands[2][1] == 3
    # The same figures give the same bands, always (a release rebuilt must not change).
    assert metrics.rank_bands(frame)[["rank_low", "rank_high"]].equals(
        out[["rank_low", "rank_high"]]
    )


def test_scores_far_apart_have_exact_ranks_and_identical_ones_share_the_band():
    apart = pd.DataFrame(
        {
            "type_id": ["t"] * 3,
            "score": [90.0, 60, 30],
            "score_low": [88.0, 58, 28],
            "score_high": [92.0, 62, 32],
        }
    )
    out = metrics.rank_bands(apart)
    assert list(zip(out["rank_low"], out["rank_high"], strict=True)) == [(1, 1), (2, 2), (3, 3)]
    same = apart.assign(score=60.0, score_low=50.0, score_high=70.0)
    out = metrics.rank_bands(same)
    assert set(zip(out["rank_low"], out["rank_high"], strict=True)) == {(1, 3)}


def test_funnel_limits_are_the_type_mean_plus_minus_z_sigma_over_root_n_without_overdispersion():
    """Two stations that differ no more than chance: τ² = 0, the plain limits."""
    points, limits = metrics.funnel(EXAMPLE)
    pooled = (1266.6667 + 50) / 3
    at_three = limits[limits["n"] == 3].iloc[0]
    assert at_three["mean"] == pytest.approx(60)
    assert at_three["high_95"] == pytest.approx(60 + 1.959964 * np.sqrt(pooled / 3), abs=1e-3)
    assert at_three["low_998"] == pytest.approx(60 - 3.090232 * np.sqrt(pooled / 3), abs=1e-3)
    assert set(points["signal"]) == {"within"}


def test_best_practice_needs_an_interval_above_the_type_mean_and_enough_raters():
    frame = pd.DataFrame(
        {
            "stakeholder_id": [1, 2, 3],
            "type_id": ["t"] * 3,
            "n": [20, 3, 20],
            "score": [80, 90, 65],
            "score_low": [70, 75, 55],
            "type_mean": [62] * 3,
        }
    )
    assert metrics.best_practice(frame, k=5)["stakeholder_id"].tolist() == [1]


def test_most_improved_needs_enough_raters_in_both_periods():
    frame = pd.DataFrame(
        {
            "stakeholder_id": [1, 2, 3],
            "type_id": ["t"] * 3,
            "n": [10, 10, 10],
            "previous_n": [10, 2, 10],
            "change": [8.0, 20.0, -3.0],
            "score_low": [60.0, 50.0, 60.0],
            "score_high": [70.0, 70.0, 70.0],
        }
    )
    assert metrics.most_improved(frame, k=5)["stakeholder_id"].tolist() == [1]


def test_a_change_within_the_scores_uncertainty_is_neither_improved_nor_declined():
    """The league table calls such a change "no clear change"; the lists must agree."""
    frame = pd.DataFrame(
        {
            "stakeholder_id": [1, 2, 3, 4],
            "type_id": ["t"] * 4,
            "n": [10] * 4,
            "previous_n": [10] * 4,
            "change": [6.0, 12.0, -4.0, -9.0],
            # Half-intervals: 8, 8, 5, 5.
            "score_low": [65.0, 60.0, 60.0, 55.0],
            "score_high": [81.0, 76.0, 70.0, 65.0],
        }
    )
    assert metrics.most_improved(frame, k=5)["stakeholder_id"].tolist() == [2]
    assert metrics.most_declined(frame, k=5)["stakeholder_id"].tolist() == [4]
    assert metrics.clear_change(frame).tolist() == [False, True, False, True]


def test_strongest_items_lead_the_type_mean_for_the_same_item():
    items = pd.DataFrame(
        {
            "stakeholder_id": [1, 1, 2, 2],
            "type_id": ["t"] * 4,
            "item_code": ["respect", "money", "respect", "money"],
            "n": [10, 10, 10, 10],
            "mean": [90.0, 50.0, 50.0, 50.0],
        }
    )
    top = metrics.strongest_items(items, top=1)
    assert top.set_index("stakeholder_id").loc[1, "item_code"] == "respect"


# The hand-worked example of docs/methodology.md ("Over-dispersion"): four units with
# estimates 1, 2, 3, 5 and variances 0.5, 0.4, 0.3, 0.6. By hand: w = 2, 2.5, 3.33, 1.67;
# the fixed-effect mean 2.667; Q = 16.111; Σw − Σw²/Σw = 6.959; τ² = (16.111 − 3) / 6.959.
HAND_Y = np.array([1.0, 2.0, 3.0, 5.0])
HAND_VAR = np.array([0.5, 0.4, 0.3, 0.6])


def test_tau2_of_the_worked_example_by_hand_and_by_statsmodels():
    from statsmodels.stats.meta_analysis import combine_effects

    phi, tau2 = metrics.dispersion(HAND_Y, np.sqrt(HAND_VAR), target=None, winsor=0)
    assert tau2 == pytest.approx((16.1111 - 3) / 6.9591, abs=1e-3)
    assert phi == pytest.approx(16.1111 / 4, abs=1e-3)
    assert tau2 == pytest.approx(combine_effects(HAND_Y, HAND_VAR, method_re="dl").tau2)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_tau2_agrees_with_statsmodels_dersimonian_laird_on_random_units(seed):
    from statsmodels.stats.meta_analysis import combine_effects

    rng = np.random.default_rng(seed)
    se = rng.uniform(2, 8, 40)
    y = 60 + rng.normal(0, 5, 40) + rng.normal(0, se)
    expected = combine_effects(y, se**2, method_re="dl").tau2
    assert metrics.dispersion(y, se, target=None, winsor=0)[1] == pytest.approx(expected)


def _programme(seed: int, offices: int = 150, raters: int = 17, between: float = 8.0):
    """Offices that truly differ a little (SD `between`), each rated by `raters` survivors
    whose own means scatter with SD 20: the demo's shape, where the review found 27 of 147
    stakeholders outside the 99.8% limits."""
    rng = np.random.default_rng(seed)
    rows = {}
    for office in range(offices):
        true = 60 + rng.normal(0, between)
        rows[office] = ("police", list(np.clip(true + rng.normal(0, 20, raters), 0, 100)))
    return sums(rows)


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_ordinary_differences_between_offices_are_not_signals(seed):
    frame = _programme(seed)
    points, _limits = metrics.funnel(frame)
    adjusted = points["signal"].isin(["above_998", "below_998"]).sum()
    # The same points judged by σ/√n alone, as before the adjustment.
    plain = (points["mean_raw"] - points["type_mean"]) / np.sqrt(
        points["type_variance"] / points["n"]
    )
    unadjusted = int((plain.abs() > metrics.Z998).sum())
    # It sees the real spread between offices (true τ² = 64; winsorising the z-scores, as
    # FunnelPlotR and the SHMI do, trades some of it for robustness to true outliers).
    assert points["tau2"].iloc[0] > 10
    assert unadjusted >= 5, unadjusted  # the old limits flagged ordinary offices
    assert adjusted <= 3, adjusted


def test_a_truly_different_office_is_still_a_signal():
    frame = _programme(21)
    worst = pd.DataFrame(
        [
            {
                "stakeholder_id": 999,
                "type_id": "police",
                "n": 17,
                "sum_s": 17 * 15.0,
                "sumsq_s": 17 * 15.0**2 + 16 * 400.0,
            }
        ]
    )
    points, _limits = metrics.funnel(pd.concat([frame, worst], ignore_index=True))
    assert points.set_index("stakeholder_id").loc[999, "signal"] == "below_998"
