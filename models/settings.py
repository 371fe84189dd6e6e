"""Key–value programme settings that admins change at run time (thresholds, retention, …)."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<Setting {self.key}>"


# Admin-editable programme settings and their defaults. Thresholds set here can only raise
# the floors set in the environment (AWAAZ_K_STAFF, AWAAZ_K_FUNDER), never lower them.
K_STAFF, K_FUNDER = "k_staff", "k_funder"
COMMENT_RETENTION_DAYS = "comment_retention_days"
RATING_RETENTION_DAYS = "rating_retention_days"
# A rating scoring at or below this (0–100) raises a safeguarding alert.
ALERT_SCORE = "alert_score"
DEFAULTS = {
    K_STAFF: 0,
    K_FUNDER: 0,
    COMMENT_RETENTION_DAYS: 180,
    RATING_RETENTION_DAYS: 0,
    ALERT_SCORE: 20,
}


def read_int(session, key: str) -> int:  # type: ignore[no-untyped-def]
    """An integer setting, or its default when unset or unreadable."""
    row = session.get(Setting, key)
    try:
        return int(row.value) if row is not None else DEFAULTS[key]
    except ValueError:
        return DEFAULTS[key]


def write_int(session, key: str, value: int) -> None:  # type: ignore[no-untyped-def]
    session.merge(Setting(key=key, value=str(int(value))))
