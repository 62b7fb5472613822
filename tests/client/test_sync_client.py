"""`DiplomaticVisitsClient` against a scripted API (`httpx.MockTransport`): one behaviour each."""

import datetime as dt
import io
from pathlib import Path

import httpx
import pytest

from diplomatic_visits_client import (
    ApiError,
    DiplomaticVisitsClient,
    InvalidParameters,
    NotFound,
    RateLimited,
    RetryPolicy,
    ServerError,
    ServiceUnavailable,
    Timeout,
    TransportError,
    UnexpectedResponse,
)
from tests.client.fakes import BASE_URL, FakeApi, csv_response, hit, page, problem


def make_client(
    api: FakeApi, slept: list[float] | None = None, **options: object
) -> DiplomaticVisitsClient:
    """A client of `api` whose waits are recorded in `slept` instead of slept."""
    sleeps = slept if slept is not None else []
    options.setdefault("retry", RetryPolicy(jitter=0.0))
    return DiplomaticVisitsClient(
        BASE_URL,
        transport=api.transport,
        sleep=sleeps.append,
        **options,  # type: ignore[arg-type]
    )


# Requests


def test_filters_become_query_parameters() -> None:
    api = FakeApi(page([]))
    with make_client(api) as client:
        result = client.visits.list(
            host_country="cub",
            date_from=dt.date(2023, 1, 1),
            date_to="2023-12-31",
            updated_since=dt.datetime(2023, 6, 16, tzinfo=dt.UTC),
            facet=["host_country", "year"],
            sort="start_date",
            limit=10,
        )
    assert result.items == []
    request = api.requests[0]
    assert request.url.path == "/v1/visits"
    assert api.params() == {
        "host_country": "cub",
        "from": "2023-01-01",
        "to": "2023-12-31",
        "updated_since": "2023-06-16T00:00:00+00:00",
        "facet": "host_country,year",
        "sort": "start_date",
        "limit": "10",
    }


def test_booleans_are_lower_case() -> None:
    api = FakeApi(page([]))
    with make_client(api) as client:
        client.countries.list(has_visits=True)
    assert api.params() == {"has_visits": "true"}


def test_ids_are_escaped_in_paths() -> None:
    api = FakeApi(problem(404, "Not found"))
    with make_client(api) as client, pytest.raises(NotFound):
        client.visits.get("a/b c")
    assert api.requests[0].url.raw_path == b"/v1/visits/a%2Fb%20c"


def test_headers_base_url_and_user_agent() -> None:
    api = FakeApi(page([]))
    with DiplomaticVisitsClient(
        "http://api.test/prefix", transport=api.transport, headers={"X-Team": "data"}
    ) as client:
        client.topics.list()
    request = api.requests[0]
    assert str(request.url) == "http://api.test/prefix/v1/topics"
    assert request.headers["X-Team"] == "data"
    assert request.headers["Accept"] == "application/json"
    assert request.headers["User-Agent"].startswith("diplomatic-visits-client/")


# Pages


def test_iter_walks_every_page_with_the_same_filters() -> None:
    api = FakeApi(
        page([hit("a"), hit("b")], next_cursor="c2", total=5),
        page([hit("c"), hit("d")], next_cursor="c3", total=5),
        page([hit("e")], total=5),
    )
    with make_client(api) as client:
        ids = [found.id for found in client.iter_search("havana", type="visit", limit=2)]
    assert ids == ["a", "b", "c", "d", "e"]
    assert [api.params(n) for n in range(3)] == [
        {"q": "havana", "type": "visit", "limit": "2"},
        {"q": "havana", "type": "visit", "limit": "2", "cursor": "c2"},
        {"q": "havana", "type": "visit", "limit": "2", "cursor": "c3"},
    ]


def test_iter_is_lazy() -> None:
    api = FakeApi(page([hit("a")], next_cursor="c2"), page([hit("b")]))
    with make_client(api) as client:
        hits = client.iter_search("havana")
        assert api.requests == []
        assert next(hits).id == "a"
        assert len(api.requests) == 1


def test_a_visits_parts_come_from_every_page() -> None:
    api = FakeApi(page([], next_cursor="c2"), page([]))
    with make_client(api) as client:
        assert client.visits.meetings("2023-06-raisi-cuba") == []
    assert [r.url.path for r in api.requests] == ["/v1/visits/2023-06-raisi-cuba/meetings"] * 2
    assert api.params() == {"cursor": "c2"}


# Errors


def test_not_found_carries_the_problem() -> None:
    api = FakeApi(problem(404, "Not found", "No visit has the id 'x'."))
    with make_client(api) as client, pytest.raises(NotFound) as raised:
        client.visits.get("x")
    error = raised.value
    assert error.status == 404
    assert error.problem.title == "Not found"
    assert error.problem.detail == "No visit has the id 'x'."
    assert str(error) == "404 Not found: No visit has the id 'x'."
    assert len(api.requests) == 1  # a 404 is not retried


