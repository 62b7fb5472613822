"""The OpenAPI document: the API's description and tags, operation ids, and the answers
FastAPI cannot see from the routes (problems as `application/problem+json`, the formats a
`format` parameter offers, what the edge may answer on any operation, records holding some of
their fields when `fields=` names them)."""

from collections.abc import Iterable
from importlib.metadata import version
from typing import Any, Protocol

from fastapi import FastAPI
from fastapi.routing import APIRoute

from app.api.fields import sparse_answers
from app.api.filters import COUNTRY_CODE_SCHEMA, COUNTRY_CODES_SCHEMA
from app.api.formats import MEDIA_TYPES
from app.edge.limits import UNLIMITED_PATHS
from app.errors import PROBLEM_MEDIA_TYPE

TITLE = "Diplomatic Visits API"
VERSION = version("diplomatic-visits-api")  # the installed package's
DESCRIPTION = """
Who visited whom, when and where, whom they met and what they signed — every fact with
its source.

* Ids are stable strings; countries are ISO 3166-1 codes (alpha-2 in responses, alpha-2 or
  alpha-3 in any case in filters); dates are ISO 8601.
* Lists return `{"items", "total", "next_cursor"}` and a `Link: rel="next"` header; pass
  `cursor` back to get the next page. Filters compose with AND; unknown parameters are errors.
* Errors are `application/problem+json` (RFC 9457) with an `errors` list naming each bad
  parameter.
"""
# The tags of what is not a resource, after the resources' own.
OTHER_TAGS = [
    {"name": "search", "description": "One search box over every resource."},
    {
        "name": "dataset",
        "description": "The dataset's version, counts and sources; the deletions feed.",
    },
    {
        "name": "export",
        "description": "Whole resources streamed as CSV or NDJSON; the database file.",
    },
    {"name": "health", "description": "Liveness and database check."},
]


class Tagged(Protocol):
    """A resource as its tag sees it."""

    @property
    def name(self) -> str:
        """The tag's name."""

    @property
    def about(self) -> str:
        """The tag's description."""


def tags(resources: Iterable[Tagged]) -> list[dict[str, str]]:
    """Every tag with its description: the resources', in their order, then the others."""
    return [{"name": r.name, "description": r.about} for r in resources] + OTHER_TAGS


def operation_id(route: APIRoute) -> str:
    """OpenAPI operation ids are the handler names (`list_visits`): clean client methods."""
    return route.name


FORMAT_SCHEMAS: dict[str, dict[str, Any]] = {
    "csv": {
        "type": "string",
        "description": "RFC 4180 CSV in UTF-8 with a byte order mark: a header row, then one "
        "flat row per record.",
    },
    "ndjson": {"type": "string", "description": "One JSON record per line."},
}


def _retry_problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait before asking again.",
                "required": True,
                "schema": {"type": "integer"},
            }
        },
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


# Answers the edge may give on any operation (app/edge/limits.py), and the storage's time limit.
EVERY_OPERATION_MAY = {
    "429": _retry_problem(
        "Too many requests from this address (when the server sets RATE_LIMIT); every answer "
        "then carries `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` and "
        "`RateLimit-Policy`."
    ),
    "503": _retry_problem(
        "The query or the request ran past its time limit, the database did not answer, or "
        "a cursor was issued at a newer data version than this server holds yet "
        "(`data-version-behind`: a read replica still replaying a load)."
    ),
}


def _offered_formats(operation: dict[str, Any]) -> list[str]:
    """The values of an operation's `format` query parameter."""
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "query" and parameter["name"] == "format":
            schema = parameter["schema"]
            for option in [schema, *schema.get("anyOf", [])]:
                if "enum" in option:
                    return list(option["enum"])
    return []


def _completed(document: dict[str, Any]) -> dict[str, Any]:
    """FastAPI's document with errors as problems only, each list's formats, what the edge may
    answer anywhere, and the shared country code schema."""
    for path, methods in document["paths"].items():
        for operation in methods.values():
            for status, response in operation["responses"].items():
                content = response.get("content", {})
                if status[0] in "45" and "application/json" in content:
                    content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
            answered = operation["responses"].get("200", {}).get("content", {})
            for offered in _offered_formats(operation):
                media_type = MEDIA_TYPES[offered].split(";")[0]
                if media_type not in answered and offered in FORMAT_SCHEMAS:
                    answered[media_type] = {"schema": FORMAT_SCHEMAS[offered]}
            for status, answer in EVERY_OPERATION_MAY.items():
                if not (status == "429" and path in UNLIMITED_PATHS):
                    operation["responses"].setdefault(status, answer)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["CountryCode"] = COUNTRY_CODE_SCHEMA
    schemas["CountryCodes"] = COUNTRY_CODES_SCHEMA
    sparse_answers(document)
    return document


def document_answers(app: FastAPI) -> None:
    """Serve FastAPI's document completed (`_completed`), made once."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _completed(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
