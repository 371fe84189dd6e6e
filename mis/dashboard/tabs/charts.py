"""The funnel plot and the heatmap of districts by stakeholder type."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from mis import figures, queries
from mis.dashboard.filters import Filters
from mis.dashboard.labels import dimension_names, localise_places, type_names
from mis.dashboard.tabs.common import cached, how_to_read


def funnel(session: Session, filters: Filters) -> list:
    if not filters.scope.type_id:
        return [
            html.P(_("Choose one type of stakeholder to see its funnel plot."), className="warn")
        ]
    points, limits = cached("funnel", session, filters.period, filters.settings, filters.scope)
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
            id="funnel-graph",
            figure=figures.funnel_figure(
                localise_places(session, points.frame),  # a dot is named as the grid names it
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
                "are further from it than the ordinary differences between offices explain. "
                "Point at a dot for its name; click it for its profile."
            )
        ),
    ]


def heatmap(session: Session, filters: Filters) -> list:
    area = cached("area_summary", session, filters.period, filters.settings, filters.scope).frame
    names = type_names(session)
    dims = cached(
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
    area = localise_places(session, area)
    return [
        dcc.Graph(
            id="area-heatmap",
            figure=figures.heatmap_figure(
                area,
                "district",
                "type",
                "score",
                _("Mean score by district and type"),
                _("No ratings yet."),
                names,
                ids=("district_id", "type_id"),
            ),
            config={"displaylogo": False},
        ),
        how_to_read(
            _(
                "Darker is lower. Blank cells had fewer than %(k)s survivors rating. Click a "
                "cell for its league table.",
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
