"""How a command that loads or rebuilds data runs: with the cyclic garbage collector paused,
since a load holds many objects and makes few cycles (why and what it saves:
docs/decisions/0047-loads-pause-the-cyclic-collector.md)."""

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
