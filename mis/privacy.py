"""Every figure leaves the engine through this module (SPEC §2.1).

Staff results hide any figure resting on fewer than k_staff distinct raters and may be as fine
as a month. Funder results hide cells below k_funder, then hide further cells so that no hidden
cell can be worked out from the published row and column totals (complementary suppression),
and are never finer than a quarter. Free text appears only once moderation has approved it.

A result is released as a StaffView or a FunderView. Funder outputs accept only a FunderView
(`require_funder` checks the type and the audience at run time), so a staff table cannot be
handed to a funder by mistake.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .periods import Period


class Audience(enum.StrEnum):
    STAFF = "staff"
    FUNDER = "funder"


class PrivacyError(RuntimeError):
    """A result was about to reach an audience it was not prepared for."""


@dataclass(frozen=True)
class Released:
    frame: pd.DataFrame
    audience: Audience
    period: Period
    k: int


@dataclass(frozen=True)
class StaffView(Released):
    pass


@dataclass(frozen=True)
class FunderView(Released):
    totals: dict | None = None


def _frozen(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reset_index(drop=True).copy()
    for column in frame.columns:
        values = frame[column].to_numpy()
        if isinstance(values, np.ndarray):
            values.flags.writeable = False
    return frame


def suppress_small(
    frame: pd.DataFrame, k: int, figures: list[str], count: str = "n_raters"
) -> pd.DataFrame:
    """Blank every figure of a row that rests on fewer than k raters; mark it suppressed."""
    out = frame.copy()
    small = out[count] < k
    out["suppressed"] = small
    for column in figures:
        if column in out:
            out[column] = out[column].astype(float).where(~small)
    return out


def for_staff(
    frame: pd.DataFrame, period: Period, k: int, figures: list[str], count: str = "n_raters"
) -> StaffView:
    return StaffView(_frozen(suppress_small(frame, k, figures, count)), Audience.STAFF, period, k)


@dataclass(frozen=True)
class Suppression:
    """Hidden cells, and the row and column totals that must be withheld as well."""

    hidden: pd.DataFrame
    withheld_rows: frozenset
    withheld_columns: frozenset


def recoverable_cells(
    hidden: pd.DataFrame,
    withheld_rows: frozenset = frozenset(),
    withheld_columns: frozenset = frozenset(),
) -> list:
    """Hidden cells whose value follows from the published cells and totals.

    Each published row or column total gives one linear equation in that line's hidden
    cells. A hidden cell is recoverable when its unit vector lies in the span of those
    equations: exact linear algebra, which also catches the cases a "two per line" rule
    misses (a hidden cell that bridges two otherwise separate groups of hidden cells).
    """
    cells = [
        (r, c) for r in range(hidden.shape[0]) for c in range(hidden.shape[1]) if hidden.iat[r, c]
    ]
    if not cells:
        return []
    equations = [
        [1.0 if cell[0] == r else 0.0 for cell in cells]
        for r in range(hidden.shape[0])
        if hidden.index[r] not in withheld_rows
    ]
    equations += [
        [1.0 if cell[1] == c else 0.0 for cell in cells]
        for c in range(hidden.shape[1])
        if hidden.columns[c] not in withheld_columns
    ]
    system = np.array([row for row in equations if any(row)] or [[0.0] * len(cells)])
    rank = np.linalg.matrix_rank(system)
    found = []
    for j, (r, c) in enumerate(cells):
        unit = np.zeros(len(cells))
        unit[j] = 1.0
        if np.linalg.matrix_rank(np.vstack([system, unit])) == rank:
            found.append((hidden.index[r], hidden.columns[c]))
    return found


def complementary_suppression(counts: pd.DataFrame, k: int) -> Suppression:
    """Decide which cells of a rows × columns table of rater counts to hide.

    Primary: every cell with 0 < n < k. Then, while some hidden cell could be worked out
    from the totals, hide one more visible cell in the row or column of an exposed cell:
    the one that leaves the fewest cells exposed (it usually closes a rectangle of four),
    and among equals the smallest. When no line of an exposed cell has anything left to hide,
    withhold the total that gives it away. Each round hides a cell or withholds a total, so
    it ends. Tables here are small (districts × types), so trying each candidate is cheap.
    """
    n = counts.to_numpy(dtype=float)
    present = n > 0
    hidden = pd.DataFrame((n > 0) & (n < k), index=counts.index, columns=counts.columns)
    rows: set = set()
    columns: set = set()

    def exposed_after(i: int, j: int) -> int:
        hidden.iat[i, j] = True
        count = len(recoverable_cells(hidden, frozenset(rows), frozenset(columns)))
        hidden.iat[i, j] = False
        return count

    while True:
        exposed = recoverable_cells(hidden, frozenset(rows), frozenset(columns))
        if not exposed:
            return Suppression(hidden, frozenset(rows), frozenset(columns))
        mask = hidden.to_numpy()
        lines_r = {hidden.index.get_loc(r) for r, _ in exposed}
        lines_c = {hidden.columns.get_loc(c) for _, c in exposed}
        candidates = {
            (i, j)
            for i in range(n.shape[0])
            for j in range(n.shape[1])
            if present[i, j] and not mask[i, j] and (i in lines_r or j in lines_c)
        }
        if candidates:
            i, j = min(candidates, key=lambda cell: (exposed_after(*cell), n[cell], cell))
            hidden.iat[i, j] = True
            continue
        # Nothing left to hide: withhold the total that gives the first exposed cell away.
        cell = exposed[0]
        for line, label in ((rows, cell[0]), (columns, cell[1])):
            line.add(label)
            if cell not in recoverable_cells(hidden, frozenset(rows), frozenset(columns)):
                break
            line.discard(label)
        else:
            rows.add(cell[0])
            columns.add(cell[1])


def for_funder(
    frame: pd.DataFrame,
    period: Period,
    k: int,
    figures: list[str],
    rows: str = "district",
    columns: str = "type",
    count: str = "n_raters",
) -> FunderView:
    """Release a rows × columns summary to funders: k_funder, complementary suppression."""
    if not period.whole_quarters:
        raise PrivacyError("funder results are never finer than a quarter")
    grid = frame.pivot_table(index=rows, columns=columns, values=count, aggfunc="sum", fill_value=0)
    decision = complementary_suppression(grid, k)
    hidden_long = decision.hidden.stack().rename("suppressed").reset_index()
    out = frame.drop(columns=["suppressed"], errors="ignore").merge(
        hidden_long, on=[rows, columns], how="left"
    )
    out["suppressed"] = out["suppressed"].fillna(False).astype(bool)
    for column in [*figures, count]:
        out[column] = out[column].astype(float).where(~out["suppressed"])
    totals = {
        rows: {
            key: (None if key in decision.withheld_rows else float(value))
            for key, value in grid.sum(axis=1).items()
        },
        columns: {
            key: (None if key in decision.withheld_columns else float(value))
            for key, value in grid.sum(axis=0).items()
        },
    }
    return FunderView(_frozen(out), Audience.FUNDER, period, k, totals)


def require_funder(view: object) -> FunderView:
    """The only door to a funder output: anything but a FunderView is refused."""
    if not isinstance(view, FunderView) or view.audience is not Audience.FUNDER:
        raise PrivacyError("only a result prepared for funders may reach a funder")
    return view


def require_staff(view: object) -> StaffView:
    if not isinstance(view, StaffView) or view.audience is not Audience.STAFF:
        raise PrivacyError("this output expects a result prepared for staff")
    return view
