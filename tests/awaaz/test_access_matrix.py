"""Every route × every role, walked against the access table in awaaz/security/access.py.

The table is the data; this test is the proof that the running app follows it: each route is
requested as each role (nobody, a survivor with her code entered, field worker, staff,
funder, admin) and must be refused exactly when the table says so. A route that is not in the
table fails the test — and is refused by the app — until someone decides who may use it.
"""

from __future__ import annotations

import pytest

from awaaz.security import access
from awaaz.security.devices import issue_token
from models import Role
from tests.factories import StakeholderFactory, SurvivorFactory, UserFactory, district

PASSWORD = "a-long-test-password"
# Routes that end the session they are called in run last.
ENDING = ("/exit", "/<lang>/reset", "/staff/logout", "/staff/kiosk")
SAMPLE_ARGS = {
    "lang": "bn",
    "type_code": "police",
    "path": "overview",
    "package_name": "dash",
    "fingerprinted_path": "dash-renderer/build/nothing.js",
    "fmt": "csv",
    "survivor_id": 999_999,  # no such record: an allowed request answers 404, changes nothing
    "comment_id": 999_999,
    "alert_id": 999_999,
    "action_id": 999_999,
    "word_id": 999_999,
    "device_id": 999_999,
    "kiosk_id": 999_999,
    "clip_id": 999_999,
    "sha": "0123456789abcdef",  # no such clip
    "decision": "reject",
    "period": "1900Q1",  # no such release: withdrawing it changes nothing
    "change": "withdraw",
}
STATIC_FILES = {
    "/static/<path:filename>": "staff.css",
    "/s/<path:filename>": "survivor.css",
    "/mis/assets/<path:filename>": "mis.css",
    "/mis/funder/assets/<path:filename>": "mis.css",
}


def routes(app) -> list:
    rules = [r for r in app.url_map.iter_rules() if r.rule not in ("/test-boom",)]
    return sorted(rules, key=lambda r: (r.rule in ENDING, r.rule))


def url_for_rule(rule, ids: dict) -> str:
    values = {}
    for name in rule.arguments:
        if name == "filename":
            values[name] = STATIC_FILES[rule.rule]
        else:
            values[name] = ids.get(name, SAMPLE_ARGS.get(name))
    return rule.build(values, append_unknown=False)[1]


def refused(response, role: str) -> bool:
    location = response.headers.get("Location", "")
    if response.status_code in (401, 403):
        return True
    if response.status_code in (302, 303):
        return "/staff/login?next=" in location or location.rstrip("/") == "/bn"
    return False


def become(client, role: str, people: dict) -> None:
    """Start (again) the session of `role` on this client."""
    client.delete_cookie("awaaz")
    client.environ_base.pop("HTTP_AUTHORIZATION", None)
    if role == access.DEVICE:
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {people['device']}"
    elif role == access.SURVIVOR:
        response = client.post("/bn/", data={"code": people["survivor"].code})
        assert response.status_code == 303
    elif role != access.ANONYMOUS:
        response = client.post(
            "/staff/login", data={"email": people[role].email, "password": PASSWORD}
        )
        assert response.status_code == 302


@pytest.fixture
def app_config() -> dict:
    # An allowed request with a made-up body (an empty Dash callback) may fail inside the
    # view; answer it as production does (500) instead of raising into the test.
    return {"PROPAGATE_EXCEPTIONS": False}


@pytest.fixture
def people(session):
    place = district()
    people = {r.value: UserFactory(role=r, district=place) for r in Role}
    people["survivor"] = SurvivorFactory(district=place)
    people["stakeholder"] = StakeholderFactory()
    people["device"] = issue_token(session, "Test tablet", place)[1]
    return people


def test_every_route_is_in_the_table(app):
    missing = [r.rule for r in routes(app) if access.allowed_roles(r.rule) is None]
    assert missing == []


@pytest.mark.parametrize("role", access.ROLES)
def test_each_route_admits_exactly_the_roles_the_table_names(app, client, people, role):
    ids = {"user_id": people["admin"].id, "stakeholder_id": people["stakeholder"].id}
    wrong = []
    for rule in routes(app):
        become(client, role, people)
        url = url_for_rule(rule, ids)
        if "GET" in rule.methods:
            response = client.get(url)
        elif rule.rule.endswith("_dash-update-component"):
            response = client.post(url, json={})
        else:
            response = client.post(url, data={})
        response.close()  # static files are streamed from open files
        expected = role in access.allowed_roles(rule.rule)
        if refused(response, role) == expected:
            wrong.append(f"{rule.rule} {response.status_code} (table: {expected})")
    assert wrong == []


@pytest.mark.parametrize(
    ("rule", "refused_roles"),
    [
        ("/mis/", {"anonymous", "survivor", "device", "field", "funder"}),
        ("/mis/_dash-update-component", {"anonymous", "survivor", "device", "field", "funder"}),
        ("/mis/funder/", {"anonymous", "survivor", "device", "field"}),
        (
            "/mis/export/league-table.<any(csv, xlsx):fmt>",
            {"anonymous", "survivor", "device", "field", "funder"},
        ),
        ("/staff/admin/audit", {"anonymous", "survivor", "device", "field", "staff", "funder"}),
        ("/staff/enrol", {"anonymous", "survivor", "device", "staff", "funder"}),
        ("/<lang>/questions", {"anonymous", "device", "field", "staff", "funder", "admin"}),
        ("/api/v1/ratings", {"anonymous", "survivor", "field", "staff", "funder", "admin"}),
        ("/api/v1/league-table", {"anonymous", "survivor", "device", "field", "funder"}),
        ("/api/v1/funder-summary", {"anonymous", "survivor", "device", "field"}),
    ],
)
def test_the_table_says_what_the_threat_model_asks(rule, refused_roles):
    """Pin the policy itself: funders and field workers never reach staff data, and so on."""
    allowed = access.allowed_roles(rule)
    assert set(access.ROLES) - allowed == refused_roles
