"""Requests whose queries may run long leave the event loop free for the others."""

import asyncio
import threading
import time
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.main import create_app

SLOW = 0.6


def _slow_search(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every full-text query takes SLOW seconds, as a common word does on a large file."""
    reader = app.state.reader
    original = reader.rows

    def rows(sql: str, params: Any = None) -> Any:
        if "search_index" in sql:
            time.sleep(SLOW)
        return original(sql, params)

    monkeypatch.setattr(reader, "rows", rows)


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


def test_short_requests_stay_on_the_event_loop(settings: Settings) -> None:
    # A request without `q` or `facet` reads on the event loop's thread (no hop); one with
    # `q` reads on a worker thread.
    app = create_app(settings)
    readers: list[str] = []
    original = app.state.reader._link

    def link() -> Any:
        readers.append(threading.current_thread().name)
        return original()

    app.state.reader._link = link

    async def threads_reading(path: str) -> set[str]:
        readers.clear()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            assert (await client.get(path)).status_code == 200
        return set(readers)

    async def run() -> None:
        loop_thread = threading.current_thread().name
        assert await threads_reading("/v1/visits?sort=start_date") == {loop_thread}
        searched = await threads_reading("/v1/visits?q=havana")
        assert searched
        assert loop_thread not in searched

    asyncio.run(run())
