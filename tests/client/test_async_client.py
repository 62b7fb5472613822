"""`AsyncDiplomaticVisitsClient` against a scripted API: the sync client's behaviours, awaited."""

import asyncio
import io
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest

from diplomatic_visits_client import (
    AsyncDiplomaticVisitsClient,
    InvalidParameters,
    NotFound,
    RetryPolicy,
    ServiceUnavailable,
    TransportError,
    UnexpectedResponse,
)
from tests.client.fakes import BASE_URL, FakeApi, csv_response, hit, page, problem

pytestmark = pytest.mark.backend_independent(reason="the client, over fakes")

Scenario = Callable[[AsyncDiplomaticVisitsClient], Awaitable[None]]


def run(
    api: FakeApi, scenario: Scenario, slept: list[float] | None = None, **options: object
) -> None:
    """Run `scenario` with a client of `api` whose waits are recorded in `slept`."""

    async def record(seconds: float) -> None:
        if slept is not None:
            slept.append(seconds)

    async def main() -> None:
        options.setdefault("retry", RetryPolicy(jitter=0.0))
        async with AsyncDiplomaticVisitsClient(
            BASE_URL,
            transport=api.transport,
            sleep=record,
            **options,  # type: ignore[arg-type]
        ) as client:
            await scenario(client)

    asyncio.run(main())


def test_iter_walks_every_page() -> None:
    api = FakeApi(page([hit("a")], next_cursor="c2"), page([hit("b")]))
    found: list[str] = []

    async def scenario(client: AsyncDiplomaticVisitsClient) -> None:
        found.extend([h.id async for h in client.iter_search("havana")])

    run(api, scenario)
    assert found == ["a", "b"]
    assert api.params() == {"q": "havana", "cursor": "c2"}


def test_filters_and_a_visits_parts() -> None:
    api = FakeApi(page([]), page([], next_cursor="c2"), page([]))

    async def scenario(client: AsyncDiplomaticVisitsClient) -> None:
        await client.visits.list(visitor_country="IR", date_to="2023-06-30")
        assert await client.visits.agreements("2023-06-raisi-cuba") == []

    run(api, scenario)
    assert api.params(0) == {"visitor_country": "IR", "to": "2023-06-30"}
    assert api.requests[2].url.path == "/v1/visits/2023-06-raisi-cuba/agreements"
    assert api.params(2) == {"cursor": "c2"}


def test_retries_wait_with_the_async_sleep() -> None:
    slept: list[float] = []
    api = FakeApi(
        problem(503, headers={"Retry-After": "3"}),
        httpx.ConnectError("refused"),
        page([hit("a")]),
    )

    async def scenario(client: AsyncDiplomaticVisitsClient) -> None:
        assert (await client.search("x")).total == 1

    run(api, scenario, slept)
    assert slept == [3.0, 1.0]


def test_gives_up_after_the_last_attempt() -> None:
    api = FakeApi(*[problem(503) for _ in range(2)])

    async def scenario(client: AsyncDiplomaticVisitsClient) -> None:
        with pytest.raises(ServiceUnavailable):
            await client.search("x")

    run(api, scenario, retry=RetryPolicy(attempts=2, jitter=0.0))
    assert len(api.requests) == 2


def test_transport_errors() -> None:
    api = FakeApi(httpx.ConnectError("refused"))

    async def scenario(client: AsyncDiplomaticVisitsClient) -> None:
        with pytest.raises(TransportError):
            await client.search("x")

    run(api, scenario, retry=RetryPolicy(attempts=1))


def test_typed_errors() -> None:
    errors = [{"name": "limit", "location": "query", "message": "too large"}]
    api = FakeApi(problem(404, "Not found"), problem(422, "Invalid parameters", errors=errors))

    async def scenario(client: AsyncDiplomaticVisitsClient) -> None:
        with pytest.raises(NotFound):
            await client.tours.get("nope")
        with pytest.raises(InvalidParameters) as raised:
            await client.tours.list(limit=9999)
        assert raised.value.errors[0].name == "limit"

    run(api, scenario)


def test_a_304_returns_the_cached_value() -> None:
    api = FakeApi(page([hit("a")], headers={"ETag": '"1"'}), httpx.Response(304))

    async def scenario(client: AsyncDiplomaticVisitsClient) -> None:
        first = await client.search("x")
        assert await client.search("x") == first

    run(api, scenario)
    assert api.requests[1].headers["If-None-Match"] == '"1"'


def test_download_to_a_path_and_to_a_file(tmp_path: Path) -> None:
    api = FakeApi(csv_response("id\r\na\r\n"), csv_response("id\r\nb\r\n"))
    out = tmp_path / "tours.csv"
    buffer = io.BytesIO()

    async def scenario(client: AsyncDiplomaticVisitsClient) -> None:
        assert await client.tours.download(out, country="NI") == len(b"id\r\na\r\n")
        await client.download("/v1/export/tours.csv", buffer)

    run(api, scenario)
    assert api.requests[0].url.path == "/v1/export/tours.csv"
    assert api.params(0) == {"country": "NI"}
    assert api.params(1) == {}
    assert out.read_bytes() == b"id\r\na\r\n"
    assert buffer.getvalue() == b"id\r\nb\r\n"
    assert list(tmp_path.iterdir()) == [out]


def test_download_of_the_wrong_format_leaves_no_file(tmp_path: Path) -> None:
    api = FakeApi(page([]))

    async def scenario(client: AsyncDiplomaticVisitsClient) -> None:
        with pytest.raises(UnexpectedResponse):
            await client.visits.download(tmp_path / "visits.ndjson", format="ndjson")

    run(api, scenario)
    assert list(tmp_path.iterdir()) == []
