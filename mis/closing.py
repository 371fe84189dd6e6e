"""Recognition certificates and interface-meeting scorecards, from the scoring engine.

A certificate goes to a stakeholder whose whole interval lies above its type's mean with at
least k_staff raters — the best-practice rule of the engine, nothing looser. A scorecard for
a community interface meeting (the CARE Community Score Card practice) shows one stakeholder's
quarter as bands, never exact figures, against its type's mean; every part of it needs
k_staff raters, and its comments are the approved, moderated ones only. Both are refused with
`NotEligible` otherwise, so no caller can print what the privacy rules hide.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from flask import render_template
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Action, ActionStatus, Stakeholder

from . import published, queries
from .dashboard.labels import DIMENSIONS, type_names
from .engine import Settings
from .periods import Period

LANGUAGES = ("en", "bn", "hi")
# Five bands of twenty points: what a meeting can discuss without anyone reading a number
# as a verdict on one survivor's answers.
BANDS = [
    (80, _l("Very good")),
    (60, _l("Good")),
    (40, _l("Fair")),
    (20, _l("Poor")),
    (0, _l("Very poor")),
]
COMPARISON = {
    "above": _l("Better than most"),
    "same": _l("About the same as most"),
    "below": _l("Worse than most"),
}


class NotEligible(Exception):
    """The stakeholder may not have this document for this period (the reason is shown)."""


def band(score: float) -> str:
    return next(str(label) for floor, label in BANDS if score >= floor)


def compare(low: float, high: float, type_mean: float) -> str:
    """Against the type's mean, by the interval: a difference the interval cannot rule out
    is "about the same"."""
    if low > type_mean:
        return "above"
    if high < type_mean:
        return "below"
    return "same"


def _comparison(row: pd.Series) -> str:
    return str(COMPARISON[compare(row["score_low"], row["score_high"], row["type_mean"])])


def recognised(session: Session, period: Period, settings: Settings) -> pd.DataFrame:
    """The period's best performers of each type (interval above type mean, n ≥ k_staff)."""
    return published.best_practice(session, period, settings).frame


def _row(session: Session, period: Period, settings: Settings, stakeholder_id: int) -> pd.Series:
    table = published.league_table(session, period, settings).frame
    row = table[table["stakeholder_id"] == stakeholder_id]
    if row.empty or bool(row.iloc[0]["suppressed"]):
        raise NotEligible(
            _(
                "Fewer than %(k)s survivors rated this stakeholder in %(period)s.",
                k=settings.k_staff,
                period=period.label,
            )
        )
    return row.iloc[0]


def certificate_context(
    session: Session, period: Period, settings: Settings, stakeholder_id: int
) -> dict:
    _row(session, period, settings, stakeholder_id)  # refuses below the threshold first
    chosen = recognised(session, period, settings)
    row = chosen[chosen["stakeholder_id"] == stakeholder_id]
    if row.empty:
        raise NotEligible(
            _("This stakeholder is not above its type's mean in %(period)s.", period=period.label)
        )
    stakeholder = session.get(Stakeholder, stakeholder_id)
    names, months = {}, {}
    for lang in ("bn", "en"):
        with force_locale(lang):
            names[lang] = type_names(session)[row.iloc[0]["type"]]
            months[lang] = (
                f"{format_date(period.first, 'LLLL')} – {format_date(period.last, 'LLLL y')}"
            )
    return {
        "stakeholder": stakeholder,
        "type_names": names,
        "months": months,
        "period": period,
        "n": int(row.iloc[0]["n_raters"]),
        "today": dt.date.today(),
    }


def _month_end(month: dt.date) -> dt.date:
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def scorecard_context(
    session: Session, period: Period, settings: Settings, stakeholder_id: int
) -> dict:
    row = _row(session, period, settings, stakeholder_id)
    dims = published.dimension_scores(session, period, settings).frame
    dims = dims[dims["stakeholder_id"] == stakeholder_id]
    dimensions = []
    for code, label in DIMENSIONS.items():
        part = dims[dims["dimension"] == code]
        if part.empty or bool(part.iloc[0]["suppressed"]):
            dimensions.append({"label": str(label), "band": None})
            continue
        d = part.iloc[0]
        dimensions.append(
            {
                "label": str(label),
                "band": band(d["score"]),
                "type_band": band(d["type_mean"]),
                "comparison": _comparison(d),
            }
        )
    comments = queries.approved_comments(session, period, [stakeholder_id])
    since = period.first - dt.timedelta(days=365)
    # Up to the end of the period: an action agreed after it was not "agreed earlier" for a
    # meeting about it (a 2026Q3 scorecard listed one of November).
    until = _month_end(period.last)
    actions = session.scalars(
        select(Action)
        .where(
            Action.stakeholder_id == stakeholder_id,
            Action.taken_on >= since,
            Action.taken_on <= until,
        )
        .order_by(Action.status, Action.taken_on.desc())
    ).all()
    return {
        "stakeholder": session.get(Stakeholder, stakeholder_id),
        "type": type_names(session)[row["type"]],
        "period": period,
        "overall": {
            "band": band(row["score"]),
            "type_band": band(row["type_mean"]),
            "comparison": _comparison(row),
        },
        "dimensions": dimensions,
        "comments": list(comments.get("moderated", [])),
        "agreed": [a for a in actions if a.status is ActionStatus.AGREED],
        "done": [a for a in actions if a.status is ActionStatus.DONE],
        "k": settings.k_staff,
        "bands": [str(label) for _floor, label in BANDS],
    }


def _pdf(template: str, lang: str, **context) -> bytes:  # type: ignore[no-untyped-def]
    from weasyprint import HTML  # loads Pango: only these documents need it

    with force_locale(lang):
        html = render_template(template, lang=lang, format_date=format_date, **context)
    return HTML(string=html).write_pdf()


def certificate_pdf(
    session: Session, period: Period, settings: Settings, stakeholder_id: int
) -> bytes:
    """A bilingual (Bengali and English) certificate; raises NotEligible."""
    context = certificate_context(session, period, settings, stakeholder_id)
    return _pdf("mis/certificate.html", "en", **context)


def scorecard_pdf(
    session: Session, period: Period, settings: Settings, stakeholder_id: int, lang: str
) -> bytes:
    """The interface-meeting scorecard in `lang`; raises NotEligible."""
    with force_locale(lang):
        context = scorecard_context(session, period, settings, stakeholder_id)
    return _pdf("mis/scorecard.html", lang, **context)
