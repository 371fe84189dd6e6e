"""The Dash MIS inside the Flask app: staff at /mis/, funders at /mis/funder/.

Built per Flask app by `init_dashboard(server)` (so an app factory can be called many times),
with callbacks registered on each Dash instance, never the global `dash.callback`. Layouts are
functions, so gettext runs in the locale of each request. Access is decided by the shell's
access table before any Dash route runs.
"""

from __future__ import annotations

from pathlib import Path

from dash import Dash, Input, Output, State, dcc, html, no_update
from flask import Flask, has_request_context, request, url_for
from flask_babel import gettext as _

from models import StakeholderType
from models.database import db

from ..periods import PeriodError
from ..published import NotReleased
from . import filters as flt
from . import tabs
from .funder import init_funder_dashboard
from .labels import type_names

ASSETS = Path(__file__).parent / "assets"
TABS = ["overview", "league", "funnel", "profile", "services", "heatmap", "best"]


def _tab_labels() -> dict[str, str]:
    return {
        "overview": _("Overview"),
        "league": _("League tables"),
        "funnel": _("Funnel plot"),
        "profile": _("Stakeholder"),
        "services": _("Services"),
        "heatmap": _("Heatmap"),
        "best": _("Best practice"),
    }


def for_dashboard() -> bool:
    """True inside a request for the MIS itself.

    Dash builds the layout once on the first request to *any* route of the server, to check
    it; that must not make a survivor's page run the dashboard's queries, so outside /mis/
    the layout functions return the same components without data.
    """
    return has_request_context() and request.path.startswith("/mis")


def layout() -> html.Div:
    live = for_dashboard()
    session = db.session
    periods = flt.period_options(session) if live else []
    names = type_names(session) if live else {}
    lang_links = [
        html.A(label, href=url_for("staff.set_language", lang=code, next="/mis/"))
        for code, label in (("en", "English"), ("bn", "বাংলা"))
    ]
    return html.Div(
        [
            html.Header(
                [
                    html.H1(_("Awaaz MIS")),
                    html.Nav(
                        [*lang_links, html.A(_("Staff console"), href=url_for("staff.index"))]
                    ),
                ],
                className="top",
            ),
            html.Div(
                [
                    html.Label(
                        [
                            _("Period"),
                            dcc.Dropdown(
                                id="period",
                                options=periods,
                                value=flt.default_period(periods),
                                clearable=False,
                            ),
                        ]
                    ),
                    html.Label(
                        [
                            _("Type"),
                            dcc.Dropdown(
                                id="type",
                                options=flt.type_options(session, names) if live else [],
                                placeholder=_("All types"),
                            ),
                        ]
                    ),
                    html.Label(
                        [
                            _("District"),
                            dcc.Dropdown(
                                id="district",
                                options=flt.district_options(session) if live else [],
                                placeholder=_("All districts"),
                            ),
                        ]
                    ),
                    html.Label([_("Block"), dcc.Dropdown(id="block", placeholder=_("All blocks"))]),
                ],
                className="filters",
            ),
            html.Div(id="downloads", className="downloads"),
            dcc.Tabs(
                id="tab",
                value="overview",
                children=[
                    dcc.Tab(label=label, value=value) for value, label in _tab_labels().items()
                ],
            ),
            html.Div(
                dcc.Dropdown(id="stakeholder", placeholder=_("Choose a stakeholder")),
                id="stakeholder-picker",
                hidden=True,
            ),
            dcc.Loading(html.Div(id="tab-body", className="body")),
        ],
        className="mis",
    )


