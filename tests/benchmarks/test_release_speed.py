"""Building a quarter's releases at a million ratings: timed, then rolled back."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from awaaz import create_app
from mis import releases
from mis.engine import Settings
from mis.periods import Period
from models.database import db
from tests.conftest import make_config

pytestmark = pytest.mark.benchmark


def test_building_a_quarter_release(bench_database):
    backend, url, connect_args = bench_database
    engine = {"url": url, "connect_args": connect_args} if connect_args else url
    app = create_app(make_config(url, SQLALCHEMY_ENGINES={"default": engine}))
    with app.app_context():
        started = time.perf_counter()
        staff, funders = releases.build_quarter(
            db.session, Period.parse("2026Q3"), Settings(), dt.date(2026, 11, 1)
        )
        seconds = time.perf_counter() - started
        cells = sum(len(releases.table(db.session, staff, t)) for t in ("stakeholders", "items"))
        db.session.rollback()
    print(f"\n[{backend}] release build 2026Q3 at 1M ratings: {seconds:.1f} s, {cells} cells")
    assert seconds < 120
