"""Moderation: redaction suggestions in three languages, the queue's decisions, their audit,
and that no comment reaches any page, export or report before it is approved."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from awaaz.console.redaction import MARK, registry_pattern, suggest
from feedback.services import submit_rating
from mis import engine
from mis.dashboard import filters, tabs
from mis.periods import Period
from mis.report import report_context
from models import AuditEvent, Comment, CommentStatus, Role
from tests.factories import StakeholderFactory, SurvivorFactory, UserFactory, rate, submission

SECRET = "my neighbour Sumi saw everything"


@pytest.fixture
def registry(session):
    StakeholderFactory(
        type_code="social_worker",
        name="Prasanta Naskar, social worker",
        name_bn="প্রশান্ত নস্কর, সমাজকর্মী",
        name_hi="प्रशांत नस्कर, सामाजिक कार्यकर्ता",
    )
    StakeholderFactory(name="Basanti police station", name_bn="বাসন্তী থানা")
    return registry_pattern(session)


@pytest.mark.parametrize(
    ("text", "kept", "removed"),
    [
        (
            "Prasanta Naskar at Basanti police station asked 500 rupees, call 98300 12345",
            ["asked", "rupees"],
            ["Prasanta", "Naskar", "Basanti", "500", "98300"],
        ),
        (
            "নস্কর দাদা থানায় ভালো ব্যবহার করেছেন। আমার বয়স ১৬, বাসন্তী হাই স্কুলে পড়ি",
            ["দাদা", "ভালো ব্যবহার"],
            ["নস্কর", "১৬", "বাসন্তী", "স্কুলে"],
        ),
        (
            "प्रशांत नस्कर जी ने मदद की, मेरी उम्र १७ साल है",
            ["मदद की"],
            ["प्रशांत", "नस्कर", "१७"],
        ),
    ],
)
def test_suggestions_remove_names_places_schools_and_numbers(registry, text, kept, removed):
    out = suggest(text, registry)
    assert MARK in out
    for word in kept:
        assert word in out
    for word in removed:
        assert word not in out


def _pending_comment(session, stakeholder, text: str) -> Comment:
    survivor = SurvivorFactory()
    sub = submission(survivor, stakeholder)
    sub = submission(
        survivor,
        stakeholder,
        comment=text,
        language="en",
        answers=sub.answers,
        month=dt.date(2026, 8, 1),  # the quarter the engine tests' ratings fall in
    )
    rating = submit_rating(session, sub).rating
    return rating.comment


@pytest.fixture
def moderator(session, auth):
    UserFactory(email="staff@example.org", role=Role.STAFF)
    auth.login("staff@example.org")


def test_the_queue_shows_a_suggestion_and_audits_the_view(client, session, moderator):
    office = StakeholderFactory(name="Gosaba police station")
    comment = _pending_comment(session, office, "The Gosaba police station officer took 200")
    page = client.get("/staff/moderation").get_data(as_text=True)
    assert "The Gosaba police station officer took 200" in page  # the original, for her
    assert f"The {MARK} officer took {MARK}" in page  # the suggestion, to edit
    viewed = session.scalars(select(AuditEvent).filter_by(action="comments.viewed")).one()
    assert viewed.detail["ids"] == [comment.id]


@pytest.mark.parametrize(
    ("decision", "status", "good"),
    [("approve", "approved", False), ("good", "approved", True), ("reject", "rejected", False)],
)
def test_each_decision_is_stored_and_audited(client, session, moderator, decision, status, good):
    comment = _pending_comment(session, StakeholderFactory(), "She listened to me")
    response = client.post(
        f"/staff/moderation/{comment.id}",
        data={"decision": decision, "moderated": "  She  listened. "},
    )
    assert response.status_code == 303
    session.refresh(comment)
    assert comment.status == status and comment.good_practice is good
    assert comment.moderated == ("She listened." if status == "approved" else None)
    assert comment.original == "She listened to me"  # kept until the retention purge
    assert session.scalars(select(AuditEvent.action).order_by(AuditEvent.id.desc())).first() == (
        f"comment.{status}"
    )


def test_a_decided_comment_cannot_be_decided_again(client, session, moderator):
    comment = _pending_comment(session, StakeholderFactory(), "first words")
    client.post(f"/staff/moderation/{comment.id}", data={"decision": "reject"})
    client.post(f"/staff/moderation/{comment.id}", data={"decision": "approve", "moderated": "x"})
    session.refresh(comment)
    assert comment.status == CommentStatus.REJECTED and comment.moderated is None


def test_nothing_unapproved_reaches_the_dashboard_or_the_report(app, client, session, moderator):
    office = StakeholderFactory(name="Good office")
    others = [StakeholderFactory() for _ in range(3)]
    for other in others:
        for _ in range(8):
            rate(other, SurvivorFactory(), 40)
    for _ in range(8):
        rate(office, SurvivorFactory(), 95)
    comment = _pending_comment(session, office, SECRET)
    quarter = Period.parse(f"{comment.rating.quarter // 10}Q{comment.rating.quarter % 10}")
    chosen = filters.build(quarter.label, None, None, None, None)

    def everything_shown() -> str:
        settings = engine.Settings(k_staff=5)
        with app.test_request_context("/mis/"):
            shown = [
                str(tabs.profile(session, chosen, office.id)),
                str(tabs.best(session, chosen)),
                repr(engine.best_practice(session, quarter, settings).frame),
                repr(report_context(session, quarter, "staff", settings, "en")),
            ]
        csv = client.get(f"/mis/export/league-table.csv?period={quarter.label}")
        return "\n".join([*shown, csv.get_data(as_text=True)])

    assert "Sumi" not in everything_shown()
    client.post(
        f"/staff/moderation/{comment.id}",
        data={"decision": "good", "moderated": "my neighbour saw everything"},
    )
    from mis import cache

    cache.clear()
    shown = everything_shown()
    assert "Sumi" not in shown
    assert re.search("my neighbour saw everything", shown)
