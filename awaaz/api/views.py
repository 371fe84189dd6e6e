"""`/api/v1/`: ratings in, and the lists, questionnaires and summaries a client needs out.

Who may call what is in the shell's access table (awaaz/access.py): a field tablet signs with
its device token (`Authorization: Bearer awz_…`) and may submit ratings and read stakeholders
and questionnaires; staff and funders use their signed-in session and their roles. Every
request body and query is validated by the pydantic models in `schemas.py`; every error is
an `Errors` body naming the field, in the language asked for (`?lang=` or Accept-Language).
The league table and the funder summary pass the same privacy rules as the dashboard.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from flask_babel import gettext as _
from pydantic import BaseModel, ValidationError

from awaaz.web.messages import field_message

bp = Blueprint("api", __name__, url_prefix="/api/v1")


class Invalid(Exception):
    """Validation failed: (field, message) pairs, answered 422."""

    def __init__(self, problems: list[tuple[str, str]], status: int = 422) -> None:
        super().__init__(problems)
        self.problems = problems
        self.status = status


@bp.errorhandler(Invalid)
def _invalid(error: Invalid):  # type: ignore[no-untyped-def]
    body = {"errors": [{"field": f, "message": m} for f, m in error.problems]}
    return jsonify(body), error.status


def problems(error: ValidationError, prefix: str = "") -> list[tuple[str, str]]:
    found = []
    for detail in error.errors(include_url=False, include_input=False):
        where = ".".join(str(part) for part in detail["loc"]) or "body"
        found.append((prefix + where, field_message(detail["type"])))
    return found


def parse_query(model: type[BaseModel]):  # type: ignore[no-untyped-def]
    """The query string as `model`; one value per parameter."""
    args = {key: values[-1] for key, values in request.args.lists()}
    try:
        return model.model_validate(args)
    except ValidationError as error:
        raise Invalid(problems(error)) from None


def parse_body(model: type[BaseModel]):  # type: ignore[no-untyped-def]
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid([("body", _("Send one JSON object (Content-Type: application/json)."))])
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise Invalid(problems(error)) from None


def json_response(model: BaseModel, status: int = 200) -> Response:
    response = current_app.response_class(
        model.model_dump_json(), status, mimetype="application/json"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/openapi.json")
def openapi():
    from awaaz.api.openapi import document

    return jsonify(document(url_for("api.submit", _external=False).rsplit("/", 1)[0]))


# The routes add themselves to `bp` when imported.
from awaaz.api import ratings, reads  # noqa: E402

__all__ = ["Invalid", "bp", "json_response", "parse_body", "parse_query", "ratings", "reads"]
