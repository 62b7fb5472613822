"""Visits: filters to SQL, compact list items and the embedded detail."""

from collections.abc import Mapping
from typing import Any

from app.db import ReadDatabase, Row, year_of
from app.queries import agreements as agreement_queries
from app.queries import meetings as meeting_queries
from app.queries.common import (
    Facet,
    Listing,
    Where,
    add_overlap,
    add_search,
    add_updated_since,
    country_ref,
    with_timestamps,
)
from app.queries.embeds import (
    PARTICIPANT_REF_COLUMNS,
    Citations,
    participant_ref,
    participations,
    statements,
    topics_for,
)

SORT_COLUMNS = {"start_date": "v.start_date", "end_date": "v.end_date", "id": "v.id"}
DEFAULT_SORT = "-start_date"

FACETS = {
    "host_country": Facet("v.host_country_code", labels="country"),
    "visitor_country": Facet("v.visitor_country_code", labels="country"),
    "year": Facet(year_of("v.start_date")),
    "kind": Facet("v.kind"),
    "topic": Facet("ft.topic_id", "JOIN visit_topic ft ON ft.visit_id = v.id", "topic"),
}

SELECT = f"""
    v.id, v.tour_id, v.leg, v.city, v.latitude, v.longitude, v.start_date, v.end_date, v.kind,
    v.summary,
    v.created_at, v.updated_at,
    v.visitor_country_code, vc.name AS visitor_country_name,
    v.host_country_code, hc.name AS host_country_name, {PARTICIPANT_REF_COLUMNS}"""

FROM = """visit v
    JOIN participant p ON p.id = v.visitor_id
    LEFT JOIN country pc ON pc.code = p.country_code
    JOIN country vc ON vc.code = v.visitor_country_code
    JOIN country hc ON hc.code = v.host_country_code"""


def filters_to_sql(criteria: Mapping[str, Any]) -> Where:
    """AND-ed conditions over `v` for every filter given."""
    where = Where()
    add_updated_since(where, "v.updated_at", criteria.get("updated_since"))
    add_search(where, "visit", "v", criteria.get("q"))
    if criteria.get("country"):
        where.add(
            "(v.visitor_country_code = :country OR v.host_country_code = :country)",
            country=criteria["country"],
        )
    if criteria.get("visitor_country"):
        where.add(
            "v.visitor_country_code = :visitor_country", visitor_country=criteria["visitor_country"]
        )
    if criteria.get("host_country"):
        where.add("v.host_country_code = :host_country", host_country=criteria["host_country"])
    if criteria.get("participant"):
        where.add(
            "(v.visitor_id = :participant OR v.id IN "
            "(SELECT visit_id FROM participation WHERE participant_id = :participant))",
            participant=criteria["participant"],
        )
    if criteria.get("tour"):
        where.add("v.tour_id = :tour", tour=criteria["tour"])
    if criteria.get("topic"):
        where.add(
            "v.id IN (SELECT visit_id FROM visit_topic WHERE topic_id = :topic)",
            topic=criteria["topic"],
        )
    if criteria.get("kind"):
        where.add("v.kind = :kind", kind=criteria["kind"])
    add_overlap(
        where, "v.start_date", "v.end_date", criteria.get("date_from"), criteria.get("date_to")
    )
    return where


def _item(row: Row, topics: list[dict[str, Any]]) -> dict[str, Any]:
    return with_timestamps(
        {
            "id": row["id"],
            "tour_id": row["tour_id"],
            "leg": row["leg"],
            "visitor": participant_ref(row),
            "visitor_country": country_ref(
                row["visitor_country_code"], row["visitor_country_name"]
            ),
            "host_country": country_ref(row["host_country_code"], row["host_country_name"]),
            "city": row["city"],
            "latitude": row["latitude"],
            "longitude": row["longitude"],
            "start_date": row["start_date"],
            "end_date": row["end_date"],
            "kind": row["kind"],
            "summary": row["summary"],
            "topics": topics,
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }
    )


def _items(db: ReadDatabase, rows: list[Row]) -> list[dict[str, Any]]:
    topics = topics_for(db, "visit", [r["id"] for r in rows])
    return [_item(row, topics.get(row["id"], [])) for row in rows]


list_visits = Listing(
    select=SELECT,
    from_=FROM,
    count_from="visit v",
    id_column="v.id",
    filters=filters_to_sql,
    shape=_items,
    facets=FACETS,
)


def visit_exists(db: ReadDatabase, visit_id: str) -> bool:
    """Whether a visit has this id."""
    return db.one("SELECT 1 AS found FROM visit WHERE id = :id", {"id": visit_id}) is not None


def get_visit(db: ReadDatabase, visit_id: str) -> dict[str, Any] | None:
    """One visit with its meetings, agreements, participants, statements and citations."""
    row = db.one(f"SELECT {SELECT} FROM {FROM} WHERE v.id = :id", {"id": visit_id})
    if row is None:
        return None
    visit = _item(row, topics_for(db, "visit", [visit_id]).get(visit_id, []))
    cited = Citations()
    by_visit = {"visit_id": visit_id}
    meetings = meeting_queries.meetings_of_visit(db, visit_id)
    visit["meetings"] = [{**m, "citations": cited.of("meeting", m["id"])} for m in meetings]
    visit["agreements"] = agreement_queries.agreements_detail(
        db, "g.visit_id = :visit_id", by_visit, cited
    )
    visit["participants"] = participations(db, "pa.visit_id = :visit_id", by_visit, cited)
    visit["statements"] = statements(db, "s.visit_id = :visit_id", by_visit, cited)
    visit["citations"] = cited.of("visit", visit_id)
    cited.fill(db)
    return visit
