"""The dashboard's filters: which periods exist, and the scope a choice of filters means."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Block, District, RaterQuarter, StakeholderType
from models.database import db

from ..engine import Settings
from ..periods import Period
from ..queries import Scope


@dataclass(frozen=True)
class Filters:
    period: Period
    scope: Scope
    settings: Settings


def settings() -> Settings:
    return Settings.from_config(current_app.config, db.session)


def period_options(session: Session, months: bool = True) -> list[dict]:
    """Quarters with ratings (newest first), rolling years, years and recent months."""
    quarters = sorted(session.scalars(select(RaterQuarter.quarter).distinct()), reverse=True)
    periods = [Period.quarter(q // 10, q % 10) for q in quarters]
    options = [{"label": p.label, "value": p.label} for p in periods]
    options += [{"label": f"{p.label} (4Q)", "value": f"{p.label}R"} for p in periods[:4]]
    years = sorted({p.first.year for p in periods}, reverse=True)
    options += [{"label": str(y), "value": str(y)} for y in years]
    if months and periods:
        latest = periods[0]
        recent = [Period.month(latest.last)]
        while len(recent) < 6:
            recent.append(recent[-1].previous())
        options += [{"label": m.label, "value": m.label} for m in recent]
    return options


def default_period(options: list[dict], today: dt.date | None = None) -> str | None:
    """The latest quarter that has ended: staff read whole quarters, not one in progress."""
    today = today or dt.date.today()
    quarters = [o["value"] for o in options if o["value"][-2] == "Q"]
    finished = [q for q in quarters if Period.parse(q).last < today.replace(day=1)]
    return (finished or quarters or [None])[0]


def type_options(session: Session, names: dict[str, str]) -> list[dict]:
    types = session.scalars(select(StakeholderType).order_by(StakeholderType.sort_order))
    return [{"label": names.get(t.code, t.code), "value": t.id} for t in types]


def district_options(session: Session) -> list[dict]:
    return [
        {"label": d.name, "value": d.id}
        for d in session.scalars(select(District).order_by(District.name))
    ]


def block_options(session: Session, district_id: int | None) -> list[dict]:
    if not district_id:
        return []
    blocks = session.scalars(select(Block).filter_by(district_id=district_id).order_by(Block.name))
    return [{"label": b.name, "value": b.id} for b in blocks]


def build(
    period: str | None,
    type_id: int | None,
    district_id: int | None,
    block_id: int | None,
    fallback: str | None,
) -> Filters | None:
    text = period or fallback
    if not text:
        return None
    return Filters(
        Period.parse(text),
        Scope(district_id=district_id or None, block_id=block_id or None, type_id=type_id or None),
        settings(),
    )
