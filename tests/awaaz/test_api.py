"""The JSON API as a field tablet and the programme's tools use it: idempotent submission,
errors that name the field in the asked-for language, device tokens, the privacy rules of
the results, and an OpenAPI 3.1 document that describes what the API answers."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from awaaz.app.config import ConfigError, from_environment
from awaaz.security.devices import issue_token
from mis import releases
from mis.periods import Period
from models import AuditEvent, Rating, Role, Survivor
from models.codes import generate_code
from tests.factories import POLICE_ANSWERS, StakeholderFactory, SurvivorFactory, UserFactory, rate


@pytest.fixture
def token(session):
    return issue_token(session, "Gosaba tablet 1", None)[1]


@pytest.fixture
def tablet(client, token):
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(Rating))


def test_a_rating_is_stored_once_whatever_the_retries(tablet, session, payload):
    first = tablet.post("/api/v1/ratings", json=payload)
    assert first.status_code == 201, first.get_json()
    again = tablet.post("/api/v1/ratings", json=payload)
    assert again.status_code == 200 and again.get_json() == first.get_json()
    assert first.get_json()["client_uuid"] == payload["client_uuid"]
    assert _count(session) == 1


def test_the_same_uuid_with_other_answers_is_a_conflict(tablet, session, payload):
    assert tablet.post("/api/v1/ratings", json=payload).status_code == 201
    changed = payload | {"answers": POLICE_ANSWERS | {"overall": "5"}}
    response = tablet.post("/api/v1/ratings", json=changed)
    assert response.status_code == 409
    assert response.get_json()["errors"][0]["field"] == "client_uuid"
    assert _count(session) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"answers": POLICE_ANSWERS | {"respect": "9"}}, "answers.respect"),
        ({"answers": {"respect": "4"}}, "answers.overall"),
        ({"month": "2026-13"}, "month"),
        ({"month": "0000-01"}, "month"),
        ({"stakeholder_id": 0}, "stakeholder_id"),
        ({"stakeholder_id": 987654}, "stakeholder"),
        ({"client_uuid": "not-a-uuid"}, "client_uuid"),
        ({"service": "flying"}, "service"),
        ({"colour": "blue"}, "colour"),
        ({"comment": "x" * 2001}, "comment"),
    ],
)
def test_each_error_names_its_field_and_nothing_is_stored(tablet, session, payload, change, field):
    response = tablet.post("/api/v1/ratings", json=payload | change)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert field in [e["field"] for e in errors] and all(e["message"] for e in errors)
    assert _count(session) == 0


def test_a_missing_field_and_a_body_that_is_not_json(tablet, payload):
    del payload["answers"]
    response = tablet.post("/api/v1/ratings", json=payload)
    assert response.get_json()["errors"] == [{"field": "answers", "message": "This is needed."}]
    garbage = tablet.post("/api/v1/ratings", data=b"\xff{", content_type="application/json")
    assert garbage.status_code == 422 and garbage.get_json()["errors"][0]["field"] == "body"


@pytest.mark.parametrize(
    ("lang", "words"),
    [("bn", "দরকার"), ("hi", "ज़रूरी"), ("en", "This is needed")],
)
def test_messages_come_in_the_language_asked_for(tablet, payload, lang, words):
    del payload["month"]
    response = tablet.post(f"/api/v1/ratings?lang={lang}", json=payload)
    assert words in response.get_json()["errors"][0]["message"]
    header = tablet.post(
        "/api/v1/ratings", json=payload, headers={"Accept-Language": f"{lang};q=1"}
    )
    assert words in header.get_json()["errors"][0]["message"]


def test_wrong_codes_are_refused_then_the_device_must_wait(tablet, payload):
    for _ in range(5):
        wrong = payload | {"survivor_code": "ABCDE-FGHJK", "client_uuid": str(uuid.uuid4())}
        response = tablet.post("/api/v1/ratings", json=wrong)
        assert response.status_code == 422
        assert response.get_json()["errors"][0]["field"] == "survivor_code"
    blocked = tablet.post("/api/v1/ratings", json=payload)
    assert blocked.status_code == 429 and blocked.get_json()["errors"]


def test_the_wrong_code_limit_is_a_setting(tablet, payload, app):
    app.config["AWAAZ_WRONG_CODE_LIMITS"] = "2 per minute"
    for _ in range(2):
        wrong = payload | {"survivor_code": "ABCDE-FGHJK", "client_uuid": str(uuid.uuid4())}
        assert tablet.post("/api/v1/ratings", json=wrong).status_code == 422
    assert tablet.post("/api/v1/ratings", json=payload).status_code == 429


def test_an_unreadable_limit_stops_the_server_from_starting(monkeypatch, tmp_path):
    monkeypatch.setenv("AWAAZ_WRONG_CODE_LIMITS", "five a minute")
    with pytest.raises(ConfigError, match="AWAAZ_WRONG_CODE_LIMITS"):
        from_environment(tmp_path)
    monkeypatch.setenv("AWAAZ_WRONG_CODE_LIMITS", "50 per minute")
    assert from_environment(tmp_path)["AWAAZ_WRONG_CODE_LIMITS"] == "50 per minute"


def test_without_a_valid_token_nothing_is_stored(client, session, payload, token, auth):
    assert client.post("/api/v1/ratings", json=payload).status_code == 401
    bad = client.post(
        "/api/v1/ratings", json=payload, headers={"Authorization": "Bearer awz_madeup"}
    )
    assert bad.status_code == 401 and bad.get_json()["errors"][0]["message"]
    UserFactory(email="staff@example.org", role=Role.STAFF)
    auth.login("staff@example.org")
    assert client.post("/api/v1/ratings", json=payload).status_code == 403  # tablets only
    assert _count(session) == 0


def test_admins_issue_and_revoke_tokens(client, session, auth, payload):
    UserFactory(email="admin@example.org", role=Role.ADMIN)
    auth.login("admin@example.org")
    page = client.post("/staff/admin/devices", data={"name": "Basanti tablet", "district": 0})
    token = page.get_data(as_text=True).split('<code class="token">')[1].split("<")[0]
    assert token.startswith("awz_") and len(token) > 40
    auth.logout()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/ratings", json=payload, headers=headers).status_code == 201
    auth.login("admin@example.org")
    from models import DeviceToken

    row = session.scalars(select(DeviceToken).filter_by(name="Basanti tablet")).one()
    assert row.token_hash != token and token not in client.get("/staff/admin/devices").text
    assert client.post(f"/staff/admin/devices/{row.id}/revoke").status_code == 303
    auth.logout()
    again = payload | {"client_uuid": str(uuid.uuid4())}
    assert client.post("/api/v1/ratings", json=again, headers=headers).status_code == 401
    actions = session.scalars(select(AuditEvent.action)).all()
    assert "device_token.issued" in actions and "device_token.revoked" in actions


def test_the_command_line_issues_a_token(runner, session):
    result = runner.invoke(args=["device-token", "issue", "Kultali tablet"])
    assert result.exit_code == 0 and result.output.strip().splitlines()[-1].startswith("awz_")


def test_a_tablet_reads_stakeholders_and_questionnaires(tablet, session):
    office = StakeholderFactory(type_code="hospital", name="Canning hospital", block_name="Basanti")
    listed = tablet.get(f"/api/v1/stakeholders?type=hospital&district={office.district_id}")
    assert listed.status_code == 200
    assert office.id in [s["id"] for s in listed.get_json()["stakeholders"]]
    form = tablet.get("/api/v1/questionnaires/police?lang=hi").get_json()
    assert form["type"] == "police" and form["language"] == "hi"
    texts = {item["code"]: item["text"] for item in form["items"]}
    assert texts["respect"] != "Did they treat you with respect?"  # in Hindi
    assert tablet.get("/api/v1/questionnaires/astrologer").status_code == 404
    assert tablet.get("/api/v1/stakeholders?district=abc").status_code == 422


def test_results_keep_the_dashboard_privacy_rules(client, session, auth, tablet):
    many, few = StakeholderFactory(), StakeholderFactory()
    for _ in range(6):
        rate(many, SurvivorFactory(), 70)
    for _ in range(2):
        rate(few, SurvivorFactory(), 99)
    assert tablet.get("/api/v1/league-table?period=2026Q3").status_code == 403
    del client.environ_base["HTTP_AUTHORIZATION"]
    UserFactory(email="staff@example.org", role=Role.STAFF)
    auth.login("staff@example.org")
    table = client.get("/api/v1/league-table?period=2026Q3").get_json()
    rows = {r["stakeholder_id"]: r for r in table["rows"]}
    assert rows[many.id]["n_raters"] == 6 and rows[many.id]["score"] is not None
    assert rows[few.id]["suppressed"] and rows[few.id]["score"] is None
    assert rows[few.id]["n_raters"] is None
    # Funders see a quarter only once an admin has approved its release.
    assert client.get("/api/v1/funder-summary?period=2026Q3").status_code == 404
    releases.approve(session, Period.parse("2026Q3"), None)
    summary = client.get("/api/v1/funder-summary?period=2026Q3").get_json()
    assert all(r["score"] is None for r in summary["rows"] if r["suppressed"])
    month = client.get("/api/v1/funder-summary?period=2026-08")
    assert month.status_code == 422 and month.get_json()["errors"][0]["field"] == "period"


def test_the_openapi_document_is_openapi_31_from_the_schemas(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    assert {"/api/v1/ratings", "/api/v1/stakeholders", "/api/v1/league-table"} <= set(
        document["paths"]
    )
    rating = document["components"]["schemas"]["RatingIn"]
    assert "client_uuid" in rating["required"] and rating["additionalProperties"] is False
    from openapi_spec_validator import validate

    validate(document)


def test_every_api_route_is_in_the_document_and_nothing_else(app, client):
    """The paths are written beside the routes' code, not generated from them: this keeps the
    two from drifting apart (a new route without its operation, or an operation left behind)."""
    document = client.get("/api/v1/openapi.json").get_json()
    documented = {
        (path, method.upper())
        for path, operations in document["paths"].items()
        for method in operations
    }
    routed = {
        (rule.rule.replace("<", "{").replace(">", "}"), method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routed == documented


def _follow(expression, request_body: dict, response_body: dict):
    """An OpenAPI runtime expression, evaluated as a client following a link would."""
    if isinstance(expression, dict):
        return {
            key: _follow(value, request_body, response_body) for key, value in expression.items()
        }
    if expression == "$request.body":
        return request_body
    source, pointer = expression.split("#")
    assert source == "$response.body", expression
    value = response_body
    for part in pointer.strip("/").split("/"):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def _target(document: dict, operation_id: str) -> tuple[str, str]:
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if operation["operationId"] == operation_id:
                return method, path
    raise AssertionError(f"no operation {operation_id}")


def test_the_documents_links_lead_to_answers(client, tablet, payload):
    """The links schemathesis's stateful phase follows work for a client that follows them."""
    document = client.get("/api/v1/openapi.json").get_json()
    office_id = payload["stakeholder_id"]
    listed = tablet.get("/api/v1/stakeholders?type=police&lang=en").get_json()
    listed["stakeholders"] = [s for s in listed["stakeholders"] if s["id"] == office_id]
    links = document["paths"]["/api/v1/stakeholders"]["get"]["responses"]["200"]["links"]
    answers = {}
    for name, link in links.items():
        method, path = _target(document, link["operationId"])
        query = {}
        for where, expression in link.get("parameters", {}).items():
            place, parameter = where.split(".")
            value = _follow(expression, {}, listed)
            if place == "path":
                path = path.replace("{" + parameter + "}", str(value))
            else:
                query[parameter] = value
        body = None
        if "requestBody" in link:
            body = payload | _follow(link["requestBody"], {}, listed)
        answers[name] = tablet.open(path, method=method.upper(), query_string=query, json=body)
    assert {name: r.status_code for name, r in answers.items()} == {
        "QuestionnaireForIt": 200,
        "RateIt": 201,
        "ItsBlock": 200,
    }
    assert answers["QuestionnaireForIt"].get_json()["type"] == "police"
    assert office_id in [s["id"] for s in answers["ItsBlock"].get_json()["stakeholders"]]
    again = document["paths"]["/api/v1/ratings"]["post"]["responses"]["201"]["links"]
    resend = _follow(again["SendItAgain"]["requestBody"], payload, answers["RateIt"].get_json())
    repeated = tablet.post("/api/v1/ratings", json=resend)
    assert repeated.status_code == 200 and repeated.get_json() == answers["RateIt"].get_json()


