"""Requests whose queries may run long try the event loop first, then a worker thread.

Handlers read SQLite on the event loop: no thread hop, which is most of what a short request
costs. A query whose cost grows with the rows it matches (full-text matches, facet counts)
would hold every other request meanwhile: at 1M visits a `q=` page (10 ms of CPU) made the
benchmark's p99 7x its p50. Such requests run on the loop within `LOOP_BUDGET_S`: a
statement still running then is stopped, and none starts after it (`Reader.within`;
FTS5 reading its postings between two of SQLite's steps is not stopped until the next one).
The request then answers from a worker thread instead, from the start, at most `SLOW_READS`
at a time (each thread reads through its own connection and page cache), and the request
(its path, sort and filters) is remembered: the next one like it goes to a worker thread
directly. Totals and facet counts are kept per connection, so the count that ran past the
budget on the loop is kept on a worker's, not the loop's, and would run past it again.

Most such requests fit: a page of a search in date order reads a bounded number of matches,
and totals and facet counts are kept until the data changes. Sending every one to a worker
thread cost 0.16 ms at 100k visits, and more as the two threads took turns with the
interpreter lock under load.
"""

from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

import anyio
from fastapi import Request, Response

from app.storage import OverBudget, Reader

SLOW_READS = 2
LOOP_BUDGET_S = 0.002
# Requests remembered as over the budget, least recently seen forgotten first.
REMEMBERED = 1024


class SlowReads:
    """What an app keeps about its slow reads (`app.state.slow_reads`): the limiter of their
    worker threads, and the requests lately over the loop's budget."""

    def __init__(self) -> None:
        self.limiter = anyio.CapacityLimiter(SLOW_READS)
        self.over_budget: OrderedDict[str, None] = OrderedDict()

    def was_over_budget(self, key: str) -> bool:
        """Whether a request like this one ran past the budget lately."""
        if key not in self.over_budget:
            return False
        self.over_budget.move_to_end(key)
        return True

    def remember_over_budget(self, key: str) -> None:
        """Note a request that ran past the budget."""
        self.over_budget[key] = None
        if len(self.over_budget) > REMEMBERED:
            self.over_budget.popitem(last=False)


def may_be_slow(criteria: Mapping[str, Any]) -> bool:
    """Whether a list's filters may cost in proportion to the rows they match."""
    return bool(criteria.get("q") or criteria.get("facet"))


async def on_a_worker(request: Request, answer: Callable[[], Response]) -> Response:
    """`answer()` on a worker thread, the event loop free meanwhile."""
    slow_reads: SlowReads = request.app.state.slow_reads
    return await anyio.to_thread.run_sync(answer, limiter=slow_reads.limiter)


async def on_the_loop_or_a_worker(
    request: Request, reader: Reader, answer: Callable[[], Response], key: str
) -> Response:
    """`answer()` on the event loop if its queries end within LOOP_BUDGET_S; else, or if the
    request `key` names did not lately, from the start on a worker thread."""
    slow_reads: SlowReads = request.app.state.slow_reads
    if not slow_reads.was_over_budget(key):
        try:
            with reader.within(LOOP_BUDGET_S):
                return answer()
        except OverBudget:
            slow_reads.remember_over_budget(key)
    return await on_a_worker(request, answer)
