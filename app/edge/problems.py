"""Every error answer of the service is built here, from an `ApiError`: an
`application/problem+json` document (RFC 9457) for API clients, or, when the app is built with
a page renderer and the client is a browser (`Accept` ranks HTML above JSON), the renderer's
HTML page for the same problem.

The middleware that refuse a request, the exception handlers and the fast path to details all
answer through `Problems.response`, which also notes the problem for the access log.
"""

from collections.abc import Callable
from typing import Any

import orjson
from starlette.responses import Response
from starlette.types import Scope

from app.edge.headers import prefers_html
from app.errors import PROBLEM_MEDIA_TYPE, ApiError

# A problem names the request's path (`instance`); a longer path is cut, not echoed whole.
MAX_PATH_SHOWN = 300

# Makes the page for a problem document (as `ApiError.problem` gives it) and its request.
PageRenderer = Callable[[dict[str, Any], Scope], Response]


class ProblemResponse(Response):
    """An `application/problem+json` response."""

    media_type = PROBLEM_MEDIA_TYPE

    def render(self, content: Any) -> bytes:
        """The problem document as JSON."""
        return orjson.dumps(content)


def shown_path(scope: Scope) -> str:
    """The request's path as problems show it (at most MAX_PATH_SHOWN characters)."""
    path: str = scope["path"]
    return path[:MAX_PATH_SHOWN]


def noted_problem(scope: Scope) -> str | None:
    """The slug of the problem that answered the request, if one did (for the access log)."""
    slug: str | None = scope.get("state", {}).get("problem")
    return slug


class Problems:
    """Builds the answer to an error: problem JSON, or the page `render_page` makes of it for
    a browser (None: problem JSON for every client)."""

    def __init__(self, render_page: PageRenderer | None = None) -> None:
        self.render_page = render_page

    def response(self, error: ApiError, scope: Scope) -> Response:
        """The answer to `error` for the request of `scope`, with the error's headers."""
        scope.setdefault("state", {})["problem"] = error.slug
        problem = error.problem(instance=shown_path(scope))
        if self.render_page is None:
            return ProblemResponse(problem, status_code=error.status, headers=error.headers)
        # Either answer depends on Accept: caches must keep them apart.
        if prefers_html(scope):
            response = self.render_page(problem, scope)
            response.headers.update(error.headers)
        else:
            response = ProblemResponse(problem, status_code=error.status, headers=error.headers)
        response.headers.add_vary_header("Accept")
        return response
