"""The HR pull API, /api/v1: the completion report in pages, for a bearer token.

Requests are read through ``CompletionsQuery``, the pydantic model the OpenAPI document's
parameters are generated from, and items are the JSON Lines objects (``json_record``) described
from FIELDS; so the document cannot say something the code does not do. Errors are problem+json
(app/errors.py). CSRF does not apply: nothing here reads a cookie, and every route only reads.
"""

import json
from datetime import UTC, datetime
from typing import Any

from apispec import APISpec
from flask import Blueprint, current_app, jsonify, request, url_for
from flask_babel import force_locale
from itsdangerous import BadData, URLSafeSerializer
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import BadRequest, Forbidden, Unauthorized
from werkzeug.wrappers import Response

from app.db import db, needs_transaction
from app.errors import PROBLEM_TYPE
from app.reporting.completions import FIELDS, Kind

from . import services
from .models import ApiToken

bp = Blueprint("api", __name__, url_prefix="/api/v1")

DEFAULT_LIMIT, MAX_LIMIT = 500, 5000
CURSOR_SALT = "leda.api.completions.cursor"  # a cursor signed for nothing else


class CompletionsQuery(BaseModel):
    """The query string of GET /completions."""

    # forbid: a misspelt parameter (limt=10) is a 400 naming it, not silently the default
    model_config = ConfigDict(extra="forbid", frozen=True)

    since: AwareDatetime | None = Field(
        None,
        description="Only rows whose registration or assignment changed at or after this "
        "moment (ISO 8601 with a time zone, e.g. 2026-03-01T00:00:00Z).",
    )
    cursor: str | None = Field(
        None, description="next_cursor of the previous page; leave out for the first page."
    )
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="The most rows in one page.")
    org: str | None = Field(
        None,
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        max_length=64,
        description="The organisation's short name. Optional: a token reads its own "
        "organisation; naming another is refused (403).",
    )

    @field_validator("since")
    @classmethod
    def _in_utc(cls, value: datetime | None) -> datetime | None:
        try:
            return value.astimezone(UTC) if value is not None else None
        except OverflowError:
            raise ValueError("the moment is out of range") from None


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=CURSOR_SALT)


def make_cursor(key: tuple[int, int]) -> str:
    """An opaque, signed cursor: the (person id, course position) of a page's last row."""
    return _serializer().dumps(list(key))


def read_cursor(cursor: str) -> tuple[int, int]:
    """The key a cursor names; BadRequest if it was not made here or was changed."""
    try:
        key = _serializer().loads(cursor)
    except BadData:
        raise BadRequest("cursor: not a cursor this API gave, or changed since.") from None
    if not (isinstance(key, list) and len(key) == 2 and all(type(n) is int for n in key)):
        raise BadRequest("cursor: not a cursor this API gave, or changed since.")
    return key[0], key[1]


def _token() -> ApiToken:
    """The request's bearer token in use; 401 (with WWW-Authenticate: Bearer) otherwise."""
    auth = request.authorization
    token = None
    if auth is not None and auth.type == "bearer" and auth.token:
        token = services.token_by_secret(auth.token)
    if token is None:
        raise Unauthorized(
            "Send an API token in use as 'Authorization: Bearer <token>'.",
            www_authenticate=WWWAuthenticate("bearer", {"realm": "Leda"}),
        )
    return token


def _query() -> CompletionsQuery:
    try:
        return CompletionsQuery.model_validate(request.args.to_dict())
    except ValidationError as invalid:
        error = invalid.errors()[0]
        name = ".".join(str(part) for part in error["loc"])
        raise BadRequest(f"{name}: {error['msg']}") from None


@bp.get("/completions")
@needs_transaction
def completions() -> Response:
    """The completion report in pages, ordered by person then course order."""
    token = _token()
    query = _query()
    if query.org is not None and query.org != token.organisation.slug:
        raise Forbidden("This token reads its own organisation only.")
    after = read_cursor(query.cursor) if query.cursor is not None else None
    items, last = services.completions_page(token, query.since, after, query.limit)
    db.session.commit()
    page = {"items": items, "next_cursor": make_cursor(last) if last is not None else None}
    # json.dumps, not jsonify: keys in FIELDS order, as in the JSON Lines (jsonify sorts them)
    return current_app.response_class(
        json.dumps(page, ensure_ascii=False), mimetype="application/json"
    )


