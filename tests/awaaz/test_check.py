"""`awaaz check`, which `awaaz serve` runs first: a deployment that would fail survivors or
staff at once does not start, and says why."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from awaaz import create_app
from awaaz.ops import doctor
from tests.conftest import make_config
from tests.live import awaaz_command


@pytest.fixture
def instance(tmp_path) -> dict:
    env = {
        **os.environ,
        "AWAAZ_INSTANCE_PATH": str(tmp_path),
        "AWAAZ_DATABASE_URL": f"sqlite:///{tmp_path}/check.sqlite3",
    }
    env.pop("AWAAZ_RATELIMIT_STORAGE_URI", None)
    return env


def test_serve_refuses_an_unmigrated_database_and_says_what_to_run(instance):
    refused = awaaz_command(instance, "serve", "--port", "1")
    assert refused.returncode == 1
    assert "run `awaaz init-db`" in refused.stderr


def test_two_workers_need_limits_they_share(instance):
    assert awaaz_command(instance, "init-db").returncode == 0
    assert awaaz_command(instance, "check").returncode == 0
    alone = awaaz_command(instance, "check", "--workers", "2")
    assert alone.returncode == 1 and "AWAAZ_RATELIMIT_STORAGE_URI" in alone.stderr
    shared = awaaz_command(
        instance | {"AWAAZ_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379"},
        "check",
        "--workers",
        "2",
    )
    assert shared.returncode == 0, shared.stderr


def test_a_code_key_other_than_the_databases_is_refused(instance):
    """A restore into a fresh instance folder makes a new code key: every code would die."""
    assert awaaz_command(instance, "init-db").returncode == 0
    assert awaaz_command(instance, "check").returncode == 0  # remembers which key the codes use
    Path(instance["AWAAZ_INSTANCE_PATH"], "code_key").write_text("another-key-" + "x" * 40)
    refused = awaaz_command(instance, "check")
    assert refused.returncode == 1 and "AWAAZ_CODE_KEY is not the key" in refused.stderr


def test_uncompiled_catalogues_are_fatal(tmp_path):
    (tmp_path / "bn" / "LC_MESSAGES").mkdir(parents=True)
    found = doctor.check_catalogues(tmp_path)
    assert len(found) == 1 and found[0].fatal and "bn, hi" in found[0].message


def test_trusting_proxies_while_listening_everywhere_is_pointed_out(database_url):
    app = create_app(make_config(database_url, AWAAZ_TRUSTED_PROXIES=1))
    [finding] = doctor.check_proxy(app, "0.0.0.0")  # noqa: S104 - the case being checked
    assert not finding.fatal and "127.0.0.1" in finding.message
    assert doctor.check_proxy(app, "127.0.0.1") == []
