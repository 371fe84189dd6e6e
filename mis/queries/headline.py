"""Headline figures for a period: raters, shares helped and asked for money."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from mis.periods import Period
from mis.queries.base import (
    EVERYWHERE,
    Scope,
    in_period,
    ratio,
    scoped,
    share_of,
    to_frame,
)
from models import (
    Rating,
    Stakeholder,
    StakeholderQuarter,
)


def headline(session: Session, period: Period, scope: Scope = EVERYWHERE) -> pd.DataFrame:
    """One row: ratings, distinct survivors, stakeholders rated, shares helped and asked.

    Whole quarters take the counts from stakeholder_quarters; the distinct survivors, which
    cannot be summed across stakeholders, are counted from the ratings' covering index.
    """
    if not period.whole_quarters:
        statement = scoped(
            select(
                func.count().label("ratings"),
                func.count(distinct(Rating.survivor_id)).label("n_raters"),
                func.count(distinct(Rating.stakeholder_id)).label("stakeholders"),
                share_of(Rating.fully_helped).label("share_helped"),
                share_of(Rating.asked_money).label("share_money"),
            ).where(in_period(period)),
            scope,
        )
        return to_frame(session, statement)
    sq = StakeholderQuarter
    first, last = period.quarters()[0], period.quarters()[-1]
    raters = scoped(
        select(func.count(distinct(Rating.survivor_id))).where(in_period(period)), scope
    )
    statement = (
        select(
            func.coalesce(func.sum(sq.submitted), 0).label("ratings"),
            raters.scalar_subquery().label("n_raters"),
            func.count(distinct(sq.stakeholder_id)).label("stakeholders"),
            ratio(sq.helped_yes, sq.helped_n).label("share_helped"),
            ratio(sq.money_yes, sq.money_n).label("share_money"),
        )
        .select_from(sq)
        .join(Stakeholder, Stakeholder.id == sq.stakeholder_id)
        .where(sq.quarter.between(first, last), sq.submitted > 0, *scope.conditions())
    )
    return to_frame(session, statement)
