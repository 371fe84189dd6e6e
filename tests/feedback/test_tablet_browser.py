"""The offline tablet in a real browser: the network goes away in the middle of a session,
two ratings are finished, the network comes back, and both arrive — exactly once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from tests.live import (
    CHROMIUM,
    CHROMIUM_ARGS,
    answer_tablet,
    open_tablet,
    start_server,
    wait_until,
)

pytestmark = pytest.mark.browser
SAVED = "() => document.querySelector('h1').textContent.includes('নেটওয়ার্ক ফিরলেই')"
NOT_KEPT = "() => document.querySelector('h1').textContent.includes('রাখতে পারেনি')"
OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = start_server(tmp_path_factory.mktemp("tablet"))
    yield live
    live.stop()


@pytest.fixture
def tablet(server):
    """A kiosk tablet: staff switched it on, then the tablet page was opened online once."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 800, "height": 1280})
        page = context.new_page()
        open_tablet(page, server.url)
        yield page
        context.close()
        browser.close()


def _stored(server) -> list[tuple]:
    with sqlite3.connect(server.database) as conn:
        return conn.execute(
            "SELECT client_uuid, channel FROM ratings WHERE channel = 'kiosk'"
        ).fetchall()


def _enter_code(page: Page, code: str) -> None:
    page.fill("#code", code)
    page.click("button.go")


def _answer(page: Page, when: str, overall: str, screenshot: str | None = None) -> None:
    """From "whom did you meet?" to Send: the first police station, every question."""
    answer_tablet(page, when, overall=overall)
    if screenshot:
        page.screenshot(path=str(OUTPUT / screenshot), full_page=True)
    page.click("button.go")


def test_two_ratings_finished_offline_arrive_exactly_once(tablet, server):
    page = tablet
    before = len(_stored(server))
    code_one, code_two = server.codes.pop(), server.codes.pop()
    # Online: she enters her code; then the network goes, in the middle of her session.
    _enter_code(page, code_one)
    page.context.set_offline(True)
    _answer(page, "this_month", "2", screenshot="bn-tablet-questions-offline.png")
    # "Saved on this tablet — it will be sent when the network is back", in Bengali.
    wait_until(page, SAVED)
    page.screenshot(path=str(OUTPUT / "bn-tablet-saved-offline.png"))
    # The next survivor, still offline; the tablet even reloads from its kept copy.
    page.click("text=আবার শুরু করুন")
    page.reload()
    page.wait_for_selector("#code")
    _enter_code(page, code_two)
    _answer(page, "last_month", "4")
    wait_until(page, SAVED)
    assert page.locator("#tablet").get_attribute("data-waiting") == "2"
    # What waits on the tablet is sealed: no code, no answer, no name in the clear.
    kept = page.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open("awaaz-tablet");
            open.onsuccess = () => {
              const all = open.result.transaction("outbox").objectStore("outbox").getAll();
              all.onsuccess = () => resolve(JSON.stringify(all.result));
            };
        })"""
    )
    for secret in (code_one, code_two, code_one.replace("-", ""), "police", "overall"):
        assert secret not in kept
    assert len(_stored(server)) == before  # nothing has reached the server yet
    # The network comes back: both are sent, acknowledged, and removed from the tablet.
    page.context.set_offline(False)
    wait_until(page, "() => document.getElementById('tablet').dataset.waiting === '0'", 30)
    after = _stored(server)
    assert len(after) == before + 2
    assert len({uuid for uuid, _ in after}) == len(after)
    page.screenshot(path=str(OUTPUT / "bn-tablet-sent.png"))
    # Sending again (a second sweep, a reload) stores nothing twice.
    page.reload()
    page.wait_for_selector("#code")
    page.wait_for_timeout(1500)
    assert len(_stored(server)) == before + 2


def test_she_is_told_when_the_tablet_cannot_keep_her_answers(tablet, server):
    """A full or broken store must not say "saved", nor leave her on a screen that does nothing."""
    page = tablet
    page.context.add_init_script(
        "IDBObjectStore.prototype.put = function () {"
        " throw new DOMException('full', 'QuotaExceededError'); };"
    )
    page.reload()
    page.wait_for_selector("#code")
    before = len(_stored(server))
    _enter_code(page, server.codes.pop())
    page.context.set_offline(True)
    _answer(page, "this_month", "3")
    wait_until(page, NOT_KEPT)
    assert not page.evaluate(SAVED)
    page.screenshot(path=str(OUTPUT / "bn-tablet-not-kept.png"))
    page.click("text=আবার শুরু করুন")  # and the next survivor can begin
    page.wait_for_selector("#code")
    page.context.set_offline(False)
    assert len(_stored(server)) == before


def test_the_tablet_page_says_so_when_the_device_is_not_a_kiosk(server):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{server.url}/en/tablet")
        assert "only on a programme tablet" in page.locator("#t-screen").inner_text()
        assert page.locator("#code").count() == 0
        browser.close()


def test_quick_exit_without_a_network_lands_on_the_quiet_page(tablet):
    """Before, an offline tablet's quick exit showed Chrome's "no internet" page: stuck, and
    saying what she had been doing."""
    page = tablet
    page.context.set_offline(True)
    page.click("#quick-exit")
    page.wait_for_selector("body.calm")
    assert page.locator("h1, form, #quick-exit").count() == 0
    page.screenshot(path=str(OUTPUT / "tablet-quick-exit-offline.png"))
    page.click(".calm-home")  # the didi's way back, still offline: the tablet again
    page.wait_for_selector("#code")
    page.context.set_offline(False)


def test_the_code_is_checked_when_it_can_be_and_she_is_told_when_it_cannot(tablet, server):
    """Before, a well-formed wrong code was found out only after all her answers."""
    from models.codes import generate_code

    page = tablet
    _enter_code(page, generate_code())  # checks out on the tablet; nobody holds it
    page.wait_for_selector("#t-screen .err")
    assert page.locator("#code").count() == 1  # still at her code, told at once
    page.screenshot(path=str(OUTPUT / "bn-tablet-code-unknown-online.png"))
    page.context.set_offline(True)
    _enter_code(page, server.codes.pop())
    page.wait_for_selector("#t-unchecked")  # no network: it says so, and she goes on
    assert page.locator("button[data-type=police]").count() == 1
    page.screenshot(path=str(OUTPUT / "bn-tablet-code-unchecked-offline.png"))
    page.context.set_offline(False)
