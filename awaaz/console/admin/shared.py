"""Helpers the admin pages share."""

from __future__ import annotations

import datetime as dt

from flask import flash, redirect, url_for
from flask_login import current_user
from sqlalchemy import select

from models import (
    District,
)
from models.audit import record
from models.database import db


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def district_choices(blank: bool = True) -> list[tuple[int, str]]:
    districts = db.session.scalars(select(District).order_by(District.name))
    return ([(0, "—")] if blank else []) + [(d.id, d.name) for d in districts]


def created_response(row, kind: str, message: str, endpoint: str, detail: dict | None = None):  # type: ignore[no-untyped-def]
    """Store a new record, audit its creation, and go back to its list with a message."""
    db.session.add(row)
    db.session.flush()
    record(
        db.session,
        f"{kind}.created",
        actor=current_user,
        target_type=kind,
        target_id=row.id,
        detail=detail,
    )
    db.session.commit()
    flash(message)
    return redirect(url_for(endpoint), 303)
