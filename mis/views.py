"""MIS downloads: CSV and XLSX exports (and the quarterly report). Every download is audited.

Who may reach these routes is decided by the shell's access table (awaaz/security/access.py); these
views only parse parameters, ask the engine and serialise what the privacy module released.
"""

from __future__ import annotations

import pandas as pd
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, gettext
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from models import District, Stakeholder, StakeholderType
from models.audit import record
from models.database import db

from . import closing, engine, exports, published, report
from .dashboard.labels import type_names
from .periods import Grain, Period, PeriodError
from .queries import Scope

bp = Blueprint("mis", __name__, url_prefix="/mis", template_folder="templates")

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def settings() -> engine.Settings:
    return engine.Settings.from_config(current_app.config, db.session)


def latest_quarter(audience: str = "staff") -> Period | None:
    """The newest quarter released to the audience (closed, and approved for funders)."""
    found = published.released_periods(db.session, audience)
    return found[0] if found else None


def requested_period(audience: str = "staff") -> Period:
    """The `period` asked for, or the newest release: a month or a quarter that has ended."""
    text = request.args.get("period", "").strip()
    if not text:
        period = latest_quarter(audience)
        if period is None:
            abort(Response("nothing released yet\n", 404, mimetype="text/plain"))
        return period
    try:
        period = Period.parse(text)
        published.released_quarter(period)
    except PeriodError as error:
        abort(Response(f"{error}\n", 400, mimetype="text/plain"))
    return period


def released_on(period: Period, audience: str) -> str:
    """The day the release behind a download was made (a column of every export)."""
    note = published.release_note(db.session, period, audience)
    return note["built_at"].date().isoformat() if note else ""


def read(function, *args):  # type: ignore[no-untyped-def]
    """Call a `published` function; a period without a usable release is a plain 404."""
    try:
        return function(db.session, *args)
    except published.NotReleased as error:
        abort(Response(f"{error}\n", 404, mimetype="text/plain"))


def requested_scope() -> Scope:
    scope = Scope()
    kind = request.args.get("type", "").strip()
    if kind:
        found = db.session.scalar(select(StakeholderType.id).filter_by(code=kind))
        if found is None:
            abort(Response(f"unknown type: {kind}\n", 400, mimetype="text/plain"))
        scope = Scope(type_id=found)
    district = request.args.get("district", "").strip()
    if district:
        condition = (
            District.id == int(district)
            # isdigit() admits "²", which int() refuses; ten digits fit any column.
            if district.isdecimal() and len(district) < 10
            else func.lower(District.name) == district.lower()
        )
        found = db.session.scalar(select(District.id).where(condition))
        if found is None:
            abort(Response(f"unknown district: {district}\n", 400, mimetype="text/plain"))
        scope = Scope(district_id=found, type_id=scope.type_id)
    return scope


