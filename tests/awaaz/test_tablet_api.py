"""`POST /api/v1/tablet/ratings` as a kiosk tablet — and its thief — use it.

The tablet's outbox keeps a rating until our server answers for that UUID, so the answers
must be exact: stored, already stored, or refused with a reason a field worker can act on.
Whoever takes a tablet holds its cookie and its outbox: replaying an envelope must tell
nothing of what it holds. Ratings finished long ago meet a changed world (a deactivated
office, a tablet clock in 1970, a rotated key, the retention purge) and are still stored,
each once.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from sqlalchemy import func, select

from awaaz.security import sealing
from awaaz.security.sealing import KeyRing, seal
from feedback.services import PROGRAMME_TIMEZONE
from models import Alert, AuditEvent, District, ErasedRating, Rating, Role, Stakeholder
from models import settings as programme
from models.codes import generate_code
from tests.factories import POLICE_ANSWERS, StakeholderFactory, SurvivorFactory, UserFactory

TABLET = {"X-Awaaz-Tablet": "1"}
SEND = "/api/v1/tablet/ratings"


@pytest.fixture
def kiosk(client, auth, session):
    """This test client as a kiosk tablet that staff switched on for South 24 Parganas."""
    place = session.scalars(select(District).filter_by(name="South 24 Parganas")).one()
    UserFactory(email="field@example.org", role=Role.FIELD, district=place)
    auth.login("field@example.org")
    assert client.post("/staff/kiosk", data={"district": place.id}).status_code == 302
    return client


def _sealed(app, payload: dict, public_key: str | None = None, **outside) -> dict:
    """An envelope as tablet.js makes it (padded, naming its key)."""
    public = public_key or app.config["AWAAZ_TABLET_PUBLIC_KEY"]
    envelope = seal(public, json.dumps(payload, ensure_ascii=False).encode())
    return {"client_uuid": payload["client_uuid"], **envelope, **outside}


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(Rating))


def _reply(response) -> dict:
    return response.get_json()


def test_stored_once_and_every_answer_names_only_the_uuid_and_status(app, kiosk, session, payload):
    body = _sealed(app, payload)
    first = kiosk.post(SEND, json=body, headers=TABLET)
    assert first.status_code == 201
    assert _reply(first) == {
        "client_uuid": payload["client_uuid"],
        "status": "stored",
        "reason": None,
    }
    # A thief replaying a captured envelope learns that it was stored, which he knew: not
    # whom she rated, for what, or when.
    again = kiosk.post(SEND, json=body, headers=TABLET)
    assert again.status_code == 200
    assert _reply(again) == {
        "client_uuid": payload["client_uuid"],
        "status": "already_stored",
        "reason": None,
    }
    assert _count(session) == 1
    assert session.scalars(select(Rating)).one().channel == "kiosk"


def test_the_kiosk_cookie_and_the_header_are_needed(app, client, kiosk, session, payload):
    body = _sealed(app, payload)
    refused = kiosk.post(SEND, json=body)
    assert refused.status_code == 403 and "status" not in _reply(refused)  # the tablet keeps it
    client.delete_cookie("awaaz_kiosk")
    assert client.post(SEND, json=body, headers=TABLET).status_code == 403
    assert _count(session) == 0


def test_envelopes_are_the_same_size_whatever_they_hold(app, payload):
    short = _sealed(app, payload)
    long = _sealed(app, payload | {"comment": "অনেক কথা " * 200, "answers": {"overall": "1"}})
    assert len(short["data"]) == len(long["data"])
    assert len(sealing.pad(b"x")) == sealing.PADDED_SIZE


@pytest.mark.parametrize("what", ["altered", "unknown_key", "other_uuid"])
def test_what_cannot_be_opened_is_refused_with_its_reason(app, auth, kiosk, session, payload, what):
    body = _sealed(app, payload)
    if what == "altered":
        body["data"] = body["data"][:-8] + "AAAAAAA="
    elif what == "unknown_key":
        body = _sealed(app, payload, sealing.public_key(sealing.new_private_key()))
    else:
        body["client_uuid"] = str(uuid.uuid4())
    response = kiosk.post(SEND, json=body, headers=TABLET)
    assert response.status_code == 422
    expected = "invalid" if what == "other_uuid" else "key"
    assert _reply(response) == {
        "client_uuid": body["client_uuid"],
        "status": "refused",
        "reason": expected,
    }
    assert _count(session) == 0
    event = session.scalars(select(AuditEvent).filter_by(action="tablet.refused")).one()
    assert event.detail == {"reason": expected}  # the kind of refusal, nothing of the rating
    # Staff see it on the kiosks page, counted for this tablet.
    auth.login("field@example.org")
    page = kiosk.get("/staff/kiosks").get_data(as_text=True)
    assert "Refused (30 days)" in page and "<td>1</td>" in page


def test_old_keys_open_what_tablets_sealed_before_a_rotation(app, kiosk, session, payload):
    old = app.config["AWAAZ_TABLET_KEYRING"].current
    old_public = app.config["AWAAZ_TABLET_PUBLIC_KEY"]
    app.config["AWAAZ_TABLET_KEYRING"] = KeyRing(sealing.new_private_key(), (old,))
    body = _sealed(app, payload, old_public)
    assert body["kid"] == sealing.key_id(old)
    assert kiosk.post(SEND, json=body, headers=TABLET).status_code == 201
    # …and an envelope from a tablet of before key ids: unpadded, no kid.
    second = payload | {"client_uuid": str(uuid.uuid4())}
    v1 = seal(old_public, json.dumps(second).encode(), padded=False)
    response = kiosk.post(SEND, json={"client_uuid": second["client_uuid"], **v1}, headers=TABLET)
    assert response.status_code == 201
    assert _count(session) == 2


def test_the_rotation_command_keeps_the_old_key(tmp_path):
    first = sealing.instance_key(tmp_path)
    before, after = sealing.rotate(tmp_path)
    assert before == sealing.key_id(first) and after != before
    assert sealing.instance_old_keys(tmp_path) == [first]
    assert (tmp_path / "tablet_key.pem").stat().st_mode & 0o077 == 0
    assert (tmp_path / "tablet_keys_old.pem").stat().st_mode & 0o077 == 0


def test_an_office_of_another_district_is_refused(app, kiosk, session, payload):
    north = StakeholderFactory(type_code="police", block_name="Barasat I")
    assert north.district.name == "North 24 Parganas"
    response = kiosk.post(
        SEND, json=_sealed(app, payload | {"stakeholder_id": north.id}), headers=TABLET
    )
    assert _reply(response)["reason"] == "stakeholder"
    assert _count(session) == 0


def test_an_office_deactivated_or_merged_since_she_rated_still_gets_her_rating(
    app, kiosk, session, payload
):
    office = session.get(Stakeholder, payload["stakeholder_id"])
    office.active = False
    session.commit()
    assert kiosk.post(SEND, json=_sealed(app, payload), headers=TABLET).status_code == 201
    into = StakeholderFactory(type_code="police")
    office.merged_into_id = into.id
    session.commit()
    merged = payload | {"client_uuid": str(uuid.uuid4())}
    assert kiosk.post(SEND, json=_sealed(app, merged), headers=TABLET).status_code == 201
    stored = session.scalars(
        select(Rating).filter_by(client_uuid=uuid.UUID(merged["client_uuid"]))
    ).one()
    assert stored.stakeholder_id == into.id


@pytest.mark.parametrize("days", ["5000", "2.5", "-1"])
def test_an_odd_answer_is_left_out_not_her_whole_rating(app, kiosk, session, payload, days):
    odd = payload | {"answers": POLICE_ANSWERS | {"days": days, "gone": "1"}}
    assert kiosk.post(SEND, json=_sealed(app, odd), headers=TABLET).status_code == 201
    rating = session.scalars(select(Rating)).one()
    assert rating.days_taken is None and rating.score is not None


def _india_month(moment: dt.datetime, back: int = 0) -> str:
    day = moment.astimezone(PROGRAMME_TIMEZONE).date()
    index = day.year * 12 + day.month - 1 - back
    return f"{index // 12}-{index % 12 + 1:02d}"


@pytest.mark.parametrize(
    ("when", "sealed_at", "sent_at", "ago", "back"),
    [
        # A tablet reset to 1970: its clock is wrong, the hour between is right.
        ("this_month", 0, 3_600_000, dt.timedelta(hours=1), 0),
        # A tablet whose clock runs years ahead, sent forty days later.
        (
            "last_month",
            1_900_000_000_000,
            1_900_000_000_000 + 40 * 86_400_000,
            dt.timedelta(days=40),
            1,
        ),
        # The clock set back between sealing and sending: the time between is unknown.
        ("earlier", 1_800_000_000_000, 1_700_000_000_000, dt.timedelta(0), 2),
    ],
)
def test_the_month_is_told_by_the_servers_clock_in_india(
    app, kiosk, session, payload, when, sealed_at, sent_at, ago, back
):
    rating = payload | {"when": when, "sealed_at": sealed_at, "month": "1970-01"}
    response = kiosk.post(SEND, json=_sealed(app, rating, sent_at=sent_at), headers=TABLET)
    assert response.status_code == 201, response.get_json()
    stored = session.scalars(select(Rating)).one()
    expected = _india_month(dt.datetime.now(dt.UTC) - ago, back)
    assert stored.month.strftime("%Y-%m") == expected


def test_an_older_tablets_month_ahead_of_the_server_is_taken_as_this_month(
    app, kiosk, session, payload
):
    ahead = (dt.date.today() + dt.timedelta(days=62)).strftime("%Y-%m")
    assert (
        kiosk.post(SEND, json=_sealed(app, payload | {"month": ahead}), headers=TABLET).status_code
        == 201
    )
    stored = session.scalars(select(Rating)).one()
    assert stored.month.strftime("%Y-%m") == _india_month(dt.datetime.now(dt.UTC))


def test_a_wrong_code_or_another_districts_survivor_is_refused_alike(app, kiosk, session, payload):
    north = SurvivorFactory(block=_block(session, "Barasat I"))
    made_up = kiosk.post(
        SEND, json=_sealed(app, payload | {"survivor_code": generate_code()}), headers=TABLET
    )
    other = kiosk.post(
        SEND,
        json=_sealed(
            app, payload | {"client_uuid": str(uuid.uuid4()), "survivor_code": north.code}
        ),
        headers=TABLET,
    )
    assert _reply(made_up)["reason"] == _reply(other)["reason"] == "code"
    assert _count(session) == 0


def _block(session, name):
    from models import Block

    return session.scalars(select(Block).filter_by(name=name)).one()


def test_a_replay_after_the_purge_is_not_stored_again(app, kiosk, session, payload):
    """A tablet offline for months sends a rating the retention purge has since erased."""
    from awaaz.ops.lifecycle import purge

    unsafe = payload | {"felt_unsafe": True}
    body = _sealed(app, unsafe)
    assert kiosk.post(SEND, json=body, headers=TABLET).status_code == 201
    alerts = session.scalar(select(func.count()).select_from(Alert))
    programme.write_int(session, programme.RATING_RETENTION_DAYS, 31)
    session.commit()
    purge(session, dt.datetime.now(dt.UTC) + dt.timedelta(days=400))
    session.commit()
    assert _count(session) == 0
    assert session.get(ErasedRating, uuid.UUID(payload["client_uuid"])) is not None
    again = kiosk.post(SEND, json=body, headers=TABLET)
    assert again.status_code == 200 and _reply(again)["status"] == "already_stored"
    assert _count(session) == 0
    assert session.scalar(select(func.count()).select_from(Alert)) == alerts


def test_the_api_answers_gone_for_an_erased_uuid(client, session, payload):
    from awaaz.security.devices import issue_token

    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {issue_token(session, 't', None)[1]}"
    session.add(ErasedRating(client_uuid=uuid.UUID(payload["client_uuid"])))
    session.commit()
    response = client.post("/api/v1/ratings", json=payload)
    assert response.status_code == 410 and _count(session) == 0


def test_nothing_clears_a_tablets_storage_or_cookies_while_it_may_hold_ratings(kiosk, client):
    # Clear-Site-Data "storage" would wipe the outbox; "cookies" the kiosk cookie and the
    # outbox mark, and with them what keeps the next quick exit from wiping it.
    header = kiosk.get("/exit").headers["Clear-Site-Data"]
    assert '"cache"' in header and "storage" not in header and "cookies" not in header
    # The kiosk cookie dead (a changed secret, a stopped kiosk, a sign-out elsewhere), the
    # tablet's own mark that its outbox is not empty still keeps it.
    client.delete_cookie("awaaz_kiosk")
    client.set_cookie("awaaz_outbox", "1")
    assert "storage" not in client.get("/exit").headers["Clear-Site-Data"]
    assert "cookies" not in client.post("/staff/logout").headers["Clear-Site-Data"]
    client.delete_cookie("awaaz_outbox")
    assert "storage" in client.get("/exit").headers["Clear-Site-Data"]  # a phone: forget it all


def test_a_resend_judged_at_another_time_is_still_the_same_rating(app, kiosk, session, payload):
    """The answer to the first send was lost; the resend's clock reading differs (a month
    boundary passed, or the tablet's clock was set meanwhile): still already stored."""
    rating = payload | {"when": "this_month", "sealed_at": 1_000}
    body = _sealed(app, rating, sent_at=2_000)
    assert kiosk.post(SEND, json=body, headers=TABLET).status_code == 201
    later = body | {"sent_at": 1_000 + 45 * 86_400_000}
    again = kiosk.post(SEND, json=later, headers=TABLET)
    assert again.status_code == 200 and _reply(again)["status"] == "already_stored"
    assert _count(session) == 1


