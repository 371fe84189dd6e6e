"""`awaaz check`: what must be true before a deployment serves anyone.

Each check answers with findings; a fatal one means a survivor or a staff member would be
failed at once (every code refused, English pages, forms refused, limits that do not hold),
so `awaaz serve` runs these first and refuses to start on any of them.
"""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from awaaz.ops import migrate
from awaaz.ops.keys import CODE_KEY_CHECK, TABLET_KEY_IDS, code_key_fingerprint
from awaaz.web.i18n import LANGUAGES, TRANSLATIONS
from models import Survivor
from models.database import db
from models.settings import Setting


@dataclass(frozen=True)
class Finding:
    fatal: bool
    message: str

    def __str__(self) -> str:
        return ("error: " if self.fatal else "note: ") + self.message


def check_keys(app: Flask) -> list[Finding]:
    found = []
    if len(str(app.config.get("SECRET_KEY") or "")) < 32:
        found.append(Finding(True, "AWAAZ_SECRET_KEY is missing or shorter than 32 characters."))
    code_key = str(app.config.get("AWAAZ_CODE_KEY") or "")
    if len(code_key) < 32:
        found.append(Finding(True, "AWAAZ_CODE_KEY is missing or shorter than 32 characters."))
        return found
    stored = db.session.get(Setting, CODE_KEY_CHECK)
    mine = code_key_fingerprint(code_key)
    if stored is None:
        survivors = db.session.scalar(select(func.count()).select_from(Survivor))
        # The first start with this database remembers which key its codes are made with.
        db.session.add(Setting(key=CODE_KEY_CHECK, value=mine))
        db.session.commit()
        if survivors:
            found.append(
                Finding(
                    False,
                    f"{survivors} survivors were enrolled before the code key was recorded; "
                    "from now on a different key is refused at start.",
                )
            )
    elif not hmac.compare_digest(stored.value, mine):
        found.append(
            Finding(
                True,
                "AWAAZ_CODE_KEY is not the key this database's survivor codes were made with: "
                "every survivor's code would be refused. Restore the instance folder's "
                "code_key file (or set AWAAZ_CODE_KEY) from the backup of this deployment.",
            )
        )
    return found


def check_tablet_keys(app: Flask) -> list[Finding]:
    """Every tablet key this database has used is still on the ring: tablets may hold
    ratings sealed for any of them (a new instance folder makes a new key silently)."""
    ring = app.config["AWAAZ_TABLET_KEYRING"]
    have = ring.ids()
    stored = db.session.get(Setting, TABLET_KEY_IDS)
    known = set(stored.value.split(",")) if stored and stored.value else set()
    missing = sorted(known - set(have))
    if missing:
        return [
            Finding(
                True,
                f"The tablet key(s) {', '.join(missing)} that this database's tablets seal "
                "for are not on this server: their unsent ratings could not be opened. Put "
                "back tablet_key.pem and tablet_keys_old.pem from the backup (or set "
                "AWAAZ_TABLET_KEY / AWAAZ_TABLET_OLD_KEYS); `awaaz tablet-key retire` drops "
                "a key on purpose.",
            )
        ]
    value = ",".join(sorted(known | set(have)))
    if stored is None:
        db.session.add(Setting(key=TABLET_KEY_IDS, value=value))
    elif stored.value != value:
        stored.value = value  # a rotation's new key joins what this database has seen
    db.session.commit()
    return []


def check_database() -> list[Finding]:
    engine = db.engine
    try:
        current = migrate.current_revision(engine)
    except SQLAlchemyError as error:
        reason = str(error.orig if hasattr(error, "orig") else error).splitlines()[0]
        return [Finding(True, f"The database cannot be reached: {reason}")]
    head = migrate.head_revision()
    if current != head:
        return [
            Finding(
                True,
                f"The database schema is at {current or 'nothing'}, the code needs {head}: "
                "run `awaaz init-db`.",
            )
        ]
    return []


def check_catalogues(translations: Path = TRANSLATIONS) -> list[Finding]:
    missing = [
        lang
        for lang in LANGUAGES
        if lang != "en" and not (translations / lang / "LC_MESSAGES" / "messages.mo").exists()
    ]
    if not missing:
        return []
    return [
        Finding(
            True,
            f"The {', '.join(missing)} catalogues are not compiled: survivors would read "
            "English. Run `awaaz translate compile`.",
        )
    ]


def check_limits(app: Flask, workers: int) -> list[Finding]:
    storage = str(app.config.get("RATELIMIT_STORAGE_URI", "memory://"))
    if storage.startswith("memory://"):
        if workers > 1:
            return [
                Finding(
                    True,
                    f"{workers} workers with rate limits kept in memory: each worker counts "
                    "on its own and lets through several times the wrong codes and sign-ins "
                    "it should. Set AWAAZ_RATELIMIT_STORAGE_URI (e.g. redis://127.0.0.1:6379) "
                    "or serve with --workers 1.",
                )
            ]
        return []
    from feedback.limits import limiter

    try:
        reachable = limiter.storage.check()
    except Exception:  # noqa: BLE001 - any failure of the storage means "not reachable"
        reachable = False
    if not reachable:
        return [
            Finding(True, f"The rate-limit storage ({storage.split('@')[-1]}) does not answer.")
        ]
    return []


def check_jobs(app: Flask) -> list[Finding]:
    """The report queue's Redis answers, when reports are to be built in the background."""
    jobs = app.extensions.get("awaaz_jobs")
    if jobs is None:
        return []
    try:
        jobs.redis.ping()
    except Exception:  # noqa: BLE001 - any failure means the queue cannot be used
        return [Finding(True, "AWAAZ_JOBS_REDIS_URL is set, but that Redis does not answer.")]
    if not _workers(jobs):
        return [
            Finding(
                False,
                "Report PDFs are queued, but no `awaaz worker` is running yet: start one "
                "beside `awaaz serve` (docs/deploy.md), or the reports wait.",
            )
        ]
    return []


def _workers(jobs) -> int:  # type: ignore[no-untyped-def]
    from rq import Worker

    return len(Worker.all(queue=jobs.queue))


def check_proxy(app: Flask, host: str) -> list[Finding]:
    proxies = int(app.config.get("AWAAZ_TRUSTED_PROXIES", 0))
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if proxies and not loopback:
        return [
            Finding(
                False,
                f"AWAAZ_TRUSTED_PROXIES={proxies} while listening on {host}: anyone who can "
                "reach this port directly can claim any address. Listen on 127.0.0.1 behind "
                "the proxy.",
            )
        ]
    if not proxies and loopback and app.config.get("SESSION_COOKIE_SECURE"):
        return [
            Finding(
                False,
                "AWAAZ_TRUSTED_PROXIES is 0: behind an HTTPS proxy, every client would look "
                "like the proxy and share one set of limits. Set it to 1 (see docs/deploy.md).",
            )
        ]
    return []


def run_checks(app: Flask, workers: int = 1, host: str = "127.0.0.1") -> list[Finding]:
    """Every check, in the order an operator fixes them."""
    found = check_catalogues() + check_limits(app, workers) + check_jobs(app)
    found += check_proxy(app, host)
    with app.app_context():
        database = check_database()
        found += database
        if not database:
            found += check_keys(app) + check_tablet_keys(app)
        db.session.close()
        for engine in db.engines.values():
            # `awaaz serve` forks its workers after this: no connection may be shared.
            engine.dispose()
    return found
