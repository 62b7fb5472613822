"""The search page: typed, ranked results, matches highlighted and everything else escaped."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api.paging import decode_cursor, filters_digest
from app.config import Settings
from app.main import create_app
from app.pages import routes, rows
from app.pages.fragments import highlighted
from app.storage import open_reader, sqlite_path
from tests.pages.support import BROWSER, Document, read


def test_the_search_page_without_words_is_the_form(client: TestClient) -> None:
    response = client.get("/search", headers=BROWSER)
    assert response.status_code == 200
    document = read(response.text)
    assert document.having("input", name="q", type="search")
    types = [str(a["value"]) for t, a in document.tags if t == "option"]
    assert types == [
        "",
        "visit",
        "meeting",
        "participant",
        "agreement",
        "tour",
        "statement",
        "source",
        "country",
        "topic",
    ]
    assert [level for level, _ in document.headings] == [1]  # no results section


def test_results_are_typed_ranked_linked_and_highlighted(client: TestClient) -> None:
    api = client.get("/v1/search?q=biotech").json()
    document = read(client.get("/search?q=biotech", headers=BROWSER).text)
    assert f"{api['total']} results for “biotech”" in document.text
    shown = [text for level, text in document.headings if level == 3]
    assert shown == [hit["title"] for hit in api["items"]]
    first = api["items"][0]
    paths = {"topic": "/visits?topic=", "meeting": "/meetings/", "visit": "/visits/"}
    assert document.link_texts[paths[first["resource"]] + first["id"]] == first["title"]
    assert {mark.lower()[:7] for mark in document.marks} == {"biotech"}
    assert document.link_texts["/v1/search?q=biotech"] == "JSON"


def hits(document: Document) -> list[str]:
    """The titles of a search page's hits, in order."""
    return [text for level, text in document.headings if level == 3]


def search_page(client: TestClient, path: str) -> Document:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200, response.text
    return read(response.text)


def link(document: Document, rel: str) -> str | None:
    """The page's "next" or "prev" link, None when it shows the words alone."""
    found = document.having("a", rel=rel)
    return str(found[0]["href"]) if found else None


def test_search_pages_forward_then_back_with_exact_links(
    client: TestClient, settings: Settings
) -> None:
    pages = []
    api = client.get("/v1/search?q=havana&limit=2").json()
    document = search_page(client, "/search?q=havana&limit=2")
    assert link(document, "prev") is None
    assert "Previous page" in document.text  # said, not linked, on the first page
    while True:
        assert hits(document) == [hit["title"] for hit in api["items"]]
        pages.append(document)
        if api["next_cursor"] is None:
            assert link(document, "next") is None
            break
        next_url = f"/search?q=havana&limit=2&cursor={api['next_cursor']}"
        assert link(document, "next") == next_url
        api = client.get(f"/v1{next_url}").json()
        document = search_page(client, next_url)
        # "Previous" points before this page's first hit, by a cursor for the reverse order.
        previous = str(link(document, "prev"))
        assert previous.startswith("/search?q=havana&limit=2&before=")
        before = previous.removeprefix("/search?q=havana&limit=2&before=")
        digest = filters_digest({"q": "havana", "type": None})
        score, position = decode_cursor(before, "-rank", digest, settings.cursor_secret).after
        assert score == api["items"][0]["score"]
        first = api["items"][0]
        assert position == row_of(settings, first["resource"], first["id"])
    assert len(pages) >= 3
    # Back from the last page: the same pages in reverse, each with the links it had going
    # forward (the first page's "next" included), down to the first, which has no previous.
    document = pages[-1]
    for expected in reversed(pages[:-1]):
        document = search_page(client, str(link(document, "prev")))
        assert hits(document) == hits(expected)
        assert link(document, "next") == link(expected, "next")
    assert link(document, "prev") is None
    assert document.link_texts["/search?q=havana&limit=2"] == "First page"


