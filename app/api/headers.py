"""Request headers read straight from the ASGI scope, and the `Vary` of answers.

On the paths every request takes (ETags, `Accept`, gzip), this replaces Starlette's `Headers`,
which is built per request and looks a name up by raising and catching `KeyError` when the
header is absent, as conditional ones mostly are.
"""

from collections.abc import Collection, Iterable

from starlette.types import Scope

RawHeaders = list[tuple[bytes, bytes]]


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
