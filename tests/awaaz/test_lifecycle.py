"""Backups restore to the same data, on SQLite and PostgreSQL; the purge erases what is past
retention (original comments first) and says so in the audit log."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import create_engine, select

from awaaz import create_app
from awaaz.ops import lifecycle, migrate
from awaaz.ops.demo import seed_demo
from models import AuditEvent, Base, Comment, Rating, StakeholderQuarter
from models import settings as programme
from models.database import db
from models.ratings import CommentStatus
from tests.conftest import BACKENDS, CODE_KEY, fresh_database, make_config
from tests.factories import StakeholderFactory, SurvivorFactory, rate


def _fingerprint(url: str) -> dict[str, str]:
    """A digest of every table's rows, in primary-key order."""
    engine = create_engine(url)
    digests = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            order = [c for c in table.primary_key.columns] or list(table.columns)
            rows = conn.execute(select(table).order_by(*order)).all()
            digests[table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    engine.dispose()
    return digests


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_backup_restores_to_identical_data(backend, tmp_path):
    source = fresh_database(backend, "backup_source", tmp_path)
    target = fresh_database(backend, "backup_target", tmp_path)
    app = create_app(make_config(source))
    with app.app_context():
        migrate.upgrade(db.engine)
        seed_demo(db.session, ratings=300, seed=5, code_key=CODE_KEY, today=dt.date(2026, 8, 15))
        db.engine.dispose()
    before = _fingerprint(source)
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "copy.backup")])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.engine.dispose()
    assert (tmp_path / "copy.backup").stat().st_mode & 0o077 == 0  # owner only
    restored = create_app(make_config(target))
    result = restored.test_cli_runner().invoke(
        args=["restore", "--yes", str(tmp_path / "copy.backup")]
    )
    assert result.exit_code == 0, result.output
    after = _fingerprint(target)
    assert before.keys() == after.keys()
    differ = [name for name in before if before[name] != after[name]]
    # The target's audit log gains one line, its own "restore"; everything else is equal.
    assert differ == ["audit_events"]
    with restored.app_context():
        assert (
            db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id.desc())).first()
            == "restore"
        )
        assert db.session.scalar(select(Rating.id).limit(1)) is not None
        db.session.close()
        db.engine.dispose()


def test_a_backup_never_overwrites_a_file(app, tmp_path):
    (tmp_path / "exists").write_text("keep me")
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "exists")])
    assert result.exit_code != 0 and "already exists" in result.output
    assert (tmp_path / "exists").read_text() == "keep me"


def test_purge_erases_original_comments_then_old_ratings(session):
    now = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
    office, a, b = StakeholderFactory(), SurvivorFactory(), SurvivorFactory()
    old = rate(office, a, 60, dt.date(2024, 1, 1))
    recent = rate(office, b, 80, dt.date(2026, 10, 1))
    kept_text = Comment(rating=recent, original="recent words", language="bn", created_at=now)
    old_text = Comment(
        rating=old,
        original="old words",
        moderated="old words",
        language="bn",
        status=CommentStatus.REJECTED,
        created_at=now - dt.timedelta(days=400),
    )
    session.add_all([kept_text, old_text])
    programme.write_int(session, programme.COMMENT_RETENTION_DAYS, 180)
    session.flush()

    counted = lifecycle.purge(session, now, dry_run=True)
    assert (counted.comments_erased, counted.ratings_deleted) == (1, 0)
    assert old_text.original == "old words"  # a dry run changes nothing

    lifecycle.purge(session, now)
    session.expire_all()
    assert session.get(Comment, old_text.id).original is None
    assert session.get(Comment, old_text.id).moderated is None  # rejected: nothing kept
    assert session.get(Comment, kept_text.id).original == "recent words"

    programme.write_int(session, programme.RATING_RETENTION_DAYS, 365)
    result = lifecycle.purge(session, now)
    assert result.ratings_deleted == 1
    assert session.scalars(select(Rating.id)).all() == [recent.id]
    quarters = session.scalars(select(StakeholderQuarter.quarter)).all()
    assert quarters == [20264]  # the derived sums forget the deleted rating too
    events = session.scalars(select(AuditEvent).filter_by(action="data.purged")).all()
    assert [e.detail["ratings_deleted"] for e in events] == [0, 1]
