"""Staff sessions live on the server: a cookie copied before sign-out, or kept by a disabled
user, signs nobody in; sessions end after 30 minutes idle and 12 hours in all."""

import datetime as dt

import pytest
from sqlalchemy import select

from awaaz.security import sessions
from models import Role, StaffSession, User
from tests.factories import UserFactory


def cookie(client) -> str:
    return client.get_cookie("awaaz").value


def replay(client, value: str):
    client.set_cookie("awaaz", value)
    return client.get("/staff/")


def test_a_cookie_captured_before_sign_out_is_dead_after_it(client, auth):
    UserFactory(email="worker@example.org", role=Role.STAFF)
    auth.login("worker@example.org")
    captured = cookie(client)
    assert client.get("/staff/").status_code == 200
    auth.logout()
    response = replay(client, captured)
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_disabling_a_user_kills_her_open_session(client, auth, session):
    user = UserFactory(email="worker@example.org", role=Role.STAFF)
    auth.login("worker@example.org")
    assert client.get("/staff/").status_code == 200
    session.execute(User.__table__.update().where(User.id == user.id).values(active=False))
    session.commit()
    assert client.get("/staff/").status_code == 302
    ended = session.scalars(select(StaffSession).filter_by(user_id=user.id)).one()
    assert ended.ended_reason == "disabled"


def test_each_sign_in_gets_a_new_session(client, auth, session):
    UserFactory(email="worker@example.org", role=Role.STAFF)
    auth.login("worker@example.org")
    first = cookie(client)
    auth.login("worker@example.org")
    second = cookie(client)
    assert first != second
    assert replay(client, second).status_code == 200
    rows = session.scalars(select(StaffSession)).all()
    assert len({row.token_hash for row in rows}) == 2


@pytest.mark.parametrize(
    ("idle", "age", "alive"),
    [
        (dt.timedelta(minutes=29), dt.timedelta(hours=1), True),
        (dt.timedelta(minutes=31), dt.timedelta(hours=1), False),
        (dt.timedelta(minutes=5), dt.timedelta(hours=12, minutes=1), False),
    ],
)
def test_idle_and_absolute_timeouts(session, idle, age, alive):
    user = UserFactory(role=Role.STAFF)
    start = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)
    token = sessions.start(session, user, start)
    session.flush()
    row = session.scalars(select(StaffSession)).one()
    row.created_at = start
    now = start + age
    row.last_seen_at = now - idle
    assert (sessions.resolve(session, token, now) is not None) is alive


def test_the_session_cookie_is_httponly_and_samesite(client, auth):
    UserFactory(email="worker@example.org")
    response = auth.login("worker@example.org")
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header
    assert "Expires" not in header and "Max-Age" not in header  # gone when the browser closes


@pytest.mark.parametrize("app_config", [{"SESSION_COOKIE_SECURE": True}])
def test_over_https_the_cookie_is_secure_and_host_prefixed(client, app_config):
    UserFactory(email="worker@example.org")
    response = client.post(
        "/staff/login",
        data={"email": "worker@example.org", "password": "a-long-test-password"},
        base_url="https://localhost",
    )
    header = response.headers["Set-Cookie"]
    assert header.startswith("__Host-awaaz=") and "Secure" in header and "Path=/" in header
    assert "Domain" not in header
