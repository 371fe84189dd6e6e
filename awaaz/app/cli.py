"""The `awaaz` command line, built on Flask's CLI (SPEC §5): the group, `serve`, and where
each command is registered (the commands live in `cli_data`, `cli_people` and `cli_figures`)."""

from __future__ import annotations

import os

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext


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
    """Serve the app with gunicorn, a production WSGI server, after `awaaz check`."""
    from awaaz.app.server import run

    if workers is None:
        # SQLite admits one writer at a time. Writers in one process queue on a lock and
        # are woken at once; writers in two processes poll, which at 50 concurrent
        # submissions took the 95th-percentile latency from 0.75 s to 4 s for the same
        # throughput (tests/benchmarks/test_load.py).
        url = os.environ.get("AWAAZ_DATABASE_URL", "sqlite")
        workers = 1 if url.startswith("sqlite") else 2
    _report(workers, host)
    run(host=host, port=port, workers=workers, threads=threads)


@click.command("check")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
def check_command(workers: int, host: str) -> None:
    """Check keys, catalogues, database, rate-limit storage and proxy settings."""
    _report(workers, host)
    click.echo("Ready to serve.")


def _report(workers: int, host: str) -> None:
    """Print what `awaaz/ops/doctor.py` finds; stop with status 1 on anything fatal."""
    from awaaz.app.factory import create_app
    from awaaz.ops.doctor import run_checks

    findings = run_checks(create_app(), workers=workers, host=host)
    for finding in findings:
        click.echo(str(finding), err=True)
    if any(finding.fatal for finding in findings):
        raise SystemExit(1)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run what is queued, then stop.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Build queued report PDFs (AWAAZ_JOBS_REDIS_URL); run one beside `awaaz serve`."""
    jobs = current_app.extensions.get("awaaz_jobs")
    if jobs is None:
        raise click.UsageError("AWAAZ_JOBS_REDIS_URL is not set: reports are built in requests.")
    click.echo(f"Building reports from the queue {jobs.queue.name!r} …")
    jobs.work(burst=burst, app=current_app._get_current_object())


def init_app(app: Flask) -> None:
    from awaaz.app.cli_data import (
        backup_command,
        import_paper_command,
        init_db_command,
        purge_command,
        restore_command,
        seed_demo_command,
    )
    from awaaz.app.cli_figures import release, report_command
    from awaaz.app.cli_keys import tablet_key
    from awaaz.app.cli_people import create_user_command, device_token, issue_codes_command
    from awaaz.app.cli_voice import voice_group
    from awaaz.ops.translate import translate

    for command in (
        check_command,
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
        tablet_key,
        import_paper_command,
        translate,
        voice_group,
        worker_command,
    ):
        app.cli.add_command(command)


def _create_app() -> Flask:
    from awaaz.app.factory import create_app

    return create_app()


cli = FlaskGroup(
    create_app=_create_app,
    add_default_commands=False,
    help="Awaaz: survivors' ratings of the services meant to help them.",
)


def main() -> None:
    cli.main(prog_name="awaaz")
