"""Cells aggregated from a staff release's shown stakeholders: services and the funder table.

Both are computed from the ratings of stakeholders the staff release shows, so a hidden
stakeholder adds nothing to them, and both are protected by `disclosure.protect` against the
totals a reader already has (see docs/privacy.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from . import disclosure, queries
from .disclosure import QUARTER
from .periods import Period
from .release_cells import indicator_cells

SERVICE_COLUMNS = [
    "service_id",
    "type_id",
    "district_id",
    "n_raters",
    "share_full",
    "share_partly",
    "share_not",
    "median_days",
    "suppressed",
    "reason",
]


def service_cells(
    ratings: pd.DataFrame, stakeholders: pd.DataFrame, k: int, kept_hidden: frozenset
) -> pd.DataFrame:
    """Service × type × district for the quarter, from the shown stakeholders' ratings only.

    Within a type and district the services partition ratings that the league table already
    counts (its shown stakeholders' raters), so that total is known to staff: the cells of one
    row are protected together (`disclosure.protect` with the row totals known and no column
    totals), as well as below k on their own.
    """
    shown = stakeholders[(stakeholders["grain"] == QUARTER) & ~stakeholders["suppressed"]]
    pool = ratings[ratings["stakeholder_id"].isin(set(shown["stakeholder_id"].astype(int)))]
    if pool.empty:
        return pd.DataFrame(columns=SERVICE_COLUMNS)
    keys = ["type_id", "district_id", "service_id"]
    grouped = pool.groupby(keys)
    answered = pool[pool["got_help"].notna()].groupby(keys)["got_help"]
    frame = pd.DataFrame(
        {
            "n_raters": grouped["survivor_id"].nunique(),
            "share_full": answered.apply(lambda v: (v >= 100).mean()),
            "share_partly": answered.apply(lambda v: ((v > 0) & (v < 100)).mean()),
            "share_not": answered.apply(lambda v: (v <= 0).mean()),
            "median_days": pool[pool["days_taken"].notna()].groupby(keys)["days_taken"].median(),
        }
    ).reset_index()
    frame["row"] = list(zip(frame["type_id"], frame["district_id"], strict=True))
    grid = frame.pivot_table(
        index="row", columns="service_id", values="n_raters", aggfunc="sum", fill_value=0
    )
    hidden, _rows, _columns, _grand = disclosure.protect(grid, k, kept_hidden, column_totals=False)
    flags = hidden.stack().rename("suppressed").reset_index()
    frame = frame.merge(flags, on=["row", "service_id"], how="left")
    frame["suppressed"] = frame["suppressed"].fillna(False).astype(bool)
    # No reason is stored: the protection above assumes the attacker is not told which blank
    # is below k and which hides another.
    frame["reason"] = ""
    for column in ("n_raters", "share_full", "share_partly", "share_not", "median_days"):
        frame[column] = frame[column].astype(float).where(~frame["suppressed"])
    return disclosure.coarsen(frame[SERVICE_COLUMNS])


def funder_cells(
    ratings: pd.DataFrame,
    stakeholders: pd.DataFrame,
    session: Session,
    quarter: Period,
    k: int,
    kept_hidden: frozenset = frozenset(),
) -> tuple[pd.DataFrame, dict]:
    """District × type from the staff release's shown stakeholders of the quarter."""
    shown = stakeholders[(stakeholders["grain"] == QUARTER) & ~stakeholders["suppressed"]]
    ids = set(shown["stakeholder_id"].astype(int))
    pool = ratings[ratings["stakeholder_id"].isin(ids)]
    empty = {"district": {}, "type": {}, "all": None}
    if pool.empty:
        columns = ["district_id", "type_id", "n_raters", "score", "share_helped", "share_money"]
        return pd.DataFrame(columns=[*columns, "median_days", "suppressed", "reason"]), empty
    sums = queries.rater_sums(session, quarter)
    sums = sums[sums["stakeholder_id"].isin(ids)].merge(
        queries.stakeholder_directory(session)[["stakeholder_id", "district_id", "type_id"]],
        on="stakeholder_id",
    )
    cell = ["district_id", "type_id"]
    scores = sums.groupby(cell)[["n", "sum_s"]].sum()
    frame = pool.groupby(cell)["survivor_id"].nunique().rename("n_raters").to_frame()
    frame = frame.join(scores).reset_index()
    frame["score"] = frame["sum_s"] / frame["n"]
    frame = frame.merge(indicator_cells(pool, cell), on=cell, how="left")
    grid = frame.pivot_table(
        index="district_id", columns="type_id", values="n_raters", aggfunc="sum", fill_value=0
    )
    hidden, withheld_rows, withheld_columns, grand = disclosure.protect(grid, k, kept_hidden)
    flags = hidden.stack().rename("suppressed").reset_index()
    frame = frame.merge(flags, on=cell, how="left")
    frame["suppressed"] = frame["suppressed"].fillna(False).astype(bool)
    frame["reason"] = np.select(
        [~frame["suppressed"], frame["n_raters"] < k], ["", "few"], default="linked"
    )
    visible = ~frame["suppressed"]
    for column in ("n_raters", "score", "median_days", "share_helped", "share_money"):
        frame[column] = frame[column].astype(float).where(visible)
    for name, figure in (
        ("helped", "share_helped"),
        ("money", "share_money"),
        ("days", "median_days"),
    ):
        frame[figure] = frame[figure].where(frame[f"n_{name}"] >= k)
    frame = disclosure.coarsen(frame.drop(columns=["n", "sum_s", "n_helped", "n_money", "n_days"]))
    totals = {
        "district": {
            int(key): None if key in withheld_rows else int(value)
            for key, value in grid.sum(axis=1).items()
        },
        "type": {
            int(key): None if key in withheld_columns else int(value)
            for key, value in grid.sum(axis=0).items()
        },
        "all": int(grid.to_numpy().sum()) if grand else None,
    }
    return frame, totals
