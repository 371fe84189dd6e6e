"""The audit log, newest first, filtered by action, person and dates."""

from __future__ import annotations

import datetime as dt

from flask import render_template, request
from flask_login import current_user
from sqlalchemy import select

from awaaz.console.admin import PAGE, bp
from models import (
    AuditEvent,
)
from models.audit import record
from models.database import db, db_int

# --- the audit log ------------------------------------------------------------------------


@bp.get("/audit")
def audit():
    """The audit log, newest first, filtered by action, person and dates."""
    action = request.args.get("action", "").strip()[:60]
    actor = request.args.get("actor", "").strip()[:254]
    since = _date(request.args.get("from"))
    until = _date(request.args.get("to"))
    page = max(request.args.get("page", 1, type=db_int), 1)
    statement = select(AuditEvent).order_by(AuditEvent.id.desc())
    if action:
        statement = statement.where(AuditEvent.action.startswith(action, autoescape=True))
    if actor:
        statement = statement.where(AuditEvent.actor.contains(actor.lower(), autoescape=True))
    if since:
        statement = statement.where(AuditEvent.at >= since)
    if until:
        statement = statement.where(AuditEvent.at < until + dt.timedelta(days=1))
    events = db.session.scalars(statement.limit(PAGE).offset((page - 1) * PAGE)).all()
    actions = db.session.scalars(
        select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    ).all()
    record(db.session, "audit.viewed", actor=current_user, detail={"action": action or None})
    db.session.commit()
    return render_template(
        "staff/admin/audit.html",
        events=events,
        actions=actions,
        filters={
            "action": action,
            "actor": actor,
            "from": request.args.get("from", ""),
            "to": request.args.get("to", ""),
        },
        page=page,
        more=len(events) == PAGE,
    )


def _date(raw: str | None) -> dt.datetime | None:
    try:
        day = dt.date.fromisoformat(raw or "")
    except ValueError:
        return None
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
