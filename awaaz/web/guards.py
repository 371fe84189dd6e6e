"""Hostile input answered 400 or 404 before any view runs, never 500 (docs/api.md).

Each guard stops one kind of request that no browser, tablet or partner system sends but
that would otherwise reach the database or a library as an exception: an id beyond what an
INTEGER column holds, a NUL byte (PostgreSQL refuses it in text), JSON nested deeper than the
parser's recursion allows, and a Dash callback body that is not one.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

from models.database import MAX_ID


class BoundedInt(IntegerConverter):
    """`<int:…>` up to MAX_ID: a larger id names nothing here, so 404, not a database error."""

    def __init__(self, map, *args: Any, **kwargs: Any) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, where too deep a nesting is malformed JSON (400), not a RecursionError."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def _has_nul() -> bool:
    # Every value of every key: `.values()` of a MultiDict gives only each key's first.
    if "\x00" in request.path or any("\x00" in v for _k, v in request.args.items(multi=True)):
        return True
    if request.mimetype == "application/x-www-form-urlencoded":
        return any("\x00" in v for _k, v in request.form.items(multi=True))
    if request.is_json:
        # Both the raw byte and its JSON escape end up as a NUL character in text.
        raw = request.get_data(cache=True)
        return b"\x00" in raw or b"\\u0000" in raw.lower()
    return False


def _dependency(value: object) -> bool:
    """One input or state of a callback; a list of them for a pattern-matching (ALL) one."""
    if isinstance(value, list):
        return all(_dependency(v) for v in value)
    return isinstance(value, dict) and "id" in value and "property" in value


def _dash_body_is_malformed() -> bool:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        return True
    for key in ("inputs", "state"):
        values = body.get(key, [])
        if not isinstance(values, list) or not all(_dependency(v) for v in values):
            return True
    return not isinstance(body.get("changedPropIds", []), list)


def guard() -> None:
    if _has_nul():
        abort(400)
    if request.method == "POST" and request.path.endswith("/_dash-update-component"):
        if _dash_body_is_malformed():
            abort(400)


def init_app(app: Flask) -> None:
    app.json = JSONProvider(app)
    app.before_request(guard)
