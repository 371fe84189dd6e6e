"""Error pages outside the survivor app: short, in the reader's language, never a traceback.

The survivor pages have their own (feedback/views.py). Here, a JSON client (Dash callbacks,
the API) gets JSON; a browser gets a plain page. Flask logs an unexpected error
with the method and path only — never form data, which may hold a survivor's words.
"""

from __future__ import annotations

from dash.exceptions import DependencyException
from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, NotFound

from awaaz.web.i18n import LANGUAGES

MESSAGES = {
    400: lambda: _("This request could not be understood. Please go back and try again."),
    401: lambda: _("Please sign in to see this page."),
    403: lambda: _("You do not have access to this page."),
    404: lambda: _("There is no page at this address."),
    405: lambda: _("This page cannot be used that way."),
    413: lambda: _("This is too large to send."),
    429: lambda: _("Too many tries. Please wait a while and try again."),
}


def api_error(code: int, message: str, field: str = ""):  # type: ignore[no-untyped-def]
    """The API's error body (awaaz/api/schemas.py `Errors`): what was wrong, and where."""
    return jsonify(errors=[{"field": field, "message": message}]), code


def _wants_json() -> bool:
    return request.is_json or "_dash" in request.path or request.path.startswith("/api/")


def handle(error: HTTPException):  # type: ignore[no-untyped-def]
    code = error.code or 500
    message = MESSAGES.get(code, lambda: _("Something went wrong on our side. Please try again."))()
    # What the error itself says about the request (405's Allow, 429's Retry-After) stays.
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    if request.path.startswith("/api/"):
        body, _status = api_error(code, message)
        return body, code, headers
    if _wants_json():
        return jsonify(error=message, status=code), code, headers
    survivor_page = current_app.extensions.get("awaaz_survivor_error")
    if survivor_page is not None and request.path.split("/")[1] in LANGUAGES:
        # A survivor's address that matched no page: her language, her quick exit — never
        # the staff page in English.
        body, status = survivor_page(code)
        return body, status, headers
    return render_template("staff/error.html", message=message, code=code), code, headers


def init_app(app: Flask) -> None:
    # Registered by status code, so that the survivor app's own handlers (a blueprint's)
    # still answer on survivor pages. Flask logs an unexpected exception (to app.logger, one
    # line per record, see logs.py) and then hands it here as a 500.
    for code in (*MESSAGES, 500):
        app.register_error_handler(code, handle)
    # Dash raises for a component file it does not have: that is a 404, not our failure.
    app.register_error_handler(DependencyException, lambda _error: handle(NotFound()))