@bp.get("/openapi.json")
def openapi() -> Response:
    """This API's OpenAPI 3.1 document."""
    return jsonify(openapi_document())


# --- the OpenAPI document ---------------------------------------------------------------------

KIND_SCHEMAS: dict[Kind, dict[str, Any]] = {
    Kind.TEXT: {"type": "string"},
    Kind.INTEGER: {"type": "integer"},
    Kind.DECIMAL: {"type": "number"},
    Kind.DATE: {"type": "string", "format": "date"},
    Kind.TIME: {"type": "string", "format": "date-time"},
    Kind.DURATION: {"type": "string", "pattern": r"^PT(\d+H)?(\d+M)?(\d+S)?$"},
    Kind.BOOLEAN: {"type": "boolean"},
}
PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
    },
    "required": ["type", "title", "status", "detail"],
}


def completion_schema() -> dict[str, Any]:
    """One item: every field of the report (FIELDS), always present, null where empty."""
    with force_locale("en"):
        properties = {
            field.id: {
                **KIND_SCHEMAS[field.kind],
                "type": [KIND_SCHEMAS[field.kind]["type"], "null"],
                "description": str(field.label),
            }
            for field in FIELDS
        }
    return {
        "type": "object",
        "properties": properties,
        "required": [field.id for field in FIELDS],
        "additionalProperties": False,
    }


def _parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """The model's fields as OpenAPI query parameters: pydantic's JSON schema of each, without
    the null an optional field allows (a query parameter is left out instead)."""
    schema = model.model_json_schema()
    parameters = []
    for name, field in schema["properties"].items():
        typed = next((s for s in field.get("anyOf", [field]) if s.get("type") != "null"), field)
        typed = {k: v for k, v in typed.items() if k not in ("title", "description")}
        if "default" in field and field["default"] is not None:
            typed["default"] = field["default"]
        parameters.append(
            {
                "name": name,
                "in": "query",
                "required": name in schema.get("required", []),
                "description": field.get("description", ""),
                "schema": typed,
            }
        )
    return parameters


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def openapi_document() -> dict[str, Any]:
    """The document, made per request from the route table (url_for), the query model and
    FIELDS, so a renamed route, parameter or field changes it with the code."""
    spec = APISpec(
        title="Leda HR API",
        version="1.0.0",
        openapi_version="3.1.0",
        info={"description": "The completion report for HR systems, read with an API token."},
    )
    spec.components.security_scheme(
        "token", {"type": "http", "scheme": "bearer", "description": "leda tokens create"}
    )
    spec.components.schema("Completion", completion_schema())
    spec.components.schema("Problem", PROBLEM_SCHEMA)
    spec.components.schema(
        "CompletionPage",
        {
            "type": "object",
            "properties": {
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/Completion"}},
                "next_cursor": {"type": ["string", "null"]},
            },
            "required": ["items", "next_cursor"],
            "additionalProperties": False,
        },
    )
    page = {"$ref": "#/components/schemas/CompletionPage"}
    spec.path(
        path=url_for(".completions"),
        operations={
            "get": {
                "operationId": "listCompletions",
                "summary": completions.__doc__,
                "security": [{"token": []}],
                "parameters": _parameters(CompletionsQuery),
                "responses": {
                    "200": {
                        "description": "A page; next_cursor is null on the last.",
                        "content": {"application/json": {"schema": page}},
                    },
                    "400": _problem("A malformed since, limit or cursor."),
                    "401": {
                        **_problem("No API token, or one unknown or revoked."),
                        "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
                    },
                    "403": _problem("The token is another organisation's."),
                },
            }
        },
    )
    spec.path(
        path=url_for(".openapi"),
        operations={
            "get": {
                "operationId": "openapi",
                "summary": openapi.__doc__,
                "security": [],
                "responses": {
                    "200": {"description": "This document.", "content": {"application/json": {}}}
                },
            }
        },
    )
    return spec.to_dict()
