"""Offline tablets never lose a rating: the real tablet page in Chromium, reaching the real
server through a proxy this test controls (tests/faults.py), queues ratings while every
fault an ordinary day brings meets its sends — then the network is good again, and each
rating is stored exactly once, or waits under "needs attention" with its reason.

The faults: network kit answering 400, 404 and 413; a captive portal's redirect; the server
down (500, 503) and restarted with a rotated key; connections dropped; a reply lost after
the server stored the rating; the network gone; a tablet clock reset to 1970 and one in
India's time on a UTC server past midnight; an office deactivated before its rating
arrived; a staff member signing in and out on the tablet; quick exit with a dead kiosk
cookie; and a well-formed code nobody holds (the one rating that cannot be stored).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from feedback.services import PROGRAMME_TIMEZONE
from models.codes import generate_code
from tests.faults import FaultyProxy
from tests.live import (
    CHROMIUM,
    CHROMIUM_ARGS,
    STAFF_EMAIL,
    STAFF_PASSWORD,
    answer_tablet,
    make_kiosk,
    open_tablet,
    start_server,
    wait_until,
)

pytestmark = pytest.mark.browser
OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
DONE = (
    "() => !!document.querySelector('h1') && !document.getElementById('code')"
    " && !document.querySelector('form')"
)


def _store(page: Page, name: str) -> list[dict]:
    """What the tablet keeps in one of its IndexedDB stores (sealed envelopes)."""
    return json.loads(
        page.evaluate(
            """(name) => new Promise((resolve, reject) => {
                const open = indexedDB.open("awaaz-tablet");
                open.onerror = () => reject(open.error);
                open.onsuccess = () => {
                  const db = open.result;
                  if (!db.objectStoreNames.contains(name)) { db.close(); resolve("[]"); return; }
                  const all = db.transaction(name).objectStore(name).getAll();
                  all.onsuccess = () => { db.close(); resolve(JSON.stringify(all.result)); };
                };
            })""",
            name,
        )
    )


def _uuids(page: Page) -> set[str]:
    return {item["client_uuid"] for item in _store(page, "outbox") + _store(page, "attention")}


def _rate(page: Page, code: str, when: str = "this_month") -> tuple[str, int]:
    """One survivor's whole visit; returns the new rating's UUID and the office she rated."""
    before = _uuids(page)
    page.fill("#code", code)
    page.click("button.go")
    office_id = answer_tablet(page, when, days="৯")  # Bengali digits, as she may type them
    page.click("button.go")
    wait_until(page, DONE)
    [new] = _uuids(page) - before
    page.click("text=আবার শুরু করুন")
    page.wait_for_selector("#code")
    return new, office_id


def _stored(database: Path) -> dict[str, tuple]:
    with sqlite3.connect(database) as conn:
        rows = conn.execute(
            "SELECT client_uuid, month, stakeholder_id, channel FROM ratings"
            " WHERE channel = 'kiosk'"
        ).fetchall()
    return {str(uuid.UUID(row[0])): row[1:] for row in rows}


def _india_month(moment: dt.datetime) -> str:
    return moment.astimezone(PROGRAMME_TIMEZONE).strftime("%Y-%m-01")


@pytest.fixture
def server(tmp_path):
    live = start_server(tmp_path)
    yield live
    live.stop()


def test_every_rating_queued_through_every_fault_is_stored_once(server, tmp_path):
    proxy = FaultyProxy(int(server.url.rsplit(":", 1)[1]))
    codes = list(server.codes)
    wrong_code = generate_code()  # well formed, checks out on the tablet, held by nobody
    expected: dict[str, str] = {}  # uuid → what it met
    months: dict[str, str] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 800, "height": 1280})
        page = context.new_page()
        open_tablet(page, proxy.url)
        page.reload()
        page.wait_for_selector("#code")

        # 1. Network kit and a server in trouble answer for the server: each rating is kept.
        for mode in (
            "status:400",
            "status:404",
            "status:413",
            "redirect",
            "status:500",
            "status:503",
            "drop",
            "lost_reply",
        ):
            proxy.mode = mode
            rating, _office = _rate(page, codes.pop())
            expected[rating] = mode
            assert proxy.sends[mode] >= 1, f"the tablet did not try to send through {mode}"
            assert rating in {i["client_uuid"] for i in _store(page, "outbox")}, mode
        lost = next(r for r, m in expected.items() if m == "lost_reply")
        assert lost in _stored(server.database)  # stored, but the tablet never heard so
        page.screenshot(path=str(OUTPUT / "bn-tablet-kept-through-faults.png"))

        # 2. No network at all: a code nobody holds, and an office deactivated before sync.
        proxy.mode = "status:503"
        context.set_offline(True)
        refused, _office = _rate(page, wrong_code)
        expected[refused] = "wrong code"
        deactivated, office = _rate(page, codes.pop(), "last_month")
        expected[deactivated] = "office deactivated"
        with sqlite3.connect(server.database) as conn:
            conn.execute("UPDATE stakeholders SET active = 0 WHERE id = ?", (office,))
        context.set_offline(False)

        # 3. Tablet clocks: reset to 1970, and 5½ hours ahead (India's time on a UTC clock).
        page.clock.set_fixed_time(dt.datetime(1970, 1, 1, 0, 5, tzinfo=dt.UTC))
        reset, _office = _rate(page, codes.pop())
        expected[reset] = "clock in 1970"
        ahead = dt.datetime.now(dt.UTC) + dt.timedelta(hours=5, minutes=30)
        page.clock.set_fixed_time(ahead)
        skewed, _office = _rate(page, codes.pop())
        expected[skewed] = "clock 5:30 ahead"
        months[reset] = months[skewed] = _india_month(dt.datetime.now(dt.UTC))

        # 4. A staff member signs in and out on the tablet: the kiosk and its outbox stay.
        waiting = len(_store(page, "outbox"))
        page.goto(f"{proxy.url}/staff/login")
        page.fill("input[name=email]", STAFF_EMAIL)
        page.fill("input[name=password]", STAFF_PASSWORD)
        page.click("button[type=submit]")
        page.click("header form button[type=submit]")  # Sign out
        page.goto(f"{proxy.url}/bn/tablet")
        page.wait_for_selector("#code")
        assert len(_store(page, "outbox")) == waiting
        assert any(c["name"].endswith("awaaz_kiosk") for c in context.cookies())

        # 5. Quick exit with a kiosk cookie that no longer verifies (the secret changed):
        # nothing may clear the storage that holds the outbox.
        cookie = next(c for c in context.cookies() if c["name"].endswith("awaaz_kiosk"))
        context.add_cookies([cookie | {"value": "not-signed-by-this-server"}])
        page.click("#quick-exit")
        page.wait_for_load_state()
        page.goto(f"{proxy.url}/bn/tablet")
        page.wait_for_selector("#code")  # from the service worker's copy: not a kiosk now
        assert len(_store(page, "outbox")) == waiting
        make_kiosk(page, proxy.url)  # a field worker switches it on again
        page.goto(f"{proxy.url}/bn/tablet")
        page.wait_for_selector("#code")
        assert len(_store(page, "outbox")) == waiting

        # 6. The key is rotated and the server restarted while envelopes sealed for the old
        # key wait; the next rating is sealed for the new key.
        old_kid = _store(page, "outbox")[0]["kid"]
        server.awaaz("tablet-key", "rotate")
        server.kill()
        server.start_again()
        page.reload()
        page.wait_for_selector("#code")
        proxy.mode = "status:503"
        page.clock.set_fixed_time(dt.datetime.now(dt.UTC))
        rotated, _office = _rate(page, codes.pop())
        expected[rotated] = "after key rotation"
        kids = {item["client_uuid"]: item["kid"] for item in _store(page, "outbox")}
        assert kids[rotated] != old_kid and old_kid in kids.values()

        # Everything queued so far, sealed: no code, no office, no answer in the clear.
        kept = json.dumps(_store(page, "outbox"))
        for secret in (*server.codes[-12:], wrong_code, "police", "overall"):
            assert secret not in kept
        sizes = {len(item["data"]) for item in _store(page, "outbox")}
        assert len(sizes) == 1  # padded: every envelope is the same size

        # An envelope as a thief who takes the tablet would copy it, for later.
        captured = next(i for i in _store(page, "outbox") if i["client_uuid"] == lost)
        proxy.mode = "pass"

        # 7. The network is good again: everything goes.
        page.reload()
        page.wait_for_selector("#code")
        wait_until(page, "() => document.getElementById('tablet').dataset.waiting === '0'", 60)
        wait_until(page, "() => document.getElementById('tablet').dataset.attention === '1'")
        page.click("#t-attention summary")
        page.screenshot(path=str(OUTPUT / "bn-tablet-needs-attention.png"))
        attention = _store(page, "attention")
        assert [(a["client_uuid"], a["reason"]) for a in attention] == [(refused, "code")]
        # A field worker presses "Try again": still unknown, still kept, never lost.
        tries = proxy.sends["pass"]
        page.click("#t-retry")
        deadline = time.monotonic() + 20
        while (
            proxy.sends["pass"] == tries or _store(page, "outbox") or not _store(page, "attention")
        ):
            assert time.monotonic() < deadline, "the retry did not come back to needs attention"
            time.sleep(0.2)
        assert [a["client_uuid"] for a in _store(page, "attention")] == [refused]

        # The captured envelope replayed by whoever holds the tablet: nothing of its content.
        envelope = {
            k: v for k, v in captured.items() if k in ("client_uuid", "kid", "key", "iv", "data")
        }
        replay = page.request.post(
            f"{proxy.url}/api/v1/tablet/ratings",
            data=json.dumps(envelope),
            headers={"Content-Type": "application/json", "X-Awaaz-Tablet": "1"},
        )
        assert replay.status == 200
        assert replay.json() == {"client_uuid": lost, "status": "already_stored", "reason": None}
        context.close()
        browser.close()
    proxy.stop()

    stored = _stored(server.database)
    queued = len(expected)
    arrived = [rating for rating in expected if rating in stored]
    # N queued → N − 1 stored (each once: client UUIDs are unique) and 1 needing attention.
    assert len(arrived) == queued - 1, {m: r in stored for r, m in expected.items()}
    assert refused not in stored
    assert stored[deactivated][1] == office
    for rating, month in months.items():
        assert stored[rating][0] == month, expected[rating]
    print(
        f"\n{queued} queued → {len(arrived)} stored once, 1 needs attention; sends met: "
        f"{dict(proxy.sends)}"
    )
