"""The staff release's cells: per stakeholder, for a quarter and its months, with their rules.

Scores and intervals, dimension scores, item means and the service indicators, each with its
own count and blank under the rules of mis/disclosure.py; type means, ranks and funnel limits
from the shown cells only. mis/releases.py stores what these functions return.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Answer, Item, Rating, Stakeholder

from . import disclosure, metrics, queries
from .disclosure import MONTH, QUARTER
from .engine import Settings
from .periods import Period

STAKEHOLDER_COLUMNS = [
    "stakeholder_id",
    "period",
    "grain",
    "type_id",
    "n_raters",
    "ratings",
    "score",
    "score_low",
    "score_high",
    "mean_raw",
    "type_mean",
    "rank",
    "rank_low",
    "rank_high",
    "previous_score",
    "change",
    "signal",
    "suppressed",
    "reason",
]


DIMENSION_COLUMNS = [
    "stakeholder_id",
    "period",
    "grain",
    "dimension",
    "n_raters",
    "score",
    "score_low",
    "score_high",
    "type_mean",
    "suppressed",
    "reason",
]


def months_of(quarter: Period) -> list[Period]:
    out = [Period.month(quarter.last)]
    while len(out) < 3:
        out.insert(0, out[0].previous())
    return out


def periods_of(quarter: Period) -> list[tuple[str, Period]]:
    return [(QUARTER, quarter), *((MONTH, m) for m in months_of(quarter))]


def stack(parts: list[tuple[str, Period, pd.DataFrame]]) -> pd.DataFrame:
    frames = [f.assign(grain=g, period=p.label) for g, p, f in parts if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def ratings_of(session: Session, quarter: Period) -> pd.DataFrame:
    """The quarter's ratings, narrow: who, whom, when, for which service, and the indicator
    answers ("got the help": 100 yes, 50 partly, 0 no)."""
    helped = (
        select(Answer.rating_id, Answer.normalised.label("got_help"))
        .join(Item, Item.id == Answer.item_id)
        .where(Item.code == "helped")
        .subquery()
    )
    statement = (
        select(
            Rating.stakeholder_id,
            Rating.survivor_id,
            Rating.service_id,
            Rating.month,
            Rating.fully_helped,
            Rating.asked_money,
            Rating.days_taken,
            helped.c.got_help,
            Stakeholder.type_id,
            Stakeholder.district_id,
        )
        .join(Stakeholder, Stakeholder.id == Rating.stakeholder_id)
        .outerjoin(helped, helped.c.rating_id == Rating.id)
        .where(Rating.quarter == quarter.quarters()[0])
    )
    frame = queries.to_frame(session, statement)
    frame["month_label"] = pd.to_datetime(frame["month"]).dt.strftime("%Y-%m")
    return frame


# Each indicator's figure and the count of survivors who answered it.
FIGURES = (("helped", "share_helped"), ("money", "share_money"), ("days", "median_days"))
INDICATORS = {  # name: the rating column that answers it
    "helped": "fully_helped",
    "money": "asked_money",
}


def indicator_cells(ratings: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Per group: share fully helped and share asked for money (over ratings that answered),
    median days, and for each the number of distinct survivors who answered."""
    parts = []
    for name, column in INDICATORS.items():
        answered = ratings[ratings[column].notna()]
        grouped = answered.groupby(by)
        parts.append(grouped[column].mean().astype(float).rename(f"share_{name}"))
        parts.append(grouped["survivor_id"].nunique().rename(f"n_{name}"))
    days = ratings[ratings["days_taken"].notna()].groupby(by)
    parts.append(days["days_taken"].median().astype(float).rename("median_days"))
    parts.append(days["survivor_id"].nunique().rename("n_days"))
    out = pd.concat(parts, axis=1).reset_index()
    for name in ("helped", "money", "days"):
        out[f"n_{name}"] = out[f"n_{name}"].fillna(0).astype(int)
    return out


def indicators_by_period(ratings: pd.DataFrame, quarter: Period) -> pd.DataFrame:
    both = pd.concat(
        [
            ratings.assign(period=quarter.label, grain=QUARTER),
            ratings.assign(period=ratings["month_label"], grain=MONTH),
        ],
        ignore_index=True,
    )
    return indicator_cells(both, ["stakeholder_id", "grain", "period"])


