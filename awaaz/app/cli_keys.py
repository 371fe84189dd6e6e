"""`awaaz tablet-key list|rotate|retire`: the keys offline tablets seal ratings for."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from awaaz.ops.keys import TABLET_KEY_IDS
from awaaz.security import sealing
from models.audit import record
from models.database import db
from models.settings import Setting


@click.group("tablet-key")
def tablet_key() -> None:
    """The keys offline tablets seal ratings for (docs/offline.md)."""


def _in_instance() -> Path:
    if "AWAAZ_TABLET_KEY" in (current_app.config.get("AWAAZ_KEYS_FROM_ENVIRONMENT") or ()):
        raise click.UsageError(
            "AWAAZ_TABLET_KEY is set in the environment: rotate there (the procedure is in "
            "docs/offline.md), moving the old key to AWAAZ_TABLET_OLD_KEYS."
        )
    return Path(current_app.instance_path)


@tablet_key.command("list")
@with_appcontext
def list_command() -> None:
    """The current key, then the old keys kept to open what tablets sealed before."""
    ring = current_app.config["AWAAZ_TABLET_KEYRING"]
    click.echo(f"{ring.current_id}  current")
    for pem in ring.old:
        click.echo(f"{sealing.key_id(pem)}  old")


@tablet_key.command("rotate")
@with_appcontext
def rotate_command() -> None:
    """Make a new current key; the old one is kept to open what tablets sealed for it."""
    before, after = sealing.rotate(_in_instance())
    record(db.session, "tablet_key.rotated", detail={"old": before, "new": after})
    db.session.commit()
    click.echo(f"Tablets will seal for {after} once they next load their pack; {before} is kept.")
    click.echo("Restart the server, then take a new backup (`awaaz backup`).")


@tablet_key.command("retire")
@click.argument("kid")
@click.option("--yes", is_flag=True, help="Do not ask before dropping the key.")
@with_appcontext
def retire_command(kid: str, yes: bool) -> None:
    """Drop the old key KID: what a tablet still holds sealed for it can no longer be opened.

    Do this only when no tablet's outbox holds ratings sealed before its rotation.
    """
    folder = _in_instance()
    ring = current_app.config["AWAAZ_TABLET_KEYRING"]
    if kid == ring.current_id:
        raise click.UsageError(f"{kid} is the current key: rotate first.")
    old = sealing.instance_old_keys(folder)
    kept = [pem for pem in old if sealing.key_id(pem) != kid]
    if len(kept) == len(old):
        raise click.UsageError(f"No old key {kid} in {folder / sealing.OLD_FILE}.")
    if not yes:
        click.confirm(f"Ratings still sealed for {kid} will be lost. Drop it?", abort=True)
    sealing.replace_private(folder / sealing.OLD_FILE, "".join(kept))
    known = db.session.get(Setting, TABLET_KEY_IDS)
    if known is not None:
        known.value = ",".join(k for k in known.value.split(",") if k != kid)
    record(db.session, "tablet_key.retired", detail={"key": kid})
    db.session.commit()
    click.echo(f"Dropped {kid}. Restart the server.")
