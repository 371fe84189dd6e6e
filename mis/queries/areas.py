"""The registry as a frame, and sums per area and quarter for the heatmap and trends."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from mis.periods import Period
from mis.queries.base import (
    EVERYWHERE,
    Scope,
    rater_pairs,
    to_frame,
)
from models import (
    Block,
    District,
    RaterQuarter,
    Stakeholder,
    StakeholderQuarter,
    StakeholderType,
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
    return to_frame(session, statement)


def area_sums(session: Session, period: Period, scope: Scope = EVERYWHERE) -> pd.DataFrame:
    """Per district × type: distinct raters, rater-stakeholder pairs, Σ s and Σ s².

    A survivor counts once per stakeholder (her mean there) and once per cell in `n_raters`:
    pairs are first grouped to one row per survivor and cell, then counted, which both
    databases do faster than COUNT(DISTINCT).
    """
    pairs = rater_pairs(period, scope)
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
    frame = to_frame(session, statement)
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
    frame = to_frame(session, sums).merge(to_frame(session, counts), on=["quarter", "type_id"])
    return frame.astype({"n_raters": int, "n": int, "sum_s": float})
