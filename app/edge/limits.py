"""Per-request limits: a rate limit per client address and a time limit on every request.

Rate limiting uses the `limits` library (the one slowapi builds on) with a sliding-window
counter, in memory for one process or in Redis so that every worker and server shares the
counts. Each answer carries `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` and
`RateLimit-Policy` (the IETF draft's fields); past the limit the answer is a 429 problem with
`Retry-After`. Should the storage fail, requests are served unlimited and the failure logged:
an outage of the counter store must not become an outage of the API.

The request time limit bounds the wait for an answer to start: past it the client gets a 503
problem with `Retry-After` while the abandoned work winds down behind it (each SQL query has
its own limit, so it does soon). A streamed export that has started is bounded by its row cap.
"""

import asyncio
import logging
import math
import time
from collections.abc import Sequence
from typing import Any

from limits import RateLimitItem, parse_many
from limits.aio.storage import Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.storage import storage_from_string
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.edge.problems import Problems
from app.errors import ApiError

logger = logging.getLogger("app")

# Liveness probes come from the platform, not from clients: never limited.
UNLIMITED_PATHS = frozenset({"/healthz"})
KEY_PREFIX = "diplomatic-visits"
RATE_LIMIT_HEADERS = (
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "RateLimit-Policy",
)
STORAGE_ERROR_LOG_INTERVAL = 60.0


class ClientLimits:
    """The configured limits, counted per client address in their storage."""

    def __init__(self, limits: str, storage_uri: str) -> None:
        self.items: Sequence[RateLimitItem] = parse_many(limits)
        self._pool: Any = None
        if storage_uri.startswith(("redis://", "rediss://")):
            import redis.asyncio

            # Our own pool, so that shutting down closes its connections.
            self._pool = redis.asyncio.ConnectionPool.from_url(storage_uri)
            storage = storage_from_string(
                f"async+{storage_uri}",
                implementation="redispy",
                connection_pool=self._pool,
                wrap_exceptions=True,
            )
        else:
            storage = storage_from_string(f"async+{storage_uri}", wrap_exceptions=True)
        assert isinstance(storage, Storage)
        self.limiter = SlidingWindowCounterRateLimiter(storage)
        self._last_storage_error = -math.inf

    async def close(self) -> None:
        """Close the storage's connections (at shutdown)."""
        if self._pool is not None:
            await self._pool.aclose()

    async def check(self, client: str) -> tuple[bool, dict[str, str]] | None:
        """Whether the request may pass, and the headers to send; None if storage failed."""
        try:
            allowed = True
            tightest: tuple[int, int, RateLimitItem] | None = None
            for item in self.items:
                if not await self.limiter.hit(item, KEY_PREFIX, client):
                    allowed = False
                reset_at, remaining = await self.limiter.get_window_stats(item, KEY_PREFIX, client)
                reset = max(1, math.ceil(reset_at - time.time()))
                if tightest is None or (remaining, -reset) < (tightest[0], -tightest[1]):
                    tightest = (remaining, reset, item)
        except Exception:
            now = time.monotonic()
            if now - self._last_storage_error > STORAGE_ERROR_LOG_INTERVAL:
                self._last_storage_error = now
                logger.exception("rate-limit storage failed; serving without limits")
            return None
        assert tightest is not None
        remaining, reset, item = tightest
        headers = {
            "RateLimit-Limit": str(item.amount),
            "RateLimit-Remaining": str(remaining),
            "RateLimit-Reset": str(reset),
            "RateLimit-Policy": ", ".join(
                f"{limit.amount};w={limit.get_expiry()}" for limit in self.items
            ),
        }
        if not allowed:
            headers["Retry-After"] = str(reset)
        return allowed, headers


def _seconds_word(seconds: int) -> str:
    return f"{seconds} second{'s' if seconds != 1 else ''}"


class RateLimit:
    """Counts requests per client address against every configured limit."""

    def __init__(self, app: ASGIApp, limits: ClientLimits, problems: Problems) -> None:
        self.app = app
        self.limits = limits
        self.problems = problems

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer 429 past the limit; otherwise pass on, adding the RateLimit headers."""
        if scope["type"] != "http" or scope["path"] in UNLIMITED_PATHS:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        checked = await self.limits.check(client[0] if client else "unknown")
        if checked is None:
            await self.app(scope, receive, send)
            return
        allowed, headers = checked
        if not allowed:
            error = ApiError(
                429,
                "rate-limited",
                "Too many requests",
                f"This address has made more requests than its limit of "
                f"{headers['RateLimit-Limit']}; retry after "
                f"{_seconds_word(int(headers['Retry-After']))}.",
                headers=headers,
            )
            await self.problems.response(error, scope)(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).update(headers)
            await send(message)

        await self.app(scope, receive, with_headers)


REQUEST_TIMEOUT = ApiError(
    503,
    "request-timeout",
    "Request took too long",
    "The answer was not ready within the time limit; narrow the request or try again later.",
    headers={"Retry-After": "5"},
)


class RequestTimeout:
    """A 503 problem when a request's answer has not started within `seconds`.

    One timer on the event loop per request (not a task and a task group, which cost about
    as much as the rest of a small request together): if it fires before the answer has
    started, the 503 goes out at once from a task of its own and the handler's task is
    cancelled; whatever the abandoned handler still says is dropped.
    """

    def __init__(self, app: ASGIApp, seconds: float, problems: Problems) -> None:
        self.app = app
        self.seconds = seconds
        self.problems = problems

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request against the clock; answer for it if the clock wins."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        handler = asyncio.current_task()
        started = False
        answer: asyncio.Task[None] | None = None

        async def guarded(message: Message) -> None:
            nonlocal started
            if answer is not None:
                return  # the 503 has gone out; what the abandoned handler says is dropped
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        async def answer_for_it() -> None:
            await self.problems.response(REQUEST_TIMEOUT, scope)(scope, receive, send)

        def expire() -> None:
            nonlocal answer
            if not started and handler is not None:
                answer = loop.create_task(answer_for_it())
                handler.cancel()

        timer = loop.call_later(self.seconds, expire)
        try:
            await self.app(scope, receive, guarded)
        except asyncio.CancelledError:
            if answer is None:
                raise  # cancelled from outside (the client left, the server stops)
        except Exception as error:
            if answer is None:
                raise
            logger.error("request failed after its time limit", exc_info=error)
        finally:
            timer.cancel()
        if answer is not None:
            await _until_done(answer)


async def _until_done(task: "asyncio.Task[None]") -> None:
    """Wait for `task`, absorbing the cancellation this middleware asked for if the handler
    finished before it was delivered."""
    current = asyncio.current_task()
    while not task.done():
        try:
            await asyncio.wait({task})
        except asyncio.CancelledError:
            if current is None or current.uncancel() > 0:
                raise
    if current is not None and current.cancelling():
        current.uncancel()
    task.result()
