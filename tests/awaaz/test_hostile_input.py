"""Nothing a client sends may cause a 500 (docs/api.md): every route, hostile values everywhere.

Each route is walked as an admin (who reaches the most), with hostile values in its path
arguments, in the query parameters the app reads, in form fields and in JSON bodies: NUL
bytes (PostgreSQL refuses them in text), integers beyond 64 bits, non-ASCII digits ("²" passes
`str.isdigit()` but not `int()`), CR/LF, oversized fields and deeply nested JSON. Runs on
SQLite and, in CI, on PostgreSQL.
"""

from __future__ import annotations

import io

import pytest

from models import Role
from tests.awaaz.test_access_matrix import routes, url_for_rule
from tests.factories import UserFactory

PASSWORD = "a-long-test-password"
HOSTILE = [
    "\x00",
    "a\x00b",
    "99999999999999999999",
    "-9223372036854775809",
    "²",
    "১২৩",
    "\r\nX-Injected: 1",
    "x" * 5000,
    "%",
    "../../etc/passwd",
]
QUERY_NAMES = [
    "page",
    "period",
    "district",
    "type",
    "stakeholder",
    "block",
    "lang",
    "next",
    "q",
    "from",
    "to",
    "action",
    "actor",
    "copies",
    "status",
    "audience",
    "format",
    "grain",
]
FORM_NAMES = [
    "email",
    "password",
    "code",
    "comment",
    "name",
    "count",
    "district",
    "block",
    "stakeholder",
    "service",
    "month",
    "type",
    "role",
    "value",
    "word",
    "days",
    "status",
    "note",
]
DEEP = "[" * 100_000 + "]" * 100_000

# CSRF off: hostile bodies must reach the views' own validation, which is what is tested
# here; CSRF itself is tested in test_attacks.py and, over TLS, in test_behind_proxy.py.
pytestmark = pytest.mark.usefixtures("session")


@pytest.fixture
def app_config() -> dict:
    # A failing view answers 500 as in production, rather than raising into the test, so
    # that one walk lists every failure.
    return {"PROPAGATE_EXCEPTIONS": False}


def _path_values(rule) -> list[dict]:  # type: ignore[no-untyped-def]
    names = [n for n in rule.arguments if n != "filename"]
    if not names:
        return []
    cases = []
    for value in HOSTILE:
        converter = rule._converters.get(names[0])
        if type(converter).__name__ in ("IntegerConverter", "BoundedInt") and not value.isdigit():
            continue
        if type(converter).__name__ == "AnyConverter":
            continue
        cases.append({names[0]: value})
    return cases


def _walk(client, app, ids: dict) -> list[str]:  # type: ignore[no-untyped-def]
    failures = []

    def check(method: str, url: str, response) -> None:  # type: ignore[no-untyped-def]
        if response.status_code >= 500:
            failures.append(f"{method} {url[:120]!r} → {response.status_code}")

    for rule in routes(app):
        if "static" in rule.endpoint or "_dash-component-suites" in rule.rule:
            continue
        base = url_for_rule(rule, ids)
        urls = [base]
        for values in _path_values(rule):
            try:
                urls.append(
                    rule.build(
                        {**{n: ids.get(n, 1) for n in rule.arguments}, **values},
                        append_unknown=False,
                    )[1]
                )
            except Exception:  # noqa: BLE001, S112 - a value the route cannot build is no case
                continue
        for url in urls:
            if "GET" in rule.methods:
                check("GET", url, client.get(url))
                # Every parameter the app reads, all at once: the first to fail shows.
                for value in HOSTILE:
                    query = dict.fromkeys(QUERY_NAMES, value)
                    check("GET", f"{base}?…={value[:20]!r}", client.get(base, query_string=query))
            if "POST" in rule.methods:
                for value in HOSTILE:
                    form = {name: value for name in FORM_NAMES}
                    check("POST form", url, client.post(url, data=form))
                    check("POST json", url, client.post(url, json=dict.fromkeys(FORM_NAMES, value)))
                check(
                    "POST deep json",
                    url,
                    client.post(url, data=DEEP, content_type="application/json"),
                )
                check(
                    "POST file",
                    url,
                    client.post(
                        url,
                        data={"file": (io.BytesIO(b"form_no," + b"x" * 140_000 + b"\n"), "f.csv")},
                        content_type="multipart/form-data",
                    ),
                )
    return failures


def test_no_route_answers_500_to_hostile_input(app, client):
    admin = UserFactory(email="admin@example.org", role=Role.ADMIN)
    client.post("/staff/login", data={"email": admin.email, "password": PASSWORD})
    failures = _walk(client, app, {"user_id": admin.id, "stakeholder_id": 1})
    print("\n".join(failures))
    assert failures == []
