"""Reads that cannot hold the event loop.

Every read whose cost can grow with the data (each list, the search, each page of an export,
the dataset's counts, the health check's count) runs through `run_read` or `on_a_worker`:
first on the event loop within LOOP_BUDGET_S of the loop thread's CPU time, where a statement
still running at the end of the budget is stopped and none starts after it
(`Reader.within`); then, if it ran past the budget, from the start on a worker thread, at
most SLOW_READS at a time. A request like one that ran past the budget lately (the same path,
sort and filters) goes to a worker thread directly, until one like it spends less than the
budget there. CPU time, not wall time: on a busy machine a cheap read preempted mid-way would
otherwise count as slow and run twice. A record by id is one indexed read and stays on the
loop (app/api/fast_path.py; `where_it_reads`). Why, and what it costs:
docs/decisions/0012-reads-off-the-loop.md.

A database server's reads (PostgreSQL: `Reader.on_the_loop` false) wait on the network, not
on the CPU: every one runs on a worker thread, SERVER_READS at a time (decision 0023).
"""

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

import anyio
from fastapi import Request, Response

from app.storage import OverBudget, Reader

SLOW_READS = 2
# Reads of a database server (`Reader.on_the_loop` false) run on worker threads, this many
# at a time by default (DATABASE_POOL_SIZE: the pool's connections).
SERVER_READS = 16
LOOP_BUDGET_S = 0.002
# Requests remembered as over the budget, least recently seen forgotten first.
REMEMBERED = 1024

Result = TypeVar("Result")


class SlowReads:
    """What an app keeps about its slow reads (`app.state.slow_reads`): the limiter of their
    worker threads, and the requests lately over the loop's budget."""

    def __init__(self, server_reads: int = SERVER_READS) -> None:
        self.limiter = anyio.CapacityLimiter(SLOW_READS)
        self.server_limiter = anyio.CapacityLimiter(server_reads)
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

    def forget(self, key: str) -> None:
        """Let a request like this one try the loop again."""
        self.over_budget.pop(key, None)


async def on_a_worker(request: Request, read: Callable[[], Result], server: bool = False) -> Result:
    """`read()` on a worker thread, one of SLOW_READS (of SERVER_READS for a database
    server's reads), the event loop free meanwhile."""
    slow_reads: SlowReads = request.app.state.slow_reads
    limiter = slow_reads.server_limiter if server else slow_reads.limiter
    return await anyio.to_thread.run_sync(read, limiter=limiter)


async def where_it_reads(request: Request, reader: Reader, read: Callable[[], Result]) -> Result:
    """`read()` where a read that costs nothing (a record by id, a version check) belongs: on
    the event loop for an embedded engine, on a worker thread for a database server."""
    if reader.on_the_loop:
        return read()
    return await on_a_worker(request, read, server=True)


async def run_read(
    request: Request, reader: Reader, answer: Callable[[], Response], alike: str | None = None
) -> Response:
    """`answer()` on the event loop if its queries end within LOOP_BUDGET_S; else, or if a
    request alike (`alike`: the path by default) did not lately, from the start on a worker
    thread."""
    slow_reads: SlowReads = request.app.state.slow_reads
    if not reader.on_the_loop:
        return await anyio.to_thread.run_sync(answer, limiter=slow_reads.server_limiter)
    key = request.scope["path"] if alike is None else alike
    if not slow_reads.was_over_budget(key):
        try:
            with reader.within(LOOP_BUDGET_S):
                return answer()
        except OverBudget:
            slow_reads.remember_over_budget(key)

    def timed() -> tuple[Response, float]:
        started = time.thread_time()  # CPU time, as the budget counts it
        return answer(), time.thread_time() - started

    response, seconds = await on_a_worker(request, timed)
    if seconds < LOOP_BUDGET_S:
        # It fits now (it ran past the budget while a connection or a cache was cold, or
        # the data changed): the next one tries the loop again.
        slow_reads.forget(key)
    return response