def test_a_league_rows_links_lead_to_its_type(client, session, auth):
    office = StakeholderFactory(type_code="hospital")
    for _ in range(6):
        rate(office, SurvivorFactory(), 70)
    UserFactory(email="staff@example.org", role=Role.STAFF)
    auth.login("staff@example.org")
    document = client.get("/api/v1/openapi.json").get_json()
    table = client.get("/api/v1/league-table?period=2026Q3").get_json()
    links = document["paths"]["/api/v1/league-table"]["get"]["responses"]["200"]["links"]
    kind = _follow(links["QuestionnaireOfTheType"]["parameters"]["path.type_code"], {}, table)
    assert client.get(f"/api/v1/questionnaires/{kind}").status_code == 200
    same = _follow(links["SameType"]["parameters"]["query.type"], {}, table)
    listed = client.get("/api/v1/stakeholders", query_string={"type": same}).get_json()
    assert office.id in [s["id"] for s in listed["stakeholders"]]


def test_a_period_that_is_no_date_is_a_field_error(client, auth):
    UserFactory(email="staff@example.org", role=Role.STAFF)
    auth.login("staff@example.org")
    for path in ("/api/v1/league-table", "/api/v1/funder-summary"):
        response = client.get(f"{path}?period=0000")  # found by schemathesis: was a 500
        assert response.status_code == 422
        assert response.get_json()["errors"][0]["field"] == "period"


def test_a_districts_token_rates_only_for_survivors_of_its_district(client, session, payload):
    """A North 24 Parganas tablet's token gets the unknown-code answer for a South survivor:
    it may neither rate for her nor learn that her code is real."""
    from tests.factories import district

    north = issue_token(session, "Barasat tablet", district("North 24 Parganas"))[1]
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {north}"
    survivor = session.scalars(select(Survivor)).one()
    assert survivor.district.name != "North 24 Parganas"
    answer = client.post("/api/v1/ratings", json=payload)
    made_up = client.post("/api/v1/ratings", json=payload | {"survivor_code": generate_code()})
    assert answer.status_code == made_up.status_code == 422
    assert answer.get_json() == made_up.get_json()
    assert _count(session) == 0


def test_a_tablet_cannot_claim_a_paper_rating(tablet, session, payload):
    """Paper forms are entered on /staff/paper, which records who typed them in."""
    response = tablet.post("/api/v1/ratings", json=payload | {"channel": "paper"})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "channel"


def test_a_refused_token_is_named_in_the_audit(tablet, session):
    tablet.get("/api/v1/league-table?period=2026Q3")
    refused = session.scalars(select(AuditEvent).filter_by(action="access.refused")).one()
    assert refused.detail["device"] is not None
