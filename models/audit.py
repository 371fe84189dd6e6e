"""The append-only audit log.

Rows are only ever inserted. The migration that creates the table also installs triggers that
make SQLite and PostgreSQL refuse UPDATE and DELETE on it, so that not even code with a bug (or
an insider with the application's credentials) can rewrite history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, created_at, intpk
from .database import begin_write


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[intpk]
    at: Mapped[created_at]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The actor's e-mail and role at the time, so the log stays readable if the user changes.
    actor: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


def record(
    session: Any,
    action: str,
    *,
    actor: Any = None,
    target_type: str | None = None,
    target_id: object = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one audit event to the session; the caller's transaction commits it.

    Recording is a write even on a page that only reads: the transaction takes the write
    lock first (`begin_write`), so that concurrent pages wait rather than fail.
    """
    begin_write(session)
    event = AuditEvent(
        at=dt.datetime.now(dt.UTC),
        actor_id=getattr(actor, "id", None),
        actor=getattr(actor, "email", None),
        role=str(actor.role) if getattr(actor, "role", None) else None,
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        detail=detail,
    )
    session.add(event)
    return event
