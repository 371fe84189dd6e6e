"""The funder suppression pattern against an outside engine: Tau-Argus (pytauargus, HiGHS).

Both protect the same district × type tables of survivor counts with the frequency rule at
k_funder. They must agree on the primary cells; their secondary patterns may differ (each
solver picks its own complements). Both patterns are audited by one LP: Tau-Argus's leaves
no hidden cell exactly recoverable from the totals; ours also holds when the attacker reads
our legend (why each blank is blank: below k, or hidden for another), a stricter attacker
than Tau-Argus plans for; and ours hides at most twice the survivors Tau-Argus's optimal
pattern hides.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mis import disclosure

pytauargus = pytest.importorskip("pytauargus")

K = 11
TABLES = {
    "one small cell": {
        ("D1", "police"): 3,
        ("D1", "bdo"): 20,
        ("D1", "cwc"): 15,
        ("D2", "police"): 25,
        ("D2", "bdo"): 4,
        ("D2", "cwc"): 30,
        ("D3", "police"): 14,
        ("D3", "bdo"): 18,
        ("D3", "cwc"): 12,
    },
    "a small row": {
        ("D1", "police"): 2,
        ("D1", "hospital"): 6,
        ("D1", "lawyer"): 9,
        ("D2", "police"): 40,
        ("D2", "hospital"): 31,
        ("D2", "lawyer"): 22,
    },
    "scattered": {
        ("D1", "police"): 12,
        ("D1", "hospital"): 5,
        ("D1", "lawyer"): 30,
        ("D1", "cwc"): 17,
        ("D2", "police"): 26,
        ("D2", "hospital"): 19,
        ("D2", "lawyer"): 8,
        ("D2", "cwc"): 23,
    },
}


def _grid(cells: dict) -> pd.DataFrame:
    frame = pd.Series(cells).unstack(fill_value=0)
    return frame.astype(int)


def _tauargus(cells: dict, workdir) -> tuple[set, set]:  # type: ignore[no-untyped-def]
    """(primary, all hidden) cells as Tau-Argus chooses them with FREQ(k) and OPT."""
    rows = []
    for (district, kind), n in cells.items():
        rows += [{"district": district, "type": kind, "one": 1.0}] * n
    result = pytauargus.protect(
        pd.DataFrame(rows),
        ["district", "type"],
        response="one",
        safety_rules=f"FREQ({K},30)",
        suppress="OPT(1)",
        workdir=str(workdir),
    )
    table = result.tables[0].dataframe()
    inner = table[(table["district"] != "Total") & (table["type"] != "Total")]
    inner = inner.assign(district=inner["district"].str.strip(), type=inner["type"].str.strip())
    primary = {(r.district, r.type) for r in inner.itertuples() if r.status == "U"}
    hidden = {(r.district, r.type) for r in inner.itertuples() if r.status in ("U", "M")}
    return primary, hidden


def _audit(grid: pd.DataFrame, hidden: set, legend: bool = True) -> float:
    mask = np.array([[(d, t) in hidden for t in grid.columns] for d in grid.index])
    known = np.ones(len(grid.index), bool), np.ones(len(grid.columns), bool)
    k = K if legend else None
    found = disclosure.feasible_ranges(grid.to_numpy(float), mask, *known, k, all_known=True)
    return min((high - low for _r, _c, low, high in found), default=np.inf)


@pytest.mark.parametrize("name", TABLES)
def test_our_pattern_and_tau_argus_agree(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the engine's solver writes its own files where it runs
    cells = TABLES[name]
    grid = _grid(cells)
    ours, rows, columns, grand = disclosure.protect(grid, K)
    our_hidden = {(d, t) for d in grid.index for t in grid.columns if ours.loc[d, t]}
    primary, theirs = _tauargus(cells, tmp_path)
    assert primary == {c for c, n in cells.items() if 0 < n < K}
    assert primary <= our_hidden
    level = disclosure.protection_level(K)
    assert _audit(grid, theirs, legend=False) > 0  # Tau-Argus: nothing recoverable exactly
    assert not rows and not columns and grand  # no total had to be withheld here
    assert _audit(grid, our_hidden) >= level
    lost_ours = sum(cells[c] for c in our_hidden)
    lost_theirs = sum(cells[c] for c in theirs)
    assert lost_ours <= 2 * lost_theirs, (sorted(our_hidden), sorted(theirs))
