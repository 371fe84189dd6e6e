"""Recognition certificates and interface-meeting scorecards: who gets one, what they show,
and that both refuse a stakeholder below the threshold."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from mis import closing
from mis.engine import Settings
from mis.periods import Period
from models import Action, ActionKind, ActionStatus, AuditEvent, Comment, CommentStatus, Role
from tests.factories import StakeholderFactory, SurvivorFactory, UserFactory, rate
from tests.mis.test_views import pdf_text

PERIOD = Period.parse("2026Q3")
SETTINGS = Settings(k_staff=5)


def _rate_many(stakeholder, score: float, raters: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(raters):
        dims = {"respect": score, "responsiveness": score, "integrity": score}
        rate(stakeholder, SurvivorFactory(), score, confidentiality=score, **dims)


@pytest.fixture
def in_request(app):
    """The engine's messages are translated, so direct calls need a request's locale."""
    with app.test_request_context("/mis/"):
        yield


@pytest.fixture
def offices(session):
    best = StakeholderFactory(name="Gosaba police station", name_bn="গোসাবা থানা")
    middling = [StakeholderFactory() for _ in range(4)]
    for office in middling:
        _rate_many(office, 45, 8)
    _rate_many(best, 96, 9)
    few = StakeholderFactory(name="Few raters station")
    _rate_many(few, 99, 3)  # would top the table, but only three survivors rated it
    return {"best": best, "middling": middling[0], "few": few}


def test_bands_and_comparison_never_show_a_number():
    assert [closing.band(s) for s in (95, 80, 61, 40, 39.9, 0)] == [
        "Very good",
        "Very good",
        "Good",
        "Fair",
        "Poor",
        "Very poor",
    ]
    assert closing.compare(60, 70, 50) == "above"
    assert closing.compare(30, 40, 50) == "below"
    assert closing.compare(45, 55, 50) == "same"


def test_only_stakeholders_above_their_type_mean_are_recognised(session, offices, in_request):
    chosen = closing.recognised(session, PERIOD, SETTINGS)
    assert chosen["stakeholder_id"].tolist() == [offices["best"].id]


@pytest.mark.parametrize("which", ["few", "middling"])
def test_a_certificate_is_refused_below_the_threshold_or_the_mean(
    session, offices, which, in_request
):
    with pytest.raises(closing.NotEligible):
        closing.certificate_context(session, PERIOD, SETTINGS, offices[which].id)


def test_a_scorecard_is_refused_below_the_threshold(session, offices, in_request):
    with pytest.raises(closing.NotEligible, match="Fewer than 5"):
        closing.scorecard_context(session, PERIOD, SETTINGS, offices["few"].id)


def test_the_scorecard_shows_bands_approved_comments_and_actions(session, offices, in_request):
    office = offices["middling"]
    # Low ratings: the type's mean now comes from shown stakeholders only, so the hidden
    # "few" station's 99s no longer lift it above this office (docs/privacy.md).
    first, second, *_ = (rate(office, SurvivorFactory(), 10) for _ in range(5))
    session.add_all(
        [
            Comment(
                rating_id=first.id,
                original="The munshi Ratan asked 500",
                moderated="The […] asked […]",
                language="en",
                status=CommentStatus.APPROVED,
            ),
            Comment(rating_id=second.id, original="PENDING WORDS", language="en"),
            Action(
                stakeholder_id=office.id,
                kind=ActionKind.MEETING,
                status=ActionStatus.AGREED,
                taken_on=dt.date(2026, 7, 10),
                summary_en="A help desk at the gate",
            ),
            Action(  # agreed after the quarter: not "agreed earlier" on its scorecard
                stakeholder_id=office.id,
                kind=ActionKind.MEETING,
                status=ActionStatus.AGREED,
                taken_on=dt.date(2026, 11, 12),
                summary_en="Agreed in November",
            ),
        ]
    )
    session.flush()
    context = closing.scorecard_context(session, PERIOD, SETTINGS, office.id)
    assert context["overall"]["band"] == "Poor"
    assert context["overall"]["comparison"] == "Worse than most"
    assert all(d["band"] in context["bands"] for d in context["dimensions"])
    assert context["comments"] == ["The […] asked […]"]
    assert [a.summary_en for a in context["agreed"]] == ["A help desk at the gate"]


@pytest.fixture
def staff(client, auth):
    UserFactory(email="staff@example.org", role=Role.STAFF)
    auth.login("staff@example.org")


def test_staff_download_a_bilingual_certificate(client, session, staff, offices, tmp_path):
    office = offices["best"]
    listing = client.get("/mis/certificates?period=2026Q3").get_data(as_text=True)
    assert "Gosaba police station" in listing and "Few raters station" not in listing
    response = client.get(f"/mis/certificates/{office.id}.pdf?period=2026Q3")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = pdf_text(response.data, tmp_path)
    assert "Certificate of recognition" in text and "Gosaba police station" in text
    assert "থানা" in text  # the Bengali half, shaped (the name's own spelling)
    events = session.scalars(select(AuditEvent).filter_by(action="certificate")).all()
    assert [e.target_id for e in events] == [str(office.id)]


@pytest.mark.parametrize("which", ["few", "middling"])
def test_the_routes_refuse_what_the_rules_refuse(client, staff, offices, which):
    office = offices[which]
    response = client.get(f"/mis/certificates/{office.id}.pdf?period=2026Q3")
    assert response.status_code == 404
    scorecard = client.get(f"/mis/scorecard/{office.id}.pdf?period=2026Q3&lang=bn")
    assert scorecard.status_code == (404 if which == "few" else 200)


@pytest.mark.parametrize("lang", ["bn", "hi", "en"])
def test_the_scorecard_pdf_has_no_exact_figures(client, staff, offices, lang, tmp_path):
    office = offices["best"]
    response = client.get(f"/mis/scorecard/{office.id}.pdf?period=2026Q3&lang={lang}")
    assert response.status_code == 200
    text = pdf_text(response.data, tmp_path)
    for figure in ("96", "95", "9 ", "45"):  # the score, the raters, the others' mean
        assert figure not in text.replace("2026", "")
    if lang == "en":
        assert "Very good" in text and "Action plan agreed at this meeting" in text


def test_a_scorecard_needs_one_quarter(client, staff, offices):
    office = offices["best"]
    assert client.get(f"/mis/scorecard/{office.id}.pdf?period=2026-08").status_code == 400


def test_actions_appear_on_the_dashboard_profile(app, session, offices):
    from mis.dashboard import filters, tabs

    office = offices["few"]  # shown even where too few survivors rated for any figure
    session.add(
        Action(
            stakeholder_id=office.id,
            kind=ActionKind.ESCALATION,
            escalated_to="sp",
            status=ActionStatus.DONE,
            taken_on=dt.date(2026, 8, 20),
            summary_en="The SHO now registers every complaint the same day.",
        )
    )
    session.flush()
    chosen = filters.build("2026Q3", None, None, None, None)
    with app.test_request_context("/mis/"):
        shown = str(tabs.profile(session, chosen, office.id))
    assert "The SHO now registers every complaint the same day." in shown
    assert "Superintendent of Police" in shown
