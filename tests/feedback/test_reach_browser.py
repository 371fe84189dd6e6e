"""A survivor who cannot read, on a phone, a kiosk and the offline tablet (Debian's Chromium).

Each prompt plays on tap, one clip at a time; the pictures differ; the card goes in by its QR
code (camera stubbed: headless Chromium has none, nor a QR reader) or by a keypad of the
card's own symbols; a Bengali keyboard is told what to do; the kiosk and the tablet ask one
question per screen. Taps and scrolls for the police questionnaire are measured before (the
one-page phone form) and after (one question per screen) and written to
test-output/taps.json. Screenshots go to test-output/screenshots/reach-*.png.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.live import (
    CHROMIUM,
    CHROMIUM_ARGS,
    answer_steps,
    make_kiosk,
    open_tablet,
    start_server,
    wait_until,
)

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output"
SHOTS = OUTPUT / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 360, "height": 640}
TABLET = {"width": 800, "height": 1280}
# Headless Chromium has neither a camera nor BarcodeDetector: both are stood in for, as the
# browser would give them (a moving picture, a detector that reads the card's CODE).
QR_STUB = """
    window.BarcodeDetector = class { constructor(o) { this.o = o; }
      async detect(source) { return source.readyState >= 2 ? [{ rawValue: CODE }] : []; } };
    navigator.mediaDevices.getUserMedia = async () => {
      const c = document.createElement('canvas'); c.width = 320; c.height = 240;
      const g = c.getContext('2d'); setInterval(() => g.fillRect(0, 0, 9, 9), 50);
      return c.captureStream(10); };
