"""Disclosure control for releases: pure functions over small DataFrames (SPEC §2.1).

Three rules, applied once when a release is built (mis/releases.py), never per view:

- **Primary**: a cell resting on fewer than k distinct raters (or, for an item or an
  indicator, fewer than k survivors who answered it) is hidden.
- **Time**: a quarter and its three months are one table. A stakeholder's months are shown
  only when every month in which anyone rated it clears k; otherwise all three are hidden,
  so "quarter minus the visible months" never isolates a hidden month.
- **Funders**: the district × type table is protected by complementary suppression solved
  over the whole table (mis/privacy.py), then widened until every hidden count's feasible
  range, as a linear program over everything published sees it, spans at least a protection
  interval (`protect`). Filters select rows of that one table.

Precision is a channel too: `coarsen` rounds scores to whole numbers and shares to whole
percents before anything is stored.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from .privacy import complementary_suppression

QUARTER, MONTH = "quarter", "month"
SCORE_COLUMNS = ("score", "score_low", "score_high", "mean_raw", "previous_score", "change")
SHARE_COLUMNS = ("share_helped", "share_partly", "share_money", "share_full", "share_not")


def time_linked(cells: pd.DataFrame, keys: list[str], k: int, count: str = "n") -> pd.Series:
    """Which cells of a quarter-and-months table may be shown.

    `cells` has `keys`, `grain` (quarter or month) and the count. A quarter cell is shown
    when its count reaches k; a key's month cells are shown only when all of them do.
    Returns a boolean Series aligned with `cells`.
    """
    enough = cells[count] >= k
    months = cells["grain"] == MONTH
    if not months.any():
        return enough
    all_months_enough = (
        enough[months].groupby([cells.loc[months, key] for key in keys]).transform("all")
    )
    shown = enough.copy()
    shown[months] = all_months_enough
    return shown


def reason(cells: pd.DataFrame, shown: pd.Series, k: int, count: str = "n") -> pd.Series:
    """Why a cell is blank: "few" (below k), "linked" (hidden to protect another), or ""."""
    return pd.Series(
        np.select([shown, cells[count] < k], ["", "few"], default="linked"), index=cells.index
    )


def coarsen(frame: pd.DataFrame) -> pd.DataFrame:
    """Whole-number scores and days, whole-percent shares: no exact float leaves a release."""
    out = frame.copy()
    for column in out.columns:
        if column in SCORE_COLUMNS or column in ("median_days", "type_mean"):
            out[column] = out[column].astype(float).round(0)
        elif column in SHARE_COLUMNS:
            out[column] = out[column].astype(float).round(2)
    return out


def feasible_ranges(
    counts: np.ndarray,
    hidden: np.ndarray,
    row_known: np.ndarray,
    col_known: np.ndarray,
    k: int | None = None,
    all_known: bool = False,
) -> list[tuple[int, int, float, float]]:
    """For each hidden cell of a rows × columns table of counts: the least and greatest value
    an attacker can deduce from the published cells and totals (linear programs, HiGHS).

    A published total fixes the sum of its line. With `k`, the attacker also reads why each
    blank is blank (the legend says so): a cell below k lies in [1, k − 1], a cell hidden to
    protect another holds at least k. Returns (row, column, low, high) for every hidden cell.
    """
    cells = [tuple(c) for c in np.argwhere(hidden)]
    if not cells:
        return []
    index = {cell: j for j, cell in enumerate(cells)}
    equations, values = [], []
    for axis, known in ((0, row_known), (1, col_known)):
        for line in range(counts.shape[axis]):
            if not known[line]:
                continue
            members = [index[c] for c in cells if c[axis] == line]
            if not members:
                continue
            row = np.zeros(len(cells))
            row[members] = 1.0
            equations.append(row)
            values.append(sum(counts[c] for c in cells if c[axis] == line))
    if all_known:  # the grand total: every hidden cell together
        equations.append(np.ones(len(cells)))
        values.append(sum(counts[c] for c in cells))
    a_eq = np.array(equations) if equations else None
    b_eq = np.array(values, dtype=float) if equations else None
    if k is None:
        bounds = [(0, None)] * len(cells)
    else:
        bounds = [((1, k - 1) if counts[c] < k else (k, None)) for c in cells]
    ranges = []
    for j, (r, c) in enumerate(cells):
        objective = np.zeros(len(cells))
        objective[j] = 1.0
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        top = -high.fun if high.status == 0 else np.inf  # unbounded: no total limits it
        ranges.append((int(r), int(c), float(low.fun), float(top)))
    return ranges


def protection_level(k: int) -> int:
    """The width every hidden count's feasible range must have: half the threshold.

    With k_funder = 11 an attacker can never narrow a hidden cell below six possible values.
    """
    return max(2, -(-k // 2))


def protect(
    counts: pd.DataFrame,
    k: int,
    kept_hidden: frozenset = frozenset(),
    column_totals: bool = True,
) -> tuple[pd.DataFrame, frozenset, frozenset, bool]:
    """Hide cells of a rows × columns table of counts until every hidden cell is protected.

    Starts from complementary suppression (no hidden cell recoverable exactly), then, while
    some hidden cell's feasible range is narrower than `protection_level(k)`, hides the
    published cell in its row or column that widens the narrowest range most (the largest
    count among equals is avoided: the smallest loss of information). When no cell is left
    to hide, the totals of that cell's lines are withheld. Cells in `kept_hidden` (row and
    column labels that an earlier release of the same period hid) stay hidden. Returns
    (hidden, withheld rows, withheld columns, whether the grand total may be published).

    With `column_totals=False` (services: a row's total is known from the league table, and no
    column total is published) the attacker has only the row totals and no legend, and no
    total is ever withheld: only cells are hidden.
    """
    if column_totals:
        decision = complementary_suppression(counts, k)
        hidden = decision.hidden.copy()
        rows, columns = set(decision.withheld_rows), set(decision.withheld_columns)
    else:  # the LP below does all the work: start from the primary cells
        primary = counts.to_numpy(dtype=float)
        hidden = pd.DataFrame((primary > 0) & (primary < k), counts.index, counts.columns)
        rows, columns = set(), set()
    for row, column in kept_hidden:
        if row in hidden.index and column in hidden.columns:
            # By position: a row label may be a tuple (services: type and district), which
            # `.loc` would read as two levels of a key.
            i, j = hidden.index.get_loc(row), hidden.columns.get_loc(column)
            hidden.iat[i, j] = bool(counts.iat[i, j] > 0)
    n = counts.to_numpy(dtype=float)
    level = protection_level(k)
    grand = [column_totals]
    legend = k if column_totals else None

    def narrowest(mask: np.ndarray) -> tuple[float, tuple[int, int] | None]:
        row_known = np.array([label not in rows for label in counts.index])
        col_known = np.array([column_totals and label not in columns for label in counts.columns])
        found = feasible_ranges(n, mask, row_known, col_known, legend, grand[0])
        if not found:
            return np.inf, None
        r, c, low, high = min(found, key=lambda x: x[3] - x[2])
        return high - low, (r, c)

    for _ in range(n.size + len(counts.index) + len(counts.columns) + 1):
        mask = hidden.to_numpy()
        width, cell = narrowest(mask)
        if cell is None or width >= level:
            break
        r, c = cell
        candidates = [
            (i, j)
            for i in range(n.shape[0])
            for j in range(n.shape[1])
            if n[i, j] > 0 and not mask[i, j] and (i == r or j == c)
        ]
        best = None
        for i, j in candidates:
            trial = mask.copy()
            trial[i, j] = True
            score = narrowest(trial)[0]
            if best is None or (score, -n[i, j]) > (best[0], -n[best[1]]):
                best = (score, (i, j))
        if best is not None and best[0] > width:
            hidden.iat[best[1][0], best[1][1]] = True
            continue
        if not column_totals:
            break  # row totals come from the league table: they cannot be withheld
        if counts.index[r] in rows and counts.columns[c] in columns:
            grand[0] = False  # its lines are withheld already: the grand total goes too
        rows.add(counts.index[r])
        columns.add(counts.columns[c])
    else:  # never reached on tables of this size; if it were, publish no total at all
        rows, columns, grand[0] = set(counts.index), set(counts.columns), False
    return hidden, frozenset(rows), frozenset(columns), grand[0]
