"""Each dashboard interaction answers within 300 ms server-side at a million ratings, cold.

Times the function behind each tab (what a Dash callback runs) on the seeded benchmark
database, inside a real app and request context: once cold (the dashboard cache and the
unpacked releases emptied first) and then cached, best of three. Every tab reads a stored
release (mis/published/), so the cold time is what a new filter combination costs. The
first load of /mis/ (layout and the overview callback, through the test client) within 1.5 s.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from awaaz import create_app
from mis import cache, published
from mis.dashboard import filters, tabs
from models import District, StakeholderType
from models.database import db
from tests.conftest import make_config
from tests.dash import tab_request

pytestmark = pytest.mark.benchmark
BUDGET_SECONDS = 0.3
FIRST_LOAD_SECONDS = 1.5


@pytest.fixture(scope="module")
def app(bench_database):
    backend, url, connect_args = bench_database
    engine = {"url": url, "connect_args": connect_args} if connect_args else url
    app = create_app(make_config(url, SQLALCHEMY_ENGINES={"default": engine}))
    with app.test_request_context("/mis/"):
        yield backend, app


def cold(function) -> float:  # type: ignore[no-untyped-def]
    cache.clear()
    published.clear()
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
    "services",
    "month-league",
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
        "services": lambda: tabs.services(session, everything),
        "month-league": lambda: tabs.league(
            session, filters.build("2026-08", None, None, None, None)
        ),
    }
    if interaction == "profile":
        rows = tabs.league_rows(session, police_only)
        busiest = int(rows.dropna(subset=["rank"]).iloc[0]["stakeholder_id"])
        calls["profile"] = lambda: tabs.profile(session, police_only, busiest)
    calls[interaction]()  # the quarter's release is built once (by its first reader), untimed
    first = cold(calls[interaction])
    seconds = best_of_three(calls[interaction])
    print(
        f"\n[{backend}] dashboard {interaction}: cold {first * 1000:.0f} ms, "
        f"cached {seconds * 1000:.0f} ms"
    )
    assert first < BUDGET_SECONDS


def test_the_first_mis_load_is_quick(app):
    """What a browser asks for when staff open /mis/: the page, the layout, the first tab."""
    backend, flask_app = app
    from models import User
    from tests.factories import UserFactory

    with flask_app.app_context():
        client = flask_app.test_client()
        # Kept between runs: the audit log refers to it, and the audit log is append-only.
        email = "bench-staff@example.org"
        user = db.session.scalars(select(User).filter_by(email=email)).first()
        user = user or UserFactory(email=email, role="staff")
        db.session.commit()
        with flask_app.test_request_context():
            client.post(
                "/staff/login",
                data={"email": user.email, "password": "a-long-test-password"},
            )
            cache.clear()
            published.clear()
            body = tab_request("overview", "2026Q3")
            started = time.perf_counter()
            assert client.get("/mis/").status_code == 200
            assert client.get("/mis/_dash-layout").status_code == 200
            assert client.post("/mis/_dash-update-component", json=body).status_code == 200
            seconds = time.perf_counter() - started
    print(f"\n[{backend}] first /mis/ load (page, layout, overview): {seconds * 1000:.0f} ms")
    assert seconds < FIRST_LOAD_SECONDS


def test_a_report_job_at_a_million_ratings(app):
    """The quarterly report as `awaaz worker` builds it: printed, with a generous bound (the
    point of the job queue is that nobody waits on it in a request)."""
    backend, flask_app = app
    from mis import report
    from mis.engine import Settings
    from mis.periods import Period

    settings = Settings.from_config(flask_app.config)
    cache.clear()
    published.clear()
    started = time.perf_counter()
    pdf = report.build_report(db.session, Period.parse("2026Q3"), "bn", "staff", settings)
    seconds = time.perf_counter() - started
    print(f"\n[{backend}] staff report (bn) at scale: {seconds:.1f} s, {len(pdf) // 1024} KiB")
    assert pdf.startswith(b"%PDF") and seconds < 120
