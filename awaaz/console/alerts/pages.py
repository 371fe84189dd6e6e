"""The alert queue and one alert's page: who may see the survivor and her own words, the
notes and the status."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, Optional

from awaaz.console.alerts import KINDS, PAGE, REASONS, STATUSES, bp
from awaaz.web.forms import options
from models import (
    Action,
    Alert,
    AlertNote,
    AlertStatus,
    CommentStatus,
    Role,
    User,
)
from models.audit import record
from models.database import db


def _is_field() -> bool:
    return current_user.role is Role.FIELD


def _visible():  # type: ignore[no-untyped-def]
    """Alerts the signed-in user may see at all."""
    query = select(Alert)
    if _is_field():  # only her own survivors who asked to be contacted
        query = query.where(Alert.field_worker_id == current_user.id)
    return query


def _may_see_survivor(alert: Alert) -> bool:
    """The consent rule: her enrolling field worker and admins, and only with her consent."""
    if alert.survivor_id is None:
        return False
    return current_user.role is Role.ADMIN or alert.field_worker_id == current_user.id


def _may_read_her_words(alert: Alert) -> bool:
    """Her original words and the danger words matched in them: her assigned field worker
    and admins only (SPEC §2.6). Other staff read the moderated text, or nothing."""
    if current_user.role is Role.ADMIN:
        return True
    return alert.field_worker_id is not None and alert.field_worker_id == current_user.id


def _comment_for(alert: Alert, own_words: bool) -> str | None:
    found = alert.rating.comment if alert.rating is not None else None
    if found is None:
        return None
    if own_words:
        return found.original
    return found.moderated if found.status is CommentStatus.APPROVED else None


def _handlers() -> list[tuple[int, str]]:
    users = db.session.scalars(
        select(User)
        .where(User.active.is_(True), User.role.in_([Role.ADMIN, Role.STAFF, Role.FIELD]))
        .order_by(User.email)
    )
    return [(0, "—")] + [(u.id, u.email) for u in users]


class AlertForm(FlaskForm):
    status = SelectField(_l("Status"), choices=options(STATUSES.items()))
    assignee = SelectField(_l("Assigned to"), coerce=int)
    note = TextAreaField(_l("Add a note"), validators=[Optional(), Length(max=2000)])


@bp.get("/alerts")
def queue():
    status = request.args.get("status", "open")
    query = _visible()
    if status == "open":
        query = query.where(Alert.status != AlertStatus.CLOSED)
    elif status in set(AlertStatus):
        query = query.where(Alert.status == AlertStatus(status))
    alerts = db.session.scalars(
        query.order_by(Alert.status == AlertStatus.CLOSED, Alert.created_at.desc()).limit(PAGE)
    ).all()
    counts = dict(
        db.session.execute(
            _visible().with_only_columns(Alert.status, func.count()).group_by(Alert.status)
        ).all()
    )
    record(db.session, "alerts.viewed", actor=current_user, detail={"ids": [a.id for a in alerts]})
    db.session.commit()
    return render_template(
        "staff/alerts.html",
        alerts=alerts,
        counts=counts,
        status=status,
        reasons=REASONS,
        statuses=STATUSES,
    )


def own_alert(alert_id: int) -> Alert:
    alert = db.session.scalars(_visible().where(Alert.id == alert_id)).first()
    if alert is None:
        abort(404)  # another worker's alert is not hers to know about
    return alert


@bp.route("/alerts/<int:alert_id>", methods=["GET", "POST"])
def alert(alert_id: int):
    alert = own_alert(alert_id)
    form = AlertForm(obj=None if request.method == "POST" else alert)
    form.assignee.choices = options(_handlers())
    if request.method == "GET":
        form.status.data = alert.status.value
        form.assignee.data = alert.assignee_id or 0
    if form.validate_on_submit():
        changes = {}
        if form.status.data != alert.status.value:
            changes["status"] = form.status.data
            alert.status = AlertStatus(form.status.data)
        if (form.assignee.data or None) != alert.assignee_id:
            changes["assignee"] = form.assignee.data or None
            alert.assignee_id = form.assignee.data or None
        note = (form.note.data or "").strip()
        if note:
            db.session.add(AlertNote(alert_id=alert.id, author_id=current_user.id, text=note))
            changes["note"] = True  # the note's words stay in the alert, not in the log
        if changes:
            record(
                db.session,
                "alert.updated",
                actor=current_user,
                target_type="alert",
                target_id=alert.id,
                detail=changes,
            )
        db.session.commit()
        flash(_l("Saved."))
        return redirect(url_for(".alert", alert_id=alert.id), 303)
    show_survivor = _may_see_survivor(alert)
    own_words = _may_read_her_words(alert)
    record(
        db.session,
        "alert.viewed",
        actor=current_user,
        target_type="alert",
        target_id=alert.id,
        detail={"survivor_shown": show_survivor, "words_shown": own_words},
    )
    db.session.commit()
    authors = {u.id: u.email for u in db.session.scalars(select(User))}
    actions = db.session.scalars(
        select(Action).where(Action.alert_id == alert.id).order_by(Action.taken_on.desc())
    ).all()
    return render_template(
        "staff/alert.html",
        alert=alert,
        form=form,
        show_survivor=show_survivor,
        own_words=own_words,
        comment=_comment_for(alert, own_words),
        authors=authors,
        actions=actions,
        reasons=REASONS,
        statuses=STATUSES,
        kinds=KINDS,
    )


# --- actions -----------------------------------------------------------------------------
