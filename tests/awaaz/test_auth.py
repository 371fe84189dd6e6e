"""Staff sign-in: one answer for every failure, lock-out, roles, audit, CSRF, sign-out."""

import pytest
from sqlalchemy import select

from awaaz.security.auth import MAX_FAILURES
from models import AuditEvent, Role
from tests.factories import UserFactory

WRONG = "not-the-password"


def actions(session):
    return [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_sign_in_page_has_a_form(client):
    response = client.get("/staff/login")
    assert response.status_code == 200
    assert b'name="password"' in response.data


def test_a_staff_member_signs_in_and_reaches_the_console(client, auth, session):
    user = UserFactory(email="worker@example.org", role=Role.STAFF)
    response = auth.login("Worker@Example.org")
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    assert b"worker@example.org" in client.get("/staff/").data
    assert actions(session) == ["login.succeeded"]
    session.refresh(user)
    assert user.last_login_at is not None


def test_unknown_user_and_wrong_password_get_the_same_answer(auth, session):
    UserFactory(email="worker@example.org")
    wrong = auth.login("worker@example.org", WRONG)
    unknown = auth.login("nobody@example.org", WRONG)
    assert wrong.status_code == unknown.status_code == 401
    # The form echoes the e-mail typed; apart from that the two pages are identical.
    assert wrong.data.replace(b"worker@", b"") == unknown.data.replace(b"nobody@", b"")
    assert b"do not match an active account" in wrong.data
    assert actions(session) == ["login.failed", "login.failed"]


def test_repeated_failures_lock_the_account(auth, session):
    user = UserFactory(email="worker@example.org")
    for _ in range(MAX_FAILURES):
        auth.login("worker@example.org", WRONG)
    assert auth.login("worker@example.org").status_code == 401
    session.refresh(user)
    assert user.locked_until is not None


def test_a_disabled_account_cannot_sign_in(auth):
    UserFactory(email="gone@example.org", active=False)
    assert auth.login("gone@example.org").status_code == 401


def test_the_console_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


def test_sign_out_ends_the_session_and_clears_site_data(client, auth):
    UserFactory(email="worker@example.org")
    auth.login("worker@example.org")
    response = auth.logout()
    assert response.status_code == 302
    assert "cookies" in response.headers["Clear-Site-Data"]
    assert client.get("/staff/").status_code == 302


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_sign_in_without_the_csrf_token_is_refused(client, app_config):
    UserFactory(email="worker@example.org")
    response = client.post(
        "/staff/login", data={"email": "worker@example.org", "password": "a-long-test-password"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example/",
        "/%5C/evil.example/",
        "//evil.example/",
        "https://evil.example/",
        "/staff/%0D%0ASet-Cookie:x=1",
        "javascript:alert(1)",
    ],
)
def test_the_language_switch_goes_nowhere_but_this_site(client, target):
    response = client.get(f"/staff/lang/bn?next={target}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"


def test_the_language_switch_goes_back_to_a_page_of_this_site(client):
    response = client.get("/staff/lang/bn?next=/staff/alerts")
    assert response.headers["Location"] == "/staff/alerts"
