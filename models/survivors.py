"""Survivors, held pseudonymously: a keyed hash of the code, district, block and age band only.

There is deliberately no name, phone number, address or photo column anywhere in the schema
(SPEC §2.5). A field worker keeps the link between a person and her code on paper, offline.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, created_at, enum_type, intpk
from .geography import Block, District


class AgeBand(enum.StrEnum):
    UNDER_18 = "under_18"
    AGE_18_24 = "18_24"
    AGE_25_34 = "25_34"
    AGE_35_PLUS = "35_plus"


class Survivor(Base):
    __tablename__ = "survivors"
    __table_args__ = (UniqueConstraint("code_hash"),)

    id: Mapped[intpk]
    # HMAC-SHA256 of the normalised code under a server key, hex encoded.
    code_hash: Mapped[str] = mapped_column(String(64))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    block_id: Mapped[int | None] = mapped_column(ForeignKey("blocks.id"))
    age_band: Mapped[AgeBand | None] = mapped_column(enum_type(AgeBand))
    enrolled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    enrolled_at: Mapped[created_at]
    revoked_at: Mapped[dt.datetime | None]
    # Hindi is written to women and girls; a boy is spoken to in the masculine forms
    # (docs/i18n.md). Bengali verbs do not change, so nothing else depends on it.
    masculine_forms: Mapped[bool] = mapped_column(default=False, server_default=false())

    district: Mapped[District] = relationship()
    block: Mapped[Block | None] = relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None
