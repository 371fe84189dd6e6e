"""Safeguarding alerts and the actions taken on stakeholders and alerts.

Programme staff and admins see every alert; a field worker sees only the alerts of survivors
she enrolled who asked to be contacted. The survivor's enrolment number is shown only to her
enrolling field worker and to admins, and only when she asked to be contacted; every view of
an alert is on the audit log, with whether the survivor was shown.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from models import (
    Action,
    ActionKind,
    ActionStatus,
    Alert,
    AlertNote,
    AlertReason,
    AlertStatus,
    CommentStatus,
    EscalatedTo,
    Role,
    Stakeholder,
    User,
)
from models.audit import record
from models.database import db
from models.safeguarding import ACTION_KIND_LABELS, ACTION_STATUS_LABELS, ESCALATION_LABELS

from .forms import options

bp = Blueprint("alerts", __name__, url_prefix="/staff")
PAGE = 50

REASONS = {
    AlertReason.MONEY: _l("Money or a favour was asked"),
    AlertReason.UNSAFE: _l("She felt unsafe or was threatened"),
    AlertReason.LOW_SCORE: _l("Very low score"),
    AlertReason.DANGER_WORDS: _l("Words of danger in the comment"),
}
STATUSES = {
    AlertStatus.NEW: _l("New"),
    AlertStatus.IN_PROGRESS: _l("In progress"),
    AlertStatus.CLOSED: _l("Closed"),
}
KINDS = {kind: _l(label) for kind, label in ACTION_KIND_LABELS.items()}
ESCALATIONS = {to: _l(label) for to, label in ESCALATION_LABELS.items()}
ACTION_STATUSES = {status: _l(label) for status, label in ACTION_STATUS_LABELS.items()}


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


def _own_alert(alert_id: int) -> Alert:
    alert = db.session.scalars(_visible().where(Alert.id == alert_id)).first()
    if alert is None:
        abort(404)  # another worker's alert is not hers to know about
    return alert


@bp.route("/alerts/<int:alert_id>", methods=["GET", "POST"])
def alert(alert_id: int):
    alert = _own_alert(alert_id)
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


class ActionForm(FlaskForm):
    stakeholder = SelectField(_l("Stakeholder"), coerce=int)
    kind = SelectField(_l("What was done"), choices=options(KINDS.items()))
    escalated_to = SelectField(
        _l("Escalated to"), choices=options([("", "—"), *ESCALATIONS.items()])
    )
    status = SelectField(_l("Status"), choices=options(ACTION_STATUSES.items()))
    taken_on = DateField(_l("Date"), validators=[DataRequired()])
    outcome = TextAreaField(_l("Outcome (staff only)"), validators=[Optional(), Length(max=4000)])
    summary_bn = StringField(_l("Public summary in Bengali"), validators=[Length(max=300)])
    summary_hi = StringField(_l("Public summary in Hindi"), validators=[Length(max=300)])
    summary_en = StringField(_l("Public summary in English"), validators=[Length(max=300)])
    published = BooleanField(_l("Show the summary to survivors of the district"))

    def validate_escalated_to(self, field) -> None:  # type: ignore[no-untyped-def]
        if (self.kind.data == ActionKind.ESCALATION) != bool(field.data):
            raise ValidationError(_l("Say to whom, for an escalation only."))

    def validate_published(self, field) -> None:  # type: ignore[no-untyped-def]
        if not field.data:
            return
        if not all(
            (f.data or "").strip() for f in (self.summary_bn, self.summary_hi, self.summary_en)
        ):
            raise ValidationError(_l("Write the summary in all three languages to publish it."))
        if self.status.data != ActionStatus.DONE:
            raise ValidationError(_l("Only what was done is shown to survivors."))


def _stakeholder_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(Stakeholder.id, Stakeholder.name)
        .where(Stakeholder.merged_into_id.is_(None))
        .order_by(Stakeholder.name)
    )
    return [(i, name) for i, name in rows]


@bp.get("/actions")
def actions():
    rows = db.session.scalars(
        select(Action).order_by(Action.taken_on.desc(), Action.id.desc()).limit(PAGE * 2)
    ).all()
    return render_template(
        "staff/actions.html",
        actions=rows,
        kinds=KINDS,
        escalations=ESCALATIONS,
        statuses=ACTION_STATUSES,
    )


@bp.route("/actions/new", methods=["GET", "POST"])
def new_action():
    alert = None
    alert_id = request.args.get("alert", type=int)
    if alert_id:
        alert = _own_alert(alert_id)
    return _action_page(Action(alert_id=alert and alert.id), alert)


@bp.route("/actions/<int:action_id>", methods=["GET", "POST"])
def edit_action(action_id: int):
    action = db.session.get(Action, action_id)
    if action is None:
        abort(404)
    return _action_page(action, None)


def _action_page(action: Action, alert: Alert | None):  # type: ignore[no-untyped-def]
    form = ActionForm(obj=None if request.method == "POST" or action.id is None else action)
    form.stakeholder.choices = options(_stakeholder_choices())
    if request.method == "GET":
        if action.id is None:
            form.stakeholder.data = (
                alert.stakeholder_id if alert else request.args.get("stakeholder", type=int)
            )
            form.kind.data = request.args.get("kind", ActionKind.MEETING.value)
            form.status.data = request.args.get("status", ActionStatus.DONE.value)
            form.taken_on.data = dt.date.today()
        else:
            form.stakeholder.data = action.stakeholder_id
            form.kind.data = action.kind.value
            form.status.data = action.status.value
            form.escalated_to.data = action.escalated_to.value if action.escalated_to else ""
    if form.validate_on_submit():
        created = action.id is None
        action.stakeholder_id = form.stakeholder.data
        action.kind = ActionKind(form.kind.data)
        action.escalated_to = (
            EscalatedTo(form.escalated_to.data) if form.escalated_to.data else None
        )
        action.status = ActionStatus(form.status.data)
        action.taken_on = form.taken_on.data
        action.outcome = (form.outcome.data or "").strip() or None
        for lang in ("bn", "hi", "en"):
            text = " ".join((getattr(form, f"summary_{lang}").data or "").split())
            setattr(action, f"summary_{lang}", text or None)
        action.published = bool(form.published.data)
        if created:
            action.created_by_id = current_user.id
            db.session.add(action)
        db.session.flush()
        record(
            db.session,
            "action.created" if created else "action.updated",
            actor=current_user,
            target_type="action",
            target_id=action.id,
            detail={"kind": action.kind.value, "published": action.published},
        )
        db.session.commit()
        flash(_l("Saved."))
        return redirect(url_for(".actions"), 303)
    return render_template("staff/action.html", form=form, action=action, alert=alert)
