"""Versioned questionnaires built from a bank of items, and how each answer becomes 0–100."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, code_str, created_at, enum_type, intpk
from .stakeholders import StakeholderType

DONT_KNOW = "dk"


class ItemKind(enum.StrEnum):
    SCALE5 = "scale5"
    YESNO = "yesno"
    CHOICE = "choice"
    DAYS = "days"
    TEXT = "text"


class Dimension(enum.StrEnum):
    RESPECT = "respect"
    RESPONSIVENESS = "responsiveness"
    INTEGRITY = "integrity"
    CONFIDENTIALITY = "confidentiality"


class Indicator(enum.StrEnum):
    """Items whose answers also feed a service indicator (SPEC §4)."""

    HELPED = "helped"  # choice: fully met when its value is 100
    MONEY = "money"  # yesno: money or a favour was asked when the answer is "yes"
    DAYS = "days"  # days: median days to service


class Item(Base):
    """One question of the common bank or of one stakeholder type."""

    __tablename__ = "items"
    __table_args__ = (
        UniqueConstraint("code"),
        CheckConstraint("polarity IN (-1, 1)", name="polarity"),
        CheckConstraint(
            "(kind = 'yesno') = (polarity IS NOT NULL)", name="polarity_only_for_yesno"
        ),
    )

    id: Mapped[intpk]
    code: Mapped[code_str]
    kind: Mapped[ItemKind] = mapped_column(enum_type(ItemKind))
    text: Mapped[str] = mapped_column(String(300))
    dimension: Mapped[Dimension | None] = mapped_column(enum_type(Dimension))
    indicator: Mapped[Indicator | None] = mapped_column(enum_type(Indicator))
    # +1: "yes" is good (100); -1: "yes" is bad ("asked for money: yes" scores 0).
    polarity: Mapped[int | None] = mapped_column(SmallInteger)
    options: Mapped[list[ItemOption]] = relationship(
        back_populates="item", order_by="ItemOption.position", cascade="all, delete-orphan"
    )

    @property
    def scored(self) -> bool:
        return self.kind in (ItemKind.SCALE5, ItemKind.YESNO, ItemKind.CHOICE)

    def option(self, code: str) -> ItemOption | None:
        return next((o for o in self.options if o.code == code), None)


class ItemOption(Base):
    """A choice of a `choice` item with its 0–100 value; no value means "don't know"."""

    __tablename__ = "item_options"
    __table_args__ = (
        UniqueConstraint("item_id", "code"),
        CheckConstraint("value IS NULL OR (value >= 0 AND value <= 100)", name="value_range"),
    )

    id: Mapped[intpk]
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    code: Mapped[code_str]
    label: Mapped[str] = mapped_column(String(200))
    value: Mapped[float | None] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer, default=0)
    item: Mapped[Item] = relationship(back_populates="options")


class Questionnaire(Base):
    """The items asked about one stakeholder type; a new version never changes an old one."""

    __tablename__ = "questionnaires"
    __table_args__ = (UniqueConstraint("type_id", "version"),)

    id: Mapped[intpk]
    type_id: Mapped[int] = mapped_column(ForeignKey("stakeholder_types.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[created_at]

    type: Mapped[StakeholderType] = relationship()
    entries: Mapped[list[QuestionnaireItem]] = relationship(
        order_by="QuestionnaireItem.position", cascade="all, delete-orphan"
    )

    @property
    def items(self) -> list[Item]:
        return [entry.item for entry in self.entries]


class QuestionnaireItem(Base):
    __tablename__ = "questionnaire_items"
    __table_args__ = (UniqueConstraint("questionnaire_id", "item_id"),)

    id: Mapped[intpk]
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE")
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    position: Mapped[int] = mapped_column(Integer)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    item: Mapped[Item] = relationship(lazy="joined")


class InvalidAnswer(ValueError):
    """An answer that is not one of the item's allowed values."""


def normalise(item: Item, answer: str) -> float | None:
    """Map one raw answer to 0–100 as SPEC §4 says; None for don't-know and unscored kinds.

    Raises InvalidAnswer when the answer is not allowed for the item, so that a tampered
    form can never be stored with a made-up score.
    """
    if item.kind is ItemKind.TEXT:
        return None
    if answer == DONT_KNOW:
        return None
    if item.kind is ItemKind.SCALE5:
        if answer not in {"1", "2", "3", "4", "5"}:
            raise InvalidAnswer(answer)
        return (int(answer) - 1) * 25.0
    if item.kind is ItemKind.YESNO:
        if answer not in {"yes", "no"}:
            raise InvalidAnswer(answer)
        good = (answer == "yes") == (item.polarity == 1)
        return 100.0 if good else 0.0
    if item.kind is ItemKind.CHOICE:
        option = item.option(answer)
        if option is None:
            raise InvalidAnswer(answer)
        return option.value
    # DAYS: a count, validated but not scored.
    if not answer.isdecimal() or not 0 <= int(answer) <= 3650:
        raise InvalidAnswer(answer)
    return None


@dataclass(frozen=True)
class DerivedScores:
    """What a rating stores about itself, computed once when it is written (SPEC §4)."""

    score: float | None
    dimensions: dict[Dimension, float | None]
    fully_helped: bool | None
    asked_money: bool | None
    days_taken: int | None


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def derive_scores(answers: list[tuple[Item, str, float | None]]) -> DerivedScores:
    """Rating score and dimension scores from (item, raw answer, normalised value) triples.

    The rating score is the mean of its normalised scored items; a dimension's score is the
    mean over that dimension's items; don't-know and blanks are left out of both.
    """
    scored = [(item, value) for item, _, value in answers if value is not None]
    by_indicator = {item.indicator: raw for item, raw, _ in answers if item.indicator}
    helped_raw = by_indicator.get(Indicator.HELPED)
    money_raw = by_indicator.get(Indicator.MONEY)
    days_raw = by_indicator.get(Indicator.DAYS)
    helped_value = next((v for item, v in scored if item.indicator is Indicator.HELPED), None)
    return DerivedScores(
        score=_mean([v for _, v in scored]),
        dimensions={d: _mean([v for item, v in scored if item.dimension is d]) for d in Dimension},
        fully_helped=None
        if helped_raw in (None, DONT_KNOW) or helped_value is None
        else helped_value == 100.0,
        asked_money=None if money_raw in (None, DONT_KNOW) else money_raw == "yes",
        days_taken=None if days_raw in (None, DONT_KNOW) else int(days_raw),
    )
