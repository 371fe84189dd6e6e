"""The admin's releases page: build a closed quarter's releases, approve or withdraw one for
funders. Every change is audited; the page shows every release with who approved it and when.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from mis import releases
from mis.engine import Settings
from mis.periods import Period, PeriodError
from models import Release
from models.audit import record
from models.database import db

bp = Blueprint("releases", __name__, url_prefix="/staff/admin/releases")


@bp.get("")
def index():
    """Every release, newest first, with the buttons an admin needs."""
    rows = db.session.scalars(select(Release).order_by(Release.id.desc()).limit(200)).all()
    return render_template("staff/admin/releases.html", rows=rows, form=FlaskForm())


def _period(label: str) -> Period:
    try:
        period = Period.parse(label)
    except PeriodError:
        abort(404)
    return period


def _changed(action: str, period: Period, message) -> object:  # type: ignore[no-untyped-def]
    record(
        db.session,
        action,
        actor=current_user,
        target_type="release",
        detail={"period": period.label},
    )
    db.session.commit()
    flash(message)
    return redirect(url_for(".index"), 303)


def _build(quarter: Period) -> None:
    settings = Settings.from_config(current_app.config, db.session)
    releases.build_quarter(db.session, quarter, settings)


# What each button does, and what the admin reads after it.
CHANGES = {
    "build": (_build, _l("Built. The funder release waits for approval.")),
    "approve": (
        lambda quarter: releases.approve(db.session, quarter, current_user.id),
        _l("Approved: funders now see this quarter."),
    ),
    "withdraw": (
        lambda quarter: releases.withdraw(db.session, quarter),
        _l("Withdrawn: funders no longer see this quarter."),
    ),
}


@bp.post("/<period>/<any(build, approve, withdraw):change>")
def change(period: str, change: str):
    """Build (or rebuild, after late paper forms), approve or withdraw a quarter's releases."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    quarter = _period(period)
    act, message = CHANGES[change]
    try:
        act(quarter)
    except releases.ReleaseError as error:
        flash(str(error))
        return redirect(url_for(".index"), 303)
    return _changed(f"release.{change}", quarter, message)
