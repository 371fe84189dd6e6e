"""`/api/v1/`: ratings in, and the lists, questionnaires and summaries a client needs out.

Who may call what is in the shell's access table (awaaz/access.py): a field tablet signs with
its device token (`Authorization: Bearer awz_…`) and may submit ratings and read stakeholders
and questionnaires; staff and funders use their signed-in session and their roles. Every
request body and query is validated by the pydantic models in `schemas.py`; every error is
an `Errors` body naming the field, in the language asked for (`?lang=` or Accept-Language).
The league table and the funder summary pass the same privacy rules as the dashboard.
"""

from __future__ import annotations

import datetime as dt
import math

from flask import Blueprint, Response, current_app, g, jsonify, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, ValidationError
from sqlalchemy import select, update

from feedback import directory, messages
from feedback.kiosk import kiosk_district
from feedback.limits import limiter, wrong_code_limits
from feedback.services import (
    ConflictingResubmission,
    InvalidSubmission,
    Submission,
    active_questionnaire,
    submit_rating,
)
from mis import engine, exports, published
from mis.periods import Grain, Period, PeriodError
from mis.queries import Scope
from models import Block, Channel, DeviceToken, District, Stakeholder, StakeholderType
from models.audit import record
from models.codes import CodeFormatError
from models.database import db, write_transaction

from ..sealing import SealError, unseal
from . import schemas
from .messages import field_message

bp = Blueprint("api", __name__, url_prefix="/api/v1")
MAX_STAKEHOLDERS = 500


class Invalid(Exception):
    """Validation failed: (field, message) pairs, answered 422."""

    def __init__(self, problems: list[tuple[str, str]], status: int = 422) -> None:
        super().__init__(problems)
        self.problems = problems
        self.status = status


@bp.errorhandler(Invalid)
def _invalid(error: Invalid):  # type: ignore[no-untyped-def]
    body = {"errors": [{"field": f, "message": m} for f, m in error.problems]}
    return jsonify(body), error.status


def _problems(error: ValidationError, prefix: str = "") -> list[tuple[str, str]]:
    found = []
    for detail in error.errors(include_url=False, include_input=False):
        where = ".".join(str(part) for part in detail["loc"]) or "body"
        found.append((prefix + where, field_message(detail["type"])))
    return found


def _query(model: type[BaseModel]):  # type: ignore[no-untyped-def]
    """The query string as `model`; one value per parameter."""
    args = {key: values[-1] for key, values in request.args.lists()}
    try:
        return model.model_validate(args)
    except ValidationError as error:
        raise Invalid(_problems(error)) from None


def _body(model: type[BaseModel]):  # type: ignore[no-untyped-def]
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid([("body", _("Send one JSON object (Content-Type: application/json)."))])
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise Invalid(_problems(error)) from None


