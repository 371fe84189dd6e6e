"""The `awaaz` command line, built on Flask's CLI (SPEC §5)."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import func, select

from models import AgeBand, Block, District, Role, User
from models.audit import record
from models.database import db
from models.reference import load_reference_data

from . import lifecycle, migrate
from .enrolment import issue_codes
from .passwords import WeakPassword, hash_password


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


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--district", help="District of a field worker (e.g. 'South 24 Parganas').")
@with_appcontext
def create_user_command(email: str, role: str, district: str | None) -> None:
    """Create a staff account; the password is read from standard input."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        password_hash = hash_password(password)
    except WeakPassword as exc:
        raise click.UsageError(str(exc)) from None
    email = email.strip().lower()
    if db.session.scalar(select(User).where(func.lower(User.email) == email)):
        raise click.UsageError(f"a user with the e-mail {email} already exists")
    user = User(
        email=email,
        password_hash=password_hash,
        role=Role(role),
        district=find_district(district) if district else None,
    )
    db.session.add(user)
    db.session.flush()
    record(
        db.session,
        "user.created",
        target_type="user",
        target_id=user.id,
        detail={"role": role, "via": "cli"},
    )
    db.session.commit()
    click.echo(f"Created {role} {email}.")


def find_district(name: str | None) -> District:
    """The district called `name`; without a name, the only district there is."""
    districts = db.session.scalars(select(District).order_by(District.name)).all()
    if name is None and len(districts) == 1:
        return districts[0]
    match = [d for d in districts if name and d.name.lower() == name.strip().lower()]
    if not match:
        known = ", ".join(d.name for d in districts) or "none yet: run `awaaz init-db`"
        what = f"no district called {name!r}" if name else "name the district with --district"
        raise click.UsageError(f"{what} (districts: {known})")
    return match[0]


@click.command("issue-codes")
@click.option("--count", type=click.IntRange(1, 10_000), required=True)
@click.option("--district", help="District the survivors live in.")
@click.option("--block", help="Block within the district, if known.")
@click.option("--age-band", type=click.Choice([a.value for a in AgeBand]))
@with_appcontext
def issue_codes_command(
    count: int, district: str | None, block: str | None, age_band: str | None
) -> None:
    """Enrol COUNT new survivors and print their codes, one per line.

    The codes are shown only now: the database keeps just a keyed hash of each.
    """
    place = find_district(district)
    block_row = None
    if block:
        block_row = db.session.scalars(
            select(Block).where(
                Block.district_id == place.id, func.lower(Block.name) == block.strip().lower()
            )
        ).first()
        if block_row is None:
            raise click.UsageError(f"no block called {block!r} in {place.name}")
    issued = issue_codes(
        db.session,
        current_app.config["AWAAZ_CODE_KEY"],
        place,
        count,
        block=block_row,
        age_band=AgeBand(age_band) if age_band else None,
        via="cli",
    )
    db.session.commit()
    click.echo("\n".join(code for _, code in issued))


@click.command("seed-demo")
@click.option("--ratings", type=click.IntRange(0, 5_000_000), default=20_000, show_default=True)
@click.option("--seed", type=int, default=2026, show_default=True)
@with_appcontext
def seed_demo_command(ratings: int, seed: int) -> None:
    """Fill the database with a synthetic programme (real places, invented people)."""
    from mis.engine import Settings

    from .demo import DemoRefused, seed_demo

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


@click.group("release")
def release() -> None:
    """The protected releases every MIS output reads (docs/privacy.md)."""


def _quarter_option(text: str | None):  # type: ignore[no-untyped-def]
    from mis.periods import Grain, Period, PeriodError

    if text is None:
        return None
    try:
        period = Period.parse(text)
    except PeriodError as error:
        raise click.BadParameter(str(error), param_hint="--period") from None
    if period.grain is not Grain.QUARTER:
        raise click.BadParameter(
            "releases are made per quarter, e.g. 2026Q3", param_hint="--period"
        )
    return period


@release.command("build")
@click.option(
    "--period", help="one closed quarter (default: every closed quarter not yet released)"
)
@with_appcontext
def release_build(period: str | None) -> None:
    """Build the staff and funder releases of closed quarters (funder ones wait for approval)."""
    from mis import releases
    from mis.engine import Settings

    settings = Settings.from_config(current_app.config, db.session)
    quarter = _quarter_option(period)
    try:
        made = (
            list(releases.build_quarter(db.session, quarter, settings))
            if quarter
            else releases.build_due(db.session, settings)
        )
    except releases.ReleaseError as error:
        raise click.ClickException(str(error)) from None
    for row in made:
        record(
            db.session,
            "release.build",
            target_type="release",
            detail={"period": row.period, "audience": row.audience},
        )
        click.echo(f"built {row.audience} release of {row.period}")
    db.session.commit()
    if not made:
        click.echo("nothing to build: every closed quarter has its releases")


def _funder_change(action: str, period: str) -> None:
    from mis import releases

    quarter = _quarter_option(period)
    try:
        if action == "approve":
            releases.approve(db.session, quarter, None)
        else:
            releases.withdraw(db.session, quarter)
    except releases.ReleaseError as error:
        raise click.ClickException(str(error)) from None
    record(
        db.session,
        f"release.{action}",
        target_type="release",
        detail={"period": quarter.label, "via": "cli"},
    )
    db.session.commit()


@release.command("approve")
@click.option("--period", required=True, help="the quarter, e.g. 2026Q3")
@with_appcontext
def release_approve(period: str) -> None:
    """Let funders see a quarter: approve its newest funder release."""
    _funder_change("approve", period)
    click.echo(f"approved: funders now see {period}")


