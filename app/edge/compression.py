"""gzip for the clients that take it (`Content-Encoding: gzip`, RFC 9110), in place of
Starlette's GZipMiddleware, which sets up for every request what only some answers need
(why, and what each costs: docs/decisions/0014-own-middleware.md). It decides from the
answer's first message, reading its raw headers once:

- passed through as they are: answers already encoded (`Content-Encoding`), partial ones
  (206), media that is compressed already (photos, audio, video, archives, web fonts), and a
  whole body under `minimum_size` bytes;
- otherwise compressed by zlib-ng at `level`, 1 by default (nginx's default too): answers are
  made per request, and every page a gzip client asks for pays for its compression (stored
  details, compressed once at load time, use level 6). In one piece (with its new
  `Content-Length`) or, for a streamed body, chunk by chunk with a sync flush, so that each
  chunk reaches the client when it is made. Chunks of `thread_minimum_size` bytes or more are
  compressed on a worker thread, off the event loop.

A compressed answer says `Vary: Accept-Encoding` (added to its `Vary`, once). A client that
does not take gzip gets every answer untouched: an identity answer suits every client, and
the cacheable answers carry `Vary: Accept-Encoding` anyway (app.api.caching).
tests/edge/test_against_starlette.py sends the same requests through Starlette's.
"""

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from zlib_ng import zlib_ng

from app.edge.headers import RawHeaders, accepts_gzip, varying

# Media that gzip would not make smaller: Starlette's list, by top-level type or exact type.
_COMPRESSED_KINDS = frozenset({b"audio", b"video"})
_COMPRESSED_TYPES = frozenset(
    {
        b"application/gzip",
        b"application/x-gzip",
        b"application/zip",
        b"application/grpc",
        b"font/woff",
        b"font/woff2",
        b"image/avif",
        b"image/gif",
        b"image/jpeg",
        b"image/png",
        b"image/webp",
        b"text/event-stream",
    }
)


def _already_compact(headers: RawHeaders) -> bool:
    """Whether an answer with these headers is encoded already, or of a compressed media type."""
    for name, value in headers:
        if name == b"content-encoding":
            return True
        if name == b"content-type":
            media_type = value.partition(b";")[0].strip().lower()
            if (
                media_type in _COMPRESSED_TYPES
                or media_type.partition(b"/")[0] in _COMPRESSED_KINDS
            ):
                return True
    return False


# The defaults: answers under this many bytes go as they are; compression level.
MINIMUM_SIZE = 1000
LEVEL = 1


def gzipped(body: bytes, headers: RawHeaders, level: int = LEVEL) -> tuple[bytes, RawHeaders]:
    """A whole answer's body and headers as `Compression` sends them to a client that takes
    gzip (the same bytes): for answers kept to be sent again (app/api/kept.py)."""
    if len(body) < MINIMUM_SIZE or _already_compact(headers):
        return body, headers
    compressor = zlib_ng.compressobj(level, zlib_ng.DEFLATED, 16 + zlib_ng.MAX_WBITS)
    compressed = compressor.compress(body) + compressor.flush(zlib_ng.Z_FINISH)
    return compressed, _compressed_headers(list(headers), len(compressed))


def _compressed_headers(headers: RawHeaders, length: int | None) -> RawHeaders:
    """`headers` for the compressed body: its encoding, its length (`None`: streamed, no
    length) and `Accept-Encoding` in `Vary`."""
    kept = varying(headers, {b"content-length"}, b"Accept-Encoding")
    kept.append((b"content-encoding", b"gzip"))
    if length is not None:
        kept.append((b"content-length", str(length).encode()))
    return kept


class Compression:
    """gzip-compresses answers to the clients that accept it (see above)."""

    def __init__(
        self,
        app: ASGIApp,
        minimum_size: int = MINIMUM_SIZE,
        level: int = LEVEL,
        thread_minimum_size: int = 128 * 1024,
    ) -> None:
        self.app = app
        self.minimum_size = minimum_size
        self.level = level
        self.thread_minimum_size = thread_minimum_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; compress its answer on the way out if it is worth it."""
        if scope["type"] != "http" or not accepts_gzip(scope):
            await self.app(scope, receive, send)
            return
        start: Message | None = None  # held until the first body says whether to compress
        compressor: zlib_ng._Compress | None = None
        passing = False

        async def compressing(message: Message) -> None:
            nonlocal start, compressor, passing
            if passing:
                await send(message)
                return
            kind = message["type"]
            if kind == "http.response.early_hint":  # a 103, sent before the answer starts
                await send(message)
                return
            if kind == "http.response.start":
                if message["status"] == 206 or _already_compact(message.get("headers", [])):
                    passing = True
                    await send(message)
                else:
                    start = message
                return
            if compressor is not None:  # the rest of a compressed stream
                if kind == "http.response.body":
                    message = {**message, "body": await self._compress(compressor, message)}
                await send(message)
                return
            assert start is not None, "an ASGI answer starts with http.response.start"
            body: bytes = message.get("body", b"") if kind == "http.response.body" else b""
            streamed = bool(message.get("more_body", False))
            if kind != "http.response.body" or (not streamed and len(body) < self.minimum_size):
                passing = True
                await send(start)
                await send(message)
                return
            compressor = zlib_ng.compressobj(self.level, zlib_ng.DEFLATED, 16 + zlib_ng.MAX_WBITS)
            compressed = await self._compress(compressor, message)
            headers = list(start.get("headers", []))
            start = {
                **start,
                "headers": _compressed_headers(headers, None if streamed else len(compressed)),
            }
            await send(start)
            await send({**message, "body": compressed})

        await self.app(scope, receive, compressing)

    async def _compress(self, compressor: "zlib_ng._Compress", message: Message) -> bytes:
        """One body message's bytes, compressed; the stream is finished with the last one."""
        body: bytes = message.get("body", b"")
        finish = zlib_ng.Z_SYNC_FLUSH if message.get("more_body", False) else zlib_ng.Z_FINISH

        def compress() -> bytes:
            return compressor.compress(body) + compressor.flush(finish)

        if len(body) >= self.thread_minimum_size:
            return await anyio.to_thread.run_sync(compress)
        return compress()
