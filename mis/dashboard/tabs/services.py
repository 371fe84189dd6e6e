"""The services survivors went for: how often each was fully, partly or not met, and how long
it took, by service × type × district — the quarter's released service cells (they were
protected with the league table's row totals in mind: mis/release_aggregates.py)."""

from __future__ import annotations

import pandas as pd
from dash import html
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from mis import published
from mis.dashboard.filters import Filters
from mis.dashboard.labels import label_service_cells
from mis.dashboard.tabs.common import how_to_read, number, simple_table
from mis.periods import Grain


def service_cells(session: Session, filters: Filters) -> pd.DataFrame:
    """The released cells, labelled, hidden ones kept (as blanks)."""
    frame = published.services(session, filters.period, filters.settings, filters.scope).frame
    return label_service_cells(session, frame) if not frame.empty else frame


def failed(session: Session, filters: Filters, top: int = 5) -> list:
    """Where survivors are failed most: shown cells with the largest share not met."""
    if filters.period.grain is not Grain.QUARTER:
        return []
    cells = service_cells(session, filters)
    if cells.empty:
        return []
    shown = cells[~cells["suppressed"].astype(bool) & cells["share_not"].notna()]
    worst = shown.sort_values(["share_not", "n_raters"], ascending=[False, False]).head(top)
    if worst.empty:
        return []
    items = [
        html.Li(
            _(
                "%(service)s, %(type)s, %(district)s: %(share)s not met (%(n)s survivors)",
                service=row.service,
                type=row.type_name,
                district=row.district,
                share=number(row.share_not, True),
                n=number(row.n_raters),
            )
        )
        for row in worst.itertuples()
    ]
    return [html.H3(_("Where survivors are failed")), html.Ul(items, className="failed")]


def services(session: Session, filters: Filters) -> list:
    if filters.period.grain is not Grain.QUARTER:
        return [
            html.P(_("Services are shown by quarter: choose a quarter above."), className="warn")
        ]
    cells = service_cells(session, filters)
    if cells.empty:
        return [html.P(_("No ratings yet."))]
    cells = cells.sort_values(["service", "share_not"], ascending=[True, False], na_position="last")
    shown = cells.assign(
        n_raters=[number(v) for v in cells["n_raters"]],
        share_full=[number(v, True) for v in cells["share_full"]],
        share_partly=[number(v, True) for v in cells["share_partly"]],
        share_not=[number(v, True) for v in cells["share_not"]],
        median_days=[number(v) for v in cells["median_days"]],
    )
    return [
        how_to_read(
            _(
                "For each service survivors went for: how often they got it fully, partly or "
                "not at all, and the median days it took, by type and district. — marks a "
                "cell with too few survivors, or one hidden so that such a cell cannot be "
                "worked out."
            )
        ),
        *failed(session, filters),
        simple_table(
            shown,
            {
                "service": _("Service"),
                "type_name": _("Type"),
                "district": _("District"),
                "n_raters": _("Survivors"),
                "share_full": _("Fully"),
                "share_partly": _("Partly"),
                "share_not": _("Not met"),
                "median_days": _("Median days"),
            },
        ),
    ]