@release.command("withdraw")
@click.option("--period", required=True, help="the quarter, e.g. 2026Q3")
@with_appcontext
def release_withdraw(period: str) -> None:
    """Take a quarter back from funders."""
    _funder_change("withdraw", period)
    click.echo(f"withdrawn: funders no longer see {period}")


@click.command("report")
@click.option("--period", required=True, help="e.g. 2026Q3")
@click.option("--lang", type=click.Choice(["en", "bn"]), default="en", show_default=True)
@click.option(
    "--audience", type=click.Choice(["staff", "funder"]), default="staff", show_default=True
)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), required=True)
@with_appcontext
def report_command(period: str, lang: str, audience: str, out: str) -> None:
    """Write the quarterly MIS report as a PDF."""
    from mis.periods import Period, PeriodError
    from mis.privacy import PrivacyError
    from mis.releases import ReleaseError
    from mis.report import build_report
    from mis.views import settings

    try:
        chosen = Period.parse(period)
        with current_app.test_request_context():
            pdf = build_report(db.session, chosen, lang, audience, settings())
    except (PeriodError, PrivacyError) as error:
        raise click.UsageError(str(error)) from None
    except ReleaseError as error:  # a quarter still filling, or not approved for funders
        raise click.ClickException(str(error)) from None
    with open(out, "wb") as handle:
        handle.write(pdf)
    record(
        db.session,
        "report",
        target_type=f"report-{audience}",
        detail={"period": chosen.label, "lang": lang, "via": "cli"},
    )
    db.session.commit()
    click.echo(f"Wrote {out} ({len(pdf) // 1024} KB).")


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(target: Path) -> None:
    """Write a consistent copy of the database to TARGET (readable by its owner only)."""
    try:
        lifecycle.backup(db.engine, target)
    except lifecycle.LifecycleError as error:
        raise click.UsageError(str(error)) from None
    record(db.session, "backup", detail={"file": target.name})
    db.session.commit()
    click.echo(f"Backed up to {target}.")


@click.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the data.")
@with_appcontext
def restore_command(source: Path, yes: bool) -> None:
    """Replace the database's contents with the backup in SOURCE."""
    if not yes:
        click.confirm("This replaces every record in the database. Go on?", abort=True)
    db.session.close()
    try:
        lifecycle.restore(db.engine, source)
    except lifecycle.LifecycleError as error:
        raise click.UsageError(str(error)) from None
    record(db.session, "restore", detail={"file": source.name})
    db.session.commit()
    click.echo(f"Restored from {source}.")


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
        f"{verb} {result.comments_erased} original comments, {result.ratings_deleted} ratings "
        f"and {result.sessions_deleted} old staff sessions."
    )


@click.group("device-token")
def device_token() -> None:
    """Tokens with which field tablets submit ratings through the API."""


@device_token.command("issue")
@click.argument("name")
@click.option("--district", help="The district the tablet works in.")
@with_appcontext
def device_token_issue(name: str, district: str | None) -> None:
    """Print a new token for the tablet NAME (shown only now)."""
    from .devices import issue_token

    place = find_district(district) if district else None
    row, token = issue_token(db.session, name, place)
    db.session.commit()
    click.echo(f"Device token {row.id} for {row.name!r} (keep it secret, it is not shown again):")
    click.echo(token)


@device_token.command("revoke")
@click.argument("token_id", type=int)
@with_appcontext
def device_token_revoke(token_id: int) -> None:
    """Stop the token with this number from working."""
    from models import DeviceToken

    from .devices import revoke_token

    row = db.session.get(DeviceToken, token_id)
    if row is None:
        raise click.UsageError(f"no device token {token_id}")
    revoke_token(db.session, row)
    db.session.commit()
    click.echo(f"Revoked device token {token_id} ({row.name}).")


@click.command("import-paper")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--lang", type=click.Choice(["bn", "hi", "en"]), default="en", help="Language of messages."
)
@with_appcontext
def import_paper_command(file: Path, lang: str) -> None:
    """Store a CSV of filled paper forms, all rows or none (see docs/offline.md)."""
    from flask_babel import force_locale

    from .paper import PaperRefused, import_paper

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


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=5000, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    help="Processes [default: 1 on SQLite, 2 on PostgreSQL].",
)
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True)
def serve_command(host: str, port: int, workers: int | None, threads: int) -> None:
    """Serve the app with gunicorn, a production WSGI server."""
    from .server import run

    if workers is None:
        # SQLite admits one writer at a time. Writers in one process queue on a lock and
        # are woken at once; writers in two processes poll, which at 50 concurrent
        # submissions took the 95th-percentile latency from 0.75 s to 4 s for the same
        # throughput (tests/benchmarks/test_load.py).
        url = os.environ.get("AWAAZ_DATABASE_URL", "sqlite")
        workers = 1 if url.startswith("sqlite") else 2
    run(host=host, port=port, workers=workers, threads=threads)


def init_app(app: Flask) -> None:
    from .translate import translate

    for command in (
        init_db_command,
        create_user_command,
        issue_codes_command,
        seed_demo_command,
        release,
        serve_command,
        report_command,
        backup_command,
        restore_command,
        purge_command,
        device_token,
        import_paper_command,
        translate,
    ):
        app.cli.add_command(command)


def _create_app() -> Flask:
    from . import create_app

    return create_app()


cli = FlaskGroup(
    create_app=_create_app,
    add_default_commands=False,
    help="Awaaz: survivors' ratings of the services meant to help them.",
)


def main() -> None:
    cli.main(prog_name="awaaz")
