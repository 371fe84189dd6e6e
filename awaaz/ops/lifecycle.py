"""Backups, restores and the retention purge.

SQLite is copied with its online backup API (a consistent copy while the app keeps serving);
PostgreSQL with `pg_dump --format=custom` and `pg_restore`. A backup is one owner-only
tar.gz of the database, the keys that open it and a manifest (awaaz/ops/keys.py). The purge
erases what is past the retention settings — survivors' original comments first, then whole
ratings — and is itself written to the audit log.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from awaaz.ops.keys import CODE_KEY_CHECK, Keys
from models import Answer, Comment, ErasedRating, HeldRating, Rating, StaffSession
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


BACKUP_FORMAT = "awaaz-backup-2"
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


def _dump(engine: Engine, target: Path) -> None:
    """The database alone: SQLite's online backup, or pg_dump's custom format."""
    if engine.dialect.name == "sqlite":
        with sqlite3.connect(engine.url.database) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        return
    args, env = _libpq(engine)
    subprocess.run(  # noqa: S603 - an argument list, no shell; values from our own settings
        [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *args],
        env=env,
        check=True,
    )


def backup(engine: Engine, target: Path, keys: Keys, code_key_check: str) -> None:
    """One file (tar.gz, owner-only) with the database, the keys that open it and a manifest:
    a database restored without its keys would refuse every survivor's code."""
    if target.exists():
        raise LifecycleError(f"{target} already exists; choose a new file name")
    with tempfile.TemporaryDirectory() as folder:
        name = "database.sqlite3" if engine.dialect.name == "sqlite" else "database.pgdump"
        _dump(engine, Path(folder) / name)
        manifest = {
            "format": BACKUP_FORMAT,
            "database": name,
            "made_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "code_key_check": code_key_check,
            "tablet_key_ids": keys.tablet_ids(),
        }
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            _add(tar, "manifest.json", json.dumps(manifest, indent=2).encode())
            tar.add(Path(folder) / name, arcname=name)
            for filename, text in keys.files().items():
                _add(tar, f"keys/{filename}", text.encode())


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(dt.datetime.now(dt.UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


@dataclass
class BackupContents:
    database: Path
    dialect: str  # "sqlite" or "postgresql"
    keys: Keys | None  # None: a bare database file from before keys were included
    code_key_check: str | None


def open_backup(source: Path, folder: Path) -> BackupContents:
    """Unpack a backup into `folder` (or take an older bare database file as it is)."""
    if not source.is_file():
        raise LifecycleError(f"no backup file at {source}")
    if tarfile.is_tarfile(source):
        with tarfile.open(source) as tar:
            tar.extractall(folder, filter="data")  # no absolute paths, links or devices
        try:
            manifest = json.loads((folder / "manifest.json").read_text())
            if manifest["format"] != BACKUP_FORMAT:
                raise ValueError(manifest["format"])
            database = folder / Path(manifest["database"]).name
            keys = Keys.from_files(folder / "keys")
        except (OSError, ValueError, KeyError, AssertionError):
            raise LifecycleError(f"{source} is not an Awaaz backup") from None
        dialect = "sqlite" if database.suffix == ".sqlite3" else "postgresql"
        return BackupContents(database, dialect, keys, manifest.get("code_key_check"))
    with source.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(SQLITE_MAGIC):
        return BackupContents(source, "sqlite", None, _sqlite_code_check(source))
    if head.startswith(PG_MAGIC):
        return BackupContents(source, "postgresql", None, _pg_code_check(source))
    raise LifecycleError(f"{source} is not an Awaaz backup")


def _sqlite_code_check(path: Path) -> str | None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            row = conn.execute(
                "SELECT value FROM settings WHERE key = ?", (CODE_KEY_CHECK,)
            ).fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def _pg_code_check(path: Path) -> str | None:
    """The settings table's code key check, read from the dump without restoring it."""
    listing = subprocess.run(  # noqa: S603 - an argument list, no shell
        [_tool("pg_restore"), "--data-only", "--table=settings", "--file=-", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for line in listing.splitlines():
        key, _tab, value = line.partition("\t")
        if key == CODE_KEY_CHECK:
            return value.strip()
    return None


def restore(engine: Engine, contents: BackupContents) -> None:
    """Replace the database's contents with a backup's."""
    if contents.dialect != engine.dialect.name:
        raise LifecycleError(
            f"This backup is of a {contents.dialect} database; this server uses "
            f"{engine.dialect.name}."
        )
    source = contents.database
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
    # Ratings of a name "not in the list" that staff never reviewed (feedback/held.py): her
    # words must not outlive the comment rule because nobody got round to the name.
    held_erased: int = 0


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
    old_held = HeldRating.created_at < comment_cutoff
    held = _count(session, HeldRating, old_held)
    result = PurgeResult(comments, ratings, sessions, held)
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
    session.execute(delete(HeldRating).where(old_held), execution_options=bulk)
    session.expire_all()
    record(
        session,
        "data.purged",
        detail={
            "comments_erased": comments,
            "ratings_deleted": ratings,
            "sessions_deleted": sessions,
            "held_erased": held,
            "comment_retention_days": comment_days,
            "rating_retention_days": rating_days,
        },
    )
    return result
