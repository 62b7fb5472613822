"""Our gzip and CORS middleware answer as Starlette's `GZipMiddleware` and `CORSMiddleware`
would in their place: the same requests go to the app as built and to the same app with
Starlette's two in their place (set up alike: minimum size, compression level, CORS options),
and the answers must agree in status, headers and decoded body.

What differs on purpose, and only that, is normalised (docs/decisions/0014-own-gzip-and-cors.md):
- compressed bytes and their `Content-Length` (another zlib): bodies are compared decoded, and
  each side's length must be its own body's;
- `Vary` is compared as a set of names: ours says `Accept-Encoding` once where Starlette may say
  it twice, and does not add it to an answer it leaves uncompressed for a client without gzip
  (Starlette's identity responder does).
"""

import gzip
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware

from app.config import Settings
from app.edge import cors
from app.edge.compression import Compression
from app.edge.cors import OpenCors
from app.main import create_app
from tests.support import replace_middleware

GZIP = {"Accept-Encoding": "gzip"}
IDENTITY = {"Accept-Encoding": "identity"}
ORIGIN = {"Origin": "https://newsroom.example"}
PREFLIGHT = {**ORIGIN, "Access-Control-Request-Method": "GET"}
VISIT = "/v1/visits/2023-06-raisi-cuba"


def with_starlette_s(app: FastAPI) -> FastAPI:
    """`app` with Starlette's gzip and CORS middleware in place of ours, set up alike."""
    ours = Compression(app)
    replaced = {
        Compression: Middleware(
            GZipMiddleware, minimum_size=ours.minimum_size, compresslevel=ours.level
        ),
        OpenCors: Middleware(CORSMiddleware, **cors.OPTIONS),
    }
    return replace_middleware(app, replaced)


@pytest.fixture(scope="module")
def clients(settings: Settings) -> Iterator[tuple[TestClient, TestClient]]:
    """A client of the app as built, and one of the app with Starlette's middleware."""
    with (
        TestClient(create_app(settings)) as ours,
        TestClient(with_starlette_s(create_app(settings))) as theirs,
    ):
        yield ours, theirs


REQUESTS: list[tuple[str, str, dict[str, str]]] = [
    # Lists made per request: compressed for gzip clients, whole or (exports) streamed.
    ("GET", "/v1/visits", GZIP),
    ("GET", "/v1/visits", IDENTITY),
    ("GET", "/v1/visits", {"Accept-Encoding": "br"}),
    ("GET", "/v1/meetings?format=csv", GZIP),
    ("GET", "/v1/agreements?format=ndjson", GZIP),
    ("GET", "/v1/export/visits.csv", GZIP),
    ("GET", "/v1/export/visits.csv", IDENTITY),
    ("GET", "/v1/export/participants.ndjson", GZIP),
    ("HEAD", "/v1/visits", GZIP),
    ("HEAD", "/v1/export/meetings.csv", GZIP),
    # A detail stored compressed: passed through as it is, or decompressed.
    ("GET", VISIT, GZIP),
    ("GET", VISIT, IDENTITY),
    ("HEAD", VISIT, GZIP),
    # Details made per request, small and large.
    ("GET", "/v1/countries/CU", GZIP),
    ("GET", "/v1/participants/ebrahim-raisi", GZIP),
    ("GET", "/v1/sources/tdi-2023-06-16-raisi-havana", GZIP),
    # Problems, revalidations, pages, assets of compressed and other media.
    ("GET", "/v1/visits?limit=0", GZIP),
    ("GET", "/v1/nowhere", GZIP),
    ("GET", "/healthz", GZIP),
    ("GET", "/docs", GZIP),
    ("GET", "/static/docs/swagger-ui.css", GZIP),
    ("GET", "/static/docs/favicon.png", GZIP),
    ("GET", "/openapi.json", GZIP),
    ("GET", "/v1/export/database.sqlite", {**GZIP, "Range": "bytes=0-99"}),
    # Cross-origin reads and preflights.
    ("GET", "/v1/visits", {**ORIGIN, **GZIP}),
    ("GET", VISIT, {**ORIGIN, **GZIP}),
    ("GET", "/v1/visits?limit=0", ORIGIN),
    ("GET", "/v1/topics", {**ORIGIN, "Cookie": "session=1"}),
    ("HEAD", "/v1/topics", ORIGIN),
    ("OPTIONS", "/v1/visits", PREFLIGHT),
    ("OPTIONS", VISIT, {**PREFLIGHT, "Access-Control-Request-Headers": "If-None-Match"}),
    ("OPTIONS", "/v1/visits", {**ORIGIN, "Access-Control-Request-Method": "DELETE"}),
    ("OPTIONS", "/v1/visits", {**PREFLIGHT, "Access-Control-Request-Headers": "X-Secret"}),
    ("OPTIONS", "/v1/visits", {}),
    ("OPTIONS", "/v1/visits", ORIGIN),
    ("POST", "/v1/visits", ORIGIN),
]


def _vary(response: httpx.Response) -> set[str]:
    return {
        name.strip().lower()
        for line in response.headers.get_list("vary")
        for name in line.split(",")
        if name.strip()
    }


def _body(response: httpx.Response, raw: bytes) -> bytes:
    """The body as sent, decoded if it was compressed on the way."""
    if response.headers.get("content-encoding") == "gzip" and raw:
        return gzip.decompress(raw)
    return raw


def _send(client: TestClient, method: str, path: str, headers: dict[str, str]) -> Any:
    with client.stream(method, path, headers=headers) as response:
        raw = b"".join(response.iter_raw())
    return response, raw


def _compared(response: httpx.Response, raw: bytes) -> dict[str, Any]:
    """What must agree: status, headers but those normalised (see above), decoded body."""
    headers = sorted(
        (name, value)
        for name, value in response.headers.multi_items()
        if name not in ("x-request-id", "vary")
        and not (name == "content-length" and response.headers.get("content-encoding"))
    )
    return {"status": response.status_code, "headers": headers, "body": _body(response, raw)}


@pytest.mark.parametrize(("method", "path", "headers"), REQUESTS)
def test_our_middleware_answers_as_starlette_s(
    clients: Any, method: str, path: str, headers: dict[str, str]
) -> None:
    ours, theirs = clients
    mine, my_raw = _send(ours, method, path, headers)
    their, their_raw = _send(theirs, method, path, headers)
    assert _compared(mine, my_raw) == _compared(their, their_raw)
    for response, raw in ((mine, my_raw), (their, their_raw)):
        if "content-length" in response.headers and method != "HEAD":
            assert int(response.headers["content-length"]) == len(raw)
    my_vary, their_vary = _vary(mine), _vary(their)
    if "gzip" not in mine.request.headers.get("accept-encoding", ""):
        their_vary -= {"accept-encoding"} - my_vary
    assert my_vary == their_vary


def test_the_comparison_sees_compression_on_both_sides(clients: Any) -> None:
    # Worth something only if both sides compress what they should, and pass the rest.
    for client in clients:
        listed, raw = _send(client, "GET", "/v1/visits", GZIP)
        assert listed.headers["content-encoding"] == "gzip"
        assert len(raw) < len(gzip.decompress(raw))
        stored, _ = _send(client, "GET", VISIT, GZIP)
        assert stored.headers["content-encoding"] == "gzip"
        image, _ = _send(client, "GET", "/static/docs/favicon.png", GZIP)
        assert "content-encoding" not in image.headers
        preflight, _ = _send(client, "OPTIONS", "/v1/visits", PREFLIGHT)
        assert preflight.headers["access-control-allow-origin"] == "*"
