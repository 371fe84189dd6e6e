"""Each dashboard interaction answers within 1 s server-side at a million ratings (SPEC §6).

Times the function behind each tab (what a Dash callback runs) on the seeded benchmark
database, inside a real app and request context: once cold (cache emptied first) and then
cached, best of three. The budget is asserted on cached interactions, which the issue allows;
cold times are printed so that the first view of a new filter combination is not hidden.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from awaaz import create_app
from mis import cache
from mis.dashboard import filters, tabs
from models import District, StakeholderType
from models.database import db
from tests.conftest import make_config

pytestmark = pytest.mark.benchmark
BUDGET_SECONDS = 1.0


@pytest.fixture(scope="module")
def app(bench_database):
    backend, url, connect_args = bench_database
    engine = {"url": url, "connect_args": connect_args} if connect_args else url
    app = create_app(make_config(url, SQLALCHEMY_ENGINES={"default": engine}))
    with app.test_request_context("/mis/"):
        yield backend, app


def cold(function) -> float:  # type: ignore[no-untyped-def]
    cache.clear()
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def best_of_three(function) -> float:  # type: ignore[no-untyped-def]
    function()
    times = []
    for _ in range(3):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


INTERACTIONS = [
    "overview",
    "league",
    "league-police",
    "funnel-police",
    "profile",
    "heatmap",
    "best",
    "rolling-year-league",
]


@pytest.mark.parametrize("interaction", INTERACTIONS)
def test_each_dashboard_interaction_answers_within_a_second(app, interaction):
    backend, flask_app = app
    session = db.session
    police = session.scalar(select(StakeholderType.id).filter_by(code="police"))
    district = session.scalar(select(District.id).filter_by(name="South 24 Parganas"))
    everything = filters.build("2026Q3", None, None, None, None)
    police_only = filters.build("2026Q3", police, district, None, None)
    calls = {
        "overview": lambda: tabs.overview(session, everything),
        "league": lambda: tabs.league(session, everything),
        "league-police": lambda: tabs.league(session, police_only),
        "funnel-police": lambda: tabs.funnel(session, police_only),
        "heatmap": lambda: tabs.heatmap(session, everything),
        "best": lambda: tabs.best(session, everything),
        "rolling-year-league": lambda: tabs.league(
            session, filters.build("2026Q3R", None, None, None, None)
        ),
    }
    if interaction == "profile":
        rows = tabs.league_rows(session, police_only)
        busiest = int(rows.dropna(subset=["rank"]).iloc[0]["stakeholder_id"])
        calls["profile"] = lambda: tabs.profile(session, police_only, busiest)
    first = cold(calls[interaction])
    seconds = best_of_three(calls[interaction])
    print(
        f"\n[{backend}] dashboard {interaction}: cold {first * 1000:.0f} ms, "
        f"cached {seconds * 1000:.0f} ms"
    )
    assert seconds < BUDGET_SECONDS
