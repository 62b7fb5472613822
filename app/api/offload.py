"""Requests whose queries may run long answer from a worker thread, not the event loop.

Handlers read SQLite on the event loop: no thread hop, which is most of what a short request
costs. A query whose cost grows with the rows it matches (full-text matches, facet counts)
would hold every other request meanwhile: at 1M visits a `q=` page (10 ms of CPU) made the
benchmark's p99 7x its p50. Those run on a worker thread instead, at most
`SLOW_READS` at a time (each thread reads through its own connection and page cache).
"""

from collections.abc import Callable, Mapping
from typing import Any

import anyio
from fastapi import Request, Response

SLOW_READS = 2


def slow_reads_limiter() -> anyio.CapacityLimiter:
    """The limiter an app keeps for its slow reads (`app.state.slow_reads`)."""
    return anyio.CapacityLimiter(SLOW_READS)


def may_be_slow(criteria: Mapping[str, Any]) -> bool:
    """Whether a list's filters may cost in proportion to the rows they match."""
    return bool(criteria.get("q") or criteria.get("facet"))


async def on_a_worker(request: Request, answer: Callable[[], Response]) -> Response:
    """`answer()` on a worker thread, the event loop free meanwhile."""
    limiter: anyio.CapacityLimiter = request.app.state.slow_reads
    return await anyio.to_thread.run_sync(answer, limiter=limiter)
