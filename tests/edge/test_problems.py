"""Every error answer is built by `Problems`: problem JSON for API clients, and the installed
page renderer's HTML for a browser, on every path that answers errors."""

from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from starlette.responses import HTMLResponse, Response
from starlette.types import Scope

from app.config import Settings
from app.edge.problems import MAX_PATH_SHOWN, Problems, noted_problem
from app.errors import ApiError, invalid_parameter
from app.main import create_app
from tests.support import raw_get

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RATE_LIMITED = ApiError(
    429, "rate-limited", "Too many requests", "Slow down.", headers={"Retry-After": "7"}
)


def page(problem: dict[str, Any], scope: Scope) -> Response:
    """A small page renderer: the problem's title and its parameters' names."""
    names = " ".join(error["name"] for error in problem["errors"])
    body = f"<h1>{problem['title']}</h1><p>{names}</p><p>{scope['path']}</p>"
    return HTMLResponse(body, status_code=problem["status"])


def scope(path: str = "/v1/visits", accept: str | None = None) -> Scope:
    headers = [] if accept is None else [(b"accept", accept.encode())]
    return {"type": "http", "method": "GET", "path": path, "headers": headers}


def test_without_a_renderer_every_client_gets_problem_json() -> None:
    for accept in (None, BROWSER, "application/json"):
        answer = Problems().response(RATE_LIMITED, scope(accept=accept))
        assert answer.status_code == 429
        assert answer.media_type == "application/problem+json"
        assert orjson.loads(answer.body) == {
            "type": "https://diplomatic-visits.example/problems/rate-limited",
            "title": "Too many requests",
            "status": 429,
            "detail": "Slow down.",
            "instance": "/v1/visits",
            "errors": [],
        }
        assert answer.headers["retry-after"] == "7"
        assert "vary" not in answer.headers  # one answer for every Accept


def test_a_browser_gets_the_page_with_the_error_s_status_and_headers() -> None:
    problems = Problems(page)
    error = invalid_parameter("limit", "too large")
    answer = problems.response(error, scope(accept=BROWSER))
    assert answer.status_code == 422
    assert answer.body == b"<h1>Invalid parameters</h1><p>limit</p><p>/v1/visits</p>"
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert answer.headers["vary"] == "Accept"
    limited = problems.response(RATE_LIMITED, scope(accept=BROWSER))
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "7")


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "*/*",
        "application/json",
        "application/problem+json",
        "text/html;q=0.5, application/json",
        "text/html, application/json",  # alike: an API client
        "text/csv",
    ],
)
def test_an_api_client_gets_problem_json_even_with_a_renderer(accept: str | None) -> None:
    answer = Problems(page).response(RATE_LIMITED, scope(accept=accept))
    assert answer.media_type == "application/problem+json"
    assert orjson.loads(answer.body)["status"] == 429
    assert answer.headers["vary"] == "Accept"  # the page is the other answer


def test_the_path_shown_is_cut_and_the_problem_noted_for_the_access_log() -> None:
    long = "/v1/visits/" + "x" * 1000
    where = scope(long)
    answer = Problems().response(RATE_LIMITED, where)
    assert orjson.loads(answer.body)["instance"] == long[:MAX_PATH_SHOWN]
    assert noted_problem(where) == "rate-limited"
    assert noted_problem(scope()) is None


@pytest.fixture(scope="module")
def browser(settings: Settings) -> TestClient:
    """A browser's client of the app built with the page renderer."""
    client = TestClient(create_app(settings, problem_page=page), raise_server_exceptions=False)
    client.headers["Accept"] = BROWSER
    return client


@pytest.mark.parametrize(
    ("path", "status", "body"),
    [
        ("/v1/nothing-here", 404, b"<h1>Not found</h1><p></p><p>/v1/nothing-here</p>"),
        ("/v1/visits?limit=0", 422, b"<h1>Invalid parameters</h1><p>limit</p><p>/v1/visits</p>"),
        (  # the fast path to details
            "/v1/visits/no-such-visit",
            404,
            b"<h1>Not found</h1><p></p><p>/v1/visits/no-such-visit</p>",
        ),
    ],
)
def test_the_app_answers_a_browser_s_errors_with_pages(
    browser: TestClient, path: str, status: int, body: bytes
) -> None:
    answer = browser.get(path)
    assert (answer.status_code, answer.content) == (status, body)
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    api = browser.get(path, headers={"Accept": "application/json"})
    assert api.status_code == status
    assert api.headers["content-type"] == "application/problem+json"
    assert api.headers["vary"] == "Accept, Origin"  # CORS adds its own


def test_the_edge_answers_a_browser_with_a_page_too(browser: TestClient) -> None:
    # Refused before any route: raw bytes in the query string.
    status, headers, body = raw_get(
        browser.app, b"/v1/visits", b"q=caf\xe9", [(b"accept", BROWSER.encode())]
    )
    assert (status, body) == (400, b"<h1>Bad request target</h1><p></p><p>/v1/visits</p>")
    assert headers["content-type"] == "text/html; charset=utf-8"
