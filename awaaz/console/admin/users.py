"""Staff users: create, change role or district, disable, reset a password."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import BooleanField, EmailField, PasswordField, SelectField
from wtforms.validators import DataRequired, Email, Length, Optional

from awaaz.console.admin import bp
from awaaz.console.admin.shared import created_response, district_choices, utc_now
from awaaz.security import sessions as staff_sessions
from awaaz.security.passwords import WeakPassword, hash_password
from awaaz.web.forms import options
from models import (
    Role,
    User,
)
from models.audit import record
from models.database import db

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
    form.district.choices = options(district_choices())
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
                return created_response(
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
    form.district.choices = options(district_choices())
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
            staff_sessions.end_all(db.session, user.id, utc_now(), "changed")
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