def scored_by_period(cells: pd.DataFrame, shown: pd.Series, m: float, by: str) -> pd.DataFrame:
    """Shrunk scores and intervals, each period's type means taken over its shown cells."""
    visible = cells[shown]
    if visible.empty:
        return pd.DataFrame(columns=["key"])
    parts = []
    for _, group in visible.groupby("period"):
        scored = metrics.shrunk_scores(group, m, by=by)
        parts.append(scored)
    return pd.concat(parts)


def stakeholder_cells(
    session: Session,
    quarter: Period,
    settings: Settings,
    previous: pd.DataFrame | None,
    kept_hidden: frozenset = frozenset(),
) -> pd.DataFrame:
    directory = queries.stakeholder_directory(session)[["stakeholder_id", "type_id"]]
    cells = stack([(g, p, queries.rater_sums(session, p)) for g, p in periods_of(quarter)])
    if cells.empty:
        return cells
    cells = cells.merge(directory, on="stakeholder_id")
    k = settings.k_staff
    shown = disclosure.time_linked(cells, ["stakeholder_id"], k)
    if kept_hidden:
        shown &= ~(cells["stakeholder_id"].astype(str) + "/" + cells["period"]).isin(kept_hidden)
    cells["reason"] = disclosure.reason(cells, shown, k)
    scored = scored_by_period(cells, shown, settings.prior_weight, "type_id")
    figures = ["score", "score_low", "score_high", "mean_raw", "type_mean", "type_variance"]
    for column in figures:
        cells[column] = scored[column] if column in scored else np.nan
    cells["suppressed"] = ~shown
    cells["signal"] = None
    for _, group in cells[shown].groupby("period"):
        points, _limits = metrics.funnel(group.drop(columns=["type_mean", "type_variance"]))
        cells.loc[points.index, "signal"] = points["signal"]
    ranks = []
    for _, group in cells[shown].groupby("period"):
        ranks.append(metrics.rank_bands(group)[["rank", "rank_low", "rank_high"]])
    for column in ("rank", "rank_low", "rank_high"):
        cells[column] = pd.concat(ranks)[column] if ranks else np.nan
    cells = disclosure.coarsen(cells)
    # Change against the previous quarter's *release*: both figures were published.
    cells["previous_score"] = np.nan
    if previous is not None and not previous.empty:
        before = previous[(previous["grain"] == QUARTER) & ~previous["suppressed"]]
        prior = before.set_index("stakeholder_id")["score"]
        is_quarter = cells["grain"] == QUARTER
        cells.loc[is_quarter, "previous_score"] = (
            cells.loc[is_quarter, "stakeholder_id"].map(prior).astype(float)
        )
    cells["change"] = cells["score"] - cells["previous_score"]
    cells = cells.rename(columns={"n": "n_raters"})
    hidden = ~shown
    for column in ("n_raters", "ratings", "sum_s", "sumsq_s"):
        cells[column] = cells[column].astype(float).where(~hidden)
    return cells.drop(columns=["sum_s", "sumsq_s", "type_variance"])


def funnel_limits(session: Session, quarter: Period, stakeholders: pd.DataFrame) -> pd.DataFrame:
    """Control limits per type and period, from the shown stakeholders' spread only."""
    shown = stakeholders[~stakeholders["suppressed"].astype(bool)]
    parts = []
    for grain, period in periods_of(quarter):
        ids = set(shown.loc[shown["period"] == period.label, "stakeholder_id"].astype(int))
        sums = queries.rater_sums(session, period)
        sums = sums[sums["stakeholder_id"].isin(ids)]
        if sums.empty:
            continue
        sums = sums.merge(
            queries.stakeholder_directory(session)[["stakeholder_id", "type_id"]],
            on="stakeholder_id",
        )
        _points, limits = metrics.funnel(sums)
        parts.append(limits.assign(period=period.label, grain=grain))
    if not parts:
        return pd.DataFrame(columns=["type_id", "n", "mean", "period", "grain"])
    limits = pd.concat(parts, ignore_index=True)
    for column in ("mean", "low_95", "high_95", "low_998", "high_998"):
        limits[column] = limits[column].round(0)
    return limits


