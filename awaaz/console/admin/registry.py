"""The stakeholder registry, merging duplicates, survivors' suggestions, and geography."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select, update
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from awaaz.console import audio
from awaaz.console.admin import PAGE, bp
from awaaz.console.admin.shared import created_response, district_choices, utc_now
from awaaz.web.forms import options
from feedback import held, voice
from models import (
    Block,
    District,
    Rating,
    Stakeholder,
    StakeholderSuggestion,
    StakeholderType,
)
from models.audit import record
from models.database import db, db_int
from models.ratings import rebuild_derived
from models.stakeholders import SuggestionStatus

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
    form.district_id.choices = options(district_choices(blank=False))
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


def _voice_names(stakeholder: Stakeholder) -> None:
    """The name's machine voice in each language, rendered once, when the name is saved (a
    survivor hears it on the list of whom she met); nothing when espeak-ng is missing."""
    if stakeholder.active and audio.espeak_available():
        audio.render_missing(
            db.session, [(lang, stakeholder.display_name(lang)) for lang in voice.VOICE_LANGUAGES]
        )
        voice.forget()


@bp.route("/stakeholders", methods=["GET", "POST"])
def stakeholders():
    form = _stakeholder_form()
    if form.validate_on_submit():
        stakeholder = Stakeholder()
        if _save_stakeholder(form, stakeholder):
            response = created_response(
                stakeholder, "stakeholder", _l("Added to the registry."), ".stakeholders"
            )
            _voice_names(stakeholder)
            return response
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
        _voice_names(stakeholder)
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
        suggestion = db.session.get(StakeholderSuggestion, request.form.get("id", type=db_int) or 0)
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
            held_count = len(suggestion.held)
            erased = held.discard(db.session, suggestion) if action == "reject" else 0
            suggestion.status = (
                SuggestionStatus.ADDED if action == "add" else SuggestionStatus.REJECTED
            )
            suggestion.reviewed_at = utc_now()
            record(
                db.session,
                f"suggestion.{action}",
                actor=current_user,
                target_type="suggestion",
                target_id=suggestion.id,
                detail={"held": held_count, "erased": erased},
            )
            db.session.commit()
            if action == "add":
                # Her held answers are stored now, on the new entry, as any rating is.
                stored = held.release(db.session, suggestion, suggestion.stakeholder_id)
                flash(_l("Added. Check its spelling and place in the registry."))
                if held_count:
                    flash(
                        _l(
                            "%(stored)s of %(held)s held ratings are stored on it.",
                            stored=stored,
                            held=held_count,
                        )
                    )
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
    # A held rating in which she felt unsafe or was asked for money raises its alert only
    # once the name is added: those names come first.
    waiting = sorted(waiting, key=lambda s: not any(h.flagged for h in s.held))
    types = {t.id: t.label for t in db.session.scalars(select(StakeholderType))}
    districts = dict(district_choices(blank=False))
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
    form.district.choices = options(district_choices(blank=False))
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
            return created_response(block, "block", _l("Block added."), ".geography")
    districts = db.session.scalars(select(District).order_by(District.name)).all()
    return render_template("staff/admin/geography.html", form=form, districts=districts)
