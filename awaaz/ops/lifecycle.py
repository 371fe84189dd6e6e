"""Backups, restores and the retention purge.

SQLite is copied with its online backup API (a consistent copy while the app keeps serving);
PostgreSQL with `pg_dump --format=custom` and `pg_restore`. The purge erases what is past
the retention settings — survivors' original comments first, then whole ratings — and is
itself written to the audit log.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from models import Answer, Comment, ErasedRating, Rating, StaffSession
from models import settings as programme
from models.audit import record
from models.ratings import CommentStatus, rebuild_derived


class LifecycleError(RuntimeError):
    """A backup or restore that cannot go ahead; the message says why."""


def _libpq(engine: Engine) -> tuple[list[str], dict[str, str]]:
    """pg_dump/pg_restore connection arguments and environment for the app's database."""
    url = make_url(engine.url)
    args = ["--host", url.host or "localhost", "--port", str(url.port or 5432)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password  # not on the command line, where `ps` shows it
    return [*args, "--dbname", url.database or ""], env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise LifecycleError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return path


def backup(engine: Engine, target: Path) -> None:
    if target.exists():
        raise LifecycleError(f"{target} already exists; choose a new file name")
    if engine.dialect.name == "sqlite":
        with sqlite3.connect(engine.url.database) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        target.chmod(0o600)
        return
    args, env = _libpq(engine)
    subprocess.run(  # noqa: S603 - an argument list, no shell; values from our own settings
        [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *args],
        env=env,
        check=True,
    )
    target.chmod(0o600)


def restore(engine: Engine, source: Path) -> None:
    """Replace the database's contents with a backup's."""
    if not source.is_file():
        raise LifecycleError(f"no backup file at {source}")
    if engine.dialect.name == "sqlite":
        engine.dispose()
        with sqlite3.connect(source) as copy, sqlite3.connect(engine.url.database) as target:
            copy.backup(target)
        return
    args, env = _libpq(engine)
    engine.dispose()
    subprocess.run(  # noqa: S603 - an argument list, no shell; values from our own settings
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            *args,
            str(source),
        ],
        env=env,
        check=True,
    )


@dataclass
class PurgeResult:
    comments_erased: int
    ratings_deleted: int
    sessions_deleted: int


def _count(session: Session, model, condition) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(model).where(condition)) or 0


def purge(session: Session, now: dt.datetime, dry_run: bool = False) -> PurgeResult:
    """Erase what is past retention: original comments, then ratings, then old sessions."""
    comment_days = programme.read_int(session, programme.COMMENT_RETENTION_DAYS)
    rating_days = programme.read_int(session, programme.RATING_RETENTION_DAYS)
    comment_cutoff = now - dt.timedelta(days=comment_days)
    old_comments = (Comment.created_at < comment_cutoff) & Comment.original.is_not(None)
    # A rejected comment has no moderated text worth keeping either.
    old_rejected = (
        (Comment.created_at < comment_cutoff)
        & (Comment.status == CommentStatus.REJECTED)
        & Comment.moderated.is_not(None)
    )
    comments = _count(session, Comment, old_comments | old_rejected)
    ratings = 0
    old_ratings = None
    if rating_days > 0:
        cutoff_month = (now - dt.timedelta(days=rating_days)).date().replace(day=1)
        old_ratings = select(Rating.id).where(Rating.month < cutoff_month)
        ratings = _count(session, Rating, Rating.month < cutoff_month)
    session_cutoff = now - dt.timedelta(days=30)
    old_sessions = StaffSession.ended_at < session_cutoff
    sessions = _count(session, StaffSession, old_sessions)
    result = PurgeResult(comments, ratings, sessions)
    if dry_run:
        return result
    # Bulk statements, with the session's loaded objects expired afterwards rather than
    # updated in Python (SQLite's naive datetimes cannot be compared there).
    bulk = {"synchronize_session": False}
    session.execute(
        update(Comment).where(old_comments).values(original=None), execution_options=bulk
    )
    session.execute(
        update(Comment).where(old_rejected).values(moderated=None), execution_options=bulk
    )
    if old_ratings is not None and ratings:
        # Their UUIDs stay: a tablet's late replay of one must not store it again.
        session.execute(
            insert(ErasedRating).from_select(
                ["client_uuid"],
                select(Rating.client_uuid).where(Rating.id.in_(old_ratings)),
                include_defaults=False,  # erased_at from the database's clock
            )
        )
        session.execute(
            delete(Answer).where(Answer.rating_id.in_(old_ratings)), execution_options=bulk
        )
        session.execute(
            delete(Comment).where(Comment.rating_id.in_(old_ratings)), execution_options=bulk
        )
        session.execute(delete(Rating).where(Rating.id.in_(old_ratings)), execution_options=bulk)
        rebuild_derived(session)
    session.execute(delete(StaffSession).where(old_sessions), execution_options=bulk)
    session.expire_all()
    record(
        session,
        "data.purged",
        detail={
            "comments_erased": comments,
            "ratings_deleted": ratings,
            "sessions_deleted": sessions,
            "comment_retention_days": comment_days,
            "rating_retention_days": rating_days,
        },
    )
    return result
