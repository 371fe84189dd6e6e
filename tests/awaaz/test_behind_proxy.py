"""Awaaz as docs/deploy.md deploys it: nginx terminating TLS in front of `awaaz serve`.

CSRF is on, cookies are `__Host-` and Secure, pages send `Referrer-Policy: same-origin`.
Chromium signs a field worker in and walks the survivor flow in Bengali and Hindi through the
proxy, with JavaScript on and off. Rate limits count each real client — the address nginx
saw, not the proxy's, and not one the client claims in its own X-Forwarded-For.
"""

from __future__ import annotations

import functools
import http.client
import http.cookiejar
import ssl
import urllib.error
import urllib.parse
import urllib.request
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
from playwright.sync_api import sync_playwright

from tests.feedback.test_browser import walk_flow
from tests.live import (
    CHROMIUM,
    CHROMIUM_ARGS,
    STAFF_EMAIL,
    STAFF_PASSWORD,
    csrf_token,
    start_server,
)
from tests.proxy import NGINX, start_proxy

pytestmark = pytest.mark.browser

UNVERIFIED = ssl.create_default_context()
UNVERIFIED.check_hostname = False
UNVERIFIED.verify_mode = ssl.CERT_NONE  # the proxy's certificate is a throwaway one


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    assert __import__("os").path.exists(NGINX), "nginx is missing: run `make browser`"
    folder = tmp_path_factory.mktemp("behind-proxy")
    # As in production: secure cookies, one trusted proxy.
    awaaz = start_server(folder / "awaaz", AWAAZ_INSECURE_COOKIES="0", AWAAZ_TRUSTED_PROXIES="1")
    proxy = start_proxy(folder / "nginx", urlparse(awaaz.url).port)
    yield SimpleNamespace(url=proxy.url, awaaz=awaaz, codes=awaaz.codes)
    proxy.stop()
    awaaz.stop()


@pytest.fixture(scope="module")
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_staff_sign_in_over_https(stack, chromium, javascript):
    context = chromium.new_context(ignore_https_errors=True, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{stack.url}/staff/login")
    page.fill("input[name=email]", STAFF_EMAIL)
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    assert urlparse(page.url).path == "/staff/", page.content()[:500]
    cookies = {c["name"]: c for c in context.cookies()}
    assert cookies["__Host-awaaz"]["secure"] is True
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", ["bn", "hi"])
def test_a_survivor_rates_over_https(stack, chromium, lang, javascript):
    context = chromium.new_context(
        ignore_https_errors=True,
        java_script_enabled=javascript,
        viewport={"width": 360, "height": 640},
    )
    page = context.new_page()
    responses = []
    page.on("response", lambda r: responses.append((r.status, r.url)))
    walk = walk_flow(page, stack, stack.codes.pop(), lang, f"proxy-{lang}-{javascript}", axe=False)
    assert walk.page.locator("main").inner_text().strip() != ""
    assert urlparse(page.url).path.endswith("/thanks"), page.url
    assert [r for r in responses if r[0] >= 400] == []
    context.close()


class Client:
    """A browser-like client from its own loopback address (127.0.0.2, 127.0.0.3 …)."""

    def __init__(self, base: str, source: str, headers: dict[str, str] | None = None) -> None:
        self.base = base
        connection = functools.partial(
            http.client.HTTPSConnection, source_address=(source, 0), context=UNVERIFIED
        )

        class FromSource(urllib.request.HTTPSHandler):
            def https_open(self, req):  # type: ignore[no-untyped-def]
                return self.do_open(connection, req)

        self.opener = urllib.request.build_opener(
            FromSource(), urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.opener.addheaders = list((headers or {}).items())

    def sign_in(self, email: str, password: str, referer: bool = True) -> SimpleNamespace:
        """Status, headers and final address of a sign-in through the form."""
        with self.opener.open(f"{self.base}/staff/login") as response:
            page = response.read().decode()
        token = csrf_token(page)
        body = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token})
        request = urllib.request.Request(f"{self.base}/staff/login", data=body.encode())
        if referer:  # what Chromium sends under Referrer-Policy: same-origin
            request.add_header("Referer", f"{self.base}/staff/login")
        try:
            answer = self.opener.open(request)
        except urllib.error.HTTPError as error:
            answer = error
        with answer:
            answer.read()
            return SimpleNamespace(
                status=answer.status, headers=answer.headers, url=answer.geturl()
            )


def test_a_cross_site_post_without_our_referer_is_refused(stack):
    answer = Client(stack.url, "127.0.0.4").sign_in(STAFF_EMAIL, STAFF_PASSWORD, referer=False)
    assert answer.status == 400


def test_sign_in_limits_count_each_real_client(stack):
    sprayer = Client(stack.url, "127.0.0.2")
    statuses = [
        sprayer.sign_in(f"nobody{i}@example.org", "wrong-password-1").status for i in range(11)
    ]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
    refused = sprayer.sign_in("nobody@example.org", "wrong-password-1")
    assert int(refused.headers["Retry-After"]) > 0
    # Claiming another address does not buy a fresh allowance: nginx replaces the header.
    forged = Client(stack.url, "127.0.0.2", {"X-Forwarded-For": "10.9.9.9"})
    assert forged.sign_in("nobody@example.org", "wrong-password-1").status == 429
    # Another survivor's field worker, at another address, is not locked out by the sprayer.
    neighbour = Client(stack.url, "127.0.0.3")
    assert neighbour.sign_in(STAFF_EMAIL, STAFF_PASSWORD).url.endswith("/staff/")
