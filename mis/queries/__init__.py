"""SQL → narrow DataFrames, one module per question; this package names them all.

`base` holds the scope, the period filter and the rater pairs every query starts from.
"""

from mis.queries.areas import area_sums, stakeholder_directory, trend_sums
from mis.queries.base import DIMENSIONS, EVERYWHERE, Scope, in_period, to_frame
from mis.queries.headline import headline
from mis.queries.indicators import area_indicators, histogram_median, service_indicators
from mis.queries.items import actions_for, approved_comments, item_means, item_type_means
from mis.queries.raters import dimension_sums, rater_sums

__all__ = [
    "DIMENSIONS",
    "EVERYWHERE",
    "Scope",
    "actions_for",
    "approved_comments",
    "area_indicators",
    "area_sums",
    "dimension_sums",
    "headline",
    "histogram_median",
    "in_period",
    "item_means",
    "item_type_means",
    "rater_sums",
    "service_indicators",
    "stakeholder_directory",
    "to_frame",
    "trend_sums",
]
