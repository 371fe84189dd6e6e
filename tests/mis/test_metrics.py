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


def test_rank_bands_widen_where_intervals_overlap():
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
    # 1 is above everyone's interval but 2's and 3's highs overlap its low? 85 > 86? no:
    # 2's high (86) ≥ 1's low (85), so 1 may be 2nd; 2 and 3 overlap each other; 4 is last.
    assert list(zip(out["rank_low"], out["rank_high"], strict=True)) == [
        (1, 2),
        (1, 3),
        (2, 3),
        (4, 4),
    ]


def test_funnel_limits_are_the_type_mean_plus_minus_z_sigma_over_root_n():
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
        }
    )
    assert metrics.most_improved(frame, k=5)["stakeholder_id"].tolist() == [1]


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
