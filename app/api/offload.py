"""Requests whose queries may run long try the event loop first, then a worker thread.

Handlers read SQLite on the event loop: no thread hop, which is most of what a short request
costs. A query whose cost grows with the rows it matches (full-text matches, facet counts)
would hold every other request meanwhile: at 1M visits a `q=` page (10 ms of CPU) made the
benchmark's p99 7x its p50. Such requests run on the loop for at most `LOOP_BUDGET_S`; a
query still running then is stopped (`ReadDatabase.within`), and the request answers from a
worker thread instead, from the start, at most `SLOW_READS` at a time (each thread reads
through its own connection and page cache).

Most such requests fit: a page of a search in date order reads a bounded number of matches,
and totals and facet counts are kept until the data changes. Sending every one to a worker
thread cost 0.16 ms at 100k visits, and more as the two threads took turns with the
interpreter lock under load. The first count of a common word (17 ms at 10k visits), or a
search sorted otherwise, moves after the budget: at most `LOOP_BUDGET_S` spent twice.
"""

from collections.abc import Callable, Mapping
from typing import Any

import anyio
from fastapi import Request, Response

from app.db import OverBudget, ReadDatabase

SLOW_READS = 2
LOOP_BUDGET_S = 0.002


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


async def on_the_loop_or_a_worker(
    request: Request, reader: ReadDatabase, answer: Callable[[], Response]
) -> Response:
    """`answer()` on the event loop if its queries end within LOOP_BUDGET_S; else again,
    from the start, on a worker thread."""
    try:
        with reader.within(LOOP_BUDGET_S):
            return answer()
    except OverBudget:
        return await on_a_worker(request, answer)
