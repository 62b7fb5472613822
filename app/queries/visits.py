"""Visits: filters to SQL, compact list items (stored documents) and the embedded detail."""

from collections.abc import Mapping
from typing import Any

from app.documents import DOCUMENT_FROM
from app.queries import agreements as agreement_queries
from app.queries import meetings as meeting_queries
from app.queries.common import (
    Encoded,
    Facet,
    Gzipped,
    Listing,
    Where,
    add_overlap,
    add_search,
    add_updated_since,
)
from app.queries.embeds import Citations, participations, statements
from app.storage import Reader, Row, year_of

SORT_COLUMNS = {"start_date": "v.start_date", "end_date": "v.end_date", "id": "v.id"}
DEFAULT_SORT = "-start_date"

FACETS = {
    "host_country": Facet("v.host_country_code", labels="country"),
    "visitor_country": Facet("v.visitor_country_code", labels="country"),
    "year": Facet(year_of("v.start_date")),
    "kind": Facet("v.kind"),
    "topic": Facet("ft.topic_id", "JOIN visit_topic ft ON ft.visit_id = v.id", "topic"),
}


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


def _encoded(_db: Reader, rows: list[Row]) -> list[Encoded]:
    return [Encoded(row.get("item"), row.get("csv_row")) for row in rows]


list_visits = Listing(
    select="d.item, v.id",
    csv_select="d.csv_row, v.id",
    from_=DOCUMENT_FROM,
    count_from="visit v",
    id_column="v.id",
    filters=filters_to_sql,
    shape=_encoded,
    facets=FACETS,
    searched_as="visit",
)


def visit_exists(db: Reader, visit_id: str) -> bool:
    """Whether a visit has this id."""
    return db.one("SELECT 1 AS found FROM visit WHERE id = :id", {"id": visit_id}) is not None


def get_visit(db: Reader, visit_id: str) -> Gzipped | None:
    """One visit with its meetings, agreements, participants, statements and citations, as
    stored (`visit_detail` built it when the data was loaded: app/documents.py)."""
    row = db.one(
        "SELECT d.detail FROM visit v JOIN visit_detail d ON d.visit_rowid = v.rowid "
        "WHERE v.id = :id",
        {"id": visit_id},
    )
    return None if row is None else Gzipped(row["detail"])


def visit_detail(db: Reader, visit_id: str) -> dict[str, Any] | None:
    """One visit with its meetings, agreements, participants, statements and citations, built
    from the tables (for the stored details)."""
    row = db.one(f"SELECT d.item FROM {DOCUMENT_FROM} WHERE v.id = :id", {"id": visit_id})
    if row is None:
        return None
    visit = Encoded(row["item"]).decoded()
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
