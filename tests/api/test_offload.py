"""Requests whose queries may run long leave the event loop free for the others: they try
the loop within a budget, then move to a worker thread."""

import asyncio
import threading
import time
from typing import Any

import httpx
import pytest

from app.api import offload
from app.config import Settings
from app.main import create_app
from tests.support import LONG_QUERY

SLOW = 0.6


def _slow_search(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every full-text query runs LONG_QUERY first (as a common word's first count does on a
    large file), then sleeps to last at least SLOW seconds."""
    reader = app.state.reader
    original = reader.rows

    def rows(sql: str, params: Any = None) -> Any:
        if "search_index" in sql:
            started = time.monotonic()
            original(LONG_QUERY)
            time.sleep(max(0.0, SLOW - (time.monotonic() - started)))
        return original(sql, params)

    monkeypatch.setattr(reader, "rows", rows)


def _threads_reading(app: Any) -> list[str]:
    """The names of the threads that read the database from now on, in order."""
    readers: list[str] = []
    original = app.state.reader._link

    def link() -> Any:
        readers.append(threading.current_thread().name)
        return original()

    app.state.reader._link = link
    return readers


async def _get(app: Any, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get(path)


@pytest.mark.parametrize(
    "slow_path", ["/v1/visits?q=havana", "/v1/search?q=havana", "/v1/meetings?q=signing"]
)
def test_a_slow_search_does_not_hold_other_requests(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, slow_path: str
) -> None:
    app = create_app(settings)
    _slow_search(app, monkeypatch)

    async def run() -> tuple[float, float, int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            started = time.monotonic()
            slow = asyncio.create_task(client.get(slow_path))
            await asyncio.sleep(0.1)  # the search is under way
            quick = await client.get("/v1/visits/2023-06-raisi-cuba")
            quick_done = time.monotonic() - started
            assert quick.status_code == 200
            response = await slow
            return quick_done, time.monotonic() - started, response.status_code

    quick_done, slow_done, status = asyncio.run(run())
    assert status == 200
    assert slow_done >= SLOW
    assert quick_done < SLOW  # answered while the search was still running


def test_short_requests_stay_on_the_event_loop(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without `q` or `facet`, the request reads on the event loop's thread: no hop. With
    # them, it does too while its queries fit the budget; with no budget at all, it is
    # answered by a worker thread.
    app = create_app(settings)
    readers = _threads_reading(app)
    searches = ["/v1/visits?q=havana", "/v1/visits?q=raisi&facet=kind"]

    async def threads(path: str) -> list[str]:
        readers.clear()
        assert (await _get(app, path)).status_code == 200
        return list(readers)

    async def run() -> None:
        loop_thread = threading.current_thread().name
        # A budget no request here can spend (the default, 2 ms, depends on the machine's
        # load: a first request also opens the connection and fills the kept counts).
        monkeypatch.setattr(offload, "LOOP_BUDGET_S", 60.0)
        for path in ["/v1/visits?sort=start_date", *searches]:
            assert set(await threads(path)) == {loop_thread}, path
        monkeypatch.setattr(offload, "LOOP_BUDGET_S", 0.0)
        for path in searches:
            read = await threads(path)
            assert read[0] == loop_thread, path  # tried on the loop, stopped at once
            assert read[-1] != loop_thread, path  # answered by a worker

    asyncio.run(run())


def test_a_request_over_the_budget_sends_the_next_like_it_to_a_worker(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(settings)
    readers = _threads_reading(app)

    async def run() -> None:
        loop_thread = threading.current_thread().name
        monkeypatch.setattr(offload, "LOOP_BUDGET_S", 0.0)
        first = await _get(app, "/v1/visits?q=havana")
        assert loop_thread in readers  # tried on the loop first
        monkeypatch.setattr(offload, "LOOP_BUDGET_S", 60.0)
        readers.clear()
        again = await _get(app, "/v1/visits?q=havana&limit=2")  # alike: the page size aside
        assert again.json() == first.json()
        assert readers
        assert loop_thread not in readers  # straight to a worker
        readers.clear()
        await _get(app, "/v1/visits?q=raisi")  # other filters: the loop again
        assert set(readers) == {loop_thread}

    asyncio.run(run())


def test_a_request_past_the_budget_answers_from_a_worker(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(settings)
    monkeypatch.setattr(offload, "LOOP_BUDGET_S", 60.0)  # answered on the loop, not remembered
    expected = asyncio.run(_get(app, "/v1/visits?q=havana"))
    monkeypatch.setattr(offload, "LOOP_BUDGET_S", 0.05)  # a tenth of LONG_QUERY's time
    _slow_search(app, monkeypatch)
    readers = _threads_reading(app)

    async def run() -> httpx.Response:
        return await _get(app, "/v1/visits?q=havana")

    loop_thread = threading.current_thread().name
    response = asyncio.run(run())
    assert response.status_code == 200
    assert response.json() == expected.json()  # started again, from the start, elsewhere
    # The loop read until the budget ran out; then one worker thread read the whole answer.
    moved = next(i for i, name in enumerate(readers) if name != loop_thread)
    assert moved > 0
    assert loop_thread not in readers[moved:]
    assert len(set(readers[moved:])) == 1
