"""Who may reach which route: one table, kept as data, enforced before every request.

Each entry names a route pattern — a Flask rule exactly, or a prefix of rules ending in `*` —
and the roles that may use it: the staff roles, plus `anonymous` (nobody signed in) and
`survivor` (a survivor who has entered her code). The longest matching pattern wins. A route
that matches no entry is refused: a new route is closed until someone writes down who may
use it, and `tests/awaaz/test_access_matrix.py` walks every route × role against this table.
Record-level rules (a field worker sees only her district) live in the views that load records.
"""

from __future__ import annotations

from flask import Flask, abort, g, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from awaaz.web.errors import api_error
from feedback import flow
from models import DeviceToken, Role
from models.audit import record
from models.database import db
from models.devices import PREFIX, token_hash

ANONYMOUS, SURVIVOR, DEVICE = "anonymous", "survivor", "device"
# `device`: a field tablet that sent a valid device token (API only, never a session).
ROLES = (ANONYMOUS, SURVIVOR, DEVICE, *(r.value for r in Role))
EVERYONE = frozenset(ROLES)
SIGNED_IN = frozenset(r.value for r in Role)
ADMIN = frozenset({Role.ADMIN.value})
STAFF = frozenset({Role.ADMIN.value, Role.STAFF.value})
FUNDER = frozenset({Role.ADMIN.value, Role.STAFF.value, Role.FUNDER.value})
FIELD = frozenset({Role.ADMIN.value, Role.FIELD.value})
HANDS_ON = frozenset({Role.ADMIN.value, Role.STAFF.value, Role.FIELD.value})
TABLET = frozenset({DEVICE})
TABLET_OR_HANDS_ON = HANDS_ON | TABLET
SURVIVORS = frozenset({SURVIVOR})

RULES: dict[str, frozenset[str]] = {
    # The survivor app: open to all until she has entered her code, then hers alone.
    "/": EVERYONE,
    "/<lang>/": EVERYONE,
    "/<lang>/whom*": SURVIVORS,
    "/<lang>/noted": SURVIVORS,
    "/<lang>/help": SURVIVORS,
    "/<lang>/questions": SURVIVORS,
    "/<lang>/questions/in": SURVIVORS,
    "/<lang>/thanks": EVERYONE,  # her session has already ended when she reads it
    "/<lang>/reset": EVERYONE,
    # The offline tablet app: its page and script are public; its pack needs a kiosk cookie.
    "/<lang>/tablet": EVERYONE,
    "/tablet/*": EVERYONE,
    "/tablet-sw.js": EVERYONE,
    "/exit": EVERYONE,
    "/calm": EVERYONE,
    # Spoken prompts (feedback/voice.py): the same words for everyone, nothing of hers.
    "/voice/*": EVERYONE,
    "/<lang>/voice.json": EVERYONE,
    "/s/*": EVERYONE,
    "/static/*": EVERYONE,
    "/healthz": EVERYONE,
    # Staff sign-in and the console.
    "/staff/login": EVERYONE,
    "/staff/logout": EVERYONE,
    "/staff/lang/<lang>": EVERYONE,
    "/staff/": SIGNED_IN,
    "/staff/kiosk": HANDS_ON,
    "/staff/kiosks*": HANDS_ON,  # a field worker's own district only (awaaz/console/kiosks.py)
    "/staff/enrol*": FIELD,
    "/staff/moderation*": STAFF,
    # Field workers reach only the alerts of survivors they enrolled who asked to be
    # contacted (awaaz/alerts.py); actions and their public summaries are staff work.
    "/staff/alerts*": HANDS_ON,
    "/staff/actions*": STAFF,
    "/staff/paper*": HANDS_ON,
    "/staff/admin/*": ADMIN,
    # The MIS: every Dash route under each prefix is covered by the prefix.
    "/mis/*": STAFF,
    "/mis/funder/*": FUNDER,
    "/mis/export/league-table.*": STAFF,
    "/mis/export/funder-summary.*": FUNDER,
    "/mis/report.pdf": STAFF,
    "/mis/report/funder.pdf": FUNDER,
    # A report being built in the background: only the person who asked may see it
    # (awaaz/app/jobs.py); a funder's is her funder report.
    "/mis/reports/*": FUNDER,
    # The JSON API: tablets submit; staff and funders read what their roles allow.
    "/api/v1/openapi.json": EVERYONE,
    "/api/v1/ratings": TABLET,
    # A kiosk tablet's sealed ratings: the view checks the kiosk cookie (as record rules do).
    "/api/v1/tablet/ratings": EVERYONE,
    "/api/v1/tablet/check-code": EVERYONE,
    "/api/v1/stakeholders": TABLET_OR_HANDS_ON,
    "/api/v1/questionnaires/<type_code>": TABLET_OR_HANDS_ON,
    "/api/v1/league-table": STAFF,
    "/api/v1/funder-summary": FUNDER,
}


def allowed_roles(rule: str) -> frozenset[str] | None:
    """The roles that may use the route `rule` (longest matching pattern), or None if unlisted."""
    best: tuple[int, frozenset[str]] | None = None
    for pattern, roles in RULES.items():
        prefix = pattern.endswith("*")
        stem = pattern.rstrip("*")
        matches = rule.startswith(stem) if prefix else rule == pattern
        if matches and (best is None or len(stem) > best[0]):
            best = (len(stem), roles)
    return None if best is None else best[1]


def current_role() -> str:
    if request.path.startswith("/api/") and device_from_header() is not None:
        return DEVICE
    if current_user.is_authenticated:
        return str(current_user.role)
    return SURVIVOR if flow.current() is not None else ANONYMOUS


def device_from_header() -> DeviceToken | None:
    """The active device token of `Authorization: Bearer …`, once per request."""
    if "device" not in g:
        g.device = None
        scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token.startswith(PREFIX) and len(token) < 100:
            found = db.session.scalars(
                select(DeviceToken).filter_by(token_hash=token_hash(token.strip()))
            ).first()
            if found is not None and found.active:
                g.device = found  # read only: the API notes its use in a write of its own
    return g.device


def enforce():  # type: ignore[no-untyped-def]
    if request.url_rule is None:
        return None  # no such route: 404 or 405 follows
    roles = allowed_roles(request.url_rule.rule)
    if roles is None:
        refuse()
    role = current_role()
    if role in roles:
        return None
    if roles == SURVIVORS:  # her session ended (or never began): back to the code page
        return redirect(url_for("feedback.enter_code", lang=request.view_args["lang"]), 303)
    if request.path.startswith("/api/"):
        if role in (ANONYMOUS, SURVIVOR):
            return api_error(401, _("Sign in, or send a device token."))
        refuse()
    if not current_user.is_authenticated:
        if request.method == "GET" and "_dash" not in request.path:
            return redirect(url_for("staff.login", next=request.path))
        return jsonify(error="sign in first"), 401
    refuse()
    return None


def refuse() -> None:
    """Audit the refusal of the request, then answer 403."""
    actor = current_user if current_user.is_authenticated else None
    detail = {"path": request.path[:200]}
    device = g.get("device")
    if device is not None:  # a tablet's token: say which, so an admin can revoke it
        detail["device"] = device.id
    record(db.session, "access.refused", actor=actor, detail=detail)
    db.session.commit()
    abort(403)


def init_app(app: Flask) -> None:
    app.before_request(enforce)
