"""What every MIS output reads: rows selected from a release, never figures of its own.

Each function has the signature and the result of the engine function of the same name
(mis/engine.py computes from ratings and is used only to build releases), but reads the
period's stored release (mis/releases.py). Filters select rows of that release; aggregates
(headline cards, the district × type heatmap, trend lines) are computed from its *shown*
cells only, so they can never reveal a hidden one. Staff read closed months and quarters;
funders read quarters an admin approved.
"""

from __future__ import annotations

from .funders import funder_summary, funder_trend
from .reading import (
    NotReleased,
    clear,
    funder_release,
    preload,
    release_note,
    released_periods,
    released_quarter,
    staff_release,
)
from .staff import (
    all_item_means,
    dimension_scores,
    funnel,
    indicators,
    item_means,
    league_table,
    services,
)
from .summaries import (
    area_summary,
    best_practice,
    most_declined,
    most_improved,
    overview,
    trend,
)

__all__ = [
    "NotReleased",
    "all_item_means",
    "area_summary",
    "best_practice",
    "clear",
    "dimension_scores",
    "funder_release",
    "funder_summary",
    "funder_trend",
    "funnel",
    "indicators",
    "item_means",
    "league_table",
    "most_declined",
    "most_improved",
    "overview",
    "preload",
    "release_note",
    "released_periods",
    "released_quarter",
    "services",
    "staff_release",
    "trend",
]
