"""The overview tab: headline cards, trends and where survivors are failed."""

from __future__ import annotations

from dash import dcc, html
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from mis import figures
from mis.dashboard.filters import Filters
from mis.dashboard.labels import type_names
from mis.dashboard.tabs.common import cached, change_words, how_to_read, number
from mis.dashboard.tabs.services import failed


def overview(session: Session, filters: Filters) -> list:
    row = cached("overview", session, filters.period, filters.settings, filters.scope).frame.iloc[0]
    # (label, figure, a share?, higher is better?) — more survivors asked for money is worse;
    # a count is more or fewer, neither better nor worse.
    cards = [
        (_("Ratings"), "ratings", False, None),
        (_("Survivors who rated"), "n_raters", False, None),
        (_("Stakeholders rated"), "stakeholders", False, None),
        (_("Mean score"), "mean_score", False, True),
        (_("Fully helped"), "share_helped", True, True),
        (_("Asked for money"), "share_money", True, False),
    ]
    tiles = []
    for label, key, percent, higher_is_better in cards:
        words, meaning = change_words(row[f"{key}_change"], percent, higher_is_better)
        tiles.append(
            html.Div(
                [
                    html.Div(label, className="card-label"),
                    html.Div(number(row[key], percent), className="card-value"),
                    html.Div(words, className=f"card-change {meaning}".strip()),
                ],
                className="card",
            )
        )
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
    trend = cached("trend", session, filters.period, filters.settings, filters.scope).frame
    names = type_names(session)
    return [
        *note,
        html.Div(tiles, className="cards"),
        how_to_read(
            _("Each card is this period; the arrow is the change since the period before.")
        ),
        *failed(session, filters),
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
