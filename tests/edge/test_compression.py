"""gzip on the way out (app.edge.compression): what is compressed, what passes as it is, and
the headers of each, on small ASGI apps and on the API."""

import asyncio
import gzip
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from app.edge import compression
from app.edge.compression import Compression

GZIP = [(b"accept-encoding", b"gzip, deflate")]
JSON = (b"content-type", b"application/json")
BIG = b'{"text": "' + b"diplomatic visits " * 100 + b'"}'


def answering(*messages: Message) -> Callable[[Scope, Receive, Send], Any]:
    """An ASGI app that sends these messages."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        for message in messages:
            await send(message)

    return app


def start(status: int = 200, *headers: tuple[bytes, bytes]) -> Message:
    return {"type": "http.response.start", "status": status, "headers": list(headers)}


def body(data: bytes, more: bool = False) -> Message:
    return {"type": "http.response.body", "body": data, "more_body": more}


def sent(
    app: Callable[[Scope, Receive, Send], Any], headers: list[tuple[bytes, bytes]], **options: int
) -> list[Message]:
    """What Compression around `app` sends for a GET with these request headers."""
    out: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        out.append(message)

    scope = {"type": "http", "method": "GET", "path": "/", "headers": headers}
    asyncio.run(Compression(app, **options)(scope, receive, send))
    return out


def test_a_large_body_is_compressed_with_its_length_and_vary() -> None:
    out = sent(answering(start(200, JSON, (b"content-length", b"1822")), body(BIG)), GZIP)
    assert [m["type"] for m in out] == ["http.response.start", "http.response.body"]
    assert gzip.decompress(out[1]["body"]) == BIG
    assert out[0]["headers"] == [
        JSON,
        (b"vary", b"Accept-Encoding"),
        (b"content-encoding", b"gzip"),
        (b"content-length", str(len(out[1]["body"])).encode()),
    ]


def test_vary_gains_accept_encoding_once_and_several_vary_lines_become_one() -> None:
    varied = start(200, JSON, (b"vary", b"Accept"), (b"vary", b"Cookie"))
    out = sent(answering(varied, body(BIG)), GZIP)
    assert (b"vary", b"Accept, Cookie, Accept-Encoding") in out[0]["headers"]
    already = start(200, JSON, (b"vary", b"Accept, accept-encoding"))
    out = sent(answering(already, body(BIG)), GZIP)
    assert [v for n, v in out[0]["headers"] if n == b"vary"] == [b"Accept, accept-encoding"]


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param([start(200, JSON), body(b'{"small": true}')], id="under the minimum size"),
        pytest.param(
            [start(200, JSON, (b"content-encoding", b"gzip")), body(gzip.compress(BIG))],
            id="encoded already",
        ),
        pytest.param([start(206, JSON), body(BIG)], id="partial"),
        pytest.param([start(200, (b"content-type", b"image/png")), body(BIG)], id="an image"),
        pytest.param(
            [start(200, (b"content-type", b"application/zip")), body(BIG)], id="an archive"
        ),
    ],
)
def test_what_passes_as_it_is(answer: list[Message]) -> None:
    assert sent(answering(*answer), GZIP) == answer


def test_vector_images_are_compressed() -> None:
    out = sent(answering(start(200, (b"content-type", b"image/svg+xml")), body(BIG)), GZIP)
    assert (b"content-encoding", b"gzip") in out[0]["headers"]


def test_an_early_hint_goes_out_first_and_the_answer_is_still_compressed() -> None:
    hint = {"type": "http.response.early_hint", "links": ["</static/docs/app.css>; rel=preload"]}
    out = sent(answering(hint, start(200, JSON), body(BIG)), GZIP)
    assert [m["type"] for m in out] == [
        "http.response.early_hint",
        "http.response.start",
        "http.response.body",
    ]
    assert gzip.decompress(out[2]["body"]) == BIG


def test_a_client_without_gzip_gets_the_answer_untouched() -> None:
    answer = [start(200, JSON), body(BIG)]
    assert sent(answering(*answer), [(b"accept-encoding", b"identity")]) == answer
    assert sent(answering(*answer), []) == answer


def test_a_stream_is_compressed_chunk_by_chunk_and_each_chunk_can_be_read_at_once() -> None:
    chunks = [b"id,city\r\n", b"1,Havana\r\n" * 200, b"2,Caracas\r\n" * 200, b""]
    messages = [body(chunk, more=i < len(chunks) - 1) for i, chunk in enumerate(chunks)]
    out = sent(
        answering(start(200, (b"content-type", b"text/csv"), (b"content-length", b"9")), *messages),
        GZIP,
    )
    assert (b"content-length", b"9") not in out[0]["headers"]
    assert (b"content-encoding", b"gzip") in out[0]["headers"]
    reader = zlib.decompressobj(wbits=31)
    for message, chunk in zip(out[1:], chunks, strict=True):
        assert reader.decompress(message["body"]) == chunk  # sync-flushed: readable now
        assert message["more_body"] == (chunk != b"")
    assert reader.eof


def test_a_small_first_chunk_of_a_stream_is_still_compressed() -> None:
    out = sent(answering(start(200, JSON), body(b"[", more=True), body(b"]")), GZIP)
    assert (b"content-encoding", b"gzip") in out[0]["headers"]
    assert gzip.decompress(out[1]["body"] + out[2]["body"]) == b"[]"


def test_large_chunks_are_compressed_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    sizes: list[int] = []
    original = compression.anyio.to_thread.run_sync

    async def recording(function: Callable[[], bytes]) -> bytes:
        result: bytes = await original(function)
        sizes.append(len(result))
        return result

    monkeypatch.setattr(compression.anyio.to_thread, "run_sync", recording)
    large = BIG * 100
    out = sent(answering(start(200, JSON), body(large)), GZIP, thread_minimum_size=len(large))
    assert gzip.decompress(out[1]["body"]) == large
    assert sizes == [len(out[1]["body"])]
    sizes.clear()
    sent(answering(start(200, JSON), body(large)), GZIP, thread_minimum_size=len(large) + 1)
    assert sizes == []


def test_the_api_compresses_a_list_and_passes_a_stored_detail(client: TestClient) -> None:
    headers = {"Accept-Encoding": "gzip"}
    with client.stream("GET", "/v1/visits", headers=headers) as listed:
        raw = b"".join(listed.iter_raw())
    plain = client.get("/v1/visits", headers={"Accept-Encoding": "identity"})
    assert gzip.decompress(raw) == plain.content
    assert listed.headers["content-length"] == str(len(raw))
    assert listed.headers["vary"] == "Accept, Accept-Encoding, Origin"
    assert plain.headers["vary"] == "Accept, Accept-Encoding, Origin"
    small = client.get("/v1/countries?limit=1", headers=headers)
    assert "content-encoding" not in small.headers
    assert small.headers["content-length"] == str(len(small.content))
    # A country's detail is stored gzipped, like every detail, and sent as stored.
    with client.stream("GET", "/v1/countries/CU", headers=headers) as stored:
        raw = b"".join(stored.iter_raw())
    assert stored.headers["content-encoding"] == "gzip"
    as_text = client.get("/v1/countries/CU", headers={"Accept-Encoding": "identity"})
    assert gzip.decompress(raw) == as_text.content


def test_head_of_a_compressed_answer_has_the_compressed_length(client: TestClient) -> None:
    headers = {"Accept-Encoding": "gzip"}
    with client.stream("GET", "/v1/visits", headers=headers) as got:
        raw = b"".join(got.iter_raw())
    head = client.head("/v1/visits", headers=headers)
    assert head.content == b""
    assert head.headers["content-encoding"] == "gzip"
    assert head.headers["content-length"] == str(len(raw))