def row_of(settings: Settings, resource: str, record_id: str) -> int:
    """A record's position in the search index (the one a search cursor holds): its rowid
    on SQLite, its `position` on PostgreSQL."""
    column = "rowid" if sqlite_path(settings.database_url) else "position"
    reader = open_reader(settings.database_url, 2000)
    try:
        position = reader.scalar(
            f"SELECT {column} FROM search_index WHERE resource = :resource AND record_id = :id",
            {"resource": resource, "id": record_id},
        )
    finally:
        reader.close()
    return int(position)


def test_a_bad_previous_cursor_is_a_422_page_naming_it(client: TestClient) -> None:
    for path in ("/search?q=havana&before=junk", "/visits?before=junk"):
        response = client.get(path, headers=BROWSER)
        assert response.status_code == 422
        assert "before (query): not a cursor issued by this API" in read(response.text).text
    # A "next" cursor is not a "previous" one: it belongs to the other order.
    api = client.get("/v1/search?q=havana&limit=2").json()
    swapped = client.get(f"/search?q=havana&limit=2&before={api['next_cursor']}", headers=BROWSER)
    assert swapped.status_code == 422
    assert "before (query): this cursor belongs to another sort or other filters" in (
        read(swapped.text).text
    )


def test_search_pages_forward_with_a_link_back_to_the_first(client: TestClient) -> None:
    api = client.get("/v1/search?q=havana&limit=2").json()
    first = read(client.get("/search?q=havana&limit=2", headers=BROWSER).text)
    next_url = str(first.having("a", rel="next")[0]["href"])
    assert next_url == f"/search?q=havana&limit=2&cursor={api['next_cursor']}"
    second = read(client.get(next_url, headers=BROWSER).text)
    api_second = client.get(f"/v1/search?q=havana&limit=2&cursor={api['next_cursor']}").json()
    assert [t for level, t in second.headings if level == 3] == [
        hit["title"] for hit in api_second["items"]
    ]
    assert second.link_texts["/search?q=havana&limit=2"] == "First page"


def test_a_hostile_query_is_escaped_everywhere(client: TestClient) -> None:
    hostile = "<script>alert('x')</script> havana"
    response = client.get("/search", params={"q": hostile}, headers=BROWSER)
    assert response.status_code == 200
    assert "<script>" not in response.text
    document = read(response.text)
    assert document.having("input", name="q")[0]["value"] == hostile
    assert f"results for “{hostile}”" in document.text


def test_a_query_without_words_is_a_422_page(client: TestClient) -> None:
    response = client.get("/search", params={"q": "***"}, headers=BROWSER)
    assert response.status_code == 422
    assert "q (query): nothing to search for: give at least one letter or digit" in (
        read(response.text).text
    )


def test_snippet_marks_are_the_only_markup() -> None:
    assert highlighted("a <mark>Havana</mark> & <b>b</b>") == (
        "a <mark>Havana</mark> &amp; &lt;b&gt;b&lt;/b&gt;"
    )
    # Text that spells a mark itself cannot unbalance the page: every mark opened is closed.
    assert highlighted("x </mark> y <mark>z") == "x <mark> y </mark>z"
    assert highlighted("<mark>open") == "<mark>open</mark>"
    assert highlighted('<mark onclick="x">') == "&lt;mark onclick=&#34;x&#34;&gt;"


HAVANA_HITS = 16  # in the seed, of every type
HAVANA_VISITS = 1


def test_a_page_of_hits_is_written_once_per_data_version(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[int] = []

    def counted(items: list[dict[str, Any]]) -> str:
        written.append(len(items))
        return rows.hits(items)

    monkeypatch.setattr(routes, "hits_html", counted)
    none_kept = settings.model_copy(update={"page_cache_mb": 0})  # every page rendered
    with TestClient(create_app(none_kept)) as client:
        first = client.get("/search?q=havana", headers=BROWSER)
        again = client.get("/search?q=havana", headers=BROWSER)
        assert first.status_code == again.status_code == 200
        assert again.text == first.text
        assert written == [HAVANA_HITS]  # kept, as /v1/search keeps the hits
        typed = client.get("/search?q=havana&type=visit", headers=BROWSER)
        assert typed.status_code == 200
        assert written == [HAVANA_HITS, HAVANA_VISITS]  # another type: other hits
