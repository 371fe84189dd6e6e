"""`awaaz seed-demo`: a realistic synthetic programme to try and to benchmark the product."""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext

import click
import numpy as np
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from awaaz.ops.demo.closing import build_actions, raise_demo_alerts
from awaaz.ops.demo.ratings import generate_ratings
from awaaz.ops.demo.registry import build_stakeholders, build_survivors
from awaaz.security.passwords import hash_password
from mis import releases
from mis.engine import Settings
from mis.periods import Period
from models import (
    Action,
    Alert,
    AlertNote,
    Answer,
    Comment,
    District,
    Rating,
    Release,
    ReleaseTable,
    Role,
    Setting,
    Stakeholder,
    StakeholderSuggestion,
    Survivor,
    User,
)
from models.audit import record
from models.ratings import DERIVED_TABLES, rebuild_derived
from models.reference import load_reference_data

DEMO_MARKER = "demo_seed"
# Demo accounts exist only in a database filled by seed-demo, which refuses to touch a
# database holding real ratings; production never runs this command.
DEMO_PASSWORD = "awaaz-demo-2026"  # noqa: S105
DEMO_USERS = [
    ("admin@demo.awaaz.org", Role.ADMIN, None),
    ("staff@demo.awaaz.org", Role.STAFF, None),
    ("field.south@demo.awaaz.org", Role.FIELD, "South 24 Parganas"),
    ("field.north@demo.awaaz.org", Role.FIELD, "North 24 Parganas"),
    ("funder@demo.awaaz.org", Role.FUNDER, None),
]


class DemoRefused(Exception):
    pass


def seed_demo(
    session: Session,
    *,
    ratings: int,
    seed: int,
    code_key: str,
    progress: bool = False,
    today: dt.date | None = None,
    settings: Settings | None = None,
) -> str:
    """Replace the programme data with a deterministic synthetic programme; commits."""
    today = today or dt.date.today()
    has_ratings = session.scalar(select(Rating.id).limit(1)) is not None
    if has_ratings and session.get(Setting, DEMO_MARKER) is None:
        raise DemoRefused(
            "this database holds real ratings; seed-demo only fills a new or demo database"
        )
    _wipe(session)
    load_reference_data(session)
    rng = np.random.default_rng(seed)
    users = _demo_users(session)
    stakeholders = build_stakeholders(session, rng)
    field_by_district = {u.district_id: u.id for u in users if u.role is Role.FIELD}
    survivors = build_survivors(
        session, rng, int(np.clip(ratings // 30, 400, 40_000)), code_key, field_by_district
    )
    # Marked as demo before the ratings arrive (they are committed chunk by chunk), so an
    # interrupted run can simply be run again.
    session.merge(Setting(key=DEMO_MARKER, value="incomplete"))
    session.commit()
    bar = click.progressbar(length=ratings, label="Ratings") if progress else nullcontext()
    with bar as shown:
        generate_ratings(
            session,
            rng,
            count=ratings,
            stakeholders=stakeholders,
            survivor_ids=survivors.ids,
            survivor_blocks=survivors.block_ids,
            today=today,
            progress=shown.update if shown else lambda n: None,
        )
    _fix_sequences(session)
    rebuild_derived(session)
    build_actions(session, rng, stakeholders, today)
    raise_demo_alerts(session, today)
    _release_demo(session, users, today, settings or Settings(), progress)
    session.merge(Setting(key=DEMO_MARKER, value=f"seed={seed} ratings={ratings}"))
    record(session, "demo.seeded", detail={"seed": seed, "ratings": ratings})
    session.commit()
    session.execute(text("ANALYZE"))
    session.commit()
    accounts = "\n".join(f"  {email} ({role})" for email, role, _ in DEMO_USERS)
    return (
        f"Demo programme: {len(stakeholders)} stakeholders, {len(survivors.ids)} survivors, "
        f"{ratings} ratings.\nDemo sign-in at /staff/login, password {DEMO_PASSWORD}:\n"
        f"{accounts}\nDemo survivor codes: {', '.join(survivors.sample_codes)}"
    )


def _wipe(session: Session) -> None:
    for model in (
        *DERIVED_TABLES,
        ReleaseTable,
        Release,
        Action,
        AlertNote,
        Alert,
        Comment,
        Answer,
        Rating,
        StakeholderSuggestion,
        Survivor,
    ):
        session.execute(delete(model))
    session.execute(Stakeholder.__table__.update().values(merged_into_id=None))
    session.execute(delete(Stakeholder))
    session.flush()


def _release_demo(
    session: Session, users: list[User], today: dt.date, settings: Settings, progress: bool
) -> None:
    """Release every closed quarter, and approve the funder releases as the demo admin.

    In a real programme an admin reads each funder release before approving it; the demo
    approves them so that its funder view has something to show.
    """
    admin = next(u for u in users if u.role is Role.ADMIN)
    for release in releases.build_due(session, settings, today):
        if release.audience == releases.FUNDER:
            releases.approve(session, Period.parse(release.period), admin.id)
        if progress:
            click.echo(f"Released {release.audience} {release.period}")


def _demo_users(session: Session) -> list[User]:
    password_hash = hash_password(DEMO_PASSWORD)
    users = []
    for email, role, district in DEMO_USERS:
        user = session.scalars(select(User).filter_by(email=email)).first()
        if user is None:
            user = User(email=email, role=role, password_hash=password_hash)
            session.add(user)
        user.password_hash, user.role, user.active = password_hash, role, True
        user.failed_logins, user.locked_until = 0, None
        user.district = (
            session.scalars(select(District).filter_by(name=district)).one() if district else None
        )
        users.append(user)
    session.flush()
    return users


def _fix_sequences(session: Session) -> None:
    # Ratings were inserted with explicit ids; PostgreSQL's sequence must catch up.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('ratings', 'id'), "
                "(SELECT COALESCE(MAX(id), 1) FROM ratings))"
            )
        )
