"""The OpenAPI 3.1 document of `/api/v1/`, generated from the pydantic models in schemas.py."""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from awaaz.api import schemas

REF = "#/components/schemas/{model}"
BODIES = [
    schemas.RatingIn,
    schemas.SealedRating,
    schemas.RatingOut,
    schemas.TabletReply,
    schemas.CodeCheckIn,
    schemas.CodeCheckOut,
    schemas.Errors,
    schemas.StakeholderList,
    schemas.QuestionnaireOut,
    schemas.LeagueTable,
    schemas.FunderSummary,
]
DEVICE = [{"deviceToken": []}]
SIGNED_IN = [{"staffSession": []}]


def _ref(model: type[BaseModel]) -> dict:
    return {"$ref": REF.format(model=model.__name__)}


def _json(model: type[BaseModel], description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(model)}}}


# Refused by gunicorn before the application sees the request, with its own plain body.
BEFORE_THE_APP = {"414": {"description": "The address is longer than the server accepts."}}


def _linked(response: dict, **links: dict) -> dict:
    """A response with OpenAPI links: how a client (and schemathesis's stateful phase) goes on
    from it with values it has just been given."""
    return response | {"links": links}


FIRST_STAKEHOLDER = "$response.body#/stakeholders/0"
FIRST_ROW = "$response.body#/rows/0"


def _errors(*codes: int) -> dict:
    text = {
        400: "The request could not be read (malformed JSON, or a NUL byte anywhere in it).",
        401: "No valid device token or session.",
        403: "This token or role may not use this operation.",
        404: "Not found.",
        409: "The client UUID was already used for a different rating.",
        410: "The client UUID belonged to a rating since erased by the retention purge.",
        422: "A field is missing or wrong; each error names its field.",
        429: "Too many requests (or too many wrong survivor codes) from this device.",
    }
    return {str(code): _json(schemas.Errors, text[code]) for code in codes} | BEFORE_THE_APP


def _parameters(model: type[BaseModel], defs: dict) -> list[dict]:
    """Query parameters from a query model's fields (each one a simple value)."""
    schema = model.model_json_schema(ref_template=REF)
    defs.update(schema.pop("$defs", {}))
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": {k: v for k, v in prop.items() if k not in ("title", "description")},
            **({"description": prop["description"]} if "description" in prop else {}),
        }
        for name, prop in schema["properties"].items()
    ]


# One function per path, each as its route declares it (tests/awaaz/test_api.py checks that
# the routes and these paths name the same operations).
def _submit_rating(components: dict) -> dict:
    return {
        "post": {
            "operationId": "submitRating",
            "summary": "Submit one rating (idempotent on client_uuid)",
            "security": DEVICE,
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref(schemas.RatingIn)}},
            },
            "parameters": _parameters(schemas.Query, components),
            "responses": {
                "201": _linked(
                    _json(schemas.RatingOut, "Stored."),
                    SendItAgain={
                        "operationId": "submitRating",
                        "description": "A resend after a lost answer: 200, nothing new.",
                        "requestBody": "$request.body",
                        "x-schemathesis": {"merge_body": False},
                    },
                ),
                "200": _json(schemas.RatingOut, "Already stored with this UUID: nothing new."),
                **_errors(400, 401, 403, 409, 410, 422, 429),
            },
        }
    }


def _submit_sealed(components: dict) -> dict:
    return {
        "post": {
            "operationId": "submitSealedRating",
            "summary": "A rating sealed by an offline kiosk tablet (idempotent)",
            "description": (
                "For the survivor app's offline tablet: needs the kiosk cookie and the "
                "header `X-Awaaz-Tablet: 1`. The sealed body opens to a TabletRatingIn. "
                "The answer names only the UUID and what became of it: whoever holds a "
                "tablet holds its cookie and its outbox."
            ),
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref(schemas.SealedRating)}},
            },
            "parameters": _parameters(schemas.Query, components),
            "responses": {
                "201": _json(schemas.TabletReply, "Stored."),
                "200": _json(
                    schemas.TabletReply, "Already stored with this UUID (or stored and erased)."
                ),
                "409": _json(schemas.TabletReply, "Refused: the UUID names another rating."),
                "422": {
                    "description": (
                        "Refused (a TabletReply: the tablet keeps it under needs attention), "
                        "or an envelope that is not one (Errors)."
                    ),
                    "content": {
                        "application/json": {
                            "schema": {"anyOf": [_ref(schemas.TabletReply), _ref(schemas.Errors)]}
                        }
                    },
                },
                **_errors(400, 403, 429),
            },
        }
    }


