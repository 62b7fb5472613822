"""`ETagCache`: the last body and validator of each URL, least recently used out first."""

import pytest

from diplomatic_visits_client import ETagCache
from diplomatic_visits_client.cache import CachedResponse

pytestmark = pytest.mark.backend_independent(reason="the client's cache, over fakes")


def test_stores_and_returns_by_url() -> None:
    cache = ETagCache()
    cache.put("http://api/v1/visits", '"1-a"', b"{}")
    assert cache.get("http://api/v1/visits") == CachedResponse('"1-a"', b"{}")
    assert cache.get("http://api/v1/tours") is None


def test_evicts_the_least_recently_used() -> None:
    cache = ETagCache(max_entries=2)
    cache.put("a", '"1"', b"a")
    cache.put("b", '"1"', b"b")
    assert cache.get("a") is not None  # "b" is now the least recently used
    cache.put("c", '"1"', b"c")
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (
        CachedResponse('"1"', b"a"),
        None,
        CachedResponse('"1"', b"c"),
    )
    assert len(cache) == 2


def test_discard_and_clear() -> None:
    cache = ETagCache()
    cache.put("a", '"1"', b"a")
    cache.put("b", '"1"', b"b")
    cache.discard("a")
    cache.discard("never stored")
    assert len(cache) == 1
    cache.clear()
    assert len(cache) == 0


def test_needs_room_for_one_entry() -> None:
    with pytest.raises(ValueError, match="max_entries"):
        ETagCache(max_entries=0)
