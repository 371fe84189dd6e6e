"""The attacker's audit: everything an audience can download, as a linear program.

For random small programmes — cells of one to four raters, months rated by different
survivors, items answered once — the test builds the quarter's releases, collects every
figure the staff and funder outputs show (for every filter: filters select rows of the one
release), and then asks HiGHS for the least and greatest value of each hidden count and sum
that is consistent with all of it. A hidden figure is protected when that range is at least
its *protection interval*:

- staff months: count range ≥ k_staff − 2 wide; sum range ≥ one rater's whole scale (100),
  unless the published quarter itself leaves less room (all its raters scored 0 or 100);
- funder cells: count range ≥ protection_level(k_funder) wide (6 of k = 11), with the
  attacker told why each blank is blank (below k, or hidden to protect another).

The attacker is granted the most she could know: that every survivor rated in one month
only, so a quarter's count and sum are exactly the sums of its months'.
"""

from __future__ import annotations

import datetime as dt
import math
import os

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog
from sqlalchemy import delete

from mis import disclosure, published, releases
from mis.engine import Settings
from mis.periods import Period
from models import Alert, Answer, Comment, Rating, Release, ReleaseTable
from models.ratings import DERIVED_TABLES
from tests.factories import StakeholderFactory, SurvivorFactory, rate

QUARTER = Period.parse("2026Q3")
MONTHS = [dt.date(2026, 7, 1), dt.date(2026, 8, 1), dt.date(2026, 9, 1)]
SETTINGS = Settings()
NARROWEST: dict[str, float] = {}

# One office: three months of ratings, each month 0–7 raters with a face score each and,
# now and then, an answer to "did they ask you for money?" (often a single one).
rating = st.tuples(
    st.sampled_from([0, 25, 50, 75, 100]), st.sampled_from([None, None, True, False])
)
office = st.lists(st.lists(rating, min_size=0, max_size=7), min_size=3, max_size=3)
PLACES = [("police", "Basanti"), ("hospital", "Basanti"), ("police", "Habra I"), ("bdo", "Habra I")]
programme = st.lists(st.tuples(st.sampled_from(PLACES), office), min_size=2, max_size=7)


def _clear(session) -> None:  # type: ignore[no-untyped-def]
    for model in (ReleaseTable, Release, Alert, Comment, Answer, Rating, *DERIVED_TABLES):
        session.execute(delete(model))
    published.clear()


