"""Reads whose cost can grow with the data never hold the event loop: every list, the search,
the exports and the counts try the loop within a budget, then move to one of SLOW_READS worker
threads; a record by id stays on the loop. These tests follow the mechanism (which thread
reads, who waits for what), not the clock."""

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.api import offload
from app.api.main import FAST_ROUTES
from app.config import Settings
from app.main import create_app
from tests.support import RESOURCE_NAMES

LOOP = threading.current_thread().name  # asyncio.run serves the app on this thread
# A liveness bound, not a timing assertion: long enough for any machine, short enough that a
# request stuck behind the blocked reads fails the test instead of hanging it.
STUCK_S = 30


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    """A new app (its own remembered requests and worker limiter), with no query time limit
    a loaded machine could reach, keeping no answer and reading the data version for each
    kept page (a request asked again is read again)."""
    unlimited = {"query_time_limit_ms": 600_000, "answer_cache_mb": 0, "version_check_ms": 0}
    return create_app(settings.model_copy(update=unlimited))


# The loop's budget: an embedded engine's reads start on the event loop and move to a worker
# past it; a database server's are always on a worker (the postgresql_only test below).
LOOP_BUDGET = pytest.mark.sqlite_only(
    reason="the loop's budget: an embedded engine's reads",
    counterpart="tests/api/test_offload.py::test_a_database_server_is_read_on_worker_threads_alone",
)


