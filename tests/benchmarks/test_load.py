"""Submissions per second and p95 latency at 50 concurrent clients, on loopback.

`POST /api/v1/ratings` of a real Awaaz under `awaaz serve` (gunicorn, the production
configuration), next to a bare Flask route that only parses the JSON body, served by the same
gunicorn configuration in the same process run. Each side runs for a bounded time; the ratio
is what the closing note quotes (the machines are shared and noisy). Run with `make bench`.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import BACKENDS, fresh_database
from tests.factories import POLICE_ANSWERS
from tests.live import _launch, free_port, start_server

pytestmark = pytest.mark.benchmark
CLIENTS = 50
SECONDS = float(os.environ.get("AWAAZ_LOAD_SECONDS", "20"))
# `awaaz serve`'s defaults: one process on SQLite (one writer at a time anyway), two on
# PostgreSQL; AWAAZ_LOAD_WORKERS compares another number.
DEFAULT_WORKERS = {"sqlite": 1, "postgresql": 2}
THREADS = 8
ROOT = Path(__file__).resolve().parents[2]


def _load(port: int, token: str, codes: list[str], stakeholders: list[int]) -> dict:
    """CLIENTS keep-alive connections posting ratings for SECONDS; latencies of 2xx answers."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    failures = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + SECONDS
    month = time.strftime("%Y-%m")

    def client(seed: int) -> None:
        nonlocal failures
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad = [], 0
        while time.monotonic() < stop_at:
            body = json.dumps(
                {
                    "client_uuid": str(uuid.uuid4()),
                    "survivor_code": rng.choice(codes),
                    "stakeholder_id": rng.choice(stakeholders),
                    "service": "safety",
                    "month": month,
                    "answers": POLICE_ANSWERS | {"overall": str(rng.randint(1, 5))},
                }
            )
            started = time.perf_counter()
            try:
                conn.request(
                    "POST",
                    "/api/v1/ratings",
                    body,
                    {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                )
                response = conn.getresponse()
                response.read()
            except OSError:
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            if 200 <= response.status < 300:
                mine.append(time.perf_counter() - started)
            else:
                bad += 1
                with lock:
                    statuses[response.status] = statuses.get(response.status, 0) + 1
        conn.close()
        with lock:
            latencies.extend(mine)
            failures += bad

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "per_second": len(latencies) / elapsed,
        "p95_ms": statistics.quantiles(latencies, n=20)[-1] * 1000,
        "failures": failures,
        "statuses": statuses,
        "count": len(latencies),
    }


@pytest.mark.parametrize("backend", BACKENDS)
def test_submissions_per_second_against_a_bare_route(backend, tmp_path):
    workers = int(os.environ.get("AWAAZ_LOAD_WORKERS", DEFAULT_WORKERS[backend]))
    (tmp_path / "awaaz").mkdir()
    url = fresh_database(backend, "load", tmp_path)
    awaaz = start_server(tmp_path / "awaaz", ratings=0, database_url=url, workers=workers)
    try:
        token = awaaz.awaaz("device-token", "issue", "load tablet").split()[-1]
        port = int(awaaz.url.rsplit(":", 1)[1])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(
            "GET", "/api/v1/stakeholders?type=police", headers={"Authorization": f"Bearer {token}"}
        )
        stakeholders = [s["id"] for s in json.loads(conn.getresponse().read())["stakeholders"]]
        conn.close()
        real = _load(port, token, awaaz.codes, stakeholders)
    finally:
        awaaz.stop()
    bare_port = free_port()
    bare_dir = tmp_path / "bare"
    bare_dir.mkdir()
    command = [sys.executable, "-m", "tests.benchmarks.bare"]
    command += [str(bare_port), str(workers), str(THREADS)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    bare = _launch(command, env, bare_dir, f"http://127.0.0.1:{bare_port}")
    try:
        baseline = _load(bare_port, token, awaaz.codes, stakeholders)
    finally:
        bare.terminate()
        bare.wait(timeout=30)
    print(
        f"\nload, {CLIENTS} clients, {SECONDS:.0f} s each, gunicorn {workers}×{THREADS}, {backend}:"
        f"\n  POST /api/v1/ratings: {real['per_second']:.0f}/s, p95 {real['p95_ms']:.0f} ms"
        f" ({real['count']} stored, {real['failures']} failed {real['statuses']})"
        f"\n  bare Flask route:     {baseline['per_second']:.0f}/s, p95 {baseline['p95_ms']:.0f} ms"
        f"\n  ratio (Awaaz / bare): throughput {real['per_second'] / baseline['per_second']:.2f},"
        f" p95 {real['p95_ms'] / baseline['p95_ms']:.1f}×"
    )
    assert real["failures"] == 0 and real["count"] > 0
    assert awaaz.rating_count() == real["count"]  # every acknowledged rating is stored
