"""A 2,000-form paper upload on SQLite, the default, must not stall the tablets.

While a field worker's upload is checked and stored, tablets keep submitting ratings and a
monitor keeps asking /healthz; their p95 latency must stay under a second. The same clients
run first without an upload, and the ratio is printed (the machines are shared and noisy).
Run with `make bench`.
"""

from __future__ import annotations

import csv
import http.client
import http.cookiejar
import io
import json
import re
import sqlite3
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from tests.factories import POLICE_ANSWERS
from tests.live import STAFF_EMAIL, STAFF_PASSWORD, csrf_token, start_server

pytestmark = pytest.mark.benchmark
FORMS = 2000
TABLETS = 4
BUDGET = 1.0  # seconds, p95


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


class Clients:
    """Tablets posting ratings and a monitor asking /healthz, until stopped."""

    def __init__(self, port: int, token: str, codes: list[str], offices: list[int]) -> None:
        self.port, self.token, self.codes, self.offices = port, token, codes, offices
        self.submit: list[float] = []
        self.health: list[float] = []
        self.errors: list[int] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._tablet, args=(i,)) for i in range(TABLETS)]
        self.threads.append(threading.Thread(target=self._monitor))

    def __enter__(self) -> Clients:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def _tablet(self, seed: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        month = time.strftime("%Y-%m")
        i = 0
        while not self.stop.is_set():
            i += 1
            body = {
                "client_uuid": str(uuid.uuid4()),
                "survivor_code": self.codes[(seed * 7 + i) % len(self.codes)],
                "stakeholder_id": self.offices[i % len(self.offices)],
                "service": "safety",
                "month": month,
                "answers": POLICE_ANSWERS,
            }
            started = time.perf_counter()
            conn.request(
                "POST",
                "/api/v1/ratings",
                json.dumps(body),
                {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
            )
            response = conn.getresponse()
            response.read()
            self.submit.append(time.perf_counter() - started)
            if response.status >= 300:
                self.errors.append(response.status)
            time.sleep(0.05)
        conn.close()

    def _monitor(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        while not self.stop.is_set():
            started = time.perf_counter()
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            response.read()
            self.health.append(time.perf_counter() - started)
            if response.status != 200:
                self.errors.append(response.status)
            time.sleep(0.1)
        conn.close()


def _paper_file(database: str, codes: list[str]) -> tuple[bytes, list[int]]:
    with sqlite3.connect(database) as conn:
        offices = [
            row[0]
            for row in conn.execute(
                "SELECT s.id FROM stakeholders s JOIN stakeholder_types t ON t.id = s.type_id "
                "JOIN districts d ON d.id = s.district_id "
                "WHERE t.code = 'police' AND d.name = 'South 24 Parganas' AND s.active"
            )
        ]
    out = io.StringIO()
    header = [
        "form_no",
        "survivor_code",
        "stakeholder_id",
        "service",
        "month",
        "language",
        "consent",
    ]
    writer = csv.DictWriter(out, fieldnames=header + list(POLICE_ANSWERS))
    writer.writeheader()
    for i in range(FORMS):
        writer.writerow(
            {
                "form_no": f"BENCH{i:05d}",
                "survivor_code": codes[i % len(codes)],
                "stakeholder_id": offices[i % len(offices)],
                "service": "safety",
                "month": time.strftime("%Y-%m"),
                "language": "bn",
                **POLICE_ANSWERS,
            }
        )
    return out.getvalue().encode(), offices


def _upload(base: str, data: bytes) -> int:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/staff/login").read().decode()
    token = csrf_token(page)
    form = {"email": STAFF_EMAIL, "password": STAFF_PASSWORD, "csrf_token": token}
    opener.open(f"{base}/staff/login", data=urllib.parse.urlencode(form).encode())
    page = opener.open(f"{base}/staff/paper").read().decode()
    token = csrf_token(page)
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="forms.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        f"{base}/staff/paper",
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    try:
        with opener.open(request, timeout=600) as response:
            text = response.read().decode()
    except urllib.error.HTTPError as error:
        problems = re.findall(
            r"<tr><td>(\d+)</td><td>(\w+)</td><td>(.*?)</td>", error.read().decode()
        )
        raise AssertionError(f"upload refused: {problems[:5]}") from None
    assert f"Stored {FORMS} forms" in text, text[-2000:]
    return response.status


def test_a_big_paper_upload_does_not_stall_the_tablets(tmp_path):
    server = start_server(tmp_path, ratings=300)
    try:
        codes = server.awaaz(
            "issue-codes", "--count", "2000", "--district", "South 24 Parganas"
        ).split()
        token = server.awaaz("device-token", "issue", "bench", "--district", "South 24 Parganas")
        token = re.search(r"awz_\S+", token).group(0)
        data, offices = _paper_file(str(server.database), codes)
        port = int(server.url.rsplit(":", 1)[1])

        with Clients(port, token, server.codes, offices) as quiet:
            time.sleep(8)
        with Clients(port, token, server.codes, offices) as busy:
            started = time.perf_counter()
            _upload(server.url, data)
            upload_seconds = time.perf_counter() - started
    finally:
        server.stop()

    assert quiet.errors == busy.errors == []
    figures = {
        "upload_seconds": round(upload_seconds, 1),
        "submit_p95_quiet": round(_p95(quiet.submit), 3),
        "submit_p95_during_upload": round(_p95(busy.submit), 3),
        "healthz_p95_quiet": round(_p95(quiet.health), 3),
        "healthz_p95_during_upload": round(_p95(busy.health), 3),
        "submissions_during_upload": len(busy.submit),
    }
    figures["submit_p95_ratio"] = round(
        figures["submit_p95_during_upload"] / figures["submit_p95_quiet"], 1
    )
    print("\nimport stall:", json.dumps(figures))
    assert figures["submit_p95_during_upload"] < BUDGET
    assert figures["healthz_p95_during_upload"] < BUDGET
