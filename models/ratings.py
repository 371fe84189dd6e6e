"""Ratings, their answers and their comments.

A rating stores its scores, derived once at write time, next to the raw answers: the MIS then
aggregates narrow numeric columns instead of re-scoring millions of answers per request.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, created_at, enum_type, intpk
from .questionnaires import Dimension, Item, Questionnaire
from .stakeholders import Service, Stakeholder
from .survivors import Survivor

SCORE_RANGE = "BETWEEN 0 AND 100"


class Channel(enum.StrEnum):
    KIOSK = "kiosk"
    PHONE = "phone"
    ASSISTED = "assisted"
    PAPER = "paper"


def quarter_of(month: dt.date) -> int:
    """2026-08-01 → 20263: a sortable integer for the quarter a month falls in."""
    return month.year * 10 + (month.month - 1) // 3 + 1


class Rating(Base):
    """One survivor's answers about one stakeholder for one service in one month."""

    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("client_uuid"),
        CheckConstraint(f"score IS NULL OR score {SCORE_RANGE}", name="score_range"),
        *(
            CheckConstraint(f"{d.value} IS NULL OR {d.value} {SCORE_RANGE}", name=f"{d}_range")
            for d in Dimension
        ),
        CheckConstraint("days_taken IS NULL OR days_taken >= 0", name="days_nonnegative"),
        # The league table and trends filter on a period and group by stakeholder and rater;
        # these covering indexes let both databases answer from the index alone.
        Index("ix_ratings_quarter", "quarter", "stakeholder_id", "survivor_id", "score"),
        Index("ix_ratings_month", "month", "stakeholder_id", "survivor_id", "score"),
    )

    id: Mapped[intpk]
    client_uuid: Mapped[uuid.UUID] = mapped_column(Uuid)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("survivors.id"), index=True)
    stakeholder_id: Mapped[int] = mapped_column(ForeignKey("stakeholders.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id"))
    month: Mapped[dt.date] = mapped_column(Date)
    quarter: Mapped[int] = mapped_column(Integer)
    channel: Mapped[Channel] = mapped_column(enum_type(Channel))
    consent_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    # SHA-256 of the canonical submission: tells a true resubmission from a UUID collision.
    payload_digest: Mapped[str] = mapped_column(String(64))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    score: Mapped[float | None] = mapped_column(Float)
    respect: Mapped[float | None] = mapped_column(Float)
    responsiveness: Mapped[float | None] = mapped_column(Float)
    integrity: Mapped[float | None] = mapped_column(Float)
    confidentiality: Mapped[float | None] = mapped_column(Float)
    fully_helped: Mapped[bool | None] = mapped_column(Boolean)
    asked_money: Mapped[bool | None] = mapped_column(Boolean)
    days_taken: Mapped[int | None] = mapped_column(Integer)

    survivor: Mapped[Survivor] = relationship()
    stakeholder: Mapped[Stakeholder] = relationship()
    service: Mapped[Service] = relationship()
    questionnaire: Mapped[Questionnaire] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="rating", cascade="all, delete-orphan"
    )
    comment: Mapped[Comment | None] = relationship(
        back_populates="rating", cascade="all, delete-orphan"
    )


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("rating_id", "item_id"),
        CheckConstraint(f"normalised IS NULL OR normalised {SCORE_RANGE}", name="normalised_range"),
    )

    id: Mapped[intpk]
    rating_id: Mapped[int] = mapped_column(ForeignKey("ratings.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    value: Mapped[str] = mapped_column(String(20))
    normalised: Mapped[float | None] = mapped_column(Float)

    rating: Mapped[Rating] = relationship(back_populates="answers")
    item: Mapped[Item] = relationship()


class CommentStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Comment(Base):
    """A survivor's free text. Shown nowhere until a moderator approves a redacted version."""

    __tablename__ = "comments"
    __table_args__ = (UniqueConstraint("rating_id"),)

    id: Mapped[intpk]
    rating_id: Mapped[int] = mapped_column(ForeignKey("ratings.id", ondelete="CASCADE"))
    # Erased (set to NULL) when the retention period ends; the moderated text may stay.
    original: Mapped[str | None] = mapped_column(Text)
    moderated: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[CommentStatus] = mapped_column(
        enum_type(CommentStatus), default=CommentStatus.PENDING, index=True
    )
    good_practice: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[created_at]
    moderated_at: Mapped[dt.datetime | None]
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    rating: Mapped[Rating] = relationship(back_populates="comment")


class RaterQuarter(Base):
    """One survivor's ratings of one stakeholder in one quarter: count and sum of scores.

    Derived at write time, like a rating's score. League tables count each survivor once
    (her mean); with this table a quarter's league table is one GROUP BY over narrow rows
    instead of two over the ratings. `feedback.services.submit_rating` keeps it in step in
    the same transaction; `rebuild_rater_quarters` recomputes it from the ratings.
    """

    __tablename__ = "rater_quarters"
    __table_args__ = (
        Index("ix_rater_quarters_quarter", "quarter", "stakeholder_id", "ratings", "score_sum"),
        CheckConstraint("ratings > 0", name="ratings_positive"),
    )

    quarter: Mapped[int] = mapped_column(Integer, primary_key=True)
    stakeholder_id: Mapped[int] = mapped_column(ForeignKey("stakeholders.id"), primary_key=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("survivors.id"), primary_key=True)
    ratings: Mapped[int] = mapped_column(Integer)
    score_sum: Mapped[float] = mapped_column(Float)

    def __repr__(self) -> str:
        return f"<RaterQuarter {self.quarter}/{self.stakeholder_id}>"


class StakeholderQuarter(Base):
    """Per stakeholder and quarter: raters, ratings, and the sum and sum of squares of the
    raters' means — everything a quarter's league table needs, in one row.

    Kept in step by `count_rater` at write time, like the rating's own score.
    """

    __tablename__ = "stakeholder_quarters"

    quarter: Mapped[int] = mapped_column(Integer, primary_key=True)
    stakeholder_id: Mapped[int] = mapped_column(ForeignKey("stakeholders.id"), primary_key=True)
    raters: Mapped[int] = mapped_column(Integer)
    ratings: Mapped[int] = mapped_column(Integer)
    sum_s: Mapped[float] = mapped_column(Float)
    sumsq_s: Mapped[float] = mapped_column(Float)

    def __repr__(self) -> str:
        return f"<StakeholderQuarter {self.quarter}/{self.stakeholder_id}>"


def _upsert(session, model, keys: dict, increments: dict):  # type: ignore[no-untyped-def]
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(model).values(**keys, **increments)
    return statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: getattr(model, name) + statement.excluded[name] for name in increments},
    )


