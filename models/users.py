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


class StaffSession(Base):
    """A signed-in staff session, kept on the server so that it can really end.

    The browser's cookie carries only a random token; its SHA-256 is stored here. Sign-out,
    a disabled account, 30 minutes idle or 12 hours in all end the row, and a cookie whose
    row has ended signs nobody in — even a copy captured before sign-out.
    """

    __tablename__ = "staff_sessions"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[intpk]
    token_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[created_at]
    last_seen_at: Mapped[dt.datetime]
    ended_at: Mapped[dt.datetime | None]
    ended_reason: Mapped[str | None] = mapped_column(String(20))

    user: Mapped[User] = relationship()
