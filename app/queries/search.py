"""One search box over everything: typed, ranked results with highlighted snippets."""

from typing import Any

from app.queries.common import NoSearchWords
from app.queries.listing import COUNT_CAP
from app.storage import Reader, snippet


def search(
    db: Reader, query: str, resource: str | None, after: tuple[Any, int] | None, limit: int
) -> tuple[list[dict[str, Any]], int, tuple[float, int] | None, bool]:
    """Records matching every word of `query` (as prefixes), best first: the page, the total
    (counted no further than COUNT_CAP), the next page's start, and whether the total is a
    lower bound. Only a bounded set of candidates per resource is ranked
    (`TextSearch.ranked`); each hit's snippet marks the query's words in the one field of
    the record they matched (app/storage/snippets.py)."""
    match = db.search.expression(db, query)
    if match is None:
        raise NoSearchWords(query)
    rows = db.search.ranked(db, match, resource, after, limit)
    found = db.search.count(db, resource, match, COUNT_CAP)
    next_after = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_after = (rows[-1]["score"], rows[-1]["position"])
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
    return items, min(found, COUNT_CAP), next_after, found > COUNT_CAP
