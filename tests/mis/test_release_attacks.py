"""The review's attacks on the MIS, written as the attacker ran them, against releases.

Each test signs in as an ordinary staff member or funder, downloads what that account can
(CSV exports for every filter, the API, the dashboard's own JSON feed), and tries to recover
a hidden figure. The strongest form: two programmes that differ *only* in a hidden cell must
give byte-identical downloads — then no combination of them can tell the two apart.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from sqlalchemy import select

from mis import releases
from mis.periods import Period
from models import District, Rating, Role, StakeholderType
from models.ratings import rebuild_derived
from tests.dash import tab_request
from tests.factories import StakeholderFactory, SurvivorFactory, UserFactory, rate

QUARTER = "2026Q3"
JULY, AUGUST, SEPTEMBER = dt.date(2026, 7, 1), dt.date(2026, 8, 1), dt.date(2026, 9, 1)
TABS = ["overview", "league", "funnel", "heatmap", "best"]


def sign_in(client, auth, role):  # type: ignore[no-untyped-def]
    UserFactory(email=f"{role}@example.org", role=role)
    auth.login(f"{role}@example.org")


def _rate(office, score, raters, month=AUGUST, **columns):  # type: ignore[no-untyped-def]
    for _ in range(raters):
        rate(office, SurvivorFactory(), score, month=month, **columns)


def dash(client, tab, period=QUARTER, type_id=None, district=None):  # type: ignore[no-untyped-def]
    """The dashboard's own JSON feed for one tab and filter, as the browser asks for it."""
    body = tab_request(tab, period, type_id, district)
    response = client.post("/mis/_dash-update-component", json=body)
    assert response.status_code == 200
    return json.dumps(response.get_json(), sort_keys=True)


def everything_staff_can_download(client, session, periods=(QUARTER,)):  # type: ignore[no-untyped-def]
    """Every export, API answer and dashboard payload, for every type and district filter."""
    types = session.execute(select(StakeholderType.id, StakeholderType.code)).all()
    districts = session.scalars(select(District.id)).all()
    found = {}
    for period in periods:
        for type_id, code in [(None, None), *types]:
            for district in [None, *districts]:
                query = f"period={period}" + (f"&type={code}" if code else "")
                query += f"&district={district}" if district else ""
                for path in ("/mis/export/league-table.csv", "/api/v1/league-table"):
                    response = client.get(f"{path}?{query}")
                    found[(path, query)] = response.get_data(as_text=True)
                for tab in TABS:
                    found[(tab, period, type_id, district)] = dash(
                        client, tab, period, type_id, district
                    )
    return found


def _build(session):  # type: ignore[no-untyped-def]
    from mis.engine import Settings

    releases.build_quarter(session, Period.parse(QUARTER), Settings(), dt.date(2026, 11, 1))


def _programme(session, hidden_scores):  # type: ignore[no-untyped-def]
    """Two police stations anyone may see, one that only two survivors rated."""
    seen = [StakeholderFactory(name=f"Station {n}") for n in range(3)]
    for office, score in zip(seen, (40, 60, 80), strict=True):
        _rate(office, score, 7)
    hidden = StakeholderFactory(name="Small station")
    for score in hidden_scores:
        rate(hidden, SurvivorFactory(), score, month=AUGUST)
    _build(session)
    return hidden


@pytest.fixture
def staff(client, auth):
    sign_in(client, auth, Role.STAFF)


def test_type_means_funnel_and_cards_ignore_a_hidden_stakeholder(app, client, auth, session):
    """Classes 1, 2 and 4: statistics over a set that includes a hidden stakeholder, the
    headline cards, item cells. Downloads are the same whatever the hidden survivors said."""
    sign_in(client, auth, Role.STAFF)
    hidden = _programme(session, [0, 0])
    harsh = everything_staff_can_download(client, session)
    # The same programme, but the two hidden survivors were kind: their ratings change, the
    # derived sums and the release are made again.
    for rating in session.scalars(select(Rating).filter_by(stakeholder_id=hidden.id)):
        rating.score = 100.0
    rebuild_derived(session)
    _build(session)
    kind = everything_staff_can_download(client, session)
    assert harsh.keys() == kind.keys()
    differing = [key for key in harsh if harsh[key] != kind[key]]
    assert differing == []


