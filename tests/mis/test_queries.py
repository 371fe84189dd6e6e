"""The derived per-quarter tables give what the ratings themselves give.

All ratings here fall in one month, so the month (read from the ratings) and its quarter (read
from stakeholder_quarters, rater_quarters, item_quarters and days_quarters) must agree.
"""

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from feedback.services import submit_rating
from mis import queries
from mis.periods import Period
from mis.queries import Scope
from tests.factories import StakeholderFactory, SurvivorFactory, submission

MONTH, QUARTER = Period.parse("2026-08"), Period.parse("2026Q3")
TODAY = dt.date(2026, 8, 20)


@pytest.fixture
def ratings(session):
    """Survivors rate police stations repeatedly, with "don't know" answers mixed in."""
    offices = [StakeholderFactory(type_code="police") for _ in range(3)]
    survivors = [SurvivorFactory() for _ in range(5)]
    base = submission(survivors[0], offices[0]).answers
    for i in range(23):
        answers = {
            **base,
            "respect": ("dk", "2", "4", "5")[i % 4],
            "overall": str(1 + i * 7 % 5),
            "money": ("yes", "no", "dk", "no")[i % 4],
            "helped": ("yes", "partly", "no", "dk")[i % 4],
            "days": ("dk", "3", "12", "40", "12")[i % 5],
        }
        if i % 9 == 0:
            answers = {code: "dk" for code in base}
        sub = submission(
            survivors[i % 5], offices[i % 3], answers=answers, month=dt.date(2026, 8, 1)
        )
        submit_rating(session, sub, today=TODAY)
    return offices


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys).reset_index(drop=True)


def test_dimension_sums_agree(session, ratings):
    keys = ["stakeholder_id", "dimension"]
    month = _sorted(queries.dimension_sums(session, MONTH), keys)
    quarter = _sorted(queries.dimension_sums(session, QUARTER), keys)
    assert len(month) > 0
    pd.testing.assert_frame_equal(month, quarter[month.columns], check_dtype=False)
    rolling = _sorted(queries.dimension_sums(session, Period.parse("2026Q3R")), keys)
    pd.testing.assert_frame_equal(month, rolling[month.columns], check_dtype=False)


def test_service_indicators_agree(session, ratings):
    month = _sorted(queries.service_indicators(session, MONTH), ["stakeholder_id"])
    quarter = _sorted(queries.service_indicators(session, QUARTER), ["stakeholder_id"])
    assert month["median_days"].notna().all()
    pd.testing.assert_frame_equal(month, quarter[month.columns], check_dtype=False)


def test_area_indicators_and_headline_agree(session, ratings):
    cell = ["district_id", "type_id"]
    month = _sorted(queries.area_indicators(session, MONTH), cell)
    quarter = _sorted(queries.area_indicators(session, QUARTER), cell)
    pd.testing.assert_frame_equal(month, quarter[month.columns], check_dtype=False)
    scope = Scope(type_id=ratings[0].type_id)
    month = queries.headline(session, MONTH, scope).astype(float)
    quarter = queries.headline(session, QUARTER, scope).astype(float)
    assert month.iloc[0]["ratings"] == 23
    pd.testing.assert_frame_equal(month, quarter[month.columns])


def test_item_type_means_agree(session, ratings):
    type_ids = [ratings[0].type_id]
    keys = ["type_id", "item_code"]
    month = _sorted(queries.item_type_means(session, MONTH, type_ids), keys)
    quarter = _sorted(queries.item_type_means(session, QUARTER, type_ids), keys)
    assert "respect" in set(month["item_code"])
    pd.testing.assert_frame_equal(month, quarter, check_dtype=False)


@given(st.lists(st.tuples(st.integers(0, 90), st.integers(1, 4)), min_size=1, max_size=12))
def test_the_histogram_median_is_the_median(pairs):
    histogram = pd.DataFrame(
        [(1, days, count) for days, count in pairs], columns=["g", "days", "ratings"]
    )
    histogram = histogram.groupby(["g", "days"], as_index=False)["ratings"].sum()
    expanded = histogram.loc[histogram.index.repeat(histogram["ratings"]), "days"]
    assert queries.histogram_median(histogram, ["g"]).loc[1] == expanded.median()