def test_a_tablet_checks_a_code_while_it_has_a_network(kiosk, client, session, payload):
    check = "/api/v1/tablet/check-code"
    known = kiosk.post(check, json={"survivor_code": payload["survivor_code"]}, headers=TABLET)
    assert known.status_code == 200
    assert _reply(known) == {"known": True, "reason": None, "forms": None}
    # A boy is addressed as one on the tablet too (feedback/wording.py).
    boy = SurvivorFactory(block=_block(session, "Canning I"), masculine_forms=True)
    as_boy = kiosk.post(check, json={"survivor_code": boy.code}, headers=TABLET)
    assert _reply(as_boy) == {"known": True, "reason": None, "forms": "boy"}
    made_up = kiosk.post(check, json={"survivor_code": generate_code()}, headers=TABLET)
    north = SurvivorFactory(block=_block(session, "Barasat I"))
    other = kiosk.post(check, json={"survivor_code": north.code}, headers=TABLET)
    # Another district's survivor is answered as a code nobody holds.
    assert made_up.status_code == other.status_code == 422
    assert _reply(made_up) == _reply(other) == {"known": False, "reason": "code", "forms": None}
    client.delete_cookie("awaaz_kiosk")
    refused = client.post(check, json={"survivor_code": payload["survivor_code"]}, headers=TABLET)
    assert refused.status_code == 403


def test_the_pack_carries_a_boys_words_only_where_they_differ(kiosk, session):
    StakeholderFactory(type_code="police", block_name="Canning I")
    hi = kiosk.get("/tablet/pack-hi.json").get_json()
    assert hi["strings"]["whom"] == "आप किससे मिलीं?"
    assert hi["boy"]["strings"]["whom"] == "आप किससे मिले?"
    assert "search" not in hi["boy"]["strings"]  # words that do not change stay out
    assert hi["boy"]["questions"]["police"]["helped"] == "जिस मदद के लिए गए थे, क्या वो मिली?"
    bn = kiosk.get("/tablet/pack-bn.json").get_json()
    assert bn["boy"] == {"strings": {}, "questions": {}}  # Bengali verbs do not change
