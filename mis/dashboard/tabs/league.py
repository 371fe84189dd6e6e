"""The league tables: one grid per type, or all types, with intervals and rank bands."""

from __future__ import annotations

import dash_ag_grid as dag
import pandas as pd
from dash import dcc
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from mis import figures, metrics
from mis.dashboard.filters import Filters
from mis.dashboard.labels import dimension_names, grid_locale, localise_places, type_names
from mis.dashboard.tabs.common import cached, change_words, how_to_read
from mis.periods import Grain

GRID_COLUMNS = [
    "rank",
    "stakeholder",
    "score",
    "interval",
    "change",
    "band",
    "type_name",
    "district",
    "block",
    "n_raters",
    "respect",
    "responsiveness",
    "integrity",
    "confidentiality",
]


PINNED = ("rank", "stakeholder", "score", "interval")
# A change coloured by its meaning (mis.css). dash-ag-grid runs {"function": …} through its
# own interpreter, not eval, so this stays within the page's CSP (no 'unsafe-eval').
CHANGE_COLOURS = {
    "better": {"function": "params.data.change_class === 'better'"},
    "worse": {"function": "params.data.change_class === 'worse'"},
}


def league_rows(session: Session, filters: Filters) -> pd.DataFrame:
    """League table rows with rank bands, intervals, change arrows and dimension scores."""
    table = cached(
        "league_table", session, filters.period, filters.settings, filters.scope
    ).frame.copy()
    dims = cached(
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
    clear = metrics.clear_change(table)
    worded = [change_words(c, clear=bool(k)) for c, k in zip(table["change"], clear, strict=True)]
    table["change"] = [text for text, _meaning in worded]
    table["change_class"] = [meaning for _text, meaning in worded]
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
    return localise_places(session, table)


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
        rowData=rows[[*GRID_COLUMNS, "stakeholder_id", "change_class"]].to_dict("records"),
        # Who, the score and its interval stay in view at 1366 px while the rest scrolls.
        columnDefs=[
            {"field": c, "headerName": headers[c]}
            | ({"pinned": "left"} if c in PINNED else {})
            | ({"cellClassRules": CHANGE_COLOURS} if c == "change" else {})
            for c in GRID_COLUMNS
        ],
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions={
            "quickFilterText": "",
            "pagination": True,
            "paginationPageSize": 25,
            "paginationPageSizeSelector": [25, 50, 100],
            "localeText": grid_locale(),
        },
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
