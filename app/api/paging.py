"""Opaque keyset cursors: signed, bound to the sort and filters they were issued for, and
naming the data version they were issued at.

A server holding an older version than a cursor's (a read replica still replaying the load
that the page before came from) refuses it with a 503 `data-version-behind` and
`Retry-After`, rather than answer a page of older data than the walk's last one
(docs/deploying.md, "Replicas").
"""

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import URL

from app.errors import ApiError, invalid_parameter

MAX_CURSOR_LENGTH = 1000
# Seconds a client is asked to wait before presenting a cursor again to a server behind it.
BEHIND_RETRY_SECONDS = 1


class Position(NamedTuple):
    """Where a cursor points: just after `after` (sort value, id), in the data at `version`
    (0: a cursor issued before cursors named their version)."""

    after: tuple[Any, Any]
    version: int


def filters_digest(criteria: Mapping[str, Any]) -> str:
    """A short fingerprint of the filters, so a cursor cannot be replayed under others."""
    canonical = json.dumps(
        {k: str(v) for k, v in criteria.items() if v is not None}, sort_keys=True
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def _sign(payload: bytes, secret: str) -> str:
    digest = hmac.new(secret.encode(), payload, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def encode_cursor(sort: str, after: tuple[Any, Any], digest: str, secret: str, version: int) -> str:
    """A cursor pointing just after `after` (sort value, id) in `sort` order, in the data at
    `version` (the data version of the page it ends)."""
    payload = json.dumps(
        [sort, after[0], after[1], digest, version], separators=(",", ":")
    ).encode()
    body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return f"{body}.{_sign(payload, secret)}"


# Names and values made only of characters that `parse_qsl` keeps and `urlencode` leaves
# unquoted (commas become %2C): such a query string is rewritten without parsing.
_PLAIN_QUERY = re.compile(r"[\w.~,-]*(?:=[\w.~,-]*)?(?:&[\w.~,-]*(?:=[\w.~,-]*)?)*", re.ASCII)


def next_page_url(url: URL, cursor: str) -> str:
    """`url` with `cursor=` set to `cursor`, last: what Starlette's
    `url.include_query_params(cursor=cursor)` writes (its other parameters re-encoded as
    `urlencode` does), without parsing the whole URL again, as a page's `Link` is made on
    every request that has a next page; a plain query string is not parsed at all."""
    query = url.query
    if _PLAIN_QUERY.fullmatch(query):
        kept = [
            piece if "=" in piece else f"{piece}="
            for piece in query.replace(",", "%2C").split("&")
            if piece and piece.partition("=")[0] != "cursor"
        ]
        kept.append(f"cursor={cursor}")
        return f"{str(url).partition('?')[0]}?{'&'.join(kept)}"
    pairs = [
        (name, value)
        for name, value in parse_qsl(query, keep_blank_values=True)
        if name != "cursor"
    ]
    pairs.append(("cursor", cursor))
    # The path writes `?` as %3F (Starlette's URL), so the first `?` starts the query.
    return f"{str(url).partition('?')[0]}?{urlencode(pairs)}"


def _bad_cursor(message: str, name: str = "cursor") -> ApiError:
    return invalid_parameter(name, message)


def decode_cursor(
    cursor: str, sort: str, digest: str, secret: str, name: str = "cursor"
) -> Position:
    """Where a cursor points; 422 naming the parameter `name` if it is forged, stale or
    malformed."""
    if len(cursor) > MAX_CURSOR_LENGTH or cursor.count(".") != 1:
        raise _bad_cursor("not a cursor issued by this API", name)
    body, signature = cursor.split(".")
    try:
        payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise _bad_cursor("not a cursor issued by this API", name) from None
    canonical = base64.urlsafe_b64encode(payload).decode().rstrip("=") == body
    if not canonical or not hmac.compare_digest(
        _sign(payload, secret).encode(), signature.encode()
    ):
        # Canonical only: a body that decodes to the same bytes is still not the cursor issued.
        raise _bad_cursor("not a cursor issued by this API", name)
    try:
        cursor_sort, value, last_id, cursor_digest, *issued = json.loads(payload)
        version = int(issued[0]) if issued else 0
    except (ValueError, TypeError):
        raise _bad_cursor("not a cursor issued by this API", name) from None
    if cursor_sort != sort or cursor_digest != digest:
        raise _bad_cursor("this cursor belongs to another sort or other filters", name)
    return Position((value, last_id), version)


def data_version_behind(issued: int, held: int) -> ApiError:
    """503: this server holds an older data version than the cursor was issued at."""
    return ApiError(
        503,
        "data-version-behind",
        "Data not yet here",
        f"The cursor was issued at data version {issued}; this server holds version {held} "
        "(a read replica still replaying a load). Retry after a moment; starting the list "
        "again without the cursor answers from the data held here.",
        headers={"Retry-After": str(BEHIND_RETRY_SECONDS)},
    )


def resume(position: Position | None, held: int) -> tuple[Any, Any] | None:
    """The (sort value, id) to page after, once the data read (at version `held`) is known
    to be no older than the cursor's: else the 503 `data-version-behind`."""
    if position is None:
        return None
    if position.version > held:
        raise data_version_behind(position.version, held)
    return position.after