def test_all_types_is_exactly_the_sum_of_the_types(client, session, staff):
    """Class 2: 'all types' minus the per-type cards gave a hidden stakeholder's n."""
    police = _programme(session, [50])
    hospital = StakeholderFactory(type_code="hospital")
    _rate(hospital, 70, 6)
    _build(session)
    from mis import published
    from mis.engine import Settings
    from mis.queries import Scope

    period = Period.parse(QUARTER)
    whole = published.overview(session, period, Settings()).frame.iloc[0]
    parts = [
        published.overview(session, period, Settings(), Scope(type_id=t)).frame.iloc[0]
        for t in (police.type_id, hospital.type_id)
    ]
    for figure in ("n_raters", "ratings", "stakeholders"):
        assert whole[figure] == sum(p[figure] for p in parts)
    assert whole["n_raters"] == 7 * 3 + 6  # the single hidden rater is in no card


def test_a_quarter_minus_its_months_finds_no_hidden_month(client, session, staff):
    """Class 3: quarter minus the visible months gave a month one survivor rated."""
    office = StakeholderFactory()
    _rate(office, 70, 6, month=JULY)
    _rate(office, 10, 1, month=AUGUST)  # the lone survivor
    _rate(office, 70, 6, month=SEPTEMBER)
    _build(session)
    quarter = client.get(f"/api/v1/league-table?period={QUARTER}").get_json()["rows"]
    assert quarter[0]["n_raters"] == 13  # the quarter is shown...
    for month in ("2026-07", "2026-08", "2026-09"):  # ...so none of its months is
        (row,) = client.get(f"/api/v1/league-table?period={month}").get_json()["rows"]
        assert row["suppressed"] and row["n_raters"] is None and row["score"] is None


def test_an_item_answered_by_one_survivor_is_hidden(client, session, staff):
    """Class 4: 'asked for money: 100%' and 'median days: 45' when one survivor answered."""
    office = StakeholderFactory()
    _rate(office, 70, 6, asked_money=None, days_taken=None, fully_helped=True)
    rate(office, SurvivorFactory(), 20, month=AUGUST, asked_money=True, days_taken=45)
    _build(session)
    from mis import published
    from mis.engine import Settings

    row = published.indicators(session, Period.parse(QUARTER), Settings()).frame.iloc[0]
    assert row["n_raters"] == 7 and row["share_helped"] == 1.0  # six answered: shown
    assert row["share_money"] != row["share_money"]  # NaN: one answer
    assert row["median_days"] != row["median_days"]
    page = dash(client, "league")
    assert "45" not in json.dumps([c for c in json.loads(page) if "median" in str(c)])


def _funder_programme(session):  # type: ignore[no-untyped-def]
    """Two districts × three types; one cell of six survivors (shown to staff, not to
    funders), the rest large."""
    from sqlalchemy import select as sel

    from models import Block

    blocks = {
        "South": session.scalars(sel(Block).filter_by(name="Basanti")).one(),
        "North": session.scalars(sel(Block).filter_by(name="Habra I")).one(),
    }
    sizes = {
        ("South", "police"): 6,
        ("South", "hospital"): 14,
        ("South", "bdo"): 20,
        ("North", "police"): 16,
        ("North", "hospital"): 25,
        ("North", "bdo"): 12,
    }
    for (where, kind), n in sizes.items():
        office = StakeholderFactory(type_code=kind, block_name=blocks[where].name)
        _rate(office, 60, n)
    _build(session)
    releases.approve(session, Period.parse(QUARTER), None)
    return sizes


