"""What each dashboard tab shows: engine results turned into components and figures.

These are plain functions of the session and the filters; the Dash callbacks only call them.
"""

from __future__ import annotations

import dash_ag_grid as dag
import pandas as pd
from dash import dcc, html
from flask_babel import format_date, format_decimal, format_percent, get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from models.safeguarding import ACTION_KIND_LABELS, ACTION_STATUS_LABELS, ESCALATION_LABELS

from .. import cache, figures, metrics, published, queries
from ..periods import Grain
from .filters import Filters
from .labels import dimension_names, item_names, type_names


def _cached(name: str, session: Session, *args):  # type: ignore[no-untyped-def]
    """An engine result through the dashboard cache (see mis/cache.py)."""
    return cache.remember(session, name, args, lambda: getattr(published, name)(session, *args))


def release_line(session: Session, period, audience: str = "staff") -> html.P:  # type: ignore[no-untyped-def]
    """Which release the page shows, and when it was made (and approved, for funders)."""
    note = published.release_note(session, period, audience)
    if note is None:
        return html.P()
    text = _(
        "Figures for %(period)s, released on %(built)s. They do not change when new ratings "
        "arrive.",
        period=period.label,
        built=format_date(note["built_at"], "long"),
    )
    if note["approved_at"] is not None:
        text += " " + _("Approved on %(date)s.", date=format_date(note["approved_at"], "long"))
    return html.P(text, className="release", id="release-line")


def how_to_read(text: str) -> html.P:
    return html.P([html.B(_("How to read this: ")), text], className="how")


def _number(value, percent: bool = False) -> str:  # type: ignore[no-untyped-def]
    if value is None or pd.isna(value):
        return "—"
    return format_percent(value, "#,##0%") if percent else format_decimal(value, "#,##0")


def _arrow(change, percent: bool = False) -> str:  # type: ignore[no-untyped-def]
    if change is None or pd.isna(change) or change == 0:
        return ""
    sign = "▲" if change > 0 else "▼"
    return f"{sign} {_number(abs(change), percent)}"


def overview(session: Session, filters: Filters) -> list:
    row = _cached("overview", session, filters.period, filters.settings, filters.scope).frame.iloc[
        0
    ]
    cards = [
        (_("Ratings"), "ratings", False),
        (_("Survivors who rated"), "n_raters", False),
        (_("Stakeholders rated"), "stakeholders", False),
        (_("Mean score"), "mean_score", False),
        (_("Fully helped"), "share_helped", True),
        (_("Asked for money"), "share_money", True),
    ]
    tiles = [
        html.Div(
            [
                html.Div(label, className="card-label"),
                html.Div(_number(row[key], percent), className="card-value"),
                html.Div(_arrow(row[f"{key}_change"], percent), className="card-change"),
            ],
            className="card",
        )
        for label, key, percent in cards
    ]
    note = (
        [
            html.P(
                _(
                    "Fewer than %(k)s survivors rated in this period and place, so no figures "
                    "are shown.",
                    k=filters.settings.k_staff,
                ),
                className="warn",
            )
        ]
        if row["suppressed"]
        else []
    )
    trend = _cached("trend", session, filters.period, filters.settings, filters.scope).frame
    names = type_names(session)
    return [
        *note,
        html.Div(tiles, className="cards"),
        how_to_read(
            _("Each card is this period; the arrow is the change since the period before.")
        ),
        dcc.Graph(
            figure=figures.trend_figure(
                trend, _("Mean score by quarter"), _("No ratings yet."), names
            ),
            config={"displaylogo": False},
        ),
        how_to_read(
            _("One line per type of stakeholder; a gap means too few survivors rated that quarter.")
        ),
    ]


GRID_COLUMNS = [
    "rank",
    "band",
    "stakeholder",
    "type_name",
    "district",
    "block",
    "n_raters",
    "score",
    "interval",
    "change",
    "respect",
    "responsiveness",
    "integrity",
    "confidentiality",
]


