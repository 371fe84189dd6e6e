"""Safeguarding alerts: each trigger, the consent rule for showing who she is, the audit of
every view, the queue's work (status, assignee, notes), the admins' danger-word list, and
actions with their public "you said, we did" summaries."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from feedback.services import submit_rating
from models import (
    Action,
    ActionKind,
    Alert,
    AlertStatus,
    AuditEvent,
    Block,
    DangerWord,
    Role,
)
from models.safeguarding import danger_pattern
from tests.factories import (
    POLICE_ANSWERS,
    StakeholderFactory,
    SurvivorFactory,
    UserFactory,
    submission,
)
from tests.feedback.test_flow import answers_form, reach_questions

WORST = {
    "respect": "1",
    "complaint_written": "no",
    "woman_officer": "no",
    "private": "no",
    "money": "no",
    "helped": "no",
    "days": "40",
    "overall": "1",
}


def _alerts(session) -> list[Alert]:
    return list(session.scalars(select(Alert).order_by(Alert.id)))


def _audit(session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).filter_by(action=action)))


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"answers": {**POLICE_ANSWERS, "money": "yes"}}, "money"),
        ({"felt_unsafe": True}, "unsafe"),
        ({"answers": WORST}, "low_score"),
        ({"comment": "The constable threatened my brother", "language": "en"}, "danger_words"),
        ({"comment": "থানার বাবু হুমকি দিয়েছে", "language": "bn"}, "danger_words"),
        ({"comment": "दलाल फिर से घर आया था", "language": "hi"}, "danger_words"),
    ],
)
def test_each_trigger_raises_an_alert(session, overrides, reason):
    rating = submit_rating(
        session, submission(SurvivorFactory(), StakeholderFactory(), **overrides)
    ).rating
    (alert,) = _alerts(session)
    assert alert.reasons.split(",") == [reason]
    assert alert.stakeholder_id == rating.stakeholder_id and alert.status is AlertStatus.NEW


def test_an_ordinary_rating_raises_none(session):
    submit_rating(
        session,
        submission(SurvivorFactory(), StakeholderFactory(), comment="They were kind to me"),
    )
    assert _alerts(session) == []


def test_the_low_score_line_is_an_admin_setting(session):
    from models import settings as programme

    office = StakeholderFactory()
    first = submit_rating(session, submission(SurvivorFactory(), office, answers=WORST)).rating
    assert 0 < first.score <= 20 and [a.reasons for a in _alerts(session)] == ["low_score"]
    programme.write_int(session, programme.ALERT_SCORE, int(first.score) - 1)
    submit_rating(session, submission(SurvivorFactory(), office, answers=WORST))
    assert len(_alerts(session)) == 1


def test_danger_words_match_inflections_but_not_inside_english_words():
    pattern = danger_pattern(["threat", "হুমকি", "डर", "hit me"])
    assert pattern.search("he THREATENED us")
    assert pattern.search("হুমকিও দিয়েছে")
    assert pattern.search("मुझे डर लगता है")
    assert pattern.search("he  hit   me")
    assert not pattern.search("a white hat")
    assert not pattern.search("unthreatening words")  # English words match at their start
    assert danger_pattern([]) is None


def test_without_consent_the_alert_is_about_the_stakeholder_only(session):
    worker = UserFactory(role=Role.FIELD)
    survivor = SurvivorFactory(enrolled_by_id=worker.id)
    submit_rating(session, submission(survivor, StakeholderFactory(), felt_unsafe=True))
    (alert,) = _alerts(session)
    assert alert.survivor_id is None and alert.rating_id is None
    assert alert.field_worker_id is None


@pytest.fixture
def consented(session):
    """An alert from a survivor who asked her field worker to contact her."""
    worker = UserFactory(email="didi@example.org", role=Role.FIELD)
    survivor = SurvivorFactory(enrolled_by_id=worker.id)
    submit_rating(
        session,
        submission(
            survivor,
            StakeholderFactory(name="Basanti police station"),
            felt_unsafe=True,
            consent_contact=True,
            comment="please come, I am scared",
        ),
    )
    (alert,) = _alerts(session)
    assert alert.survivor_id == survivor.id and alert.field_worker_id == worker.id
    return alert


def _page(client, auth, email, url):  # type: ignore[no-untyped-def]
    auth.login(email)
    response = client.get(url)
    auth.logout()
    return response


@pytest.mark.parametrize(
    ("who", "role", "status", "shown"),
    [
        ("didi@example.org", None, 200, True),  # her enrolling field worker
        ("admin@example.org", Role.ADMIN, 200, True),
        ("staff@example.org", Role.STAFF, 200, False),  # handles the alert, never learns who
        ("other@example.org", Role.FIELD, 404, False),  # another worker: no such alert for her
    ],
)
def test_only_her_field_worker_and_admins_see_who_she_is(
    client, auth, session, consented, who, role, status, shown
):
    if role is not None:
        UserFactory(email=who, role=role)
    response = _page(client, auth, who, f"/staff/alerts/{consented.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert (f"Enrolment no. {consented.survivor_id}" in page) is shown
    # Her own words, like who she is, only to her field worker and admins (attack class 7).
    assert ("please come, I am scared" in page) is shown
    views = [e for e in _audit(session, "alert.viewed") if e.target_id == str(consented.id)]
    if status == 200:
        (view,) = views
        assert view.detail == {"survivor_shown": shown, "words_shown": shown}
    else:
        assert views == []


def test_a_field_worker_queue_lists_only_her_consenting_survivors(client, auth, session):
    mine = UserFactory(email="didi@example.org", role=Role.FIELD)
    other = UserFactory(role=Role.FIELD)
    office = StakeholderFactory()
    for worker, consent in ((mine, True), (mine, False), (other, True)):
        survivor = SurvivorFactory(enrolled_by_id=worker.id)
        submit_rating(
            session, submission(survivor, office, felt_unsafe=True, consent_contact=consent)
        )
    own = [a.id for a in _alerts(session) if a.field_worker_id == mine.id]
    page = _page(client, auth, "didi@example.org", "/staff/alerts").get_data(as_text=True)
    listed = [a.id for a in _alerts(session) if f'/staff/alerts/{a.id}"' in page]
    assert listed == own and len(own) == 1
    (queue_view,) = _audit(session, "alerts.viewed")
    assert queue_view.detail["ids"] == own


def test_staff_work_an_alert_and_each_change_is_audited(client, auth, session, consented):
    staff = UserFactory(email="staff@example.org", role=Role.STAFF)
    auth.login("staff@example.org")
    response = client.post(
        f"/staff/alerts/{consented.id}",
        data={"status": "in_progress", "assignee": staff.id, "note": "Called the SHO."},
    )
    assert response.status_code == 303
    session.refresh(consented)
    assert consented.status is AlertStatus.IN_PROGRESS and consented.assignee_id == staff.id
    assert [n.text for n in consented.notes] == ["Called the SHO."]
    (event,) = _audit(session, "alert.updated")
    assert event.detail == {"status": "in_progress", "assignee": staff.id, "note": True}
    page = client.get("/staff/alerts?status=closed").get_data(as_text=True)
    assert f'/staff/alerts/{consented.id}"' not in page


def test_admins_edit_the_danger_word_list(client, auth, session):
    UserFactory(email="admin@example.org", role=Role.ADMIN)
    auth.login("admin@example.org")
    assert session.scalar(select(DangerWord.id).filter_by(language="bn", word="হুমকি"))
    response = client.post(
        "/staff/admin/danger-words", data={"language": "en", "word": "  Took My  Card "}
    )
    assert response.status_code == 303
    office = StakeholderFactory()
    submit_rating(
        session,
        submission(SurvivorFactory(), office, comment="the clerk took my card and kept it"),
    )
    assert [a.matched_words for a in _alerts(session)] == ["took my card"]
    word = session.scalars(select(DangerWord).filter_by(word="took my card")).one()
    assert client.post(f"/staff/admin/danger-words/{word.id}/delete").status_code == 303
    submit_rating(session, submission(SurvivorFactory(), office, comment="took my card again"))
    assert len(_alerts(session)) == 1
    assert [e.detail["word"] for e in _audit(session, "danger_word.created")] == ["took my card"]
    assert len(_audit(session, "danger_word.deleted")) == 1


# --- actions and "you said, we did" ---------------------------------------------------------

SUMMARIES = {
    "summary_bn": "থানায় এখন একজন মহিলা পুলিশ সবসময় থাকেন।",
    "summary_hi": "थाने में अब हमेशा एक महिला पुलिस रहती है।",
    "summary_en": "A woman officer is now always at the police station.",
}


def _action_form(stakeholder, **overrides) -> dict:  # type: ignore[no-untyped-def]
    form = {
        "stakeholder": stakeholder.id,
        "kind": "meeting",
        "escalated_to": "",
        "status": "done",
        "taken_on": dt.date.today().isoformat(),
        "outcome": "The SHO agreed to post a woman officer at the desk.",
        **SUMMARIES,
        "published": "y",
    }
    return form | overrides


@pytest.fixture
def staff(session, auth):
    UserFactory(email="staff@example.org", role=Role.STAFF)
    auth.login("staff@example.org")


def test_staff_record_an_action_and_it_is_audited(client, session, staff):
    office = StakeholderFactory()
    form = _action_form(office, kind="escalation", escalated_to="sp")
    assert client.post("/staff/actions/new", data=form).status_code == 303
    action = session.scalars(select(Action)).one()
    assert action.kind is ActionKind.ESCALATION and action.escalated_to == "sp"
    assert action.published and action.summary("hi") == SUMMARIES["summary_hi"]
    assert len(_audit(session, "action.created")) == 1
    assert "Superintendent of Police" in client.get("/staff/actions").get_data(as_text=True)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"kind": "escalation"}, "Say to whom"),
        ({"escalated_to": "dm"}, "Say to whom"),
        ({"summary_hi": ""}, "all three languages"),
        ({"status": "agreed"}, "Only what was done"),
    ],
)
def test_an_incomplete_action_is_refused_with_a_reason(client, session, staff, overrides, message):
    response = client.post(
        "/staff/actions/new", data=_action_form(StakeholderFactory(), **overrides)
    )
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert session.scalars(select(Action)).all() == []


def test_an_action_on_an_alert_is_linked_to_it(client, session, staff, consented):
    form = _action_form(consented.stakeholder, published="")
    response = client.post(f"/staff/actions/new?alert={consented.id}", data=form)
    assert response.status_code == 303
    assert session.scalars(select(Action)).one().alert_id == consented.id


@pytest.mark.parametrize("lang", ["bn", "hi", "en"])
def test_the_public_board_shows_her_district_in_her_language(client, session, lang):
    home = StakeholderFactory(block_name="Basanti")
    elsewhere_block = session.scalars(
        select(Block).where(Block.district_id != home.district_id)
    ).first()
    away = StakeholderFactory(block_name=elsewhere_block.name)
    today = dt.date.today()
    key = f"summary_{lang}"
    for stakeholder, text, published in (
        (home, SUMMARIES[key], True),
        (home, "NOT PUBLISHED", False),
        (away, "OTHER DISTRICT", True),
    ):
        session.add(
            Action(
                stakeholder_id=stakeholder.id,
                kind=ActionKind.MEETING,
                taken_on=today,
                published=published,
                **{key: text},
            )
        )
    session.flush()
    survivor = SurvivorFactory()
    reach_questions(client, survivor, home, lang)
    response = client.post(f"/{lang}/questions", data=answers_form())
    assert response.headers["Location"] == f"/{lang}/thanks"
    thanks = client.get(f"/{lang}/thanks").get_data(as_text=True)
    start = client.get(f"/{lang}/").get_data(as_text=True)  # "start again" on the same tablet
    heading = {"bn": "আপনি বললেন", "hi": "आपने कहा", "en": "You said, we did"}[lang]
    for page in (thanks, start):
        assert heading in page and SUMMARIES[key] in page
        assert "NOT PUBLISHED" not in page and "OTHER DISTRICT" not in page
        assert survivor.code not in page


def test_the_survivor_says_she_felt_unsafe_on_the_questions_page(client, session):
    worker = UserFactory(role=Role.FIELD)
    survivor = SurvivorFactory(enrolled_by_id=worker.id)
    office = StakeholderFactory(type_code="police")
    reach_questions(client, survivor, office, "bn")
    page = client.get("/bn/questions").get_data(as_text=True)
    assert 'name="unsafe"' in page
    form = answers_form(unsafe="yes", consent="yes")
    assert client.post("/bn/questions", data=form).status_code == 303
    (alert,) = _alerts(session)
    assert alert.reasons == "unsafe" and alert.field_worker_id == worker.id
