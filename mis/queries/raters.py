"""Raters per stakeholder: how many survivors, and the sums of their mean scores, overall
and per dimension."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mis.periods import Grain, Period
from mis.queries.base import (
    DIMENSIONS,
    EVERYWHERE,
    Scope,
    in_period,
    rater_pairs,
    scoped,
    to_frame,
)
from models import (
    RaterQuarter,
    Rating,
    StakeholderQuarter,
)


def rater_sums(session: Session, period: Period, scope: Scope = EVERYWHERE) -> pd.DataFrame:
    """Per stakeholder: n distinct raters, n ratings, Σ s_i and Σ s_i² of raters' means.

    A single quarter is read straight from stakeholder_quarters, kept at write time; other
    periods aggregate the per-rater rows.
    """
    if period.grain is Grain.QUARTER:
        sq = StakeholderQuarter
        statement = select(
            sq.stakeholder_id, sq.raters.label("n"), sq.ratings, sq.sum_s, sq.sumsq_s
        ).where(sq.quarter == period.quarters()[0], sq.raters > 0)
        ids = scope.stakeholder_ids()
        if ids is not None:
            statement = statement.where(sq.stakeholder_id.in_(ids))
        frame = to_frame(session, statement)
        return frame.astype({"n": int, "ratings": int, "sum_s": float, "sumsq_s": float})
    pairs = rater_pairs(period, scope)
    statement = select(
        pairs.c.stakeholder_id,
        func.count().label("n"),
        func.sum(pairs.c.k).label("ratings"),
        func.sum(pairs.c.s).label("sum_s"),
        func.sum(pairs.c.s * pairs.c.s).label("sumsq_s"),
    ).group_by(pairs.c.stakeholder_id)
    frame = to_frame(session, statement)
    return frame.astype({"n": int, "ratings": int, "sum_s": float, "sumsq_s": float})


def _long_dimensions(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per stakeholder and answered dimension: n, sum_s, sumsq_s."""
    long = []
    for d in DIMENSIONS:
        part = frame[["stakeholder_id", f"{d}_n", f"{d}_sum", f"{d}_sumsq"]].copy()
        part.columns = ["stakeholder_id", "n", "sum_s", "sumsq_s"]
        long.append(part.assign(dimension=d))
    out = pd.concat(long, ignore_index=True)
    out = out[out["n"] > 0]
    return out.astype({"n": int, "sum_s": float, "sumsq_s": float})


def _sums_of_means(pairs) -> list:  # type: ignore[no-untyped-def]
    columns = []
    for d in DIMENSIONS:
        value = pairs.c[d]
        columns += [
            func.count(value).label(f"{d}_n"),
            func.sum(value).label(f"{d}_sum"),
            func.sum(value * value).label(f"{d}_sumsq"),
        ]
    return columns


def dimension_sums(session: Session, period: Period, scope: Scope = EVERYWHERE) -> pd.DataFrame:
    """Per stakeholder and dimension: raters with an answer, and sums of their means.

    A quarter reads stakeholder_quarters; a span of quarters merges each rater's quarters
    from rater_quarters; only a month reads the ratings.
    """
    ids = scope.stakeholder_ids()
    if period.grain is Grain.QUARTER:
        sq = StakeholderQuarter
        statement = select(
            sq.stakeholder_id,
            *(
                column
                for d in DIMENSIONS
                for column in (
                    getattr(sq, f"{d}_raters").label(f"{d}_n"),
                    getattr(sq, f"{d}_sum").label(f"{d}_sum"),
                    getattr(sq, f"{d}_sumsq").label(f"{d}_sumsq"),
                )
            ),
        ).where(sq.quarter == period.quarters()[0])
        if ids is not None:
            statement = statement.where(sq.stakeholder_id.in_(ids))
        return _long_dimensions(to_frame(session, statement))
    if period.whole_quarters:
        rq = RaterQuarter
        quarters = period.quarters()
        means = [
            (
                func.sum(getattr(rq, f"{d}_sum")) / func.nullif(func.sum(getattr(rq, f"{d}_n")), 0)
            ).label(d)
            for d in DIMENSIONS
        ]
        statement = (
            select(rq.stakeholder_id, rq.survivor_id, *means)
            .where(rq.quarter.between(quarters[0], quarters[-1]))
            .group_by(rq.stakeholder_id, rq.survivor_id)
        )
        if ids is not None:
            statement = statement.where(rq.stakeholder_id.in_(ids))
        pairs = statement.subquery()
    else:
        pairs = scoped(
            select(
                Rating.stakeholder_id,
                Rating.survivor_id,
                *(func.avg(getattr(Rating, d)).label(d) for d in DIMENSIONS),
            )
            .where(in_period(period))
            .group_by(Rating.stakeholder_id, Rating.survivor_id),
            scope,
        ).subquery()
    statement = select(pairs.c.stakeholder_id, *_sums_of_means(pairs))
    return _long_dimensions(to_frame(session, statement.group_by(pairs.c.stakeholder_id)))
