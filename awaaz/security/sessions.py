"""Staff sessions that live on the server, so that signing out, or being disabled, ends them.

Flask's session cookie is signed but self-contained: a copy taken before sign-out would stay
valid. So the cookie carries only a random token, and the row it names in `staff_sessions`
decides. A session ends on sign-out, after 30 minutes without a request, after 12 hours in
all, or when an admin disables the account or changes its role.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import StaffSession, User
from models.database import begin_write

IDLE = dt.timedelta(minutes=30)
ABSOLUTE = dt.timedelta(hours=12)
# Dash sends many requests per click: write "last seen" at most once a minute.
TOUCH_EVERY = dt.timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes even for timezone-aware columns; they are UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def start(session: Session, user: User, now: dt.datetime) -> str:
    """Open a session for `user`; returns the token for the cookie (never stored)."""
    token = secrets.token_urlsafe(32)
    session.add(StaffSession(token_hash=_hash(token), user_id=user.id, last_seen_at=now))
    return token


def resolve(session: Session, token: str, now: dt.datetime) -> User | None:
    """The user of a live session, or None; ends a session that has run out."""
    row = session.scalars(select(StaffSession).filter_by(token_hash=_hash(token))).first()
    if row is None or row.ended_at is not None:
        return None
    reason = None
    if now - _aware(row.last_seen_at) > IDLE:
        reason = "idle"
    elif now - _aware(row.created_at) > ABSOLUTE:
        reason = "expired"
    elif not row.user.active:
        reason = "disabled"
    if reason is not None:
        begin_write(session)
        row.ended_at, row.ended_reason = now, reason
        session.commit()
        return None
    if now - _aware(row.last_seen_at) > TOUCH_EVERY:
        begin_write(session)  # most requests that touch the session are GETs
        row.last_seen_at = now
        session.commit()
    return row.user


def end(session: Session, token: str, now: dt.datetime, reason: str = "logout") -> None:
    session.execute(
        update(StaffSession)
        .where(StaffSession.token_hash == _hash(token), StaffSession.ended_at.is_(None))
        .values(ended_at=now, ended_reason=reason)
    )


def end_all(session: Session, user_id: int, now: dt.datetime, reason: str) -> None:
    """End every open session of a user (disabled, role changed, password reset)."""
    session.execute(
        update(StaffSession)
        .where(StaffSession.user_id == user_id, StaffSession.ended_at.is_(None))
        .values(ended_at=now, ended_reason=reason)
    )
