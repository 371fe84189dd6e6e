"""Spoken prompts: one MP3 clip per survivor-facing text and language.

A clip is found by what it says — the SHA-256 of its language and the exact text on the page
(`prompt_key`) — so a reworded question gets a new clip and never plays the old words. The
audio is kept in the database (a few kilobytes each), so a backup holds it and two workers
serve the same clips; it is served under the SHA-256 of its bytes, an address that never
changes meaning and may be cached for good.

A machine clip is rendered once, when its text is new (`awaaz voice render`); a recording a
staff member makes or uploads waits for an admin's approval, and an approved recording is
played instead of the machine voice.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib

from sqlalchemy import Float, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, created_at, enum_type, intpk


class ClipSource(enum.StrEnum):
    MACHINE = "machine"
    RECORDING = "recording"


class ClipStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


def prompt_key(lang: str, text: str) -> str:
    """What a clip says, as a key: the page's language and its exact (whitespace-tidied) text."""
    return hashlib.sha256(f"{lang}\0{' '.join(text.split())}".encode()).hexdigest()


class VoiceClip(Base):
    __tablename__ = "voice_clips"
    # One clip may serve two prompts that sound alike: unique per prompt, not per sound.
    __table_args__ = (
        UniqueConstraint("prompt_key", "audio_sha256"),
        Index("ix_voice_clips_lang_status", "lang", "status"),
    )

    id: Mapped[intpk]
    lang: Mapped[str] = mapped_column(String(8))
    prompt_key: Mapped[str] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[ClipSource] = mapped_column(enum_type(ClipSource))
    status: Mapped[ClipStatus] = mapped_column(enum_type(ClipStatus))
    audio: Mapped[bytes] = mapped_column(LargeBinary)
    audio_sha256: Mapped[str] = mapped_column(String(64), index=True)
    seconds: Mapped[float] = mapped_column(Float)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None]

    @property
    def size(self) -> int:
        return len(self.audio)
