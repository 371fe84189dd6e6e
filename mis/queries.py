"""SQL → narrow DataFrames. Aggregation happens in the database, over derived columns.

The central query is two GROUP BYs: first each (stakeholder, rater) pair's mean score — so a
survivor who rated an office three times counts once — then per stakeholder the number of
raters and the sum and sum of squares of their means. Only one row per stakeholder leaves the
database. The covering indexes on ratings (quarter or month, stakeholder, survivor, score)
let SQLite and PostgreSQL answer it from the index alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Select, and_, case, distinct, func, select
from sqlalchemy.orm import Session

from models import (
    Action,
    Answer,
    Block,
    Comment,
    DaysQuarter,
    District,
    Item,
    ItemQuarter,
    RaterQuarter,
    Rating,
    Stakeholder,
    StakeholderQuarter,
    StakeholderType,
)

from .periods import Grain, Period

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


def _scoped(statement: Select, scope: Scope) -> Select:
    ids = scope.stakeholder_ids()
    return statement if ids is None else statement.where(Rating.stakeholder_id.in_(ids))


def _frame(session: Session, statement: Select) -> pd.DataFrame:
    result = session.execute(statement)
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def _rater_pairs(period: Period, scope: Scope):  # type: ignore[no-untyped-def]
    """Each (stakeholder, rater) pair of the period: her mean score `s` and ratings `k`."""
    if not period.whole_quarters:
        return _scoped(
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
        frame = _frame(session, statement)
        return frame.astype({"n": int, "ratings": int, "sum_s": float, "sumsq_s": float})
    pairs = _rater_pairs(period, scope)
    statement = select(
        pairs.c.stakeholder_id,
        func.count().label("n"),
        func.sum(pairs.c.k).label("ratings"),
        func.sum(pairs.c.s).label("sum_s"),
        func.sum(pairs.c.s * pairs.c.s).label("sumsq_s"),
    ).group_by(pairs.c.stakeholder_id)
    frame = _frame(session, statement)
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
        return _long_dimensions(_frame(session, statement))
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
        pairs = _scoped(
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
    return _long_dimensions(_frame(session, statement.group_by(pairs.c.stakeholder_id)))


def _share(column):  # type: ignore[no-untyped-def]
    return func.avg(case((column.is_(True), 1.0), (column.is_(False), 0.0)))


def _ratio(numerator, denominator):  # type: ignore[no-untyped-def]
    return func.sum(numerator) * 1.0 / func.nullif(func.sum(denominator), 0)


def histogram_median(histogram: pd.DataFrame, keys: list[str]) -> pd.Series:
    """The median of `days` per group of `keys`, from counts of ratings per number of days.

    As pandas' median of the expanded values would be: the mean of the two middle values
    when the count is even.
    """

    def median(group: pd.DataFrame) -> float:
        cumulative = group["ratings"].to_numpy().cumsum()
        days = group["days"].to_numpy()
        total = int(cumulative[-1])
        low = days[np.searchsorted(cumulative, (total - 1) // 2, side="right")]
        high = days[np.searchsorted(cumulative, total // 2, side="right")]
        return (float(low) + float(high)) / 2

    if histogram.empty:
        index = pd.MultiIndex.from_arrays([[] for _ in keys], names=keys)
        return pd.Series(index=index, dtype=float, name="median_days")
    ordered = histogram.sort_values([*keys, "days"])
    return ordered.groupby(keys).apply(median, include_groups=False).rename("median_days")


def _indicator_frames(
    session: Session, period: Period, scope: Scope, by: list
) -> tuple[pd.DataFrame, pd.Series]:
    """Shares and median days grouped `by` stakeholder columns, for whole quarters.

    Read from stakeholder_quarters and days_quarters, kept at write time.
    """
    sq, dq = StakeholderQuarter, DaysQuarter
    first, last = period.quarters()[0], period.quarters()[-1]
    names = [column.key for column in by]
    shares = _frame(
        session,
        select(
            *by,
            _ratio(sq.helped_yes, sq.helped_n).label("share_helped"),
            _ratio(sq.money_yes, sq.money_n).label("share_money"),
        )
        .join(Stakeholder, Stakeholder.id == sq.stakeholder_id)
        .where(sq.quarter.between(first, last), sq.submitted > 0, *scope.conditions())
        .group_by(*by),
    )
    histogram = _frame(
        session,
        select(*by, dq.days, func.sum(dq.ratings).label("ratings"))
        .join(Stakeholder, Stakeholder.id == dq.stakeholder_id)
        .where(dq.quarter.between(first, last), *scope.conditions())
        .group_by(*by, dq.days),
    )
    return shares, histogram_median(histogram, names)


def service_indicators(session: Session, period: Period, scope: Scope = EVERYWHERE) -> pd.DataFrame:
    """Per stakeholder: share fully helped, share asked for money, median days (ratings)."""
    if period.whole_quarters:
        shares, median = _indicator_frames(session, period, scope, [Stakeholder.id])
        shares = shares.rename(columns={"id": "stakeholder_id"})
        median.index.name = "stakeholder_id"
    else:
        shares = _frame(
            session,
            _scoped(
                select(
                    Rating.stakeholder_id,
                    _share(Rating.fully_helped).label("share_helped"),
                    _share(Rating.asked_money).label("share_money"),
                )
                .where(in_period(period))
                .group_by(Rating.stakeholder_id),
                scope,
            ),
        )
        days = _frame(
            session,
            _scoped(
                select(Rating.stakeholder_id, Rating.days_taken).where(
                    in_period(period), Rating.days_taken.is_not(None)
                ),
                scope,
            ),
        )
        median = days.groupby("stakeholder_id")["days_taken"].median().rename("median_days")
    return shares.join(median, on="stakeholder_id").astype(
        {"share_helped": float, "share_money": float, "median_days": float}
    )


def stakeholder_directory(session: Session, scope: Scope = EVERYWHERE) -> pd.DataFrame:
    """Stakeholders with their type and place names: a few hundred rows."""
    statement = (
        select(
            Stakeholder.id.label("stakeholder_id"),
            Stakeholder.name.label("stakeholder"),
            Stakeholder.name_bn.label("stakeholder_bn"),
            Stakeholder.type_id,
            StakeholderType.code.label("type"),
            StakeholderType.label.label("type_label"),
            Stakeholder.district_id,
            District.name.label("district"),
            Stakeholder.block_id,
            Block.name.label("block"),
        )
        .join(StakeholderType, StakeholderType.id == Stakeholder.type_id)
        .join(District, District.id == Stakeholder.district_id)
        .outerjoin(Block, Block.id == Stakeholder.block_id)
    )
    ids = scope.stakeholder_ids()
    if ids is not None:
        statement = statement.where(Stakeholder.id.in_(ids))
    return _frame(session, statement)


def area_sums(session: Session, period: Period, scope: Scope = EVERYWHERE) -> pd.DataFrame:
    """Per district × type: distinct raters, rater-stakeholder pairs, Σ s and Σ s².

    A survivor counts once per stakeholder (her mean there) and once per cell in `n_raters`:
    pairs are first grouped to one row per survivor and cell, then counted, which both
    databases do faster than COUNT(DISTINCT).
    """
    pairs = _rater_pairs(period, scope)
    per_rater = (
        select(
            Stakeholder.district_id,
            Stakeholder.type_id,
            pairs.c.survivor_id,
            func.count().label("n"),
            func.sum(pairs.c.s).label("sum_s"),
            func.sum(pairs.c.s * pairs.c.s).label("sumsq_s"),
        )
        .join(Stakeholder, Stakeholder.id == pairs.c.stakeholder_id)
        .group_by(Stakeholder.district_id, Stakeholder.type_id, pairs.c.survivor_id)
    ).subquery()
    cell = [per_rater.c.district_id, per_rater.c.type_id]
    statement = select(
        *cell,
        func.count().label("n_raters"),
        func.sum(per_rater.c.n).label("n"),
        func.sum(per_rater.c.sum_s).label("sum_s"),
        func.sum(per_rater.c.sumsq_s).label("sumsq_s"),
    ).group_by(*cell)
    frame = _frame(session, statement)
    return frame.astype({"n_raters": int, "n": int, "sum_s": float, "sumsq_s": float})


def trend_sums(session: Session, period: Period, scope: Scope = EVERYWHERE) -> pd.DataFrame:
    """Per quarter × type over a span of whole quarters: distinct raters, pairs and Σ s.

    The sums come from stakeholder_quarters (a few rows per quarter); only the count of
    distinct raters, which the privacy threshold needs exactly, reads the per-rater rows.
    """
    if not period.whole_quarters:
        raise ValueError("a trend needs a period of whole quarters")
    first, last = period.quarters()[0], period.quarters()[-1]
    sq, rq = StakeholderQuarter, RaterQuarter
    sums = (
        select(
            sq.quarter,
            Stakeholder.type_id,
            func.sum(sq.raters).label("n"),
            func.sum(sq.sum_s).label("sum_s"),
        )
        .join(Stakeholder, Stakeholder.id == sq.stakeholder_id)
        .where(sq.quarter.between(first, last), *scope.conditions())
        .group_by(sq.quarter, Stakeholder.type_id)
    )
    counts = (
        select(
            rq.quarter, Stakeholder.type_id, func.count(distinct(rq.survivor_id)).label("n_raters")
        )
        .join(Stakeholder, Stakeholder.id == rq.stakeholder_id)
        .where(rq.quarter.between(first, last), *scope.conditions())
        .group_by(rq.quarter, Stakeholder.type_id)
    )
    frame = _frame(session, sums).merge(_frame(session, counts), on=["quarter", "type_id"])
    return frame.astype({"n_raters": int, "n": int, "sum_s": float})


def area_indicators(session: Session, period: Period, scope: Scope = EVERYWHERE) -> pd.DataFrame:
    """Per district × type: share fully helped, share asked for money, median days."""
    cell = ["district_id", "type_id"]
    if period.whole_quarters:
        shares, median = _indicator_frames(
            session, period, scope, [Stakeholder.district_id, Stakeholder.type_id]
        )
    else:
        shares = _frame(
            session,
            _scoped(
                select(
                    Stakeholder.district_id,
                    Stakeholder.type_id,
                    _share(Rating.fully_helped).label("share_helped"),
                    _share(Rating.asked_money).label("share_money"),
                )
                .join(Stakeholder, Stakeholder.id == Rating.stakeholder_id)
                .where(in_period(period))
                .group_by(Stakeholder.district_id, Stakeholder.type_id),
                scope,
            ),
        )
        days = _frame(
            session,
            _scoped(
                select(Stakeholder.district_id, Stakeholder.type_id, Rating.days_taken)
                .join(Stakeholder, Stakeholder.id == Rating.stakeholder_id)
                .where(in_period(period), Rating.days_taken.is_not(None)),
                scope,
            ),
        )
        median = days.groupby(cell)["days_taken"].median().rename("median_days")
    return shares.join(median, on=cell).astype(
        {"share_helped": float, "share_money": float, "median_days": float}
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
    return _frame(
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
    return _frame(session, statement).astype({"item_type_mean": float})


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
    return _frame(session, statement)


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
    return _frame(session, statement)


def headline(session: Session, period: Period, scope: Scope = EVERYWHERE) -> pd.DataFrame:
    """One row: ratings, distinct survivors, stakeholders rated, shares helped and asked.

    Whole quarters take the counts from stakeholder_quarters; the distinct survivors, which
    cannot be summed across stakeholders, are counted from the ratings' covering index.
    """
    if not period.whole_quarters:
        statement = _scoped(
            select(
                func.count().label("ratings"),
                func.count(distinct(Rating.survivor_id)).label("n_raters"),
                func.count(distinct(Rating.stakeholder_id)).label("stakeholders"),
                _share(Rating.fully_helped).label("share_helped"),
                _share(Rating.asked_money).label("share_money"),
            ).where(in_period(period)),
            scope,
        )
        return _frame(session, statement)
    sq = StakeholderQuarter
    first, last = period.quarters()[0], period.quarters()[-1]
    raters = _scoped(
        select(func.count(distinct(Rating.survivor_id))).where(in_period(period)), scope
    )
    statement = (
        select(
            func.coalesce(func.sum(sq.submitted), 0).label("ratings"),
            raters.scalar_subquery().label("n_raters"),
            func.count(distinct(sq.stakeholder_id)).label("stakeholders"),
            _ratio(sq.helped_yes, sq.helped_n).label("share_helped"),
            _ratio(sq.money_yes, sq.money_n).label("share_money"),
        )
        .select_from(sq)
        .join(Stakeholder, Stakeholder.id == sq.stakeholder_id)
        .where(sq.quarter.between(first, last), sq.submitted > 0, *scope.conditions())
    )
    return _frame(session, statement)
