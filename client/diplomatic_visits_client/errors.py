"""What the client raises: one tree, rooted at `DiplomaticVisitsError`.

```
DiplomaticVisitsError
├── TransportError            no HTTP response (refused, reset, timed out), after retries
│   └── Timeout
├── UnexpectedResponse        a success response that is not what the API documents
└── ApiError                  an error response; `.problem` holds its problem details
    ├── NotFound              404: no record has this id
    ├── InvalidParameters     422: `.errors` names each bad parameter
    ├── RateLimited           429: `.retry_after` seconds, when the server said
    └── ServerError           any 5xx
        └── ServiceUnavailable  503: `.retry_after` seconds, when the server said
```
"""

import httpx

from diplomatic_visits_client.models import ParameterError, Problem


class DiplomaticVisitsError(Exception):
    """Base of every error the client raises."""


class TransportError(DiplomaticVisitsError):
    """The request got no HTTP response (connection refused or reset, protocol error).

    Raised once the retry policy's attempts are spent; the httpx error is the `__cause__`.
    """

    def __init__(self, message: str, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.request = request


class Timeout(TransportError):
    """The server did not answer within the client's timeout."""


class UnexpectedResponse(DiplomaticVisitsError):
    """A success response whose body is not the documented shape (e.g. an older server)."""

    def __init__(self, message: str, response: httpx.Response) -> None:
        super().__init__(message)
        self.response = response


class ApiError(DiplomaticVisitsError):
    """The API answered with an error status; `problem` is its RFC 9457 problem document.

    When the body is not `application/problem+json` (a proxy's error page, say), `problem`
    is built from the status alone, with `type` `about:blank` as RFC 9457 prescribes.
    """

    def __init__(self, problem: Problem, response: httpx.Response) -> None:
        super().__init__(f"{problem.status} {problem.title}: {problem.detail}")
        self.problem = problem
        self.response = response

    @property
    def status(self) -> int:
        """The HTTP status code."""
        return self.response.status_code


class NotFound(ApiError):
    """404: no record has this id (or there is no such path)."""


class InvalidParameters(ApiError):
    """422: a parameter is invalid or unknown."""

    @property
    def errors(self) -> list[ParameterError]:
        """Each bad parameter, with its location and what is wrong with it."""
        return self.problem.errors or []


class RateLimited(ApiError):
    """429: too many requests; still so after the retry policy's attempts."""

    def __init__(
        self, problem: Problem, response: httpx.Response, retry_after: float | None
    ) -> None:
        super().__init__(problem, response)
        self.retry_after = retry_after
        """Seconds the server asked us to wait (`Retry-After`), or None if it did not say."""


class ServerError(ApiError):
    """A 5xx response: the server failed to answer this request."""


class ServiceUnavailable(ServerError):
    """503: the service is overloaded or its database is unavailable; try again later."""

    def __init__(
        self, problem: Problem, response: httpx.Response, retry_after: float | None
    ) -> None:
        super().__init__(problem, response)
        self.retry_after = retry_after
        """Seconds the server asked us to wait (`Retry-After`), or None if it did not say."""
