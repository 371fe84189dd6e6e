"""CSV and XLSX exports of released results (SPEC §5 names the routes and columns)."""

from __future__ import annotations

import io

import pandas as pd

from .engine import FUNDER_SUMMARY_COLUMNS
from .privacy import FunderView, StaffView, require_funder, require_staff

LEAGUE_COLUMNS = [
    "period",
    "stakeholder_id",
    "stakeholder",
    "type",
    "district",
    "block",
    "n_raters",
    "score",
    "score_low",
    "score_high",
    "rank",
    "rank_low",
    "rank_high",
    "change",
    "suppressed",
    "released",
]
# After the columns SPEC §5 names: words beside the codes, the four dimensions and the
# service indicators, all from the same release (blank where it hides them).
LABEL_COLUMNS = ["type_label", "stakeholder_local", "district_local", "block_local"]
DIMENSION_COLUMNS = ["respect", "responsiveness", "integrity", "confidentiality"]
INDICATOR_COLUMNS = ["share_helped", "share_money", "median_days"]
FUNDER_COLUMNS = ["period", *FUNDER_SUMMARY_COLUMNS, "suppressed", "released"]
ALL = "(all)"


def league_table_frame(
    view: StaffView,
    released: str = "",
    dimensions: StaffView | None = None,
    indicators: StaffView | None = None,
    labels: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The league table as exported; `released` is the day its release was made.

    `dimensions` and `indicators` are the same period's released cells; `labels` (one row
    per stakeholder_id: type_label and the local names) puts words beside the codes.
    """
    frame = require_staff(view).frame.copy()
    frame["period"] = view.period.label
    frame["released"] = released
    for column in ("score", "score_low", "score_high", "change"):
        frame[column] = frame[column].round(1)
    for column in ("rank", "rank_low", "rank_high", "n_raters"):
        frame[column] = frame[column].astype("Int64")
    frame["suppressed"] = frame["suppressed"].map({True: "true", False: "false"})
    extra = []
    if dimensions is not None:
        cells = require_staff(dimensions).frame
        cells = cells[~cells["suppressed"].astype(bool)]
        wide = cells.pivot_table(index="stakeholder_id", columns="dimension", values="score")
        frame = frame.join(wide.round(1).reindex(columns=DIMENSION_COLUMNS), on="stakeholder_id")
        extra += DIMENSION_COLUMNS
    if indicators is not None:
        cells = require_staff(indicators).frame
        cells = cells[~cells["suppressed"].astype(bool)].set_index("stakeholder_id")
        frame = frame.join(cells[INDICATOR_COLUMNS].round(3), on="stakeholder_id")
        extra += INDICATOR_COLUMNS
    if labels is not None:
        # The release keeps the type's English msgid as type_label: the words replace it.
        frame = frame.drop(columns=[c for c in LABEL_COLUMNS if c in frame]).join(
            labels.set_index("stakeholder_id")[LABEL_COLUMNS], on="stakeholder_id"
        )
        extra = LABEL_COLUMNS + extra
    return frame.reindex(columns=LEAGUE_COLUMNS + extra)


def funder_summary_frame(
    view: FunderView, released: str = "", type_labels: dict | None = None
) -> pd.DataFrame:
    """The district × type cells, then the published totals (withheld totals stay empty);
    with `type_labels`, the type's words in a column beside its code."""
    view = require_funder(view)
    cells = view.frame.copy()
    totals = view.totals or {}
    extra = [
        {"district": district, "type": ALL, "n_raters": value, "suppressed": value is None}
        for district, value in totals.get("district", {}).items()
    ]
    extra += [
        {"district": ALL, "type": kind, "n_raters": value, "suppressed": value is None}
        for kind, value in totals.get("type", {}).items()
    ]
    frame = pd.concat([cells, pd.DataFrame(extra)], ignore_index=True)
    frame["period"] = view.period.label
    frame["released"] = released
    frame["n_raters"] = pd.to_numeric(frame["n_raters"]).astype("Int64")
    for column in ("score", "share_helped", "share_money"):
        if column in frame:
            frame[column] = pd.to_numeric(frame[column]).round(3 if "share" in column else 1)
    frame["suppressed"] = frame["suppressed"].map({True: "true", False: "false"})
    if type_labels is None:
        return frame.reindex(columns=FUNDER_COLUMNS)
    frame["type_label"] = frame["type"].map(lambda code: type_labels.get(code, code))
    return frame.reindex(columns=[*FUNDER_COLUMNS, "type_label"])


# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection"):
# a name a survivor suggested, or one typed into the registry, could otherwise run
# `=HYPERLINK(...)` on a programme officer's laptop.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula, prefixed with an apostrophe."""
    frame = frame.copy()
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_STARTS) else v
            )
    return frame


def to_csv(frame: pd.DataFrame) -> bytes:
    return neutralised(frame).to_csv(index=False).encode("utf-8")


def to_xlsx(frame: pd.DataFrame, sheet: str) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name=sheet[:31], index=False)
        # openpyxl stores any text starting with "=" as a live formula: store it as text.
        for row in writer.sheets[sheet[:31]].iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    return buffer.getvalue()
