"""Security headers on every response: strict for the API, just enough for the docs pages.

API answers are data, never pages: `Content-Security-Policy: default-src 'none'` lets a
browser that renders one by mistake run and load nothing. The docs pages (Swagger UI,
ReDoc) get a policy that allows exactly what they use: their own scripts and styles from
this server, the inline script that starts Swagger UI (allowed by its SHA-256, computed from
the page itself), the styles both set at run time, and the blob worker ReDoc searches in.
"""

import base64
import functools
import hashlib
import re
from collections.abc import Iterable, Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.edge.problems import Problems
from app.errors import ApiError

API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    # The data is public and CORS is open; documents of other origins may embed responses.
    "Cross-Origin-Resource-Policy": "cross-origin",
}

_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def inline_script_hashes(page: bytes) -> list[str]:
    """CSP hash sources (`'sha256-...'`) of every inline script of an HTML page."""
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'"
        for body in _INLINE_SCRIPT.findall(page)
    ]


def page_policy(script_hashes: Iterable[str]) -> str:
    """The policy of a docs page whose inline scripts have these hashes."""
    return "; ".join(
        [
            "default-src 'none'",
            " ".join(["script-src 'self'", *script_hashes]),
            # Swagger UI and ReDoc style elements from JavaScript.
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


@functools.lru_cache(maxsize=8)
def _encoded(policy: str) -> tuple[tuple[bytes, bytes], ...]:
    """HEADERS and this policy, as ASGI header pairs (a handful of policies: made once)."""
    every = {**HEADERS, "Content-Security-Policy": policy}
    return tuple((name.lower().encode(), value.encode()) for name, value in every.items())


class SecurityHeaders:
    """Adds the security headers, and the page's own policy to the pages in `page_policies`."""

    def __init__(self, app: ASGIApp, page_policies: Mapping[str, str]) -> None:
        self.app = app
        self.page_policies = dict(page_policies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the response as it starts."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = self.page_policies.get(scope["path"], API_POLICY)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", ()))
                present = {name.lower() for name, _ in raw}
                raw.extend(header for header in _encoded(policy) if header[0] not in present)
                message["headers"] = raw
            await send(message)

        await self.app(scope, receive, with_headers)


# RFC 9112: a request target is printable ASCII; anything else is percent-encoded by clients.
_TARGET_BYTES = re.compile(rb"[\x21-\x7e]*")
# uvicorn's default HTTP parser (httptools) sets no bound on headers; h11's default is 16 KiB.
MAX_HEADER_BYTES = 16 * 1024

BAD_TARGET = ApiError(
    400,
    "bad-request-target",
    "Bad request target",
    "The path or query string holds bytes that are not printable ASCII; percent-encode them "
    "(UTF-8).",
)
HEADERS_TOO_LARGE = ApiError(
    431,
    "headers-too-large",
    "Request headers too large",
    f"The request headers add up to more than {MAX_HEADER_BYTES:,} bytes.",
)


def _malformed(scope: Scope) -> ApiError | None:
    path = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
    query = scope.get("query_string", b"")
    if not (_TARGET_BYTES.fullmatch(path) and _TARGET_BYTES.fullmatch(query)):
        return BAD_TARGET
    if sum(len(name) + len(value) for name, value in scope["headers"]) > MAX_HEADER_BYTES:
        return HEADERS_TOO_LARGE
    return None


class RequestShape:
    """A problem for what no well-behaved client sends: raw bytes outside printable ASCII in
    the path or query string (400), headers over 16 KiB (431).

    Servers pass such requests through as they came; nothing downstream should have to guess
    an encoding (Starlette's URL fails on raw bytes) or carry megabytes of headers. (The
    length of the target is bounded by the server's HTTP parser.)
    """

    def __init__(self, app: ASGIApp, problems: Problems) -> None:
        self.app = app
        self.problems = problems

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse a malformed request; pass the rest on."""
        error = _malformed(scope) if scope["type"] == "http" else None
        if error is None:
            await self.app(scope, receive, send)
            return
        await self.problems.response(error, scope)(scope, receive, send)
