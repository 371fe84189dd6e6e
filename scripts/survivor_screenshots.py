"""Screenshots of the survivor flow in Bengali for docs/survivor-flow.md.

Run: .venv/bin/python scripts/survivor_screenshots.py
It starts a throwaway server on synthetic demo data (no real survivor appears), walks the
flow at phone size in Debian's Chromium and writes small PNGs to docs/img/survivor-flow/.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.live import CHROMIUM, CHROMIUM_ARGS, make_kiosk, start_server  # noqa: E402

OUT = ROOT / "docs" / "img" / "survivor-flow"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        server = start_server(Path(folder), voice=True)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 360, "height": 640})

                def shot(name: str) -> None:
                    page.wait_for_load_state("load")
                    page.screenshot(path=OUT / f"{name}.png")

                page.goto(f"{server.url}/")
                shot("1-language")
                page.click("a.tile[lang=bn]")
                page.fill("#code", "ABCDE-FGH0K")
                page.click("button.go")
                shot("2-code-mistake")
                page.fill("#code", server.codes[0])
                page.click("button.go")
                shot("3-whom")
                page.click("a[href$='/whom/police']")
                shot("4-which")
                page.click("button[name=stakeholder] >> nth=0")
                page.click("label:has(input[value=safety]) span")
                page.click("label:has(input[value=last_month]) span")
                shot("5-help")
                page.click("button.go")
                page.click("fieldset.q >> nth=0 >> label.pick >> nth=3 >> span")
                shot("6-questions")
                page.click("button.go")
                page.locator(".err").first.scroll_into_view_if_needed()
                shot("7-missing-answers")
                for fieldset in page.query_selector_all("fieldset.q"):
                    first = fieldset.query_selector("label.pick:not(.dk):not(.check) span")
                    if first:
                        first.click()
                page.locator("textarea").scroll_into_view_if_needed()
                shot("8-comment-and-consent")
                page.click("button.go")
                shot("9-thanks")
                # A shared tablet in kiosk mode, 800 × 1280: the card's keypad, then one
                # question per screen.
                kiosk = browser.new_page(viewport={"width": 800, "height": 1280})
                make_kiosk(kiosk, server.url)
                kiosk.goto(f"{server.url}/bn/")
                kiosk.screenshot(path=OUT / "10-kiosk-keypad.png")
                kiosk.fill("#code", server.codes[1])
                kiosk.click("button.go")
                kiosk.click("a[href$='/whom/social_worker']")
                kiosk.click("button[name=stakeholder] >> nth=0")
                kiosk.click("label:has(input[value=documents]) span")
                kiosk.click("label:has(input[value=last_month]) span")
                kiosk.click("button.go")
                kiosk.wait_for_selector("form.stepped")
                kiosk.screenshot(path=OUT / "11-kiosk-one-question.png")
                browser.close()
        finally:
            server.stop()
    print(f"wrote {len(list(OUT.glob('*.png')))} screenshots to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
