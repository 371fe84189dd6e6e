"""The scoring and privacy engine: queries → metrics → a released, audience-checked result.

Every public function returns a StaffView or a FunderView; nothing else in `mis` hands data
to a page, an export or an API.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from models import settings as programme

from . import metrics, queries
from .periods import Period
from .privacy import FunderView, StaffView, for_funder, for_staff
from .queries import EVERYWHERE, Scope

# n_raters is hidden too: even "2 survivors rated you" can point an official at them.
LEAGUE_FIGURES = [
    "n_raters",
    "ratings",
    "score",
    "score_low",
    "score_high",
    "mean_raw",
    "change",
    "previous_score",
    "rank",
    "rank_low",
    "rank_high",
]


LEAGUE_COLUMNS = [
    "stakeholder_id",
    "stakeholder",
    "stakeholder_bn",
    "type_id",
    "type",
    "type_label",
    "district_id",
    "district",
    "block_id",
    "block",
    "type_mean",
    "type_variance",
    *LEAGUE_FIGURES,
]


FUNDER_SUMMARY_COLUMNS = [
    "district",
    "type",
    "n_raters",
    "score",
    "share_helped",
    "share_money",
    "median_days",
]


@dataclass(frozen=True)
class Settings:
    """The thresholds in force (AWAAZ_K_STAFF, AWAAZ_K_FUNDER, AWAAZ_PRIOR_WEIGHT)."""

    k_staff: int = 5
    k_funder: int = 11
    prior_weight: float = 5.0

    @classmethod
    def from_config(cls, config, session: Session | None = None) -> Settings:  # type: ignore[no-untyped-def]
        """The settings of a Flask app's configuration, raised by an admin's where higher.

        The environment's thresholds are floors: a setting saved in the database can make
        suppression stricter, never looser.
        """
        k_staff, k_funder = config["AWAAZ_K_STAFF"], config["AWAAZ_K_FUNDER"]
        if session is not None:
            k_staff = max(k_staff, programme.read_int(session, programme.K_STAFF))
            k_funder = max(k_funder, programme.read_int(session, programme.K_FUNDER))
        return cls(
            k_staff=k_staff,
            k_funder=max(k_funder, k_staff),
            prior_weight=config["AWAAZ_PRIOR_WEIGHT"],
        )


def _estimates(session: Session, period: Period, scope: Scope, m: float) -> pd.DataFrame:
    sums = queries.rater_sums(session, period, scope)
    directory = queries.stakeholder_directory(session, scope)
    frame = sums.merge(directory, on="stakeholder_id")
    if frame.empty:
        return frame
    return metrics.shrunk_scores(frame, m)


def league_table(
    session: Session, period: Period, settings: Settings, scope: Scope = EVERYWHERE
) -> StaffView:
    """Every rated stakeholder in scope: shrunk score, interval, rank band, change.

    Ranks are given only among stakeholders with at least k_staff raters: ranking among
    hidden scores would let a rank betray them.
    """
    current = _estimates(session, period, scope, settings.prior_weight)
    if current.empty:  # nobody rated: the same columns, no rows
        return for_staff(
            pd.DataFrame(columns=LEAGUE_COLUMNS), period, settings.k_staff, LEAGUE_FIGURES
        )
    previous = _estimates(session, period.previous(), scope, settings.prior_weight)
    if previous.empty:
        previous = pd.DataFrame(columns=["stakeholder_id", "score", "n"])
    frame = metrics.with_change(current, previous)
    # A change is shown only where both periods clear the threshold.
    frame.loc[frame["previous_n"].fillna(0) < settings.k_staff, ["change", "previous_score"]] = None
    shown = frame[frame["n"] >= settings.k_staff]
    ranked = (
        metrics.rank_bands(shown)
        if not shown.empty
        else shown.assign(rank=[], rank_low=[], rank_high=[])
    )
    frame = frame.merge(
        ranked[["stakeholder_id", "rank", "rank_low", "rank_high"]], on="stakeholder_id", how="left"
    )
    frame = frame.rename(columns={"n": "n_raters"}).sort_values(
        ["type", "rank", "stakeholder"], na_position="last"
    )
    return for_staff(frame, period, settings.k_staff, LEAGUE_FIGURES)


def dimension_scores(
    session: Session, period: Period, settings: Settings, scope: Scope = EVERYWHERE
) -> StaffView:
    """Respect, responsiveness, integrity, confidentiality per stakeholder, shrunk alike."""
    sums = queries.dimension_sums(session, period, scope)
    directory = queries.stakeholder_directory(session, scope)[["stakeholder_id", "type_id"]]
    frame = sums.merge(directory, on="stakeholder_id")
    if frame.empty:
        out = frame.assign(n_raters=[], score=[])
    else:
        frame["type_dimension"] = frame["type_id"].astype(str) + ":" + frame["dimension"]
        out = metrics.shrunk_scores(frame, settings.prior_weight, by="type_dimension")
        out = out.rename(columns={"n": "n_raters"})
    return for_staff(
        out, period, settings.k_staff, ["score", "score_low", "score_high", "mean_raw"]
    )


def indicators(
    session: Session, period: Period, settings: Settings, scope: Scope = EVERYWHERE
) -> StaffView:
    """Share fully helped, share asked for money, median days, per stakeholder."""
    values = queries.service_indicators(session, period, scope)
    raters = queries.rater_sums(session, period, scope)[["stakeholder_id", "n"]]
    frame = values.merge(
        raters.rename(columns={"n": "n_raters"}), on="stakeholder_id", how="left"
    ).fillna({"n_raters": 0})
    return for_staff(
        frame, period, settings.k_staff, ["share_helped", "share_money", "median_days"]
    )


def funnel(
    session: Session, period: Period, settings: Settings, scope: Scope = EVERYWHERE
) -> tuple[StaffView, pd.DataFrame]:
    """Points (hidden below k_staff) and the type's control limits."""
    sums = queries.rater_sums(session, period, scope)
    frame = sums.merge(queries.stakeholder_directory(session, scope), on="stakeholder_id")
    if frame.empty:
        return for_staff(frame.assign(n_raters=[]), period, settings.k_staff, []), frame
    points, limits = metrics.funnel(frame)
    points = points.rename(columns={"n": "n_raters"})
    points = points[points["n_raters"] >= settings.k_staff]
    return for_staff(points, period, settings.k_staff, ["mean_raw"]), limits


