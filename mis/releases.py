"""Releases: one protected table per audience and closed quarter, built once and stored.

Every MIS output — dashboard, exports, API, reports, certificates — reads a release and
nothing else (mis/published/), so figures cannot be recovered by combining views.

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

from models import RaterQuarter, Release, ReleaseStatus, ReleaseTable
from models.base import utcnow

from . import release_aggregates as aggregates
from . import release_cells as cells
from .engine import Settings
from .periods import Period

STAFF, FUNDER = "staff", "funder"


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
    stakeholders = cells.stakeholder_cells(
        session, quarter, settings, previous, _hidden_before(session, quarter)
    )
    if stakeholders.empty:
        stakeholders = pd.DataFrame(columns=cells.STAKEHOLDER_COLUMNS)
    stakeholders["period_key"] = (
        stakeholders["stakeholder_id"].astype(str) + "/" + stakeholders["period"]
    )
    ratings = cells.ratings_of(session, quarter)
    dimensions = cells.dimension_cells(session, quarter, settings, stakeholders)
    items = cells.item_cells(session, quarter, settings, stakeholders)
    indicators = cells.staff_indicator_cells(ratings, quarter, settings, stakeholders)
    services = aggregates.service_cells(
        ratings, stakeholders, settings.k_staff, _services_hidden_before(session, quarter)
    )
    funder, totals = aggregates.funder_cells(
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
            "limits": _pack(cells.funnel_limits(session, quarter, stakeholders)),
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
