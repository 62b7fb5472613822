"""HTTP caching and transport: ETag, 304, Cache-Control, Last-Modified, gzip, CORS."""

from email.utils import parsedate_to_datetime

import pytest
from fastapi.testclient import TestClient

GETS = [
    "/v1",
    "/v1/visits",
    "/v1/visits/2023-06-raisi-cuba",
    "/v1/visits/2023-06-raisi-cuba/participants",
    "/v1/meetings?format=csv",
    "/v1/search?q=havana",
    "/v1/countries/CU",
    "/v1/export/visits.ndjson",
    "/v1/deletions?since=2000-01-01",
]


@pytest.mark.parametrize("path", GETS)
def test_every_get_revalidates_with_its_etag(client: TestClient, path: str) -> None:
    first = client.get(path)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert etag.startswith('"')
    assert etag.endswith('"')
    assert not etag.startswith("W/")
    assert first.headers["cache-control"] == "public, max-age=60"
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert client.get(path, headers={"If-None-Match": '"0-stale"'}).status_code == 200


def test_etag_depends_on_what_is_asked(client: TestClient) -> None:
    tags = {
        client.get(path, headers=headers).headers["etag"]
        for path, headers in [
            ("/v1/visits", {}),
            ("/v1/visits?limit=1", {}),
            ("/v1/visits", {"Accept": "text/csv"}),
            ("/v1/visits", {"Accept-Encoding": "identity"}),
        ]
    }
    assert len(tags) == 4


def test_last_modified_and_if_modified_since(client: TestClient) -> None:
    first = client.get("/v1/visits")
    last_modified = first.headers["last-modified"]
    parsedate_to_datetime(last_modified)  # a valid HTTP date
    assert client.get("/v1/visits", headers={"If-Modified-Since": last_modified}).status_code == 304
    earlier = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert client.get("/v1/visits", headers={"If-Modified-Since": earlier}).status_code == 200


def test_errors_and_health_are_not_cached(client: TestClient) -> None:
    assert "etag" not in client.get("/v1/visits/nope").headers
    assert client.get("/healthz").headers["cache-control"] == "no-store"


def test_gzip_when_asked(client: TestClient) -> None:
    zipped = client.get("/v1/visits/2023-06-raisi-cuba", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    plain = client.get("/v1/visits/2023-06-raisi-cuba", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert zipped.json() == plain.json()
    assert "Accept-Encoding" in plain.headers["vary"]


def test_cors_is_open_for_reads(client: TestClient) -> None:
    simple = client.get("/v1/visits", headers={"Origin": "https://newsroom.example"})
    assert simple.headers["access-control-allow-origin"] == "*"
    assert "ETag" in simple.headers["access-control-expose-headers"]
    preflight = client.options(
        "/v1/visits",
        headers={"Origin": "https://newsroom.example", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-methods"] == "GET, HEAD, OPTIONS"
    refused = client.options(
        "/v1/visits",
        headers={"Origin": "https://newsroom.example", "Access-Control-Request-Method": "DELETE"},
    )
    assert refused.status_code == 400


EXPOSED = (
    "ETag, Link, Last-Modified, Repr-Digest, X-Checksum-SHA256, X-Total-Count, X-Undated-Count, "
    "X-Request-ID, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, "
    "RateLimit-Policy"
)


def test_cors_labels_every_answer_with_its_vary_and_cross_origin_ones_with_what_they_may_read(
    client: TestClient,
) -> None:
    plain = client.get("/v1/visits/2023-06-raisi-cuba")
    assert plain.headers["vary"] == "Accept, Accept-Encoding, Origin"
    assert "access-control-allow-origin" not in plain.headers
    assert client.get("/healthz").headers["vary"] == "Origin"
    cross = client.get("/v1/visits/nope", headers={"Origin": "https://newsroom.example"})
    assert cross.status_code == 404
    assert cross.headers["access-control-allow-origin"] == "*"
    assert cross.headers["access-control-expose-headers"] == EXPOSED
    assert cross.headers["vary"] == "Accept, Origin"  # a problem is a page for a browser
    assert [name for name, _ in cross.headers.multi_items()].count("vary") == 1


def test_a_preflight_says_what_a_page_may_send(client: TestClient) -> None:
    preflight = client.options(
        "/v1/visits",
        headers={
            "Origin": "https://newsroom.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match, X-Request-ID",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert preflight.headers["access-control-allow-headers"] == (
        "Accept, Accept-Language, Content-Language, Content-Type, If-Modified-Since, "
        "If-None-Match, X-Request-ID"
    )
    assert preflight.headers["access-control-max-age"] == "86400"
    refused = client.options(
        "/v1/visits",
        headers={
            "Origin": "https://newsroom.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "Authorization",
        },
    )
    assert (refused.status_code, refused.text) == (400, "Disallowed CORS headers")


def test_head_answers_like_get_without_a_body(client: TestClient) -> None:
    head = client.head("/v1/visits")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["etag"] == client.get("/v1/visits").headers["etag"]
