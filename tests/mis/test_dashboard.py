"""The dashboard's tabs are plain functions: each builds without error from real data."""

import datetime as dt

import pandas as pd
import pytest
from dash import html
from dash.development.base_component import Component

from awaaz.ops.demo import seed_demo
from mis import metrics
from mis.dashboard import filters, tabs
from mis.dashboard.tabs.common import simple_table
from tests.conftest import CODE_KEY


@pytest.fixture
def chosen(session, app):
    seed_demo(session, ratings=1500, seed=4, code_key=CODE_KEY, today=dt.date(2026, 11, 20))
    with app.test_request_context("/mis/"):
        yield filters.build("2026Q3", None, None, None, None)


@pytest.mark.parametrize("tab", ["overview", "league", "heatmap", "best", "services"])
def test_each_tab_builds(session, app, chosen, tab):
    with app.test_request_context("/mis/"):
        parts = getattr(tabs, tab)(session, chosen)
    assert parts and all(isinstance(p, Component) for p in parts)


def test_the_funnel_asks_for_one_type_then_draws_it(session, app):
    # Enough ratings that a quarter's police stations clear k (the funnel reads one
    # released quarter; rolling years are not released).
    seed_demo(session, ratings=8000, seed=4, code_key=CODE_KEY, today=dt.date(2026, 11, 20))
    with app.test_request_context("/mis/"):
        chosen = filters.build("2026Q3", None, None, None, None)
        assert "Choose one type" in str(tabs.funnel(session, chosen))
        from sqlalchemy import select

        from models import StakeholderType

        police_id = session.scalar(select(StakeholderType.id).filter_by(code="police"))
        police = filters.build("2026Q3", police_id, None, None, None)
        graph = tabs.funnel(session, police)[0]
    assert len(graph.figure.data) >= 5  # four limit lines, the mean and the points


def test_league_rows_hide_figures_below_k(session, app, chosen):
    with app.test_request_context("/mis/"):
        rows = tabs.league_rows(session, chosen)
    hidden = rows[rows["suppressed"]]
    assert (hidden["rank"].isna()).all()
    assert (hidden["n_raters"] == "fewer than 5").all()


def test_a_profile_shows_history_items_and_service(session, app, chosen):
    with app.test_request_context("/mis/"):
        rows = tabs.league_rows(session, chosen)
        busiest = int(rows.dropna(subset=["rank"]).iloc[0]["stakeholder_id"])
        parts = tabs.profile(session, chosen, busiest)
    assert len(parts) >= 5


def test_period_options_offer_closed_quarters_and_their_months(session, app, chosen):
    """Only what a release covers: no quarter still filling, no rolling or calendar year."""
    values = [o["value"] for o in filters.period_options(session, today=dt.date(2026, 11, 23))]
    assert values[0] == "2026Q3" and "2026Q4" not in values
    assert "2026-09" in values and "2026-07" in values and "2026-11" not in values
    assert not any(v.endswith("R") or len(v) == 4 for v in values)
    later = [o["value"] for o in filters.period_options(session, today=dt.date(2027, 1, 5))]
    assert later[0] == "2026Q4"


def test_the_default_period_is_the_last_finished_quarter(session, app, chosen):
    options = filters.period_options(session, today=dt.date(2026, 11, 23))
    assert filters.default_period(options) == "2026Q3"
    assert filters.default_period([]) is None


def test_a_type_nobody_rated_gives_an_empty_table_not_an_error(session, app, chosen):
    from mis import engine, published
    from mis.periods import Period
    from mis.queries import Scope

    view = engine.league_table(session, Period.parse("2019Q1"), chosen.settings, Scope())
    assert view.frame.empty and "rank" in view.frame
    with app.test_request_context("/mis/"):
        # A quarter nobody rated has no release (nothing is built for it): the callback
        # answers "no figures for this period yet" instead of a table.
        empty = filters.build("2019Q1", None, None, None, None)
        with pytest.raises(published.NotReleased):
            tabs.league(session, empty)
        hospital = filters.build("2026Q3", 5, 2, None, None)
        assert tabs.league(session, hospital)


