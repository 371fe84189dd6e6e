"""Service indicators: shares fully helped and asked for money, and median days,
per stakeholder and per area."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import func, select
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
    DaysQuarter,
    Rating,
    Stakeholder,
    StakeholderQuarter,
)


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
    shares = to_frame(
        session,
        select(
            *by,
            ratio(sq.helped_yes, sq.helped_n).label("share_helped"),
            ratio(sq.money_yes, sq.money_n).label("share_money"),
        )
        .join(Stakeholder, Stakeholder.id == sq.stakeholder_id)
        .where(sq.quarter.between(first, last), sq.submitted > 0, *scope.conditions())
        .group_by(*by),
    )
    histogram = to_frame(
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
        shares = to_frame(
            session,
            scoped(
                select(
                    Rating.stakeholder_id,
                    share_of(Rating.fully_helped).label("share_helped"),
                    share_of(Rating.asked_money).label("share_money"),
                )
                .where(in_period(period))
                .group_by(Rating.stakeholder_id),
                scope,
            ),
        )
        days = to_frame(
            session,
            scoped(
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


def area_indicators(session: Session, period: Period, scope: Scope = EVERYWHERE) -> pd.DataFrame:
    """Per district × type: share fully helped, share asked for money, median days."""
    cell = ["district_id", "type_id"]
    if period.whole_quarters:
        shares, median = _indicator_frames(
            session, period, scope, [Stakeholder.district_id, Stakeholder.type_id]
        )
    else:
        shares = to_frame(
            session,
            scoped(
                select(
                    Stakeholder.district_id,
                    Stakeholder.type_id,
                    share_of(Rating.fully_helped).label("share_helped"),
                    share_of(Rating.asked_money).label("share_money"),
                )
                .join(Stakeholder, Stakeholder.id == Rating.stakeholder_id)
                .where(in_period(period))
                .group_by(Stakeholder.district_id, Stakeholder.type_id),
                scope,
            ),
        )
        days = to_frame(
            session,
            scoped(
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
