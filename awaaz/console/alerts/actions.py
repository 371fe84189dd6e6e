"""Actions taken on stakeholders and alerts: the list, a new action, editing one."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from awaaz.console.alerts import ACTION_STATUSES, ESCALATIONS, KINDS, PAGE, bp
from awaaz.console.alerts.pages import own_alert
from awaaz.web.forms import options
from models import (
    Action,
    ActionKind,
    ActionStatus,
    Alert,
    EscalatedTo,
    Stakeholder,
)
from models.audit import record
from models.database import db, db_int


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
    alert_id = request.args.get("alert", type=db_int)
    if alert_id:
        alert = own_alert(alert_id)
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
                alert.stakeholder_id if alert else request.args.get("stakeholder", type=db_int)
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