def test_funder_downloads_filtered_any_way_hide_the_same_cells(client, auth, session):
    """Class 5: each filter chose its own pattern, and subtraction found a small cell."""
    _funder_programme(session)
    sign_in(client, auth, Role.FUNDER)
    import csv
    import io

    def cells(query: str) -> dict:
        text = client.get(f"/mis/export/funder-summary.csv?period={QUARTER}{query}").get_data(
            as_text=True
        )
        return {(r["district"], r["type"]): r for r in csv.DictReader(io.StringIO(text))}

    whole = cells("")
    hidden = {key for key, row in whole.items() if row["suppressed"] == "true"}
    assert ("South 24 Parganas", "police") in hidden and len(hidden) >= 4
    for query in ("&type=police", "&type=hospital", "&type=bdo", "&district=1", "&district=2"):
        for key, row in cells(query).items():
            assert (row["suppressed"] == "true") == (key in hidden), (query, key)
            assert row == whole[key]


def test_a_quarter_still_filling_is_shown_to_nobody(client, auth, session):
    """Class 6: download before and after one new rating; the difference is her rating."""
    today = dt.date.today()
    current = Period.quarter_of(today)
    office = StakeholderFactory()
    _rate(office, 70, 8, month=today.replace(day=1))
    sign_in(client, auth, Role.STAFF)
    assert client.get(f"/mis/export/league-table.csv?period={current}").status_code == 404
    assert client.get(f"/api/v1/league-table?period={current}").status_code == 404
    assert client.get(f"/mis/export/funder-summary.csv?period={current}").status_code == 404


def test_a_closed_release_does_not_move_when_a_late_rating_arrives(client, session, staff):
    """Class 6, at a later time: the same download before and after a late paper form."""
    office = StakeholderFactory()
    _rate(office, 70, 8)
    _build(session)
    before = client.get(f"/mis/export/league-table.csv?period={QUARTER}").data
    rate(office, SurvivorFactory(), 0, month=AUGUST)  # a late paper form
    after = client.get(f"/mis/export/league-table.csv?period={QUARTER}").data
    assert before == after


def test_a_rebuild_keeps_hidden_what_an_older_release_hid(session):
    """Two downloads of one quarter, before and after a rebuild, cannot be differenced."""
    from mis.engine import Settings

    office = StakeholderFactory()
    _rate(office, 70, 3)
    first, _funders = releases.build_quarter(
        session, Period.parse(QUARTER), Settings(), dt.date(2026, 11, 1)
    )
    _rate(office, 70, 3)  # late paper forms bring it to six
    second, _funders = releases.build_quarter(
        session, Period.parse(QUARTER), Settings(), dt.date(2026, 11, 1)
    )
    rows = releases.table(session, second, "stakeholders")
    assert rows[rows["grain"] == "quarter"]["suppressed"].all()
    assert first.status == "superseded"


def test_every_figure_leaves_as_a_whole_number(client, session, staff):
    """Precision is a channel: no score, mean or limit with decimals in any download."""
    _programme(session, [30])
    for key, text in everything_staff_can_download(client, session).items():
        if key[0] in ("/mis/export/league-table.csv", "/api/v1/league-table"):
            for number in _numbers(text):
                assert float(number).is_integer() or abs(float(number)) <= 1, (key, number)


def _numbers(text: str) -> list[str]:
    import re

    return re.findall(r"(?<![\w.])-?\d+\.\d+", text)


def test_services_never_leave_one_small_cell_alone_in_a_row(session):
    """Services split ratings the league table already counts: within a type and district,
    one hidden service could be found as the shown stakeholders' total minus the others."""
    from mis import disclosure, published
    from mis.engine import Settings

    office = StakeholderFactory()
    for _ in range(9):
        rate(office, SurvivorFactory(), 70, month=AUGUST, service_code="documents")
    for _ in range(3):
        rate(office, SurvivorFactory(), 20, month=AUGUST, service_code="compensation")
    _build(session)
    cells = published.services(session, Period.parse(QUARTER), Settings()).frame
    assert len(cells) == 2 and cells["suppressed"].all()  # the three, and the nine with them
    assert cells["n_raters"].isna().all() and cells["share_full"].isna().all()
    # The attacker's view of the row: its total (12) from the league table, both cells blank.
    grid = np.array([[9.0, 3.0]])
    found = disclosure.feasible_ranges(grid, grid > 0, np.array([True]), np.array([False, False]))
    assert min(high - low for _r, _c, low, high in found) >= disclosure.protection_level(5)
