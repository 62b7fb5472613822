"""When to try a request again, and how long to wait first."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

# Errors after which a GET may safely be sent again: nothing reached the server, or the
# answer was lost on the way. Invalid URLs, unsupported schemes and the like are not here.
RETRYABLE_TRANSPORT_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.ReadError,
    httpx.ReadTimeout,
    httpx.WriteError,
    httpx.WriteTimeout,
    httpx.PoolTimeout,
    httpx.RemoteProtocolError,
)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delay-seconds or HTTP-date), or None."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    """Retries with exponential backoff and jitter, honouring `Retry-After`.

    A request is tried at most `attempts` times in all. It is tried again after a response
    whose status is in `statuses` (429 and 503 by default) or after a connection error or
    timeout. Before retry *n* (1, 2, ...) the client waits `backoff * 2 ** (n - 1)` seconds,
    capped at `max_backoff`, of which a random part (the last `jitter` fraction) is drawn
    afresh each time, so that many clients do not come back in step. When the response
    says `Retry-After`, the wait is at least that long; a `Retry-After` longer than
    `max_retry_after` is not waited for: the error is raised at once, carrying it.

    `RetryPolicy(attempts=1)` turns retries off; `rand` (a number in [0, 1)) can be fixed
    in tests.
    """

    attempts: int = 4
    backoff: float = 0.5
    max_backoff: float = 30.0
    jitter: float = 0.5
    max_retry_after: float = 60.0
    statuses: frozenset[int] = frozenset({429, 503})
    rand: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        if self.backoff < 0 or self.max_backoff < 0 or self.max_retry_after < 0:
            raise ValueError("backoff, max_backoff and max_retry_after must not be negative")
        if not 0 <= self.jitter <= 1:
            raise ValueError("jitter must be between 0 and 1")

    def delay(self, retry: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number `retry` (1 for the first retry)."""
        ceiling = min(self.max_backoff, self.backoff * 2.0 ** (retry - 1))
        wait = ceiling * (1 - self.jitter) + ceiling * self.jitter * self.rand()
        if retry_after is not None:
            wait = max(wait, retry_after)
        return wait

    def retries_status(self, status: int, retry_after: float | None) -> bool:
        """Whether a response with this status (and `Retry-After`) is worth another try."""
        if status not in self.statuses:
            return False
        return retry_after is None or retry_after <= self.max_retry_after

    def retries_error(self, error: httpx.TransportError) -> bool:
        """Whether a request that failed with this transport error may be sent again."""
        return isinstance(error, RETRYABLE_TRANSPORT_ERRORS)
