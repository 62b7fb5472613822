"""The pages are on the fast path (app/api/fast_path.py) and answer there exactly as their
FastAPI routes do: status, headers and bytes, errors as pages included."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.middleware import Middleware

from app.api.fast_path import FastPath
from app.api.main import FAST_ROUTES
from app.config import Settings
from app.main import create_app
from app.pages import routes
from tests.pages.support import BROWSER
from tests.support import assert_answered_alike, replace_middleware

PAGES = [
    "/",
    "/visits",
    "/visits?host_country=CU&sort=-start_date&limit=1",
    "/visits?q=havana&kind=",
    "/meetings?participant=ebrahim-raisi",
    "/countries?q=cuba",
    "/search",
    "/search?q=havana",
    "/search?q=havana&type=visit&limit=1",
    "/visits/2023-06-raisi-cuba",
    "/meetings/2023-06-15-havana-signing-ceremony",
    "/agreements/2023-06-15-iran-cuba-cooperation-documents",
    "/participants/ebrahim-raisi",
    "/tours/2023-06-raisi-latin-america",
    "/countries/CU",
    "/countries/cub",
    "/sources/tdi-2023-06-16-raisi-havana",
]
ERRORS = [
    "/?x=1",  # 422: the home page takes no parameter
    "/visits?limit=0",
    "/visits?sort=nothing&host_country=CU",
    "/visits?cursor=not-a-cursor",
    "/search?q=%20",
    "/search?q=havana&q=cuba",
    "/visits/no-such-visit",  # 404
    "/countries/XX",
    "/visits/2023-06-raisi-cuba?format=json",  # a record page takes no parameter
    "/visits/" + "x" * 201,  # over the id's length limit
    "/visits/2023-06-raisi-cuba/",
    "/visits?format=csv&host_country=CU",  # 307 to the API
]


def without_fast_path(app: FastAPI) -> FastAPI:
    """`app` with an empty table: every request goes to FastAPI's routes."""
    return replace_middleware(app, {FastPath: Middleware(FastPath, [], app.state.problems)})


@pytest.fixture(scope="module")
def clients(settings: Settings) -> Iterator[tuple[TestClient, TestClient]]:
    """A client of the app as served, and one of the same app without the fast path."""
    with (
        TestClient(create_app(settings), follow_redirects=False) as served,
        TestClient(without_fast_path(create_app(settings)), follow_redirects=False) as routed,
    ):
        yield served, routed


def routed_by_fastapi(client: TestClient, path: str) -> bool:
    """Whether FastAPI's router handled the request (its routing sets the scope's endpoint)."""
    app = client.app
    seen: list[dict[str, Any]] = []

    async def spy(scope: Any, receive: Any, send: Any) -> None:
        await app(scope, receive, send)
        seen.append(scope)

    with TestClient(spy, follow_redirects=False) as spying:  # type: ignore[arg-type]
        spying.get(path, headers=BROWSER)
    return "endpoint" in seen[0]


def test_every_page_has_a_row_after_the_apis() -> None:
    assert [route.pattern.pattern for route in routes.FAST_ROUTES] == [
        "/",
        *(
            pattern
            for name in ("visits", "meetings", "agreements", "participants", "tours")
            for pattern in (f"/{name}", f"/{name}/([^/]+)")
        ),
        "/countries",
        "/countries/([^/]+)",
        "/sources",
        "/sources/([^/]+)",
        "/search",
    ]
    assert [route.max_length for route in routes.FAST_ROUTES] == [0] + [0, 200] * 7 + [0]
    assert not {r.pattern.pattern for r in FAST_ROUTES} & {
        r.pattern.pattern for r in routes.FAST_ROUTES
    }


def test_the_fast_path_answers_every_page(clients: Any) -> None:
    served, _ = clients
    for path in PAGES:
        assert served.get(path, headers=BROWSER).status_code == 200, path
        assert not routed_by_fastapi(served, path), path


def test_what_the_fast_path_does_not_take_goes_on_to_fastapi(clients: Any) -> None:
    served, _ = clients
    assert routed_by_fastapi(served, "/visits/2023-06-raisi-cuba?format=json")
    assert routed_by_fastapi(served, "/visits/" + "x" * 201)


def _requests() -> Iterator[tuple[str, str, dict[str, str]]]:
    for path in PAGES:
        yield "GET", path, BROWSER
        yield "HEAD", path, BROWSER
        yield "GET", path, {**BROWSER, "Accept-Encoding": "gzip"}
        yield "GET", path, {}  # no Accept: a page all the same
    for path in ERRORS:
        yield "GET", path, BROWSER
        yield "GET", path, {"Accept": "application/json"}  # problem JSON


@pytest.mark.parametrize(("method", "path", "headers"), list(_requests()))
def test_the_fast_path_answers_as_the_route_does(
    clients: Any, method: str, path: str, headers: dict[str, str]
) -> None:
    assert_answered_alike(*clients, method, path, headers)
