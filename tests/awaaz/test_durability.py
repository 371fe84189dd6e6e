"""Nothing acknowledged is lost: stream ratings to a real server (gunicorn, two workers),
SIGKILL it partway, start it again, and find every acknowledged UUID stored — once."""

from __future__ import annotations

import json
import random
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import BACKENDS, fresh_database
from tests.factories import POLICE_ANSWERS
from tests.live import start_server

CLIENTS = 6
ACKNOWLEDGED_BEFORE_KILL = 40


def _post(url: str, token: str, body: dict) -> int:
    request = urllib.request.Request(
        f"{url}/api/v1/ratings",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _stored(database_url: str) -> list[str]:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT client_uuid FROM ratings")).scalars().all()
    engine.dispose()
    return [str(uuid.UUID(str(value))) for value in rows]


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_acknowledged_rating_survives_a_sigkill(backend, tmp_path):
    url = fresh_database(backend, "durability", tmp_path)
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'awaaz.sqlite3'}"
    server = start_server(tmp_path, ratings=0, database_url=url, workers=2)
    token = server.awaaz("device-token", "issue", "durability tablet").split()[-1]
    request = urllib.request.Request(
        f"{server.url}/api/v1/stakeholders?type=police",
        headers={"Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        police = [s["id"] for s in json.load(response)["stakeholders"]]
    month = time.strftime("%Y-%m")
    acknowledged: set[str] = set()
    sent: list[dict] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(seed: int) -> None:
        rng = random.Random(seed)
        while not stop.is_set():
            body = {
                "client_uuid": str(uuid.uuid4()),
                "survivor_code": rng.choice(server.codes),
                "stakeholder_id": rng.choice(police),
                "service": "safety",
                "month": month,
                "answers": POLICE_ANSWERS | {"overall": str(rng.randint(1, 5))},
            }
            with lock:
                sent.append(body)
            try:
                status = _post(server.url, token, body)
            except OSError:
                continue  # the server is gone: this one was never acknowledged
            if status in (200, 201):
                with lock:
                    acknowledged.add(body["client_uuid"])

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < ACKNOWLEDGED_BEFORE_KILL and time.monotonic() < deadline:
        time.sleep(0.02)
    server.kill()  # mid-stream: requests are in flight in both workers
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL
    server.start_again()
    try:
        stored = _stored(url)
        assert acknowledged <= set(stored)  # nothing acknowledged was lost
        assert len(stored) == len(set(stored))
        # A tablet resends everything it is unsure of: nothing is stored twice.
        for body in sent:
            assert _post(server.url, token, body) in (200, 201)
        again = _stored(url)
        assert len(again) == len(set(again)) == len(sent)
    finally:
        server.stop()
