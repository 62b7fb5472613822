"""The HTTP edge: the ASGI middleware every request passes through on its way to the routes.

Nothing here knows FastAPI, the routes or the database: the edge sees requests and answers as
ASGI messages, and answers the requests it refuses through `Problems` (app/edge/problems.py).
`middleware()` builds the whole stack; the app passes it to FastAPI as it is built.
"""

from collections.abc import Mapping, Sequence

from starlette.middleware import Middleware

from app.config import Settings
from app.edge.access import AccessLog
from app.edge.compression import Compression
from app.edge.cors import OpenCors
from app.edge.head import HeadAsGet
from app.edge.limits import ClientLimits, RateLimit, RequestTimeout
from app.edge.problems import Problems
from app.edge.security import RequestShape, SecurityHeaders


def middleware(
    settings: Settings,
    problems: Problems,
    *,
    rate_limits: ClientLimits | None,
    page_policies: Mapping[str, str],
    innermost: Sequence[Middleware] = (),
) -> list[Middleware]:
    """The edge, outermost first, then `innermost`.

    The access log sees (and ids) every request and answers the last-resort 500; the security
    headers go on every answer (`page_policies`: the pages' own policies, by path); malformed
    requests are refused before anything reads them; CORS answers preflights and labels even
    429s; then the rate limit (when `rate_limits` is set), the request clock, HEAD as GET, and
    gzip over every body.
    """
    limited = [] if rate_limits is None else [Middleware(RateLimit, rate_limits, problems)]
    return [
        Middleware(AccessLog, problems),
        Middleware(SecurityHeaders, page_policies),
        Middleware(RequestShape, problems),
        Middleware(OpenCors),
        *limited,
        Middleware(RequestTimeout, settings.request_time_limit_ms / 1000, problems),
        Middleware(HeadAsGet),
        Middleware(Compression),
        *innermost,
    ]
