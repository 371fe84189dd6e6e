"""Kiosk mode: a shared tablet that staff have switched on for one district.

The switch is a signed, long-lived cookie of its own, separate from the survivor's session,
so that clearing a survivor's session (after each rating, on quick exit, on idle reset) never
takes the tablet out of kiosk mode.
"""

from __future__ import annotations

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "awaaz_kiosk"
MAX_AGE = 365 * 24 * 3600


def cookie_name() -> str:
    """`__Host-awaaz_kiosk` over https (see awaaz._name_cookies), `awaaz_kiosk` on plain http."""
    return current_app.config.get("AWAAZ_COOKIE_PREFIX", "") + COOKIE


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="awaaz-kiosk")


def kiosk_district() -> int | None:
    """The district this device is a kiosk for, or None when it is not a kiosk."""
    token = request.cookies.get(cookie_name())
    if not token:
        return None
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    return data.get("district") if isinstance(data, dict) else None


def switch_on(response: Response, district_id: int) -> Response:
    response.set_cookie(
        cookie_name(),
        _serializer().dumps({"district": district_id}),
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
    clearing "storage" there would destroy them. They are sealed for the server
    (awaaz/security/sealing.py), so keeping them tells the next person nothing.
    """
    wanted = ["cache", *kinds]
    if kiosk_district() is None:
        wanted.append("storage")
    return ", ".join(f'"{kind}"' for kind in wanted)
