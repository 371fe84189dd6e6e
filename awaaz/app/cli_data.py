"""`awaaz init-db`, `seed-demo`, `backup`, `restore`, `purge` and `import-paper`: the data."""

from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from awaaz.ops import keys, lifecycle, migrate
from models.audit import record
from models.database import db
from models.reference import load_reference_data
from models.settings import Setting


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create the schema, or migrate it to the newest version, and load reference data."""
    before = migrate.current_revision(db.engine)
    migrate.upgrade(db.engine)
    load_reference_data(db.session)
    db.session.commit()
    after = migrate.current_revision(db.engine)
    click.echo(f"Database schema at {after} (was {before or 'empty'}).")


@click.command("seed-demo")
@click.option("--ratings", type=click.IntRange(0, 5_000_000), default=20_000, show_default=True)
@click.option("--seed", type=int, default=2026, show_default=True)
@click.option("--voice/--no-voice", default=True, help="Render machine voice for every prompt.")
@with_appcontext
def seed_demo_command(ratings: int, seed: int, voice: bool) -> None:
    """Fill the database with a synthetic programme (real places, invented people)."""
    from awaaz.ops.demo import DemoRefused, seed_demo
    from mis.engine import Settings

    try:
        summary = seed_demo(
            db.session,
            ratings=ratings,
            seed=seed,
            code_key=current_app.config["AWAAZ_CODE_KEY"],
            progress=True,
            settings=Settings.from_config(current_app.config),
        )
    except DemoRefused as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(summary)
    if voice:
        from awaaz.app.cli_voice import render_all

        render_all()


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(target: Path) -> None:
    """Write the database and the keys that open it to TARGET (readable by its owner only).

    Keep it as safe as the server itself: it holds the code key and the tablet keys.
    """
    config = current_app.config
    recorded = db.session.get(Setting, keys.CODE_KEY_CHECK)
    check = recorded.value if recorded else keys.code_key_fingerprint(config["AWAAZ_CODE_KEY"])
    db.session.close()
    try:
        lifecycle.backup(db.engine, target, keys.Keys.from_config(config), check)
    except lifecycle.LifecycleError as error:
        raise click.UsageError(str(error)) from None
    record(db.session, "backup", detail={"file": target.name})
    db.session.commit()
    click.echo(f"Backed up the database and its keys to {target}.")


@click.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the data.")
@with_appcontext
def restore_command(source: Path, yes: bool) -> None:
    """Replace the database's contents with the backup in SOURCE, and pair it with its keys.

    Refuses, saying what to set, when the database would be left with a code key that
    cannot open its survivors' codes.
    """
    config = current_app.config
    with tempfile.TemporaryDirectory() as folder:
        try:
            contents = lifecycle.open_backup(source, Path(folder))
        except (lifecycle.LifecycleError, subprocess.CalledProcessError) as error:
            raise click.UsageError(str(error)) from None
        plan = keys.plan_restore(
            keys.Keys.from_config(config),
            set(config.get("AWAAZ_KEYS_FROM_ENVIRONMENT") or ()),
            bool(config.get("AWAAZ_KEYS_IN_INSTANCE")),
            contents.keys,
            contents.code_key_check,
        )
        if plan.refusal:
            raise click.UsageError(plan.refusal)
        if not yes:
            click.confirm("This replaces every record in the database. Go on?", abort=True)
        db.session.close()
        try:
            lifecycle.restore(db.engine, contents)
        except lifecycle.LifecycleError as error:
            raise click.UsageError(str(error)) from None
    keys.install(Path(current_app.instance_path), plan.writes)
    record(db.session, "restore", detail={"file": source.name, "keys": sorted(plan.writes)})
    db.session.commit()
    for note in plan.notes:
        click.echo(note)
    click.echo(f"Restored from {source}.")
    if plan.writes:
        click.echo("Restart the server so that it uses the installed keys.")


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Only count what would be erased.")
@with_appcontext
def purge_command(dry_run: bool) -> None:
    """Erase what is past retention: original comments first, then old ratings."""
    result = lifecycle.purge(db.session, dt.datetime.now(dt.UTC), dry_run=dry_run)
    if not dry_run:
        db.session.commit()
    verb = "Would erase" if dry_run else "Erased"
    click.echo(
        f"{verb} {result.comments_erased} original comments, {result.ratings_deleted} ratings, "
        f"{result.held_erased} ratings held for a name never reviewed "
        f"and {result.sessions_deleted} old staff sessions."
    )


@click.command("import-paper")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--lang", type=click.Choice(["bn", "hi", "en"]), default="en", help="Language of messages."
)
@with_appcontext
def import_paper_command(file: Path, lang: str) -> None:
    """Store a CSV of filled paper forms, all rows or none (see docs/offline.md)."""
    from flask_babel import force_locale

    from awaaz.console.paper_import import PaperRefused, import_paper

    with force_locale(lang):
        try:
            stored, already = import_paper(
                db.session, file.read_bytes(), current_app.config["AWAAZ_CODE_KEY"]
            )
        except PaperRefused as refused:
            db.session.rollback()
            for p in refused.problems:
                click.echo(f"line {p.line}, {p.field}: {p.message}", err=True)
            raise SystemExit(1) from None
    click.echo(f"Stored {stored} forms; {already} were already stored.")
