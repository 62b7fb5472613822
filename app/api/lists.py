"""Running a list query from its parameters: cursor in, page out, cursor and Link back."""

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from fastapi import Request

from app.api.paging import decode_cursor, encode_cursor, filters_digest
from app.api.responses import JSONBytes, list_response
from app.config import Settings
from app.db import ReadDatabase
from app.errors import invalid_parameter
from app.queries.common import NoSearchWords, Page, Sort, parse_sort

ListQuery = Callable[
    [ReadDatabase, Mapping[str, Any], Sort, tuple[Any, str] | None, int],
    tuple[list[dict[str, Any]], Page],
]


class SortedParams(Protocol):
    """List parameters with a sort."""

    @property
    def sort(self) -> str:
        """`field` or `-field`."""

    @property
    def limit(self) -> int:
        """Page size."""

    @property
    def cursor(self) -> str | None:
        """Where the page starts."""

    def criteria(self) -> dict[str, Any]:
        """The filters alone."""


def no_words() -> Exception:
    """422 for a `q` that holds nothing to search for."""
    return invalid_parameter("q", "nothing to search for: give at least one letter or digit")


def run_list(
    request: Request,
    reader: ReadDatabase,
    settings: Settings,
    params: SortedParams,
    query: ListQuery,
    sort_columns: Mapping[str, str],
    criteria: Mapping[str, Any] | None = None,
) -> JSONBytes:
    """One page of `query` for `params`, as a list response."""
    criteria = params.criteria() if criteria is None else criteria
    digest = filters_digest(criteria)
    after = None
    if params.cursor is not None:
        after = decode_cursor(params.cursor, params.sort, digest, settings.cursor_secret)
    try:
        items, page = query(
            reader, criteria, parse_sort(params.sort, sort_columns), after, params.limit
        )
    except NoSearchWords:
        raise no_words() from None
    next_cursor = None
    if page.next_after is not None:
        next_cursor = encode_cursor(params.sort, page.next_after, digest, settings.cursor_secret)
    return list_response(request, items, page.total, next_cursor)
