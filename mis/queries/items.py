"""Item means, approved comments and actions: what a stakeholder's profile shows."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from mis.periods import Period
from mis.queries.base import (
    in_period,
    to_frame,
)
from models import (
    Action,
    Answer,
    Comment,
    Item,
    ItemQuarter,
    Rating,
    Stakeholder,
)


def item_means(session: Session, period: Period, stakeholder_ids: list[int]) -> pd.DataFrame:
    """Per stakeholder and scored item: raters and the mean of raters' means (0–100)."""
    if not stakeholder_ids:
        return pd.DataFrame(columns=["stakeholder_id", "item_code", "n", "mean"])
    pairs = (
        select(
            Rating.stakeholder_id,
            Rating.survivor_id,
            Item.code.label("item_code"),
            func.avg(Answer.normalised).label("v"),
        )
        .join(Answer, Answer.rating_id == Rating.id)
        .join(Item, Item.id == Answer.item_id)
        .where(
            in_period(period),
            Answer.normalised.is_not(None),
            Rating.stakeholder_id.in_(stakeholder_ids),
        )
        .group_by(Rating.stakeholder_id, Rating.survivor_id, Item.code)
    ).subquery()
    return to_frame(
        session,
        select(
            pairs.c.stakeholder_id,
            pairs.c.item_code,
            func.count().label("n"),
            func.avg(pairs.c.v).label("mean"),
        ).group_by(pairs.c.stakeholder_id, pairs.c.item_code),
    )


def item_type_means(session: Session, period: Period, type_ids: list[int]) -> pd.DataFrame:
    """Per type and scored item: the mean of all answers (0–100) — the yardstick a single
    stakeholder's item means are compared with. Whole quarters read item_quarters.
    """
    if not type_ids:
        return pd.DataFrame(columns=["type_id", "item_code", "item_type_mean"])
    if period.whole_quarters:
        iq = ItemQuarter
        first, last = period.quarters()[0], period.quarters()[-1]
        statement = (
            select(
                Stakeholder.type_id,
                Item.code.label("item_code"),
                (func.sum(iq.total) / func.sum(iq.answers)).label("item_type_mean"),
            )
            .join(Stakeholder, Stakeholder.id == iq.stakeholder_id)
            .join(Item, Item.id == iq.item_id)
            .where(iq.quarter.between(first, last), Stakeholder.type_id.in_(type_ids))
            .group_by(Stakeholder.type_id, Item.code)
        )
    else:
        statement = (
            select(
                Stakeholder.type_id,
                Item.code.label("item_code"),
                func.avg(Answer.normalised).label("item_type_mean"),
            )
            .join(Rating, Rating.id == Answer.rating_id)
            .join(Stakeholder, Stakeholder.id == Rating.stakeholder_id)
            .join(Item, Item.id == Answer.item_id)
            .where(
                in_period(period),
                Answer.normalised.is_not(None),
                Stakeholder.type_id.in_(type_ids),
            )
            .group_by(Stakeholder.type_id, Item.code)
        )
    return to_frame(session, statement).astype({"item_type_mean": float})


def approved_comments(
    session: Session, period: Period, stakeholder_ids: list[int], good_practice_only: bool = False
) -> pd.DataFrame:
    """Moderated, approved comments only — the original text never leaves this query."""
    statement = (
        select(Rating.stakeholder_id, Comment.moderated, Comment.language, Comment.good_practice)
        .join(Comment, Comment.rating_id == Rating.id)
        .where(
            and_(
                in_period(period),
                Comment.status == "approved",
                Comment.moderated.is_not(None),
                Rating.stakeholder_id.in_(stakeholder_ids),
            )
        )
    )
    if good_practice_only:
        statement = statement.where(Comment.good_practice.is_(True))
    return to_frame(session, statement)


def actions_for(session: Session, stakeholder_id: int, limit: int = 20) -> pd.DataFrame:
    """What the programme did about a stakeholder, newest first (staff see the outcome)."""
    statement = (
        select(
            Action.taken_on,
            Action.kind,
            Action.escalated_to,
            Action.status,
            Action.outcome,
            Action.summary_en,
            Action.summary_bn,
            Action.summary_hi,
        )
        .where(Action.stakeholder_id == stakeholder_id)
        .order_by(Action.taken_on.desc(), Action.id.desc())
        .limit(limit)
    )
    return to_frame(session, statement)
