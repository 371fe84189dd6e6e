"""The keys that open a deployment's data: set from the environment or the instance folder,
carried by `awaaz backup`, paired with the database by `awaaz restore` — which refuses to
leave survivors' codes with a key that cannot open them — and checked at every start."""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from awaaz.security import sealing
from tests.live import awaaz_command


def _instance(folder: Path, **extra: str) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "AWAAZ_INSTANCE_PATH": str(folder),
        "AWAAZ_DATABASE_URL": f"sqlite:///{folder}/awaaz.sqlite3",
        **extra,
    }
    for name in ("AWAAZ_RATELIMIT_STORAGE_URI", "AWAAZ_CODE_KEY", "AWAAZ_TABLET_KEY"):
        if name not in extra:
            env.pop(name, None)
    return env


def _ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def made_once(tmp_path_factory) -> Path:
    """A deployment with enrolled survivors, its keys in its instance folder, backed up."""
    root = tmp_path_factory.mktemp("keys")
    env = _instance(root / "old")
    _ok(awaaz_command(env, "init-db"))
    _ok(awaaz_command(env, "issue-codes", "--count", "3", "--district", "South 24 Parganas"))
    _ok(awaaz_command(env, "check"))  # records which code key and tablet keys its data uses
    _ok(awaaz_command(env, "backup", str(root / "awaaz.backup")))
    return root


@pytest.fixture
def old_server(made_once, tmp_path) -> dict:
    """A copy of that deployment and its backup for each test (they change both)."""
    shutil.copytree(made_once / "old", tmp_path / "old")
    shutil.copy2(made_once / "awaaz.backup", tmp_path / "awaaz.backup")
    return _instance(tmp_path / "old")


def test_a_backup_carries_the_keys_and_is_for_its_owner_only(old_server, tmp_path):
    backup = tmp_path / "awaaz.backup"
    assert backup.stat().st_mode & 0o077 == 0
    with tarfile.open(backup) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", "database.sqlite3", "keys/code_key", "keys/tablet_key.pem"} <= names


def test_a_restore_into_a_fresh_instance_takes_the_backups_keys(old_server, tmp_path):
    """Before, the fresh instance's own new code key silently killed every survivor's code."""
    fresh = _instance(tmp_path / "fresh")
    _ok(awaaz_command(fresh, "init-db"))  # a new instance folder: new keys of its own
    out = _ok(awaaz_command(fresh, "restore", "--yes", str(tmp_path / "awaaz.backup")))
    assert "code key is installed" in out
    old, new = Path(old_server["AWAAZ_INSTANCE_PATH"]), Path(fresh["AWAAZ_INSTANCE_PATH"])
    assert (new / "code_key").read_text().strip() == (old / "code_key").read_text().strip()
    assert list(new.glob("code_key.before-restore-*"))  # the replaced key is kept, not lost
    # The start check passes: the codes fit the key, the old tablet key opens old envelopes.
    _ok(awaaz_command(fresh, "check"))
    listed = _ok(awaaz_command(fresh, "tablet-key", "list"))
    assert sealing.key_id((old / "tablet_key.pem").read_text()) in listed


def test_a_restore_refuses_a_code_key_set_in_the_environment_that_cannot_open_it(
    old_server, tmp_path
):
    other = _instance(tmp_path / "other", AWAAZ_CODE_KEY="another-deployment-" + "k" * 40)
    _ok(awaaz_command(other, "init-db"))
    before = Path(tmp_path / "other" / "awaaz.sqlite3").read_bytes()
    refused = awaaz_command(other, "restore", "--yes", str(tmp_path / "awaaz.backup"))
    assert refused.returncode != 0
    assert "Set AWAAZ_CODE_KEY to the backup's key" in refused.stderr
    assert Path(tmp_path / "other" / "awaaz.sqlite3").read_bytes() == before  # untouched


def test_an_older_bare_backup_is_refused_where_its_codes_would_die(old_server, tmp_path):
    bare = tmp_path / "bare.sqlite3"
    shutil.copy(Path(old_server["AWAAZ_INSTANCE_PATH"]) / "awaaz.sqlite3", bare)
    fresh = _instance(tmp_path / "fresh")
    _ok(awaaz_command(fresh, "init-db"))
    refused = awaaz_command(fresh, "restore", "--yes", str(bare))
    assert refused.returncode != 0 and "does not carry it" in refused.stderr
    # On its own server (same code key) the same file restores.
    _ok(awaaz_command(old_server, "restore", "--yes", str(bare)))


def test_a_lost_tablet_key_stops_the_start(old_server):
    folder = Path(old_server["AWAAZ_INSTANCE_PATH"])
    (folder / "tablet_key.pem").unlink()  # a new instance folder would make a new one
    refused = awaaz_command(old_server, "check")
    assert refused.returncode == 1 and "are not on this server" in refused.stderr


def test_rotating_keeps_the_old_key_and_retiring_drops_it(old_server):
    folder = Path(old_server["AWAAZ_INSTANCE_PATH"])
    first = sealing.key_id((folder / "tablet_key.pem").read_text())
    _ok(awaaz_command(old_server, "tablet-key", "rotate"))
    listed = _ok(awaaz_command(old_server, "tablet-key", "list")).splitlines()
    assert listed[1] == f"{first}  old" and not listed[0].startswith(first)
    _ok(awaaz_command(old_server, "check"))
    _ok(awaaz_command(old_server, "tablet-key", "retire", first, "--yes"))
    assert first not in _ok(awaaz_command(old_server, "tablet-key", "list"))
    _ok(awaaz_command(old_server, "check"))  # retired on purpose: no longer expected


def test_every_key_can_come_from_the_environment(tmp_path):
    pem = sealing.new_private_key()
    old = sealing.new_private_key()
    env = _instance(
        tmp_path / "env",
        AWAAZ_TABLET_KEY=pem,
        AWAAZ_TABLET_OLD_KEYS=old,
        AWAAZ_CODE_KEY="c" * 64,
        AWAAZ_SECRET_KEY="s" * 64,
    )
    _ok(awaaz_command(env, "init-db"))
    listed = _ok(awaaz_command(env, "tablet-key", "list"))
    assert f"{sealing.key_id(pem)}  current" in listed and f"{sealing.key_id(old)}  old" in listed
    assert not (tmp_path / "env" / "tablet_key.pem").exists()
    assert not (tmp_path / "env" / "code_key").exists()
    refused = awaaz_command(env, "tablet-key", "rotate")
    assert refused.returncode != 0 and "docs/offline.md" in refused.stderr
