"""The tablets in kiosk mode: listed, stopped, and their wrong-code lock-out cleared.

A field worker sees and manages the kiosks of her own district; programme staff and admins
see all. Clearing a lock-out is for the survivor standing at the tablet with her didi: the
tablet's wrong-code limits start again from zero. Every change is audited.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from models import AuditEvent, Kiosk, Role
from models.audit import record
from models.database import db

bp = Blueprint("kiosks", __name__, url_prefix="/staff/kiosks")


def _visible():  # type: ignore[no-untyped-def]
    statement = select(Kiosk).order_by(Kiosk.created_at.desc(), Kiosk.id.desc())
    if current_user.role is Role.FIELD:
        statement = statement.where(Kiosk.district_id == current_user.district_id)
    return statement


def _own(kiosk_id: int) -> Kiosk:
    kiosk = db.session.scalars(_visible().where(Kiosk.id == kiosk_id)).first()
    if kiosk is None:
        abort(404)  # another district's tablet is as unknown as none
    return kiosk


# How far back the list counts the ratings the server refused from each tablet.
REFUSED_DAYS = 30


def _refused(kiosks: list[Kiosk], now: dt.datetime) -> dict[int, int]:
    """Ratings each tablet sent that the server refused lately: they wait on the tablet under
    "needs attention" for its didi (docs/offline.md)."""
    ids = [str(k.id) for k in kiosks]
    rows = db.session.execute(
        select(AuditEvent.target_id, func.count())
        .where(
            AuditEvent.action == "tablet.refused",
            AuditEvent.target_type == "kiosk",
            AuditEvent.target_id.in_(ids),
            AuditEvent.at >= now - dt.timedelta(days=REFUSED_DAYS),
        )
        .group_by(AuditEvent.target_id)
    )
    return {int(kiosk_id): count for kiosk_id, count in rows}


@bp.get("")
def listing():
    now = dt.datetime.now(dt.UTC)
    kiosks = db.session.scalars(_visible().limit(200)).all()
    refused = _refused(kiosks, now)
    return render_template(
        "staff/kiosks.html", kiosks=kiosks, now=now, refused=refused, days=REFUSED_DAYS
    )


@bp.post("/<int:kiosk_id>/stop")
def stop(kiosk_id: int):
    kiosk = _own(kiosk_id)
    if kiosk.revoked_at is None:
        kiosk.revoked_at = dt.datetime.now(dt.UTC)
        record(
            db.session, "kiosk.stopped", actor=current_user, target_type="kiosk", target_id=kiosk.id
        )
        db.session.commit()
    flash(_l("The tablet is no longer a kiosk. Ratings waiting on it can still be sent."))
    return redirect(url_for(".listing"), 303)


@bp.post("/<int:kiosk_id>/unlock")
def unlock(kiosk_id: int):
    kiosk = _own(kiosk_id)
    kiosk.lockout_generation += 1
    record(
        db.session, "kiosk.unlocked", actor=current_user, target_type="kiosk", target_id=kiosk.id
    )
    db.session.commit()
    flash(_l("Wrong codes on this tablet are forgotten: it can be used again at once."))
    return redirect(url_for(".listing"), 303)
