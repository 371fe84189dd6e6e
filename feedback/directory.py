"""What the survivor pages look up: her code, the types, the stakeholders nearest her."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from models import (
    Action,
    ActionStatus,
    Service,
    Stakeholder,
    StakeholderSuggestion,
    StakeholderType,
    Survivor,
)
from models.codes import hash_code, normalise_code

MAX_SUGGESTION_LENGTH = 120
BOARD_SIZE = 3
BOARD_DAYS = 365


def you_said_we_did(
    session: Session, lang: str, district_id: int | None, today: dt.date | None = None
) -> list[tuple[dt.date, str]]:
    """Recent published actions as (month, summary in her language), newest first.

    Only what staff wrote as a public summary for survivors: it names no survivor and says
    nothing about any one rating. Her district's, when it is known; otherwise the programme's.
    """
    column = {"bn": Action.summary_bn, "hi": Action.summary_hi}.get(lang, Action.summary_en)
    since = (today or dt.date.today()) - dt.timedelta(days=BOARD_DAYS)
    query = (
        select(Action.taken_on, column)
        .where(
            Action.published.is_(True),
            Action.status == ActionStatus.DONE,
            Action.taken_on >= since,
            column.is_not(None),
            column != "",
        )
        .order_by(Action.taken_on.desc(), Action.id.desc())
        .limit(BOARD_SIZE)
    )
    if district_id is not None:
        query = query.join(Stakeholder, Stakeholder.id == Action.stakeholder_id).where(
            Stakeholder.district_id == district_id
        )
    return [(day.replace(day=1), text) for day, text in session.execute(query)]


def find_survivor(session: Session, key: str, entered: str) -> Survivor | None:
    """The active survivor whose code was entered; raises CodeFormatError for impossible codes."""
    code = normalise_code(entered)
    return session.scalars(
        select(Survivor).where(
            Survivor.code_hash == hash_code(key, code), Survivor.revoked_at.is_(None)
        )
    ).first()


def stakeholder_types(session: Session) -> list[StakeholderType]:
    return list(
        session.scalars(
            select(StakeholderType).filter_by(active=True).order_by(StakeholderType.sort_order)
        )
    )


def services(session: Session) -> list[Service]:
    return list(session.scalars(select(Service).order_by(Service.sort_order)))


def nearest_stakeholders(
    session: Session,
    stype: StakeholderType,
    survivor: Survivor,
    query: str = "",
    limit: int = 40,
    lang: str = "en",
) -> list[Stakeholder]:
    """Active stakeholders of a type: her block first, then her district, then the rest, each
    group in the order of the names she reads."""
    # Her block only when she has one: `block_id == NULL` would become `IS NULL` and put
    # every district-level office of every district (another district's Child Welfare
    # Committee) first as "her block" — and her rating on the wrong office.
    near = [(Stakeholder.block_id == survivor.block_id, 0)] if survivor.block_id else []
    nearness = case(
        *near,
        (Stakeholder.district_id == survivor.district_id, 1),
        else_=2,
    )
    local = {"bn": Stakeholder.name_bn, "hi": Stakeholder.name_hi}.get(lang)
    shown_name = func.coalesce(local, Stakeholder.name) if local is not None else Stakeholder.name
    statement = select(Stakeholder).where(
        Stakeholder.type_id == stype.id,
        Stakeholder.active.is_(True),
        Stakeholder.merged_into_id.is_(None),
    )
    query = query.strip()[:60]
    if query:
        pattern = f"%{query}%"
        statement = statement.where(
            or_(
                Stakeholder.name.ilike(pattern),
                Stakeholder.name_bn.ilike(pattern),
                Stakeholder.name_hi.ilike(pattern),
            )
        )
    ordered = statement.order_by(nearness, shown_name, Stakeholder.id)
    return list(session.scalars(ordered.limit(limit)))


def suggest_stakeholder(
    session: Session, stype: StakeholderType, survivor: Survivor, text: str
) -> StakeholderSuggestion | None:
    """Record a name she could not find, for staff to review; commits."""
    text = " ".join(text.split())[:MAX_SUGGESTION_LENGTH]
    if not text:
        return None
    suggestion = StakeholderSuggestion(
        type_id=stype.id, district_id=survivor.district_id, block_id=survivor.block_id, text=text
    )
    session.add(suggestion)
    session.commit()
    return suggestion
