"""A page is rendered once per ETag and kept; the ETag names the pages' fingerprint, so a
deploy with other templates does not revalidate a stale page."""

import gzip
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.responses import Response

from app.api import kept
from app.config import Settings
from app.main import create_app
from app.pages import routes
from app.pages.kept import RenderedPages
from app.pages.render import FINGERPRINT, HERE, fingerprint
from tests.pages.support import BROWSER

VISIT = "/visits/2023-06-raisi-cuba"
GZIP = {**BROWSER, "Accept-Encoding": "gzip"}
PLAIN = {**BROWSER, "Accept-Encoding": "identity"}


@pytest.fixture
def fresh(settings: Settings) -> Iterator[TestClient]:
    """A client of an app of its own: no page kept yet."""
    with TestClient(create_app(settings)) as client:
        yield client


def rendered(client: TestClient) -> RenderedPages:
    pages: RenderedPages = client.app.state.rendered_pages  # type: ignore[attr-defined]
    return pages


def no_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, rendering a page fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("rendered again")

    monkeypatch.setattr(routes, "page", refuse)


@pytest.mark.parametrize("path", [VISIT, "/", "/visits?host_country=CU", "/search?q=havana"])
def test_a_page_is_rendered_once_and_sent_again_as_kept(
    fresh: TestClient, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    plain = fresh.get(path, headers=PLAIN)
    zipped = fresh.get(path, headers=GZIP)
    assert len(rendered(fresh)) == 2  # one body per encoding, as the ETag says
    no_rendering(monkeypatch)
    again = fresh.get(path, headers=PLAIN)
    assert (again.status_code, again.content) == (200, plain.content)
    assert {**again.headers, "x-request-id": ""} == {**plain.headers, "x-request-id": ""}
    zipped_again = fresh.get(path, headers=GZIP)
    assert zipped_again.headers["content-encoding"] == "gzip"
    assert zipped_again.headers["etag"] == zipped.headers["etag"]
    assert zipped_again.text == plain.text  # httpx decompressed it


def test_a_kept_page_is_kept_compressed_for_gzip_clients(fresh: TestClient) -> None:
    plain = fresh.get(VISIT, headers=PLAIN)
    zipped = fresh.get(VISIT, headers=GZIP)
    [(_, identity), (_, compressed)] = rendered(fresh)._kept.items()
    assert identity[0] == plain.content
    assert gzip.decompress(compressed[0]) == plain.content
    assert (b"content-encoding", b"gzip") in compressed[1]
    assert rendered(fresh).size == len(plain.content) + len(compressed[0])
    assert int(zipped.headers["content-length"]) == len(compressed[0])


@pytest.mark.parametrize(
    ("path", "status"),
    [("/visits/none-such", 404), ("/visits?limit=0", 422), ("/countries/ZZ", 404)],
)
def test_errors_are_not_kept(fresh: TestClient, path: str, status: int) -> None:
    for _ in range(2):
        assert fresh.get(path, headers=BROWSER).status_code == status
    assert len(rendered(fresh)) == 0


def test_nothing_is_kept_with_a_page_cache_of_0(settings: Settings) -> None:
    none_kept = settings.model_copy(update={"page_cache_mb": 0})
    with TestClient(create_app(none_kept)) as client:
        assert client.get(VISIT, headers=BROWSER).status_code == 200
        assert len(rendered(client)) == 0


def test_the_least_recently_sent_go_first_past_the_bound() -> None:
    pages = RenderedPages(1000, "f")
    request: Any = type("R", (), {"scope": {"headers": []}})()
    for tag in ("a", "b", "c"):
        pages.keep(tag, Response(b"x" * 400), request)
    assert list(pages._kept) == ["b", "c"]
    assert pages.size == 800
    assert pages.get("b") is not None  # b sent: c is now the least recently sent
    pages.keep("d", Response(b"y" * 400), request)
    assert list(pages._kept) == ["b", "d"]
    answer = pages.keep("e", Response(b"z" * 1001), request)  # larger than the bound
    assert answer.body == b"z" * 1001
    assert list(pages._kept) == ["b", "d"]


def test_the_fingerprint_covers_templates_stylesheet_and_code(tmp_path: Path) -> None:
    copy = tmp_path / "pages"
    shutil.copytree(HERE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert fingerprint(copy) == FINGERPRINT
    (copy / "stray.pyc").write_bytes(b"compiled")
    assert fingerprint(copy) == FINGERPRINT
    for changed in ("templates/records/visit.html", "static/pages.css", "routes.py"):
        with (copy / changed).open("a") as file:
            file.write("\n")
        assert fingerprint(copy) != FINGERPRINT, changed
        shutil.copy(HERE / changed, copy / changed)
    assert fingerprint(copy) == FINGERPRINT


def test_a_deploy_with_other_pages_does_not_revalidate_a_stale_copy(
    client: TestClient, settings: Settings
) -> None:
    before = client.get(VISIT, headers=BROWSER).headers["etag"]
    assert client.get(VISIT, headers={**BROWSER, "If-None-Match": before}).status_code == 304
    with TestClient(create_app(settings)) as deployed:
        deployed.app.state.rendered_pages = RenderedPages(1024 * 1024, "other templates")  # type: ignore[attr-defined]
        answer = deployed.get(VISIT, headers={**BROWSER, "If-None-Match": before})
        assert answer.status_code == 200
        after = answer.headers["etag"]
        assert after != before
        assert after.split("-")[0] == before.split("-")[0]  # the same data version
        assert deployed.get(VISIT, headers={**BROWSER, "If-None-Match": after}).status_code == 304


def test_a_page_is_not_dated_by_the_data(client: TestClient) -> None:
    # Its Last-Modified would say the data's last change, which a deploy does not move.
    api = client.get("/v1/visits?host_country=CU")
    assert "last-modified" in api.headers
    page = client.get("/visits?host_country=CU", headers=BROWSER)
    assert "last-modified" not in page.headers
    later = {**BROWSER, "If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}
    assert client.get("/visits?host_country=CU", headers=later).status_code == 200


def test_a_failed_read_before_routing_leaves_the_page_to_its_route(
    fresh: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = fresh.get(VISIT, headers=BROWSER)

    def failing(reader: Any) -> None:
        raise RuntimeError("database gone")

    monkeypatch.setattr(kept, "data_version", failing)
    again = fresh.get(VISIT, headers=BROWSER)
    assert (again.status_code, again.content) == (200, first.content)
