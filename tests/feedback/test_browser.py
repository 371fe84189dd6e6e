"""The survivor flow as she lives it: Debian's Chromium, driven by Playwright.

Phone (360 × 640) and tablet (800 × 1280), each language, JavaScript on and off; quick exit,
the kiosk reset, the back button; axe-core on every page; bytes on the wire per page.
Screenshots of each step go to test-output/screenshots/.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, sync_playwright

from tests.live import CHROMIUM, CHROMIUM_ARGS, make_kiosk, start_server

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 360, "height": 640}
TABLET = {"width": 800, "height": 1280}
FIRST_LOAD_BUDGET = 30 * 1024
LATER_PAGE_BUDGET = 10 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = start_server(
        tmp_path_factory.mktemp("live"),
        voice=True,  # every page with its speaker buttons: the budgets must hold with them
        AWAAZ_KIOSK_IDLE_SECONDS="2",
        AWAAZ_KIOSK_COUNTDOWN_SECONDS="2",
    )
    yield live
    live.stop()


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), "Chromium is missing: run `make browser` (apt chromium)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def codes(server):
    """A fresh survivor code per use, so tests never share a survivor."""
    return iter(server.codes.pop() for _ in range(len(server.codes)))


class Walk:
    """One survivor's visit: records bytes and hosts per page, screenshots, axe results."""

    def __init__(self, page: Page, server, name: str, axe: bool = True) -> None:
        self.page, self.server, self.name, self.axe = page, server, name, axe
        self.finished: list = []
        self.hosts: set[str] = set()
        self.bytes: dict[str, int] = {}
        self.url = ""
        page.on("requestfinished", lambda r: self.finished.append(r))
        page.on("request", lambda r: self.hosts.add(urlparse(r.url).netloc))

    def step(self, label: str) -> None:
        # Every step is a new page. A click does not wait for the navigation it starts, and
        # "load" is already true of the page being left: wait for the address to change first.
        self.page.wait_for_url(lambda url: url != self.url)
        self.url = self.page.url
        self.page.wait_for_load_state("load")
        self.bytes[label] = sum(
            r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"] for r in self.finished
        )
        self.finished.clear()
        folder = OUTPUT / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=folder / f"{self.name}-{label}.png", full_page=True)
        if self.axe:
            self.page.add_script_tag(path=str(AXE))
            result = self.page.evaluate("axe.run(document, {resultTypes: ['violations']})")
            problems = [
                (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                for v in result["violations"]
            ]
            assert problems == [], f"{self.name} {label}: {problems}"


def walk_flow(page: Page, server, code: str, lang: str, name: str, axe: bool = True) -> Walk:
    walk = Walk(page, server, name, axe)
    page.goto(f"{server.url}/")
    walk.step("1-language")
    page.click(f"a.tile[lang={lang}]")
    walk.step("2-code")
    page.fill("#code", code.lower().replace("-", " "))
    page.click("button.go")
    walk.step("3-whom")
    page.click("a[href$='/whom/police']")
    walk.step("4-which")
    page.click("button[name=stakeholder] >> nth=0")
    walk.step("5-help")
    page.click("label:has(input[value=safety]) span")
    page.click("label:has(input[value=last_month]) span")
    page.click("button.go")
    walk.step("6-questions")
    for fieldset in page.query_selector_all("fieldset.q"):
        first = fieldset.query_selector("label.pick:not(.dk):not(.check) span")
        if first:
            first.click()  # her finger on the words, not on the speaker beside them
    page.fill("#comment", "ভালো ব্যবহার করেছেন")
    page.click("button.go")
    walk.step("7-thanks")
    return walk


def record_bytes(name: str, walk: Walk) -> None:
    OUTPUT.mkdir(exist_ok=True)
    with (OUTPUT / "page-bytes.jsonl").open("a") as log:
        log.write(json.dumps({"walk": name, "bytes": walk.bytes}) + "\n")


@pytest.mark.parametrize("size", ["phone", "tablet"])
@pytest.mark.parametrize("lang", ["bn", "hi", "en"])
def test_she_rates_an_office_in_her_language(browser, server, codes, lang, size):
    before = server.rating_count()
    context = browser.new_context(
        viewport=PHONE if size == "phone" else TABLET, bypass_csp=True
    )  # only so axe-core can be injected
    page = context.new_page()
    walk = walk_flow(page, server, next(codes), lang, f"{lang}-{size}")
    assert page.url.endswith(f"/{lang}/thanks")
    assert server.rating_count() == before + 1
    assert walk.hosts == {urlparse(server.url).netloc}, "a request left the server"
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    first, *later = walk.bytes.items()
    assert first[1] <= FIRST_LOAD_BUDGET, walk.bytes
    for label, size_bytes in later:
        assert size_bytes <= LATER_PAGE_BUDGET, (label, walk.bytes)
    record_bytes(f"{lang}-{size}", walk)
    context.close()


def test_the_flow_works_with_javascript_off(browser, server, codes):
    before = server.rating_count()
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    walk_flow(page, server, next(codes), "bn", "bn-nojs", axe=False)
    assert page.url.endswith("/bn/thanks")
    assert server.rating_count() == before + 1
    context.close()


def start_rating(page: Page, server, code: str) -> None:
    page.goto(f"{server.url}/bn/")
    page.fill("#code", code)
    page.click("button.go")
    page.click("a[href$='/whom/police']")
    page.click("button[name=stakeholder] >> nth=0")
    page.click("label:has(input[value=medical]) span")
    page.click("label:has(input[value=this_month]) span")
    page.click("button.go")
    page.wait_for_url("**/bn/questions")  # the help page has fieldsets of the same kind
    page.click("fieldset.q >> nth=0 >> label.pick >> nth=0 >> span")


def test_quick_exit_from_the_middle_leaves_and_cannot_be_undone(browser, server, codes):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    start_rating(page, server, next(codes))
    page.click("#quick-exit")
    page.wait_for_url(f"{server.url}/healthz")
    page.go_back()
    # The questions page was replaced in history; what Back shows holds nothing of hers.
    assert "/questions" not in page.url
    page.goto(f"{server.url}/bn/questions")
    assert page.url.endswith("/bn/") and page.locator("#code").input_value() == ""
    context.close()


def test_three_presses_of_shift_leave(browser, server, codes):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    start_rating(page, server, next(codes))
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(f"{server.url}/healthz")
    context.close()


def test_quick_exit_works_without_javascript(browser, server, codes):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    start_rating(page, server, next(codes))
    page.click("#quick-exit")
    page.wait_for_url(f"{server.url}/healthz")
    page.goto(f"{server.url}/bn/questions")
    assert page.url.endswith("/bn/")
    context.close()


def test_back_after_sending_shows_nothing_she_entered(browser, server, codes):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    walk_flow(page, server, next(codes), "bn", "bn-back", axe=False)
    page.go_back()
    assert "/questions" not in page.url
    assert page.locator("input:checked").count() == 0
    assert "ভালো ব্যবহার" not in page.content()
    context.close()


def test_an_idle_kiosk_counts_down_and_resets_for_the_next_person(browser, server, codes):
    context = browser.new_context(viewport=TABLET)
    page = context.new_page()
    make_kiosk(page, server.url)
    page.goto(f"{server.url}/bn/")
    page.fill("#code", next(codes))
    page.click("button.go")
    page.click("a[href$='/whom/police']")
    page.wait_for_selector("#idle:not([hidden])", timeout=10_000)
    page.screenshot(path=OUTPUT / "screenshots" / "bn-kiosk-countdown.png")
    page.wait_for_url(f"{server.url}/", timeout=10_000)
    page.goto(f"{server.url}/bn/whom")
    assert page.url.endswith("/bn/"), "the previous survivor's session survived the reset"
    assert page.locator("body[data-kiosk-idle]").count() == 1, "no longer a kiosk"
    assert page.context.cookies() and all(
        c["name"] != "remember_token" for c in page.context.cookies()
    )
    context.close()


def test_the_chosen_answer_shows_without_has_and_survives_a_language_switch(browser, server, codes):
    """Older phone browsers know no :has(): the chosen tile must still look chosen, from the
    label's own style (filled, with a tick), not only from the tile's :has() background. And
    switching language half-way keeps what she chose."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{server.url}/bn/")
    page.fill("#code", next(codes))
    page.click("button.go")
    page.click("a[href$='/whom/police']")
    page.click("button[name=stakeholder] >> nth=0")
    page.click("label:has(input[value=safety]) span")
    page.click("label:has(input[value=last_month]) span")
    page.click("button.go")
    page.wait_for_url("**/bn/questions")  # the help page has tiles of the same kind
    chosen = page.locator("label.tile.pick").first
    chosen.locator("span").click()
    name = chosen.locator("input").get_attribute("name")
    label = chosen.locator("span")
    assert label.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(11, 79, 156)"
    assert "✓" in label.evaluate("e => getComputedStyle(e, '::before').content")
    unchosen = page.locator("label.tile.pick").nth(1).locator("span")
    assert unchosen.evaluate("e => getComputedStyle(e).backgroundColor") == "rgba(0, 0, 0, 0)"
    page.screenshot(path=str(OUTPUT / "bn-phone-chosen-without-has.png"))
    # She switches to Hindi half-way: her answer comes along.
    page.click("button.lang[lang=hi]")
    page.wait_for_url("**/hi/questions/in")
    assert page.locator(f"input[name={name}]:checked").count() == 1
    assert page.locator("html").get_attribute("lang") == "hi"
    page.screenshot(path=str(OUTPUT / "hi-phone-answers-kept-across-language.png"))
    context.close()