def count_rater(session, rating: Rating) -> None:  # type: ignore[no-untyped-def]
    """Add a newly stored rating to the derived per-rater and per-stakeholder quarter sums.

    The rater's row returns its new count and sum, from which her mean before and after this
    rating follow; the stakeholder's row then moves by the difference. Both are increments,
    so concurrent writers cannot lose each other's updates.
    """
    if rating.score is None:
        return
    keys = {"quarter": rating.quarter, "stakeholder_id": rating.stakeholder_id}
    rater = _upsert(
        session,
        RaterQuarter,
        {**keys, "survivor_id": rating.survivor_id},
        {"ratings": 1, "score_sum": rating.score},
    )
    count, total = session.execute(
        rater.returning(RaterQuarter.ratings, RaterQuarter.score_sum)
    ).one()
    mean = total / count
    before = (total - rating.score) / (count - 1) if count > 1 else None
    session.execute(
        _upsert(
            session,
            StakeholderQuarter,
            keys,
            {
                "raters": 1 if before is None else 0,
                "ratings": 1,
                "sum_s": mean - (before or 0.0),
                "sumsq_s": mean * mean - (before * before if before is not None else 0.0),
            },
        )
    )


REBUILD_RATER_QUARTERS = (
    "INSERT INTO rater_quarters (quarter, stakeholder_id, survivor_id, ratings, score_sum) "
    "SELECT quarter, stakeholder_id, survivor_id, COUNT(score), SUM(score) FROM ratings "
    "WHERE score IS NOT NULL GROUP BY quarter, stakeholder_id, survivor_id"
)
REBUILD_STAKEHOLDER_QUARTERS = (
    "INSERT INTO stakeholder_quarters (quarter, stakeholder_id, raters, ratings, sum_s, "
    "sumsq_s) SELECT quarter, stakeholder_id, COUNT(*), SUM(ratings), "
    "SUM(score_sum / ratings), SUM((score_sum / ratings) * (score_sum / ratings)) "
    "FROM rater_quarters GROUP BY quarter, stakeholder_id"
)


def rebuild_rater_quarters(session) -> None:  # type: ignore[no-untyped-def]
    """Recompute both derived tables from the ratings (after a bulk load)."""
    session.execute(text("DELETE FROM stakeholder_quarters"))
    session.execute(text("DELETE FROM rater_quarters"))
    session.execute(text(REBUILD_RATER_QUARTERS))
    session.execute(text(REBUILD_STAKEHOLDER_QUARTERS))
