"""A small per-process cache of released results for the dashboard.

A result is kept under its inputs and the data's version — the newest rating's id and the
newest moderation decision — so a new rating or an approved comment makes every older entry
unreachable at once: invalidation needs no bookkeeping. Released views are frozen, so sharing
one between requests is safe. Exports and reports never use this cache.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from flask import g, has_request_context
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Comment, Rating, Release

MAX_ENTRIES = 256
_entries: OrderedDict[tuple, Any] = OrderedDict()
_lock = threading.Lock()


def data_version(session: Session) -> tuple:
    """The data's version, read once per request: a callback may ask the cache many times."""
    if has_request_context() and "awaaz_data_version" in g:
        return g.awaaz_data_version
    bind = session.get_bind()
    newest = session.execute(
        select(
            select(func.max(Rating.id)).scalar_subquery(),
            select(func.max(Comment.moderated_at)).scalar_subquery(),
            # A release built, approved or withdrawn changes what may be shown.
            select(func.max(Release.id)).scalar_subquery(),
            select(func.max(Release.approved_at)).scalar_subquery(),
            select(func.max(Release.withdrawn_at)).scalar_subquery(),
        )
    ).one()
    version = (str(bind.engine.url), *newest)
    if has_request_context():
        g.awaaz_data_version = version
    return version


def remember(session: Session, name: str, key: tuple, compute: Callable[[], Any]) -> Any:
    """Return the cached result for (name, key) at the current data version, or compute it."""
    full = (name, key, data_version(session))
    with _lock:
        if full in _entries:
            _entries.move_to_end(full)
            return _entries[full]
    value = compute()
    with _lock:
        _entries[full] = value
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def clear() -> None:
    with _lock:
        _entries.clear()
