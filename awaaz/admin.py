"""The admin console: staff users, the stakeholder registry and survivors' suggestions,
geography, programme settings, and the audit log.

Plain Flask-WTF forms and server-rendered pages: they need no script, so they live under the
same strict Content-Security-Policy as everything else (Flask-Admin's pages load inline
script and third-party assets, and do not know our role rules). Every change is audited.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select, update
from wtforms import BooleanField, EmailField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from mis.engine import Settings
from models import (
    AuditEvent,
    Block,
    DangerWord,
    DeviceToken,
    District,
    Rating,
    Role,
    Stakeholder,
    StakeholderSuggestion,
    StakeholderType,
    User,
)
from models import settings as programme
from models.audit import record
from models.database import db
from models.ratings import rebuild_derived
from models.stakeholders import SuggestionStatus

from . import sessions as staff_sessions
from .devices import issue_token, revoke_token
from .forms import options
from .passwords import WeakPassword, hash_password

bp = Blueprint("admin", __name__, url_prefix="/staff/admin")
PAGE = 100


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _district_choices(blank: bool = True) -> list[tuple[int, str]]:
    districts = db.session.scalars(select(District).order_by(District.name))
    return ([(0, "—")] if blank else []) + [(d.id, d.name) for d in districts]


def _created(row, kind: str, message: str, endpoint: str, detail: dict | None = None):  # type: ignore[no-untyped-def]
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


# --- staff users -------------------------------------------------------------------------


class UserForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=options((r.value, r.value) for r in Role))
    district = SelectField(_l("District (field workers)"), coerce=int)
    password = PasswordField(
        _l("First password (at least 12 characters)"), validators=[DataRequired()]
    )


class UserEditForm(FlaskForm):
    role = SelectField(_l("Role"), choices=options((r.value, r.value) for r in Role))
    district = SelectField(_l("District (field workers)"), coerce=int)
    active = BooleanField(_l("Account active"))
    password = PasswordField(_l("New password (leave empty to keep)"), validators=[Optional()])


@bp.route("/users", methods=["GET", "POST"])
def users():
    form = UserForm()
    form.district.choices = options(_district_choices())
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
            form.email.errors = [_l("There is already an account with this e-mail.")]
        elif form.role.data == Role.FIELD and not form.district.data:
            form.district.errors = [_l("A field worker needs a district.")]
        else:
            try:
                password_hash = hash_password(form.password.data)
            except WeakPassword:
                form.password.errors = [_l("The password needs at least 12 characters.")]
            else:
                user = User(
                    email=email,
                    password_hash=password_hash,
                    role=Role(form.role.data),
                    district_id=form.district.data or None,
                )
                return _created(
                    user, "user", _l("Account created."), ".users", {"role": form.role.data}
                )
    listed = db.session.scalars(select(User).order_by(User.email)).all()
    return render_template("staff/admin/users.html", form=form, users=listed)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = UserEditForm(
        data={"role": user.role.value, "district": user.district_id or 0, "active": user.active}
    )
    if request.method == "POST":
        form = UserEditForm()
    form.district.choices = options(_district_choices())
    if form.validate_on_submit():
        if user.id == current_user.id and (form.role.data != Role.ADMIN or not form.active.data):
            flash(_l("You cannot remove your own admin rights or disable yourself."), "error")
            return redirect(url_for(".edit_user", user_id=user.id), 303)
        if form.role.data == Role.FIELD and not form.district.data:
            form.district.errors = [_l("A field worker needs a district.")]
            return render_template("staff/admin/user.html", form=form, user=user)
        changes = {}
        if user.role != form.role.data:
            changes["role"] = [user.role.value, form.role.data]
            user.role = Role(form.role.data)
        if (user.district_id or 0) != form.district.data:
            changes["district"] = [user.district_id, form.district.data or None]
            user.district_id = form.district.data or None
        if user.active != form.active.data:
            changes["active"] = [user.active, form.active.data]
            user.active = form.active.data
        if form.password.data:
            try:
                user.password_hash = hash_password(form.password.data)
            except WeakPassword:
                form.password.errors = [_l("The password needs at least 12 characters.")]
                return render_template("staff/admin/user.html", form=form, user=user)
            changes["password_reset"] = True
        if changes:
            # A changed role, a disabled account or a new password ends every open session.
            staff_sessions.end_all(db.session, user.id, _now(), "changed")
            record(
                db.session,
                "user.changed",
                actor=current_user,
                target_type="user",
                target_id=user.id,
                detail=changes,
            )
            db.session.commit()
            flash(_l("Saved."))
        return redirect(url_for(".users"), 303)
    return render_template("staff/admin/user.html", form=form, user=user)


# --- the stakeholder registry --------------------------------------------------------------


class StakeholderForm(FlaskForm):
    name = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=200)])
    name_bn = StringField(_l("Name (Bengali)"), validators=[Optional(), Length(max=200)])
    name_hi = StringField(_l("Name (Hindi)"), validators=[Optional(), Length(max=200)])
    type_id = SelectField(_l("Type"), coerce=int)
    district_id = SelectField(_l("District"), coerce=int)
    block_id = SelectField(_l("Block"), coerce=int)
    active = BooleanField(_l("Shown to survivors"), default=True)


class MergeForm(FlaskForm):
    target = IntegerField(_l("Number of the entry to keep"), validators=[DataRequired()])


def _stakeholder_form(obj: Stakeholder | None = None) -> StakeholderForm:
    form = StakeholderForm(obj=obj)
    types = db.session.scalars(select(StakeholderType).order_by(StakeholderType.sort_order))
    form.type_id.choices = options((t.id, t.label) for t in types)
    form.district_id.choices = options(_district_choices(blank=False))
    blocks = db.session.scalars(select(Block).order_by(Block.name))
    form.block_id.choices = options(
        [(0, "—")] + [(b.id, f"{b.name} ({b.district.name})") for b in blocks]
    )
    if obj is not None and request.method == "GET":
        form.block_id.data = obj.block_id or 0
    return form


def _save_stakeholder(form: StakeholderForm, stakeholder: Stakeholder) -> bool:
    block = db.session.get(Block, form.block_id.data) if form.block_id.data else None
    if block is not None and block.district_id != form.district_id.data:
        form.block_id.errors = [_l("That block is not in the district.")]
        return False
    for field in ("name", "name_bn", "name_hi", "type_id", "district_id", "active"):
        value = getattr(form, field).data
        setattr(stakeholder, field, value.strip() if isinstance(value, str) else value)
    stakeholder.name_bn = stakeholder.name_bn or None
    stakeholder.name_hi = stakeholder.name_hi or None
    stakeholder.block_id = block.id if block else None
    return True


@bp.route("/stakeholders", methods=["GET", "POST"])
def stakeholders():
    form = _stakeholder_form()
    if form.validate_on_submit():
        stakeholder = Stakeholder()
        if _save_stakeholder(form, stakeholder):
            return _created(
                stakeholder, "stakeholder", _l("Added to the registry."), ".stakeholders"
            )
    query = request.args.get("q", "").strip()[:60]
    statement = select(Stakeholder).order_by(Stakeholder.name)
    if query:
        statement = statement.where(Stakeholder.name.ilike(f"%{query}%"))
    listed = db.session.scalars(statement.limit(PAGE)).all()
    return render_template("staff/admin/stakeholders.html", form=form, stakeholders=listed, q=query)


@bp.route("/stakeholders/<int:stakeholder_id>", methods=["GET", "POST"])
def edit_stakeholder(stakeholder_id: int):
    stakeholder = db.session.get(Stakeholder, stakeholder_id) or abort(404)
    form = _stakeholder_form(stakeholder)
    if form.validate_on_submit() and _save_stakeholder(form, stakeholder):
        record(
            db.session,
            "stakeholder.changed",
            actor=current_user,
            target_type="stakeholder",
            target_id=stakeholder.id,
        )
        db.session.commit()
        flash(_l("Saved."))
        return redirect(url_for(".stakeholders"), 303)
    return render_template(
        "staff/admin/stakeholder.html",
        form=form,
        merge=MergeForm(formdata=None),
        stakeholder=stakeholder,
    )


@bp.post("/stakeholders/<int:stakeholder_id>/merge")
def merge_stakeholder(stakeholder_id: int):
    """Fold a duplicate entry into the one to keep: its ratings move, survivors count once."""
    source = db.session.get(Stakeholder, stakeholder_id) or abort(404)
    form = MergeForm()
    target = db.session.get(Stakeholder, form.target.data) if form.validate_on_submit() else None
    if target is None or target.id == source.id or target.type_id != source.type_id:
        flash(_l("Choose another entry of the same type to keep."), "error")
        return redirect(url_for(".edit_stakeholder", stakeholder_id=source.id), 303)
    moved = db.session.execute(
        update(Rating).where(Rating.stakeholder_id == source.id).values(stakeholder_id=target.id)
    ).rowcount
    db.session.execute(
        update(StakeholderSuggestion)
        .where(StakeholderSuggestion.stakeholder_id == source.id)
        .values(stakeholder_id=target.id)
    )
    source.merged_into_id, source.active = target.id, False
    # The derived per-quarter sums count each survivor once per stakeholder: recompute them.
    rebuild_derived(db.session)
    record(
        db.session,
        "stakeholder.merged",
        actor=current_user,
        target_type="stakeholder",
        target_id=source.id,
        detail={"into": target.id, "ratings": moved},
    )
    db.session.commit()
    flash(_l("Merged. Its ratings now count for the entry you kept."))
    return redirect(url_for(".edit_stakeholder", stakeholder_id=target.id), 303)


@bp.route("/suggestions", methods=["GET", "POST"])
def suggestions():
    """Names survivors typed under "not in the list": add to the registry, or set aside."""
    if request.method == "POST":
        form = FlaskForm()  # CSRF only; the choice is in the button
        suggestion = db.session.get(StakeholderSuggestion, request.form.get("id", type=int) or 0)
        action = request.form.get("action")
        if not form.validate_on_submit() or suggestion is None or action not in ("add", "reject"):
            abort(400)
        if suggestion.status is SuggestionStatus.NEW:
            if action == "add":
                stakeholder = Stakeholder(
                    name=suggestion.text.strip()[:200],
                    type_id=suggestion.type_id,
                    district_id=suggestion.district_id,
                    block_id=suggestion.block_id,
                )
                db.session.add(stakeholder)
                db.session.flush()
                suggestion.stakeholder_id = stakeholder.id
            suggestion.status = (
                SuggestionStatus.ADDED if action == "add" else SuggestionStatus.REJECTED
            )
            suggestion.reviewed_at = _now()
            record(
                db.session,
                f"suggestion.{action}",
                actor=current_user,
                target_type="suggestion",
                target_id=suggestion.id,
            )
            db.session.commit()
            if action == "add":
                flash(_l("Added. Check its spelling and place in the registry."))
                return redirect(
                    url_for(".edit_stakeholder", stakeholder_id=suggestion.stakeholder_id), 303
                )
        return redirect(url_for(".suggestions"), 303)
    waiting = db.session.scalars(
        select(StakeholderSuggestion)
        .filter_by(status=SuggestionStatus.NEW)
        .order_by(StakeholderSuggestion.created_at)
        .limit(PAGE)
    ).all()
    types = {t.id: t.label for t in db.session.scalars(select(StakeholderType))}
    districts = dict(_district_choices(blank=False))
    return render_template(
        "staff/admin/suggestions.html",
        suggestions=waiting,
        types=types,
        districts=districts,
        form=FlaskForm(),
    )


# --- geography ----------------------------------------------------------------------------


class BlockForm(FlaskForm):
    district = SelectField(_l("District"), coerce=int)
    name = StringField(_l("Block name (English)"), validators=[DataRequired(), Length(max=200)])
    name_bn = StringField(_l("Name (Bengali)"), validators=[Optional(), Length(max=200)])
    name_hi = StringField(_l("Name (Hindi)"), validators=[Optional(), Length(max=200)])


@bp.route("/geography", methods=["GET", "POST"])
def geography():
    form = BlockForm()
    form.district.choices = options(_district_choices(blank=False))
    if form.validate_on_submit():
        name = form.name.data.strip()
        exists = db.session.scalar(
            select(Block.id).where(
                Block.district_id == form.district.data, func.lower(Block.name) == name.lower()
            )
        )
        if exists:
            form.name.errors = [_l("That district already has a block of this name.")]
        else:
            block = Block(
                district_id=form.district.data,
                name=name,
                name_bn=form.name_bn.data.strip() or None,
                name_hi=form.name_hi.data.strip() or None,
            )
            return _created(block, "block", _l("Block added."), ".geography")
    districts = db.session.scalars(select(District).order_by(District.name)).all()
    return render_template("staff/admin/geography.html", form=form, districts=districts)


# --- settings -----------------------------------------------------------------------------


class SettingsForm(FlaskForm):
    k_staff = IntegerField(
        _l("Fewest raters before staff see a figure"), validators=[NumberRange(min=1, max=1000)]
    )
    k_funder = IntegerField(
        _l("Fewest raters before funders see a figure"), validators=[NumberRange(min=1, max=1000)]
    )
    comment_retention_days = IntegerField(
        _l("Days to keep survivors' original comments"), validators=[NumberRange(min=1, max=3650)]
    )
    rating_retention_days = IntegerField(
        _l("Days to keep ratings (0 keeps them)"), validators=[NumberRange(min=0, max=36500)]
    )
    alert_score = IntegerField(
        _l("A rating at or below this score (0–100) raises a safeguarding alert"),
        validators=[NumberRange(min=0, max=100)],
    )


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """Thresholds (never below the environment's floors) and how long data is kept."""
    config = current_app.config
    floors = {
        programme.K_STAFF: config["AWAAZ_K_STAFF"],
        programme.K_FUNDER: config["AWAAZ_K_FUNDER"],
    }
    keys = (
        programme.K_STAFF,
        programme.K_FUNDER,
        programme.COMMENT_RETENTION_DAYS,
        programme.RATING_RETENTION_DAYS,
        programme.ALERT_SCORE,
    )
    current = {key: programme.read_int(db.session, key) for key in keys}
    # The thresholds in force, as the MIS applies them (never below the floors).
    in_force = Settings.from_config(config, db.session)
    current |= {programme.K_STAFF: in_force.k_staff, programme.K_FUNDER: in_force.k_funder}
    form = SettingsForm(data=current) if request.method == "GET" else SettingsForm()
    if form.validate_on_submit():
        for key, floor in floors.items():
            if getattr(form, key).data < floor:
                getattr(form, key).errors = [
                    _l(
                        "The server is set to at least %(n)s; only higher values are allowed.",
                        n=floor,
                    )
                ]
        if form.k_funder.data < form.k_staff.data:
            form.k_funder.errors = [
                _l("Funders may not see more than staff: use at least the staff value.")
            ]
        if not any(getattr(form, key).errors for key in keys):
            changed = {}
            for key in keys:
                value = getattr(form, key).data
                if value != current[key]:
                    changed[key] = [current[key], value]
                    programme.write_int(db.session, key, value)
            if changed:
                record(db.session, "settings.changed", actor=current_user, detail=changed)
                db.session.commit()
            flash(_l("Saved."))
            return redirect(url_for(".settings"), 303)
    return render_template("staff/admin/settings.html", form=form, floors=floors)


# --- the danger-word list -----------------------------------------------------------------

LANGUAGE_NAMES = {"bn": "বাংলা", "hi": "हिंदी", "en": "English"}


class DangerWordForm(FlaskForm):
    language = SelectField(_l("Language"), choices=options(LANGUAGE_NAMES.items()))
    word = StringField(_l("Word or phrase"), validators=[DataRequired(), Length(max=60)])


@bp.route("/danger-words", methods=["GET", "POST"])
def danger_words():
    """The reviewed list of words that, in a comment, raise a safeguarding alert."""
    form = DangerWordForm()
    if form.validate_on_submit():
        word = " ".join(form.word.data.split()).casefold()
        exists = db.session.scalar(
            select(DangerWord.id).filter_by(language=form.language.data, word=word)
        )
        if exists:
            form.word.errors = [_l("That word is already on the list.")]
        else:
            return _created(
                DangerWord(language=form.language.data, word=word),
                "danger_word",
                _l("Added."),
                ".danger_words",
                detail={"language": form.language.data, "word": word},
            )
    words = db.session.scalars(select(DangerWord).order_by(DangerWord.language, DangerWord.word))
    by_language: dict[str, list[DangerWord]] = {lang: [] for lang in LANGUAGE_NAMES}
    for row in words:
        by_language.setdefault(row.language, []).append(row)
    return render_template(
        "staff/admin/danger_words.html",
        form=form,
        by_language=by_language,
        names=LANGUAGE_NAMES,
        delete_form=FlaskForm(),
    )


@bp.post("/danger-words/<int:word_id>/delete")
def delete_danger_word(word_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    row = db.session.get(DangerWord, word_id)
    if row is None:
        abort(404)
    record(
        db.session,
        "danger_word.deleted",
        actor=current_user,
        target_type="danger_word",
        target_id=row.id,
        detail={"language": row.language, "word": row.word},
    )
    db.session.delete(row)
    db.session.commit()
    flash(_l("Removed."))
    return redirect(url_for(".danger_words"), 303)


# --- field tablets' device tokens ------------------------------------------------------


class DeviceForm(FlaskForm):
    name = StringField(_l("Tablet name"), validators=[DataRequired(), Length(max=100)])
    district = SelectField(_l("District"), coerce=int)


@bp.route("/devices", methods=["GET", "POST"])
def devices():
    """Issue a token to a field tablet (shown once) and see which tokens are in use."""
    form = DeviceForm()
    form.district.choices = options(_district_choices())
    token = None
    if form.validate_on_submit():
        place = db.session.get(District, form.district.data) if form.district.data else None
        _row, token = issue_token(db.session, form.name.data, place, actor=current_user)
        db.session.commit()
        form = DeviceForm(formdata=None)
        form.district.choices = options(_district_choices())
    rows = db.session.scalars(select(DeviceToken).order_by(DeviceToken.id.desc())).all()
    return render_template(
        "staff/admin/devices.html", form=form, rows=rows, token=token, revoke_form=FlaskForm()
    )


@bp.post("/devices/<int:device_id>/revoke")
def revoke_device(device_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    row = db.session.get(DeviceToken, device_id)
    if row is None:
        abort(404)
    revoke_token(db.session, row, actor=current_user)
    db.session.commit()
    flash(_l("The token no longer works."))
    return redirect(url_for(".devices"), 303)


# --- the audit log ------------------------------------------------------------------------


@bp.get("/audit")
def audit():
    """The audit log, newest first, filtered by action, person and dates."""
    action = request.args.get("action", "").strip()[:60]
    actor = request.args.get("actor", "").strip()[:254]
    since = _date(request.args.get("from"))
    until = _date(request.args.get("to"))
    page = max(request.args.get("page", 1, type=int), 1)
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