def reading_threads(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the threads that run the app's queries from now on, in order."""
    names: list[str] = []

    def record(reader: Any) -> Any:
        original = reader.rows

        def rows(sql: str, params: Any = None) -> Any:
            names.append(threading.current_thread().name)
            return original(sql, params)

        monkeypatch.setattr(reader, "rows", rows)
        return reader

    reader = record(app.state.reader)
    snapshot = reader.snapshot  # an export reads through a snapshot of its own
    monkeypatch.setattr(reader, "snapshot", lambda: record(snapshot()))
    return names


async def get(app: FastAPI, path: str) -> httpx.Response:
    """The app's answer to GET `path`, served on this thread's event loop."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get(path)


def _example(parameter: dict[str, Any]) -> str:
    return str(parameter["schema"]["examples"][0])


def _reads(app: FastAPI, by_id: bool = False) -> Iterator[str]:
    """A URL for every GET operation of the API but the database file, and but the records by
    id unless `by_id`: each with its required parameters set to their documented examples."""
    details = {route.pattern.pattern.removesuffix("/([^/]+)") for route in FAST_ROUTES}
    for path, methods in app.openapi()["paths"].items():
        if path.rsplit("/", 1)[0] in details and path.endswith("}") and not by_id:
            continue
        if path == "/v1/export/database.sqlite":
            continue
        required = [p for p in methods["get"].get("parameters", []) if p["required"]]
        for parameter in required:
            if parameter["in"] == "path":
                path = path.replace(f"{{{parameter['name']}}}", _example(parameter))
        query = [f"{p['name']}={_example(p)}" for p in required if p["in"] == "query"]
        yield path + ("?" + "&".join(query) if query else "")


def every_read(settings: Settings) -> list[str]:
    """The URLs of `_reads` for the app as served."""
    return list(_reads(create_app(settings)))


def test_every_read_is_listed(settings: Settings) -> None:
    # The routes below are found from the OpenAPI document: a new list is covered by itself.
    exports = [f"/v1/export/{name}.csv" for name in RESOURCE_NAMES]
    assert every_read(settings) == [
        "/v1",
        "/v1/deletions?since=2023-06-16T00:00:00Z",
        "/v1/visits",
        "/v1/visits/2023-06-raisi-cuba/meetings",
        "/v1/visits/2023-06-raisi-cuba/agreements",
        "/v1/visits/2023-06-raisi-cuba/participants",
        *[f"/v1/{name}" for name in RESOURCE_NAMES[1:]],
        "/v1/search?q=biotech",
        *exports,
        "/v1/export/events.ndjson",
        "/healthz",
    ]


@LOOP_BUDGET
def test_every_read_moves_to_a_worker_past_the_budget(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    for path in every_read(settings):
        app = create_app(settings)  # nothing counted yet, nothing remembered
        threads = reading_threads(app, monkeypatch)
        monkeypatch.setattr(offload, "LOOP_BUDGET_S", 0.0)  # spent before the first query
        moved = asyncio.run(get(app, path))
        # Tried on the loop (where a visit's parts first look the visit up by id), stopped
        # before it read, then read by a worker from the start.
        moved_at = next((i for i, name in enumerate(threads) if name != LOOP), 0)
        assert moved_at > 0, path
        assert LOOP not in threads[moved_at:], path
        monkeypatch.setattr(offload, "LOOP_BUDGET_S", 60.0)  # fits: on the loop
        app.state.slow_reads.over_budget.clear()
        threads.clear()
        on_the_loop = asyncio.run(get(app, path))
        assert threads[:1] in ([], [LOOP]), path  # (an export's pages: on a worker, below)
        assert (moved.status_code, moved.content) == (200, on_the_loop.content), path


@LOOP_BUDGET
def test_a_record_by_id_is_read_on_the_loop(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    threads = reading_threads(app, monkeypatch)
    monkeypatch.setattr(offload, "LOOP_BUDGET_S", 0.0)  # no budget to spend: details need none
    for path in ["/v1/visits/2023-06-raisi-cuba", "/v1/participants/ebrahim-raisi"]:
        threads.clear()
        assert asyncio.run(get(app, path)).status_code == 200
        assert set(threads) == {LOOP}, path


# The pages (a kept page the second time), a visit's parts of no visit, and one record by id
# more for each part of the API a record by id is answered by (the fast path, FastAPI).
SERVED = [
    *("/", "/", "/visits", "/visits", "/visits/2023-06-raisi-cuba", "/search?q=havana"),
    *("/participants/ebrahim-raisi", "/participants/ebrahim-raisi", "/countries/CU"),
    *("/v1/visits/missing/meetings", "/v1/visits/missing/participants", "/visits/missing"),
    "/v1/visits/2023-06-raisi-cuba?fields=id",
]


@pytest.mark.postgresql_only(
    reason="a database server is always read off the loop",
    counterpart="tests/api/test_offload.py::test_every_read_moves_to_a_worker_past_the_budget",
)
def test_a_database_server_is_read_on_worker_threads_alone(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads = reading_threads(app, monkeypatch)
    # Every connection taken from the pool (a statement, a transaction, an export's snapshot
    # and its end) is taken on the thread that reads.
    taken: list[str] = []
    monkeypatch.setattr(
        app.state.reader, "on_checkout", lambda: taken.append(threading.current_thread().name)
    )
    monkeypatch.setattr(offload, "LOOP_BUDGET_S", 60.0)  # the budget would let them all in
    paths = [*_reads(app, by_id=True), *SERVED]
    assert len(paths) > len(every_read(app.state.settings)) + len(SERVED)  # records by id too
    for path in paths:
        threads.clear()
        taken.clear()
        status = asyncio.run(get(app, path)).status_code
        assert status == (404 if "missing" in path else 200), path
        assert taken, path
        assert LOOP not in threads + taken, path


@LOOP_BUDGET
def test_a_request_over_the_budget_sends_the_next_like_it_to_a_worker(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads = reading_threads(app, monkeypatch)

    async def run() -> None:
        monkeypatch.setattr(offload, "LOOP_BUDGET_S", 0.0)
        first = await get(app, "/v1/visits?q=havana")
        assert threads[0] == LOOP  # tried on the loop first
        # A budget the worker's run cannot fit in: the request stays remembered.
        monkeypatch.setattr(offload, "LOOP_BUDGET_S", -1.0)
        threads.clear()
        again = await get(app, "/v1/visits?q=havana&limit=2")  # alike: the page size aside
        assert again.json()["items"] == first.json()["items"][:2]
        assert threads
        assert LOOP not in threads  # straight to a worker
        threads.clear()
        await get(app, "/v1/visits?q=raisi")  # other filters: tried on the loop
        assert threads[0] == LOOP

    asyncio.run(run())


@LOOP_BUDGET
def test_a_remembered_request_that_fits_again_goes_back_to_the_loop(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads = reading_threads(app, monkeypatch)

    async def run() -> None:
        monkeypatch.setattr(offload, "LOOP_BUDGET_S", 0.0)
        await get(app, "/v1/meetings?sort=id")  # remembered as over the budget
        monkeypatch.setattr(offload, "LOOP_BUDGET_S", 60.0)
        threads.clear()
        await get(app, "/v1/meetings?sort=id")  # on a worker, where it fits the budget
        assert LOOP not in threads
        threads.clear()
        await get(app, "/v1/meetings?sort=id")
        assert set(threads) == {LOOP}

    asyncio.run(run())


@LOOP_BUDGET
def test_a_cheap_request_never_waits_behind_slow_reads(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every query a worker thread runs waits until the end of the test: the slow reads hold
    # both worker threads, and one more waits for a thread. Records by id, and a list that
    # fits the budget, are answered on the loop meanwhile.
    release = threading.Event()
    reader = app.state.reader
    original = reader.rows

    def rows(sql: str, params: Any = None) -> Any:
        if threading.current_thread().name != LOOP:
            release.wait(STUCK_S)
        return original(sql, params)

    monkeypatch.setattr(reader, "rows", rows)
    slow = ["/v1/visits?q=havana", "/v1/search?q=havana", "/v1/export/visits.csv"]
    limiter = app.state.slow_reads.limiter

    async def run() -> None:
        monkeypatch.setattr(offload, "LOOP_BUDGET_S", 0.0)  # the slow ones leave the loop
        held = [asyncio.create_task(get(app, path)) for path in slow]
        while limiter.statistics().tasks_waiting < 1:  # two reading, the third waiting
            await asyncio.sleep(0.01)
        assert limiter.borrowed_tokens == offload.SLOW_READS == 2
        monkeypatch.setattr(offload, "LOOP_BUDGET_S", 60.0)
        for path in ["/v1/visits/2023-06-raisi-cuba", "/v1/countries/CU", "/v1/topics"]:
            quick = await asyncio.wait_for(get(app, path), STUCK_S)
            assert quick.status_code == 200, path
        assert not any(task.done() for task in held)  # answered while the slow ones waited
        release.set()
        answers = await asyncio.gather(*held)
        assert [answer.status_code for answer in answers] == [200, 200, 200]

    asyncio.run(run())


def test_export_pages_are_read_on_worker_threads(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(offload, "LOOP_BUDGET_S", 60.0)
    monkeypatch.setattr("app.api.routes.export.EXPORT_PAGE", 1)  # a page per record
    threads = reading_threads(app, monkeypatch)
    answer = asyncio.run(get(app, "/v1/export/topics.ndjson"))
    records = answer.content.count(b"\n")
    assert records > 3
    # The probe (its count) on the loop (a server's: on a worker, as every read of it),
    # then every page (and its labels) on a worker.
    assert (threads[0] == LOOP) is app.state.reader.on_the_loop
    assert len([name for name in threads if name != LOOP]) >= records
