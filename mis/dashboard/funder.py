"""The funder view at /mis/funder/: quarterly, k_funder-suppressed, nothing else.

Everything here comes from FunderView results; no staff result is reachable from this app.
"""

from __future__ import annotations

import pandas as pd
from dash import Dash, Input, Output, dcc, html
from flask import Flask, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from models.database import db

from .. import figures, published
from ..periods import PeriodError
from ..privacy import require_funder
from . import filters as flt
from .labels import district_names, localise_places, type_names
from .tabs import release_line


def funder_tables(session, period_text: str) -> list:  # type: ignore[no-untyped-def]
    period = flt.Period.parse(period_text)
    settings = flt.settings()
    summary = require_funder(published.funder_summary(session, period, settings))
    trend = require_funder(published.funder_trend(session, period, settings))
    names = type_names(session)
    frame = localise_places(session, summary.frame).assign(type=summary.frame["type"].map(names))
    # A blank says why it is blank: ¹ too few survivors, ² hidden to protect another cell.
    marks = {"few": "—¹", "linked": "—²"}
    blank = [marks.get(r, "—") for r in frame["reason"]]

    def shown_as(values, form):  # type: ignore[no-untyped-def]
        return [b if pd.isna(v) else form.format(v) for v, b in zip(values, blank, strict=True)]

    shown = frame.assign(
        n_raters=shown_as(frame["n_raters"], "{:.0f}"),
        score=shown_as(frame["score"], "{:.0f}"),
        share_helped=shown_as(frame["share_helped"], "{:.0%}"),
        share_money=shown_as(frame["share_money"], "{:.0%}"),
    )
    columns = {
        "district": _("District"),
        "type": _("Type"),
        "n_raters": _("Survivors"),
        "score": _("Mean score"),
        "share_helped": _("Fully helped"),
        "share_money": _("Asked for money"),
    }
    table = html.Table(
        [
            html.Thead(html.Tr([html.Th(label) for label in columns.values()])),
            html.Tbody(
                [html.Tr([html.Td(row[c]) for c in columns]) for row in shown.to_dict("records")]
            ),
        ],
        className="plain",
    )
    return [
        release_line(session, period, "funder"),
        _totals(session, period, summary.totals, names),
        table,
        html.Ul(
            [
                html.Li(_("—¹ Fewer than %(k)s survivors rated here.", k=settings.k_funder)),
                html.Li(
                    _(
                        "—² Hidden so that a smaller cell beside it cannot be worked out "
                        "from the totals."
                    )
                ),
            ],
            className="legend",
        ),
        dcc.Graph(
            figure=figures.trend_figure(
                trend.frame.dropna(subset=["score"]),
                _("Mean score by quarter"),
                _("Not enough ratings yet."),
                names,
            ),
            config={"displaylogo": False},
        ),
        html.P(
            [
                html.A(
                    _("Download this summary (CSV)"),
                    href=f"/mis/export/funder-summary.csv?period={period.label}",
                ),
                " · ",
                html.A(
                    _("Quarterly report (PDF)"),
                    href=f"/mis/report/funder.pdf?period={period.label}",
                ),
            ]
        ),
    ]


def _totals(session, period, totals: dict, names: dict) -> html.Div:  # type: ignore[no-untyped-def]
    """Survivors who rated, in all and by district and type, with the change since the
    previous quarter's approved release (both figures published; a withheld total is —)."""
    try:
        before = published.funder_summary(session, period.previous(), flt.settings()).totals
    except published.NotReleased:
        before = {}
    districts = district_names(session)

    def line(label: str, now, then) -> html.Tr:  # type: ignore[no-untyped-def]
        change = "" if now is None or then is None else f"{now - then:+d}"
        return html.Tr(
            [html.Th(label), html.Td("—²" if now is None else str(now)), html.Td(change)]
        )

    rows = [line(_("All districts, all types"), totals.get("all"), before.get("all"))]
    for group, label_of in (("district", lambda d: districts.get(d, d)), ("type", names.get)):
        for key, value in totals.get(group, {}).items():
            rows.append(line(label_of(key) or key, value, before.get(group, {}).get(key)))
    return html.Table(
        [
            html.Caption(_("Survivors who rated")),
            html.Thead(
                html.Tr(
                    [html.Th(""), html.Th(period.label), html.Th(_("Change since last quarter"))]
                )
            ),
            html.Tbody(rows),
        ],
        className="plain totals",
    )


def funder_layout() -> html.Div:
    from . import for_dashboard

    options = flt.funder_period_options(db.session) if for_dashboard() else []
    return html.Div(
        [
            html.Header(
                [
                    html.H1(_("Awaaz: programme summary")),
                    # Signing out is a POST with the CSRF token, as on every staff page (it
                    # was a link to the console, which signed nobody out).
                    html.Nav(
                        html.Form(
                            [
                                dcc.Input(type="hidden", name="csrf_token", value=generate_csrf())
                                if for_dashboard()
                                else None,
                                html.Button(_("Sign out"), type="submit", className="link"),
                            ],
                            method="post",
                            action=url_for("staff.logout"),
                        )
                    ),
                ],
                className="top",
            ),
            html.Label(
                [
                    _("Quarter"),
                    dcc.Dropdown(
                        id="funder-period",
                        options=options,
                        clearable=False,
                        value=options[0]["value"] if options else None,
                    ),
                ]
            ),
            dcc.Loading(html.Div(id="funder-body", className="body")),
        ],
        className="mis",
    )


def init_funder_dashboard(server: Flask) -> Dash:
    from . import ASSETS

    app = Dash(
        __name__ + ".funder",
        server=server,
        url_base_pathname="/mis/funder/",
        assets_folder=str(ASSETS),
        title="Awaaz",
        serve_locally=True,
        suppress_callback_exceptions=True,
        update_title=None,
    )
    app.layout = funder_layout

    @app.callback(Output("funder-body", "children"), Input("funder-period", "value"))
    def render(period):  # type: ignore[no-untyped-def]
        if not period or not isinstance(period, str):
            return html.P(_("No quarter has been released to funders yet."))
        try:
            return funder_tables(db.session, period)
        except (published.NotReleased, PeriodError):
            return html.P(_("No quarter has been released to funders yet."))

    return app
