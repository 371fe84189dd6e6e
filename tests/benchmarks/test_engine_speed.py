"""Engine speed at a million ratings, as ratios to the bare SQL over the same rows (SPEC §6).

Run with `make bench`. Each figure is the best of several runs in this process, next to the
bare `GROUP BY stakeholder` measured the same way on the same database, so a busy machine
slows both alike.
"""

from __future__ import annotations

import resource
import time

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from mis import engine
from mis.periods import Period
from mis.queries import Scope
from models import District

pytestmark = pytest.mark.benchmark
REPEAT = 5
PERIOD = Period.parse("2026Q3")


def best_of(function) -> float:  # type: ignore[no-untyped-def]
    function()  # warm the caches: both sides are measured warm
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


@pytest.fixture(scope="module")
def session(bench_database):
    backend, url, connect_args = bench_database
    db = create_engine(url, connect_args=connect_args)
    with Session(db) as session:
        yield backend, session
    db.dispose()


def report(backend: str, name: str, measured: float, bare: float) -> float:
    ratio = measured / bare
    print(
        f"\n[{backend}] {name}: {measured * 1000:.0f} ms vs bare {bare * 1000:.0f} ms "
        f"= {ratio:.2f}x"
    )
    return ratio


def test_a_quarter_league_table_is_within_3x_of_the_bare_group_by(session):
    backend, db = session
    bare_sql = text(
        "SELECT stakeholder_id, COUNT(*), AVG(score) FROM ratings "
        "WHERE quarter = :q GROUP BY stakeholder_id"
    )
    quarter = PERIOD.quarters()[0]
    bare = best_of(lambda: db.execute(bare_sql, {"q": quarter}).all())
    league = best_of(lambda: engine.league_table(db, PERIOD, engine.Settings()))
    assert report(backend, "league table 2026Q3", league, bare) <= 3


def test_an_eight_quarter_district_trend_is_within_3x_of_its_bare_query(session):
    backend, db = session
    district = db.scalars(select(District).filter_by(name="South 24 Parganas")).one()
    quarters = [p.quarters()[0] for p in PERIOD.last_quarters(8)]
    bare_sql = text(
        "SELECT stakeholder_id, COUNT(*), AVG(score) FROM ratings "
        "WHERE quarter BETWEEN :a AND :b AND stakeholder_id IN "
        "(SELECT id FROM stakeholders WHERE district_id = :d) GROUP BY stakeholder_id"
    )
    bare = best_of(
        lambda: db.execute(bare_sql, {"a": quarters[0], "b": quarters[-1], "d": district.id}).all()
    )
    trend = best_of(
        lambda: engine.trend(db, PERIOD, engine.Settings(), Scope(district_id=district.id))
    )
    assert report(backend, "8-quarter trend, one district", trend, bare) <= 3


def test_peak_memory_stays_under_1_gib():
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory of the benchmark process: {peak_mib:.0f} MiB")
    assert peak_mib < 1024
