"""Countries, topics and sources: the vocabularies and provenance behind every record."""

from collections.abc import Mapping
from typing import Any

from app.queries.common import Listing, Where, add_search, add_updated_since, with_timestamps
from app.storage import Reader, Row

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


def _searchable(resource: str, alias: str, criteria: Mapping[str, Any]) -> Where:
    where = Where()
    add_search(where, resource, alias, criteria.get("q"))
    add_updated_since(where, f"{alias}.updated_at", criteria.get("updated_since"))
    return where


def country_filters(criteria: Mapping[str, Any]) -> Where:
    """AND-ed conditions over `c` for every filter given."""
    where = _searchable("country", "c", criteria)
    if criteria.get("has_visits"):
        where.add(
            "(c.code IN (SELECT visitor_country_code FROM visit) "
            "OR c.code IN (SELECT host_country_code FROM visit))"
        )
    return where


def topic_filters(criteria: Mapping[str, Any]) -> Where:
    """AND-ed conditions over `t` for every filter given."""
    return _searchable("topic", "t", criteria)


def source_filters(criteria: Mapping[str, Any]) -> Where:
    """AND-ed conditions over `s` for every filter given."""
    where = _searchable("source", "s", criteria)
    if criteria.get("kind"):
        where.add("s.kind = :kind", kind=criteria["kind"])
    return where


def _country_items(_db: Reader, rows: list[Row]) -> list[dict[str, Any]]:
    for row in rows:
        del row["id"]  # selected only as the keyset's tie-breaker
    return [with_timestamps(row) for row in rows]


def _plain_items(_db: Reader, rows: list[Row]) -> list[dict[str, Any]]:
    return [with_timestamps(row) for row in rows]


list_countries = Listing(
    select=COUNTRY_SELECT,
    from_="country c",
    id_column="c.code",
    filters=country_filters,
    shape=_country_items,
)
list_topics = Listing(
    select=TOPIC_SELECT,
    from_="topic t",
    id_column="t.id",
    filters=topic_filters,
    shape=_plain_items,
)
list_sources = Listing(
    select=SOURCE_SELECT,
    from_="source s",
    id_column="s.id",
    filters=source_filters,
    shape=_plain_items,
)


def get_country(db: Reader, code: str) -> dict[str, Any] | None:
    """One country with its visit counts."""
    row = db.one(f"SELECT {COUNTRY_SELECT} FROM country c WHERE c.code = :code", {"code": code})
    return None if row is None else _country_items(db, [row])[0]


def get_source(db: Reader, source_id: str) -> dict[str, Any] | None:
    """One source with its full text where held."""
    row = db.one(
        f"SELECT {SOURCE_SELECT}, s.text FROM source s WHERE s.id = :id", {"id": source_id}
    )
    return None if row is None else with_timestamps(row)
