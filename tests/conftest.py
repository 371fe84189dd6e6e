"""Fixtures: a migrated database per backend, an app per test in a rolled-back transaction.

Every test that uses `app` runs on SQLite and, when AWAAZ_TEST_POSTGRES_URL is set, on
PostgreSQL as well. Each run starts from fresh tables: the PostgreSQL schema is dropped and
migrated anew, the SQLite file lives in a temporary folder.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import create_engine, make_url, text

from awaaz import create_app
from awaaz.ops import migrate
from feedback import voice
from feedback.limits import limiter
from mis import cache as mis_cache
from models.database import db
from models.reference import load_reference_data

POSTGRES_URL = os.environ.get("AWAAZ_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]
CODE_KEY = "test-code-key"


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
        conn.execute(text("DROP FUNCTION IF EXISTS awaaz_audit_append_only() CASCADE"))
    engine.dispose()


CREATED_DATABASES: set[str] = set()


def fresh_database(backend: str, name: str, tmp_path) -> str:  # type: ignore[no-untyped-def]
    """An empty database of its own, for tests that run servers or restore backups.

    On PostgreSQL it is named after the database of AWAAZ_TEST_POSTGRES_URL (`test_durability`
    beside `test`), so that two checkouts testing against two databases never meet, and it is
    dropped when the test session ends.
    """
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / name}.sqlite3"
    name = f"{make_url(POSTGRES_URL).database}_{name}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    CREATED_DATABASES.add(name)
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session", autouse=True)
def _drop_created_databases() -> Iterator[None]:
    yield
    if not CREATED_DATABASES:
        return
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in sorted(CREATED_DATABASES):
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def make_config(url: str, **extra: object) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "AWAAZ_CODE_KEY": CODE_KEY,
        "SQLALCHEMY_ENGINES": {"default": url},
        # The test-client suites post forms without a page to take a token from. CSRF is on
        # where it is tested (app_config {"WTF_CSRF_ENABLED": True}) and in every live server
        # (tests/live.py: `awaaz serve`, production settings, real browsers).
        "WTF_CSRF_ENABLED": False,
        # The test client speaks plain http; the __Host- cookies are tested behind TLS
        # (tests/awaaz/test_behind_proxy.py).
        "SESSION_COOKIE_SECURE": False,
        **extra,
    }


def migrated_database(url: str) -> str:
    """Bring a database to the newest schema with reference data, as `awaaz init-db` does."""
    app = create_app(make_config(url))
    with app.app_context():
        migrate.upgrade(db.engine)
        load_reference_data(db.session)
        db.session.commit()
        db.engine.dispose()
    return url


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory) -> str:
    if request.param == "postgresql":
        reset_postgres(POSTGRES_URL)
        return migrated_database(POSTGRES_URL)
    path = tmp_path_factory.mktemp("db") / "awaaz.sqlite3"
    return migrated_database(f"sqlite:///{path}")


@pytest.fixture
def app_config() -> dict:
    """Extra settings for one test's app; override in a test module to change them."""
    return {}


@pytest.fixture
def app(database_url, app_config) -> Iterator[Flask]:
    """The app, with every session of the test joined to one transaction rolled back after.

    Sessions (including those of test-client requests) bind to a single connection and turn
    their own commits into savepoints, as warehouse's tests do.
    """
    app = create_app(make_config(database_url, **app_config))
    with app.app_context():
        limiter.reset()  # one limiter serves every app in this process: start each test clean
        mis_cache.clear()  # rolled-back tests can reuse ids, so no result may outlive a test
        voice.forget()  # nor a clip index
        engine = db.engine
        connection = engine.connect()
        transaction = connection.begin()
        db.sessionmaker.configure(bind=connection, join_transaction_mode="create_savepoint")
        try:
            yield app
        finally:
            db.session.close()
            transaction.rollback()
            connection.close()
            engine.dispose()


@pytest.fixture
def session(app):
    return db.session


def _fresh_context(wsgi_app):  # type: ignore[no-untyped-def]
    """Run each request in an empty contextvars context.

    Flask reuses an app context that is already pushed, and the `app` fixture keeps one
    pushed for the test body. Without this, `g`, `current_user` and the database session
    would leak from one test request into the next, which never happens in production.
    """

    def run(environ, start_response):  # type: ignore[no-untyped-def]
        return contextvars.Context().run(wsgi_app, environ, start_response)

    return run


@pytest.fixture
def client(app):
    app.wsgi_app = _fresh_context(app.wsgi_app)
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client) -> None:
        self._client = client

    def login(self, email: str, password: str = "a-long-test-password"):
        return self._client.post("/staff/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/staff/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)