def test_invalid_parameters_name_each_one() -> None:
    errors = [{"name": "host_country", "location": "query", "message": "unknown country code"}]
    api = FakeApi(problem(422, "Invalid parameters", errors=errors))
    with make_client(api) as client, pytest.raises(InvalidParameters) as raised:
        client.visits.list(host_country="XX")
    assert [(e.name, e.location, e.message) for e in raised.value.errors] == [
        ("host_country", "query", "unknown country code")
    ]


def test_other_server_errors() -> None:
    api = FakeApi(problem(500, "Internal error"))
    with make_client(api) as client, pytest.raises(ServerError) as raised:
        client.search("x")
    assert type(raised.value) is ServerError
    assert len(api.requests) == 1  # a 500 is not retried


def test_an_error_without_problem_details_gets_one() -> None:
    api = FakeApi(httpx.Response(502, text="<html>Bad Gateway</html>"))
    with make_client(api) as client, pytest.raises(ServerError) as raised:
        client.search("x")
    assert raised.value.problem.type == "about:blank"
    assert raised.value.problem.status == 502
    assert raised.value.problem.title == "Bad Gateway"


def test_other_client_errors_are_api_errors() -> None:
    api = FakeApi(problem(406, "Not acceptable"))
    with make_client(api) as client, pytest.raises(ApiError) as raised:
        client.search("x")
    assert type(raised.value) is ApiError
    assert raised.value.status == 406


def test_a_body_of_the_wrong_shape_is_unexpected() -> None:
    api = FakeApi(httpx.Response(200, json={"items": "nope"}))
    with make_client(api) as client, pytest.raises(UnexpectedResponse, match="ItemList"):
        client.search("x")


# Retries


def test_429_is_retried_after_retry_after() -> None:
    slept: list[float] = []
    api = FakeApi(
        problem(429, "Too many requests", headers={"Retry-After": "2"}),
        page([hit("a")]),
    )
    with make_client(api, slept) as client:
        assert [h.id for h in client.search("x").items] == ["a"]
    assert slept == [2.0]
    assert len(api.requests) == 2


def test_backoff_grows_between_attempts_then_gives_up() -> None:
    slept: list[float] = []
    api = FakeApi(*[problem(503, "Database unavailable") for _ in range(4)])
    with make_client(api, slept) as client, pytest.raises(ServiceUnavailable) as raised:
        client.search("x")
    assert slept == [0.5, 1.0, 2.0]
    assert len(api.requests) == 4
    assert raised.value.retry_after is None
    assert raised.value.problem.title == "Database unavailable"


def test_attempts_are_configurable() -> None:
    api = FakeApi(problem(503), problem(503))
    client = make_client(api, retry=RetryPolicy(attempts=2))
    with client, pytest.raises(ServiceUnavailable):
        client.search("x")
    assert len(api.requests) == 2


def test_a_retry_after_too_long_is_raised_at_once() -> None:
    slept: list[float] = []
    api = FakeApi(problem(429, "Too many requests", headers={"Retry-After": "3600"}))
    with make_client(api, slept) as client, pytest.raises(RateLimited) as raised:
        client.search("x")
    assert raised.value.retry_after == 3600.0
    assert slept == []


def test_connection_errors_are_retried() -> None:
    slept: list[float] = []
    api = FakeApi(httpx.ConnectError("refused"), httpx.ReadError("reset"), page([hit("a")]))
    with make_client(api, slept) as client:
        assert client.search("x").total == 1
    assert slept == [0.5, 1.0]


def test_connection_errors_after_the_last_attempt() -> None:
    api = FakeApi(*[httpx.ConnectError("refused") for _ in range(4)])
    with make_client(api) as client, pytest.raises(TransportError) as raised:
        client.search("x")
    assert type(raised.value) is TransportError
    assert "after 4 attempts" in str(raised.value)
    assert isinstance(raised.value.__cause__, httpx.ConnectError)


def test_timeouts_are_timeouts() -> None:
    api = FakeApi(httpx.ReadTimeout("slow"))
    with make_client(api, retry=RetryPolicy(attempts=1)) as client, pytest.raises(Timeout):
        client.search("x")


def test_errors_that_cannot_help_are_not_retried() -> None:
    api = FakeApi(httpx.UnsupportedProtocol("no"))
    with make_client(api) as client, pytest.raises(TransportError):
        client.search("x")
    assert len(api.requests) == 1


# Conditional requests


def test_a_304_returns_the_cached_value() -> None:
    api = FakeApi(
        page([hit("a")], headers={"ETag": '"7-abc"'}),
        httpx.Response(304, headers={"ETag": '"7-abc"'}),
    )
    with make_client(api) as client:
        first = client.search("x")
        second = client.search("x")
    assert "If-None-Match" not in api.requests[0].headers
    assert api.requests[1].headers["If-None-Match"] == '"7-abc"'
    assert second == first
    assert second is not first  # decoded afresh: callers may change what they get


