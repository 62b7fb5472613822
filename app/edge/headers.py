"""Request headers read straight from the ASGI scope, `Accept` as the client ranks it, and the
`Vary` of answers.

On the paths every request takes (ETags, `Accept`, gzip), this replaces Starlette's `Headers`,
which is built per request and looks a name up by raising and catching `KeyError` when the
header is absent, as conditional ones mostly are.
"""

from collections.abc import Collection, Iterable

from starlette.types import Scope

RawHeaders = list[tuple[bytes, bytes]]

# The media ranges a browser names for pages, and those an API client names for data.
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})
DATA_TYPES = frozenset({"application/json", "application/problem+json", "application/*", "*/*"})


def header(scope: Scope, name: bytes) -> str | None:
    """The first value of the request header `name` (lower case), as Starlette's
    `Headers.get` gives it, or None."""
    for key, value in scope["headers"]:
        if key == name:
            decoded: str = value.decode("latin-1")
            return decoded
    return None


def accepts_gzip(scope: Scope) -> bool:
    """Whether the client takes gzip-compressed answers (any of its `Accept-Encoding` lines
    names it): the one test the gzip middleware, the ETag and the stored details share."""
    return any(b"gzip" in value for key, value in scope["headers"] if key == b"accept-encoding")


def media_ranges(scope: Scope) -> list[tuple[str, float]]:
    """The request's `Accept` as (media range in lower case, quality) in the order sent; empty
    when the header is absent or blank. A quality that is not a number counts as 0."""
    accept = header(scope, b"accept") or ""
    if not accept.strip():
        return []
    ranges = []
    for part in accept.split(","):
        media_range, *parameters = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            if parameter.startswith("q="):
                try:
                    quality = float(parameter[2:])
                except ValueError:
                    quality = 0.0
        ranges.append((media_range.lower(), quality))
    return ranges


def prefers_html(scope: Scope) -> bool:
    """Whether the client ranks HTML above JSON, as browsers do (`text/html, ..., */*;q=0.8`);
    a client that names neither, or both alike, is an API client."""
    page = data = 0.0
    for media_range, quality in media_ranges(scope):
        if media_range in PAGE_TYPES:
            page = max(page, quality)
        elif media_range in DATA_TYPES:
            data = max(data, quality)
    return page > data


def varying(
    headers: Iterable[tuple[bytes, bytes]], dropped: Collection[bytes], token: bytes
) -> RawHeaders:
    """An answer's raw `headers` without those named in `dropped`, every `Vary` line joined
    into one (they are one list, RFC 9110 5.3), last, that names `token`: added at its end
    unless it names it, or `*`, already."""
    varies: list[bytes] = []
    kept: RawHeaders = []
    for name, value in headers:
        if name == b"vary":
            varies.append(value)
        elif name not in dropped:
            kept.append((name, value))
    named = {part.strip().lower() for value in varies for part in value.split(b",")}
    if token.lower() not in named and b"*" not in named:
        varies.append(token)
    kept.append((b"vary", b", ".join(varies)))
    return kept
