"""Responses encoded once (our own dicts go to bytes with orjson, never re-validated), and
the errors routes document."""

from typing import Any

import orjson
from fastapi import Response

from app.errors import PROBLEM_MEDIA_TYPE, Problem
from app.queries.common import Gzipped, encoded_as_is


class JSONBytes(Response):
    """A JSON response whose body is encoded once by orjson."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        """Encode the content (dicts, lists, strings, numbers, dates, stored documents)."""
        return orjson.dumps(content, default=encoded_as_is)


def gzipped_json(record: Gzipped, gzip_accepted: bool) -> Response:
    """A stored gzip-compressed record: its bytes as they are (`Content-Encoding: gzip`,
    which the gzip middleware passes through) or, for a client without gzip, decompressed."""
    if gzip_accepted:
        return Response(record, media_type="application/json", headers={"Content-Encoding": "gzip"})
    return Response(record.json(), media_type="application/json")


def problem(description: str) -> dict[str, Any]:
    """An error response documented with the problem schema (for `responses=`)."""
    return {"model": Problem, "description": description, "content": {PROBLEM_MEDIA_TYPE: {}}}


FILTER_ERRORS: dict[int | str, dict[str, Any]] = {
    422: problem("A parameter is invalid or unknown; `errors` names each one."),
}
NOT_ACCEPTABLE = problem("None of the formats this resource is offered in fits `Accept`.")
LIST_ERRORS: dict[int | str, dict[str, Any]] = {**FILTER_ERRORS, 406: NOT_ACCEPTABLE}
DETAIL_ERRORS: dict[int | str, dict[str, Any]] = {
    404: problem("No record has this id."),
    406: NOT_ACCEPTABLE,
    **FILTER_ERRORS,
}
