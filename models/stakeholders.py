"""Duty bearers: stakeholder types, the stakeholders themselves, and the services sought."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, LocalisedNameMixin, code_str, created_at, enum_type, intpk
from .geography import Block, District, GramPanchayat


class StakeholderType(Base):
    """A kind of duty bearer. `label` is an English msgid translated by the web layer."""

    __tablename__ = "stakeholder_types"
    __table_args__ = (UniqueConstraint("code"),)

    id: Mapped[intpk]
    code: Mapped[code_str]
    label: Mapped[str] = mapped_column(String(200))
    icon: Mapped[str] = mapped_column(String(40), default="person")
    sort_order: Mapped[int] = mapped_column(Integer, default=100)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Stakeholder(LocalisedNameMixin, Base):
    """A named person or office of one type in one place."""

    __tablename__ = "stakeholders"

    id: Mapped[intpk]
    type_id: Mapped[int] = mapped_column(ForeignKey("stakeholder_types.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    block_id: Mapped[int | None] = mapped_column(ForeignKey("blocks.id"), index=True)
    gram_panchayat_id: Mapped[int | None] = mapped_column(ForeignKey("gram_panchayats.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A duplicate merged by an admin points at the record that absorbed it; its old ratings
    # keep their stakeholder_id so the audit trail stays true.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholders.id"))
    created_at: Mapped[created_at]

    type: Mapped[StakeholderType] = relationship()
    district: Mapped[District] = relationship()
    block: Mapped[Block | None] = relationship()
    gram_panchayat: Mapped[GramPanchayat | None] = relationship()


class Service(Base):
    """A kind of help a survivor seeks (documents, compensation, medical care, …)."""

    __tablename__ = "services"
    __table_args__ = (UniqueConstraint("code"),)

    id: Mapped[intpk]
    code: Mapped[code_str]
    label: Mapped[str] = mapped_column(String(200))
    icon: Mapped[str] = mapped_column(String(40), default="help")
    sort_order: Mapped[int] = mapped_column(Integer, default=100)


class SuggestionStatus(enum.StrEnum):
    NEW = "new"
    ADDED = "added"
    REJECTED = "rejected"


class StakeholderSuggestion(Base):
    """A name a survivor typed under "not in the list", waiting for staff review."""

    __tablename__ = "stakeholder_suggestions"

    id: Mapped[intpk]
    type_id: Mapped[int] = mapped_column(ForeignKey("stakeholder_types.id"))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    block_id: Mapped[int | None] = mapped_column(ForeignKey("blocks.id"))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[SuggestionStatus] = mapped_column(
        enum_type(SuggestionStatus),
        default=SuggestionStatus.NEW,
    )
    stakeholder_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholders.id"))
    created_at: Mapped[created_at]
    reviewed_at: Mapped[dt.datetime | None]

    type: Mapped[StakeholderType] = relationship()
    held: Mapped[list[HeldRating]] = relationship(
        back_populates="suggestion", cascade="all, delete-orphan"
    )

    def display_name(self, locale: str) -> str:
        """What she typed, in whatever script she typed it: the only name there is yet."""
        return self.text


class HeldRating(Base):
    """A rating of someone "not in the list", kept whole until staff add the name.

    It counts nowhere and raises no alert while held: a rating needs a stakeholder. When
    staff add the suggestion to the registry, it is stored as any rating is (with its alert);
    when they reject it, it is erased. `flagged` puts it first on the staff's list when she
    felt unsafe or was asked for money, so that a held rating never hides a danger for long.
    """

    __tablename__ = "held_ratings"
    __table_args__ = (UniqueConstraint("client_uuid"),)

    id: Mapped[intpk]
    suggestion_id: Mapped[int] = mapped_column(
        ForeignKey("stakeholder_suggestions.id", ondelete="CASCADE"), index=True
    )
    client_uuid: Mapped[uuid.UUID] = mapped_column(Uuid)
    payload: Mapped[str] = mapped_column(Text)  # the submission as JSON (feedback/held.py)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[created_at]

    suggestion: Mapped[StakeholderSuggestion] = relationship(back_populates="held")
