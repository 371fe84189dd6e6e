"""What every MIS output reads: rows selected from a release, never figures of its own.

Each function has the signature and the result of the engine function of the same name
(mis/engine.py computes from ratings and is used only to build releases), but reads the
period's stored release (mis/releases.py). Filters select rows of that release; aggregates
(headline cards, the district × type heatmap, trend lines) are computed from its *shown*
cells only, so they can never reveal a hidden one. Staff read closed months and quarters;
funders read quarters an admin approved.
"""

from __future__ import annotations

import datetime as dt
import threading

import numpy as np
import pandas as pd
from flask import has_request_context, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Release, ReleaseStatus, ReleaseTable

from . import metrics, queries, releases
from .disclosure import QUARTER
from .engine import FUNDER_SUMMARY_COLUMNS, LEAGUE_COLUMNS, Settings
from .periods import Grain, Period, PeriodError
from .privacy import Audience, FunderView, StaffView, _frozen
from .queries import EVERYWHERE, Scope


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
        tables = _unpacked(session, release)
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


def _unpacked(session: Session, release) -> _Tables:  # type: ignore[no-untyped-def]
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


def _directory(session: Session, scope: Scope = EVERYWHERE) -> pd.DataFrame:
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


def _cells(session: Session, period: Period, settings: Settings, name: str) -> pd.DataFrame:
    tables = _unpacked(session, staff_release(session, period, settings))
    frame = tables.get_table(session, name)
    return frame[frame["period"] == period.label].copy()


def _view(frame: pd.DataFrame, period: Period, k: int) -> StaffView:
    return StaffView(_frozen(frame), Audience.STAFF, period, k)


def _bool(series: pd.Series) -> pd.Series:
    return series.fillna(True).astype(bool)


def league_table(
    session: Session, period: Period, settings: Settings, scope: Scope = EVERYWHERE
) -> StaffView:
    cells = _cells(session, period, settings, "stakeholders")
    directory = _directory(session, scope)
    frame = cells.drop(columns=["type_id"]).merge(directory, on="stakeholder_id")
    frame["suppressed"] = _bool(frame["suppressed"])
    frame["type_variance"] = np.nan  # never released: see docs/privacy.md
    for column in LEAGUE_COLUMNS:
        if column not in frame:
            frame[column] = np.nan
    frame = frame.sort_values(["type", "rank", "stakeholder"], na_position="last")
    return _view(
        frame[[*LEAGUE_COLUMNS, "suppressed", "reason", "signal"]], period, settings.k_staff
    )


def dimension_scores(
    session: Session, period: Period, settings: Settings, scope: Scope = EVERYWHERE
) -> StaffView:
    cells = _cells(session, period, settings, "dimensions")
    ids = _directory(session, scope)[["stakeholder_id", "type_id"]]
    frame = cells.merge(ids, on="stakeholder_id")
    frame["suppressed"] = _bool(frame["suppressed"])
    return _view(frame, period, settings.k_staff)


def indicators(
    session: Session, period: Period, settings: Settings, scope: Scope = EVERYWHERE
) -> StaffView:
    cells = _cells(session, period, settings, "indicators")
    ids = _directory(session, scope)[["stakeholder_id"]]
    frame = cells.merge(ids, on="stakeholder_id")
    league = _cells(session, period, settings, "stakeholders")[["stakeholder_id", "n_raters"]]
    frame = frame.merge(league, on="stakeholder_id", how="left")
    frame["suppressed"] = frame["n_raters"].isna()
    return _view(frame, period, settings.k_staff)


def all_item_means(session: Session, period: Period, settings: Settings) -> pd.DataFrame:
    """Every stakeholder's item cells with the type's mean over *shown* item cells."""
    tables = _unpacked(session, staff_release(session, period, settings))
    key = ("item_means", period.label)
    if key not in tables:
        items = _cells(session, period, settings, "items")
        league = _cells(session, period, settings, "stakeholders")[["stakeholder_id", "type_id"]]
        items = items.merge(league, on="stakeholder_id")
        shown = items[~_bool(items["suppressed"])].astype({"n": float, "mean": float})
        yardstick = (
            shown.assign(weighted=shown["mean"] * shown["n"])
            .groupby(["type_id", "item_code"])[["weighted", "n"]]
            .sum()
        )
        yardstick = (yardstick["weighted"] / yardstick["n"]).round(0).rename("item_type_mean")
        tables[key] = items.join(yardstick, on=["type_id", "item_code"])
    return tables[key]


def item_means(
    session: Session, period: Period, settings: Settings, stakeholder_id: int
) -> pd.DataFrame:
    """A stakeholder's item cells with the type's mean over shown item cells."""
    items = all_item_means(session, period, settings)
    return items[items["stakeholder_id"] == stakeholder_id].copy()


def funnel(
    session: Session, period: Period, settings: Settings, scope: Scope = EVERYWHERE
) -> tuple[StaffView, pd.DataFrame]:
    """Shown stakeholders' raw means against n, and the limits stored with the release."""
    table = league_table(session, period, settings, scope).frame
    points = table[~table["suppressed"]]
    limits = _cells(session, period, settings, "limits")
    if scope.type_id is not None:
        limits = limits[limits["type_id"] == scope.type_id]
    return _view(points, period, settings.k_staff), limits


