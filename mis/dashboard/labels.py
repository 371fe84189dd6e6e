"""Words the dashboard shows for codes (types, dimensions, items), in the staff's language."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Item, StakeholderType

DIMENSIONS = {
    "respect": _l("Respect"),
    "responsiveness": _l("Responsiveness"),
    "integrity": _l("Integrity"),
    "confidentiality": _l("Confidentiality"),
}


def type_names(session: Session) -> dict[str, str]:
    return {t.code: _(t.label) for t in session.scalars(select(StakeholderType))}


def item_names(session: Session) -> dict[str, str]:
    return {i.code: _(i.text) for i in session.scalars(select(Item))}


def dimension_names() -> dict[str, str]:
    return {code: str(label) for code, label in DIMENSIONS.items()}
