"""What the dataset holds and how it changed: counts, sources, version, deletions."""

from typing import Any

from app.queries.common import timestamp
from app.storage import Reader

COUNTED = {
    "visits": "visit",
    "meetings": "meeting",
    "agreements": "agreement",
    "participants": "participant",
    "tours": "tour",
    "statements": "statement",
    "citations": "citation",
    "sources": "source",
    "topics": "topic",
    "countries": "country",
}


def dataset_summary(db: Reader) -> dict[str, Any]:
    """The data version, record counts per resource, and every source with its licence."""
    counted = db.memoised(
        "SELECT "
        + ", ".join(f"(SELECT count(*) FROM {table}) AS {name}" for name, table in COUNTED.items())
    )
    version = db.one("SELECT version, changed_at FROM data_version WHERE id = 1")
    sources = db.memoised(
        "SELECT s.id, s.title, s.publisher, s.url, s.license, "
        "(SELECT count(*) FROM citation c WHERE c.source_id = s.id) AS citation_count "
        "FROM source s ORDER BY s.id"
    )
    return {
        "version": int(version["version"]) if version else 0,
        "changed_at": timestamp(version["changed_at"]) if version else None,
        "counts": counted[0] if counted else {},
        "sources": sources,
    }


def datasets(db: Reader) -> list[dict[str, Any]]:
    """Each dataset loaded (the seed, an import), by name, with how many visits and sources
    it holds."""
    return db.memoised(
        "SELECT dataset AS name, sum(visits) AS visits, sum(sources) AS sources FROM ("
        "SELECT dataset, count(*) AS visits, 0 AS sources FROM visit GROUP BY dataset "
        "UNION ALL SELECT dataset, 0, count(*) FROM source GROUP BY dataset) "
        "GROUP BY dataset ORDER BY dataset"
    )


def list_deletions(
    db: Reader, since: Any, after: int | None, limit: int
) -> tuple[list[dict[str, Any]], int, int | None]:
    """Records deleted at or after `since`, oldest first, keyset-paged by sequence."""
    params: dict[str, Any] = {"since": since, "page_limit": limit + 1}
    keyset = ""
    if after is not None:
        keyset = " AND seq > :after"
        params["after"] = after
    rows = db.rows(
        "SELECT seq, record_id, resource, deleted_at FROM deletion "
        f"WHERE deleted_at >= :since{keyset} ORDER BY seq LIMIT :page_limit",
        params,
    )
    total = int(
        db.memoised_scalar(
            "SELECT count(*) FROM deletion WHERE deleted_at >= :since", {"since": params["since"]}
        )
    )
    next_after = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_after = int(rows[-1]["seq"])
    items = [
        {"id": r["record_id"], "resource": r["resource"], "deleted_at": timestamp(r["deleted_at"])}
        for r in rows
    ]
    return items, total, next_after
