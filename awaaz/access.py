"""Who may reach which part of the app: one table, enforced before every request.

Rules match by path prefix, longest first, so every route under a prefix — including every
route Dash adds under /mis/ (its layout, its `_dash-update-component` callbacks, its
component files) — is covered without listing it. Survivor pages and sign-in are public.
"""

from __future__ import annotations

from flask import Flask, abort, jsonify, redirect, request, url_for
from flask_login import current_user

from models import Role
from models.audit import record
from models.database import db

STAFF_ROLES = frozenset({Role.ADMIN, Role.STAFF})
FUNDER_ROLES = frozenset({Role.ADMIN, Role.STAFF, Role.FUNDER})

# (path prefix, roles allowed); anything not listed is public.
RULES: list[tuple[str, frozenset]] = [
    ("/mis/funder/", FUNDER_ROLES),
    ("/mis/export/funder-summary.", FUNDER_ROLES),
    ("/mis/report/funder.", FUNDER_ROLES),
    ("/mis/", STAFF_ROLES),
]


def allowed_roles(path: str) -> frozenset | None:
    """The roles that may open `path` (longest matching prefix wins), or None if public."""
    for prefix, roles in sorted(RULES, key=lambda rule: len(rule[0]), reverse=True):
        if path.startswith(prefix) or path == prefix.rstrip("/"):
            return roles
    return None


def enforce():  # type: ignore[no-untyped-def]
    roles = allowed_roles(request.path)
    if roles is None:
        return None
    if not current_user.is_authenticated:
        if request.method == "GET" and "_dash" not in request.path:
            return redirect(url_for("staff.login", next=request.path))
        return jsonify(error="sign in first"), 401
    if current_user.role not in roles:
        refuse()
    return None


def refuse() -> None:
    """Audit the refusal of the signed-in user's request, then answer 403."""
    record(db.session, "access.refused", actor=current_user, detail={"path": request.path[:200]})
    db.session.commit()
    abort(403)


def init_app(app: Flask) -> None:
    app.before_request(enforce)
