"""Staff and funders use the MIS in a real browser (Debian's Chromium via Playwright)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.live import CHROMIUM, CHROMIUM_ARGS, start_server

pytestmark = pytest.mark.browser
OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
STAFF = ("staff@mis.test", "a-long-staff-password")
FUNDER = ("funder@mis.test", "a-long-funder-password")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mis")
    # Enough ratings that a closed quarter has stakeholders above k (releases show no fewer).
    live = start_server(folder, ratings=8000)
    for email, password, role in ((*STAFF, "staff"), (*FUNDER, "funder")):
        live.create_user(email, role, password)
    yield live
    live.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def sign_in(page, server, who):
    page.goto(f"{server.url}/staff/login")
    page.fill("input[name=email]", who[0])
    page.fill("input[name=password]", who[1])
    page.click("main button[type=submit]")
    page.wait_for_url(f"{server.url}/staff/")


# What each behaviour reads like in each language the dashboard speaks (from the catalogues).
WORDS = {
    "en": {
        "league": "League tables",
        "police": "Police station",
        "by_quarter": "Score by quarter",
        "funnel": "Funnel plot",
        "heatmap": "Heatmap",
        "services": r"^\s*Services\s*$",
        "best": "Best practice",
        "declined": "Most declined",
        "rated": "Survivors who rated",
        "sign_out": "Sign out",
        "page": "Page",
        "districts": {"South 24 Parganas", "North 24 Parganas"},
        "script": ("A", "z"),
    },
    "bn": {
        "league": "লীগ টেবিল",
        "police": "থানা",
        "by_quarter": "ত্রৈমাসিক স্কোর",
        "funnel": "ফানেল প্লট",
        "heatmap": "হিটম্যাপ",
        "services": r"^\s*পরিষেবা\s*$",  # not পরিষেবাদাতা
        "best": "ভালো কাজের দৃষ্টান্ত",
        "declined": "সবচেয়ে বেশি পিছিয়েছে",
        "rated": "মূল্যায়নকারী সারভাইভার",
        "sign_out": "সাইন আউট",
        "page": "পাতা",
        "districts": {"দক্ষিণ ২৪ পরগনা", "উত্তর ২৪ পরগনা"},
        "script": ("\u0980", "\u09ff"),
    },
}
LANGS = pytest.mark.parametrize("lang", sorted(WORDS))


def in_language(page, server, who, lang: str, path: str) -> None:
    sign_in(page, server, who)
    page.goto(f"{server.url}/staff/lang/{lang}?next={path}")


def suffix(lang: str) -> str:
    return "" if lang == "en" else f"-{lang}"


def settle(read, done, seconds: float = 30):  # type: ignore[no-untyped-def]
    """Read until done(value): Dash redraws after its callbacks, and shows the old rows first."""
    deadline = time.monotonic() + seconds
    while True:
        value = read()
        if done(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


@LANGS
def test_staff_filter_the_league_table_and_open_a_profile(browser, server, lang):
    words = WORDS[lang]
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    # Dash runs under default-src 'self' with hashes for its inline script: any violation
    # (a blocked script or style) shows up in the console.
    violations = []
    page.on(
        "console",
        lambda m: "Content Security Policy" in m.text and violations.append(m.text[:200]),
    )
    in_language(page, server, STAFF, lang, "/mis/")
    expect(page.locator(".card-value").first).to_be_visible(timeout=30_000)
    page.screenshot(path=OUTPUT / f"mis-overview{suffix(lang)}.png", full_page=True)
    page.locator(".tab", has_text=words["league"]).click()
    rows = page.locator(".ag-center-cols-container .ag-row")
    expect(rows.first).to_be_visible(timeout=30_000)
    before = page.locator(".ag-cell[col-id=type_name]").all_inner_texts()
    assert len(set(before)) > 1
    page.screenshot(path=OUTPUT / f"mis-league{suffix(lang)}.png", full_page=True)
    page.locator("#type").click()
    page.get_by_role("option", name=words["police"], exact=True).click()
    expect(page.locator(".ag-cell[col-id=type_name]").first).to_have_text(
        words["police"], timeout=30_000
    )
    after = page.locator(".ag-cell[col-id=type_name]").all_inner_texts()
    assert set(after) == {words["police"]}
    page.screenshot(path=OUTPUT / f"mis-league-police{suffix(lang)}.png", full_page=True)
    page.locator(".ag-cell[col-id=stakeholder]").first.click()
    expect(page.get_by_text(words["by_quarter"])).to_be_visible(timeout=30_000)
    page.screenshot(path=OUTPUT / f"mis-profile{suffix(lang)}.png", full_page=True)
    page.locator(".tab", has_text=words["funnel"]).click()
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=30_000)
    page.screenshot(path=OUTPUT / f"mis-funnel{suffix(lang)}.png", full_page=True)
    # A dot names its stakeholder on hover and opens its profile on a click.
    dot = page.locator("#funnel-graph .scatterlayer .trace").last.locator("path.point").first
    # Plotly's drag layer lies over the dots and takes the pointer, as it does for a person.
    where = dot.bounding_box()
    x, y = where["x"] + where["width"] / 2, where["y"] + where["height"] / 2
    page.mouse.move(x, y)
    hover = page.locator(".hoverlayer .hovertext").first
    expect(hover).to_be_visible(timeout=10_000)
    if lang == "bn":  # the dot is named in Bengali, as the grid names it
        assert any("\u0980" <= c <= "\u09ff" for c in hover.text_content() or "")
    page.mouse.click(x, y)
    expect(page.get_by_text(words["by_quarter"])).to_be_visible(timeout=30_000)
    expect(page.locator("table.answers")).to_be_visible()
    # A heatmap cell opens the league table of that district and type.
    page.locator(".tab", has_text=words["heatmap"]).click()
    heat = page.locator("#area-heatmap .nsewdrag").first
    expect(heat).to_be_visible(timeout=30_000)
    box = heat.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.5)
    # The grid was already narrowed to one type: what the cell must add is its district, so
    # wait until the rows are of one district.
    cells = page.locator(".ag-cell[col-id=district]")
    districts = settle(lambda: set(cells.all_inner_texts()), lambda found: len(found) == 1)
    assert len(districts) == 1 and districts <= words["districts"], districts
    kinds = set(page.locator(".ag-cell[col-id=type_name]").all_inner_texts())
    assert len(kinds) == 1, kinds  # and the cell's type
    page.close()
    assert violations == []


@LANGS
def test_a_funder_sees_the_summary_and_is_refused_the_rest(browser, server, lang):
    words = WORDS[lang]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    in_language(page, server, FUNDER, lang, "/mis/funder/")
    expect(page.locator("table.totals")).to_be_visible(timeout=30_000)
    # Totals from the release, and every blank says why it is blank.
    assert words["rated"] in page.locator("table.totals caption").inner_text()
    cells = page.locator("table.plain:not(.totals) td").all_inner_texts()
    assert cells and not [c for c in cells if c == "—"], "a blank without its reason"
    assert "—¹" in page.locator("ul.legend").inner_text()
    body = page.locator("main, body").first.inner_text()
    assert any(place in body for place in words["districts"])
    page.screenshot(path=OUTPUT / f"mis-funder{suffix(lang)}.png", full_page=True)
    for path in (
        "/mis/",
        "/mis/export/league-table.csv?period=2026Q3",
        "/mis/report.pdf?period=2026Q3",
    ):
        response = page.request.get(f"{server.url}{path}")
        assert response.status == 403, path
    page.close()


@LANGS
def test_the_dashboard_names_places_and_people_in_the_users_language(browser, server, lang):
    words = WORDS[lang]
    low, high = words["script"]
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    in_language(page, server, STAFF, lang, "/mis/")
    expect(page.locator(".card-value").first).to_be_visible(timeout=30_000)
    page.locator(".tab", has_text=words["league"]).click()
    expect(page.locator(".ag-center-cols-container .ag-row").first).to_be_visible(timeout=30_000)
    districts = set(page.locator(".ag-cell[col-id=district]").all_inner_texts())
    assert districts and districts <= words["districts"], districts
    names = page.locator(".ag-cell[col-id=stakeholder]").all_inner_texts()
    assert names and all(any(low <= c <= high for c in n) for n in names), names[:5]
    # At 1366 px the score and its interval stay in view, pinned beside the name.
    for column in ("stakeholder", "score", "interval"):
        cell = page.locator(f".ag-pinned-left-cols-container .ag-cell[col-id={column}]").first
        box = cell.bounding_box()
        assert box and box["x"] + box["width"] <= 1366, column
    # Each clear change is coloured by its meaning (without eval: the page's CSP holds).
    changed = page.locator(".ag-cell[col-id=change]", has_text=re.compile("▲|▼"))
    coloured = page.locator(".ag-cell[col-id=change].better, .ag-cell[col-id=change].worse")
    assert changed.count() > 0 and coloured.count() == changed.count()
    paging = page.locator(".ag-paging-panel").inner_text()
    assert words["page"] in paging, paging
    if lang != "en":
        assert "Page" not in paging, paging  # AG Grid's own words, translated
    page.screenshot(path=OUTPUT / f"mis-names{suffix(lang)}.png", full_page=True)
    # Services, with service names and places in the user's language.
    page.locator(".tab", has_text=re.compile(words["services"])).click()
    expect(page.locator("table.plain").first).to_be_visible(timeout=30_000)
    services = page.locator("table.plain").first.inner_text()
    assert any(place in services for place in words["districts"]), services[:300]
    if lang != "en":
        assert "South 24 Parganas" not in services and "North 24 Parganas" not in services
    page.screenshot(path=OUTPUT / f"mis-services{suffix(lang)}.png", full_page=True)
    # Best practice: most improved and most declined, worded by meaning.
    page.locator(".tab", has_text=words["best"]).click()
    expect(page.get_by_text(words["declined"])).to_be_visible(timeout=30_000)
    page.screenshot(path=OUTPUT / f"mis-best{suffix(lang)}.png", full_page=True)
    page.close()


@LANGS
def test_the_funder_signs_out_from_the_funder_page(browser, server, lang):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    in_language(page, server, FUNDER, lang, "/mis/funder/")
    expect(page.locator("table.totals")).to_be_visible(timeout=30_000)
    page.get_by_role("button", name=WORDS[lang]["sign_out"]).click()
    page.wait_for_url("**/staff/login")
    assert page.request.get(f"{server.url}/mis/funder/", max_redirects=0).status in (302, 303)
    page.close()
