"""Paper forms: printable forms per type, and filled forms entered from a CSV file — all rows
or none, every problem by line and column in the uploader's language, nothing twice."""

from __future__ import annotations

import csv
import io
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from models import AuditEvent, Channel, Rating, Role
from tests.factories import POLICE_ANSWERS, StakeholderFactory, SurvivorFactory, UserFactory
from tests.mis.test_views import pdf_text

HEADER = [
    "form_no",
    "survivor_code",
    "stakeholder_id",
    "service",
    "month",
    "unsafe",
    "consent",
    "language",
    "comment",
    *POLICE_ANSWERS,
]


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()  # as Excel saves "CSV UTF-8"


def _row(survivor, office, form_no: str, **overrides) -> dict:  # type: ignore[no-untyped-def]
    row = {
        "form_no": form_no,
        "survivor_code": survivor.code,
        "stakeholder_id": office.id,
        "service": "safety",
        "month": "2026-10",
        "unsafe": "no",
        "consent": "",
        "language": "bn",
        "comment": "",
        **POLICE_ANSWERS,
    }
    return row | overrides


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(Rating))


@pytest.fixture
def field_worker(client, auth, session):
    worker = UserFactory(email="didi@example.org", role=Role.FIELD, district=None)
    office = StakeholderFactory(type_code="police")
    worker.district_id = office.district_id
    session.flush()
    auth.login("didi@example.org")
    return office


def _upload(client, data: bytes):  # type: ignore[no-untyped-def]
    return client.post(
        "/staff/paper",
        data={"file": (io.BytesIO(data), "forms.csv")},
        content_type="multipart/form-data",
    )


def test_a_file_is_stored_once_however_often_it_is_uploaded(client, session, field_worker):
    office = field_worker
    data = _csv([_row(SurvivorFactory(), office, f"A1B2C3D{i}") for i in range(3)])
    first = _upload(client, data)
    assert first.status_code == 200 and "Stored 3 forms; 0 were already stored" in first.text
    again = _upload(client, data)
    assert "Stored 0 forms; 3 were already stored" in again.text
    assert _count(session) == 3
    ratings = session.scalars(select(Rating)).all()
    assert {r.channel for r in ratings} == {Channel.PAPER}
    assert all(r.entered_by_id is not None for r in ratings)


def test_one_bad_row_stores_nothing_and_every_problem_is_named(client, session, field_worker):
    office = field_worker
    rows = [
        _row(SurvivorFactory(), office, "GOOD0001"),
        _row(SurvivorFactory(), office, "BAD00002", respect="7"),
        _row(SurvivorFactory(), office, "BAD00003", month="Oct 2026", survivor_code="ABC"),
        _row(SurvivorFactory(), office, "GOOD0001"),  # the same form number twice
    ]
    response = _upload(client, _csv(rows))
    assert response.status_code == 422 and _count(session) == 0
    page = response.text
    for line, column in ((3, "respect"), (4, "month"), (4, "survivor_code"), (5, "form_no")):
        assert f"<tr><td>{line}</td><td>{column}</td>" in page


def test_problems_are_told_in_the_uploaders_language(client, session, field_worker):
    client.get("/staff/lang/bn")
    rows = [_row(SurvivorFactory(), field_worker, "X0000001", month="2026/10")]
    page = _upload(client, _csv(rows)).text
    assert "YYYY-MM" in page and "মাস" in page


def _code_problem(page: str) -> str:
    return re.search(r"<tr><td>2</td><td>survivor_code</td><td>(.*?)</td>", page, re.S).group(1)


def test_a_code_from_another_district_is_answered_as_a_code_nobody_holds(
    client, session, field_worker
):
    """Otherwise an upload tells a real code (of another district) from a made-up one."""
    from models.codes import generate_code
    from tests.factories import district

    elsewhere = SurvivorFactory(block=None, district=district("North 24 Parganas"))
    real = _upload(client, _csv([_row(elsewhere, field_worker, "OTHER001")]))
    nobody = SimpleNamespace(code=generate_code())
    made_up = _upload(client, _csv([_row(nobody, field_worker, "OTHER002")]))
    assert real.status_code == made_up.status_code == 422
    assert _code_problem(real.text) == _code_problem(made_up.text)


def test_refused_uploads_are_audited_and_guessed_codes_run_out(client, session, field_worker):
    from models.codes import generate_code

    guesses = [
        _row(SimpleNamespace(code=generate_code()), field_worker, f"G{i:07d}") for i in range(60)
    ]
    first = _upload(client, _csv(guesses))
    assert first.status_code == 422
    refused = session.scalars(select(AuditEvent).filter_by(action="paper.refused")).one()
    assert refused.actor == "didi@example.org" and refused.detail["unknown_codes"] == 50
    # Past the hour's 50 no code was looked up: the file learns nothing of the last ten.
    assert first.text.count("was not checked") == 10
    # The 50 spent the hour's allowance: the next upload is not even read.
    second = _upload(client, _csv(guesses[:1]))
    assert second.status_code == 429 and int(second.headers["Retry-After"]) > 0


def test_a_field_too_long_for_csv_is_a_problem_not_a_failure(client, field_worker):
    data = ",".join(HEADER).encode() + b"\n" + b'"' + b"x" * 140_000 + b'"\n'
    response = _upload(client, data)
    assert response.status_code == 422 and "cannot be read" in response.text


def test_unknown_columns_are_reported_on_line_one(client, field_worker):
    data = b"form_no,survivor_code,shoe_size\nA,B,C\n"
    page = _upload(client, data).text
    assert "<tr><td>1</td><td>columns</td>" in page and "shoe_size" in page


def test_the_spreadsheet_template_and_the_printed_forms(client, session, field_worker, tmp_path):
    header = client.get("/staff/paper/police.csv").text.lstrip("\ufeff").strip().split(",")
    assert header[:2] == ["form_no", "survivor_code"] and "woman_officer" in header
    response = client.get("/staff/paper/police.pdf?lang=en&copies=3")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = pdf_text(response.data, tmp_path)
    numbers = [line.split()[-1] for line in text.splitlines() if line.startswith("Form no.")]
    assert len(set(numbers)) == 3  # each paper form has its own number
    assert "Was a woman police officer with you?" in text
    assert "Did anyone frighten you or threaten you?" in text
    bengali = client.get("/staff/paper/police.pdf?lang=bn&copies=1")
    assert bengali.status_code == 200
    assert client.get("/staff/paper/astrologer.pdf").status_code == 404


def test_the_command_line_imports_and_refuses(runner, session, tmp_path):
    office = StakeholderFactory(type_code="police")
    good = tmp_path / "good.csv"
    good.write_bytes(_csv([_row(SurvivorFactory(), office, "CLI00001")]))
    result = runner.invoke(args=["import-paper", str(good)])
    assert result.exit_code == 0 and "Stored 1 forms" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv([_row(SurvivorFactory(), office, "CLI00002", overall="")]))
    result = runner.invoke(args=["import-paper", str(bad), "--lang", "hi"])
    assert result.exit_code == 1 and "line 2, overall:" in result.output
    assert _count(session) == 1