def _check_code(components: dict) -> dict:
    return {
        "post": {
            "operationId": "checkTabletCode",
            "summary": "Whether a survivor of the kiosk's district holds a code",
            "description": (
                "For the offline tablet while it has a network: needs the kiosk cookie and "
                "the header `X-Awaaz-Tablet: 1`. Unknown codes count against the tablet's "
                "wrong-code limits."
            ),
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref(schemas.CodeCheckIn)}},
            },
            "parameters": _parameters(schemas.Query, components),
            "responses": {
                "200": _json(schemas.CodeCheckOut, "Known."),
                "422": {
                    "description": "Not known here (CodeCheckOut), or not a body (Errors).",
                    "content": {
                        "application/json": {
                            "schema": {"anyOf": [_ref(schemas.CodeCheckOut), _ref(schemas.Errors)]}
                        }
                    },
                },
                **_errors(400, 403, 429),
            },
        }
    }


def _list_stakeholders(components: dict) -> dict:
    return {
        "get": {
            "operationId": "listStakeholders",
            "summary": "Active stakeholders of a district, block and type",
            "security": DEVICE + SIGNED_IN,
            "parameters": _parameters(schemas.StakeholderQuery, components),
            "responses": {
                "200": _linked(
                    _json(schemas.StakeholderList, "Up to 500, by name."),
                    QuestionnaireForIt={
                        "operationId": "getQuestionnaire",
                        "parameters": {"path.type_code": f"{FIRST_STAKEHOLDER}/type"},
                    },
                    RateIt={
                        "operationId": "submitRating",
                        "requestBody": {"stakeholder_id": f"{FIRST_STAKEHOLDER}/id"},
                    },
                    ItsBlock={
                        "operationId": "listStakeholders",
                        "parameters": {
                            "query.district": f"{FIRST_STAKEHOLDER}/district_id",
                            "query.block": f"{FIRST_STAKEHOLDER}/block_id",
                        },
                    },
                ),
                **_errors(400, 401, 403, 422),
            },
        }
    }


def _get_questionnaire(components: dict) -> dict:
    return {
        "get": {
            "operationId": "getQuestionnaire",
            "summary": "The active questionnaire of a stakeholder type, in a language",
            "security": DEVICE + SIGNED_IN,
            "parameters": [
                {
                    "name": "type_code",
                    "in": "path",
                    "required": True,
                    "schema": {
                        "type": "string",
                        "maxLength": 40,
                        "examples": ["police", "hospital", "bdo"],
                    },
                },
                *_parameters(schemas.Query, components),
            ],
            "responses": {
                "200": _json(schemas.QuestionnaireOut, "The questionnaire."),
                **_errors(400, 401, 403, 404, 422),
            },
        }
    }


def _league_table(components: dict) -> dict:
    return {
        "get": {
            "operationId": "getLeagueTable",
            "summary": "League table (staff): figures on fewer than k_staff raters are null",
            "security": SIGNED_IN,
            "parameters": _parameters(schemas.PeriodQuery, components),
            "responses": {
                "200": _linked(
                    _json(schemas.LeagueTable, "The league table."),
                    SameType={
                        "operationId": "listStakeholders",
                        "parameters": {"query.type": f"{FIRST_ROW}/type"},
                    },
                    QuestionnaireOfTheType={
                        "operationId": "getQuestionnaire",
                        "parameters": {"path.type_code": f"{FIRST_ROW}/type"},
                    },
                ),
                **_errors(400, 401, 403, 404, 422),
            },
        }
    }


def _funder_summary(components: dict) -> dict:
    return {
        "get": {
            "operationId": "getFunderSummary",
            "summary": "District × type summary (funders): k_funder, secondary suppression",
            "security": SIGNED_IN,
            "parameters": _parameters(schemas.PeriodQuery, components),
            "responses": {
                "200": _json(schemas.FunderSummary, "The summary."),
                **_errors(400, 401, 403, 404, 422),
            },
        }
    }


PATHS = {
    "/ratings": _submit_rating,
    "/tablet/ratings": _submit_sealed,
    "/tablet/check-code": _check_code,
    "/stakeholders": _list_stakeholders,
    "/questionnaires/{type_code}": _get_questionnaire,
    "/league-table": _league_table,
    "/funder-summary": _funder_summary,
}


@cache
def document(base: str = "/api/v1") -> dict:
    _, top = models_json_schema([(m, "validation") for m in BODIES], ref_template=REF)
    components = top.get("$defs", {})
    # Responses are serialised from the same models; their output schema equals the input one.
    paths = {base + path: build(components) for path, build in PATHS.items()}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Awaaz API",
            "version": "1",
            "description": (
                "Ratings from field tablets, and what a tablet and the programme's own tools "
                "need. Errors are `Errors` bodies in the language of `?lang=` or "
                "Accept-Language. See docs/api.md."
            ),
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "deviceToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A field tablet's token, issued by an admin.",
                },
                "staffSession": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "awaaz",
                    "description": "A signed-in staff session (__Host-awaaz over https).",
                },
            },
        },
    }