def best_practice(
    session: Session,
    period: Period,
    settings: Settings,
    scope: Scope = EVERYWHERE,
    table: StaffView | None = None,
) -> StaffView:
    """Stakeholders whose interval lies above their type mean, with their strongest items.

    Pass the period's league table when you have it, so it is not computed again.
    """
    table = (table or league_table(session, period, settings, scope)).frame
    chosen = metrics.best_practice(
        table.rename(columns={"n_raters": "n"}), settings.k_staff
    ).rename(columns={"n": "n_raters"})
    ids = chosen["stakeholder_id"].astype(int).tolist()
    items = queries.item_means(session, period, ids)
    if not items.empty:
        items = items.merge(chosen[["stakeholder_id", "type_id"]], on="stakeholder_id")
        type_ids = sorted({int(t) for t in chosen["type_id"]})
        yardstick = queries.item_type_means(session, period, type_ids)
        strongest = metrics.strongest_items(items, type_means=yardstick)
        grouped = strongest.groupby("stakeholder_id")["item_code"].apply(list)
        chosen = chosen.join(grouped.rename("strongest_items"), on="stakeholder_id")
    comments = queries.approved_comments(session, period, ids, good_practice_only=True)
    if not comments.empty:
        quotes = comments.groupby("stakeholder_id")["moderated"].apply(list)
        chosen = chosen.join(quotes.rename("quotes"), on="stakeholder_id")
    for column in ("strongest_items", "quotes"):  # always lists, empty where there are none
        values = (
            chosen[column]
            if column in chosen
            else pd.Series([None] * len(chosen), index=chosen.index)
        )
        chosen[column] = [v if isinstance(v, list) else [] for v in values]
    return for_staff(chosen, period, settings.k_staff, ["score", "score_low", "score_high"])


def most_improved(
    session: Session,
    period: Period,
    settings: Settings,
    scope: Scope = EVERYWHERE,
    table: StaffView | None = None,
) -> StaffView:
    """The largest rises against the previous period (the league table may be passed in)."""
    table = (table or league_table(session, period, settings, scope)).frame
    frame = table.rename(columns={"n_raters": "n"})
    chosen = metrics.most_improved(frame, settings.k_staff).rename(columns={"n": "n_raters"})
    return for_staff(chosen, period, settings.k_staff, ["score", "change"])


