"""The dashboard's filters: which periods exist, and the scope a choice of filters means."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from flask_babel import get_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Block, District, RaterQuarter, StakeholderType
from models.database import db

from ..engine import Settings
from ..periods import Period
from ..published import released_periods
from ..queries import Scope
from ..releases import FUNDER


@dataclass(frozen=True)
class Filters:
    period: Period
    scope: Scope
    settings: Settings


def settings() -> Settings:
    return Settings.from_config(current_app.config, db.session)


def period_options(
    session: Session, months: bool = True, today: dt.date | None = None
) -> list[dict]:
    """Closed quarters with ratings (newest first), then the months of the newest two.

    Only what a release covers: a quarter that is still filling is not offered, nor rolling
    years or calendar years (see docs/privacy.md, "periods").
    """
    today = today or dt.date.today()
    quarters = sorted(session.scalars(select(RaterQuarter.quarter).distinct()), reverse=True)
    periods = [Period.quarter(q // 10, q % 10) for q in quarters]
    periods = [p for p in periods if p.last < today.replace(day=1)]
    options = [{"label": p.label, "value": p.label} for p in periods]
    if months:
        for quarter in periods[:2]:
            month = Period.month(quarter.last)
            for _ in range(3):
                options.append({"label": month.label, "value": month.label})
                month = month.previous()
    return options


def funder_period_options(session: Session) -> list[dict]:
    """Quarters with an approved funder release, newest first."""
    return [{"label": p.label, "value": p.label} for p in released_periods(session, FUNDER)]


def default_period(options: list[dict]) -> str | None:
    """The newest closed quarter offered."""
    quarters = [o["value"] for o in options if "Q" in o["value"]]
    return (quarters or [None])[0]


def type_options(session: Session, names: dict[str, str]) -> list[dict]:
    types = session.scalars(select(StakeholderType).order_by(StakeholderType.sort_order))
    return [{"label": names.get(t.code, t.code), "value": t.id} for t in types]


def district_options(session: Session) -> list[dict]:
    lang = str(get_locale() or "en")
    districts = [(d.display_name(lang), d.id) for d in session.scalars(select(District))]
    return [{"label": name, "value": ident} for name, ident in sorted(districts)]


def block_options(session: Session, district_id: int | None) -> list[dict]:
    if not district_id:
        return []
    lang = str(get_locale() or "en")
    blocks = session.scalars(select(Block).filter_by(district_id=district_id))
    return [
        {"label": name, "value": ident}
        for name, ident in sorted((b.display_name(lang), b.id) for b in blocks)
    ]


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
