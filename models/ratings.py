"""Ratings, their answers and their comments.

A rating stores its scores, derived once at write time, next to the raw answers: the MIS then
aggregates narrow numeric columns instead of re-scoring millions of answers per request.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
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
    # "Did anyone frighten or threaten you?" — asked beside the questionnaire, never scored:
    # it raises a safeguarding alert, it does not rank anyone.
    felt_unsafe: Mapped[bool | None] = mapped_column(Boolean)

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


class ErasedRating(Base):
    """The client UUID of a rating the retention purge erased, and nothing else of it.

    A tablet that was offline for months may send a sealed rating again after the purge took
    it away; without this row it would be stored a second time (and raise its alert again).
    """

    __tablename__ = "erased_ratings"

    client_uuid: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    erased_at: Mapped[created_at]


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


DIMENSION_NAMES = tuple(d.value for d in Dimension)


class RaterQuarter(Base):
    """One survivor's ratings of one stakeholder in one quarter: counts and sums of scores.

    Derived at write time, like a rating's score. League tables count each survivor once
    (her mean); with this table a quarter's league table is one GROUP BY over narrow rows
    instead of two over the ratings. Each dimension has its own count and sum, because a
    rating may leave a dimension unanswered. `count_rating` keeps it in step in the same
    transaction; `rebuild_derived` recomputes it from the ratings.
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
    respect_n: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    respect_sum: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    responsiveness_n: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    responsiveness_sum: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    integrity_n: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    integrity_sum: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    confidentiality_n: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    confidentiality_sum: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")

    def __repr__(self) -> str:
        return f"<RaterQuarter {self.quarter}/{self.stakeholder_id}>"


class StakeholderQuarter(Base):
    """Per stakeholder and quarter, everything a dashboard view needs, in one row.

    Raters, ratings, and the sum and sum of squares of the raters' means (overall and per
    dimension); and over all ratings, scored or not: how many were submitted and the counts
    behind the "fully helped" and "asked for money" shares. Kept in step by `count_rating`
    at write time, like the rating's own score. `raters` is 0 for a stakeholder whose ratings
    that quarter were all "don't know".
    """

    __tablename__ = "stakeholder_quarters"

    quarter: Mapped[int] = mapped_column(Integer, primary_key=True)
    stakeholder_id: Mapped[int] = mapped_column(ForeignKey("stakeholders.id"), primary_key=True)
    raters: Mapped[int] = mapped_column(Integer)
    ratings: Mapped[int] = mapped_column(Integer)
    sum_s: Mapped[float] = mapped_column(Float)
    sumsq_s: Mapped[float] = mapped_column(Float)
    submitted: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    helped_n: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    helped_yes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    money_n: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    money_yes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    respect_raters: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    respect_sum: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    respect_sumsq: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    responsiveness_raters: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    responsiveness_sum: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    responsiveness_sumsq: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    integrity_raters: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    integrity_sum: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    integrity_sumsq: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    confidentiality_raters: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    confidentiality_sum: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    confidentiality_sumsq: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")

    def __repr__(self) -> str:
        return f"<StakeholderQuarter {self.quarter}/{self.stakeholder_id}>"


class ItemQuarter(Base):
    """Per stakeholder, question and quarter: answers and their sum (0–100).

    The type's mean for each question — the yardstick a profile and the best-practice
    report compare a stakeholder with — is read from here instead of from every answer.
    """

    __tablename__ = "item_quarters"

    quarter: Mapped[int] = mapped_column(Integer, primary_key=True)
    stakeholder_id: Mapped[int] = mapped_column(ForeignKey("stakeholders.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    answers: Mapped[int] = mapped_column(Integer)
    total: Mapped[float] = mapped_column(Float)


class DaysQuarter(Base):
    """Per stakeholder and quarter: how many ratings said the service took `days` days.

    A histogram, so the median number of days needs no pass over the ratings.
    """

    __tablename__ = "days_quarters"

    quarter: Mapped[int] = mapped_column(Integer, primary_key=True)
    stakeholder_id: Mapped[int] = mapped_column(ForeignKey("stakeholders.id"), primary_key=True)
    days: Mapped[int] = mapped_column(Integer, primary_key=True)
    ratings: Mapped[int] = mapped_column(Integer)


DERIVED_TABLES = (StakeholderQuarter, RaterQuarter, ItemQuarter, DaysQuarter)


@functools.cache
def _upsert_statement(dialect: str, table, keys: tuple, increments: tuple, returning: bool):  # type: ignore[no-untyped-def]
    """INSERT … ON CONFLICT DO UPDATE that adds a row's other columns to the stored ones.

    Built once per shape, with bound parameters, so SQLAlchemy compiles it once: this runs on
    every survivor's submission.
    """
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: table.c[name] + statement.excluded[name] for name in increments},
    )
    return statement.returning(*table.columns) if returning else statement


