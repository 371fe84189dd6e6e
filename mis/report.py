"""The quarterly MIS report as a PDF, in English or Bengali, for staff or for funders.

Built from the same engine results as the dashboard, rendered from HTML by WeasyPrint, whose
Pango/HarfBuzz text shaping sets Bengali conjuncts and vowel signs correctly. Charts are
plain SVG drawn in the template, so the report needs no browser or image service.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from flask import render_template
from flask_babel import force_locale, format_date, format_decimal, format_percent
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from . import published
from .dashboard.labels import district_names, item_names, label_service_cells, type_names
from .engine import Settings
from .periods import Period, PeriodError
from .privacy import PrivacyError, require_funder, require_staff

AUDIENCES = ("staff", "funder")
LANGUAGES = ("en", "bn")


def _records(frame: pd.DataFrame) -> list[dict]:
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def report_context(
    session: Session, period: Period, audience: str, settings: Settings, lang: str = "en"
) -> dict:
    """Everything the template shows, from released results only."""
    names = type_names(session)
    context: dict = {
        "period": period,
        "audience": audience,
        "names": names,
        "k_staff": settings.k_staff,
        "k_funder": settings.k_funder,
        "generated": dt.date.today(),
    }
    if audience == "funder":
        summary = require_funder(published.funder_summary(session, period, settings))
        trend = require_funder(published.funder_trend(session, period, settings))
        places = district_names(session, lang)
        frame = summary.frame.assign(district=summary.frame["district"].map(places))
        context["summary"] = _records(frame)
        context["trend"] = _trend_rows(trend.frame)
        context["totals"] = {
            "all": (summary.totals or {}).get("all"),
            "district": {
                places.get(k, k): v for k, v in (summary.totals or {}).get("district", {}).items()
            },
        }
        return context
    head = require_staff(published.overview(session, period, settings)).frame.iloc[0]
    league = require_staff(published.league_table(session, period, settings))
    table = league.frame
    if lang == "bn":  # stakeholders' own Bengali spellings, where the registry has them
        table = table.assign(stakeholder=table["stakeholder_bn"].fillna(table["stakeholder"]))
    tables = {}
    for kind, part in table[table["rank"].notna()].groupby("type", sort=False):
        tables[kind] = _records(part.sort_values("rank").head(10))
    best = require_staff(published.best_practice(session, period, settings, table=league)).frame
    items = item_names(session)
    best = best.assign(
        strongest=[", ".join(items.get(i, i) for i in codes) for codes in best["strongest_items"]]
    )
    improved = require_staff(published.most_improved(session, period, settings, table=league)).frame
    declined = require_staff(published.most_declined(session, period, settings, table=league)).frame
    trend = require_staff(published.trend(session, period, settings)).frame
    context.update(
        headline=head.to_dict(),
        tables=tables,
        best=_records(best),
        improved=_records(improved),
        declined=_records(declined),
        trend=_trend_rows(trend),
        failed=_failed(session, period, settings),
    )
    return context


def _trend_rows(frame: pd.DataFrame) -> dict:
    """Type → [(quarter, score or None)], the quarters in order: hidden quarters stay blank."""
    if frame.empty:
        return {"quarters": [], "rows": {}}
    quarters = sorted({int(q) for q in frame["quarter"]})
    rows = {}
    for kind, part in frame.groupby("type", sort=False):
        scores = {int(q): s for q, s in zip(part["quarter"], part["score"], strict=True)}
        rows[kind] = [None if pd.isna(scores.get(q)) else scores.get(q) for q in quarters]
    labels = [f"{q // 10}Q{q % 10}" for q in quarters]
    return {"quarters": labels, "rows": rows}


def _failed(session: Session, period: Period, settings: Settings) -> list[dict]:
    """The services least often met: shown service cells of the quarter, worst first (the
    dashboard's own labelling, in the report's language: it runs under force_locale)."""
    try:
        cells = published.services(session, period, settings).frame
    except (PeriodError, published.NotReleased):
        return []
    cells = cells[~cells["suppressed"].astype(bool) & cells["share_not"].notna()]
    if cells.empty:
        return []
    worst = cells.sort_values(["share_not", "n_raters"], ascending=[False, False]).head(10)
    return _records(label_service_cells(session, worst))


def check_released(session: Session, period: Period, audience: str, settings: Settings) -> None:
    """Raise NotReleased (or PrivacyError) now, before a job is queued for nothing."""
    if audience == "funder":
        require_funder(published.funder_summary(session, period, settings))
    else:
        require_staff(published.overview(session, period, settings))


def build_report(
    session: Session, period: Period, lang: str, audience: str, settings: Settings
) -> bytes:
    """Render the report to PDF bytes in `lang` for `audience`."""
    from weasyprint import HTML  # imported here: it loads Pango, which only reports need

    if audience not in AUDIENCES or lang not in LANGUAGES:
        raise ValueError("audience must be staff or funder, language en or bn")
    if audience == "funder" and not period.whole_quarters:
        raise PrivacyError("funder reports are by quarter or longer")
    with force_locale(lang):
        context = report_context(session, period, audience, settings, lang)
        html = render_template(
            "mis/report.html",
            lang=lang,
            title=_("Awaaz MIS report"),
            format_date=format_date,
            format_decimal=format_decimal,
            format_percent=format_percent,
            **context,
        )
    return HTML(string=html).write_pdf()