def league_rows(session: Session, filters: Filters) -> pd.DataFrame:
    """League table rows with rank bands, intervals, change arrows and dimension scores."""
    table = _cached(
        "league_table", session, filters.period, filters.settings, filters.scope
    ).frame.copy()
    dims = _cached(
        "dimension_scores", session, filters.period, filters.settings, filters.scope
    ).frame
    if not dims.empty:
        wide = dims.pivot_table(index="stakeholder_id", columns="dimension", values="score")
        table = table.join(wide.round(0), on="stakeholder_id")
    names = type_names(session)
    table["type_name"] = table["type"].map(names)
    shown = table["rank"].notna()
    table["band"] = ""
    table.loc[shown, "band"] = [
        f"{int(a)}–{int(b)}" if a != b else f"{int(a)}"
        for a, b in zip(table.loc[shown, "rank_low"], table.loc[shown, "rank_high"], strict=True)
    ]
    table["interval"] = [
        f"{lo:.0f}–{hi:.0f}" if pd.notna(lo) else ""
        for lo, hi in zip(table["score_low"], table["score_high"], strict=True)
    ]
    table["change"] = [_arrow(c) for c in table["change"]]
    table["score"] = table["score"].round(0)
    # A month's row is also hidden when another month of its quarter had too few raters
    # (docs/privacy.md), so for months the grid does not claim "fewer than k".
    too_few = (
        _("hidden")
        if filters.period.grain is Grain.MONTH
        else _("fewer than %(k)s", k=filters.settings.k_staff)
    )
    table["n_raters"] = [str(int(n)) if pd.notna(n) else too_few for n in table["n_raters"]]
    for column in GRID_COLUMNS:
        if column not in table:
            table[column] = None
    return table


def league(session: Session, filters: Filters) -> list:
    rows = league_rows(session, filters)
    dims = dimension_names()
    headers = {
        "rank": _("Rank"),
        "band": _("Rank band"),
        "stakeholder": _("Stakeholder"),
        "type_name": _("Type"),
        "district": _("District"),
        "block": _("Block"),
        "n_raters": _("Raters"),
        "score": _("Score"),
        "interval": _("Interval"),
        "change": _("Change"),
        **dims,
    }
    grid = dag.AgGrid(
        id="league-grid",
        rowData=rows[[*GRID_COLUMNS, "stakeholder_id"]].to_dict("records"),
        columnDefs=[{"field": c, "headerName": headers[c]} for c in GRID_COLUMNS],
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions={"quickFilterText": "", "pagination": True, "paginationPageSize": 25},
        columnSize="autoSize",
        style={"height": "560px"},
    )
    chart_type = rows if filters.scope.type_id else rows.iloc[0:0]
    return [
        dcc.Input(
            id="grid-search",
            type="search",
            placeholder=_("Search the table"),
            debounce=True,
            className="search",
        ),
        *(
            [
                how_to_read(
                    _(
                        "In a month, a stakeholder's figures are hidden when fewer than %(k)s "
                        "survivors rated it in that month or in another month of its quarter.",
                        k=filters.settings.k_staff,
                    )
                )
            ]
            if filters.period.grain is Grain.MONTH
            else []
        ),
        how_to_read(
            _(
                "Ranks are within each type. The band shows the ranks a stakeholder "
                "could hold given its interval: where bands overlap, the difference "
                "may be chance. Click a row to open its profile."
            )
        ),
        grid,
        dcc.Graph(
            figure=figures.interval_chart(
                chart_type,
                _("Scores with their intervals"),
                _("No stakeholder has enough raters.")
                if filters.scope.type_id
                else _("Choose one type to see its stakeholders' intervals."),
            ),
            config={"displaylogo": False},
        ),
        how_to_read(
            _(
                "The dot is the score; the bar is its interval (95%); the dashed line is "
                "the type's mean."
            )
        ),
    ]


def funnel(session: Session, filters: Filters) -> list:
    if not filters.scope.type_id:
        return [
            html.P(_("Choose one type of stakeholder to see its funnel plot."), className="warn")
        ]
    points, limits = _cached("funnel", session, filters.period, filters.settings, filters.scope)
    labels = {
        "95": _("Limits (95%)"),
        "998": _("Limits (99.8%)"),
        "mean": _("Type mean"),
        "points": _("Stakeholders"),
        "x": _("Number of survivors who rated"),
        "y": _("Mean score"),
    }
    return [
        dcc.Graph(
            figure=figures.funnel_figure(
                points.frame,
                limits,
                _("Funnel plot"),
                _("No stakeholder has enough raters."),
                labels,
            ),
            config={"displaylogo": False},
        ),
        how_to_read(
            _(
                "Dots inside the funnel are not really different from the type's "
                "mean, however their rank looks. Dots outside the dotted lines (99.8%) "
                "are very unlikely to differ by chance."
            )
        ),
    ]


