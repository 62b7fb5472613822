"""Errors: pages for browsers, problem JSON for API clients, decided by Accept."""

import pytest
from fastapi.testclient import TestClient
from starlette.types import Scope

from app.edge.headers import prefers_html
from tests.pages.support import BROWSER, read


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
    assert "status (query): Input should be 'signed' or 'agreed'" in document.text
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
