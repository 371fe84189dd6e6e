"""Kiosk mode: a shared tablet that staff have switched on for one district.

The switch is a signed, long-lived cookie of its own, separate from the survivor's session,
so that clearing a survivor's session (after each rating, on quick exit, on idle reset) never
takes the tablet out of kiosk mode. The cookie names one `Kiosk` row — the tablet's own
random id — which staff can stop on the console, and which expires; a cookie whose signature
fails, or whose kiosk is stopped or expired, makes the device an ordinary browser again.
"""

from __future__ import annotations

import datetime as dt

from flask import Response, current_app, g, request
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from models import Kiosk
from models.database import db

COOKIE = "awaaz_kiosk"
MAX_AGE = 365 * 24 * 3600


def cookie_name() -> str:
    """`__Host-awaaz_kiosk` over https (see awaaz._name_cookies), `awaaz_kiosk` on plain http."""
    return current_app.config.get("AWAAZ_COOKIE_PREFIX", "") + COOKIE


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="awaaz-kiosk")


def current_kiosk() -> Kiosk | None:
    """The kiosk this device is, checked once per request: signature first, then the row."""
    if "awaaz_kiosk" not in g:
        g.awaaz_kiosk = _verified_kiosk()
    return g.awaaz_kiosk


def _verified_kiosk() -> Kiosk | None:
    token = request.cookies.get(cookie_name())
    if not token:
        return None
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    public_id = data.get("kiosk") if isinstance(data, dict) else None
    if not isinstance(public_id, str):
        return None  # also the district-only cookies of before kiosks had ids
    kiosk = db.session.scalars(select(Kiosk).where(Kiosk.public_id == public_id)).first()
    return kiosk if kiosk is not None and kiosk.usable(dt.datetime.now(dt.UTC)) else None


def kiosk_district() -> int | None:
    """The district this device is a kiosk for, or None when it is not a kiosk."""
    kiosk = current_kiosk()
    return kiosk.district_id if kiosk is not None else None


# Set by the tablet's own script while its outbox holds ratings (static/tablet.js): the one
# sign that outlives the kiosk cookie — a staff member signing in and out on the tablet, a
# kiosk stopped on the console, a changed secret.
OUTBOX_COOKIE = "awaaz_outbox"


def was_kiosk() -> bool:
    """Whether this device carries a kiosk cookie at all, valid or not, or says its outbox is
    not empty: its storage may hold sealed ratings not yet sent, which nothing may wipe
    (docs/offline.md)."""
    return bool(request.cookies.get(cookie_name()) or request.cookies.get(OUTBOX_COOKIE))


def switch_on(response: Response, kiosk: Kiosk) -> Response:
    response.set_cookie(
        cookie_name(),
        _serializer().dumps({"kiosk": kiosk.public_id}),
        max_age=MAX_AGE,
        httponly=True,
        samesite="Strict",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


def switch_off(response: Response) -> Response:
    response.delete_cookie(
        cookie_name(), secure=current_app.config["SESSION_COOKIE_SECURE"], samesite="Strict"
    )
    return response


def clear_site_data(*kinds: str) -> str:
    """The Clear-Site-Data value that forgets a visit: the cache, and storage unless kiosk.

    A kiosk tablet keeps ratings finished offline in IndexedDB until the server has them;
    clearing "storage" there would destroy them — also when its kiosk was stopped or its
    cookie no longer verifies (a changed secret), since the outbox may still be full. They
    are sealed for the server (awaaz/security/sealing.py): keeping them tells nobody anything.
    Nor "cookies" on such a tablet (a staff member signing out on it): that would take the
    kiosk and outbox cookies, and with them what keeps the next quick exit from the outbox.
    The session's own cookie is cleared by the caller.
    """
    if was_kiosk():
        return ", ".join(f'"{kind}"' for kind in ["cache", *kinds] if kind != "cookies")
    return ", ".join(f'"{kind}"' for kind in ["cache", *kinds, "storage"])
