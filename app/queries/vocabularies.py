"""Countries, topics and sources: the vocabularies and provenance behind every record."""

from collections.abc import Mapping
from typing import Any

from app.db import ReadDatabase, Row
from app.queries.common import (
    Page,
    Sort,
    Where,
    add_search,
    add_updated_since,
    fetch_page,
    with_timestamps,
)

COUNTRY_SORT_COLUMNS = {"code": "c.code", "name": "c.name"}
COUNTRY_SELECT = """c.code AS id, c.code, c.alpha3, c.name, c.created_at, c.updated_at,
    (SELECT count(*) FROM visit WHERE visitor_country_code = c.code) AS visits_made,
    (SELECT count(*) FROM visit WHERE host_country_code = c.code) AS visits_hosted"""

TOPIC_SORT_COLUMNS = {"name": "t.name", "id": "t.id"}
TOPIC_SELECT = """t.id, t.name, t.created_at, t.updated_at,
    (SELECT count(*) FROM visit_topic WHERE topic_id = t.id) AS visit_count,
    (SELECT count(*) FROM meeting_topic WHERE topic_id = t.id) AS meeting_count,
    (SELECT count(*) FROM agreement_topic WHERE topic_id = t.id) AS agreement_count"""

SOURCE_SORT_COLUMNS = {"published_on": "s.published_on", "id": "s.id"}
SOURCE_SELECT = """s.id, s.kind, s.title, s.publisher, s.published_on, s.dateline, s.url,
    s.language, s.license, s.created_at, s.updated_at,
    (SELECT count(*) FROM citation WHERE source_id = s.id) AS citation_count"""


def _country_item(row: Row) -> dict[str, Any]:
    del row["id"]
    return with_timestamps(row)


def list_countries(
    db: ReadDatabase,
    criteria: Mapping[str, Any],
    sort: Sort,
    after: tuple[Any, str] | None,
    limit: int,
    count: bool = True,
) -> tuple[list[dict[str, Any]], Page]:
    """A page of countries with their visit counts."""
    where = Where()
    add_search(where, "country", "c.code", criteria.get("q"))
    add_updated_since(where, "c.updated_at", criteria.get("updated_since"))
    if criteria.get("has_visits"):
        where.add(
            "(c.code IN (SELECT visitor_country_code FROM visit) "
            "OR c.code IN (SELECT host_country_code FROM visit))"
        )
    page = fetch_page(
        db,
        select=COUNTRY_SELECT,
        from_="country c",
        id_column="c.code",
        where=where,
        sort=sort,
        after=after,
        limit=limit,
        count=count,
    )
    return [_country_item(row) for row in page.rows], page


def get_country(db: ReadDatabase, code: str) -> dict[str, Any] | None:
    """One country with its visit counts."""
    row = db.one(f"SELECT {COUNTRY_SELECT} FROM country c WHERE c.code = :code", {"code": code})
    return None if row is None else _country_item(row)


def list_topics(
    db: ReadDatabase,
    criteria: Mapping[str, Any],
    sort: Sort,
    after: tuple[Any, str] | None,
    limit: int,
    count: bool = True,
) -> tuple[list[dict[str, Any]], Page]:
    """A page of topics with how many records carry each."""
    where = Where()
    add_search(where, "topic", "t.id", criteria.get("q"))
    add_updated_since(where, "t.updated_at", criteria.get("updated_since"))
    page = fetch_page(
        db,
        select=TOPIC_SELECT,
        from_="topic t",
        id_column="t.id",
        where=where,
        sort=sort,
        after=after,
        limit=limit,
        count=count,
    )
    return [with_timestamps(row) for row in page.rows], page


def list_sources(
    db: ReadDatabase,
    criteria: Mapping[str, Any],
    sort: Sort,
    after: tuple[Any, str] | None,
    limit: int,
    count: bool = True,
) -> tuple[list[dict[str, Any]], Page]:
    """A page of sources with how many citations point to each."""
    where = Where()
    add_search(where, "source", "s.id", criteria.get("q"))
    add_updated_since(where, "s.updated_at", criteria.get("updated_since"))
    if criteria.get("kind"):
        where.add("s.kind = :kind", kind=criteria["kind"])
    page = fetch_page(
        db,
        select=SOURCE_SELECT,
        from_="source s",
        id_column="s.id",
        where=where,
        sort=sort,
        after=after,
        limit=limit,
        count=count,
    )
    return [with_timestamps(row) for row in page.rows], page


def get_source(db: ReadDatabase, source_id: str) -> dict[str, Any] | None:
    """One source with its full text where held."""
    row = db.one(
        f"SELECT {SOURCE_SELECT}, s.text FROM source s WHERE s.id = :id", {"id": source_id}
    )
    return None if row is None else with_timestamps(row)