def test_a_changed_resource_replaces_the_cached_one() -> None:
    api = FakeApi(
        page([hit("a")], headers={"ETag": '"7-abc"'}),
        page([hit("b")], headers={"ETag": '"8-def"'}),
        httpx.Response(304),
    )
    with make_client(api) as client:
        client.search("x")
        client.search("x")
        assert [h.id for h in client.search("x").items] == ["b"]
    assert api.requests[2].headers["If-None-Match"] == '"8-def"'


def test_urls_are_cached_apart() -> None:
    api = FakeApi(page([], headers={"ETag": '"1"'}), page([], headers={"ETag": '"2"'}))
    with make_client(api) as client:
        client.search("x")
        client.search("y")
    assert "If-None-Match" not in api.requests[1].headers


def test_caching_can_be_turned_off() -> None:
    api = FakeApi(page([], headers={"ETag": '"1"'}), page([], headers={"ETag": '"1"'}))
    with make_client(api, etag_cache=False) as client:
        client.search("x")
        client.search("x")
        assert client.etag_cache is None
    assert "If-None-Match" not in api.requests[1].headers


# Downloads


def test_download_streams_an_export_to_a_path(tmp_path: Path) -> None:
    api = FakeApi(csv_response("\ufeffid,city\r\n2023-06-raisi-cuba,Havana\r\n"))
    out = tmp_path / "visits.csv"
    with make_client(api) as client:
        written = client.visits.download(out, host_country="CU", date_from="2023-01-01")
    request = api.requests[0]
    assert request.url.path == "/v1/export/visits.csv"
    assert api.params() == {"host_country": "CU", "from": "2023-01-01"}
    assert request.headers["Accept"] == "text/csv"
    assert out.read_bytes().decode("utf-8-sig") == "id,city\r\n2023-06-raisi-cuba,Havana\r\n"
    assert written == out.stat().st_size
    assert list(tmp_path.iterdir()) == [out]


def test_download_ndjson_to_a_file_object() -> None:
    body = b'{"id": "a"}\n{"id": "b"}\n'
    ndjson = {"Content-Type": "application/x-ndjson"}
    api = FakeApi(httpx.Response(200, content=body, headers=ndjson))
    out = io.BytesIO()
    with make_client(api) as client:
        assert client.download("meetings", out, format="ndjson", visit="v") == len(body)
    assert api.requests[0].url.path == "/v1/export/meetings.ndjson"
    assert api.requests[0].headers["Accept"] == "application/x-ndjson"
    assert out.getvalue() == body


def test_download_of_a_paged_list_follows_link_and_keeps_one_header(tmp_path: Path) -> None:
    api = FakeApi(
        csv_response(
            "\ufeffid\r\na\r\n",
            {"Link": f'<{BASE_URL}/v1/visits?limit=1&format=csv&cursor=c2>; rel="next"'},
        ),
        csv_response("\ufeffid\r\nb\r\n"),
    )
    out = tmp_path / "visits.csv"
    with make_client(api) as client:
        client.download("/v1/visits", out, limit=1)
    assert api.params(0) == {"limit": "1", "format": "csv"}
    assert api.params(1) == {"limit": "1", "format": "csv", "cursor": "c2"}
    assert out.read_bytes().decode("utf-8-sig") == "id\r\na\r\nb\r\n"


def test_download_refuses_another_format_and_leaves_no_file(tmp_path: Path) -> None:
    api = FakeApi(page([]))
    out = tmp_path / "visits.csv"
    with make_client(api) as client, pytest.raises(UnexpectedResponse, match="not text/csv"):
        client.visits.download(out)
    assert list(tmp_path.iterdir()) == []


def test_download_errors_are_typed_and_retried(tmp_path: Path) -> None:
    slept: list[float] = []
    errors = [{"name": "q", "location": "query", "message": "nothing to search for"}]
    api = FakeApi(
        problem(503, headers={"Retry-After": "1"}),
        problem(422, "Invalid parameters", errors=errors),
    )
    with make_client(api, slept) as client, pytest.raises(InvalidParameters):
        client.visits.download(tmp_path / "visits.csv", q="...")
    assert slept == [1.0]
    assert list(tmp_path.iterdir()) == []


def test_download_format_is_checked() -> None:
    with make_client(FakeApi()) as client, pytest.raises(ValueError, match="format"):
        client.download("visits", io.BytesIO(), format="xlsx")  # type: ignore[arg-type]


def test_a_corrupt_database_download_leaves_nothing(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, content=b"SQLite format 3\x00", headers={"X-Checksum-SHA256": "0" * 64}
        )

    with (
        DiplomaticVisitsClient("http://api.test", transport=httpx.MockTransport(handler)) as client,
        pytest.raises(UnexpectedResponse, match="corrupt"),
    ):
        client.download_database(tmp_path / "visits.sqlite3")
    assert list(tmp_path.iterdir()) == []