def _names(session: Session, frame: pd.DataFrame) -> pd.DataFrame:
    directory = queries.stakeholder_directory(session)
    types = directory.drop_duplicates("type_id").set_index("type_id")["type"]
    out = frame.assign(type=frame["type_id"].map(types))
    if "district_id" in frame:
        districts = directory.drop_duplicates("district_id").set_index("district_id")
        out["district"] = frame["district_id"].map(districts["district"])
    return out


def _area_frame(session: Session, period: Period, scope: Scope) -> pd.DataFrame:
    sums = queries.area_sums(session, period, scope)
    if sums.empty:
        return sums.assign(score=[], type=[], district=[])
    return _names(session, sums).assign(score=sums["sum_s"] / sums["n"])


def _trend_frame(session: Session, span: Period, scope: Scope) -> pd.DataFrame:
    sums = queries.trend_sums(session, span, scope)
    if sums.empty:
        return sums.assign(score=[], type=[])
    return _names(session, sums).assign(score=sums["sum_s"] / sums["n"])


def area_summary(
    session: Session, period: Period, settings: Settings, scope: Scope = EVERYWHERE
) -> StaffView:
    """Type × district for one period: raters, mean score and the service indicators."""
    frame = _area_frame(session, period, scope)
    if not frame.empty:
        frame = frame.merge(
            queries.area_indicators(session, period, scope),
            on=["district_id", "type_id"],
            how="left",
        )
    return for_staff(
        frame, period, settings.k_staff, ["score", "share_helped", "share_money", "median_days"]
    )


def trend(
    session: Session,
    period: Period,
    settings: Settings,
    scope: Scope = EVERYWHERE,
    quarters: int = 8,
) -> StaffView:
    """Mean score per quarter and type over the `quarters` quarters ending with `period`."""
    span = _span(period, quarters)
    return for_staff(_trend_frame(session, span, scope), span, settings.k_staff, ["score"])


def _span(period: Period, quarters: int) -> Period:
    """The `quarters` whole quarters ending with `period`'s last quarter, as one period."""
    span = period.last_quarters(quarters)
    return Period(span[0].grain, span[0].first, span[-1].last)


def funder_summary(
    session: Session, period: Period, settings: Settings, scope: Scope = EVERYWHERE
) -> FunderView:
    """District × type for funders: raters and indicators, k_funder and complementary
    suppression, quarter or coarser."""
    frame = _area_frame(session, period, scope)
    if frame.empty:
        frame = frame.assign(district=[], type=[], share_helped=[], share_money=[], median_days=[])
    else:
        frame = frame.merge(
            queries.area_indicators(session, period, scope),
            on=["district_id", "type_id"],
            how="left",
        )
    return for_funder(
        frame[FUNDER_SUMMARY_COLUMNS],
        period,
        settings.k_funder,
        ["score", "share_helped", "share_money", "median_days"],
    )


HEADLINE_FIGURES = [
    "ratings",
    "n_raters",
    "stakeholders",
    "mean_score",
    "share_helped",
    "share_money",
]


def _headline(session: Session, period: Period, scope: Scope) -> dict:
    head = queries.headline(session, period, scope).iloc[0].astype(float).to_dict()
    # The mean over (stakeholder, rater) pairs; for a quarter, straight from the derived sums.
    sums = queries.rater_sums(session, period, scope)
    head["mean_score"] = sums["sum_s"].sum() / sums["n"].sum() if len(sums) else float("nan")
    return head


def overview(
    session: Session, period: Period, settings: Settings, scope: Scope = EVERYWHERE
) -> StaffView:
    """Headline figures for a period, each with its change against the previous period.

    A change is given only when the previous period also had at least k_staff raters.
    """
    current = _headline(session, period, scope)
    previous = _headline(session, period.previous(), scope)
    row = dict(current)
    for name in HEADLINE_FIGURES:
        row[f"{name}_change"] = (
            current[name] - previous[name]
            if previous["n_raters"] >= settings.k_staff
            else float("nan")
        )
    figures = HEADLINE_FIGURES + [f"{name}_change" for name in HEADLINE_FIGURES]
    return for_staff(pd.DataFrame([row]), period, settings.k_staff, figures)


def funder_trend(
    session: Session,
    period: Period,
    settings: Settings,
    scope: Scope = EVERYWHERE,
    quarters: int = 8,
) -> FunderView:
    """Mean score by quarter and type for funders: k_funder and complementary suppression."""
    span = _span(period, quarters)
    raw = _trend_frame(session, span, scope)
    return for_funder(
        raw[["quarter", "type", "n_raters", "score"]],
        span,
        settings.k_funder,
        ["score"],
        rows="quarter",
        columns="type",
    )
