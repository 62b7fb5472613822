"""Countries, topics and sources: the vocabularies and provenance behind every record, how
they are listed, and their list items (with counts) as the load stores them."""

from collections.abc import Mapping
from typing import Any

from app.queries.citing import Citations
from app.queries.claims import disputed_key, with_claims, with_disputed
from app.queries.common import Gzipped, Where, stored_detail, with_timestamps
from app.queries.listing import Listing
from app.storage import Reader

COUNTRY_SORT_COLUMNS = {"code": "code", "name": "name"}
TOPIC_SORT_COLUMNS = {"name": "name", "id": "id"}
SOURCE_SORT_COLUMNS = {"published_on": "published_on", "id": "id"}


def _country_conditions(criteria: Mapping[str, Any]) -> Where:
    where = Where()
    if criteria.get("has_visits"):
        # About 250 countries: each is looked up in the visits' country indexes.
        where.add(
            "(EXISTS (SELECT 1 FROM visit WHERE visitor_country_code = r.code) "
            "OR EXISTS (SELECT 1 FROM visit WHERE host_country_code = r.code))"
        )
    return where


list_countries = Listing(
    resource="country",
    sort_columns=COUNTRY_SORT_COLUMNS,
    default_sort="code",
    conditions=_country_conditions,
    id_column="code",
    keys={"disputed": disputed_key("country", id_column="code")},
)
list_topics = Listing(
    resource="topic",
    sort_columns=TOPIC_SORT_COLUMNS,
    default_sort="name",
    keys={"disputed": disputed_key("topic")},
)
list_sources = Listing(
    resource="source",
    sort_columns=SOURCE_SORT_COLUMNS,
    default_sort="-published_on",
    keys={"kind": "SELECT id, kind AS value FROM source", "disputed": disputed_key("source")},
)


def get_country(db: Reader, code: str) -> Gzipped | None:
    """One country with its visit counts and claims, as stored."""
    return stored_detail(db, "country", code)


def get_source(db: Reader, source_id: str) -> Gzipped | None:
    """One source with its full text where held, as stored."""
    return stored_detail(db, "source", source_id)


def country_items(db: Reader, codes: list[str]) -> list[dict[str, Any]]:
    """Countries with how many visits each made and hosted (CountryPublic)."""
    rows = db.rows(
        "SELECT c.code, c.alpha3, c.name, c.created_at, c.updated_at, "
        "(SELECT count(*) FROM visit WHERE visitor_country_code = c.code) AS visits_made, "
        "(SELECT count(*) FROM visit WHERE host_country_code = c.code) AS visits_hosted "
        f"FROM country c WHERE c.code {db.dialect.in_list('ids')} ORDER BY c.code",
        {"ids": db.dialect.list_param(codes)},
    )
    return with_disputed(db, "country", [with_timestamps(row) for row in rows], id_key="code")


def country_details(db: Reader, codes: list[str]) -> list[dict[str, Any]]:
    """Countries with their visit counts and claims (CountryDetail)."""
    cited = Citations()
    built = with_claims(db, "country", country_items(db, codes), cited, id_key="code")
    cited.fill(db)
    return built


def topic_items(db: Reader, ids: list[str]) -> list[dict[str, Any]]:
    """Topics with how many visits, meetings and agreements carry each (TopicPublic)."""
    rows = db.rows(
        "SELECT t.id, t.name, t.created_at, t.updated_at, "
        "(SELECT count(*) FROM visit_topic WHERE topic_id = t.id) AS visit_count, "
        "(SELECT count(*) FROM meeting_topic WHERE topic_id = t.id) AS meeting_count, "
        "(SELECT count(*) FROM agreement_topic WHERE topic_id = t.id) AS agreement_count "
        f"FROM topic t WHERE t.id {db.dialect.in_list('ids')} ORDER BY t.id",
        {"ids": db.dialect.list_param(ids)},
    )
    return with_disputed(db, "topic", [with_timestamps(row) for row in rows])


_SOURCE_SELECT = """s.id, s.kind, s.title, s.publisher, s.published_on, s.dateline, s.url,
    s.language, s.license, s.created_at, s.updated_at,
    (SELECT count(*) FROM citation WHERE source_id = s.id) AS citation_count"""


def _sources(db: Reader, ids: list[str], text: str = "") -> list[dict[str, Any]]:
    rows = db.rows(
        f"SELECT {_SOURCE_SELECT}{text} FROM source s WHERE s.id {db.dialect.in_list('ids')} "
        "ORDER BY s.id",
        {"ids": db.dialect.list_param(ids)},
    )
    return with_disputed(db, "source", [with_timestamps(row) for row in rows])


def source_items(db: Reader, ids: list[str]) -> list[dict[str, Any]]:
    """Sources with how many citations each has (SourcePublic)."""
    return _sources(db, ids)


def source_details(db: Reader, ids: list[str]) -> list[dict[str, Any]]:
    """Sources with their full text where held (SourceDetail)."""
    cited = Citations()
    built = with_claims(db, "source", _sources(db, ids, ", s.text"), cited)
    cited.fill(db)
    return built