def services(
    session: Session, period: Period, settings: Settings, scope: Scope = EVERYWHERE
) -> StaffView:
    """Service × type × district for a quarter: shares of requests fully, partly and not met
    and median days, from shown stakeholders' ratings; a filter selects rows."""
    if period.grain is not Grain.QUARTER:
        raise PeriodError("services are released by quarter (e.g. 2026Q3)")
    tables = _unpacked(session, staff_release(session, period, settings))
    frame = tables.get_table(session, "services")
    if scope.type_id is not None:
        frame = frame[frame["type_id"] == scope.type_id]
    if scope.district_id is not None:
        frame = frame[frame["district_id"] == scope.district_id]
    return _view(frame.copy(), period, settings.k_staff)


def best_practice(
    session: Session,
    period: Period,
    settings: Settings,
    scope: Scope = EVERYWHERE,
    table: StaffView | None = None,
) -> StaffView:
    """Shown stakeholders whose interval lies above their type's (shown-cell) mean."""
    table = (table or league_table(session, period, settings, scope)).frame
    shown = table[~table["suppressed"]].rename(columns={"n_raters": "n"})
    chosen = metrics.best_practice(shown, settings.k_staff).rename(columns={"n": "n_raters"})
    items = all_item_means(session, period, settings)
    items = items[
        ~_bool(items["suppressed"]) & items["stakeholder_id"].isin(chosen["stakeholder_id"])
    ]
    leads = items.assign(lead=items["mean"] - items["item_type_mean"]).sort_values(
        ["stakeholder_id", "lead"], ascending=[True, False]
    )
    strongest = {
        int(sid): list(group["item_code"][:3]) for sid, group in leads.groupby("stakeholder_id")
    }
    ids = chosen["stakeholder_id"].astype(int).tolist()
    comments = queries.approved_comments(session, period, ids, good_practice_only=True)
    quotes = comments.groupby("stakeholder_id")["moderated"].apply(list) if len(comments) else {}
    chosen = chosen.assign(
        strongest_items=[strongest.get(int(i), []) for i in chosen["stakeholder_id"]],
        quotes=[list(quotes.get(int(i), [])) for i in chosen["stakeholder_id"]],
    )
    return _view(chosen, period, settings.k_staff)


def most_improved(
    session: Session,
    period: Period,
    settings: Settings,
    scope: Scope = EVERYWHERE,
    table: StaffView | None = None,
) -> StaffView:
    """The largest rises of a shown score against the previous quarter's shown score."""
    table = (table or league_table(session, period, settings, scope)).frame
    frame = table.rename(columns={"n_raters": "n"}).assign(
        previous_n=np.where(table["previous_score"].notna(), settings.k_staff, 0)
    )
    chosen = metrics.most_improved(frame, settings.k_staff).rename(columns={"n": "n_raters"})
    return _view(chosen, period, settings.k_staff)


def _shown_area(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Aggregates of shown stakeholder cells: raters counted per stakeholder (pairs)."""
    shown = table[~table["suppressed"]].astype({"n_raters": float, "mean_raw": float})
    shown = shown.assign(weighted=shown["mean_raw"] * shown["n_raters"])
    grouped = shown.groupby(keys, as_index=False)[["n_raters", "weighted"]].sum()
    grouped["score"] = (grouped["weighted"] / grouped["n_raters"]).round(0)
    return grouped.drop(columns=["weighted"])


def area_summary(
    session: Session, period: Period, settings: Settings, scope: Scope = EVERYWHERE
) -> StaffView:
    """District × type from the shown stakeholder cells (a hidden one adds nothing)."""
    table = league_table(session, period, settings, scope).frame
    area = _shown_area(table, ["district_id", "district", "type_id", "type"])
    return _view(area.assign(suppressed=False), period, settings.k_staff)


def trend(
    session: Session,
    period: Period,
    settings: Settings,
    scope: Scope = EVERYWHERE,
    quarters: int = 8,
) -> StaffView:
    """Mean score per released quarter and type, from each quarter's shown cells."""
    parts = []
    span = released_quarter(period).last_quarters(quarters)
    preload(session, releases.STAFF, span, "stakeholders")
    for quarter in span:
        try:
            table = league_table(session, quarter, settings, scope).frame
        except releases.ReleaseError:
            continue
        label = quarter.quarters()[0]
        parts.append(_shown_area(table, ["type_id", "type"]).assign(quarter=label))
    frame = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["quarter", "type_id", "type", "n_raters", "score"])
    )
    return _view(frame, period, settings.k_staff)


HEADLINE = ["ratings", "n_raters", "stakeholders", "mean_score", "share_helped", "share_money"]


