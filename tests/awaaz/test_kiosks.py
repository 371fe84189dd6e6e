"""Each kiosk tablet has an identity of its own: issued when staff switch it on, listed and
stoppable on the console, expiring, its cookie's signature checked before anything is keyed on
it — and a field worker can clear its wrong-code lock-out for the survivor she is helping."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from models import AuditEvent, Kiosk
from models.codes import generate_code
from tests.factories import UserFactory, district


def _switch_on(client, auth, place, email: str = "field@example.org") -> Kiosk:  # type: ignore[no-untyped-def]
    auth.login(email)
    response = client.post("/staff/kiosk", data={"district": place.id, "name": "Canning hall"})
    assert response.status_code == 302
    return client


def _is_kiosk(client) -> bool:  # type: ignore[no-untyped-def]
    return "data-kiosk-idle" in client.get("/bn/").get_data(as_text=True)


def _wrong_codes(client, n: int) -> list[int]:  # type: ignore[no-untyped-def]
    return [client.post("/bn/", data={"code": generate_code()}).status_code for _ in range(n)]


def test_switching_on_issues_a_kiosk_of_its_own(client, auth, session, app):
    place = district("South 24 Parganas")
    UserFactory(email="field@example.org", role="field", district=place)
    _switch_on(client, auth, place)
    kiosk = session.scalars(select(Kiosk)).one()
    assert kiosk.name == "Canning hall" and kiosk.district_id == place.id
    expires = kiosk.expires_at.replace(tzinfo=dt.UTC)
    assert dt.timedelta(days=89) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(days=90)
    assert _is_kiosk(client)
    event = session.scalars(select(AuditEvent).filter_by(action="kiosk.enabled")).one()
    assert event.target_id == str(kiosk.id) and event.actor == "field@example.org"


def test_a_stopped_or_expired_kiosk_is_an_ordinary_browser_that_keeps_its_storage(
    client, auth, session, app
):
    place = district("South 24 Parganas")
    UserFactory(email="field@example.org", role="field", district=place)
    UserFactory(email="staff@example.org", role="staff")
    _switch_on(client, auth, place)
    kiosk = session.scalars(select(Kiosk)).one()
    kiosk.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    session.commit()
    assert not _is_kiosk(client)
    kiosk.expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    session.commit()
    assert _is_kiosk(client)
    # Staff stop it from another browser (the tablet itself holds no staff session).
    other = app.test_client()
    other.post(
        "/staff/login", data={"email": "staff@example.org", "password": "a-long-test-password"}
    )
    assert "Canning hall" in other.get("/staff/kiosks").get_data(as_text=True)
    assert other.post(f"/staff/kiosks/{kiosk.id}/stop").status_code == 303
    assert not _is_kiosk(client)
    # Its outbox may still hold sealed ratings: quick exit must not wipe the storage.
    assert "storage" not in client.get("/exit").headers["Clear-Site-Data"]


def test_a_made_up_kiosk_cookie_buys_no_fresh_allowance(client, app):
    """The wrong-code limit used to be keyed on the cookie's last characters, unverified:
    every invented cookie was a new bucket of guesses."""
    statuses = []
    for i in range(6):
        client.set_cookie("awaaz_kiosk", f"forged-cookie-{i:024d}")
        statuses += _wrong_codes(client, 1)
    assert statuses == [401] * 5 + [429]


def test_a_field_worker_clears_the_lock_out_of_a_tablet_of_her_district(client, auth, session, app):
    place = district("South 24 Parganas")
    UserFactory(email="field@example.org", role="field", district=place)
    UserFactory(email="north@example.org", role="field", district=district("North 24 Parganas"))
    _switch_on(client, auth, place)
    assert _wrong_codes(client, 6) == [401] * 5 + [429]
    # The next survivor's code may be right: she is told to call her didi, not to wait.
    locked = client.post("/en/", data={"code": generate_code()}).get_data(as_text=True)
    assert "Your code may be right: please call your didi" in locked
    kiosk = session.scalars(select(Kiosk)).one()
    didi = app.test_client()
    didi.post(
        "/staff/login", data={"email": "north@example.org", "password": "a-long-test-password"}
    )
    assert didi.post(f"/staff/kiosks/{kiosk.id}/unlock").status_code == 404  # not her district
    assert "Canning hall" not in didi.get("/staff/kiosks").get_data(as_text=True)
    didi.post("/staff/logout")
    didi.post(
        "/staff/login", data={"email": "field@example.org", "password": "a-long-test-password"}
    )
    assert didi.post(f"/staff/kiosks/{kiosk.id}/unlock").status_code == 303
    assert _wrong_codes(client, 1) == [401]  # the tablet takes codes again
    assert session.scalars(select(AuditEvent).filter_by(action="kiosk.unlocked")).one()
