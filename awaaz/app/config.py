"""Configuration from AWAAZ_* environment variables (SPEC §5), with safe defaults."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from limits import parse_many

from awaaz.security.sealing import instance_key, instance_old_keys, split_pems
from feedback.limits import DEFAULT_WRONG_CODE_LIMITS


class ConfigError(RuntimeError):
    """A setting is present but unusable; the message says which and why."""


def _int_setting(name: str, default: int, minimum: int = 1) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {value}")
    return value


def _instance_secret(instance_path: Path, filename: str) -> str:
    """Read a secret kept in the instance folder, creating it (owner-only) on first use."""
    path = instance_path / filename
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


# The secrets a deployment must keep, each from the environment or the instance folder.
KEY_VARIABLES = ("AWAAZ_SECRET_KEY", "AWAAZ_CODE_KEY", "AWAAZ_TABLET_KEY", "AWAAZ_TABLET_OLD_KEYS")


def _limits_setting(name: str, default: str) -> str:
    """Rate limits in Flask-Limiter's notation, checked now rather than on the first request."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        parse_many(raw)
    except ValueError:
        raise ConfigError(
            f"{name} must be limits such as '5 per minute;20 per hour', not {raw!r}"
        ) from None
    return raw


def database_url(instance_path: Path) -> str:
    return os.environ.get("AWAAZ_DATABASE_URL") or f"sqlite:///{instance_path / 'awaaz.sqlite3'}"


def engine_config(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        return {"url": url}
    return {"url": url, "pool_pre_ping": True}


def from_environment(instance_path: Path) -> dict[str, Any]:
    """Settings for a real run. Tests pass their own mapping to create_app instead."""
    url = database_url(instance_path)
    return {
        "SECRET_KEY": os.environ.get("AWAAZ_SECRET_KEY")
        or _instance_secret(instance_path, "secret_key"),
        # A separate key for survivor codes: rotating the session secret must not orphan
        # every survivor's code.
        "AWAAZ_CODE_KEY": os.environ.get("AWAAZ_CODE_KEY")
        or _instance_secret(instance_path, "code_key"),
        "SQLALCHEMY_ENGINES": {"default": engine_config(url)},
        # Opens the ratings an offline tablet sealed for this server (security/sealing.py):
        # the current key, and the keys before a rotation (docs/offline.md).
        "AWAAZ_TABLET_KEY": os.environ.get("AWAAZ_TABLET_KEY") or instance_key(instance_path),
        "AWAAZ_TABLET_OLD_KEYS": [
            *split_pems(os.environ.get("AWAAZ_TABLET_OLD_KEYS", "")),
            *instance_old_keys(instance_path),
        ],
        # Keys live in the instance folder (or the environment), where `awaaz restore` may
        # install a backup's keys — only those the environment does not set.
        "AWAAZ_KEYS_IN_INSTANCE": True,
        "AWAAZ_KEYS_FROM_ENVIRONMENT": sorted(
            name for name in KEY_VARIABLES if os.environ.get(name, "").strip()
        ),
        "AWAAZ_K_STAFF": _int_setting("AWAAZ_K_STAFF", 5),
        "AWAAZ_K_FUNDER": _int_setting("AWAAZ_K_FUNDER", 11),
        "AWAAZ_PRIOR_WEIGHT": _int_setting("AWAAZ_PRIOR_WEIGHT", 5, minimum=0),
        "AWAAZ_KIOSK_IDLE_SECONDS": _int_setting("AWAAZ_KIOSK_IDLE_SECONDS", 60),
        "AWAAZ_KIOSK_COUNTDOWN_SECONDS": _int_setting("AWAAZ_KIOSK_COUNTDOWN_SECONDS", 15),
        # A tablet switched to kiosk mode stays one this long, unless stopped on the console.
        "AWAAZ_KIOSK_DAYS": _int_setting("AWAAZ_KIOSK_DAYS", 90),
        "SESSION_COOKIE_SECURE": os.environ.get("AWAAZ_INSECURE_COOKIES", "") != "1",
        # Redis makes code-entry limits hold across every server process; `awaaz serve`
        # refuses more than one worker without it (awaaz/ops/doctor.py).
        "RATELIMIT_STORAGE_URI": os.environ.get("AWAAZ_RATELIMIT_STORAGE_URI", "memory://"),
        # Report PDFs in the background (awaaz/app/jobs.py); unset: built in the request.
        "AWAAZ_JOBS_REDIS_URL": os.environ.get("AWAAZ_JOBS_REDIS_URL", ""),
        "AWAAZ_JOBS_QUEUE": os.environ.get("AWAAZ_JOBS_QUEUE", "awaaz-reports"),
        # Several deployments (or test servers) may share one Redis.
        "RATELIMIT_KEY_PREFIX": os.environ.get("AWAAZ_RATELIMIT_KEY_PREFIX", "awaaz"),
        # How many reverse proxies stand in front (nginx: 1). Their X-Forwarded-* headers
        # give the client's address, scheme and host; with 0, nobody's are believed.
        "AWAAZ_TRUSTED_PROXIES": _int_setting("AWAAZ_TRUSTED_PROXIES", 0, minimum=0),
        "AWAAZ_WRONG_CODE_LIMITS": _limits_setting(
            "AWAAZ_WRONG_CODE_LIMITS", DEFAULT_WRONG_CODE_LIMITS
        ),
        "AWAAZ_QUICK_EXIT_URL": os.environ.get("AWAAZ_QUICK_EXIT_URL", "https://www.google.com/"),
    }