def _upsert_rows(session, model, key_names: list[str], rows: list[dict], returning=False):  # type: ignore[no-untyped-def]
    """Add each row's increments to the stored row of its key (one executemany for many rows).

    Rows must have the same columns and distinct keys.
    """
    increments = tuple(name for name in rows[0] if name not in key_names)
    dialect = session.get_bind().dialect.name
    statement = _upsert_statement(dialect, model.__table__, tuple(key_names), increments, returning)
    return session.execute(statement, rows if len(rows) > 1 else rows[0])


def _upsert(session, model, keys: dict, increments: dict, returning=False):  # type: ignore[no-untyped-def]
    return _upsert_rows(session, model, list(keys), [{**keys, **increments}], returning)


def _moved_mean(count: int, total: float, value: float) -> tuple[float, float | None]:
    """A rater's mean after and before `value` was added to her `count` values summing `total`."""
    before = (total - value) / (count - 1) if count > 1 else None
    return total / count, before


def _mean_increments(names: tuple[str, str, str], after: float, before: float | None) -> dict:
    """How (raters, Σ means, Σ means²) move when one rater's mean goes from before to after."""
    raters, total, squares = names
    return {
        raters: 1 if before is None else 0,
        total: after - (before or 0.0),
        squares: after * after - (before * before if before is not None else 0.0),
    }


def count_rating(session, rating: Rating) -> None:  # type: ignore[no-untyped-def]
    """Add a newly stored rating to the derived quarter tables, in the writer's transaction.

    The rater's row returns her new counts and sums, from which her mean before and after
    this rating follow; the stakeholder's row then moves by the difference. Every change is
    an increment, so concurrent writers cannot lose each other's updates.
    """
    keys = {"quarter": rating.quarter, "stakeholder_id": rating.stakeholder_id}
    row: dict = {
        "submitted": 1,
        "helped_n": int(rating.fully_helped is not None),
        "helped_yes": int(bool(rating.fully_helped)),
        "money_n": int(rating.asked_money is not None),
        "money_yes": int(bool(rating.asked_money)),
        "raters": 0,
        "ratings": 0,
        "sum_s": 0.0,
        "sumsq_s": 0.0,
    }
    for name in DIMENSION_NAMES:
        row |= {f"{name}_raters": 0, f"{name}_sum": 0.0, f"{name}_sumsq": 0.0}
    if rating.score is not None:
        dimensions = {d: getattr(rating, d) for d in DIMENSION_NAMES}
        rater_increments: dict = {"ratings": 1, "score_sum": rating.score}
        for name, value in dimensions.items():
            if value is not None:
                rater_increments |= {f"{name}_n": 1, f"{name}_sum": value}
        rater_keys = {**keys, "survivor_id": rating.survivor_id}
        state = _upsert(session, RaterQuarter, rater_keys, rater_increments, returning=True)
        state = state.mappings().one()
        after, before = _moved_mean(state["ratings"], state["score_sum"], rating.score)
        row |= _mean_increments(("raters", "sum_s", "sumsq_s"), after, before)
        row["ratings"] = 1
        for name, value in dimensions.items():
            if value is not None:
                after, before = _moved_mean(state[f"{name}_n"], state[f"{name}_sum"], value)
                names = (f"{name}_raters", f"{name}_sum", f"{name}_sumsq")
                row |= _mean_increments(names, after, before)
    _upsert(session, StakeholderQuarter, keys, row)
    # One statement for all the rating's answers: this runs on every survivor's submission.
    items = [
        {**keys, "item_id": a.item_id, "answers": 1, "total": a.normalised}
        for a in rating.answers
        if a.normalised is not None
    ]
    if items:
        _upsert_rows(session, ItemQuarter, [*keys, "item_id"], items)
    if rating.days_taken is not None:
        _upsert(session, DaysQuarter, {**keys, "days": rating.days_taken}, {"ratings": 1})