def _download(frame, name: str, fmt: str, period: Period) -> Response:  # type: ignore[no-untyped-def]
    body = exports.to_csv(frame) if fmt == "csv" else exports.to_xlsx(frame, name)
    record(
        db.session,
        "export",
        actor=current_user,
        target_type=name,
        # What was sent, after whatever the query claimed (`?format=` names nothing here).
        detail={**request.args.to_dict(), "format": fmt, "period": period.label},
    )
    db.session.commit()
    response = Response(body, mimetype=CONTENT_TYPES[fmt])
    response.headers["Content-Disposition"] = (
        f'attachment; filename="awaaz-{name}-{period.label}.{fmt}"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/export/league-table.<any(csv, xlsx):fmt>")
def export_league_table(fmt: str):
    """The league table for a period, with optional type and district."""
    period = requested_period()
    scope = requested_scope()
    view = read(published.league_table, period, settings(), scope)
    frame = exports.league_table_frame(
        view,
        released_on(period, "staff"),
        dimensions=read(published.dimension_scores, period, settings(), scope),
        indicators=read(published.indicators, period, settings(), scope),
        labels=_labels(view.frame["stakeholder_id"]),
    )
    return _download(frame, "league-table", fmt, period)


def _labels(ids: pd.Series) -> pd.DataFrame:
    """Words beside the codes, in the staff member's language: the type's label and the
    registry's own spelling of each name (its English name where it has none)."""
    lang = str(get_locale() or "en")
    rows = []
    for stakeholder in db.session.scalars(
        select(Stakeholder)
        .where(Stakeholder.id.in_([int(i) for i in ids]))
        # Type, district and block with the stakeholders: not three queries a row.
        .options(
            joinedload(Stakeholder.type),
            joinedload(Stakeholder.district),
            joinedload(Stakeholder.block),
        )
    ):
        rows.append(
            {
                "stakeholder_id": stakeholder.id,
                "type_label": gettext(stakeholder.type.label),
                "stakeholder_local": stakeholder.display_name(lang),
                "district_local": stakeholder.district.display_name(lang),
                "block_local": stakeholder.block.display_name(lang) if stakeholder.block else "",
            }
        )
    return pd.DataFrame(rows, columns=["stakeholder_id", *exports.LABEL_COLUMNS])


@bp.get("/export/funder-summary.<any(csv, xlsx):fmt>")
def export_funder_summary(fmt: str):
    """District × type summary for funders: quarterly, k_funder and complementary suppression."""
    period = requested_period("funder")
    if period.grain is not Grain.QUARTER:
        abort(
            Response("funder summaries are by quarter (e.g. 2026Q3)\n", 400, mimetype="text/plain")
        )
    view = read(published.funder_summary, period, settings(), requested_scope())
    frame = exports.funder_summary_frame(
        view, released_on(period, "funder"), type_names(db.session)
    )
    return _download(frame, "funder-summary", fmt, period)


def _pdf(audience: str):  # type: ignore[no-untyped-def]
    period = requested_period(audience)
    lang = request.args.get("lang", "en")
    if lang not in report.LANGUAGES:
        abort(Response("lang must be en or bn\n", 400, mimetype="text/plain"))
    if period.grain is not Grain.QUARTER:
        abort(Response("reports are by quarter (e.g. 2026Q3)\n", 400, mimetype="text/plain"))
    jobs = current_app.extensions.get("awaaz_jobs")
    if jobs is not None:
        read(report.check_released, period, audience, settings())  # 404 now, not in the job
        job_id = jobs.enqueue(period.label, lang, audience, current_user.id)
        return redirect(url_for("mis.report_job", job_id=job_id), 303)
    body = read(report.build_report, period, lang, audience, settings())
    return _report_response(body, period.label, lang, audience)


def _report_response(body: bytes, period: str, lang: str, audience: str) -> Response:
    record(
        db.session,
        "report",
        actor=current_user,
        target_type=f"report-{audience}",
        detail={"period": period, "lang": lang},
    )
    db.session.commit()
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="awaaz-report-{audience}-{period}-{lang}.pdf"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/report.pdf")
def staff_report():
    """The quarterly report for programme staff."""
    return _pdf("staff")


@bp.get("/report/funder.pdf")
def funder_report():
    """The quarterly report for funders: funder-suppressed summaries only."""
    return _pdf("funder")


def _jobs():  # type: ignore[no-untyped-def]
    jobs = current_app.extensions.get("awaaz_jobs")
    if jobs is None:
        abort(404)
    return jobs


@bp.get("/reports/<job_id>")
def report_job(job_id: str):
    """A report being built: its progress, then the download (only for who asked)."""
    state = _jobs().state(job_id[:64], current_user.id)
    if state is None:
        abort(404)
    response = current_app.make_response(
        render_template("mis/report_job.html", job_id=job_id, state=state)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/reports/<job_id>.pdf")
def report_job_pdf(job_id: str):
    found = _jobs().result(job_id[:64], current_user.id)
    if found is None:
        abort(404)
    body, what = found
    return _report_response(body, what["period"], what["lang"], what["audience"])


# --- closing the loop: recognition certificates and interface-meeting scorecards -----------


def _document(body: bytes, name: str, action: str, stakeholder_id: int, detail: dict) -> Response:
    record(
        db.session,
        action,
        actor=current_user,
        target_type="stakeholder",
        target_id=stakeholder_id,
        detail=detail,
    )
    db.session.commit()
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _refused(error: closing.NotEligible) -> Response:
    return Response(f"{error}\n", 404, mimetype="text/plain")


def _quarter() -> Period:
    period = requested_period()
    if period.grain is not Grain.QUARTER:
        abort(Response("use one quarter, e.g. 2026Q3\n", 400, mimetype="text/plain"))
    return period


@bp.get("/certificates")
def certificates():
    """The quarter's best performers of each type, each with a certificate to download."""
    period = _quarter()
    chosen = read(closing.recognised, period, settings())
    with_names = chosen.assign(type_name=chosen["type"].map(type_names(db.session)))
    return render_template(
        "mis/certificates.html",
        period=period,
        rows=with_names.sort_values(["type_name", "score"], ascending=[True, False]).to_dict(
            "records"
        ),
        k=settings().k_staff,
    )


@bp.get("/certificates/<int:stakeholder_id>.pdf")
def certificate(stakeholder_id: int):
    period = _quarter()
    try:
        body = read(closing.certificate_pdf, period, settings(), stakeholder_id)
    except closing.NotEligible as error:
        return _refused(error)
    name = f"awaaz-certificate-{stakeholder_id}-{period.label}.pdf"
    return _document(body, name, "certificate", stakeholder_id, {"period": period.label})


@bp.get("/scorecard/<int:stakeholder_id>.pdf")
def scorecard(stakeholder_id: int):
    """The printable scorecard for a community interface meeting with one stakeholder."""
    period = _quarter()
    lang = request.args.get("lang", "en")
    if lang not in closing.LANGUAGES:
        abort(Response("lang must be en, bn or hi\n", 400, mimetype="text/plain"))
    try:
        body = read(closing.scorecard_pdf, period, settings(), stakeholder_id, lang)
    except closing.NotEligible as error:
        return _refused(error)
    name = f"awaaz-scorecard-{stakeholder_id}-{period.label}-{lang}.pdf"
    detail = {"period": period.label, "lang": lang}
    return _document(body, name, "scorecard", stakeholder_id, detail)
