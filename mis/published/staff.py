"""Staff tables of a release: league table, dimensions, indicators, items, funnel, services."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from ..engine import LEAGUE_COLUMNS, Settings
from ..periods import Grain, Period, PeriodError
from ..privacy import StaffView
from ..queries import EVERYWHERE, Scope
from .reading import cells_of, flags, staff_release, staff_view, stakeholders_in, unpacked


def league_table(
    session: Session, period: Period, settings: Settings, scope: Scope = EVERYWHERE
) -> StaffView:
    cells = cells_of(session, period, settings, "stakeholders")
    directory = stakeholders_in(session, scope)
    frame = cells.drop(columns=["type_id"]).merge(directory, on="stakeholder_id")
    frame["suppressed"] = flags(frame["suppressed"])
    frame["type_variance"] = np.nan  # never released: see docs/privacy.md
    for column in LEAGUE_COLUMNS:
        if column not in frame:
            frame[column] = np.nan
    frame = frame.sort_values(["type", "rank", "stakeholder"], na_position="last")
    return staff_view(
        frame[[*LEAGUE_COLUMNS, "suppressed", "reason", "signal"]], period, settings.k_staff
    )


def dimension_scores(
    session: Session, period: Period, settings: Settings, scope: Scope = EVERYWHERE
) -> StaffView:
    cells = cells_of(session, period, settings, "dimensions")
    ids = stakeholders_in(session, scope)[["stakeholder_id", "type_id"]]
    frame = cells.merge(ids, on="stakeholder_id")
    frame["suppressed"] = flags(frame["suppressed"])
    return staff_view(frame, period, settings.k_staff)


def indicators(
    session: Session, period: Period, settings: Settings, scope: Scope = EVERYWHERE
) -> StaffView:
    cells = cells_of(session, period, settings, "indicators")
    ids = stakeholders_in(session, scope)[["stakeholder_id"]]
    frame = cells.merge(ids, on="stakeholder_id")
    league = cells_of(session, period, settings, "stakeholders")[["stakeholder_id", "n_raters"]]
    frame = frame.merge(league, on="stakeholder_id", how="left")
    frame["suppressed"] = frame["n_raters"].isna()
    return staff_view(frame, period, settings.k_staff)


def all_item_means(session: Session, period: Period, settings: Settings) -> pd.DataFrame:
    """Every stakeholder's item cells with the type's mean over *shown* item cells."""
    tables = unpacked(session, staff_release(session, period, settings))
    key = ("item_means", period.label)
    if key not in tables:
        items = cells_of(session, period, settings, "items")
        league = cells_of(session, period, settings, "stakeholders")[["stakeholder_id", "type_id"]]
        items = items.merge(league, on="stakeholder_id")
        shown = items[~flags(items["suppressed"])].astype({"n": float, "mean": float})
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
    limits = cells_of(session, period, settings, "limits")
    if scope.type_id is not None:
        limits = limits[limits["type_id"] == scope.type_id]
    return staff_view(points, period, settings.k_staff), limits


def services(
    session: Session, period: Period, settings: Settings, scope: Scope = EVERYWHERE
) -> StaffView:
    """Service × type × district for a quarter: shares of requests fully, partly and not met
    and median days, from shown stakeholders' ratings; a filter selects rows."""
    if period.grain is not Grain.QUARTER:
        raise PeriodError("services are released by quarter (e.g. 2026Q3)")
    tables = unpacked(session, staff_release(session, period, settings))
    frame = tables.get_table(session, "services")
    if scope.type_id is not None:
        frame = frame[frame["type_id"] == scope.type_id]
    if scope.district_id is not None:
        frame = frame[frame["district_id"] == scope.district_id]
    return staff_view(frame.copy(), period, settings.k_staff)
