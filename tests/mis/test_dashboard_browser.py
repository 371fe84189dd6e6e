"""Staff and funders use the MIS in a real browser (Debian's Chromium via Playwright)."""

from __future__ import annotations

import re
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


def test_staff_filter_the_league_table_and_open_a_profile(browser, server):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    # Dash runs under default-src 'self' with hashes for its inline script: any violation
    # (a blocked script or style) shows up in the console.
    violations = []
    page.on(
        "console",
        lambda m: "Content Security Policy" in m.text and violations.append(m.text[:200]),
    )
    sign_in(page, server, STAFF)
    page.goto(f"{server.url}/mis/")
    expect(page.locator(".card-value").first).to_be_visible(timeout=30_000)
    page.screenshot(path=OUTPUT / "mis-overview.png", full_page=True)
    page.locator(".tab", has_text="League tables").click()
    rows = page.locator(".ag-center-cols-container .ag-row")
    expect(rows.first).to_be_visible(timeout=30_000)
    before = page.locator(".ag-cell[col-id=type_name]").all_inner_texts()
    assert len(set(before)) > 1
    page.screenshot(path=OUTPUT / "mis-league.png", full_page=True)
    page.locator("#type").click()
    page.get_by_role("option", name="Police station").click()
    expect(page.locator(".ag-cell[col-id=type_name]").first).to_have_text(
        "Police station", timeout=30_000
    )
    after = page.locator(".ag-cell[col-id=type_name]").all_inner_texts()
    assert set(after) == {"Police station"}
    page.screenshot(path=OUTPUT / "mis-league-police.png", full_page=True)
    page.locator(".ag-cell[col-id=stakeholder]").first.click()
    expect(page.get_by_text("Score by quarter")).to_be_visible(timeout=30_000)
    page.screenshot(path=OUTPUT / "mis-profile.png", full_page=True)
    page.locator(".tab", has_text="Funnel plot").click()
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=30_000)
    page.screenshot(path=OUTPUT / "mis-funnel.png", full_page=True)
    # A dot names its stakeholder on hover and opens its profile on a click.
    dot = page.locator("#funnel-graph .scatterlayer .trace").last.locator("path.point").first
    # Plotly's drag layer lies over the dots and takes the pointer, as it does for a person.
    where = dot.bounding_box()
    x, y = where["x"] + where["width"] / 2, where["y"] + where["height"] / 2
    page.mouse.move(x, y)
    expect(page.locator(".hoverlayer .hovertext").first).to_be_visible(timeout=10_000)
    page.mouse.click(x, y)
    expect(page.get_by_text("Score by quarter")).to_be_visible(timeout=30_000)
    expect(page.locator("table.answers")).to_be_visible()
    # A heatmap cell opens the league table of that district and type.
    page.locator(".tab", has_text="Heatmap").click()
    heat = page.locator("#area-heatmap .nsewdrag").first
    expect(heat).to_be_visible(timeout=30_000)
    box = heat.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.5)
    expect(page.locator(".ag-center-cols-container .ag-row").first).to_be_visible(timeout=30_000)
    kinds = set(page.locator(".ag-cell[col-id=type_name]").all_inner_texts())
    assert len(kinds) == 1, kinds  # one type: the cell's
    page.close()
    assert violations == []


def test_a_funder_sees_the_summary_and_is_refused_the_rest(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, server, FUNDER)
    page.goto(f"{server.url}/mis/funder/")
    expect(page.locator("table.totals")).to_be_visible(timeout=30_000)
    # Totals from the release, and every blank says why it is blank.
    assert "Survivors who rated" in page.locator("table.totals caption").inner_text()
    cells = page.locator("table.plain:not(.totals) td").all_inner_texts()
    assert cells and not [c for c in cells if c == "—"], "a blank without its reason"
    assert "—¹" in page.locator("ul.legend").inner_text()
    page.screenshot(path=OUTPUT / "mis-funder.png", full_page=True)
    for path in (
        "/mis/",
        "/mis/export/league-table.csv?period=2026Q3",
        "/mis/report.pdf?period=2026Q3",
    ):
        response = page.request.get(f"{server.url}{path}")
        assert response.status == 403, path
    page.close()


def test_in_bengali_the_dashboard_names_places_and_people_in_bengali(browser, server):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    sign_in(page, server, STAFF)
    page.goto(f"{server.url}/staff/lang/bn?next=/mis/")
    expect(page.locator(".card-value").first).to_be_visible(timeout=30_000)
    page.locator(".tab").nth(1).click()  # the league tables
    expect(page.locator(".ag-center-cols-container .ag-row").first).to_be_visible(timeout=30_000)
    districts = set(page.locator(".ag-cell[col-id=district]").all_inner_texts())
    assert districts and districts <= {"দক্ষিণ ২৪ পরগনা", "উত্তর ২৪ পরগনা"}, districts
    names = page.locator(".ag-cell[col-id=stakeholder]").all_inner_texts()
    assert names and all(any("\u0980" <= c <= "\u09ff" for c in n) for n in names), names[:5]
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
    assert "Page" not in paging and "পাতা" in paging, paging
    page.screenshot(path=OUTPUT / "mis-league-bn.png", full_page=True)
    # Services, in Bengali: service names and places in Bengali, no English left.
    page.locator(".tab", has_text=re.compile(r"^\s*পরিষেবা\s*$")).click()  # not পরিষেবাদাতা
    expect(page.locator("table.plain").first).to_be_visible(timeout=30_000)
    services = page.locator("table.plain").first.inner_text()
    assert "South 24 Parganas" not in services and "দক্ষিণ ২৪ পরগনা" in services
    # Best practice: most improved and most declined, worded by meaning.
    page.locator(".tab", has_text="ভালো কাজের দৃষ্টান্ত").click()
    expect(page.get_by_text("সবচেয়ে বেশি পিছিয়েছে")).to_be_visible(timeout=30_000)
    page.screenshot(path=OUTPUT / "mis-best-bn.png", full_page=True)
    page.close()


def test_the_funder_signs_out_from_the_funder_page(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, server, FUNDER)
    page.goto(f"{server.url}/mis/funder/")
    expect(page.locator("table.totals")).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/staff/login")
    assert page.request.get(f"{server.url}/mis/funder/", max_redirects=0).status in (302, 303)
    page.close()