def _dimension_sql(template: str) -> str:
    return ", ".join(template.format(d=d) for d in DIMENSION_NAMES)


# Dimension columns are spliced in from DIMENSION_NAMES, a constant: no input reaches the SQL.
REBUILD = (
    "INSERT INTO rater_quarters (quarter, stakeholder_id, survivor_id, ratings, score_sum, "  # noqa: S608
    + _dimension_sql("{d}_n, {d}_sum")
    + ") SELECT quarter, stakeholder_id, survivor_id, COUNT(score), SUM(score), "
    + _dimension_sql("COUNT({d}), COALESCE(SUM({d}), 0)")
    + " FROM ratings WHERE score IS NOT NULL GROUP BY quarter, stakeholder_id, survivor_id",
    "INSERT INTO stakeholder_quarters (quarter, stakeholder_id, submitted, helped_n, "  # noqa: S608
    "helped_yes, money_n, money_yes, raters, ratings, sum_s, sumsq_s, "
    + _dimension_sql("{d}_raters, {d}_sum, {d}_sumsq")
    + ") SELECT r.quarter, r.stakeholder_id, r.submitted, r.helped_n, r.helped_yes, "
    "r.money_n, r.money_yes, COALESCE(a.raters, 0), COALESCE(a.ratings, 0), "
    "COALESCE(a.sum_s, 0), COALESCE(a.sumsq_s, 0), "
    + _dimension_sql("COALESCE(a.{d}_raters, 0), COALESCE(a.{d}_sum, 0), COALESCE(a.{d}_sumsq, 0)")
    + " FROM (SELECT quarter, stakeholder_id, COUNT(*) AS submitted, "
    "COUNT(fully_helped) AS helped_n, "
    "SUM(CASE WHEN fully_helped THEN 1 ELSE 0 END) AS helped_yes, "
    "COUNT(asked_money) AS money_n, SUM(CASE WHEN asked_money THEN 1 ELSE 0 END) AS money_yes "
    "FROM ratings GROUP BY quarter, stakeholder_id) r LEFT JOIN (SELECT quarter, "
    "stakeholder_id, COUNT(*) AS raters, SUM(ratings) AS ratings, "
    "SUM(score_sum / ratings) AS sum_s, "
    "SUM((score_sum / ratings) * (score_sum / ratings)) AS sumsq_s, "
    + _dimension_sql(
        "COUNT(NULLIF({d}_n, 0)) AS {d}_raters, "
        "SUM({d}_sum / NULLIF({d}_n, 0)) AS {d}_sum, "
        "SUM(({d}_sum / NULLIF({d}_n, 0)) * ({d}_sum / NULLIF({d}_n, 0))) AS {d}_sumsq"
    )
    + " FROM rater_quarters GROUP BY quarter, stakeholder_id) a "
    "ON a.quarter = r.quarter AND a.stakeholder_id = r.stakeholder_id",
    "INSERT INTO item_quarters (quarter, stakeholder_id, item_id, answers, total) "
    "SELECT r.quarter, r.stakeholder_id, a.item_id, COUNT(*), SUM(a.normalised) "
    "FROM answers a JOIN ratings r ON r.id = a.rating_id WHERE a.normalised IS NOT NULL "
    "GROUP BY r.quarter, r.stakeholder_id, a.item_id",
    "INSERT INTO days_quarters (quarter, stakeholder_id, days, ratings) "
    "SELECT quarter, stakeholder_id, days_taken, COUNT(*) FROM ratings "
    "WHERE days_taken IS NOT NULL GROUP BY quarter, stakeholder_id, days_taken",
)


def rebuild_derived(session) -> None:  # type: ignore[no-untyped-def]
    """Recompute every derived quarter table from the ratings (after a bulk load)."""
    for model in DERIVED_TABLES:
        session.execute(text(f"DELETE FROM {model.__tablename__}"))  # noqa: S608 - fixed names
    for statement in REBUILD:
        session.execute(text(statement))
