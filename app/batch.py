"""How a command that loads or rebuilds data runs: with the cyclic garbage collector paused.

A load holds many objects at once (parsed files, rows, documents being built) and makes few
reference cycles, so each automatic collection of the oldest generation walked every object
held to free almost none: 18% of a seed load of 300 tour files, 9% of a full rebuild of
derived data at 10,000 visits (docs/decisions/0047-loads-pause-the-cyclic-collector.md).
Reference counting still frees everything else at once; the collector runs again after.
"""

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off inside, as it was after (paused already: left so)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def paused_collector(command: Callable[P, R]) -> Callable[P, R]:
    """`command` run with the collector paused (`collector_paused`)."""

    @wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with collector_paused():
            return command(*args, **kwargs)

    return run
