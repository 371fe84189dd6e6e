"""The privacy rules of SPEC §2.1, including the properties that must hold for any data."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mis import metrics
from mis.periods import Period
from mis.privacy import (
    PrivacyError,
    complementary_suppression,
    for_funder,
    for_staff,
    recoverable_cells,
    require_funder,
)

QUARTER = Period.parse("2026Q3")


@given(
    st.lists(st.tuples(st.integers(0, 40), st.floats(0, 100)), min_size=1, max_size=30),
    st.integers(1, 15),
)
def test_no_staff_figure_rests_on_fewer_than_k_raters(rows, k):
    frame = pd.DataFrame(rows, columns=["n_raters", "score"])
    released = for_staff(frame, QUARTER, k, ["score"]).frame
    small = released["n_raters"] < k
    assert released.loc[small, "score"].isna().all()
    assert released.loc[~small, "score"].notna().all()
    assert (released["suppressed"] == small).all()


grids = arrays(
    np.int64,
    st.tuples(st.integers(1, 5), st.integers(1, 6)),
    elements=st.one_of(st.just(0), st.integers(1, 40)),
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(grids, st.integers(2, 15))
def test_no_suppressed_funder_cell_can_be_recovered_from_the_totals(grid, k):
    counts = pd.DataFrame(
        grid,
        index=[f"d{i}" for i in range(grid.shape[0])],
        columns=[f"t{j}" for j in range(grid.shape[1])],
    )
    decision = complementary_suppression(counts, k)
    hidden = decision.hidden.to_numpy()
    assert hidden[(grid > 0) & (grid < k)].all(), "every small cell is hidden"
    assert not hidden[grid == 0].any(), "empty cells are not data"
    assert (
        recoverable_cells(decision.hidden, decision.withheld_rows, decision.withheld_columns) == []
    )


def test_one_small_cell_costs_a_rectangle_of_four():
    counts = pd.DataFrame(
        [[20, 3, 40], [30, 25, 12], [50, 60, 70]], index=list("abc"), columns=list("xyz")
    )
    hidden = complementary_suppression(counts, 11).hidden
    assert hidden.to_numpy().sum() == 4
    assert hidden.loc[["a", "b"], ["x", "y"]].to_numpy().all()


def test_a_lone_row_withholds_the_column_totals_that_would_betray_it():
    decision = complementary_suppression(
        pd.DataFrame([[3, 20]], index=["a"], columns=["x", "y"]), 11
    )
    assert decision.hidden.to_numpy().all()
    assert decision.withheld_columns == {"x", "y"}


def funder_frame():
    return pd.DataFrame(
        {
            "district": ["N", "N", "S", "S"],
            "type": ["police", "cwc"] * 2,
            "n_raters": [30, 4, 25, 40],
            "score": [60.0, 80.0, 55.0, 70.0],
        }
    )


def test_funder_results_are_suppressed_and_carry_their_audience():
    view = for_funder(funder_frame(), QUARTER, 11, ["score"])
    hidden = view.frame.set_index(["district", "type"])["suppressed"]
    assert hidden.to_dict() == {
        ("N", "police"): True,
        ("N", "cwc"): True,
        ("S", "police"): True,
        ("S", "cwc"): True,
    }
    assert view.frame["score"].isna().all()
    assert require_funder(view) is view


def test_funder_results_are_never_finer_than_a_quarter():
    with pytest.raises(PrivacyError):
        for_funder(funder_frame(), Period.parse("2026-08"), 11, ["score"])


def test_a_staff_result_cannot_reach_a_funder_output():
    staff = for_staff(funder_frame(), QUARTER, 5, ["score"])
    with pytest.raises(PrivacyError):
        require_funder(staff)
    with pytest.raises(PrivacyError):
        require_funder(funder_frame())


def test_released_frames_cannot_be_edited_in_place():
    view = for_staff(funder_frame(), QUARTER, 5, ["score"])
    with pytest.raises(ValueError):
        view.frame["score"].to_numpy()[0] = 99.0


sums_strategy = st.lists(
    st.tuples(st.sampled_from(["a", "b"]), st.lists(st.floats(0, 100), min_size=1, max_size=12)),
    min_size=2,
    max_size=12,
)


def as_sums(rows):
    return pd.DataFrame(
        [
            {
                "stakeholder_id": i,
                "type_id": t,
                "n": len(s),
                "sum_s": sum(s),
                "sumsq_s": sum(v * v for v in s),
            }
            for i, (t, s) in enumerate(rows)
        ]
    )


@given(sums_strategy)
def test_the_ranking_follows_the_shrunk_score(rows):
    ranked = metrics.rank_bands(metrics.shrunk_scores(as_sums(rows), 5))
    for _, group in ranked.groupby("type_id"):
        ordered = group.sort_values("rank")["score"].to_numpy()
        assert (np.diff(ordered) <= 1e-9).all()
    assert (ranked["rank_low"] <= ranked["rank"]).all()
    assert (ranked["rank"] <= ranked["rank_high"]).all()


@given(sums_strategy, st.integers(1, 30))
def test_more_raters_at_the_current_mean_never_move_the_score_away_from_it(rows, extra):
    before = metrics.shrunk_scores(as_sums(rows), 5).iloc[0]
    mean = before["mean_raw"]
    grown = as_sums(rows)
    grown.loc[0, ["n", "sum_s", "sumsq_s"]] += [extra, extra * mean, extra * mean * mean]
    after = metrics.shrunk_scores(grown, 5).iloc[0]
    assert abs(after["score"] - mean) <= abs(before["score"] - mean) + 1e-9