def heatmap(session: Session, filters: Filters) -> list:
    area = _cached("area_summary", session, filters.period, filters.settings, filters.scope).frame
    names = type_names(session)
    dims = _cached(
        "dimension_scores", session, filters.period, filters.settings, filters.scope
    ).frame
    by_type = pd.DataFrame()
    if not dims.empty:
        directory = queries.stakeholder_directory(session, filters.scope)
        dims = dims.merge(directory[["stakeholder_id", "type"]], on="stakeholder_id")
        by_type = (
            dims.dropna(subset=["score"])
            .groupby(["type", "dimension"], as_index=False)["score"]
            .mean()
        )
    return [
        dcc.Graph(
            figure=figures.heatmap_figure(
                area,
                "district",
                "type",
                "score",
                _("Mean score by district and type"),
                _("No ratings yet."),
                names,
            ),
            config={"displaylogo": False},
        ),
        how_to_read(
            _(
                "Darker is lower. Blank cells had fewer than %(k)s survivors rating.",
                k=filters.settings.k_staff,
            )
        ),
        dcc.Graph(
            figure=figures.heatmap_figure(
                by_type,
                "type",
                "dimension",
                "score",
                _("Dimension scores by type"),
                _("No ratings yet."),
                {**names, **dimension_names()},
            ),
            config={"displaylogo": False},
        ),
        how_to_read(
            _(
                "Each cell is the average shrunk score of that type's stakeholders on "
                "that dimension."
            )
        ),
    ]


def _table(frame: pd.DataFrame, columns: dict) -> html.Table:
    head = html.Thead(html.Tr([html.Th(label) for label in columns.values()]))
    body = html.Tbody(
        [html.Tr([html.Td(row.get(c, "")) for c in columns]) for row in frame.to_dict("records")]
    )
    return html.Table([head, body], className="plain")


def best(session: Session, filters: Filters) -> list:
    names = type_names(session)
    items = item_names(session)
    key = (filters.period, filters.settings, filters.scope)
    league = _cached("league_table", session, *key)
    # Keyed by the filters; the league table is passed in so it is computed once.
    good = cache.remember(
        session, "best_practice", key, lambda: published.best_practice(session, *key, table=league)
    ).frame
    good = good.assign(
        type_name=good["type"].map(names),
        score=good["score"].round(0),
        strongest=[", ".join(items.get(i, i) for i in codes) for codes in good["strongest_items"]],
        quotes=[" · ".join(q) if isinstance(q, list) else "" for q in good["quotes"]],
    )
    up = cache.remember(
        session, "most_improved", key, lambda: published.most_improved(session, *key, table=league)
    ).frame
    up = up.assign(
        type_name=up["type"].map(names),
        score=up["score"].round(0),
        change=[_arrow(c) for c in up["change"]],
    )
    return [
        html.H3(_("Best practice")),
        how_to_read(
            _(
                "Stakeholders whose whole interval lies above their type's mean, with "
                "the questions they do best on and approved quotes."
            )
        ),
        _table(
            good,
            {
                "stakeholder": _("Stakeholder"),
                "type_name": _("Type"),
                "district": _("District"),
                "score": _("Score"),
                "strongest": _("Strongest on"),
                "quotes": _("What survivors said"),
            },
        ),
        html.H3(_("Most improved")),
        how_to_read(
            _(
                "The largest rises since the period before, among stakeholders with "
                "enough raters in both."
            )
        ),
        _table(
            up,
            {
                "stakeholder": _("Stakeholder"),
                "type_name": _("Type"),
                "district": _("District"),
                "score": _("Score"),
                "change": _("Change"),
            },
        ),
    ]


def stakeholder_options(session: Session, filters: Filters) -> list[dict]:
    directory = queries.stakeholder_directory(session, filters.scope)
    return [
        {"label": f"{r.stakeholder} · {r.district}", "value": int(r.stakeholder_id)}
        for r in directory.sort_values("stakeholder").itertuples()
    ]


