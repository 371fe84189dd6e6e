import datetime as dt

import pytest

from mis.periods import Grain, Period, PeriodError


@pytest.mark.parametrize(
    ("text", "grain", "first", "last", "label"),
    [
        ("2026-08", Grain.MONTH, dt.date(2026, 8, 1), dt.date(2026, 8, 1), "2026-08"),
        ("2026q3", Grain.QUARTER, dt.date(2026, 7, 1), dt.date(2026, 9, 1), "2026Q3"),
        ("2026", Grain.YEAR, dt.date(2026, 1, 1), dt.date(2026, 12, 1), "2026"),
        ("2026Q1R", Grain.ROLLING, dt.date(2025, 4, 1), dt.date(2026, 3, 1), "2026Q1R"),
    ],
)
def test_periods_parse_as_people_write_them(text, grain, first, last, label):
    period = Period.parse(text)
    assert (period.grain, period.first, period.last, period.label) == (grain, first, last, label)


@pytest.mark.parametrize(
    "text", ["2026Q5", "2026-13", "Q3", "last year", "", "0000", "0000-01", "0001Q1R"]
)
def test_impossible_periods_are_refused(text):
    with pytest.raises(PeriodError):
        Period.parse(text)


def test_previous_periods_have_the_same_length():
    assert Period.parse("2026Q1").previous().label == "2025Q4"
    assert Period.parse("2026-01").previous().label == "2025-12"
    assert Period.parse("2026").previous().label == "2025"
    assert Period.parse("2026Q3R").previous().label == "2026Q2R"


def test_quarters_are_stored_as_sortable_integers():
    assert Period.parse("2026Q3R").quarters() == [20254, 20261, 20262, 20263]
    assert [p.label for p in Period.parse("2026-08").last_quarters(3)] == [
        "2026Q1",
        "2026Q2",
        "2026Q3",
    ]
