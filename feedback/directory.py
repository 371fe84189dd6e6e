"""What the survivor pages look up: her code, the types, the stakeholders nearest her."""

from __future__ import annotations

from sqlalchemy import case, or_, select
from sqlalchemy.orm import Session

from models import (
    Service,
    Stakeholder,
    StakeholderSuggestion,
    StakeholderType,
    Survivor,
)
from models.codes import hash_code, normalise_code

MAX_SUGGESTION_LENGTH = 120


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
    session: Session, stype: StakeholderType, survivor: Survivor, query: str = "", limit: int = 40
) -> list[Stakeholder]:
    """Active stakeholders of a type: her block first, then her district, then the rest."""
    nearness = case(
        (Stakeholder.block_id == survivor.block_id, 0),
        (Stakeholder.district_id == survivor.district_id, 1),
        else_=2,
    )
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
    return list(session.scalars(statement.order_by(nearness, Stakeholder.name).limit(limit)))


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
