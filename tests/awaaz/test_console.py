"""The staff console as its users use it: enrolment, code cards, revocation, admin pages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from models import (
    AuditEvent,
    Block,
    Rating,
    Role,
    StaffSession,
    Stakeholder,
    StakeholderQuarter,
    StakeholderSuggestion,
    Survivor,
    User,
)
from models.stakeholders import SuggestionStatus
from tests.factories import StakeholderFactory, SurvivorFactory, UserFactory, district, rate

CODE = re.compile(r'<p class="card-code">([A-Z0-9]{5}-[A-Z0-9]{5})</p>')


def actions(session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.fixture
def field(session, auth):
    worker = UserFactory(email="field@example.org", role=Role.FIELD, district=district())
    auth.login("field@example.org")
    return worker


@pytest.fixture
def admin(session, auth):
    user = UserFactory(email="admin@example.org", role=Role.ADMIN)
    auth.login("admin@example.org")
    return user


def test_a_field_worker_issues_codes_and_gets_printable_cards(client, session, field):
    page = client.get("/staff/enrol")
    assert page.status_code == 200 and b"South 24 Parganas" in page.data
    response = client.post("/staff/enrol", data={"district": field.district_id, "count": 3})
    html = response.get_data(as_text=True)
    codes = CODE.findall(html)
    assert len(codes) == 3 and html.count("<svg") == 3  # a QR code on every card
    assert response.headers["Cache-Control"] == "no-store"
    survivors = session.scalars(select(Survivor)).all()
    assert len(survivors) == 3 and all(s.enrolled_by_id == field.id for s in survivors)
    # The codes work on the survivor pages, and only hashes were stored.
    assert client.post("/bn/", data={"code": codes[0]}).status_code == 303
    assert not any(code.replace("-", "") in s.code_hash for s in survivors for code in codes)
    assert "codes.issued" in actions(session)


def test_a_field_worker_cannot_issue_codes_for_another_district(client, session, field):
    other = district("North 24 Parganas")
    response = client.post("/staff/enrol", data={"district": other.id, "count": 2})
    assert response.status_code == 200 and b"card-code" not in response.data
    assert session.scalar(select(func.count()).select_from(Survivor)) == 0


def test_a_field_worker_sees_and_revokes_only_her_districts_enrolments(client, session, field):
    mine = SurvivorFactory()
    north = session.scalars(select(Block).filter_by(name="Bongaon")).first()
    theirs = SurvivorFactory(block=north) if north else None
    listing = client.get("/staff/enrol").get_data(as_text=True)
    assert f"<td>{mine.id}</td>" in listing
    if theirs is not None:
        assert f"<td>{theirs.id}</td>" not in listing
        # Changing the id in the URL reaches nothing: 404, and the code still works.
        assert client.get(f"/staff/enrol/{theirs.id}/revoke").status_code == 404
        assert client.post(f"/staff/enrol/{theirs.id}/revoke").status_code == 404
        assert theirs.revoked_at is None
        assert (
            client.post("/staff/enrol/revoke-code", data={"code": theirs.code}).status_code == 303
        )
        session.refresh(theirs)
        assert theirs.revoked_at is None
    confirm = client.get(f"/staff/enrol/{mine.id}/revoke")
    assert confirm.status_code == 200 and b"cannot be used again" in confirm.data
    session.refresh(mine)
    assert mine.revoked_at is None  # asking is not doing
    assert client.post(f"/staff/enrol/{mine.id}/revoke").status_code == 303
    session.refresh(mine)
    assert mine.revoked_at is not None
    assert client.post("/bn/", data={"code": mine.code}).status_code != 303
    assert "code.revoked" in actions(session)


def test_a_lost_card_is_revoked_by_its_code(client, session, field):
    lost = SurvivorFactory()
    response = client.post("/staff/enrol/revoke-code", data={"code": lost.code.lower()})
    assert response.status_code == 303
    session.refresh(lost)
    assert lost.revoked_at is not None


def test_an_admin_creates_changes_and_disables_a_user(client, session, admin):
    response = client.post(
        "/staff/admin/users",
        data={
            "email": "New.Worker@example.org",
            "role": "field",
            "district": district().id,
            "password": "a-long-first-password",
        },
    )
    assert response.status_code == 303
    user = session.scalars(select(User).filter_by(email="new.worker@example.org")).one()
    assert user.role is Role.FIELD
    response = client.post(
        f"/staff/admin/users/{user.id}", data={"role": "staff", "district": 0, "active": ""}
    )
    assert response.status_code == 303
    session.refresh(user)
    assert user.role is Role.STAFF and not user.active
    assert actions(session)[-2:] == ["user.created", "user.changed"]


def test_a_weak_password_or_duplicate_email_is_explained(client, session, admin):
    response = client.post(
        "/staff/admin/users",
        data={"email": "admin@example.org", "role": "staff", "district": 0, "password": "short"},
    )
    assert response.status_code == 200 and b"already an account" in response.data


def test_an_admin_cannot_lock_herself_out(client, session, admin):
    client.post(f"/staff/admin/users/{admin.id}", data={"role": "staff", "district": 0})
    session.refresh(admin)
    assert admin.role is Role.ADMIN and admin.active


def test_changing_a_role_ends_that_users_sessions(app, client, session, admin):
    other = UserFactory(email="other@example.org", role=Role.STAFF)
    second = app.test_client()
    second.post(
        "/staff/login", data={"email": "other@example.org", "password": "a-long-test-password"}
    )
    assert second.get("/mis/").status_code == 200  # a staff page, signed in
    client.post(
        f"/staff/admin/users/{other.id}", data={"role": "funder", "district": 0, "active": "y"}
    )
    assert second.get("/staff/").status_code == 302  # signed out: the old cookie is dead
    assert (
        session.scalar(select(StaffSession.ended_reason).filter_by(user_id=other.id)) == "changed"
    )


def test_an_admin_adds_edits_and_merges_stakeholders(client, session, admin):
    keep = StakeholderFactory(name="Basanti police station")
    duplicate = StakeholderFactory(name="Basanti PS")
    a, b = SurvivorFactory(), SurvivorFactory()
    rate(keep, a, 80)
    rate(duplicate, a, 60)
    rate(duplicate, b, 40)
    response = client.post(
        f"/staff/admin/stakeholders/{duplicate.id}/merge", data={"target": keep.id}
    )
    assert response.status_code == 303
    session.refresh(duplicate)
    assert duplicate.merged_into_id == keep.id and not duplicate.active
    assert (
        session.scalar(
            select(func.count()).select_from(Rating).where(Rating.stakeholder_id == keep.id)
        )
        == 3
    )
    # Survivor a rated both entries: after the merge she counts once, with her mean.
    row = session.scalars(select(StakeholderQuarter).filter_by(stakeholder_id=keep.id)).one()
    assert row.raters == 2 and row.sum_s == pytest.approx(70 + 40)
    assert "stakeholder.merged" in actions(session)


def test_survivors_suggestions_are_added_to_the_registry(client, session, admin):
    place = district()
    police = StakeholderFactory()
    suggestion = StakeholderSuggestion(
        type_id=police.type_id, district_id=place.id, text="Jharkhali coastal police"
    )
    session.add(suggestion)
    session.flush()
    page = client.get("/staff/admin/suggestions")
    assert b"Jharkhali coastal police" in page.data
    response = client.post("/staff/admin/suggestions", data={"id": suggestion.id, "action": "add"})
    assert response.status_code == 303
    session.refresh(suggestion)
    assert suggestion.status is SuggestionStatus.ADDED
    added = session.get(Stakeholder, suggestion.stakeholder_id)
    assert added.name == "Jharkhali coastal police" and added.district_id == place.id


def test_settings_can_raise_thresholds_but_never_lower_them(client, session, admin, app):
    form = {
        "k_staff": 3,
        "k_funder": 20,
        "comment_retention_days": 90,
        "rating_retention_days": 0,
        "alert_score": 20,
    }
    response = client.post("/staff/admin/settings", data=form)
    assert response.status_code == 200 and b"at least 5" in response.data
    response = client.post("/staff/admin/settings", data={**form, "k_staff": 8})
    assert response.status_code == 303
    from mis.engine import Settings

    settings = Settings.from_config(app.config, session)
    assert settings.k_staff == 8 and settings.k_funder == 20
    assert "settings.changed" in actions(session)


def test_the_audit_page_lists_and_filters_events(client, session, admin):
    client.post("/staff/admin/users", data={"email": "bad"})
    page = client.get("/staff/admin/audit?action=login").get_data(as_text=True)
    assert "login.succeeded" in page and "admin@example.org" in page
    assert "user.created" not in page
    assert actions(session)[-1] == "audit.viewed"
