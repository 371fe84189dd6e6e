"""A rating of someone "not in the list": kept, then stored when staff add the name."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from awaaz.ops import lifecycle
from models import Alert, HeldRating, Rating, Stakeholder, StakeholderSuggestion
from models.stakeholders import SuggestionStatus
from tests.factories import POLICE_ANSWERS, SurvivorFactory, UserFactory


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def rate_unlisted(client, survivor, name="নতুন ফাঁড়ি", **answers):
    assert client.post("/bn/", data={"code": survivor.code}).status_code == 303
    typed = client.post("/bn/whom/police", data={"not_listed": "1", "name": name})
    assert typed.headers["Location"] == "/bn/noted"
    noted = client.get("/bn/noted").get_data(as_text=True)
    assert "/bn/help" in noted, "she is not offered to answer about the name she typed"
    helped = client.post("/bn/help", data={"service": "safety", "when": "last_month"})
    assert helped.headers["Location"] == "/bn/questions"
    page = client.get("/bn/questions").get_data(as_text=True)
    assert name in page  # "About <what she typed>"
    form = {f"q_{code}": value for code, value in POLICE_ANSWERS.items()}
    form.update(answers)
    return client.post("/bn/questions", data=form)


def test_her_answers_about_an_unlisted_name_are_held_then_stored_when_staff_add_it(
    client, auth, session
):
    survivor = SurvivorFactory()
    response = rate_unlisted(client, survivor, unsafe="yes")
    assert response.headers["Location"] == "/bn/thanks"
    assert count(session, Rating) == 0 and count(session, Alert) == 0
    held = session.scalars(select(HeldRating)).one()
    assert held.flagged, "she felt unsafe: staff must see this name first"
    suggestion = held.suggestion
    UserFactory(email="admin@test.org", role="admin")
    auth.login("admin@test.org")
    listing = client.get("/staff/admin/suggestions").get_data(as_text=True)
    assert "নতুন ফাঁড়ি" in listing
    added = client.post("/staff/admin/suggestions", data={"id": suggestion.id, "action": "add"})
    assert added.status_code == 303
    session.expire_all()
    rating = session.scalars(select(Rating)).one()
    stakeholder = session.get(Stakeholder, rating.stakeholder_id)
    assert stakeholder.name == "নতুন ফাঁড়ি" and rating.survivor_id == survivor.id
    assert {a.item.code: a.value for a in rating.answers}["overall"] == POLICE_ANSWERS["overall"]
    assert count(session, HeldRating) == 0
    assert count(session, Alert) == 1, "her safety alert was raised when the name was added"


def test_a_mistake_is_told_at_once_and_nothing_is_held(client, session):
    response = rate_unlisted(client, SurvivorFactory(), q_overall="")
    assert response.status_code == 422
    assert count(session, HeldRating) == 0


def test_a_name_set_aside_erases_what_was_held(client, auth, session):
    rate_unlisted(client, SurvivorFactory())
    suggestion = session.scalars(select(StakeholderSuggestion)).one()
    UserFactory(email="admin@test.org", role="admin")
    auth.login("admin@test.org")
    client.post("/staff/admin/suggestions", data={"id": suggestion.id, "action": "reject"})
    session.expire_all()
    assert suggestion.status is SuggestionStatus.REJECTED
    assert count(session, HeldRating) == 0 and count(session, Rating) == 0


def test_a_name_never_reviewed_does_not_keep_her_words_past_retention(client, session):
    rate_unlisted(client, SurvivorFactory(), comment="মনে রাখার মতো কথা")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=400)
    assert lifecycle.purge(session, later, dry_run=True).held_erased == 1
    lifecycle.purge(session, later)
    assert count(session, HeldRating) == 0
