"""One search box over everything: typed, ranked results with highlighted snippets."""

from typing import Any

from app.queries.common import NoSearchWords
from app.search import SEARCH_COUNT_SQL, match_expression, search_page_sql
from app.storage import Reader


def search(
    db: Reader, query: str, resource: str | None, after: tuple[Any, int] | None, limit: int
) -> tuple[list[dict[str, Any]], int, tuple[float, int] | None]:
    """Records matching every word of `query` (as prefixes), best first."""
    expression = match_expression(query, resource)
    if expression is None:
        raise NoSearchWords(query)
    params: dict[str, Any] = {"match": expression, "page_limit": limit + 1}
    if after is not None:
        params["after_rank"], params["after_rowid"] = after
    rows = db.rows(search_page_sql(after is not None), params)
    total = int(db.memoised_scalar(SEARCH_COUNT_SQL, {"match": expression}))
    next_after = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_after = (rows[-1]["rank"], rows[-1]["position"])
    items = [
        {
            "resource": row["resource"],
            "id": row["record_id"],
            "title": row["title"],
            "snippet": row["snippet"],
            "score": round(-row["rank"], 6),
        }
        for row in rows
    ]
    return items, total, next_after