def register_callbacks(app: Dash) -> None:
    filter_inputs = [
        Input("period", "value"),
        Input("type", "value"),
        Input("district", "value"),
        Input("block", "value"),
    ]

    @app.callback(Output("block", "options"), Output("block", "value"), Input("district", "value"))
    def blocks(district):  # type: ignore[no-untyped-def]
        return flt.block_options(db.session, district), None

    @app.callback(
        Output("tab-body", "children"),
        Input("tab", "value"),
        Input("stakeholder", "value"),
        *filter_inputs,
    )
    def render(tab, stakeholder, period, type_id, district, block):  # type: ignore[no-untyped-def]
        chosen = flt.build(period, type_id, district, block, None)
        if chosen is None:
            return html.P(_("No ratings yet."))
        try:
            if tab == "profile":
                body = tabs.profile(db.session, chosen, stakeholder)
            else:
                name = {"league": "league", "funnel": "funnel", "heatmap": "heatmap"}.get(tab, tab)
                body = getattr(tabs, name if name in TABS else "overview")(db.session, chosen)
        except (NotReleased, PeriodError):
            return html.P(
                _("No figures for this period yet: figures appear once a period has ended."),
                className="warn",
            )
        return [tabs.release_line(db.session, chosen.period), *body]

    @app.callback(Output("stakeholder-picker", "hidden"), Input("tab", "value"))
    def show_picker(tab):  # type: ignore[no-untyped-def]
        return tab != "profile"

    # The options follow the filters whatever the tab, so that a row clicked in the league
    # table names a stakeholder the picker already knows (a dropdown drops unknown values).
    @app.callback(Output("stakeholder", "options"), *filter_inputs)
    def picker(period, type_id, district, block):  # type: ignore[no-untyped-def]
        chosen = flt.build(period, type_id, district, block, None)
        return [] if chosen is None else tabs.stakeholder_options(db.session, chosen)

    @app.callback(
        Output("tab", "value"),
        Output("stakeholder", "value"),
        Input("league-grid", "cellClicked"),
        State("league-grid", "virtualRowData"),
        prevent_initial_call=True,
    )
    def open_profile(cell, rows):  # type: ignore[no-untyped-def]
        if not cell or not rows or cell.get("rowIndex") is None:
            return no_update, no_update
        return "profile", rows[cell["rowIndex"]]["stakeholder_id"]

    @app.callback(
        Output("tab", "value", allow_duplicate=True),
        Output("stakeholder", "value", allow_duplicate=True),
        Input("funnel-graph", "clickData"),
        prevent_initial_call=True,
    )
    def open_from_funnel(click):  # type: ignore[no-untyped-def]
        """A dot of the funnel plot opens that stakeholder's profile."""
        point = (click or {}).get("points", [{}])[0]
        if point.get("customdata") is None:
            return no_update, no_update
        return "profile", int(point["customdata"])

    @app.callback(
        Output("tab", "value", allow_duplicate=True),
        Output("district", "value", allow_duplicate=True),
        Output("type", "value", allow_duplicate=True),
        Input("area-heatmap", "clickData"),
        prevent_initial_call=True,
    )
    def open_from_heatmap(click):  # type: ignore[no-untyped-def]
        """A cell of the district × type heatmap opens the league table of that cell."""
        point = (click or {}).get("points", [{}])[0]
        cell = point.get("customdata")
        if not isinstance(cell, str) or "|" not in cell:
            return no_update, no_update, no_update
        district, kind = (int(part) for part in cell.split("|", 1))
        return "league", district, kind

    @app.callback(
        Output("league-grid", "dashGridOptions"),
        Input("grid-search", "value"),
        State("league-grid", "dashGridOptions"),
        prevent_initial_call=True,
    )
    def search(text, options):  # type: ignore[no-untyped-def]
        return {**(options or {}), "quickFilterText": text or ""}

    @app.callback(Output("downloads", "children"), *filter_inputs)
    def downloads(period, type_id, district, block):  # type: ignore[no-untyped-def]
        if not period:
            return []
        query = f"?period={period}" + (f"&district={district}" if district else "")
        if type_id:
            kind = db.session.get(StakeholderType, type_id)
            query += f"&type={kind.code}" if kind else ""
        links = [
            (_("League table (CSV)"), f"/mis/export/league-table.csv{query}"),
            (_("League table (Excel)"), f"/mis/export/league-table.xlsx{query}"),
            (_("Funder summary (CSV)"), f"/mis/export/funder-summary.csv{query}"),
            (_("Quarterly report (PDF)"), f"/mis/report.pdf?period={period}"),
        ]
        return [html.A(label, href=href, className="download") for label, href in links]


def init_dashboard(server: Flask) -> Dash:
    app = Dash(
        __name__,
        server=server,
        url_base_pathname="/mis/",
        assets_folder=str(ASSETS),
        title="Awaaz MIS",
        suppress_callback_exceptions=True,
        serve_locally=True,
        update_title=None,
    )
    app.layout = layout
    register_callbacks(app)
    funder = init_funder_dashboard(server)
    server.extensions["awaaz_dash"] = app
    server.extensions["awaaz_funder_dash"] = funder
    return app


__all__ = ["init_dashboard", "layout", "register_callbacks"]
