"""The funder release: district × type cells and totals, and the trend over approved quarters."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from .. import releases
from ..engine import FUNDER_SUMMARY_COLUMNS, Settings
from ..periods import Period
from ..privacy import Audience, FunderView, _frozen
from ..queries import EVERYWHERE, Scope
from .reading import flags, funder_release, stakeholders_in, unpacked


def _place_names(session: Session) -> tuple[pd.Series, pd.Series]:
    """Type codes by type id, district names by district id."""
    directory = stakeholders_in(session)
    types = directory.drop_duplicates("type_id").set_index("type_id")["type"]
    districts = directory.drop_duplicates("district_id").set_index("district_id")["district"]
    return types, districts


def _names(session: Session, frame: pd.DataFrame) -> pd.DataFrame:
    types, districts = _place_names(session)
    return frame.assign(
        type=frame["type_id"].astype(int).map(types),
        district=frame["district_id"].astype(int).map(districts),
    )


def _funder_frame(session: Session, period: Period) -> tuple[pd.DataFrame, dict, object]:
    release = funder_release(session, period)
    tables = unpacked(session, release)
    return tables.get_table(session, "summary"), tables.get_table(session, "totals"), release


def funder_summary(
    session: Session, period: Period, settings: Settings, scope: Scope = EVERYWHERE
) -> FunderView:
    """The approved release's district × type cells; a filter selects rows, nothing more."""
    summary, totals, release = _funder_frame(session, period)
    frame = _names(session, summary) if len(summary) else summary.assign(type=[], district=[])
    if scope.district_id is not None:
        frame = frame[frame["district_id"] == scope.district_id]
    if scope.type_id is not None:
        frame = frame[frame["type_id"] == scope.type_id]
    frame = frame.assign(suppressed=flags(frame["suppressed"]))
    for column in FUNDER_SUMMARY_COLUMNS:
        if column not in frame:
            frame[column] = np.nan
    type_names, district_names = _place_names(session)
    shown_totals = {
        "district": {
            district_names.get(int(key), key): value
            for key, value in totals.get("district", {}).items()
            if scope.district_id is None or int(key) == scope.district_id
        },
        "type": {
            type_names.get(int(key), key): value
            for key, value in totals.get("type", {}).items()
            if scope.type_id is None or int(key) == scope.type_id
        },
        "all": totals.get("all"),
    }
    return FunderView(
        _frozen(frame[[*FUNDER_SUMMARY_COLUMNS, "suppressed", "reason"]]),
        Audience.FUNDER,
        period,
        release.k,
        shown_totals,
    )


def funder_trend(
    session: Session,
    period: Period,
    settings: Settings,
    scope: Scope = EVERYWHERE,
    quarters: int = 8,
) -> FunderView:
    """Per approved quarter and type: the type's published total and the mean score over its
    shown cells. A quarter without an approved release is a gap."""
    rows = []
    for quarter in period.last_quarters(quarters):
        try:
            summary, totals, _release = _funder_frame(session, quarter)
        except releases.ReleaseError:
            continue
        for type_id, total in totals.get("type", {}).items():
            cells = summary[(summary["type_id"] == int(type_id)) & ~flags(summary["suppressed"])]
            n = cells["n_raters"].astype(float)
            score = (cells["score"].astype(float) * n).sum() / n.sum() if n.sum() else np.nan
            rows.append(
                {
                    "quarter": quarter.quarters()[0],
                    "type_id": int(type_id),
                    "n_raters": total,
                    "score": round(score) if not np.isnan(score) else np.nan,
                    "suppressed": total is None,
                }
            )
    frame = pd.DataFrame(rows, columns=["quarter", "type_id", "n_raters", "score", "suppressed"])
    frame["type"] = frame["type_id"].map(_place_names(session)[0])
    if scope.type_id is not None:
        frame = frame[frame["type_id"] == scope.type_id]
    return FunderView(_frozen(frame), Audience.FUNDER, period, settings.k_funder, None)
