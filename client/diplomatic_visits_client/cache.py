"""Conditional requests: the last body and `ETag` of each URL, so a 304 costs no body."""

import threading
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class CachedResponse:
    """A stored response: its validator and its body."""

    etag: str
    content: bytes


class ETagCache:
    """An in-memory, least-recently-used store of response bodies keyed by URL.

    The client sends `If-None-Match` with the stored `ETag` of a URL it has fetched before;
    on `304 Not Modified` it decodes the stored body instead. The cache never serves a body
    without asking the server first, so it is always as fresh as a plain request. It is safe
    to share between clients and threads.
    """

    def __init__(self, max_entries: int = 256) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self._entries: OrderedDict[str, CachedResponse] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, url: str) -> CachedResponse | None:
        """The stored response for `url`, if any (and mark it recently used)."""
        with self._lock:
            entry = self._entries.get(url)
            if entry is not None:
                self._entries.move_to_end(url)
            return entry

    def put(self, url: str, etag: str, content: bytes) -> None:
        """Store the body and `ETag` of `url`, evicting the least recently used beyond the cap."""
        with self._lock:
            self._entries[url] = CachedResponse(etag, content)
            self._entries.move_to_end(url)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def discard(self, url: str) -> None:
        """Forget `url`."""
        with self._lock:
            self._entries.pop(url, None)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
