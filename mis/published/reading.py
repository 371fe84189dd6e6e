"""Finding and reading a period's release; everything else in this package selects from it."""

from __future__ import annotations

import datetime as dt
import threading

import pandas as pd
from flask import has_request_context, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Release, ReleaseStatus, ReleaseTable

from .. import queries, releases
from ..disclosure import QUARTER
from ..engine import Settings
from ..periods import Grain, Period, PeriodError
from ..privacy import Audience, StaffView, _frozen
from ..queries import EVERYWHERE, Scope


class NotReleased(releases.ReleaseError):
    """No usable release covers the period asked for (still filling, or not approved)."""


_tables: dict[tuple, object] = {}
_lock = threading.Lock()


class _Tables(dict):
    """A release's tables, each read from the database the first time it is asked for."""

    def __init__(self, release_id: int) -> None:
        super().__init__()
        self.release_id = release_id

    def get_table(self, session: Session, name: str):  # type: ignore[no-untyped-def]
        if name not in self:
            found = releases.table(session, self.release_id, name)
            with _lock:
                self[name] = found
        return self[name]


def preload(session: Session, audience: str, quarters: list[Period], name: str) -> None:
    """Read one table of several quarters' releases in one query (a trend reads eight)."""
    wanted = [releases.usable(session, audience, q) for q in quarters]
    missing = {}
    for release in filter(None, wanted):
        tables = unpacked(session, release)
        if name not in tables:
            missing[release.id] = tables
    if not missing:
        return
    rows = session.execute(
        select(ReleaseTable.release_id, ReleaseTable.data).where(
            ReleaseTable.release_id.in_(missing), ReleaseTable.name == name
        )
    )
    for release_id, data in rows:
        with _lock:
            missing[release_id][name] = releases.unpack(data) if "columns" in data else data


def unpacked(session: Session, release) -> _Tables:  # type: ignore[no-untyped-def]
    """A release's tables; a release never changes, so what was read is kept."""
    # The build time too: a rolled-back test (or a restored backup) can reuse an id.
    key = (str(session.get_bind().engine.url), release.id, release.built_at)
    with _lock:
        if key in _tables:
            return _tables[key]
        if len(_tables) > 64:
            _tables.clear()
        _tables[key] = found = _Tables(release.id)
    return found


def clear() -> None:
    with _lock:
        _tables.clear()


def stakeholders_in(session: Session, scope: Scope = EVERYWHERE) -> pd.DataFrame:
    """Stakeholder names and places, read once per request (an overview reads eight quarters);
    never kept longer, so a renamed stakeholder shows its new name on the next page."""
    if not has_request_context():
        return queries.stakeholder_directory(session, scope)
    # On the request itself, not `g`: an app context (and its `g`) can outlive a request.
    memo = request.environ.setdefault("awaaz.directory", {})
    if scope not in memo:
        memo[scope] = queries.stakeholder_directory(session, scope)
    return memo[scope]


def released_quarter(period: Period) -> Period:
    """The quarter whose release holds `period`: itself, or a month's quarter."""
    if period.grain is Grain.QUARTER:
        return period
    if period.grain is Grain.MONTH:
        return Period.quarter_of(period.first)
    raise PeriodError(f"figures are released by month or by quarter (e.g. 2026Q3), not {period}")


def staff_release(session: Session, period: Period, settings: Settings):  # type: ignore[no-untyped-def]
    """The staff release holding `period`, built now if its quarter has closed and none was."""
    quarter = released_quarter(period)
    release = releases.usable(session, releases.STAFF, quarter)
    if release is None and releases.closed_with_ratings(session, quarter, dt.date.today()):
        # A period closes at midnight; the first reader after that builds its release (once:
        # a second reader finds it). `awaaz release build` does the same from a timer.
        releases.build_quarter(session, quarter, settings)
        session.commit()
        release = releases.usable(session, releases.STAFF, quarter)
    if release is None:
        raise NotReleased(f"{period} is not released yet: figures appear once it has ended")
    return release


def funder_release(session: Session, period: Period):  # type: ignore[no-untyped-def]
    if period.grain is not Grain.QUARTER:
        raise PeriodError("funder figures are by quarter (e.g. 2026Q3)")
    release = releases.usable(session, releases.FUNDER, period)
    if release is None:
        raise NotReleased(f"{period} has no approved funder release")
    return release


def cells_of(session: Session, period: Period, settings: Settings, name: str) -> pd.DataFrame:
    tables = unpacked(session, staff_release(session, period, settings))
    frame = tables.get_table(session, name)
    return frame[frame["period"] == period.label].copy()


def staff_view(frame: pd.DataFrame, period: Period, k: int) -> StaffView:
    return StaffView(_frozen(frame), Audience.STAFF, period, k)


def flags(series: pd.Series) -> pd.Series:
    return series.fillna(True).astype(bool)


def released_periods(session: Session, audience: str) -> list[Period]:
    """Quarters with a usable release for the audience, newest first."""
    wanted = [ReleaseStatus.APPROVED.value]
    if audience == releases.STAFF:
        wanted.append(ReleaseStatus.BUILT.value)
    labels = session.scalars(
        select(Release.period).where(Release.audience == audience, Release.status.in_(wanted))
    )
    return sorted({Period.parse(label) for label in labels}, reverse=True)


def release_note(session: Session, period: Period, audience: str) -> dict | None:
    """Which release a page shows: its quarter and when it was built (and approved)."""
    quarter = released_quarter(period)
    release = releases.usable(session, audience, quarter)
    if release is None:
        return None
    return {
        "period": quarter.label,
        "built_at": release.built_at,
        "approved_at": release.approved_at,
        "grain": QUARTER if period.grain is Grain.QUARTER else "month",
    }