def _seed(session, offices) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Store the programme and release it; return the true counts ("scores 7/2026-08": 3),
    which only the audit itself reads, to know which hidden cells are below k."""
    truth: dict[str, int] = {}
    for (kind, block), months in offices:
        stakeholder = StakeholderFactory(type_code=kind, block_name=block)
        for month, scores in zip(MONTHS, months, strict=True):
            for score, money in scores:
                rate(stakeholder, SurvivorFactory(), float(score), month=month, asked_money=money)
            for figure, n in (
                ("scores", len(scores)),
                ("money", sum(m is not None for _s, m in scores)),
            ):
                for label in (Period.month(month).label, QUARTER.label):
                    key = f"{figure} {stakeholder.id}/{label}"
                    truth[key] = truth.get(key, 0) + n
    releases.build_quarter(session, QUARTER, SETTINGS, dt.date(2026, 11, 1))
    releases.approve(session, QUARTER, None)
    return truth


def _range(c: np.ndarray, a_eq, b_eq, a_ub, b_ub, bounds) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    low = linprog(c, A_eq=a_eq, b_eq=b_eq, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
    high = linprog(-c, A_eq=a_eq, b_eq=b_eq, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
    assert low.status == 0, low.message  # the true values are feasible: never infeasible
    return low.fun, (-high.fun if high.status == 0 else math.inf)


# What staff read, as (output, count column, value column, scale, rounding of the value):
# scores are whole numbers on 0–100; "asked for money" a share in whole percents of 0–1.
FIGURES = {
    "scores": ("league_table", "n_raters", "mean_raw", 100.0, 0.5),
    "money": ("indicators", "n_money", "share_money", 1.0, 0.005),
}


def _staff_audit(session, figure: str) -> list[tuple[str, float, float, float]]:  # type: ignore[no-untyped-def]
    """(cell, count range, sum range, sum room) for every hidden stakeholder cell.

    Per stakeholder the variables are n and S (survivors, sum of their values) for the
    quarter and its three months. A shown cell fixes n and bounds S by its rounded mean; a
    cell with no row or no count had nobody; a hidden one has at least one and 0 ≤ S ≤ top·n.
    """
    output, count, value, top, rounding = FIGURES[figure]
    labels = [QUARTER.label, *(Period.month(m).label for m in MONTHS)]
    tables = []
    for label in labels:
        table = getattr(published, output)(session, Period.parse(label), SETTINGS).frame
        if figure == "money":  # a blank share is hidden; a row with no answers had nobody
            table = table.assign(suppressed=table[value].isna())
            table = table[table[count].notna() | table["suppressed"]]
        tables.append(table.assign(period=label))
    shown = pd.concat(tables)
    shown = shown.rename(columns={count: "n_raters", value: "mean_raw"})
    found = []
    for stakeholder_id, cells in shown.groupby("stakeholder_id"):
        rows = {r.period: r for r in cells.itertuples()}
        n_bounds, s_bounds, a_ub = [], [], []
        for i, label in enumerate(labels):
            row = rows.get(label)
            if row is None:
                n_bounds.append((0, 0))
                s_bounds.append((0, 0))
            elif not row.suppressed:
                n = float(row.n_raters)
                n_bounds.append((n, n))
                low, high = (row.mean_raw - rounding) * n, (row.mean_raw + rounding) * n
                s_bounds.append((max(0, low), min(top * n, high)))
            else:
                n_bounds.append((1, None))
                s_bounds.append((0, None))
                a_ub.append(_unit(8, 4 + i) - top * _unit(8, i))  # S ≤ top · n
        a_eq = [
            _unit(8, 0) - _unit(8, 1) - _unit(8, 2) - _unit(8, 3),
            _unit(8, 4) - _unit(8, 5) - _unit(8, 6) - _unit(8, 7),
        ]
        bounds = n_bounds + s_bounds
        system = (a_eq, [0.0, 0.0], a_ub or None, [0.0] * len(a_ub) or None, bounds)
        quarter = rows.get(labels[0])
        room = top
        if quarter is not None and not quarter.suppressed:
            low, high = s_bounds[0]
            room = min(room, high, top * n_bounds[0][0] - low)
        for i, label in enumerate(labels):
            row = rows.get(label)
            if row is None or not row.suppressed:
                continue
            n_low, n_high = _range(_unit(8, i), *system)
            s_low, s_high = _range(_unit(8, 4 + i), *system)
            found.append((f"{stakeholder_id}/{label}", n_high - n_low, s_high - s_low, room))
    return found


def _funder_audit(session) -> list[tuple[str, float, str]]:  # type: ignore[no-untyped-def]
    """(cell, count range, reason) for every hidden district × type cell a funder can see."""
    view = published.funder_summary(session, QUARTER, SETTINGS)
    cells = view.frame.reset_index(drop=True)
    hidden = cells[cells["suppressed"]].reset_index(drop=True)
    if hidden.empty:
        return []
    size = len(hidden)
    k = view.k
    bounds = [((1, k - 1) if r == "few" else (k, None)) for r in hidden["reason"]]
    a_eq, b_eq = [], []
    margins = [("district", view.totals["district"]), ("type", view.totals["type"])]
    for column, totals in margins:
        for label, total in totals.items():
            if total is None:
                continue
            members = hidden[column] == label
            if not members.any():
                continue
            known = cells[(cells[column] == label) & ~cells["suppressed"]]["n_raters"].sum()
            a_eq.append(members.to_numpy(dtype=float))
            b_eq.append(float(total) - float(known))
    if view.totals["all"] is not None:
        a_eq.append(np.ones(size))
        b_eq.append(float(view.totals["all"]) - float(cells["n_raters"].sum()))
    found = []
    for i, row in hidden.iterrows():
        low, high = _range(_unit(size, i), a_eq or None, b_eq or None, None, None, bounds)
        found.append((f"{row['district']}/{row['type']}", high - low, row["reason"]))
    return found


def _unit(size: int, index: int) -> np.ndarray:
    out = np.zeros(size)
    out[index] = 1.0
    return out


@settings(
    max_examples=int(os.environ.get("AWAAZ_AUDIT_EXAMPLES", "12")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(offices=programme)
def test_no_hidden_figure_can_be_narrowed_below_its_protection_interval(app, session, offices):
    _clear(session)
    truth = _seed(session, offices)
    with app.test_request_context("/mis/"):
        staff = {figure: _staff_audit(session, figure) for figure in FIGURES}
        funders = _funder_audit(session)
    for figure, found in staff.items():
        top = FIGURES[figure][3]
        for cell, counts, sums, room in found:
            # Protection is owed to cells below k; a cell hidden only to protect another may
            # be worked out (Tau-Argus and the literature alike), since k survivors stand in it.
            if truth.get(f"{figure} {cell}", 0) >= SETTINGS.k_staff:
                continue
            assert counts >= 1, f"{figure} {cell}: its survivors can be counted exactly"
            assert sums >= min(top, room) - 1e-6, f"{figure} {cell}: narrowed to {sums:.2f}"
            key = f"staff {figure}"
            NARROWEST[f"{key} counts"] = min(NARROWEST.get(f"{key} counts", math.inf), counts)
            if room >= top:
                NARROWEST[f"{key} sums"] = min(NARROWEST.get(f"{key} sums", math.inf), sums)
    level = disclosure.protection_level(SETTINGS.k_funder)
    for cell, counts, reason in funders:
        if reason != "few":
            continue  # hidden to protect another: at least k_funder survivors stand in it
        assert counts >= level, f"{cell}: funder count narrowed to {counts:.1f}"
        NARROWEST["funder counts"] = min(NARROWEST.get("funder counts", math.inf), counts)
    report = os.environ.get("AWAAZ_AUDIT_REPORT")
    if report:  # the narrowest ranges met so far, for the release notes
        with open(report, "w") as out:
            out.write(repr(NARROWEST) + "\n")
