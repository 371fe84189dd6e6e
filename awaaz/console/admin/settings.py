"""Programme settings and the danger-word list that raises safeguarding alerts."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange

from awaaz.console.admin import bp
from awaaz.console.admin.shared import created_response
from awaaz.web.forms import options
from mis.engine import Settings
from models import (
    DangerWord,
)
from models import settings as programme
from models.audit import record
from models.database import db

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
            return created_response(
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
