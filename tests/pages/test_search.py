"""The search page: typed, ranked results, matches highlighted and everything else escaped."""

from fastapi.testclient import TestClient

from app.pages.render import highlighted
from tests.pages.support import BROWSER, read


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
