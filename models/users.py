"""Staff accounts: admins, programme staff, field workers and funders."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, created_at, enum_type, intpk
from .geography import District


class Role(enum.StrEnum):
    ADMIN = "admin"
    STAFF = "staff"
    FIELD = "field"
    FUNDER = "funder"


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("email"),)

    id: Mapped[intpk]
    email: Mapped[str] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_type(Role))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A field worker enrols survivors of one district and sees only that district's records.
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    created_at: Mapped[created_at]
    last_login_at: Mapped[dt.datetime | None]
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None]

    district: Mapped[District | None] = relationship()
