"""One search box over everything: typed, ranked results with highlighted snippets."""

from dataclasses import dataclass
from typing import Any

from app.queries.common import NoSearchWords
from app.queries.listing import COUNT_CAP
from app.storage import Reader, search_words, snippet

# Hits of `/v1/search` pages kept per reader (each with its snippet, about 0.5 KB).
PAGES_KEPT = 20_000

Key = tuple[float, int]  # a hit's (score, position): where a page of hits starts or ends


@dataclass(frozen=True)
class Hits:
    """One page of hits, best first: `first` is its first hit's key when hits come before the
    page, `last` its last hit's when hits come after it."""

    items: list[dict[str, Any]]
    total: int  # counted no further than COUNT_CAP
    capped: bool  # whether the total is a lower bound
    first: Key | None
    last: Key | None


def search(
    db: Reader, query: str, resource: str | None, after: Key | None, limit: int
) -> tuple[list[dict[str, Any]], int, Key | None, bool]:
    """Records matching every word of `query` (as prefixes), best first: the page, the total
    (counted no further than COUNT_CAP), the next page's start, and whether the total is a
    lower bound. Only a bounded set of candidates per resource is ranked
    (`TextSearch.ranked`); each hit's snippet marks the query's words in the one field of
    the record they matched (app/storage/snippets.py)."""
    hits = search_page(db, query, resource, after, None, limit)
    return hits.items, hits.total, hits.last, hits.capped


def search_page(
    db: Reader,
    query: str,
    resource: str | None,
    after: Key | None,
    before: Key | None,
    limit: int,
) -> Hits:
    """The page of hits after the key `after` (the first page when None) or, given `before`,
    the page of hits just before that key: what `search` reads, both ways.

    A page depends on the query's words alone (the match and the snippets are made from
    them), so it is kept per data version (`PAGES_KEPT` hits at most, over every page kept):
    a query asked again costs a look-up, not its snippets. Callers must not modify it."""
    words = tuple(search_words(query))
    kept = db.kept(
        ("search page", words, resource, after, before, limit),
        lambda: [{"hits": _search_page(db, query, resource, after, before, limit)}],
        db.memo.part("search pages", PAGES_KEPT),
        lambda rows: 1 + len(rows[0]["hits"].items),
    )
    hits: Hits = kept[0]["hits"]
    return hits


def _search_page(
    db: Reader,
    query: str,
    resource: str | None,
    after: Key | None,
    before: Key | None,
    limit: int,
) -> Hits:
    match = db.search.expression(db, query)
    if match is None:
        raise NoSearchWords(query)
    rows = db.search.ranked(db, match, resource, after, limit, before)
    found = db.search.count(db, resource, match, COUNT_CAP)
    if before is not None:
        more_before, more_after = len(rows) > limit, bool(rows)
        rows = rows[-limit:]
    else:
        more_before, more_after = after is not None and bool(rows), len(rows) > limit
        rows = rows[:limit]
    items = [
        {
            "resource": row["resource"],
            "id": row["record_id"],
            "title": row["title"],
            "snippet": snippet(query, row["title"], row["body"]),
            "score": round(row["score"], 6),
        }
        for row in rows
    ]
    return Hits(
        items,
        min(found, COUNT_CAP),
        found > COUNT_CAP,
        (rows[0]["score"], rows[0]["position"]) if more_before else None,
        (rows[-1]["score"], rows[-1]["position"]) if more_after else None,
    )
