"""A database with AWAAZ_BENCH_RATINGS (default 1,000,000) demo ratings per backend.

Seeding a million ratings takes minutes, so a seeded database is kept and reused: a SQLite file
under instance/bench/, a `bench` schema in the PostgreSQL test database. It is re-seeded only
when it holds a different number of ratings.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import POSTGRES_URL

ROOT = Path(__file__).resolve().parents[2]
RATINGS = int(os.environ.get("AWAAZ_BENCH_RATINGS", "1000000"))


def _seeded(url: str, connect_args: dict) -> bool:
    engine = create_engine(url, connect_args=connect_args)
    try:
        with engine.connect() as conn:
            value = conn.execute(
                text("SELECT value FROM settings WHERE key = 'demo_seed'")
            ).scalar()
    except Exception:  # noqa: BLE001 - no schema yet means not seeded
        value = None
    finally:
        engine.dispose()
    return value == f"seed=1 ratings={RATINGS}"


def _awaaz(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "awaaz", *args],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        timeout=3600,
    )


def _seed(url: str, env: dict) -> None:
    started = time.perf_counter()
    # No machine voice: it costs the same at any size, and benchmarks time the MIS.
    _awaaz(env, "seed-demo", "--ratings", str(RATINGS), "--seed", "1", "--no-voice")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"\nseed-demo --ratings {RATINGS}: {time.perf_counter() - started:.0f} s, "
        f"peak memory {peak:.0f} MiB"
    )


@pytest.fixture(scope="session", params=["sqlite", *(["postgresql"] if POSTGRES_URL else [])])
def bench_database(request):
    """(SQLAlchemy URL, engine options) of a seeded benchmark database."""
    folder = ROOT / "instance" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "AWAAZ_INSTANCE_PATH": str(folder)}
    if request.param == "sqlite":
        url, connect_args = f"sqlite:///{folder / f'bench-{RATINGS}.sqlite3'}", {}
    else:
        admin = create_engine(POSTGRES_URL)
        with admin.begin() as conn:
            conn.execute(text("CREATE SCHEMA IF NOT EXISTS bench"))
        admin.dispose()
        url, connect_args = POSTGRES_URL, {"options": "-csearch_path=bench"}
        env["PGOPTIONS"] = "-csearch_path=bench"
    env["AWAAZ_DATABASE_URL"] = url
    _awaaz(env, "init-db")  # a database kept from an older version is migrated first
    if not _seeded(url, connect_args):
        _seed(url, env)
    return request.param, url, connect_args
