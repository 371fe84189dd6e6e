"""`awaaz create-user`, `issue-codes` and `device-token`: people and tablets from the shell."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from awaaz.console.codes import issue_codes
from awaaz.security.passwords import WeakPassword, hash_password
from models import AgeBand, Block, District, Role, User
from models.audit import record
from models.database import db


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
@click.option(
    "--boys",
    is_flag=True,
    help="Boys: the Hindi pages speak to them as to a boy (as the enrolment form's checkbox).",
)
@with_appcontext
def issue_codes_command(
    count: int, district: str | None, block: str | None, age_band: str | None, boys: bool
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
        masculine_forms=boys,
        via="cli",
    )
    db.session.commit()
    click.echo("\n".join(code for _, code in issued))


@click.group("device-token")
def device_token() -> None:
    """Tokens with which field tablets submit ratings through the API."""


@device_token.command("issue")
@click.argument("name")
@click.option("--district", help="The district the tablet works in.")
@with_appcontext
def device_token_issue(name: str, district: str | None) -> None:
    """Print a new token for the tablet NAME (shown only now)."""
    from awaaz.security.devices import issue_token

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
    from awaaz.security.devices import revoke_token
    from models import DeviceToken

    row = db.session.get(DeviceToken, token_id)
    if row is None:
        raise click.UsageError(f"no device token {token_id}")
    revoke_token(db.session, row)
    db.session.commit()
    click.echo(f"Revoked device token {token_id} ({row.name}).")
