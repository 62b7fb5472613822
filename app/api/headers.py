"""Request headers read straight from the ASGI scope.

On the paths every request takes (ETags, `Accept`, gzip), this replaces Starlette's `Headers`,
which is built per request and looks a name up by raising and catching `KeyError` when the
header is absent, as conditional ones mostly are.
"""

from starlette.types import Scope


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
