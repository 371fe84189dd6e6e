"""What a client reads: stakeholders, questionnaires, the league table and the funder summary.

The league table and the funder summary come from releases (`mis.published`),
like every other output."""

from __future__ import annotations

import math

from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from awaaz.api import schemas
from awaaz.api.views import Invalid, bp, json_response, parse_query
from awaaz.web.messages import field_message
from feedback.services import (
    active_questionnaire,
)
from mis import engine, exports, published
from mis.periods import Grain, Period, PeriodError
from mis.queries import Scope
from models import Block, District, Stakeholder, StakeholderType
from models.audit import record
from models.database import db

MAX_STAKEHOLDERS = 500


@bp.get("/stakeholders")
def stakeholders():
    """Active stakeholders of a place (district, block) and type, by name."""
    query = parse_query(schemas.StakeholderQuery)
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
    return json_response(schemas.StakeholderList(stakeholders=rows))


@bp.get("/questionnaires/<type_code>")
def questionnaire(type_code: str):
    """The active questionnaire of a stakeholder type, its texts in the language asked for."""
    query = parse_query(schemas.Query)
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
    return json_response(
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
    query = parse_query(schemas.PeriodQuery)
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
    return json_response(body)


@bp.get("/funder-summary")
def funder_summary():
    """District × type for funders: quarters or longer, k_funder and complementary suppression."""
    query = parse_query(schemas.PeriodQuery)
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
    return json_response(body)
