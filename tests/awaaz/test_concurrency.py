"""Pages that write while they read — audit events, a staff session's last-seen time, the first
build of a release — under many requests at once, on the real server and SQLite, the default.

A GET whose transaction began with reads and then writes fails at once with "database is
locked" when another request wrote in between; 16 requests at once make that certain.
"""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from awaaz.ops.demo import DEMO_PASSWORD
from tests.live import csrf_token, start_server

PARALLEL = 16
AGENT = "awaaz-concurrency-test"


class Browser:
    """A signed-in staff member's cookie jar, signing in through the form with CSRF on."""

    def __init__(self, base: str, email: str) -> None:
        self.base = base
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        self.opener.addheaders = [("User-Agent", AGENT)]
        page = self.opener.open(f"{base}/staff/login").read().decode()
        token = csrf_token(page)
        form = {"email": email, "password": DEMO_PASSWORD, "csrf_token": token}
        self.opener.open(f"{base}/staff/login", data=urllib.parse.urlencode(form).encode())

    def status(self, path: str) -> int:
        try:
            with self.opener.open(self.base + path, timeout=120) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = start_server(tmp_path_factory.mktemp("concurrency"), ratings=3000)
    yield live
    live.stop()


def _at_once(browser: Browser, path: str) -> list[int]:
    start = threading.Barrier(PARALLEL)

    def one(_: int) -> int:
        start.wait()
        return browser.status(path)

    with ThreadPoolExecutor(PARALLEL) as pool:
        return list(pool.map(one, range(PARALLEL)))


def test_sixteen_at_once_on_every_page_that_writes(server):
    admin = Browser(server.url, "admin@demo.awaaz.org")
    field = Browser(server.url, "field.north@demo.awaaz.org")
    queue = admin.opener.open(f"{server.url}/staff/alerts").read().decode()
    alert = re.search(r'href="/staff/alerts/(\d+)"', queue).group(1)
    pages = [
        (admin, f"/staff/alerts/{alert}"),  # audited view
        (admin, "/staff/admin/audit"),  # audited view
        (admin, "/mis/export/league-table.csv?period=2026Q3"),  # audited export
        (admin, "/api/v1/league-table?period=2026Q3"),  # audited API read
        (admin, "/staff/"),  # the session's last-seen time
        (field, "/staff/admin/users"),  # refused, and the refusal audited
    ]
    statuses = {}
    for who, path in pages:
        statuses[path] = sorted(set(_at_once(who, path)))
    assert statuses == {
        f"/staff/alerts/{alert}": [200],
        "/staff/admin/audit": [200],
        "/mis/export/league-table.csv?period=2026Q3": [200],
        "/api/v1/league-table?period=2026Q3": [200],
        "/staff/": [200],
        "/staff/admin/users": [403],
    }
    log = (server.folder / "server.log").read_text()
    assert "Traceback" not in log and "database is locked" not in log
