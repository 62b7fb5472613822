"""Opaque keyset cursors: signed, bound to the sort and filters they were issued for."""

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from app.errors import ApiError, invalid_parameter

MAX_CURSOR_LENGTH = 1000


def filters_digest(criteria: Mapping[str, Any]) -> str:
    """A short fingerprint of the filters, so a cursor cannot be replayed under others."""
    canonical = json.dumps(
        {k: str(v) for k, v in criteria.items() if v is not None}, sort_keys=True
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def _sign(payload: bytes, secret: str) -> str:
    digest = hmac.new(secret.encode(), payload, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def encode_cursor(sort: str, after: tuple[Any, Any], digest: str, secret: str) -> str:
    """A cursor pointing just after `after` (sort value, id) in `sort` order."""
    payload = json.dumps([sort, after[0], after[1], digest], separators=(",", ":")).encode()
    body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return f"{body}.{_sign(payload, secret)}"


def _bad_cursor(message: str, name: str = "cursor") -> ApiError:
    return invalid_parameter(name, message)


def decode_cursor(
    cursor: str, sort: str, digest: str, secret: str, name: str = "cursor"
) -> tuple[Any, Any]:
    """The (sort value, id) a cursor points after; 422 naming the parameter `name` if it is
    forged, stale or malformed."""
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
        cursor_sort, value, last_id, cursor_digest = json.loads(payload)
    except (ValueError, TypeError):
        raise _bad_cursor("not a cursor issued by this API", name) from None
    if cursor_sort != sort or cursor_digest != digest:
        raise _bad_cursor("this cursor belongs to another sort or other filters", name)
    return value, last_id
