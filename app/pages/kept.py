"""Rendered pages kept by their ETag, so that a page is rendered once per data version and
deploy, not once per request.

A page's ETag names the data version, the request (path, query, `Accept`, gzip or not) and the
pages' fingerprint (app.pages.render.FINGERPRINT): a body kept under it is the body a new
rendering would give, until a load or a deploy changes the tag. Bodies for clients that take
gzip are kept compressed (level 6, as the stored details), so a kept page is neither rendered
nor compressed again. The least recently sent go first once the kept bodies pass `max_bytes`.
`KeptPages` sends a kept page before FastAPI's routing and dependencies run.
Why, and what it saves: docs/decisions/0022-pages-kept-by-etag.md.
"""

import threading
from collections import OrderedDict
from collections.abc import Iterable

from fastapi import Request, Response
from starlette.types import ASGIApp, Receive, Scope, Send
from zlib_ng import zlib_ng

from app.api.caching import entity_tag
from app.api.kept import KeptAnswer, current_version
from app.edge.compression import MINIMUM_SIZE
from app.edge.headers import accepts_gzip, header

RawHeaders = tuple[tuple[bytes, bytes], ...]
# Pages are compressed once and sent many times: a higher level than the middleware's.
GZIP_LEVEL = 6


def _gzipped(response: Response) -> tuple[bytes, RawHeaders]:
    """The response's body compressed, and its headers saying so."""
    body = zlib_ng.compress(bytes(response.body), GZIP_LEVEL, wbits=31)  # gzip, no timestamp
    headers = [(k, v) for k, v in response.raw_headers if k != b"content-length"]
    headers += [(b"content-encoding", b"gzip"), (b"content-length", str(len(body)).encode())]
    return body, tuple(headers)


class RenderedPages:
    """Pages rendered by these pages (`fingerprint`: app.pages.render.FINGERPRINT) by ETag,
    at most `max_bytes` of bodies (0: none kept), shared by every thread."""

    def __init__(self, max_bytes: int, fingerprint: str) -> None:
        self.max_bytes = max_bytes
        self.fingerprint = fingerprint
        self.size = 0
        self._lock = threading.Lock()
        self._kept: OrderedDict[str, tuple[bytes, RawHeaders]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._kept)

    def get(self, etag: str) -> Response | None:
        """The page kept under `etag`, if any."""
        with self._lock:
            found = self._kept.get(etag)
            if found is None:
                return None
            self._kept.move_to_end(etag)
        return KeptAnswer(*found)

    def keep(self, etag: str, response: Response, request: Request) -> Response:
        """Keep `response`, compressed for a client that takes gzip; the response to send."""
        body, headers = bytes(response.body), tuple(response.raw_headers)
        encoded = any(name == b"content-encoding" for name, _ in headers)  # a stored page's
        if accepts_gzip(request.scope) and len(body) >= MINIMUM_SIZE and not encoded:
            body, headers = _gzipped(response)
        if len(body) <= self.max_bytes:
            with self._lock:
                if etag not in self._kept:
                    self._kept[etag] = (body, headers)
                    self.size += len(body)
                while self.size > self.max_bytes:
                    _, (dropped, _) = self._kept.popitem(last=False)
                    self.size -= len(dropped)
        return KeptAnswer(body, headers)


class KeptPages:
    """Sends a kept page before FastAPI routes the request: a GET of a page path (its first
    segment in `roots`) whose ETag, reckoned as the page's route reckons it, names a page
    kept in the app's `state.rendered_pages`. Only 200s are kept, so a hit is a request the
    route has answered (valid, found) at this data version; everything else (a miss, a
    revalidation, a test's overridden dependencies) goes on to the route unchanged."""

    def __init__(self, app: ASGIApp, roots: Iterable[str]) -> None:
        self.app = app
        self.roots = frozenset(roots)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The kept page, or the request passed on."""
        if (
            scope["type"] == "http"
            and scope["method"] == "GET"
            and scope["path"].split("/", 2)[1] in self.roots
            and header(scope, b"if-none-match") is None
            and not scope["app"].dependency_overrides
        ):
            request = Request(scope)
            found = await _kept(request)
            if found is not None:
                await found(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def _kept(request: Request) -> Response | None:
    state = request.app.state
    rendered: RenderedPages = state.rendered_pages
    version = await current_version(request, state.reader)
    if version is None:
        return None
    return rendered.get(entity_tag(request, version, rendered.fingerprint))