def profile(session: Session, filters: Filters, stakeholder_id: int | None) -> list:
    if not stakeholder_id:
        return [html.P(_("Choose a stakeholder above, or click a row of the league table."))]
    own = queries.EVERYWHERE  # scores are relative to the whole programme's type means
    history = []
    published.preload(session, "staff", filters.period.last_quarters(8), "stakeholders")
    for quarter in filters.period.last_quarters(8):
        try:
            table = _cached("league_table", session, quarter, filters.settings, own).frame
        except published.NotReleased:
            continue
        row = table[table["stakeholder_id"] == stakeholder_id]
        if not row.empty:
            history.append(
                row.iloc[0][["score", "score_low", "score_high"]].to_dict()
                | {"period": quarter.label}
            )
    parts = [
        dcc.Graph(
            figure=figures.history_figure(
                pd.DataFrame(history, columns=["period", "score", "score_low", "score_high"]),
                _("Score by quarter"),
                _("Too few survivors rated this stakeholder."),
            ),
            config={"displaylogo": False},
        ),
        how_to_read(_("The bar is the interval (95%); a quarter with too few raters is left out.")),
    ]
    table = _cached("league_table", session, filters.period, filters.settings, own).frame
    row = table[table["stakeholder_id"] == stakeholder_id]
    if row.empty or row.iloc[0]["suppressed"]:
        return [
            *parts,
            html.P(
                _(
                    "Fewer than %(k)s survivors rated this stakeholder in this "
                    "period, so no figures are shown.",
                    k=filters.settings.k_staff,
                ),
                className="warn",
            ),
            *_actions(session, stakeholder_id),
        ]
    type_id = int(row.iloc[0]["type_id"])
    own_items = published.item_means(session, filters.period, filters.settings, stakeholder_id)
    own_items = own_items[~own_items["suppressed"].astype(bool)]
    compared = metrics.strongest_items(
        own_items.drop(columns=["item_type_mean"])
        .assign(type_id=type_id)
        .astype({"n": float, "mean": float}),
        top=50,
        type_means=own_items[["type_id", "item_code", "item_type_mean"]].drop_duplicates(),
    )
    names = item_names(session)
    compared = compared.assign(item=compared["item_code"].map(names))
    indicators = _cached("indicators", session, filters.period, filters.settings, own).frame
    ind = indicators[indicators["stakeholder_id"] == stakeholder_id]
    comments = queries.approved_comments(session, filters.period, [stakeholder_id])
    facts = []
    if not ind.empty:
        first = ind.iloc[0]
        facts = [
            html.Li(f"{_('Fully helped')}: {_number(first['share_helped'], True)}"),
            html.Li(f"{_('Asked for money')}: {_number(first['share_money'], True)}"),
            html.Li(f"{_('Median days')}: {_number(first['median_days'])}"),
        ]
    return [
        *parts,
        dcc.Graph(
            figure=figures.items_figure(
                compared,
                _("Each question against the type's mean"),
                _("No answers yet."),
                {"this": _("This stakeholder"), "type": _("Type mean")},
            ),
            config={"displaylogo": False},
        ),
        how_to_read(_("Blue is this stakeholder, orange the mean of its type, on a 0–100 scale.")),
        html.H3(_("Service")),
        html.Ul(facts),
        html.H3(_("What survivors said")),
        html.Ul([html.Li(text) for text in comments.get("moderated", [])])
        if len(comments)
        else html.P(_("No approved comments.")),
        *_documents(filters, stakeholder_id),
        *_actions(session, stakeholder_id),
    ]


def _documents(filters: Filters, stakeholder_id: int) -> list:
    """Links to the scorecard and, for the quarter's best performers, the certificate."""
    period = filters.period
    if period.grain is not Grain.QUARTER:
        return [html.P(_("Choose one quarter for the meeting scorecard and the certificate."))]
    scorecard = _("Meeting scorecard")
    links = [
        html.A(
            f"{scorecard} ({name})",
            href=f"/mis/scorecard/{stakeholder_id}.pdf?period={period.label}&lang={code}",
        )
        for code, name in (("bn", "বাংলা"), ("hi", "हिंदी"), ("en", "English"))
    ]
    links.append(
        html.A(_("Recognition certificates"), href=f"/mis/certificates?period={period.label}")
    )
    return [html.H3(_("For meetings")), html.Ul([html.Li(link) for link in links])]


def _actions(session: Session, stakeholder_id: int) -> list:
    """What the programme did about this stakeholder (shown whatever the number of raters)."""
    rows = queries.actions_for(session, stakeholder_id)
    if rows.empty:
        return [html.H3(_("Actions taken")), html.P(_("No actions recorded yet."))]
    lang = str(get_locale())
    items = []
    for row in rows.itertuples():
        what = _(ACTION_KIND_LABELS[row.kind])
        if isinstance(row.escalated_to, str):
            what += f" — {_(ESCALATION_LABELS[row.escalated_to])}"
        summary = getattr(row, f"summary_{lang}", None) or row.summary_en or row.outcome or ""
        items.append(
            html.Li(
                f"{format_date(row.taken_on, 'MMM y')} · {what} · "
                f"{_(ACTION_STATUS_LABELS[row.status])}: {summary}"
            )
        )
    return [html.H3(_("Actions taken")), html.Ul(items)]
