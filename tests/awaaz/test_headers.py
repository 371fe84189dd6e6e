"""Every response carries the baseline security headers; survivor pages keep their own CSP."""

import pytest

from models import Role
from tests.factories import UserFactory

PAGES = [
    "/",
    "/bn/",
    "/healthz",
    "/staff/login",
    "/staff/",
    "/mis/",
    "/mis/funder/",
    "/no-such-page",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_response_has_the_security_headers(client, auth, path):
    UserFactory(email="staff@example.org", role=Role.STAFF)
    auth.login("staff@example.org")
    response = client.get(path)
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "object-src 'none'" in headers["Content-Security-Policy"]
    assert headers["Cache-Control"].startswith("no-store")


def test_survivor_pages_keep_their_strict_policy(client):
    policy = client.get("/bn/").headers["Content-Security-Policy"]
    assert policy.startswith("default-src 'self'")


def test_https_requests_get_hsts(client):
    response = client.get("/healthz", base_url="https://localhost")
    assert "max-age" in response.headers["Strict-Transport-Security"]
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
