"""CORS: any web page may read the API (GET and HEAD) from a browser, and see the headers
a client uses (ETag, paging links, counts, request ids, rate limits).

Preflights are answered by Starlette's CORSMiddleware. Every other answer gets `Vary: Origin`
(joined into its `Vary`) and, for a request with an `Origin`, `Access-Control-Allow-Origin: *`
and the exposed headers, as Starlette's middleware gives them; here they are added to the
answer's raw header list in one pass, where Starlette parses the request's and the answer's
headers into objects for every request (docs/decisions/0014-own-middleware.md).
tests/edge/test_against_starlette.py sends the same requests through Starlette's.
"""

from typing import Any

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.edge.access import REQUEST_ID_HEADER
from app.edge.headers import RawHeaders, varying
from app.edge.limits import RATE_LIMIT_HEADERS

ALLOWED_METHODS = ["GET", "HEAD", "OPTIONS"]
ALLOWED_HEADERS = ["Accept", "If-None-Match", "If-Modified-Since", REQUEST_ID_HEADER]
EXPOSED_HEADERS = [
    "ETag",
    "Link",
    "Last-Modified",
    "Repr-Digest",
    "X-Checksum-SHA256",
    "X-Total-Count",
    "X-Undated-Count",
    REQUEST_ID_HEADER,
    "Retry-After",
    *RATE_LIMIT_HEADERS,
]
PREFLIGHT_MAX_AGE_S = 86400
# Starlette's CORSMiddleware configured as this API's CORS.
OPTIONS: dict[str, Any] = {
    "allow_origins": ["*"],
    "allow_methods": ALLOWED_METHODS,
    "allow_headers": ALLOWED_HEADERS,
    "expose_headers": EXPOSED_HEADERS,
    "max_age": PREFLIGHT_MAX_AGE_S,
}


class OpenCors(CORSMiddleware):
    """Starlette's CORS for open reads (see above)."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app, **OPTIONS)
        self.cross_origin: RawHeaders = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in self.simple_headers.items()
        ]
        self.cross_origin_names = {name for name, _ in self.cross_origin}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer a preflight; label every other answer."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origin = asks_method = False
        for name, _ in scope["headers"]:
            if name == b"origin":
                origin = True
            elif name == b"access-control-request-method":
                asks_method = True
        if origin and asks_method and scope["method"] == "OPTIONS":
            await super().__call__(scope, receive, send)
            return
        added, replaced = (self.cross_origin, self.cross_origin_names) if origin else ([], set())

        async def labelled(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = varying(message.get("headers", ()), replaced, b"Origin")
                message["headers"] = [*headers, *added]
            await send(message)

        await self.app(scope, receive, labelled)
