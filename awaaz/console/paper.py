"""Paper: printable forms per stakeholder type, and uploading filled forms as a CSV file.

Some survivors will always prefer paper. A template per type is offered for typing the filled
forms in; `paper_import` reads and stores the upload.
"""

from __future__ import annotations

import csv
import io
import secrets

from flask import Blueprint, Response, abort, current_app, flash, g, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from sqlalchemy.orm import Session

from awaaz.console.paper_import import COLUMNS, LANGUAGES, MAX_COPIES, PaperRefused, import_paper
from feedback import directory
from feedback.limits import limiter
from feedback.services import (
    active_questionnaire,
)
from models import StakeholderType
from models.audit import record
from models.database import db, db_int

bp = Blueprint("paper", __name__, url_prefix="/staff/paper")


class UploadForm(FlaskForm):
    file = FileField(_l("CSV file of filled paper forms"), validators=[FileRequired()])


def _types(session: Session) -> list[StakeholderType]:
    return list(
        session.scalars(
            select(StakeholderType).filter_by(active=True).order_by(StakeholderType.sort_order)
        )
    )


# Codes that match nobody, per account: typing mistakes on a few forms pass, while uploads
# can no longer test thousands of guessed codes. The limit is checked before each upload and
# charged after it; within one upload no code is looked up past the hour's allowance.
UNKNOWN_PER_HOUR = 50
PAPER_UNKNOWN_CODES = f"{UNKNOWN_PER_HOUR} per hour;200 per day"


def _unknown_codes() -> int:
    return g.get("paper_unknown_codes", 0)


@bp.route("", methods=["GET", "POST"])
@limiter.limit(
    PAPER_UNKNOWN_CODES,
    methods=["POST"],
    key_func=lambda: f"paper:{current_user.get_id()}",
    deduct_when=lambda _response: _unknown_codes() > 0,
    cost=lambda: max(_unknown_codes(), 1),
)
def upload():
    form = UploadForm()
    problems, result = [], None
    if form.validate_on_submit():
        data = form.file.data.read(current_app.config["MAX_CONTENT_LENGTH"] + 1)
        try:
            result = import_paper(
                db.session,
                data,
                current_app.config["AWAAZ_CODE_KEY"],
                current_user,
                max_unknown=UNKNOWN_PER_HOUR,
            )
        except PaperRefused as refused:
            db.session.rollback()
            problems = refused.problems
            g.paper_unknown_codes = refused.unknown_codes
            record(
                db.session,
                "paper.refused",
                actor=current_user,
                detail={"problems": len(problems), "unknown_codes": refused.unknown_codes},
            )
            db.session.commit()
        else:
            flash(_l("Stored %(n)s forms; %(m)s were already stored.", n=result[0], m=result[1]))
    return render_template(
        "staff/paper.html",
        form=form,
        problems=problems,
        types=_types(db.session),
        languages=LANGUAGES,
    ), (422 if problems else 200)


def _type_or_404(type_code: str) -> tuple[StakeholderType, object]:
    stype = db.session.scalars(select(StakeholderType).filter_by(code=type_code)).first()
    questionnaire = stype and active_questionnaire(db.session, stype.id)
    if not questionnaire:
        abort(404)
    return stype, questionnaire


@bp.get("/<type_code>.csv")
def template(type_code: str):
    """An empty spreadsheet with the columns of one type's form."""
    _stype, questionnaire = _type_or_404(type_code)
    header = COLUMNS + [entry.item.code for entry in questionnaire.entries]
    out = io.StringIO()
    csv.writer(out).writerow(header)
    response = Response("\ufeff" + out.getvalue(), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="awaaz-paper-{type_code}.csv"'
    return response


@bp.get("/<type_code>.pdf")
def printable(type_code: str):
    """Printable forms of one type in one language, each with its own form number."""
    from weasyprint import HTML  # loads Pango: only documents need it

    stype, questionnaire = _type_or_404(type_code)
    lang = request.args.get("lang", "bn")
    if lang not in LANGUAGES:
        abort(404)
    copies = min(max(request.args.get("copies", 5, type=db_int), 1), MAX_COPIES)
    numbers = [secrets.token_hex(4).upper() for _ in range(copies)]
    with force_locale(lang):
        html = render_template(
            "paper/form.html",
            lang=lang,
            stype=stype,
            entries=questionnaire.entries,
            services=directory.services(db.session),
            numbers=numbers,
            title=_(stype.label),
        )
    body = HTML(string=html).write_pdf()
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="awaaz-paper-{type_code}-{lang}.pdf"'
    )
    return response
