"""`awaaz release` and `awaaz report`: building, approving and printing the figures."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from models.audit import record
from models.database import db


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
