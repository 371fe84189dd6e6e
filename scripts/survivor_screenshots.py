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

from tests.live import CHROMIUM, CHROMIUM_ARGS, start_server  # noqa: E402

OUT = ROOT / "docs" / "img" / "survivor-flow"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        server = start_server(Path(folder))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 360, "height": 640})

                def shot(name: str) -> None:
                    page.wait_for_load_state("load")
                    page.screenshot(path=OUT / f"{name}.png")

                page.goto(f"{server.url}/")
                shot("1-language")
                page.click("a[lang=bn]")
                page.fill("#code", "ABCDE-FGH0K")
                page.click("button.go")
                shot("2-code-mistake")
                page.fill("#code", server.codes[0])
                page.click("button.go")
                shot("3-whom")
                page.click("a[href$='/whom/police']")
                shot("4-which")
                page.click("button[name=stakeholder] >> nth=0")
                page.click("label:has(input[value=safety])")
                page.click("label:has(input[value=last_month])")
                shot("5-help")
                page.click("button.go")
                page.click("fieldset.q >> nth=0 >> label.pick >> nth=3")
                shot("6-questions")
                page.click("button.go")
                page.locator(".err").first.scroll_into_view_if_needed()
                shot("7-missing-answers")
                for fieldset in page.query_selector_all("fieldset.q"):
                    first = fieldset.query_selector("label.pick:not(.dk):not(.check)")
                    if first:
                        first.click()
                page.locator("textarea").scroll_into_view_if_needed()
                shot("8-comment-and-consent")
                page.click("button.go")
                shot("9-thanks")
                browser.close()
        finally:
            server.stop()
    print(f"wrote {len(list(OUT.glob('*.png')))} screenshots to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