def _headline(session: Session, period: Period, settings: Settings, scope: Scope) -> dict:
    table = league_table(session, period, settings, scope).frame
    shown = table[~table["suppressed"]]
    ind = indicators(session, period, settings, scope).frame
    ind = ind[ind["stakeholder_id"].isin(shown["stakeholder_id"])]
    n = shown["n_raters"].astype(float)

    def weighted(values: pd.Series, weights: pd.Series) -> float:
        ok = values.notna() & weights.notna()
        total = weights[ok].astype(float).sum()
        return float((values[ok].astype(float) * weights[ok]).sum() / total) if total else np.nan

    return {
        "ratings": float(shown["ratings"].astype(float).sum()),
        "n_raters": float(n.sum()),
        "stakeholders": float(len(shown)),
        "mean_score": round(weighted(shown["mean_raw"], n)) if len(shown) else np.nan,
        "share_helped": round(weighted(ind["share_helped"], ind["n_helped"]), 2),
        "share_money": round(weighted(ind["share_money"], ind["n_money"]), 2),
    }


def overview(
    session: Session, period: Period, settings: Settings, scope: Scope = EVERYWHERE
) -> StaffView:
    """Headline cards as sums over shown cells: "all types" is exactly the sum of the types,
    so differencing them finds nothing."""
    current = _headline(session, period, settings, scope)
    try:
        previous = _headline(session, period.previous(), settings, scope)
    except releases.ReleaseError:
        previous = {name: np.nan for name in HEADLINE}
    row = dict(current)
    for name in HEADLINE:
        row[f"{name}_change"] = current[name] - previous[name]
    row["suppressed"] = current["n_raters"] == 0
    return _view(pd.DataFrame([row]), period, settings.k_staff)


def _names(session: Session, frame: pd.DataFrame) -> pd.DataFrame:
    directory = _directory(session)
    types = directory.drop_duplicates("type_id").set_index("type_id")["type"]
    districts = directory.drop_duplicates("district_id").set_index("district_id")["district"]
    return frame.assign(
        type=frame["type_id"].astype(int).map(types),
        district=frame["district_id"].astype(int).map(districts),
    )


def _funder_frame(session: Session, period: Period) -> tuple[pd.DataFrame, dict, object]:
    release = funder_release(session, period)
    tables = _unpacked(session, release)
    return tables.get_table(session, "summary"), tables.get_table(session, "totals"), release


def funder_summary(
    session: Session, period: Period, settings: Settings, scope: Scope = EVERYWHERE
) -> FunderView:
    """The approved release's district × type cells; a filter selects rows, nothing more."""
    summary, totals, release = _funder_frame(session, period)
    frame = _names(session, summary) if len(summary) else summary.assign(type=[], district=[])
    if scope.district_id is not None:
        frame = frame[frame["district_id"] == scope.district_id]
    if scope.type_id is not None:
        frame = frame[frame["type_id"] == scope.type_id]
    frame = frame.assign(suppressed=_bool(frame["suppressed"]))
    for column in FUNDER_SUMMARY_COLUMNS:
        if column not in frame:
            frame[column] = np.nan
    directory = _directory(session)
    district_names = directory.drop_duplicates("district_id").set_index("district_id")["district"]
    type_names = directory.drop_duplicates("type_id").set_index("type_id")["type"]
    shown_totals = {
        "district": {
            district_names.get(int(key), key): value
            for key, value in totals.get("district", {}).items()
            if scope.district_id is None or int(key) == scope.district_id
        },
        "type": {
            type_names.get(int(key), key): value
            for key, value in totals.get("type", {}).items()
            if scope.type_id is None or int(key) == scope.type_id
        },
        "all": totals.get("all"),
    }
    view = FunderView(
        _frozen(frame[[*FUNDER_SUMMARY_COLUMNS, "suppressed", "reason"]]),
        Audience.FUNDER,
        period,
        release.k,
        shown_totals,
    )
    return view


def funder_trend(
    session: Session,
    period: Period,
    settings: Settings,
    scope: Scope = EVERYWHERE,
    quarters: int = 8,
) -> FunderView:
    """Per approved quarter and type: the type's published total and the mean score over its
    shown cells. A quarter without an approved release is a gap."""
    rows = []
    for quarter in period.last_quarters(quarters):
        try:
            summary, totals, _release = _funder_frame(session, quarter)
        except releases.ReleaseError:
            continue
        summary = _names(session, summary) if len(summary) else summary
        for type_id, total in totals.get("type", {}).items():
            cells = summary[(summary["type_id"] == int(type_id)) & ~_bool(summary["suppressed"])]
            n = cells["n_raters"].astype(float)
            score = (cells["score"].astype(float) * n).sum() / n.sum() if n.sum() else np.nan
            rows.append(
                {
                    "quarter": quarter.quarters()[0],
                    "type_id": int(type_id),
                    "n_raters": total,
                    "score": round(score) if not np.isnan(score) else np.nan,
                    "suppressed": total is None,
                }
            )
    frame = pd.DataFrame(rows, columns=["quarter", "type_id", "n_raters", "score", "suppressed"])
    directory = _directory(session)
    types = directory.drop_duplicates("type_id").set_index("type_id")["type"]
    frame["type"] = frame["type_id"].map(types)
    if scope.type_id is not None:
        frame = frame[frame["type_id"] == scope.type_id]
    return FunderView(_frozen(frame), Audience.FUNDER, period, settings.k_funder, None)


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
