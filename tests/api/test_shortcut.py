"""The shortcut to detail handlers answers exactly as FastAPI's routing would, or not at all."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from app.api.deps import get_reader
from app.api.routes import meetings, tours, visits
from app.api.shortcut import Shortcut, detail_routes
from app.config import Settings
from app.main import create_app

DETAILS = [
    "/v1/visits/2023-06-raisi-cuba",
    "/v1/meetings/2023-06-15-havana-signing-ceremony",
    "/v1/agreements/2023-06-15-iran-cuba-cooperation-documents",
    "/v1/participants/ebrahim-raisi",
    "/v1/tours/2023-06-raisi-latin-america",
    "/v1/countries/CU",
    "/v1/sources/tdi-2023-06-16-raisi-havana",
]


def _without_shortcut(app: FastAPI) -> FastAPI:
    for middleware in app.user_middleware:
        if middleware.cls is Shortcut:
            middleware.kwargs["routes"] = []
    return app


@pytest.fixture(scope="module")
def clients(settings: Settings) -> Iterator[tuple[TestClient, TestClient]]:
    """A client of the app as served, and one of the same app without the shortcut."""
    with (
        TestClient(create_app(settings)) as served,
        TestClient(_without_shortcut(create_app(settings))) as routed,
    ):
        yield served, routed


def _routed_by_fastapi(client: TestClient, path: str, **options: Any) -> bool:
    """Whether FastAPI's router handled the request (it sets the scope's endpoint)."""
    app = client.app
    seen: list[dict[str, Any]] = []

    async def spy(scope: Any, receive: Any, send: Any) -> None:
        await app(scope, receive, send)
        seen.append(scope)

    with TestClient(spy) as spying:  # type: ignore[arg-type]
        spying.get(path, **options)
    return "endpoint" in seen[0]


def test_the_shortcut_answers_for_every_detail_route(clients: Any) -> None:
    served, _ = clients
    paths = sorted(route.path.pattern for route in detail_routes(served.app))
    assert paths == sorted(
        f"^/v1/{resource}/(?P<{parameter}>[^/]+)$"
        for resource, parameter in [
            ("visits", "visit_id"),
            ("meetings", "meeting_id"),
            ("agreements", "agreement_id"),
            ("participants", "participant_id"),
            ("tours", "tour_id"),
            ("countries", "code"),
            ("sources", "source_id"),
        ]
    )
    for path in DETAILS:
        assert served.get(path).status_code == 200, path
        assert not _routed_by_fastapi(served, path), path


def _requests() -> Iterator[tuple[str, str, dict[str, str]]]:
    for path in DETAILS:
        yield "GET", path, {}
        yield "HEAD", path, {}
        yield "GET", path, {"Accept-Encoding": "gzip"}
        yield "GET", path, {"Accept-Encoding": "identity"}
        yield "GET", path, {"Accept": "text/csv"}  # 406
        yield "GET", path, {"Accept": "application/*;q=0.5, text/html"}
        yield "GET", path + "?format=json", {}  # 422: a detail takes no parameters
        yield "GET", path + "/", {}
        yield "GET", path + "x" * 200, {}  # over the id's length limit: 422
        yield "GET", path.rsplit("/", 1)[0] + "/no-such-record", {}  # 404
        yield "GET", path.rsplit("/", 1)[0] + "/caf%C3%A9%20x", {}


@pytest.mark.parametrize(("method", "path", "headers"), list(_requests()))
def test_the_shortcut_answers_as_the_route_does(
    clients: Any, method: str, path: str, headers: dict[str, str]
) -> None:
    served, routed = clients
    mine = served.request(method, path, headers=headers)
    theirs = routed.request(method, path, headers=headers)
    assert (mine.status_code, mine.content) == (theirs.status_code, theirs.content)
    ignored = {"x-request-id"}
    assert {k: v for k, v in mine.headers.items() if k not in ignored} == {
        k: v for k, v in theirs.headers.items() if k not in ignored
    }
    if mine.status_code == 200:
        again = served.get(path, headers={**headers, "If-None-Match": mine.headers["etag"]})
        assert again.status_code == 304
        assert again.headers["etag"] == mine.headers["etag"]


def test_errors_are_answered_by_the_app_s_own_handlers(clients: Any) -> None:
    # Not run a second time by FastAPI: the handler FastAPI would have used answers.
    served, _ = clients
    missing = "/v1/visits/no-such-visit"
    assert not _routed_by_fastapi(served, missing)
    assert served.get(missing).json()["detail"] == "No visit has the id 'no-such-visit'."
    csv = {"headers": {"Accept": "text/csv"}}
    assert not _routed_by_fastapi(served, "/v1/visits/2023-06-raisi-cuba", **csv)


def test_what_the_shortcut_does_not_take_goes_on_to_fastapi(clients: Any) -> None:
    served, _ = clients
    assert _routed_by_fastapi(served, "/v1/visits/2023-06-raisi-cuba?format=json")
    assert _routed_by_fastapi(served, "/v1/visits/" + "x" * 201)
    assert _routed_by_fastapi(served, "/v1/visits")
    assert _routed_by_fastapi(served, "/v1/visits/2023-06-raisi-cuba/meetings")
    assert not _routed_by_fastapi(served, "/v1/visits/2023-06-raisi-cuba")


def test_overridden_dependencies_turn_the_shortcut_off(settings: Settings) -> None:
    app = create_app(settings)
    with TestClient(app) as client:
        assert not _routed_by_fastapi(client, "/v1/visits/2023-06-raisi-cuba")
        app.dependency_overrides[get_reader] = lambda: app.state.reader
        assert _routed_by_fastapi(client, "/v1/visits/2023-06-raisi-cuba")


def test_routers_included_with_a_prefix_or_dependencies_are_left_out(
    settings: Settings,
) -> None:
    app = FastAPI()
    app.include_router(visits.router, prefix="/api")
    app.include_router(meetings.router, dependencies=[Depends(get_reader)])
    app.include_router(tours.router)
    assert [route.path.pattern for route in detail_routes(app)] == [
        "^/v1/tours/(?P<tour_id>[^/]+)$"
    ]
