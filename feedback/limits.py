"""Rate limits on code entry.

Only well-formed codes that match nobody count (the view answers them with 401): a typo caught
by the check symbol costs nothing. Tries are keyed by the kiosk token when the device is a
kiosk — many survivors share one tablet and one network address at a meeting, and one
person's mistakes must not lock out the rest — and by network address otherwise. The storage
is shared by every server process when `AWAAZ_RATELIMIT_STORAGE_URI` points at Redis.
"""

from __future__ import annotations

import math
import time

from flask import Response, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from .kiosk import current_kiosk

# A few wrong codes a minute slow a guesser down; twenty an hour lock the device out.
DEFAULT_WRONG_CODE_LIMITS = "5 per minute;20 per hour"


def wrong_code_limits() -> str:
    """The limits in force (AWAAZ_WRONG_CODE_LIMITS), read per request so tests can set them."""
    return current_app.config.get("AWAAZ_WRONG_CODE_LIMITS", DEFAULT_WRONG_CODE_LIMITS)


def device_key() -> str:
    """The kiosk's own id when the device is a verified kiosk (its signature checked before
    anything is keyed on it: a made-up cookie is no fresh allowance), else the address."""
    kiosk = current_kiosk()
    if kiosk is not None:
        return f"kiosk:{kiosk.public_id}:{kiosk.lockout_generation}"
    return f"addr:{get_remote_address()}"


limiter = Limiter(key_func=device_key, default_limits=[], headers_enabled=False)


def retry_after(response: Response) -> Response:
    """Every 429 says when to try again (RFC 9110 §10.2.3), in whole seconds."""
    if response.status_code == 429 and "Retry-After" not in response.headers:
        current = limiter.current_limit
        wait = math.ceil(current.reset_at - time.time()) if current is not None else 60
        response.headers["Retry-After"] = str(max(wait, 1))
    return response
