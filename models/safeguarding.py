"""Closing the loop: safeguarding alerts, the danger-word list, and actions taken.

A rating raises an alert, in the same transaction that stores it, when it says money or a
favour was asked, that she felt unsafe or was threatened, when its score is very low, or when
its comment holds a word of danger. Without her consent the alert is about the stakeholder
only: it carries no survivor. With consent it carries her survivor record, which only her
enrolling field worker and admins may see (the views enforce and audit that).
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable

from sqlalchemy import Boolean, Date, ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from . import settings as programme
from .base import N_, Base, created_at, enum_type, intpk, utcnow
from .ratings import Rating
from .stakeholders import Stakeholder


class AlertStatus(enum.StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


class AlertReason(enum.StrEnum):
    MONEY = "money"
    UNSAFE = "unsafe"
    LOW_SCORE = "low_score"
    DANGER_WORDS = "danger_words"


class Alert(Base):
    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("rating_id"),)

    id: Mapped[intpk]
    # Set to NULL when retention erases the rating: the alert and its history stay.
    rating_id: Mapped[int | None] = mapped_column(ForeignKey("ratings.id", ondelete="SET NULL"))
    stakeholder_id: Mapped[int] = mapped_column(ForeignKey("stakeholders.id"), index=True)
    month: Mapped[dt.date] = mapped_column(Date)
    reasons: Mapped[str] = mapped_column(String(80))  # AlertReason values, comma-separated
    matched_words: Mapped[str | None] = mapped_column(String(300))
    # Only when she asked to be contacted; otherwise the alert is about the stakeholder only.
    survivor_id: Mapped[int | None] = mapped_column(ForeignKey("survivors.id"))
    field_worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[AlertStatus] = mapped_column(enum_type(AlertStatus), default=AlertStatus.NEW)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    stakeholder: Mapped[Stakeholder] = relationship()
    rating: Mapped[Rating | None] = relationship()
    notes: Mapped[list[AlertNote]] = relationship(
        order_by="AlertNote.id", cascade="all, delete-orphan"
    )

    @property
    def reason_list(self) -> list[AlertReason]:
        return [AlertReason(r) for r in self.reasons.split(",") if r]


class AlertNote(Base):
    __tablename__ = "alert_notes"

    id: Mapped[intpk]
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[created_at]


class DangerWord(Base):
    """A word or phrase that, in a comment, raises an alert. Reviewed and edited by admins."""

    __tablename__ = "danger_words"
    __table_args__ = (UniqueConstraint("language", "word"),)

    id: Mapped[intpk]
    language: Mapped[str] = mapped_column(String(8))
    word: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[created_at]


class ActionKind(enum.StrEnum):
    MEETING = "meeting"
    LETTER = "letter"
    ESCALATION = "escalation"
    TRAINING = "training"
    RECOGNITION = "recognition"


class EscalatedTo(enum.StrEnum):
    DM = "dm"  # District Magistrate
    SP = "sp"  # Superintendent of Police
    DLSA = "dlsa"  # District Legal Services Authority
    SCPCR = "scpcr"  # State Commission for Protection of Child Rights


class ActionStatus(enum.StrEnum):
    AGREED = "agreed"  # e.g. agreed at an interface meeting, not yet done
    DONE = "done"


# Interface text for the kinds above (English msgids; the web layers translate them).
ACTION_KIND_LABELS = {
    ActionKind.MEETING: N_("Meeting"),
    ActionKind.LETTER: N_("Letter"),
    ActionKind.ESCALATION: N_("Escalation"),
    ActionKind.TRAINING: N_("Training"),
    ActionKind.RECOGNITION: N_("Recognition"),
}
ESCALATION_LABELS = {
    EscalatedTo.DM: N_("District Magistrate"),
    EscalatedTo.SP: N_("Superintendent of Police"),
    EscalatedTo.DLSA: N_("District Legal Services Authority"),
    EscalatedTo.SCPCR: N_("State Commission for Protection of Child Rights"),
}
ACTION_STATUS_LABELS = {
    ActionStatus.AGREED: N_("Agreed, not yet done"),
    ActionStatus.DONE: N_("Done"),
}


class Action(Base):
    """What the programme did about a stakeholder or an alert, with a public summary."""

    __tablename__ = "actions"

    id: Mapped[intpk]
    stakeholder_id: Mapped[int] = mapped_column(ForeignKey("stakeholders.id"), index=True)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id", ondelete="SET NULL"))
    kind: Mapped[ActionKind] = mapped_column(enum_type(ActionKind))
    escalated_to: Mapped[EscalatedTo | None] = mapped_column(enum_type(EscalatedTo))
    status: Mapped[ActionStatus] = mapped_column(enum_type(ActionStatus), default=ActionStatus.DONE)
    taken_on: Mapped[dt.date] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(Text)  # for staff only
    # Shown to survivors of the stakeholder's district only when published.
    summary_bn: Mapped[str | None] = mapped_column(String(300))
    summary_hi: Mapped[str | None] = mapped_column(String(300))
    summary_en: Mapped[str | None] = mapped_column(String(300))
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    stakeholder: Mapped[Stakeholder] = relationship()

    def summary(self, lang: str) -> str | None:
        return {"bn": self.summary_bn, "hi": self.summary_hi, "en": self.summary_en}.get(lang)


# A reviewed starting list, loaded once per language when that language has none; admins
# then keep it (the staff console's danger-word page). Words are matched inside words for
# Bengali and Hindi (inflections attach to the stem) and at the start of words for English.
DEFAULT_DANGER_WORDS = {
    "en": [
        "threat", "beat", "hit me", "rape", "sold", "sell me", "kill", "afraid", "scared",
        "danger", "forced", "locked", "trafficker", "dalal", "touched me", "unsafe",
    ],
    "bn": [
        "হুমকি", "মারধর", "মেরেছে", "মারবে", "ভয়", "বিক্রি", "ধর্ষণ", "জোর করে", "খুন",
        "আটকে", "দালাল", "গায়ে হাত", "বিপদ", "মেরে ফেল",
    ],
    "hi": [
        "धमकी", "मारा", "पीटा", "मारेंगे", "डर", "बेच", "बलात्कार", "जबरदस्ती", "जान से",
        "बंद करके", "दलाल", "हाथ लगाया", "खतरा", "ख़तरा",
    ],
}  # fmt: skip


def load_default_danger_words(session: Session) -> int:
    """Add the starting list for each language that has no words yet; returns how many."""
    added = 0
    for language, words in DEFAULT_DANGER_WORDS.items():
        if session.scalar(select(DangerWord.id).filter_by(language=language).limit(1)):
            continue  # admins own the list once it exists: never re-add what they removed
        session.add_all(DangerWord(language=language, word=w) for w in words)
        added += len(words)
    return added


def danger_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern for all words; None when the list is empty."""
    parts = []
    for word in sorted({w.strip() for w in words if w.strip()}, key=len, reverse=True):
        escaped = r"\s+".join(re.escape(p) for p in word.split())
        # \b before ASCII words only: Indic scripts' vowel signs are not word characters to re.
        parts.append(rf"\b{escaped}" if word.isascii() else escaped)
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def alert_reasons(
    rating: Rating, comment: str | None, low_score: int, pattern: re.Pattern[str] | None
) -> tuple[list[AlertReason], list[str]]:
    """Why a rating needs a safeguarding look, and the danger words its comment holds."""
    reasons = []
    if rating.asked_money:
        reasons.append(AlertReason.MONEY)
    if rating.felt_unsafe:
        reasons.append(AlertReason.UNSAFE)
    if rating.score is not None and rating.score <= low_score:
        reasons.append(AlertReason.LOW_SCORE)
    matched: list[str] = []
    if comment and pattern is not None:
        matched = sorted({m.group(0).casefold() for m in pattern.finditer(comment)})
        if matched:
            reasons.append(AlertReason.DANGER_WORDS)
    return reasons, matched


def raise_alert(session: Session, rating: Rating, survivor) -> Alert | None:  # type: ignore[no-untyped-def]
    """Raise the rating's alert if it needs one, in the caller's transaction."""
    comment = rating.comment.original if rating.comment is not None else None
    pattern = danger_pattern(session.scalars(select(DangerWord.word))) if comment else None
    low = programme.read_int(session, programme.ALERT_SCORE)
    reasons, matched = alert_reasons(rating, comment, low, pattern)
    if not reasons:
        return None
    consent = bool(rating.consent_contact)
    alert = Alert(
        # Without consent nothing leads from the alert back to her rating.
        rating_id=rating.id if consent else None,
        stakeholder_id=rating.stakeholder_id,
        month=rating.month,
        reasons=",".join(reasons),
        matched_words=", ".join(matched)[:300] or None,
        survivor_id=survivor.id if consent else None,
        field_worker_id=survivor.enrolled_by_id if consent else None,
    )
    session.add(alert)
    return alert
