"""Releases: one protected table per audience and closed quarter, built once and stored.

Every MIS output — dashboard, exports, API, reports, certificates — reads a release and
nothing else (mis/published.py), so figures cannot be recovered by combining views.

A staff release covers a closed quarter *and its three months*: time is a dimension of the
same table, so a month is released when its quarter closes, together with it (see
docs/privacy.md for why months do not go out one by one). It holds, per stakeholder and
period, the rater count and scores, dimension scores, item means and service indicators —
each with its own count and each blank below k_staff or when the time rule links it to a
hidden month. Type means, funnel limits and ranks are computed from the shown cells only.

A funder release is derived from the staff release's *shown* stakeholder cells only (so a
staff user who reads both learns nothing from the funder table that the staff table does
not say), aggregated to district × type, then protected for k_funder by `disclosure.protect`.
It reaches funders only after an admin approves it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    Answer,
    Item,
    RaterQuarter,
    Rating,
    Release,
    ReleaseStatus,
    ReleaseTable,
    Stakeholder,
)
from models.base import utcnow

from . import disclosure, metrics, queries
from .disclosure import MONTH, QUARTER
from .engine import Settings
from .periods import Period

STAFF, FUNDER = "staff", "funder"


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


class ReleaseError(RuntimeError):
    """A release cannot be built or changed as asked (the message says why, for staff)."""


def closed_quarters(session: Session, today: dt.date) -> list[Period]:
    """Quarters with ratings that ended before `today`'s month began, oldest first."""
    # rater_quarters has a row per rater and quarter: far fewer than ratings to scan.
    found = session.scalars(select(RaterQuarter.quarter).distinct())
    quarters = sorted(Period.quarter(q // 10, q % 10) for q in found)
    return [q for q in quarters if q.last < today.replace(day=1)]


def closed_with_ratings(session: Session, quarter: Period, today: dt.date) -> bool:
    """Whether `quarter` has ended and anyone rated in it (one indexed look-up)."""
    if quarter.last >= today.replace(day=1):
        return False
    found = select(RaterQuarter.quarter).where(RaterQuarter.quarter == quarter.quarters()[0])
    return session.scalar(found.limit(1)) is not None


def _months(quarter: Period) -> list[Period]:
    out = [Period.month(quarter.last)]
    while len(out) < 3:
        out.insert(0, out[0].previous())
    return out


def _periods(quarter: Period) -> list[tuple[str, Period]]:
    return [(QUARTER, quarter), *((MONTH, m) for m in _months(quarter))]


def _stack(parts: list[tuple[str, Period, pd.DataFrame]]) -> pd.DataFrame:
    frames = [f.assign(grain=g, period=p.label) for g, p, f in parts if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _ratings(session: Session, quarter: Period) -> pd.DataFrame:
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
    frame = queries._frame(session, statement)
    frame["month_label"] = pd.to_datetime(frame["month"]).dt.strftime("%Y-%m")
    return frame


# Each indicator's figure and the count of survivors who answered it.
FIGURES = (("helped", "share_helped"), ("money", "share_money"), ("days", "median_days"))
INDICATORS = {  # name: the rating column that answers it
    "helped": "fully_helped",
    "money": "asked_money",
}


def _indicator_cells(ratings: pd.DataFrame, by: list[str]) -> pd.DataFrame:
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


def _indicators_by_period(ratings: pd.DataFrame, quarter: Period) -> pd.DataFrame:
    both = pd.concat(
        [
            ratings.assign(period=quarter.label, grain=QUARTER),
            ratings.assign(period=ratings["month_label"], grain=MONTH),
        ],
        ignore_index=True,
    )
    return _indicator_cells(both, ["stakeholder_id", "grain", "period"])


def _scored(cells: pd.DataFrame, shown: pd.Series, m: float, by: str) -> pd.DataFrame:
    """Shrunk scores and intervals, each period's type means taken over its shown cells."""
    visible = cells[shown]
    if visible.empty:
        return pd.DataFrame(columns=["key"])
    parts = []
    for _, group in visible.groupby("period"):
        scored = metrics.shrunk_scores(group, m, by=by)
        parts.append(scored)
    return pd.concat(parts)


def _stakeholder_cells(
    session: Session,
    quarter: Period,
    settings: Settings,
    previous: pd.DataFrame | None,
    kept_hidden: frozenset = frozenset(),
) -> pd.DataFrame:
    directory = queries.stakeholder_directory(session)[["stakeholder_id", "type_id"]]
    cells = _stack([(g, p, queries.rater_sums(session, p)) for g, p in _periods(quarter)])
    if cells.empty:
        return cells
    cells = cells.merge(directory, on="stakeholder_id")
    k = settings.k_staff
    shown = disclosure.time_linked(cells, ["stakeholder_id"], k)
    if kept_hidden:
        shown &= ~(cells["stakeholder_id"].astype(str) + "/" + cells["period"]).isin(kept_hidden)
    cells["reason"] = disclosure.reason(cells, shown, k)
    scored = _scored(cells, shown, settings.prior_weight, "type_id")
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


def _funnel_limits(session: Session, quarter: Period, stakeholders: pd.DataFrame) -> pd.DataFrame:
    """Control limits per type and period, from the shown stakeholders' spread only."""
    shown = stakeholders[~stakeholders["suppressed"].astype(bool)]
    parts = []
    for grain, period in _periods(quarter):
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


def _sub_cells(
    cells: pd.DataFrame, parent: pd.DataFrame, keys: list[str], k: int
) -> tuple[pd.DataFrame, pd.Series]:
    """Cells below a stakeholder (a dimension, an item): shown when their own count reaches
    k under the time rule and the stakeholder's own cell for that period is shown."""
    shown = disclosure.time_linked(cells, ["stakeholder_id", *keys], k)
    parent_shown = parent.set_index("period_key")["suppressed"].eq(False)
    key = cells["stakeholder_id"].astype(str) + "/" + cells["period"]
    shown &= key.map(parent_shown).fillna(False).astype(bool)
    return cells, shown


def _dimension_cells(
    session: Session, quarter: Period, settings: Settings, parent: pd.DataFrame
) -> pd.DataFrame:
    directory = queries.stakeholder_directory(session)[["stakeholder_id", "type_id"]]
    cells = _stack([(g, p, queries.dimension_sums(session, p)) for g, p in _periods(quarter)])
    if cells.empty:
        return pd.DataFrame(columns=DIMENSION_COLUMNS)
    cells = cells.merge(directory, on="stakeholder_id")
    cells, shown = _sub_cells(cells, parent, ["dimension"], settings.k_staff)
    cells["type_dimension"] = cells["type_id"].astype(str) + ":" + cells["dimension"]
    scored = _scored(cells, shown, settings.prior_weight, "type_dimension")
    for column in ("score", "score_low", "score_high", "type_mean"):
        cells[column] = scored[column] if column in scored else np.nan
    cells["reason"] = disclosure.reason(cells, shown, settings.k_staff)
    cells["suppressed"] = ~shown
    cells["n_raters"] = cells["n"].astype(float).where(shown)
    cells = disclosure.coarsen(cells)
    return cells[DIMENSION_COLUMNS]


def _item_cells(
    session: Session, quarter: Period, settings: Settings, parent: pd.DataFrame
) -> pd.DataFrame:
    ids = sorted({int(i) for i in parent["stakeholder_id"]})
    cells = _stack([(g, p, queries.item_means(session, p, ids)) for g, p in _periods(quarter)])
    columns = ["stakeholder_id", "period", "grain", "item_code", "n", "mean", "suppressed"]
    if cells.empty:
        return pd.DataFrame(columns=[*columns, "reason"])
    cells = cells.astype({"n": int, "mean": float})
    cells, shown = _sub_cells(cells, parent, ["item_code"], settings.k_staff)
    cells["reason"] = disclosure.reason(cells, shown, settings.k_staff)
    cells["suppressed"] = ~shown
    cells["mean"] = cells["mean"].where(shown).round(0)
    cells["n"] = cells["n"].astype(float).where(shown)
    return cells[[*columns, "reason"]]


def _staff_indicator_cells(
    ratings: pd.DataFrame, quarter: Period, settings: Settings, parent: pd.DataFrame
) -> pd.DataFrame:
    if ratings.empty:
        return pd.DataFrame(
            columns=["stakeholder_id", "grain", "period"]
            + [c for name, figure in FIGURES for c in (figure, f"n_{name}")]
        )
    cells = _indicators_by_period(ratings, quarter)
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


def _service_cells(
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


def _funder_cells(
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
    frame = frame.merge(_indicator_cells(pool, cell), on=cell, how="left")
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


def _pack(frame: pd.DataFrame) -> dict:
    clean = frame.astype(object).where(frame.notna(), None)
    return {"columns": {str(c): clean[c].tolist() for c in clean.columns}}


ID_COLUMNS = {"stakeholder_id", "type_id", "district_id", "block_id", "service_id"}
TEXT_COLUMNS = {"period", "grain", "reason", "signal", "dimension", "item_code"}


def table(session: Session, release: Release | int, name: str):  # type: ignore[no-untyped-def]
    """One stored table of a release: a DataFrame, or the dict of a funder release's totals."""
    release_id = release if isinstance(release, int) else release.id
    data = session.scalar(
        select(ReleaseTable.data).where(
            ReleaseTable.release_id == release_id, ReleaseTable.name == name
        )
    )
    if data is None:
        raise ReleaseError(f"release {release_id} has no table {name}")
    return unpack(data) if "columns" in data else data


def unpack(table: dict) -> pd.DataFrame:
    """A stored table as a DataFrame: numbers as floats (blank = NaN), flags as booleans."""
    columns = {}
    for column, values in table["columns"].items():
        if column == "suppressed":  # a blank flag reads as hidden: fail closed
            columns[column] = np.array([True if v is None else bool(v) for v in values], bool)
        elif column in ID_COLUMNS:
            columns[column] = np.array(values, dtype="int64")
        elif column in TEXT_COLUMNS:
            columns[column] = pd.Series(values, dtype=object)
        else:
            columns[column] = np.array([np.nan if v is None else v for v in values], float)
    return pd.DataFrame(columns)


def usable(session: Session, audience: str, period: Period) -> Release | None:
    """The release an audience reads for a quarter: staff — the newest built one; funders —
    the newest approved one."""
    wanted = [ReleaseStatus.APPROVED.value]
    if audience == STAFF:
        wanted.append(ReleaseStatus.BUILT.value)
    return session.scalars(
        select(Release)
        .where(
            Release.audience == audience,
            Release.period == period.label,
            Release.status.in_(wanted),
        )
        .order_by(Release.id.desc())
        .limit(1)
    ).first()


def _hidden_before(session: Session, quarter: Period) -> frozenset:
    """Stakeholder cells ("id/period") that any earlier staff release of the quarter hid."""
    hidden: set[str] = set()
    for release in session.scalars(
        select(Release).where(Release.audience == STAFF, Release.period == quarter.label)
    ):
        old = table(session, release, "stakeholders")
        gone = old[old["suppressed"].astype(bool)]
        hidden |= set(gone["stakeholder_id"].astype(int).astype(str) + "/" + gone["period"])
    return frozenset(hidden)


def _services_hidden_before(session: Session, quarter: Period) -> frozenset:
    """((type_id, district_id), service_id) cells an earlier staff release of the quarter hid."""
    hidden: set = set()
    for release in session.scalars(
        select(Release).where(Release.audience == STAFF, Release.period == quarter.label)
    ):
        try:
            old = table(session, release, "services")
        except ReleaseError:
            continue
        gone = old[old["suppressed"]]
        rows = zip(gone["type_id"], gone["district_id"], gone["service_id"], strict=True)
        hidden |= {((int(t), int(d)), int(s)) for t, d, s in rows}
    return frozenset(hidden)


def _funder_hidden_before(session: Session, quarter: Period) -> frozenset:
    """(district_id, type_id) cells that an earlier funder release of the quarter hid."""
    hidden: set[tuple[int, int]] = set()
    for release in session.scalars(
        select(Release).where(Release.audience == FUNDER, Release.period == quarter.label)
    ):
        old = table(session, release, "summary")
        gone = old[old["suppressed"].astype(bool)]
        hidden |= {
            (int(d), int(t)) for d, t in zip(gone["district_id"], gone["type_id"], strict=True)
        }
    return frozenset(hidden)


def build_quarter(
    session: Session, quarter: Period, settings: Settings, today: dt.date | None = None
) -> tuple[Release, Release]:
    """Build the staff and the funder release of a closed quarter (the funder one unapproved).

    A rebuild keeps every cell an earlier release of the quarter hid hidden, so a download
    kept from before cannot be differenced against the new one to find a hidden cell.
    """
    today = today or dt.date.today()
    if quarter.last >= today.replace(day=1):
        raise ReleaseError(f"{quarter.label} has not ended yet: only closed periods are released")
    before = usable(session, STAFF, quarter.previous())
    previous = table(session, before, "stakeholders") if before is not None else None
    stakeholders = _stakeholder_cells(
        session, quarter, settings, previous, _hidden_before(session, quarter)
    )
    if stakeholders.empty:
        stakeholders = pd.DataFrame(columns=STAKEHOLDER_COLUMNS)
    stakeholders["period_key"] = (
        stakeholders["stakeholder_id"].astype(str) + "/" + stakeholders["period"]
    )
    ratings = _ratings(session, quarter)
    dimensions = _dimension_cells(session, quarter, settings, stakeholders)
    items = _item_cells(session, quarter, settings, stakeholders)
    indicators = _staff_indicator_cells(ratings, quarter, settings, stakeholders)
    services = _service_cells(
        ratings, stakeholders, settings.k_staff, _services_hidden_before(session, quarter)
    )
    funder, totals = _funder_cells(
        ratings,
        stakeholders,
        session,
        quarter,
        settings.k_funder,
        _funder_hidden_before(session, quarter),
    )
    now = utcnow()
    staff = Release(
        audience=STAFF,
        period=quarter.label,
        status=ReleaseStatus.BUILT.value,
        k=settings.k_staff,
        built_at=now,
    )
    funders = Release(
        audience=FUNDER,
        period=quarter.label,
        status=ReleaseStatus.BUILT.value,
        k=settings.k_funder,
        built_at=now,
    )
    _supersede(session, STAFF, quarter, ReleaseStatus.BUILT)
    session.add_all([staff, funders])
    session.flush()
    tables = {
        staff.id: {
            "stakeholders": _pack(stakeholders.drop(columns=["period_key"])),
            "dimensions": _pack(dimensions),
            "items": _pack(items),
            "indicators": _pack(indicators),
            "services": _pack(services),
            "limits": _pack(_funnel_limits(session, quarter, stakeholders)),
        },
        funders.id: {"summary": _pack(funder), "totals": totals},
    }
    session.add_all(
        ReleaseTable(release_id=release_id, name=name, data=data)
        for release_id, named in tables.items()
        for name, data in named.items()
    )
    session.flush()
    return staff, funders


def _supersede(session: Session, audience: str, period: Period, status: ReleaseStatus) -> None:
    """Mark the audience's releases of `period` in `status` as replaced by a newer one."""
    for old in session.scalars(
        select(Release).where(
            Release.audience == audience,
            Release.period == period.label,
            Release.status == status.value,
        )
    ):
        old.status = ReleaseStatus.SUPERSEDED.value


def build_due(session: Session, settings: Settings, today: dt.date | None = None) -> list[Release]:
    """Build releases for every closed quarter that has none yet, oldest first."""
    today = today or dt.date.today()
    built = set(session.scalars(select(Release.period).where(Release.audience == STAFF)))
    made: list[Release] = []
    for quarter in closed_quarters(session, today):
        if quarter.label not in built:
            made.extend(build_quarter(session, quarter, settings, today))
    return made


def _funder_release(session: Session, period: Period, status: str) -> Release:
    release = session.scalars(
        select(Release)
        .where(Release.audience == FUNDER, Release.period == period.label, Release.status == status)
        .order_by(Release.id.desc())
        .limit(1)
    ).first()
    if release is None:
        raise ReleaseError(f"no funder release of {period.label} is {status}")
    return release


def approve(session: Session, period: Period, user_id: int | None) -> Release:
    """Approve the newest built funder release of a quarter; an older approved one is
    superseded at the same moment, so funders never see two patterns for one quarter."""
    release = _funder_release(session, period, ReleaseStatus.BUILT.value)
    _supersede(session, FUNDER, period, ReleaseStatus.APPROVED)
    release.status = ReleaseStatus.APPROVED.value
    release.approved_at = utcnow()
    release.approved_by_id = user_id
    session.flush()
    return release


def withdraw(session: Session, period: Period) -> Release:
    """Take an approved funder release back: funders see nothing for that quarter."""
    release = _funder_release(session, period, ReleaseStatus.APPROVED.value)
    release.status = ReleaseStatus.WITHDRAWN.value
    release.withdrawn_at = utcnow()
    session.flush()
    return release