def sub_cells(
    cells: pd.DataFrame, parent: pd.DataFrame, keys: list[str], k: int
) -> tuple[pd.DataFrame, pd.Series]:
    """Cells below a stakeholder (a dimension, an item): shown when their own count reaches
    k under the time rule and the stakeholder's own cell for that period is shown."""
    shown = disclosure.time_linked(cells, ["stakeholder_id", *keys], k)
    parent_shown = parent.set_index("period_key")["suppressed"].eq(False)
    key = cells["stakeholder_id"].astype(str) + "/" + cells["period"]
    shown &= key.map(parent_shown).fillna(False).astype(bool)
    return cells, shown


def dimension_cells(
    session: Session, quarter: Period, settings: Settings, parent: pd.DataFrame
) -> pd.DataFrame:
    directory = queries.stakeholder_directory(session)[["stakeholder_id", "type_id"]]
    cells = stack([(g, p, queries.dimension_sums(session, p)) for g, p in periods_of(quarter)])
    if cells.empty:
        return pd.DataFrame(columns=DIMENSION_COLUMNS)
    cells = cells.merge(directory, on="stakeholder_id")
    cells, shown = sub_cells(cells, parent, ["dimension"], settings.k_staff)
    cells["type_dimension"] = cells["type_id"].astype(str) + ":" + cells["dimension"]
    scored = scored_by_period(cells, shown, settings.prior_weight, "type_dimension")
    for column in ("score", "score_low", "score_high", "type_mean"):
        cells[column] = scored[column] if column in scored else np.nan
    cells["reason"] = disclosure.reason(cells, shown, settings.k_staff)
    cells["suppressed"] = ~shown
    cells["n_raters"] = cells["n"].astype(float).where(shown)
    cells = disclosure.coarsen(cells)
    return cells[DIMENSION_COLUMNS]


def item_cells(
    session: Session, quarter: Period, settings: Settings, parent: pd.DataFrame
) -> pd.DataFrame:
    ids = sorted({int(i) for i in parent["stakeholder_id"]})
    cells = stack([(g, p, queries.item_means(session, p, ids)) for g, p in periods_of(quarter)])
    columns = ["stakeholder_id", "period", "grain", "item_code", "n", "mean", "suppressed"]
    if cells.empty:
        return pd.DataFrame(columns=[*columns, "reason"])
    cells = cells.astype({"n": int, "mean": float})
    cells, shown = sub_cells(cells, parent, ["item_code"], settings.k_staff)
    cells["reason"] = disclosure.reason(cells, shown, settings.k_staff)
    cells["suppressed"] = ~shown
    cells["mean"] = cells["mean"].where(shown).round(0)
    cells["n"] = cells["n"].astype(float).where(shown)
    return cells[[*columns, "reason"]]


def staff_indicator_cells(
    ratings: pd.DataFrame, quarter: Period, settings: Settings, parent: pd.DataFrame
) -> pd.DataFrame:
    if ratings.empty:
        return pd.DataFrame(
            columns=["stakeholder_id", "grain", "period"]
            + [c for name, figure in FIGURES for c in (figure, f"n_{name}")]
        )
    cells = indicators_by_period(ratings, quarter)
    k = settings.k_staff
    parent_shown = parent.set_index("period_key")["suppressed"].eq(False)
    key = cells["stakeholder_id"].astype(str) + "/" + cells["period"]
    parent_ok = key.map(parent_shown).fillna(False).astype(bool)
    for name, figure in (
        ("helped", "share_helped"),
        ("money", "share_money"),
        ("days", "median_days"),
    ):
        shown = disclosure.time_linked(cells, ["stakeholder_id"], k, count=f"n_{name}") & parent_ok
        cells[figure] = cells[figure].where(shown)
        cells[f"n_{name}"] = cells[f"n_{name}"].astype(float).where(shown)
    return disclosure.coarsen(cells)
