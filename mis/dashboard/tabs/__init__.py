"""What each dashboard tab shows: published figures turned into components and figures.

These are plain functions of the session and the filters; the Dash callbacks only call them.
One module per tab; `common` holds what they share.
"""

from mis.dashboard.tabs.best import best
from mis.dashboard.tabs.charts import funnel, heatmap
from mis.dashboard.tabs.common import how_to_read, release_line
from mis.dashboard.tabs.league import GRID_COLUMNS, league, league_rows
from mis.dashboard.tabs.overview import overview
from mis.dashboard.tabs.profile import profile, stakeholder_options
from mis.dashboard.tabs.services import failed, services

__all__ = [
    "GRID_COLUMNS",
    "best",
    "failed",
    "funnel",
    "heatmap",
    "how_to_read",
    "league",
    "league_rows",
    "overview",
    "profile",
    "release_line",
    "services",
    "stakeholder_options",
]