"""
PLAYING = (
    "() => { const a = document.getElementById('voice-player');"
    " return !!a && !a.paused && a.currentTime > 0; }"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = start_server(tmp_path_factory.mktemp("reach"), voice=True)
    yield live
    live.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        # The default autoplay policy, as on a phone: sound only after her own tap.
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def codes(server):
    return iter(server.codes.pop() for _ in range(len(server.codes)))


def axe_clean(page: Page, label: str) -> None:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    problems = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert problems == [], f"{label}: {problems}"


def shot(page: Page, name: str, full: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"reach-{name}.png"), full_page=full)


def to_questions(page: Page, url: str, code: str, lang: str = "bn") -> None:
    page.goto(f"{url}/{lang}/")
    page.fill("#code", code)
    page.click("button.go")
    page.click("a[href$='/whom/police']")
    page.click("button[name=stakeholder] >> nth=0")
    page.click("label:has(input[value=safety]) span")
    page.click("label:has(input[value=last_month]) span")
    page.click("button.go")
    page.wait_for_url(f"**/{lang}/questions")


def test_each_prompt_plays_on_her_tap_one_clip_at_a_time(browser, server):
    context = browser.new_context(viewport=PHONE, bypass_csp=True)  # only to inject axe-core
    page = context.new_page()
    page.goto(f"{server.url}/")
    # The start page: each language says its own name.
    assert page.locator("li.has-say a.say").count() == 3
    page.goto(f"{server.url}/bn/")
    speakers = page.locator("a.say")
    assert speakers.count() >= 3
    assert page.locator("#voice-player").count() == 0, "nothing plays before she taps"
    first, second = speakers.nth(0), speakers.nth(1)
    first.click()
    wait_until(page, PLAYING)
    assert "playing" in first.get_attribute("class")
    src = page.evaluate("document.getElementById('voice-player').src")
    assert src.endswith(first.get_attribute("href"))
    second.click()  # a second speaker: the first stops, one clip at a time
    wait_until(page, PLAYING)
    assert "playing" not in first.get_attribute("class")
    assert page.evaluate("document.getElementById('voice-player').src").endswith(
        second.get_attribute("href")
    )
    assert page.locator("audio").count() == 1
    second.click()  # tapping the one that plays stops it
    wait_until(page, "() => document.getElementById('voice-player').paused")
    assert page.url.endswith("/bn/"), "a speaker must not leave the page"
    shot(page, "bn-phone-code-speakers", full=False)
    axe_clean(page, "code page with speakers")
    context.close()


def test_without_script_a_speaker_is_a_link_to_the_clip(browser, server):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{server.url}/hi/")
    href = page.locator("a.say").first.get_attribute("href")
    clip = page.request.get(f"{server.url}{href}")
    assert clip.status == 200 and clip.headers["content-type"] == "audio/mpeg"
    assert len(clip.body()) < 40_000
    part = page.request.get(f"{server.url}{href}", headers={"Range": "bytes=0-1023"})
    assert part.status == 206 and len(part.body()) == 1024
    context.close()


@pytest.mark.parametrize("size", ["phone", "tablet"])
@pytest.mark.parametrize("lang", ["bn", "hi"])
def test_pictures_carry_the_meaning(browser, server, codes, lang, size):
    context = browser.new_context(viewport=PHONE if size == "phone" else TABLET, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{server.url}/{lang}/")
    page.fill("#code", next(codes))
    page.click("button.go")
    # evaluate_all does not wait: without these, it once read the code page, still on screen.
    page.wait_for_url(f"**/{lang}/whom")
    page.wait_for_selector("ul.tiles svg.ic")
    # One picture per type, each its own drawing.
    drawings = page.locator("ul.tiles svg.ic").evaluate_all("els => els.map(e => e.innerHTML)")
    assert len(drawings) >= 8 and len(set(drawings)) == len(drawings)
    shot(page, f"{lang}-{size}-types")
    axe_clean(page, f"{lang} types")
    page.click("a[href$='/whom/police']")
    page.click("button[name=stakeholder] >> nth=0")
    page.wait_for_url(f"**/{lang}/help")
    page.wait_for_selector(".tiles svg.ic")
    services = page.locator(".tiles svg.ic").evaluate_all("els => els.map(e => e.innerHTML)")
    assert len(set(services)) == len(services) >= 9
    shot(page, f"{lang}-{size}-help")
    page.click("label:has(input[value=safety]) span")
    page.click("label:has(input[value=last_month]) span")
    page.click("button.go")
    page.wait_for_url(f"**/{lang}/questions")
    page.wait_for_selector("fieldset.q svg.face")
    # Five faces from red to green, each with its own face; yes and no with pictures.
    fills = page.locator("fieldset.q >> nth=0 >> svg.face circle:first-child").evaluate_all(
        "els => els.map(e => e.getAttribute('fill'))"
    )
    assert fills == ["#d73027", "#fc8d59", "#fee08b", "#91cf60", "#1a9850"]
    mouths = page.locator("fieldset.q >> nth=0 >> svg.face").evaluate_all(
        "els => els.map(e => e.innerHTML)"
    )
    assert len(set(mouths)) == 5
    assert page.locator("label.tile.pick svg.ic").count() >= 4  # yes/no pictures
    assert page.locator("fieldset.q legend a.say").count() == page.locator("fieldset.q").count()
    shot(page, f"{lang}-{size}-questions")
    axe_clean(page, f"{lang} questions")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    context.close()


def test_a_bengali_keyboard_is_told_to_show_the_card(browser, server):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{server.url}/bn/")
    page.locator("#code").press_sequentially("কখগ")
    note = page.locator("#code + p.err")
    assert note.is_visible() and "কার্ডটা দিদিকে দেখান" in note.inner_text()
    page.fill("#code", "K7QM")
    page.locator("#code").press_sequentially("4")
    assert not note.is_visible(), "told off for a right letter"
    context.close()


def test_on_a_kiosk_the_card_goes_in_by_keypad_or_by_its_qr_code(browser, server, codes):
    context = browser.new_context(viewport=TABLET, bypass_csp=True)  # axe-core, stubs
    page = context.new_page()
    make_kiosk(page, server.url)
    code = next(codes)
    page.goto(f"{server.url}/bn/")
    assert page.locator("#code").get_attribute("inputmode") == "none", "the phone keyboard opens"
    keys = page.locator(".keypad button")
    assert keys.count() == 31  # the card's 30 symbols and rub-out
    shot(page, "bn-kiosk-keypad", full=False)  # before any code is in it
    page.locator(".keypad button", has_text="Z").first.click()
    page.locator(".keypad button.del").click()
    for symbol in code.replace("-", ""):
        page.locator(".keypad button").get_by_text(symbol, exact=True).click()
    assert page.locator("#code").input_value() == code
    axe_clean(page, "kiosk keypad")
    page.click("button.go")
    page.wait_for_url("**/bn/whom")
    context.close()

    # Her next visit: the QR code on her card, through the camera.
    context = browser.new_context(viewport=TABLET)
    code = next(codes)
    context.add_init_script(QR_STUB.replace("CODE", json.dumps(code)))
    page = context.new_page()
    make_kiosk(page, server.url)
    page.goto(f"{server.url}/bn/")
    page.click("button.scan")
    page.wait_for_url("**/bn/whom", timeout=10_000)
    context.close()


def _scrolls(page: Page) -> int:
    height = page.evaluate("document.documentElement.scrollHeight")
    return max(0, math.ceil(height / page.viewport_size["height"]) - 1)


def test_one_question_per_screen_on_the_kiosk_with_fewer_taps(browser, server, codes):
    # Before: the one-page form (the phone keeps it), police, every question answered.
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    to_questions(page, server.url, next(codes))
    questions = page.locator("fieldset.q").count()
    before_taps, before_scrolls = 0, _scrolls(page)
    for fieldset in page.locator("fieldset.q").all():
        if (
            fieldset.locator("label.pick:not(.dk):not(.check)").count()
            and fieldset.get_attribute("id") != "f-unsafe"
        ):
            fieldset.locator("label.pick:not(.dk):not(.check) span").first.click()
            before_taps += 1
        elif fieldset.locator("input.days").count():
            fieldset.locator("input.days").fill("9")
            before_taps += 1  # she taps the box to type
    page.click("button.go")
    before_taps += 1
    page.wait_for_url("**/bn/thanks")
    context.close()

    # After: the kiosk, one question per screen, at 800×1280.
    context = browser.new_context(viewport=TABLET, bypass_csp=True)  # axe-core
    page = context.new_page()
    make_kiosk(page, server.url)
    to_questions(page, server.url, next(codes))
    assert page.locator("fieldset.q:visible").count() == 1
    # What she may leave empty (more words, her didi's call) shares the last screen.
    total = page.locator("fieldset.q").count() - page.locator("fieldset.q.end").count() + 1
    assert page.locator(".progress").inner_text().startswith(f"১ / {total}".translate(BN))
    shot(page, "bn-kiosk-one-question", full=False)
    axe_clean(page, "kiosk step")
    heights = [page.evaluate("document.documentElement.scrollHeight")]
    after_taps = answer_steps(page)
    heights.append(page.evaluate("document.documentElement.scrollHeight"))
    shot(page, "bn-kiosk-last-step", full=False)
    page.click("button.go")
    after_taps += 1
    page.wait_for_url("**/bn/thanks")
    assert max(heights) <= TABLET["height"], "a step needed scrolling"
    result = {
        "questionnaire": "police",
        "questions": questions,
        "before": {"viewport": "360x640 one page", "taps": before_taps, "scrolls": before_scrolls},
        "after": {"viewport": "800x1280 one per screen", "taps": after_taps, "scrolls": 0},
    }
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "taps.json").write_text(json.dumps(result, indent=1))
    print("taps", result)
    context.close()


BN = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")


@pytest.mark.parametrize(("lang", "size"), [("bn", "tablet"), ("hi", "phone")])
def test_the_offline_tablet_has_the_pictures_and_plays_its_clips_offline(
    browser, server, codes, lang, size
):
    context = browser.new_context(viewport=TABLET if size == "tablet" else PHONE)
    page = context.new_page()
    open_tablet(page, server.url)
    page.goto(f"{server.url}/{lang}/tablet")
    page.wait_for_selector("#code")
    wait_until(page, "() => !!document.getElementById('tablet').dataset.clipsKept", 60)
    kept = int(page.evaluate("document.getElementById('tablet').dataset.clipsKept"))
    assert kept > 100
    context.set_offline(True)
    page.fill("#code", next(codes))
    page.click("button.go")
    page.wait_for_selector("button[data-type] svg")  # drawn by the page's own script
    drawings = page.locator("button[data-type] svg").evaluate_all(
        "els => els.map(e => e.innerHTML)"
    )
    assert len(drawings) >= 5 and len(set(drawings)) == len(drawings)
    shot(page, f"{lang}-{size}-tablet-offline-types", full=False)
    page.locator("li.has-say a.say").first.click()
    wait_until(page, PLAYING)  # from the tablet's own cache: there is no network
    page.click("button[data-type=police]")
    page.locator("button[data-stakeholder]").first.click()
    page.locator("input[name=service]").first.check(force=True)
    page.locator("input[name=when][value=this_month]").check(force=True)
    page.click("button.go")
    page.wait_for_selector("fieldset.q:visible svg.face")
    assert page.locator("fieldset.q:visible").count() == 1
    assert page.locator("fieldset.q:visible svg.face").count() == 5
    assert page.locator(".progress").inner_text().startswith({"bn": "১ /", "hi": "१ /"}[lang])
    shot(page, f"{lang}-{size}-tablet-offline-question", full=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    page.locator("fieldset.q:visible legend a.say").click()
    wait_until(page, PLAYING)
    context.close()


def test_the_offline_tablet_reads_the_card_and_speaks_to_a_boy_as_a_boy(browser, server, codes):
    """His card through the camera on the offline tablet; the server, checking the code, says
    he is a boy, and the Hindi speaks to him as one, in words and in voice. The next survivor
    on the same tablet is spoken to as a girl again."""
    boy = server.awaaz(
        "issue-codes", "--count", "1", "--district", "South 24 Parganas", "--boys"
    ).split()[0]
    context = browser.new_context(viewport=TABLET)
    context.add_init_script(QR_STUB.replace("CODE", json.dumps(boy)))
    page = context.new_page()
    open_tablet(page, server.url)
    page.goto(f"{server.url}/hi/tablet")
    page.wait_for_selector("#code")
    page.click("button.scan")
    page.wait_for_selector("button[data-type]", timeout=10_000)
    heading = page.locator("#t-screen h1")
    assert heading.inner_text().strip() == "आप किससे मिले?"
    assert page.locator("#t-unchecked").count() == 0  # the server knew his code
    page.click("button[data-type=police]")
    page.locator("button[data-stakeholder]").first.click()
    assert "आप किस मदद के लिए गए थे?" in page.locator("#t-screen").inner_text()
    page.locator("input[name=service]").first.check(force=True)
    page.locator("input[name=when][value=this_month]").check(force=True)
    page.click("button.go")
    helped = page.locator("fieldset.q legend", has_text="जिस मदद के लिए गए थे")
    expect(helped).to_have_count(1)
    # What he hears is what he reads: the boy's words have their own clip.
    assert helped.locator("a.say").count() == 1
    shot(page, "hi-tablet-boy-question", full=False)
    answer_steps(page)
    page.click("button.go")
    start_again = page.locator("#t-screen button.tile")
    expect(start_again).to_be_visible(timeout=15_000)
    # The next survivor on the same page, a girl typing her code: the boy is forgotten.
    start_again.click()
    page.wait_for_selector("#code")
    page.fill("#code", next(codes))
    page.click("button.go")
    page.wait_for_selector("button[data-type]")
    assert page.locator("#t-screen h1").inner_text().strip() == "आप किससे मिलीं?"
    context.close()
