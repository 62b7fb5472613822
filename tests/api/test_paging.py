"""The next page's URL in a list's `Link` header (app/api/paging.py)."""

import itertools

import pytest
from fastapi.testclient import TestClient
from starlette.datastructures import URL

from app.api.paging import next_page_url


@pytest.mark.parametrize(
    "url",
    [
        "http://testserver/v1/visits",
        "http://testserver/v1/visits?limit=1",
        "http://testserver/v1/visits?host_country=CU,NI&fields=id,city&limit=2",
        "http://testserver/v1/visits?cursor=old.sig&limit=2&cursor=older",
        "http://testserver/v1/visits?q=d%C3%ADaz+canel&topic=&limit=2",
        "http://testserver/v1/visits?limit=2&q=a%26b%3Dc&sort=-start_date",
        "https://api.example.org:8443/v1/visits/x%3Fy/meetings?limit=1",
        "/v1/visits?limit=1",
    ],
)
def test_the_next_page_url_is_what_starlette_writes(url: str) -> None:
    cursor = "eyJhIjoxfQ.c2ln"
    expected = str(URL(url).include_query_params(cursor=cursor))
    assert next_page_url(URL(url), cursor) == expected


def test_every_short_query_string_gets_the_url_starlette_writes() -> None:
    # Plain query strings take a shortcut; these pieces mix plain ones and others.
    pieces = ["a", "=", "&", ",", "cursor", "~.-_", "%2C", "+", "b=%C3%AD"]
    cursor = "eyJhIjoxfQ.c2ln"
    for parts in itertools.product(pieces, repeat=4):
        url = URL(f"http://testserver/v1/visits?{''.join(parts)}")
        assert next_page_url(url, cursor) == str(url.include_query_params(cursor=cursor)), url


def test_a_page_links_to_the_next_with_its_filters_and_cursor(client: TestClient) -> None:
    response = client.get("/v1/visits?visitor_country=IR&fields=id,city&limit=1")
    cursor = response.json()["next_cursor"]
    assert response.headers["Link"] == (
        "<http://testserver/v1/visits?visitor_country=IR&fields=id%2Ccity&limit=1"
        f'&cursor={cursor}>; rel="next"'
    )
    following = client.get(response.headers["Link"][1 : response.headers["Link"].index(">")])
    assert [item["id"] for item in following.json()["items"]] == ["2023-06-raisi-nicaragua"]
