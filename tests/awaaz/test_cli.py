"""Every `awaaz` command, run through Flask's CLI runner (and `serve` as a real process)."""

import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from sqlalchemy import create_engine, func, select, text

from awaaz import create_app
from awaaz.ops import migrate
from awaaz.ops.demo import DEMO_PASSWORD, seed_demo
from awaaz.security.passwords import verify_password
from models import Answer, AuditEvent, Rating, Survivor, User
from models.codes import hash_code, normalise_code
from models.database import db
from models.questionnaires import derive_scores, normalise
from tests.conftest import CODE_KEY, make_config


def test_init_db_is_idempotent(runner, session):
    first = runner.invoke(args=["init-db"])
    second = runner.invoke(args=["init-db"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert f"at {migrate.head_revision()}" in second.output


def test_create_user_reads_the_password_from_standard_input(runner, session):
    result = runner.invoke(
        args=[
            "create-user",
            "Asha@Example.org",
            "--role",
            "field",
            "--district",
            "North 24 Parganas",
        ],
        input="a-good-long-password\n",
    )
    assert result.exit_code == 0, result.output
    user = session.scalars(select(User).filter_by(email="asha@example.org")).one()
    assert user.role == "field" and user.district.name == "North 24 Parganas"
    assert verify_password(user.password_hash, "a-good-long-password")
    assert "a-good-long-password" not in user.password_hash


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["create-user", "a@b.org", "--role", "staff"], "short\n", "at least 12"),
        (["create-user", "a@b.org", "--role", "king"], "a-good-long-password\n", "king"),
        (
            ["create-user", "a@b.org", "--role", "field", "--district", "Atlantis"],
            "a-good-long-password\n",
            "no district called 'Atlantis'",
        ),
    ],
)
def test_create_user_explains_what_is_wrong(runner, session, args, stdin, message):
    result = runner.invoke(args=args, input=stdin)
    assert result.exit_code != 0
    assert message in result.output
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_issue_codes_prints_codes_and_stores_only_keyed_hashes(runner, session):
    result = runner.invoke(
        args=["issue-codes", "--count", "5", "--district", "south 24 parganas", "--block", "Gosaba"]
    )
    assert result.exit_code == 0, result.output
    codes = result.output.split()
    assert len(codes) == 5
    stored = session.scalars(select(Survivor)).all()
    assert {s.code_hash for s in stored} == {hash_code(CODE_KEY, normalise_code(c)) for c in codes}
    assert {s.block.name for s in stored} == {"Gosaba"}
    dump = " ".join(str(v) for row in session.execute(text("SELECT * FROM survivors")) for v in row)
    assert not any(c.replace("-", "") in dump or c in dump for c in codes)
    event = session.scalars(select(AuditEvent).filter_by(action="codes.issued")).one()
    assert event.detail == {"count": 5, "via": "cli"}
    assert not any(s.masculine_forms for s in stored)
    boys = ["issue-codes", "--count", "2", "--district", "South 24 Parganas", "--boys"]
    assert runner.invoke(args=boys).exit_code == 0
    assert session.scalar(select(func.count()).where(Survivor.masculine_forms)) == 2


def test_issue_codes_needs_a_known_district(runner, session):
    result = runner.invoke(args=["issue-codes", "--count", "1"])
    assert result.exit_code != 0 and "name the district" in result.output


def test_seed_demo_builds_a_programme_and_signs_in_demo_staff(runner, session, client):
    result = runner.invoke(args=["seed-demo", "--ratings", "600", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "600 ratings" in result.output and DEMO_PASSWORD in result.output
    assert session.scalar(select(func.count()).select_from(Rating)) == 600
    response = client.post(
        "/staff/login", data={"email": "staff@demo.awaaz.org", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302


def test_seed_demo_scores_match_the_write_path(session):
    seed_demo(session, ratings=400, seed=3, code_key=CODE_KEY)
    for rating in session.scalars(select(Rating).limit(60)):
        answers = session.scalars(select(Answer).filter_by(rating_id=rating.id)).all()
        derived = derive_scores([(a.item, a.value, normalise(a.item, a.value)) for a in answers])
        assert rating.score == pytest.approx(derived.score)
        for dimension, value in derived.dimensions.items():
            assert getattr(rating, dimension) == pytest.approx(value)
        assert (rating.fully_helped, rating.asked_money, rating.days_taken) == (
            derived.fully_helped,
            derived.asked_money,
            derived.days_taken,
        )


def test_seed_demo_refuses_a_database_with_real_ratings(session, runner):
    from feedback.services import submit_rating
    from tests.factories import StakeholderFactory, SurvivorFactory, submission

    submit_rating(session, submission(SurvivorFactory(), StakeholderFactory()))
    result = runner.invoke(args=["seed-demo", "--ratings", "10"])
    assert result.exit_code != 0 and "real ratings" in result.output


def _fingerprint(url: str) -> list:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT r.client_uuid, s.code_hash, st.name, r.month, r.score, r.asked_money,"
                " r.payload_digest, (SELECT COUNT(*) FROM answers a WHERE a.rating_id = r.id)"
                " FROM ratings r JOIN survivors s ON s.id = r.survivor_id"
                " JOIN stakeholders st ON st.id = r.stakeholder_id ORDER BY r.client_uuid"
            )
        ).all()
    engine.dispose()
    return rows


def test_seed_demo_is_deterministic_for_a_seed(tmp_path):
    prints = []
    for name in ("a", "b", "c"):
        url = f"sqlite:///{tmp_path / name}.sqlite3"
        app = create_app(make_config(url))
        with app.app_context():
            migrate.upgrade(db.engine)
            seed_demo(
                db.session,
                ratings=500,
                seed=11 if name != "c" else 12,
                code_key=CODE_KEY,
                today=dt.date(2026, 8, 15),
            )
            db.engine.dispose()
        prints.append(_fingerprint(url))
    assert len(prints[0]) == 500
    assert prints[0] == prints[1]
    assert prints[0] != prints[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_runs_the_app_under_a_production_server(tmp_path):
    env = {
        **os.environ,
        "AWAAZ_INSTANCE_PATH": str(tmp_path),
        "AWAAZ_DATABASE_URL": f"sqlite:///{tmp_path}/serve.sqlite3",
    }
    subprocess.run(
        [sys.executable, "-m", "awaaz", "init-db"],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "awaaz", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = r.read()
                    server_header = r.headers.get("Server", "")
                break
            except OSError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        assert body == b'{"status":"ok"}\n'
        assert "gunicorn" in server_header
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stdout.close()