def test_a_change_is_worded_by_what_it_means_and_only_when_it_is_clear(app):
    from mis.dashboard.tabs.common import change_words

    with app.test_request_context("/mis/"):
        assert change_words(5.0) == ("▲ 5 better", "better")
        assert change_words(-0.04, percent=True, higher_is_better=False) == (
            "▼ 4% better",
            "better",
        )
        assert change_words(0.04, percent=True, higher_is_better=False) == ("▲ 4% worse", "worse")
        assert change_words(0.3) == ("no clear change", "same")  # not "▲ 0"
        assert change_words(6.0, clear=False) == ("no clear change", "same")
        assert change_words(None) == ("", "")
        assert change_words(49.0, higher_is_better=None) == ("▲ 49 more", "same")


def test_the_league_gives_no_arrow_to_a_change_within_the_interval(session, app, chosen):
    with app.test_request_context("/mis/"):
        rows = tabs.league_rows(session, chosen)
    changed = rows[rows["change"].astype(str).str.contains("▲|▼")]
    quiet = rows[rows["change"] == "no clear change"]
    assert len(changed) + len(quiet) > 0
    assert all(("better" in c) or ("worse" in c) for c in changed["change"])


def test_most_declined_mirrors_most_improved(session, app, chosen):
    from mis import published

    with app.test_request_context("/mis/"):
        up = published.most_improved(session, chosen.period, chosen.settings).frame
        down = published.most_declined(session, chosen.period, chosen.settings).frame
        page = str(tabs.best(session, chosen))
    assert (down["change"] < 0).all() and (up["change"] > 0).all()
    assert set(down["stakeholder_id"]).isdisjoint(up["stakeholder_id"])
    assert "Most declined" in page
    # 1,500 ratings leave wide intervals: what is listed is clear, and an empty list says so.
    for frame, none in ((up, "No clear rises this period."), (down, "No clear falls this period.")):
        if frame.empty:
            assert none in page
        else:
            assert metrics.clear_change(frame).all() and frame.iloc[0]["stakeholder"] in page


def test_an_item_where_yes_is_bad_is_named_the_way_its_score_reads(session, app, chosen):
    from mis.dashboard.labels import item_names

    with app.test_request_context("/mis/"):
        names = item_names(session)
    assert names["money"] == "Not asked for money or a favour"
    assert names["respect"] == "Did they treat you with respect?"


def test_services_show_where_survivors_are_failed_from_the_release(session, app, chosen):
    with app.test_request_context("/mis/"):
        from mis.dashboard.tabs.services import service_cells

        frame = service_cells(session, chosen)
        page = str(tabs.services(session, chosen))
        overview = str(tabs.overview(session, chosen))
    shown = frame[~frame["suppressed"].astype(bool)]
    assert not shown.empty and shown["service"].notna().all()
    # Hidden cells stay blank, never a number.
    assert frame.loc[frame["suppressed"].astype(bool), "share_not"].isna().all()
    worst = shown.sort_values("share_not", ascending=False).iloc[0]
    assert "Where survivors are failed" in overview and str(worst["service"]) in overview
    assert "Median days" in page


def test_services_ask_for_a_quarter(session, app, chosen):
    with app.test_request_context("/mis/"):
        month = filters.build("2026-08", None, None, None, None)
        page = str(tabs.services(session, month))
    assert "by quarter" in page


def test_a_table_with_no_rows_says_so_in_words(app):
    """A bare row of headings reads as a page still loading; a sentence says there is none."""
    with app.test_request_context("/mis/"):
        none = simple_table(pd.DataFrame(), {"stakeholder": "Stakeholder"}, "No clear rises.")
        fallback = simple_table(pd.DataFrame(), {"stakeholder": "Stakeholder"})
        rows = simple_table(pd.DataFrame({"stakeholder": ["Basanti PS"]}), {"stakeholder": "S"})
    assert isinstance(none, html.P) and none.children == "No clear rises."
    assert fallback.children == "Nothing to show for these filters."
    assert isinstance(rows, html.Table) and "Basanti PS" in str(rows)
