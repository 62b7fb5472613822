"""Pages answer as the API does: ETag and 304, Cache-Control, gzip; under a strict policy."""

import pytest
from fastapi.testclient import TestClient

from app.pages.render import PAGE_POLICY, STYLESHEET
from tests.pages.support import BROWSER, read

PAGES = [
    "/",
    "/visits?host_country=CU",
    "/visits/2023-06-raisi-cuba",
    "/participants/ebrahim-raisi",
    "/countries/IR",
    "/search?q=havana",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_revalidate_with_their_etag(client: TestClient, path: str) -> None:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=60"
    assert response.headers["vary"] == "Accept, Accept-Encoding, Origin"  # as the API
    again = client.get(path, headers={**BROWSER, "If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == response.headers["etag"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_gzipped_for_browsers_that_take_it(client: TestClient, path: str) -> None:
    response = client.get(path, headers={**BROWSER, "Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    plain = client.get(path, headers={**BROWSER, "Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert response.text == plain.text  # httpx decompressed it


@pytest.mark.parametrize("path", PAGES)
def test_pages_load_nothing_but_the_stylesheet(client: TestClient, path: str) -> None:
    response = client.get(path, headers=BROWSER)
    assert response.headers["content-security-policy"] == PAGE_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    document = read(response.text)
    assert document.having("link", rel="stylesheet") == [
        {"rel": "stylesheet", "href": STYLESHEET.url}
    ]
    assert [tag for tag, _ in document.tags if tag in ("script", "img", "iframe", "style")] == []
    assert all(
        "style" not in attributes for _, attributes in document.tags
    )  # no inline style: the policy would refuse it


def test_the_stylesheet_is_named_by_its_content_and_kept_for_a_year(client: TestClient) -> None:
    response = client.get(STYLESHEET.url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/css; charset=utf-8"
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.content == STYLESHEET.body
    assert "prefers-color-scheme: dark" in response.text
    assert ":focus-visible" in response.text
    assert client.get("/static/pages/pages-0000000000000000.css").status_code == 404
