"""HTTP caching: strong ETags from the data version and the request, 304s, Cache-Control.

The ETag is computed before any query runs, from the data version (one tiny row that every
load moves) and what the request asks for, so a revalidation costs one indexed read. An answer
made by more than the data (a page: its templates) folds a fingerprint of that into the tag,
and may be kept by its tag (`Kept`): while the tag is current, so is the body.
"""

import functools
import hashlib
from collections.abc import Callable
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any, Protocol

from fastapi import Request, Response

from app.config import Settings
from app.edge.headers import accepts_gzip, header
from app.queries.common import timestamp
from app.storage import Reader

VARY = "Accept, Accept-Encoding"


def data_version(reader: Reader) -> tuple[int, Any]:
    """The data version and when it last moved."""
    return reader.data_state()


class Kept(Protocol):
    """Answers kept by their ETag."""

    def get(self, etag: str) -> Response | None:
        """The answer kept under `etag`, if any."""

    def keep(self, etag: str, response: Response, request: Request) -> Response:
        """Keep `response` (the answer to `request`) under `etag`; the answer to send."""


def entity_tag(request: Request, version: int, fingerprint: str = "") -> str:
    """A strong validator for this representation of this request at this data version (and
    `fingerprint`: what else made the answer)."""
    # The scope's path and query string, not `request.url`, which is built on first use.
    parameters = sorted(request.query_params.multi_items()) if request.scope["query_string"] else []
    parts = [
        request.scope["path"],
        str(parameters),
        header(request.scope, b"accept") or "",
        "gzip" if accepts_gzip(request.scope) else "identity",
    ]
    if fingerprint:  # the API's answers keep the tags they had
        parts.append(fingerprint)
    key = "\n".join(parts)
    return f'"{version}-{hashlib.sha256(key.encode()).hexdigest()[:24]}"'


@functools.lru_cache(maxsize=16)
def _http_date(changed_at: Any) -> str | None:
    # The same few data versions are formatted on every request: once each is enough.
    if changed_at is None:
        return None
    iso = timestamp(changed_at)
    return format_datetime(datetime.fromisoformat(iso.replace("Z", "+00:00")), usegmt=True)


def _matches(request: Request, etag: str, last_modified: str | None) -> bool:
    if_none_match = header(request.scope, b"if-none-match")
    if if_none_match is not None:
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return etag in tags or "*" in tags
    if_modified_since = header(request.scope, b"if-modified-since")
    if if_modified_since and last_modified:
        try:
            return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
    return False


def conditional(
    request: Request,
    reader: Reader,
    settings: Settings,
    respond: Callable[[], Response],
    *,
    fingerprint: str = "",
    kept: Kept | None = None,
) -> Response:
    """`respond()`, or a 304 when the client's copy is current; caching headers either way.

    The version check and `respond()` read one committed state, so the ETag always names the
    data the body holds. With a `fingerprint` (what made the answer besides the data, folded
    into the ETag) there is no `Last-Modified`: the data's last change does not date the
    answer. With `kept`, a 200 is kept by its ETag and sent again while the tag is current.
    """
    with reader.consistent():
        return _conditional(request, reader, settings, respond, fingerprint, kept)


def _conditional(
    request: Request,
    reader: Reader,
    settings: Settings,
    respond: Callable[[], Response],
    fingerprint: str,
    kept: Kept | None,
) -> Response:
    version, changed_at = data_version(reader)
    etag = entity_tag(request, version, fingerprint)
    last_modified = None if fingerprint else _http_date(changed_at)
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={settings.cache_max_age}",
        "Vary": VARY,
    }
    if last_modified:
        headers["Last-Modified"] = last_modified
    if _matches(request, etag, last_modified):
        return Response(status_code=304, headers=headers)
    if kept is not None and (found := kept.get(etag)) is not None:
        return found
    response = respond()
    # Appended to the raw list (`headers.update` scans it once per header), unless set.
    present = {name for name, _ in response.raw_headers}
    for name, value in headers.items():
        encoded = name.lower().encode()
        if encoded in present:
            response.headers[name] = value
        else:
            response.raw_headers.append((encoded, value.encode()))
    if kept is not None and response.status_code == 200:
        return kept.keep(etag, response, request)
    return response
