"""Meetings: filters to SQL, list items and the detail with participants and statements."""

from collections.abc import Mapping
from typing import Any

from app.queries.common import (
    Facet,
    Listing,
    Where,
    add_overlap,
    add_search,
    add_updated_since,
    with_timestamps,
)
from app.queries.embeds import Citations, participations, statements, topics_for
from app.storage import Reader, Row, year_of

SORT_COLUMNS = {"date": "m.date", "id": "m.id"}
DEFAULT_SORT = "date"

FACETS = {
    "kind": Facet("m.kind"),
    "year": Facet(year_of("m.date")),
    "topic": Facet("ft.topic_id", "JOIN meeting_topic ft ON ft.meeting_id = m.id", "topic"),
    "host_country": Facet("fv.host_country_code", "JOIN visit fv ON fv.id = m.visit_id", "country"),
}

SELECT = """m.id, m.visit_id, m.kind, m.title, m.date, m.venue, m.city, m.summary,
    m.created_at, m.updated_at"""
FROM = "meeting m"


def filters_to_sql(criteria: Mapping[str, Any]) -> Where:
    """AND-ed conditions over `m` for every filter given."""
    where = Where()
    add_updated_since(where, "m.updated_at", criteria.get("updated_since"))
    add_search(where, "meeting", "m", criteria.get("q"))
    if criteria.get("visit"):
        where.add("m.visit_id = :visit", visit=criteria["visit"])
    visit_conditions = []
    if criteria.get("country"):
        visit_conditions.append(
            "(v.visitor_country_code = :country OR v.host_country_code = :country)"
        )
        where.params["country"] = criteria["country"]
    if criteria.get("visitor_country"):
        visit_conditions.append("v.visitor_country_code = :visitor_country")
        where.params["visitor_country"] = criteria["visitor_country"]
    if criteria.get("host_country"):
        visit_conditions.append("v.host_country_code = :host_country")
        where.params["host_country"] = criteria["host_country"]
    if criteria.get("tour"):
        visit_conditions.append("v.tour_id = :tour")
        where.params["tour"] = criteria["tour"]
    if visit_conditions:
        where.conditions.append(
            f"m.visit_id IN (SELECT v.id FROM visit v WHERE {' AND '.join(visit_conditions)})"
        )
    if criteria.get("participant"):
        where.add(
            "m.id IN (SELECT meeting_id FROM participation WHERE participant_id = :participant)",
            participant=criteria["participant"],
        )
    if criteria.get("topic"):
        where.add(
            "m.id IN (SELECT meeting_id FROM meeting_topic WHERE topic_id = :topic)",
            topic=criteria["topic"],
        )
    if criteria.get("kind"):
        where.add("m.kind = :kind", kind=criteria["kind"])
    add_overlap(where, "m.date", "m.date", criteria.get("date_from"), criteria.get("date_to"))
    return where


def _items(db: Reader, rows: list[Row]) -> list[dict[str, Any]]:
    topics = topics_for(db, "meeting", [r["id"] for r in rows])
    return [with_timestamps({**row, "topics": topics.get(row["id"], [])}) for row in rows]


list_meetings = Listing(
    select=SELECT,
    from_=FROM,
    id_column="m.id",
    filters=filters_to_sql,
    shape=_items,
    facets=FACETS,
)


def meetings_of_visit(db: Reader, visit_id: str) -> list[dict[str, Any]]:
    """Every meeting of a visit in the list order (by date, undated first), as list items."""
    rows = db.rows(
        f"SELECT {SELECT} FROM {FROM} WHERE m.visit_id = :visit_id "
        "ORDER BY m.date ASC NULLS FIRST, m.id",
        {"visit_id": visit_id},
    )
    return _items(db, rows)


def get_meeting(db: Reader, meeting_id: str) -> dict[str, Any] | None:
    """One meeting with its participants, statements, agreements and citations."""
    row = db.one(f"SELECT {SELECT} FROM {FROM} WHERE m.id = :id", {"id": meeting_id})
    if row is None:
        return None
    (meeting,) = _items(db, [row])
    cited = Citations()
    by_meeting = {"meeting_id": meeting_id}
    meeting["participants"] = participations(db, "pa.meeting_id = :meeting_id", by_meeting, cited)
    meeting["statements"] = statements(db, "s.meeting_id = :meeting_id", by_meeting, cited)
    meeting["agreement_ids"] = [
        r["id"]
        for r in db.rows(
            "SELECT id FROM agreement WHERE meeting_id = :meeting_id ORDER BY id", by_meeting
        )
    ]
    meeting["citations"] = cited.of("meeting", meeting_id)
    cited.fill(db)
    return meeting
