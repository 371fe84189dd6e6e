"""Field tablets' device tokens: issue and revoke."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from awaaz.console.admin import bp
from awaaz.console.admin.shared import district_choices
from awaaz.security.devices import issue_token, revoke_token
from awaaz.web.forms import options
from models import (
    DeviceToken,
    District,
)
from models.database import db

# --- field tablets' device tokens ------------------------------------------------------


class DeviceForm(FlaskForm):
    name = StringField(_l("Tablet name"), validators=[DataRequired(), Length(max=100)])
    district = SelectField(_l("District"), coerce=int)


@bp.route("/devices", methods=["GET", "POST"])
def devices():
    """Issue a token to a field tablet (shown once) and see which tokens are in use."""
    form = DeviceForm()
    form.district.choices = options(district_choices())
    token = None
    if form.validate_on_submit():
        place = db.session.get(District, form.district.data) if form.district.data else None
        _row, token = issue_token(db.session, form.name.data, place, actor=current_user)
        db.session.commit()
        form = DeviceForm(formdata=None)
        form.district.choices = options(district_choices())
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
