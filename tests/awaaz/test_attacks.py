"""The app tested as an attacker would: forged forms, missing headers, forced errors,
forged log lines, password spraying. (Access by role: test_access_matrix.py; session replay:
test_sessions.py; code guessing: tests/feedback.)"""

from __future__ import annotations

import logging

import pytest

from awaaz.app import logs
from awaaz.security import access
from awaaz.security.auth import SIGN_IN_LIMITS
from models import Role
from tests.awaaz.test_access_matrix import routes, url_for_rule
from tests.factories import UserFactory
from tests.feedback.test_flow import _token

PASSWORD = "a-long-test-password"
REQUIRED_CSP = (
    "default-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
)


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_every_form_refuses_a_post_without_its_csrf_token(app, client, session, app_config):
    admin = UserFactory(email="admin@example.org", role=Role.ADMIN)
    token = _token(client.get("/staff/login").get_data(as_text=True))
    signed_in = client.post(
        "/staff/login", data={"email": admin.email, "password": PASSWORD, "csrf_token": token}
    )
    assert signed_in.status_code == 302
    ids = {"user_id": admin.id, "stakeholder_id": 1}
    accepted = []
    posts = [r for r in routes(app) if "POST" in r.methods]
    assert len(posts) > 10
    for rule in posts:
        if rule.rule.endswith("_dash-update-component"):
            continue  # JSON callbacks, read-only; see awaaz.app.factory._exempt_dash_callbacks
        response = client.post(
            url_for_rule(rule, ids), data={"email": "x", "code": "x", "count": 1}
        )
        # The API takes no CSRF token: its writes admit a device token (never a session
        # cookie) or a kiosk tablet's sealed body with a header no form can send, so a
        # signed-in browser's form post is refused there (403) or is no sealed rating (422).
        refused = (403, 422) if rule.rule.startswith("/api/") else (400,)
        if response.status_code not in refused:
            accepted.append(f"{rule.rule} {response.status_code}")
    assert accepted == []


def test_security_headers_on_every_route(app, client, session):
    admin = UserFactory(email="admin@example.org", role=Role.ADMIN)
    client.post("/staff/login", data={"email": admin.email, "password": PASSWORD})
    ids = {"user_id": admin.id, "stakeholder_id": 1}
    missing = []
    for rule in routes(app):
        if "GET" not in rule.methods:
            continue
        response = client.get(url_for_rule(rule, ids), base_url="https://localhost")
        response.close()
        headers = response.headers
        csp = headers.get("Content-Security-Policy", "")
        problems = [part for part in REQUIRED_CSP if part not in csp]
        if "unsafe-inline" in csp.split("style-src")[0]:
            problems.append("inline script allowed")
        if headers.get("X-Content-Type-Options") != "nosniff":
            problems.append("nosniff")
        if headers.get("Referrer-Policy") != "same-origin":
            problems.append("referrer")
        if "max-age=" not in headers.get("Strict-Transport-Security", ""):
            problems.append("hsts")
        if problems:
            missing.append(f"{rule.rule}: {problems}")
    assert missing == []


@pytest.fixture
def boom(app, monkeypatch):
    monkeypatch.setitem(access.RULES, "/test-boom", access.EVERYONE)
    # As in production: tests otherwise let exceptions through to pytest.
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)

    def explode():
        raise RuntimeError("database password is hunter2\nFAKE 200 admin signed in")

    app.add_url_rule("/test-boom", "boom", explode)


def test_a_forced_exception_shows_no_traceback(client, boom):
    response = client.get("/test-boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Traceback" not in body and "hunter2" not in body and "RuntimeError" not in body
    assert "Something went wrong" in body


def test_a_failure_on_a_survivor_page_shows_the_survivor_page_not_a_staff_one(
    app, client, monkeypatch
):
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)

    def explode():
        raise RuntimeError("database password is hunter2")

    app.view_functions["feedback.choose_language"] = explode
    response = client.get("/")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert 'id="quick-exit"' in body  # the survivor page, with its quick exit
    assert "staff" not in body.lower() and "hunter2" not in body


def test_log_lines_cannot_be_forged_by_input(app, client, boom, caplog):
    handler = app.logger.handlers[0]
    assert isinstance(handler.formatter, logs.OneLineFormatter)
    with caplog.at_level(logging.INFO, logger=app.logger.name):
        client.get("/test-boom")
    assert caplog.records
    for record in caplog.records:
        line = handler.formatter.format(record)
        assert "\n" not in line and "\r" not in line
        assert "\\nFAKE 200" in line  # kept, but escaped inside the one line


def test_logs_carry_no_code_comment_or_password(app, client, session, caplog):
    from tests.factories import StakeholderFactory, SurvivorFactory
    from tests.feedback.test_flow import answers_form

    survivor, police = SurvivorFactory(), StakeholderFactory()
    UserFactory(email="worker@example.org")
    with caplog.at_level(logging.DEBUG):
        client.post(
            "/staff/login", data={"email": "worker@example.org", "password": "wrong-pass-9"}
        )
        client.post("/bn/", data={"code": survivor.code})
        client.post("/bn/whom/police", data={"stakeholder": police.id})
        client.post("/bn/help", data={"service": "safety", "when": "last_month"})
        client.post("/bn/questions", data=answers_form(comment="secret comment about Rina"))
    text = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (survivor.code, survivor.code.replace("-", ""), "Rina", "wrong-pass-9"):
        assert secret not in text


def test_password_spraying_from_one_address_is_throttled(client, session):
    for n in range(12):
        UserFactory(email=f"user{n}@example.org")
    per_minute = int(SIGN_IN_LIMITS.split(" ")[0])
    statuses = [
        client.post(
            "/staff/login", data={"email": f"user{n}@example.org", "password": "Spring2026!!"}
        ).status_code
        for n in range(per_minute + 1)
    ]
    assert statuses[:per_minute] == [401] * per_minute
    assert statuses[-1] == 429
