"""Summaries computed from a release's *shown* cells only: best practice, most improved, the
district × type heatmap, trend lines and the headline cards — so none can reveal a hidden cell."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from .. import metrics, queries, releases
from ..engine import Settings
from ..periods import Period
from ..privacy import StaffView
from ..queries import EVERYWHERE, Scope
from .reading import flags, preload, released_quarter, staff_view
from .staff import all_item_means, indicators, league_table


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
        ~flags(items["suppressed"]) & items["stakeholder_id"].isin(chosen["stakeholder_id"])
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
    return staff_view(chosen, period, settings.k_staff)


def _change(  # type: ignore[no-untyped-def]
    pick, session: Session, period: Period, settings: Settings, scope: Scope, table
) -> StaffView:
    """The rises or falls (`pick`: metrics.most_improved or most_declined) of a shown score
    against the previous quarter's shown score."""
    table = (table or league_table(session, period, settings, scope)).frame
    frame = table.rename(columns={"n_raters": "n"}).assign(
        previous_n=np.where(table["previous_score"].notna(), settings.k_staff, 0)
    )
    chosen = pick(frame, settings.k_staff).rename(columns={"n": "n_raters"})
    return staff_view(chosen, period, settings.k_staff)


def most_improved(
    session: Session,
    period: Period,
    settings: Settings,
    scope: Scope = EVERYWHERE,
    table: StaffView | None = None,
) -> StaffView:
    """The largest rises of a shown score against the previous quarter's shown score."""
    return _change(metrics.most_improved, session, period, settings, scope, table)


def most_declined(
    session: Session,
    period: Period,
    settings: Settings,
    scope: Scope = EVERYWHERE,
    table: StaffView | None = None,
) -> StaffView:
    """The largest falls of a shown score against the previous quarter's shown score."""
    return _change(metrics.most_declined, session, period, settings, scope, table)


def shown_area(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
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
    area = shown_area(table, ["district_id", "district", "type_id", "type"])
    return staff_view(area.assign(suppressed=False), period, settings.k_staff)


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
        parts.append(shown_area(table, ["type_id", "type"]).assign(quarter=label))
    frame = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["quarter", "type_id", "type", "n_raters", "score"])
    )
    return staff_view(frame, period, settings.k_staff)


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
    return staff_view(pd.DataFrame([row]), period, settings.k_staff)
