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
from .labels import localise_places, type_names
from .tabs import how_to_read, release_line


def funder_tables(session, period_text: str) -> list:  # type: ignore[no-untyped-def]
    period = flt.Period.parse(period_text)
    settings = flt.settings()
    summary = require_funder(published.funder_summary(session, period, settings))
    trend = require_funder(published.funder_trend(session, period, settings))
    names = type_names(session)
    frame = localise_places(session, summary.frame).assign(type=summary.frame["type"].map(names))
    shown = frame.assign(
        n_raters=[("—" if pd.isna(v) else f"{v:.0f}") for v in frame["n_raters"]],
        score=[("—" if pd.isna(v) else f"{v:.0f}") for v in frame["score"]],
        share_helped=[("—" if pd.isna(v) else f"{v:.0%}") for v in frame["share_helped"]],
        share_money=[("—" if pd.isna(v) else f"{v:.0%}") for v in frame["share_money"]],
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
        table,
        how_to_read(
            _(
                "Cells marked — rest on fewer than %(k)s survivors, or are hidden so that "
                "such cells cannot be worked out from the totals.",
                k=settings.k_funder,
            )
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
