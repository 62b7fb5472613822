"""Answers kept per data version, so that a request asked again costs a look-up, not its
queries and their encoding.

A list's answer (every resource's, a record's parts, `/v1/search`; JSON, CSV or NDJSON) and
a record's depend on the data version and on the request alone: its path and query string,
`Accept`, whether the client takes gzip, and, through the `Link` header's absolute URL, its
scheme and host. Those name the answer here (its ETag names the first ones). Only 200s are
kept, so a kept answer is one the route made, parameters validated and read at this data
version; a load moves the version and every answer kept before it is no longer found. For a
client that takes gzip the answer is kept compressed, as the gzip middleware compresses it
(`app.edge.compression.gzipped`: the same bytes), so it is neither made nor compressed
again. The least recently sent go first once the bodies kept pass `max_bytes`.
The data version a look-up compares is the one last read, while it is younger than
VERSION_CHECK_MS (`RecentVersion`); else it is read again.
Why, and what it saves: docs/decisions/0040-list-answers-kept-per-data-version.md,
docs/decisions/0041-the-data-version-read-once-for-many-answers.md.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

from fastapi import Request, Response
from starlette.types import Scope

from app.api.caching import data_version, entity_tag
from app.api.offload import where_it_reads
from app.edge.compression import gzipped
from app.edge.headers import RawHeaders, accepts_gzip, header
from app.storage import Reader

# An answer larger than this is made per request: kept, it would push out many smaller ones.
MAX_ANSWER_BYTES = 1024 * 1024

# What names an answer besides its ETag: the path, the query string as sent (its order is
# kept in the `Link` header's URL), `Accept`, gzip or not, and what the link's URL is made of.
AnswerKey = tuple[object, ...]


def answer_key(scope: Scope) -> AnswerKey:
    """The request's parts its answer depends on, but for the data version."""
    return (
        scope["path"],
        scope["query_string"],
        header(scope, b"accept"),
        accepts_gzip(scope),
        scope.get("scheme"),
        header(scope, b"host"),
        scope.get("root_path", ""),
        str(scope.get("server")),  # a tuple or a list (test clients)
    )


class KeptAnswer(Response):
    """A kept answer (a list's, the search's or a page): its body and headers as first sent."""

    def __init__(self, body: bytes, raw_headers: Iterable[tuple[bytes, bytes]]) -> None:
        self.status_code = 200
        self.body = body
        self.background = None
        self.raw_headers = list(raw_headers)


class KeptAnswers:
    """The last answer made for each request (`answer_key`), with its ETag (which names the
    data version), at most `max_bytes` of bodies (0: none kept), shared by every thread of
    a worker (`app.state.kept_answers`)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._lock = threading.Lock()
        self._kept: OrderedDict[AnswerKey, tuple[str, bytes, RawHeaders]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._kept)

    def holds(self, key: AnswerKey) -> bool:
        """Whether an answer to the request `key` is kept, at any data version."""
        return key in self._kept

    def get(self, key: AnswerKey, etag: str) -> Response | None:
        """The answer to the request `key` kept under `etag`, if any."""
        with self._lock:
            found = self._kept.get(key)
            if found is None or found[0] != etag:
                return None
            self._kept.move_to_end(key)
        return KeptAnswer(found[1], found[2])

    def keep(self, key: AnswerKey, etag: str, body: bytes, headers: RawHeaders) -> None:
        """Keep the answer to the request `key` under `etag`, in place of any other."""
        if len(body) > min(self.max_bytes, MAX_ANSWER_BYTES):
            return
        with self._lock:
            previous = self._kept.pop(key, None)
            if previous is not None:
                self.size -= len(previous[1])
            self._kept[key] = (etag, body, headers)
            self.size += len(body)
            while self.size > self.max_bytes:
                _, (_, dropped, _) = self._kept.popitem(last=False)
                self.size -= len(dropped)

    def for_request(self, request: Request) -> "KeptFor":
        """The answers to `request`, as `app.api.caching.conditional` asks for them."""
        return KeptFor(self, request)


class KeptFor:
    """The answers kept for one request, by ETag (the `Kept` of app/api/caching.py)."""

    def __init__(self, answers: KeptAnswers, request: Request) -> None:
        self.answers = answers
        self.key = answer_key(request.scope)

    def get(self, etag: str) -> Response | None:
        """The answer kept for this request under `etag`, if any."""
        return self.answers.get(self.key, etag)

    def keep(self, etag: str, response: Response, request: Request) -> Response:
        """Keep `response` (compressed for a client that takes gzip); the response to send."""
        if self.answers.max_bytes == 0:
            return response
        body, headers = bytes(response.body), list(response.raw_headers)
        if accepts_gzip(request.scope):
            body, headers = gzipped(body, headers)
        self.answers.keep(self.key, etag, body, headers)
        return KeptAnswer(body, headers)


class RecentVersion:
    """The data version as a look-up of kept answers last read it, taken as current for
    `seconds` after the read began (0: read for every look-up), shared by a worker's
    threads (`app.state.recent_version`)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self._last: tuple[int, float] | None = None  # the version, when its read began

    def known(self) -> int | None:
        """The version read less than `seconds` ago, if any."""
        last = self._last
        if last is None or self.clock() - last[1] >= self.seconds:
            return None
        return last[0]

    def read(self, reader: Reader) -> int:
        """The version read now, and noted."""
        began = self.clock()
        version, _ = data_version(reader)
        last = self._last
        if last is None or began >= last[1]:  # not over a read that began later
            self._last = (version, began)
        return version


async def current_version(request: Request, reader: Reader) -> int | None:
    """The data version a kept answer or page is looked up at: the recent one, else read
    where reads belong; None when it cannot be read (the route meets the same failure and
    answers it with a problem)."""
    recent: RecentVersion = request.app.state.recent_version
    version = recent.known()
    if version is not None:
        return version

    def read() -> int | None:
        try:
            return recent.read(reader)
        except Exception:
            return None

    return await where_it_reads(request, reader, read)


async def kept_answer(request: Request, reader: Reader) -> Response | None:
    """The answer kept for `request` at the current data version, before anything parses it
    (the fast path's lists, records and search): None unless one is kept, or for a
    revalidation (`If-None-Match`, `If-Modified-Since`: the route answers it)."""
    answers: KeptAnswers = request.app.state.kept_answers
    scope = request.scope
    key = answer_key(scope)
    if not answers.holds(key):  # no read for a request never answered
        return None
    if header(scope, b"if-none-match") is not None or header(scope, b"if-modified-since"):
        return None
    version = await current_version(request, reader)
    if version is None:
        return None
    return answers.get(key, entity_tag(request, version))
