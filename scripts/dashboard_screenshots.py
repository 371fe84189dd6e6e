"""Screenshots of the MIS for docs/dashboard.md, from a synthetic demo programme.

Run: .venv/bin/python scripts/dashboard_screenshots.py
Starts a throwaway server with 20,000 demo ratings, signs in as staff and as a funder in
Debian's Chromium, and writes PNGs to docs/img/dashboard/.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.live import CHROMIUM, CHROMIUM_ARGS, start_server  # noqa: E402

OUT = ROOT / "docs" / "img" / "dashboard"
USERS = {
    "staff": ("staff@docs.test", "a-long-docs-password"),
    "funder": ("funder@docs.test", "a-long-docs-password"),
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        server = start_server(Path(folder), ratings=20_000)
        for role, (email, password) in USERS.items():
            server.create_user(email, role, password)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 900})

                def sign_in(role: str) -> None:
                    page.goto(f"{server.url}/staff/login")
                    page.fill("input[name=email]", USERS[role][0])
                    page.fill("input[name=password]", USERS[role][1])
                    page.click("main button[type=submit]")
                    page.wait_for_url(f"{server.url}/staff/")

                def tab(name: str, ready: str, shot: str) -> None:
                    page.locator(".tab", has_text=name).click()
                    expect(page.locator(ready).first).to_be_visible(timeout=60_000)
                    page.wait_for_timeout(800)
                    page.screenshot(path=OUT / f"{shot}.png")

                sign_in("staff")
                page.goto(f"{server.url}/mis/")
                expect(page.locator(".card-value").first).to_be_visible(timeout=60_000)
                page.wait_for_timeout(800)
                page.screenshot(path=OUT / "1-overview.png")
                page.locator("#type").click()
                page.get_by_role("option", name="Police station").click()
                page.keyboard.press("Escape")
                tab("League tables", ".ag-row", "2-league-table")
                tab("Funnel plot", ".js-plotly-plot", "3-funnel")
                page.locator(".tab", has_text="League tables").click()
                expect(page.locator(".ag-row").first).to_be_visible(timeout=60_000)
                page.locator(".ag-cell[col-id=stakeholder]").first.click()
                expect(page.get_by_text("Score by quarter")).to_be_visible(timeout=60_000)
                page.wait_for_timeout(800)
                page.screenshot(path=OUT / "4-profile.png", full_page=True)
                page.locator("#type").click()
                page.get_by_role("option", name="Police station").click()
                page.keyboard.press("Escape")
                tab("Heatmap", ".js-plotly-plot", "5-heatmap")
                tab("Services", "table.plain", "8-services")
                # Best practice across every type: the police alone have no clear change.
                page.goto(f"{server.url}/mis/")
                expect(page.locator(".card-value").first).to_be_visible(timeout=60_000)
                tab("Best practice", "h3:has-text('Most declined')", "6-best-practice")
                # The same league table in Bengali: names, places and the grid's own words.
                page.goto(f"{server.url}/staff/lang/bn?next=/mis/")
                expect(page.locator(".card-value").first).to_be_visible(timeout=60_000)
                page.locator(".tab").nth(1).click()
                expect(page.locator(".ag-row").first).to_be_visible(timeout=60_000)
                page.wait_for_timeout(800)
                page.screenshot(path=OUT / "9-league-bn.png")
                page.goto(f"{server.url}/staff/lang/en?next=/staff/")
                page.goto(f"{server.url}/staff/")
                page.click("header button[type=submit]")
                sign_in("funder")
                page.goto(f"{server.url}/mis/funder/")
                expect(page.locator("table.totals")).to_be_visible(timeout=60_000)
                page.wait_for_timeout(800)
                page.screenshot(path=OUT / "7-funder.png", full_page=True)
                browser.close()
        finally:
            server.stop()
    print(f"wrote {len(list(OUT.glob('*.png')))} screenshots to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
