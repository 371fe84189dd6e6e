"""Issuing and revoking field tablets' device tokens (admin page and command line)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from models import DeviceToken, District
from models.audit import record
from models.devices import new_token, token_hash


def issue_token(  # type: ignore[no-untyped-def]
    session: Session, name: str, district: District | None, actor=None
) -> tuple[DeviceToken, str]:
    """A new token for a tablet; the token itself is returned once and never stored."""
    token = new_token()
    row = DeviceToken(
        name=name.strip()[:100],
        token_hash=token_hash(token),
        district=district,
        created_by_id=getattr(actor, "id", None),
    )
    session.add(row)
    session.flush()
    record(
        session,
        "device_token.issued",
        actor=actor,
        target_type="device_token",
        target_id=row.id,
        detail={"name": row.name},
    )
    return row, token


def revoke_token(session: Session, row: DeviceToken, actor=None) -> None:  # type: ignore[no-untyped-def]
    if row.revoked_at is None:
        row.revoked_at = dt.datetime.now(dt.UTC)
        record(
            session,
            "device_token.revoked",
            actor=actor,
            target_type="device_token",
            target_id=row.id,
        )
