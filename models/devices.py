"""Device tokens: how a field tablet signs its API calls, issued and revoked by admins.

The token is shown once when issued; only its SHA-256 is stored. A token can submit ratings
and read what a tablet needs to collect them (stakeholders, questionnaires) — nothing else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, created_at, intpk
from .geography import District

PREFIX = "awz_"


class DeviceToken(Base):
    __tablename__ = "device_tokens"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]

    district: Mapped[District | None] = relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def new_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Kiosk(Base):
    """One shared tablet in kiosk mode: its own random id, in a cookie signed by the server.

    Issued when a staff member switches the tablet on; listed on the console, where staff of
    its district can stop it or clear its wrong-code lock-out; it expires on its own. Code
    entry limits are counted per kiosk (and per lock-out generation), so one person's wrong
    codes on one tablet never lock out another tablet.
    """

    __tablename__ = "kiosks"
    __table_args__ = (UniqueConstraint("public_id"),)

    id: Mapped[intpk]
    public_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
    # Raised to clear the tablet's wrong-code lock-out: its limits start again from zero.
    lockout_generation: Mapped[int] = mapped_column(default=0)

    district: Mapped[District] = relationship()

    def usable(self, now: dt.datetime) -> bool:
        expires = self.expires_at
        if expires.tzinfo is None:  # SQLite hands datetimes back naive; they are UTC
            expires = expires.replace(tzinfo=dt.UTC)
        return self.revoked_at is None and now < expires


def new_kiosk_id() -> str:
    return secrets.token_urlsafe(16)
