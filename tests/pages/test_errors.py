"""Errors: pages for browsers, problem JSON for API clients, decided by Accept."""

import anyio
import pytest
from fastapi.testclient import TestClient
from starlette.types import Scope

from app.config import Settings
from app.edge.headers import prefers_html
from app.main import create_app
from app.pages.render import PAGE_POLICY
from tests.pages.support import BROWSER, Document, read
from tests.support import raw_get


def scope(accept: str | None) -> Scope:
    headers = [] if accept is None else [(b"accept", accept.encode())]
    return {"type": "http", "headers": headers}


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        (BROWSER["Accept"], True),
        ("text/html", True),
        ("application/*;q=0.5, text/html", True),
        ("text/html;q=0.5, application/json", False),
        ("application/json", False),
        ("application/problem+json", False),
        ("*/*", False),
        ("", False),
        (None, False),
        ("text/csv", False),
    ],
)
def test_html_when_accept_puts_it_first(accept: str | None, html: bool) -> None:
    assert prefers_html(scope(accept)) is html


def test_a_bad_parameter_is_named_beside_its_control_in_the_form(client: TestClient) -> None:
    response = client.get("/agreements?status=lost&limit=0&q=mou", headers=BROWSER)
    assert response.status_code == 422
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    document = read(response.text)
    assert document.headings[0] == (1, "Invalid parameters")
    assert "status (query): 'lost': Input should be 'signed' or 'agreed'" in document.text
    assert "limit (query): Input should be greater than or equal to 1" in document.text
    status = document.having("select", name="status")[0]
    assert status["aria-invalid"] == "true"
    assert status["aria-describedby"] == "h-status e-status"
    assert document.having("input", name="limit")[0]["value"] == "0"
    assert document.having("input", name="q")[0]["value"] == "mou"
    assert "aria-invalid" not in document.having("input", name="q")[0]


def test_an_unknown_parameter_is_named(client: TestClient) -> None:
    response = client.get("/visits?hots_country=CU", headers=BROWSER)
    assert response.status_code == 422
    assert "hots_country (query): unknown parameter" in read(response.text).text


def test_api_clients_still_get_problem_json(client: TestClient) -> None:
    for path in ("/visits?limit=0", "/visits/none-such", "/v1/visits/none-such", "/nowhere"):
        response = client.get(path)
        assert response.headers["content-type"] == "application/problem+json", path
    assert client.get("/visits/none-such").json()["detail"] == "No visit has the id 'none-such'."


def test_a_browser_gets_a_page_for_any_missing_address(client: TestClient) -> None:
    for path in ("/nowhere", "/v1/visits/none-such"):
        response = client.get(path, headers=BROWSER)
        assert response.status_code == 404
        document = read(response.text)
        assert document.headings[0] == (1, "Not found")
        assert document.link_texts["/"] == "Start again from the home page"


def test_a_record_page_takes_no_parameters(client: TestClient) -> None:
    response = client.get("/visits/2023-06-raisi-cuba?x=1", headers=BROWSER)
    assert response.status_code == 422
    assert "x (query): unknown parameter" in read(response.text).text


def edge_page(status: int, headers: dict[str, str], body: bytes, title: str) -> Document:
    """The page for a problem the HTTP edge answered: its status, the page's headers, its
    title as the heading."""
    assert headers["content-type"] == "text/html; charset=utf-8", body[:200]
    assert headers["content-security-policy"] == PAGE_POLICY
    assert "Accept" in headers["vary"]
    document = read(body.decode())
    assert document.headings[0] == (1, title)
    assert document.link_texts["/"] == "Start again from the home page"
    return document


@pytest.mark.parametrize("path", [b"/visits", b"/v1/visits", b"/nowhere"])
def test_a_request_target_with_raw_bytes_is_a_400_page(client: TestClient, path: bytes) -> None:
    accept = [(b"accept", BROWSER["Accept"].encode())]
    status, headers, body = raw_get(client.app, path, b"q=caf\xe9", accept)
    assert status == 400
    document = edge_page(status, headers, body, "Bad request target")
    assert "percent-encode them (UTF-8)" in document.text
    status, headers, body = raw_get(client.app, path, b"q=caf\xe9")
    assert (status, headers["content-type"]) == (400, "application/problem+json")


def test_headers_over_16_kib_are_a_431_page(client: TestClient) -> None:
    big = {"X-Padding": "x" * (16 * 1024)}
    response = client.get("/visits", headers={**BROWSER, **big})
    assert response.status_code == 431
    document = edge_page(431, dict(response.headers), response.content, "Request headers too large")
    assert "more than 16,384 bytes" in document.text
    assert client.get("/visits", headers=big).headers["content-type"] == "application/problem+json"


def test_past_the_rate_limit_is_a_429_page(settings: Settings) -> None:
    limited = settings.model_copy(update={"rate_limit": "2/minute"})
    with TestClient(create_app(limited)) as fresh:
        assert fresh.get("/visits", headers=BROWSER).status_code == 200
        assert fresh.get("/v1/visits").status_code == 200
        response = fresh.get("/visits", headers=BROWSER)
        api = fresh.get("/v1/visits")
    assert response.status_code == 429
    document = edge_page(429, dict(response.headers), response.content, "Too many requests")
    assert "more requests than its limit of 2; retry after" in document.text
    assert int(response.headers["retry-after"]) > 0
    assert response.headers["ratelimit-limit"] == "2"
    assert (api.status_code, api.headers["content-type"]) == (429, "application/problem+json")


def test_a_request_past_its_time_limit_is_a_503_page(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"request_time_limit_ms": 100}))

    @app.get("/slow")
    async def slow() -> dict[str, bool]:
        await anyio.sleep(5)
        return {"done": True}

    with TestClient(app) as fresh:
        response = fresh.get("/slow", headers=BROWSER)
        api = fresh.get("/slow")
    assert response.status_code == 503
    document = edge_page(503, dict(response.headers), response.content, "Request took too long")
    assert "not ready within the time limit" in document.text
    assert response.headers["retry-after"] == "5"
    assert (api.status_code, api.headers["content-type"]) == (503, "application/problem+json")


@pytest.mark.parametrize("name", ["get", "items", "values", "keys", "id"])
def test_a_parameter_named_as_a_dict_method_is_named_not_called(
    client: TestClient, name: str
) -> None:
    # Templates read a dict's keys as attributes; the form's values are a dict of what was sent.
    response = client.get(f"/visits?{name}=1", headers=BROWSER)
    assert response.status_code == 422
    assert f"{name} (query): unknown parameter" in read(response.text).text
