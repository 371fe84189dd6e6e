"""Where a survivor is in the rating flow, kept in her session and nowhere else.

Only ids live here — no answers, no comment. Answers are posted with the last page and go
straight to the write path, so a half-finished rating never sits in a cookie on a shared
tablet.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import asdict, dataclass

from flask import session

KEY = "flow"
WHEN_CHOICES = ("this_month", "last_month", "earlier")


@dataclass
class Flow:
    survivor_id: int
    stakeholder_id: int | None = None
    # Someone "not in the list": the name she typed, whose rating is held (feedback/held.py).
    suggestion_id: int | None = None
    service_code: str | None = None
    when: str | None = None
    client_uuid: str | None = None


def current() -> Flow | None:
    data = session.get(KEY)
    return Flow(**data) if isinstance(data, dict) else None


def save(flow: Flow) -> None:
    session[KEY] = asdict(flow)


def start(survivor_id: int) -> Flow:
    """A new flow in a new session: nothing from before survives sign-in."""
    reset()
    flow = Flow(survivor_id=survivor_id)
    save(flow)
    return flow


def reset() -> None:
    """Forget everything and give the cookie a new value (session rotation)."""
    session.clear()
    session["nonce"] = secrets.token_urlsafe(8)


def month_for(when: str, today: dt.date) -> dt.date:
    """ "Earlier" is recorded as the month before last: survivors rarely recall exact months."""
    back = {"this_month": 0, "last_month": 1, "earlier": 2}[when]
    index = today.year * 12 + today.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)
