"""The building blocks every query shares: the scope, the period filter, rater pairs.

SQL → narrow DataFrames. Aggregation happens in the database, over derived columns.

The central query is two GROUP BYs: first each (stakeholder, rater) pair's mean score — so a
survivor who rated an office three times counts once — then per stakeholder the number of
raters and the sum and sum of squares of their means. Only one row per stakeholder leaves the
database. The covering indexes on ratings (quarter or month, stakeholder, survivor, score)
let SQLite and PostgreSQL answer it from the index alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from mis.periods import Period
from models import (
    RaterQuarter,
    Rating,
    Stakeholder,
)

DIMENSIONS = ("respect", "responsiveness", "integrity", "confidentiality")


@dataclass(frozen=True)
class Scope:
    """Which stakeholders: all, a district, a block, and optionally one type."""

    district_id: int | None = None
    block_id: int | None = None
    type_id: int | None = None

    def conditions(self) -> list:
        """Conditions on the stakeholders table, for queries that already join it."""
        conditions = []
        if self.district_id is not None:
            conditions.append(Stakeholder.district_id == self.district_id)
        if self.block_id is not None:
            conditions.append(Stakeholder.block_id == self.block_id)
        if self.type_id is not None:
            conditions.append(Stakeholder.type_id == self.type_id)
        return conditions

    def stakeholder_ids(self) -> Select | None:
        conditions = self.conditions()
        return select(Stakeholder.id).where(*conditions) if conditions else None


EVERYWHERE = Scope()


def in_period(period: Period):  # type: ignore[no-untyped-def]
    """A filter the covering indexes serve: by quarter for whole quarters, else by month."""
    if period.whole_quarters:
        quarters = period.quarters()
        if len(quarters) == 1:
            return Rating.quarter == quarters[0]
        return Rating.quarter.between(quarters[0], quarters[-1])
    return Rating.month == period.first


def scoped(statement: Select, scope: Scope) -> Select:
    ids = scope.stakeholder_ids()
    return statement if ids is None else statement.where(Rating.stakeholder_id.in_(ids))


def to_frame(session: Session, statement: Select) -> pd.DataFrame:
    result = session.execute(statement)
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def rater_pairs(period: Period, scope: Scope):  # type: ignore[no-untyped-def]
    """Each (stakeholder, rater) pair of the period: her mean score `s` and ratings `k`."""
    if not period.whole_quarters:
        return scoped(
            select(
                Rating.stakeholder_id,
                Rating.survivor_id,
                func.avg(Rating.score).label("s"),
                func.count().label("k"),
            )
            .where(in_period(period), Rating.score.is_not(None))
            .group_by(Rating.stakeholder_id, Rating.survivor_id),
            scope,
        ).subquery()
    # rater_quarters holds one row per rater and quarter: merge each rater's quarters.
    rq = RaterQuarter
    quarters = period.quarters()
    statement = (
        select(
            rq.stakeholder_id,
            rq.survivor_id,
            (func.sum(rq.score_sum) / func.sum(rq.ratings)).label("s"),
            func.sum(rq.ratings).label("k"),
        )
        .where(rq.quarter.between(quarters[0], quarters[-1]))
        .group_by(rq.stakeholder_id, rq.survivor_id)
    )
    ids = scope.stakeholder_ids()
    if ids is not None:
        statement = statement.where(rq.stakeholder_id.in_(ids))
    return statement.subquery()


def share_of(column):  # type: ignore[no-untyped-def]
    return func.avg(case((column.is_(True), 1.0), (column.is_(False), 0.0)))


def ratio(numerator, denominator):  # type: ignore[no-untyped-def]
    return func.sum(numerator) * 1.0 / func.nullif(func.sum(denominator), 0)