def _json(model: BaseModel, status: int = 200) -> Response:
    response = current_app.response_class(
        model.model_dump_json(), status, mimetype="application/json"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


# --- ratings --------------------------------------------------------------------------------


def _wrong_code(response: Response) -> bool:
    if response.status_code != 422:
        return False
    return any(
        p.get("field") == "survivor_code" for p in (response.get_json() or {}).get("errors", [])
    )


def _note_use(device: DeviceToken) -> None:
    """Mark the tablet as in use, hourly: a write on every request would cost a commit each."""
    now = dt.datetime.now(dt.UTC)
    last = device.last_used_at
    if last is not None and now - last.replace(tzinfo=dt.UTC) < dt.timedelta(hours=1):
        return
    with write_transaction(db.session):
        db.session.execute(
            update(DeviceToken).where(DeviceToken.id == device.id).values(last_used_at=now)
        )


@bp.post("/ratings")
@limiter.limit(wrong_code_limits, key_func=lambda: f"device:{g.device.id}", deduct_when=_wrong_code)
def submit():
    """Store a rating once: the same client UUID again answers with what was stored."""
    response = _store(_body(schemas.RatingIn))
    _note_use(g.device)
    return response


@bp.post("/tablet/ratings")
@limiter.limit(wrong_code_limits, deduct_when=_wrong_code)  # per kiosk (feedback.limits)
def submit_sealed():
    """A rating an offline kiosk tablet sealed for this server (see awaaz/sealing.py).

    The kiosk cookie that staff set on the tablet is its credential; the custom header, which
    no cross-site form can send, stands in for a CSRF token (the survivor's session, and
    with it any token, is gone by the time the tablet is back online).
    """
    envelope = _body(schemas.SealedRating)
    if kiosk_district() is None or request.headers.get("X-Awaaz-Tablet") != "1":
        raise Invalid([("", _("Only a programme tablet in kiosk mode can send this."))], 403)
    try:
        opened = unseal(
            current_app.config["AWAAZ_TABLET_KEY"], envelope.key, envelope.iv, envelope.data
        )
    except SealError:
        raise Invalid([("data", _("This rating was not sealed for this server."))]) from None
    try:
        payload = schemas.RatingIn.model_validate_json(opened)
    except ValidationError as error:
        raise Invalid(_problems(error)) from None
    if payload.client_uuid != envelope.client_uuid:
        raise Invalid([("client_uuid", field_message("invalid"))])
    return _store(payload)


def _store(payload: schemas.RatingIn) -> Response:
    try:
        survivor = directory.find_survivor(
            db.session, current_app.config["AWAAZ_CODE_KEY"], payload.survivor_code
        )
    except CodeFormatError as error:
        raise Invalid([("survivor_code", str(messages.CODE_ERRORS[error.reason]))]) from None
    if survivor is None:
        raise Invalid([("survivor_code", str(messages.CODE_ERRORS["unknown"]))])
    year, month = (int(part) for part in payload.month.split("-"))
    submission = Submission(
        client_uuid=payload.client_uuid,
        survivor_id=survivor.id,
        stakeholder_id=payload.stakeholder_id,
        service_code=payload.service,
        month=dt.date(year, month, 1),
        channel=Channel(payload.channel),
        answers=payload.answers,
        comment=payload.comment,
        language=payload.language,
        consent_contact=payload.consent_contact,
        felt_unsafe=payload.felt_unsafe,
    )
    try:
        result = submit_rating(db.session, submission)
    except InvalidSubmission as invalid:
        raise Invalid(
            [(name, field_message(reason)) for name, reason in invalid.errors.items()]
        ) from None
    except ConflictingResubmission:
        message = _("This UUID was already used for a different rating.")
        raise Invalid([("client_uuid", message)], status=409) from None
    rating = result.rating
    body = schemas.RatingOut(
        client_uuid=rating.client_uuid,
        stakeholder_id=rating.stakeholder_id,
        service=payload.service,
        month=rating.month.strftime("%Y-%m"),
    )
    return _json(body, 201 if result.created else 200)


# --- what a tablet needs ----------------------------------------------------------------------


@bp.get("/stakeholders")
def stakeholders():
    """Active stakeholders of a place (district, block) and type, by name."""
    query = _query(schemas.StakeholderQuery)
    statement = (
        select(Stakeholder, StakeholderType.code, District.name, Block.name)
        .join(StakeholderType, StakeholderType.id == Stakeholder.type_id)
        .join(District, District.id == Stakeholder.district_id)
        .outerjoin(Block, Block.id == Stakeholder.block_id)
        .where(Stakeholder.active.is_(True), Stakeholder.merged_into_id.is_(None))
        .order_by(Stakeholder.name, Stakeholder.id)
        .limit(MAX_STAKEHOLDERS)
    )
    if query.district is not None:
        statement = statement.where(Stakeholder.district_id == query.district)
    if query.block is not None:
        statement = statement.where(Stakeholder.block_id == query.block)
    if query.type is not None:
        statement = statement.where(StakeholderType.code == query.type)
    lang = str(get_locale())
    rows = [
        schemas.StakeholderOut(
            id=s.id,
            name=s.display_name(lang),
            type=type_code,
            district_id=s.district_id,
            district=district,
            block_id=s.block_id,
            block=block,
        )
        for s, type_code, district, block in db.session.execute(statement)
    ]
    return _json(schemas.StakeholderList(stakeholders=rows))


@bp.get("/questionnaires/<type_code>")
def questionnaire(type_code: str):
    """The active questionnaire of a stakeholder type, its texts in the language asked for."""
    query = _query(schemas.Query)
    stype = db.session.scalars(select(StakeholderType).filter_by(code=type_code[:40])).first()
    found = stype and active_questionnaire(db.session, stype.id)
    if not found:
        raise Invalid([("type_code", _("There is no such stakeholder type."))], status=404)
    lang = query.lang or str(get_locale())
    with force_locale(lang):
        items = [
            schemas.ItemOut(
                code=entry.item.code,
                kind=entry.item.kind.value,
                text=_(entry.item.text),
                required=entry.required,
                options=[
                    schemas.OptionOut(code=o.code, label=_(o.label)) for o in entry.item.options
                ],
            )
            for entry in found.entries
        ]
    return _json(
        schemas.QuestionnaireOut(type=stype.code, version=found.version, language=lang, items=items)
    )


# --- results, under the dashboard's privacy rules ------------------------------------------


def _period_and_scope(query: schemas.PeriodQuery) -> tuple[Period, Scope]:
    try:
        period = Period.parse(query.period)
    except PeriodError as error:
        raise Invalid([("period", str(error))]) from None
    scope = Scope()
    if query.type is not None:
        type_id = db.session.scalar(select(StakeholderType.id).filter_by(code=query.type))
        if type_id is None:
            raise Invalid([("type", field_message("unknown"))])
        scope = Scope(type_id=type_id)
    if query.district is not None:
        if db.session.get(District, query.district) is None:
            raise Invalid([("district", field_message("unknown"))])
        scope = Scope(district_id=query.district, type_id=scope.type_id)
    return period, scope


def _released(function, period: Period, *args):  # type: ignore[no-untyped-def]
    """A `published` result; a period not released (still filling, not approved) is 404."""
    try:
        return function(db.session, period, *args)
    except published.NotReleased:
        raise Invalid([("period", _("This period is not released yet."))], status=404) from None
    except PeriodError as error:
        raise Invalid([("period", str(error))]) from None


def _released_on(period: Period, audience: str) -> str:
    note = published.release_note(db.session, period, audience)
    return note["built_at"].date().isoformat() if note else ""


def _clean(value):  # type: ignore[no-untyped-def]
    """pandas' missing values as JSON null; numpy numbers as plain ones."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    return value


def _rows(frame, columns: list[str]) -> list[dict]:  # type: ignore[no-untyped-def]
    return [{column: _clean(row[column]) for column in columns} for row in frame.to_dict("records")]


def _audited(kind: str, period: Period) -> None:
    record(
        db.session,
        "export",
        actor=current_user,
        target_type=kind,
        detail={"period": period.label, "via": "api"},
    )
    db.session.commit()


@bp.get("/league-table")
def league_table():
    """The league table, as the CSV export: figures resting on < k_staff raters are empty."""
    query = _query(schemas.PeriodQuery)
    period, scope = _period_and_scope(query)
    settings = engine.Settings.from_config(current_app.config, db.session)
    view = _released(published.league_table, period, settings, scope)
    frame = exports.league_table_frame(view)
    columns = list(schemas.LeagueRow.model_fields)
    rows = [schemas.LeagueRow.model_validate(r) for r in _rows(frame, columns)]
    _audited("league-table", period)
    released = _released_on(period, "staff")
    body = schemas.LeagueTable(
        period=period.label, released=released, k=settings.k_staff, rows=rows
    )
    return _json(body)


@bp.get("/funder-summary")
def funder_summary():
    """District × type for funders: quarters or longer, k_funder and complementary suppression."""
    query = _query(schemas.PeriodQuery)
    period, scope = _period_and_scope(query)
    if period.grain is not Grain.QUARTER:
        raise Invalid([("period", _("Funder summaries are by quarter (e.g. 2026Q3)."))])
    settings = engine.Settings.from_config(current_app.config, db.session)
    view = _released(published.funder_summary, period, settings, scope)
    frame = exports.funder_summary_frame(view)
    columns = list(schemas.FunderRow.model_fields)
    frame = frame.assign(suppressed=frame["suppressed"].fillna(False).astype(bool))
    rows = [schemas.FunderRow.model_validate(r) for r in _rows(frame, columns)]
    _audited("funder-summary", period)
    released = _released_on(period, "funder")
    body = schemas.FunderSummary(
        period=period.label, released=released, k=settings.k_funder, rows=rows
    )
    return _json(body)


@bp.get("/openapi.json")
def openapi():
    from .openapi import document

    return jsonify(document(url_for("api.submit", _external=False).rsplit("/", 1)[0]))
