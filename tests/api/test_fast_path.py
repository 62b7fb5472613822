"""The fast path to lists and details answers exactly as the FastAPI route would, or not at
all."""

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.middleware import Middleware

from app.api.deps import get_reader
from app.api.fast_path import FastPath, routes
from app.api.main import FAST_ROUTES, RESOURCES
from app.config import Settings
from app.main import create_app
from tests.support import assert_answered_alike, replace_middleware

DETAILS = [
    "/v1/visits/2023-06-raisi-cuba",
    "/v1/meetings/2023-06-15-havana-signing-ceremony",
    "/v1/agreements/2023-06-15-iran-cuba-cooperation-documents",
    "/v1/participants/ebrahim-raisi",
    "/v1/tours/2023-06-raisi-latin-america",
    "/v1/countries/CU",
    "/v1/claims/participant:cuba-foreign-minister-2023:name:02f6565b5e",
    "/v1/sources/tdi-2023-06-16-raisi-havana",
]


def without_fast_path(app: FastAPI) -> FastAPI:
    """`app` with an empty table: every request goes to FastAPI's routes."""
    return replace_middleware(app, {FastPath: Middleware(FastPath, [], app.state.problems)})


@pytest.fixture(scope="module")
def clients(settings: Settings) -> Iterator[tuple[TestClient, TestClient]]:
    """A client of the app as served, and one of the same app without the fast path."""
    with (
        TestClient(create_app(settings)) as served,
        TestClient(without_fast_path(create_app(settings))) as routed,
    ):
        yield served, routed


def routed_by_fastapi(client: TestClient, path: str, **options: Any) -> bool:
    """Whether FastAPI's router handled the request (its routing sets the scope's endpoint)."""
    app = client.app
    seen: list[dict[str, Any]] = []

    async def spy(scope: Any, receive: Any, send: Any) -> None:
        await app(scope, receive, send)
        seen.append(scope)

    with TestClient(spy) as spying:  # type: ignore[arg-type]
        spying.get(path, **options)
    return "endpoint" in seen[0]


LISTS = [
    "/v1/visits",
    "/v1/visits?country=CU&sort=-start_date&limit=1",
    "/v1/visits?q=havana&facet=topic",
    "/v1/meetings?participant=ebrahim-raisi",
    "/v1/agreements?sort=-signed_on&format=csv",
    "/v1/participants?country=IR&sort=-name",
    "/v1/tours?limit=1",
    "/v1/countries?q=cuba",
    "/v1/topics",
    "/v1/sources?kind=news_article&format=ndjson",
    "/v1/visits?country=CU&country=IR",
    "/v1/meetings?host_country=CU,NI&host_country=ve&facet=kind&limit=2",
    "/v1/agreements?status=signed,agreed&kind=cooperation_document&format=csv",
    "/v1/statements?kind=direct_quote,paraphrase&speaker=raul-castro&speaker=ebrahim-raisi",
    "/v1/citations?record_type=agreement,meeting&facet=kind&limit=3",
    "/v1/visits?fields=id,start_date",
    "/v1/visits?fields=city&fields=visitor,id&format=csv",
    "/v1/meetings?fields=id,date&format=ndjson",
]
# `fields=` on a record by id (and its errors): the fast path parses it as the route does.
SPARSE_DETAILS = [
    "/v1/visits/2023-06-raisi-cuba?fields=id,meetings",
    "/v1/countries/CU?fields=name,code",
    "/v1/visits/2023-06-raisi-cuba?fields=nope",
    "/v1/visits/no-such-visit?fields=id",
]
# Bad parameters: each is a 422 problem naming it, on both paths.
BAD_LISTS = [
    "/v1/visits?limit=0",
    "/v1/visits?sort=nothing",
    "/v1/visits?country=CU,XX",
    "/v1/visits?sort=id&sort=-id",
    "/v1/visits?q=cuba&q=havana",
    "/v1/visits?unknown=1",
    "/v1/visits?cursor=not-a-cursor",
    "/v1/visits?q=%20",
    "/v1/meetings?from=2023-13-01",
    "/v1/visits?fields=nope",
    "/v1/visits?fields=",
    "/v1/agreements?fields=id,meetings&format=csv",
]


def test_the_table_has_a_row_for_each_list_the_search_and_each_resource_with_a_detail() -> None:
    lists = [resource.path for resource in RESOURCES]
    assert [route.pattern.pattern for route in FAST_ROUTES] == [
        *lists,
        "/v1/search",
        "/v1/visits/([^/]+)",
        "/v1/meetings/([^/]+)",
        "/v1/agreements/([^/]+)",
        "/v1/participants/([^/]+)",
        "/v1/tours/([^/]+)",
        "/v1/countries/([^/]+)",
        "/v1/sources/([^/]+)",
        "/v1/claims/([^/]+)",
        "/v1/statements/([^/]+)",
        "/v1/citations/([^/]+)",
    ]
    assert [route.max_length for route in FAST_ROUTES] == [0] * (len(lists) + 1) + [
        200,
        200,
        200,
        200,
        200,
        3,
        200,
        200,
        200,
        200,
    ]
    topics = next(resource for resource in RESOURCES if resource.name == "topics")
    assert [route.pattern.pattern for route in routes([topics])] == ["/v1/topics"]


