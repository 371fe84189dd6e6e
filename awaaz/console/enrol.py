"""Field workers enrol survivors: issue codes, print code cards, revoke a code.

Who may open these pages is in the access table (field workers and admins); which records
they may touch is decided here: a field worker only ever sees and changes her own district's
enrolments, whatever id she puts in a URL.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, NumberRange, Optional

from awaaz.console.codes import MAX_CODES, issue_codes, qr_svg, revoke
from awaaz.web.forms import options
from models import AgeBand, Block, District, Role, Survivor
from models.codes import CodeFormatError, hash_code, normalise_code
from models.database import db, db_int

bp = Blueprint("enrol", __name__, url_prefix="/staff/enrol")
PAGE = 50


class IssueForm(FlaskForm):
    district = SelectField(_l("District"), coerce=int)
    block = SelectField(_l("Block (if known)"), coerce=int, validators=[Optional()])
    age_band = SelectField(_l("Age band (if known)"), validators=[Optional()])
    masculine_forms = BooleanField(
        _l("Boys: in Hindi, speak to them as to a boy (docs/i18n.md)"), default=False
    )
    count = IntegerField(
        _l("How many codes"),
        default=10,
        validators=[DataRequired(), NumberRange(min=1, max=MAX_CODES)],
    )


class RevokeCodeForm(FlaskForm):
    code = StringField(_l("Code on the card"), validators=[DataRequired()])


def _districts() -> list[District]:
    """The districts this user may enrol in: her own, or all for an admin."""
    statement = select(District).order_by(District.name)
    if current_user.role is not Role.ADMIN:
        statement = statement.where(District.id == current_user.district_id)
    return list(db.session.scalars(statement))


def _issue_form(districts: list[District]) -> IssueForm:
    form = IssueForm()
    form.district.choices = options((d.id, d.name) for d in districts)
    ids = [d.id for d in districts]
    blocks = db.session.scalars(
        select(Block).where(Block.district_id.in_(ids)).order_by(Block.name)
    )
    form.block.choices = options([(0, "—")] + [(b.id, b.name) for b in blocks])
    form.age_band.choices = options(
        [("", "—")] + [(a.value, a.value.replace("_", "–")) for a in AgeBand]
    )
    return form


def _own(survivor_id: int) -> Survivor:
    """The survivor record if this user may act on it; 404 otherwise (never 'exists, but')."""
    survivor = db.session.get(Survivor, survivor_id)
    allowed = {d.id for d in _districts()}
    if survivor is None or survivor.district_id not in allowed:
        abort(404)
    return survivor


@bp.route("", methods=["GET", "POST"])
def issue():
    districts = _districts()
    if not districts:
        return render_template("staff/enrol.html", form=None, revoke_form=None, survivors=[])
    form = _issue_form(districts)
    if form.validate_on_submit():
        district = db.session.get(District, form.district.data)
        block = db.session.get(Block, form.block.data) if form.block.data else None
        if block is not None and block.district_id != district.id:
            form.block.errors = [_l("That block is not in the district.")]
        else:
            issued = issue_codes(
                db.session,
                current_app.config["AWAAZ_CODE_KEY"],
                district,
                form.count.data,
                block=block,
                age_band=AgeBand(form.age_band.data) if form.age_band.data else None,
                masculine_forms=form.masculine_forms.data,
                actor=current_user,
            )
            db.session.commit()
            cards = [(number, code, qr_svg(code)) for number, code in issued]
            return render_template("staff/cards.html", cards=cards, district=district)
    page = max(request.args.get("page", 1, type=db_int), 1)
    survivors = db.session.scalars(
        select(Survivor)
        .where(Survivor.district_id.in_([d.id for d in districts]))
        .order_by(Survivor.id.desc())
        .limit(PAGE)
        .offset((page - 1) * PAGE)
    ).all()
    return render_template(
        "staff/enrol.html",
        form=form,
        revoke_form=RevokeCodeForm(formdata=None),
        survivors=survivors,
        page=page,
        more=len(survivors) == PAGE,
    )


@bp.route("/<int:survivor_id>/revoke", methods=["GET", "POST"])
def revoke_one(survivor_id: int):
    """Ask first: a stopped code cannot be started again, and she would need a new card."""
    survivor = _own(survivor_id)
    if request.method == "GET":
        return render_template("staff/revoke.html", survivor=survivor)
    revoke(db.session, survivor, current_user)
    db.session.commit()
    flash(_l("The code no longer works."))
    return redirect(url_for(".issue"), 303)


@bp.post("/revoke-code")
def revoke_code():
    """Revoke by the code printed on the card: what a field worker has when a card is lost."""
    form = RevokeCodeForm()
    survivor = None
    if form.validate_on_submit():
        try:
            normalised = normalise_code(form.code.data)
        except CodeFormatError:
            normalised = None
        if normalised is not None:
            digest = hash_code(current_app.config["AWAAZ_CODE_KEY"], normalised)
            survivor = db.session.scalars(select(Survivor).filter_by(code_hash=digest)).first()
    if survivor is None or survivor.district_id not in {d.id for d in _districts()}:
        flash(_l("No code like that in your district. Check the card and try again."), "error")
        return redirect(url_for(".issue"), 303)
    revoke(db.session, survivor, current_user)
    db.session.commit()
    flash(_l("The code no longer works."))
    return redirect(url_for(".issue"), 303)
