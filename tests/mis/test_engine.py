"""The engine end to end on SQLite and PostgreSQL, against hand-computed numbers."""

import datetime as dt

import pytest
from sqlalchemy import select

from mis import engine
from mis.periods import Period
from mis.privacy import FunderView, PrivacyError, StaffView
from mis.queries import Scope
from models import Comment, District
from tests.factories import StakeholderFactory, SurvivorFactory, rate

Q3 = Period.parse("2026Q3")
AUG, MAY = dt.date(2026, 8, 1), dt.date(2026, 5, 1)


@pytest.fixture
def example(session):
    """docs/methodology.md's worked example: A rated station 1 three times (60, 80, 70)."""
    one = StakeholderFactory(type_code="police", name="Basanti police station")
    two = StakeholderFactory(type_code="police", name="Gosaba police station", block_name="Gosaba")
    a, b, c, d, e = (SurvivorFactory() for _ in range(5))
    for score, month in ((60, AUG), (80, dt.date(2026, 9, 1)), (70, dt.date(2026, 7, 1))):
        rate(one, a, score, month)
    rate(one, b, 40)
    rate(one, c, 90)
    rate(two, d, 45)
    rate(two, e, 55)
    return one, two


def rows(view):
    return view.frame.set_index("stakeholder")


def test_the_league_table_reproduces_the_worked_example(session, example):
    view = engine.league_table(session, Q3, engine.Settings(k_staff=2, prior_weight=5))
    assert isinstance(view, StaffView)
    table = rows(view)
    basanti = table.loc["Basanti police station"]
    assert basanti["n_raters"] == 3 and basanti["ratings"] == 5
    assert basanti["score"] == pytest.approx(62.5)
    assert basanti["mean_raw"] == pytest.approx(200 / 3)
    assert basanti["score_low"] == pytest.approx(62.5 - 18.59, abs=0.01)
    assert basanti["rank"] == 1
    gosaba = table.loc["Gosaba police station"]
    assert gosaba["score"] == pytest.approx(400 / 7) and gosaba["rank"] == 2


def test_stakeholders_below_k_staff_show_no_figure_and_take_no_rank(session, example):
    table = rows(engine.league_table(session, Q3, engine.Settings(k_staff=3)))
    gosaba = table.loc["Gosaba police station"]
    assert gosaba["suppressed"] and gosaba[["score", "score_low", "rank"]].isna().all()
    assert table.loc["Basanti police station", "rank"] == 1


def test_change_is_against_the_previous_quarter_when_both_clear_k(session, example):
    one, _ = example
    for _ in range(2):
        rate(one, SurvivorFactory(), 50, MAY)
    settings = engine.Settings(k_staff=2, prior_weight=5)
    table = rows(engine.league_table(session, Q3, settings))
    # Q2: station 1 alone, raters 50 and 50, so μ = 50 and S = (100 + 250) / 7 = 50.
    assert table.loc["Basanti police station", "previous_score"] == pytest.approx(50)
    assert table.loc["Basanti police station", "change"] == pytest.approx(12.5)
    assert pd_isna(table.loc["Gosaba police station", "change"])


def pd_isna(value):
    import pandas as pd

    return pd.isna(value)


def test_a_scope_limits_the_table_to_a_block(session, example):
    one, _ = example
    table = engine.league_table(
        session, Q3, engine.Settings(k_staff=1), Scope(block_id=one.block_id)
    ).frame
    assert table["stakeholder"].tolist() == ["Basanti police station"]


def test_a_month_is_a_period_for_staff(session, example):
    table = rows(engine.league_table(session, Period.parse("2026-08"), engine.Settings(k_staff=1)))
    # August only: A (60), B (40), C (90) for station 1; D, E for station 2.
    assert table.loc["Basanti police station", "n_raters"] == 3
    assert table.loc["Basanti police station", "ratings"] == 3


def test_dimension_scores_and_indicators(session):
    one = StakeholderFactory()
    for respect, helped, money, days in ((100, True, False, 4), (50, False, True, 10)):
        rate(
            one,
            SurvivorFactory(),
            70,
            respect=respect,
            fully_helped=helped,
            asked_money=money,
            days_taken=days,
        )
    settings = engine.Settings(k_staff=2)
    dims = engine.dimension_scores(session, Q3, settings).frame
    respect = dims[dims["dimension"] == "respect"].iloc[0]
    assert respect["mean_raw"] == pytest.approx(75)
    ind = engine.indicators(session, Q3, settings).frame.iloc[0]
    assert (ind["share_helped"], ind["share_money"], ind["median_days"]) == (0.5, 0.5, 7.0)


def test_best_practice_shows_approved_good_practice_quotes_only(session):
    good = StakeholderFactory(name="Good office")
    others = [StakeholderFactory() for _ in range(3)]
    for _ in range(12):
        rate(good, SurvivorFactory(), 95)
    for other in others:
        for _ in range(12):
            rate(other, SurvivorFactory(), 40)
    rating = rate(good, SurvivorFactory(), 100)
    session.add(
        Comment(
            rating=rating,
            original="Didi helped",
            moderated="She helped",
            language="en",
            status="approved",
            good_practice=True,
        )
    )
    hidden = rate(good, SurvivorFactory(), 100)
    session.add(Comment(rating=hidden, original="not yet moderated", language="en"))
    session.flush()
    best = engine.best_practice(session, Q3, engine.Settings()).frame
    assert best["stakeholder"].tolist() == ["Good office"]
    assert best.iloc[0]["quotes"] == ["She helped"]


def test_the_funder_summary_is_suppressed_and_only_quarterly(session, example):
    view = engine.funder_summary(session, Q3, engine.Settings(k_funder=11))
    assert isinstance(view, FunderView)
    cell = view.frame.set_index(["district", "type"]).loc[("South 24 Parganas", "police")]
    assert cell["suppressed"] and pd_isna(cell["score"]) and pd_isna(cell["n_raters"])
    with pytest.raises(PrivacyError):
        engine.funder_summary(session, Period.parse("2026-08"), engine.Settings())


def test_area_summary_and_trend(session, example):
    one, _ = example
    rate(one, SurvivorFactory(), 50, MAY)
    settings = engine.Settings(k_staff=1)
    area = engine.area_summary(session, Q3, settings).frame.iloc[0]
    # Five raters over two stations: (70 + 40 + 90 + 45 + 55) / 5 = 60.
    assert (area["n_raters"], area["score"]) == (5, pytest.approx(60))
    district = session.scalars(select(District).filter_by(name="South 24 Parganas")).one()
    trend = engine.trend(session, Q3, settings, Scope(district_id=district.id)).frame
    assert trend["quarter"].tolist()[-2:] == [20262, 20263]
    assert trend.set_index("quarter").loc[20262, "score"] == pytest.approx(50)