def test_the_fast_path_answers_every_detail(clients: Any) -> None:
    served, _ = clients
    for path in DETAILS:
        assert served.get(path).status_code == 200, path
        assert not routed_by_fastapi(served, path), path


def test_the_fast_path_answers_every_list(clients: Any) -> None:
    served, _ = clients
    for path in LISTS:
        assert served.get(path).status_code == 200, path
        assert not routed_by_fastapi(served, path), path


# The search on the fast path: pages, a type, a cursor that is not one, and what it refuses.
SEARCHES = (
    "/v1/search?q=havana",
    "/v1/search?q=talks&type=meeting&limit=1",
    "/v1/search?q=talks&cursor=nonsense",
    "/v1/search?q=%21%21",
    "/v1/search",
    "/v1/search?q=talks&limit=0&type=planet",
)


def _requests() -> Iterator[tuple[str, str, dict[str, str]]]:
    for path in LISTS:
        yield "GET", path, {}
        yield "HEAD", path, {}
        yield "GET", path, {"Accept-Encoding": "gzip"}
        yield "GET", path, {"Accept": "text/csv"}
        yield "GET", path, {"Accept": "image/png"}  # 406
    for path in BAD_LISTS:
        yield "GET", path, {}
    for path in SEARCHES:
        yield "GET", path, {}
        yield "GET", path, {"Accept-Encoding": "gzip"}
        yield "GET", path, {"Accept": "text/csv"}
    for path in SPARSE_DETAILS:
        yield "GET", path, {}
        yield "GET", path, {"Accept-Encoding": "gzip"}
    for path in DETAILS:
        yield "GET", path, {}
        yield "HEAD", path, {}
        yield "GET", path, {"Accept-Encoding": "gzip"}
        yield "GET", path, {"Accept-Encoding": "identity"}
        yield "GET", path, {"Accept": "text/csv"}  # 406
        yield "GET", path, {"Accept": "application/*;q=0.5, text/html"}
        yield "GET", path + "?format=json", {}  # 422: a detail takes `fields` alone
        yield "GET", path + "/", {}
        yield "GET", path + "x" * 200, {}  # over the id's length limit: 422
        yield "GET", path.rsplit("/", 1)[0] + "/no-such-record", {}  # 404
        yield "GET", path.rsplit("/", 1)[0] + "/caf%C3%A9%20x", {}


@pytest.mark.parametrize(("method", "path", "headers"), list(_requests()))
def test_the_fast_path_answers_as_the_route_does(
    clients: Any, method: str, path: str, headers: dict[str, str]
) -> None:
    assert_answered_alike(*clients, method, path, headers)


def test_errors_are_the_problems_the_route_would_answer(clients: Any) -> None:
    served, _ = clients
    missing = "/v1/visits/no-such-visit"
    assert not routed_by_fastapi(served, missing)
    assert served.get(missing).json()["detail"] == "No visit has the id 'no-such-visit'."
    csv = {"headers": {"Accept": "text/csv"}}
    assert not routed_by_fastapi(served, "/v1/visits/2023-06-raisi-cuba", **csv)
    assert served.get("/v1/visits/2023-06-raisi-cuba", **csv).status_code == 406


def test_a_database_error_is_the_same_problem_on_both_paths(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = []
    for app in (create_app(settings), without_fast_path(create_app(settings))):

        def broken(sql: str, params: Any = None) -> Any:
            raise sqlite3.OperationalError("disk I/O error")

        monkeypatch.setattr(app.state.reader, "rows", broken)
        with TestClient(app) as client:
            answer = client.get("/v1/meetings/2023-06-15-havana-signing-ceremony")
            answers.append((answer.status_code, answer.headers["retry-after"], answer.json()))
    assert answers[0] == answers[1]
    assert answers[0][:2] == (503, "5")
    assert answers[0][2]["type"].endswith("/database-unavailable")


def test_the_fast_path_answers_fields_on_a_record_and_its_errors(clients: Any) -> None:
    served, _ = clients
    for path, status in zip(SPARSE_DETAILS, (200, 200, 422, 404), strict=True):
        assert served.get(path).status_code == status, path
        assert not routed_by_fastapi(served, path), path
    assert not routed_by_fastapi(served, "/v1/visits/2023-06-raisi-cuba?format=json")


def test_what_the_fast_path_does_not_take_goes_on_to_fastapi(clients: Any) -> None:
    served, _ = clients
    assert routed_by_fastapi(served, "/v1/visits/" + "x" * 201)
    assert routed_by_fastapi(served, "/v1/visits/2023-06-raisi-cuba/meetings")
    assert not routed_by_fastapi(served, "/v1/search?q=havana")
    assert not routed_by_fastapi(served, "/v1/visits?country=CU")
    assert served.get("/v1/topics/energy").json()["detail"] == "No resource at /v1/topics/energy."
    assert not routed_by_fastapi(served, "/v1/visits/2023-06-raisi-cuba")


def test_overridden_dependencies_turn_the_fast_path_off(settings: Settings) -> None:
    app = create_app(settings)
    with TestClient(app) as client:
        assert not routed_by_fastapi(client, "/v1/visits/2023-06-raisi-cuba")
        app.dependency_overrides[get_reader] = lambda: app.state.reader
        assert routed_by_fastapi(client, "/v1/visits/2023-06-raisi-cuba")
