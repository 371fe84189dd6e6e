"""State → district → block → gram panchayat."""

from __future__ import annotations

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, LocalisedNameMixin, intpk


class State(LocalisedNameMixin, Base):
    __tablename__ = "states"
    __table_args__ = (UniqueConstraint("name"),)

    id: Mapped[intpk]
    districts: Mapped[list[District]] = relationship(back_populates="state")


class District(LocalisedNameMixin, Base):
    __tablename__ = "districts"
    __table_args__ = (UniqueConstraint("state_id", "name"),)

    id: Mapped[intpk]
    state_id: Mapped[int] = mapped_column(ForeignKey("states.id"), index=True)
    state: Mapped[State] = relationship(back_populates="districts")
    blocks: Mapped[list[Block]] = relationship(back_populates="district")


class Block(LocalisedNameMixin, Base):
    __tablename__ = "blocks"
    __table_args__ = (UniqueConstraint("district_id", "name"),)

    id: Mapped[intpk]
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    district: Mapped[District] = relationship(back_populates="blocks")
    gram_panchayats: Mapped[list[GramPanchayat]] = relationship(back_populates="block")


class GramPanchayat(LocalisedNameMixin, Base):
    __tablename__ = "gram_panchayats"
    __table_args__ = (UniqueConstraint("block_id", "name"),)

    id: Mapped[intpk]
    block_id: Mapped[int] = mapped_column(ForeignKey("blocks.id"), index=True)
    block: Mapped[Block] = relationship(back_populates="gram_panchayats")
