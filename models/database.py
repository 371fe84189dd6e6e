"""The database handle shared by the web packages, and engine set-up for SQLite durability."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from pathlib import Path

from flask_sqlalchemy_lite import SQLAlchemy
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

db = SQLAlchemy()

SQLITE_BUSY_TIMEOUT_MS = 30_000
WRITE = {"awaaz_write": True}
# Set by the web layer for the length of a request that changes data (a form post): every
# transaction it opens on SQLite then takes the write lock up front (see configure_engine).
# The largest id or count a request may name: INTEGER columns on PostgreSQL hold 32 bits, and
# SQLite refuses Python integers beyond 64.
MAX_ID = 2**31 - 1


def db_int(raw: str) -> int:
    """A request's number as an integer any column can hold (`type=db_int` in `args.get`);
    ValueError otherwise, so the caller's default applies instead of a database error."""
    value = int(raw)
    if not -MAX_ID <= value <= MAX_ID:
        raise ValueError(raw)
    return value


WRITE_INTENT: ContextVar[bool] = ContextVar("awaaz_write_intent", default=False)


def configure_engine(engine: Engine) -> None:
    """Make SQLite durable and safe under concurrent writers; PostgreSQL needs nothing.

    WAL lets readers and one writer work at once; synchronous=FULL makes an acknowledged
    commit survive power loss; the busy timeout makes a writer wait instead of failing.
    pysqlite's own transaction handling is switched off so that SQLAlchemy emits BEGIN
    itself: savepoints then work (test isolation relies on them), and write transactions can
    start with BEGIN IMMEDIATE. A deferred transaction that reads and then writes fails at
    once with "database is locked" if another writer committed in between, whatever the
    busy timeout; taking the write lock up front makes it wait its turn instead.
    """
    if engine.dialect.name != "sqlite" or getattr(engine, "_awaaz_configured", False):
        return
    engine._awaaz_configured = True  # type: ignore[attr-defined]
    _owner_only(engine.url.database)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    # SQLite lets one writer in at a time and makes the others poll with growing sleeps (up
    # to 100 ms each), which under load turns into seconds of latency. Writers of this
    # process queue on a lock instead and are woken the moment the writer before them ends;
    # only writers of other processes still meet SQLite's busy handler.
    writers = threading.RLock()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # type: ignore[no-untyped-def]
        immediate = WRITE_INTENT.get() or connection.get_execution_options().get(
            "awaaz_write", False
        )
        if immediate:
            writers.acquire()
            connection.info["awaaz_writer"] = True
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                _release(connection)
                raise
        else:
            connection.exec_driver_sql("BEGIN")

    def _release(connection) -> None:  # type: ignore[no-untyped-def]
        if connection.info.pop("awaaz_writer", False):
            writers.release()

    event.listen(engine, "commit", _release)
    event.listen(engine, "rollback", _release)


def _owner_only(database: str | None) -> None:
    """The database file readable by its owner alone; SQLite gives its WAL and shared-memory
    files the same permissions as the database file when it creates them."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.exists():
        if not path.parent.is_dir():
            return  # a misconfigured path: SQLite's own error says so at the first query
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        with suppress(FileNotFoundError):
            name.chmod(0o600)


@contextmanager
def write_transaction(session: Session) -> Iterator[Session]:
    """Run a block in its own transaction that holds the write lock from its start; commits.

    A request's session has usually begun a transaction already with its reads (finding the
    survivor, say). Nesting inside it would leave the write uncommitted until someone else
    committed, so that transaction is committed first and the write gets a transaction of its
    own. Callers therefore must not rely on rolling back work done before this block.
    """
    if session.in_transaction():
        session.commit()
    with session.begin():
        # Procuring the connection inside begin() is what emits BEGIN IMMEDIATE.
        session.connection(execution_options=WRITE)
        yield session


def begin_write(session: Session) -> None:
    """From here on, the session's transaction holds SQLite's write lock (waiting its turn).

    For requests that mostly read and then write a little — a GET that records an audit
    event or a staff session's last-seen time. Their transaction began deferred with the
    reads; its first write would fail at once with "database is locked" whenever another
    request wrote in between, whatever the busy timeout. The reads so far are committed (they
    changed nothing) and a transaction that takes the lock up front begins. On PostgreSQL,
    in a transaction that already holds the lock (every form post), and when the session holds
    changes of its own not yet written, it does nothing.
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        if session.connection().info.get("awaaz_writer"):
            return
        if session.new or session.dirty or session.deleted:
            # Work of the caller's that must commit with what follows: keep one transaction
            # (a command-line run, with no other writer to race).
            return
        session.commit()
    session.connection(execution_options=WRITE)
