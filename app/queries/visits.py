"""Visits: how they are listed, and their list items and details as the load stores them."""

from typing import Any

from app.queries import agreements as agreement_queries
from app.queries import meetings as meeting_queries
from app.queries.citing import Citations
from app.queries.claims import disputed_key, with_claims, with_disputed
from app.queries.common import Gzipped, country_ref, stored_detail, with_timestamps
from app.queries.embeds import (
    grouped,
    participations,
    statements,
    topics_for,
    with_sources,
)
from app.queries.events import code_key, with_codes
from app.queries.listing import Arms, Listing, Span, Year
from app.storage import Reader

SORT_COLUMNS = {
    "start_date": "start_date",
    "end_date": "end_date",
    "host_country": "host_country_code",
    "visitor_country": "visitor_country_code",
    "city": "city",
    "id": "id",
}

list_visits = Listing(
    resource="visit",
    sort_columns=SORT_COLUMNS,
    default_sort="-start_date",
    keys={
        "country": Arms(
            (
                "SELECT id, visitor_country_code AS value FROM visit",
                "SELECT id, host_country_code AS value FROM visit",
            )
        ),
        "visitor_country": "SELECT id, visitor_country_code AS value FROM visit",
        "host_country": "SELECT id, host_country_code AS value FROM visit",
        # The visitor, and anyone who took part in the visit or one of its meetings.
        "participant": Arms(
            (
                "SELECT id, visitor_id AS value FROM visit",
                "SELECT visit_id AS id, participant_id AS value FROM participation",
            )
        ),
        "tour": "SELECT id, tour_id AS value FROM visit WHERE tour_id IS NOT NULL",
        "topic": "SELECT visit_id AS id, topic_id AS value FROM visit_topic",
        "kind": "SELECT id, kind AS value FROM visit",
        "year": Year("start_date"),
        "disputed": disputed_key("visit"),
        "cameo": code_key("visit", "cameo"),
        "plover": code_key("visit", "plover"),
    },
    facets=("host_country", "visitor_country", "year", "kind", "topic"),
    span=Span("start_date", "end_date"),
    labels={"host_country": "country", "visitor_country": "country", "topic": "topic"},
)


def visit_exists(db: Reader, visit_id: str) -> bool:
    """Whether a visit has this id."""
    return db.one("SELECT 1 AS found FROM visit WHERE id = :id", {"id": visit_id}) is not None


def get_visit(db: Reader, visit_id: str) -> Gzipped | None:
    """One visit with its meetings, agreements, participants, statements and citations, as
    stored (`details` built it when the data was loaded)."""
    return stored_detail(db, "visit", visit_id)


def items(db: Reader, ids: list[str], coded: bool = False) -> list[dict[str, Any]]:
    """Visits as list items (VisitPublic), built from the tables; with their event codes
    when `coded` (the details': a list item is compact)."""
    rows = db.rows(
        "SELECT v.id, v.tour_id, v.leg, v.visitor_id, p.name AS visitor_name, "
        "p.country_code AS visitor_own_country, pc.name AS visitor_own_country_name, "
        "v.visitor_country_code, vc.name AS visitor_country_name, v.host_country_code, "
        "hc.name AS host_country_name, v.city, v.latitude, v.longitude, v.start_date, "
        "v.end_date, v.kind, v.summary, v.created_at, v.updated_at "
        "FROM visit v JOIN participant p ON p.id = v.visitor_id "
        "LEFT JOIN country pc ON pc.code = p.country_code "
        "JOIN country vc ON vc.code = v.visitor_country_code "
        "JOIN country hc ON hc.code = v.host_country_code "
        f"WHERE v.id {db.dialect.in_list('ids')} ORDER BY v.id",
        {"ids": db.dialect.list_param(ids)},
    )
    topics = topics_for(db, "visit", ids)
    built = [
        with_timestamps(
            {
                "id": row["id"],
                "tour_id": row["tour_id"],
                "leg": row["leg"],
                "visitor": {
                    "id": row["visitor_id"],
                    "name": row["visitor_name"],
                    "country": country_ref(
                        row["visitor_own_country"], row["visitor_own_country_name"]
                    ),
                },
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
                "topics": topics.get(row["id"], []),
                "created_at": row["created_at"],
                "updated_at": row["updated_at"],
            }
        )
        for row in rows
    ]
    return with_sources(
        db, "visit", with_disputed(db, "visit", with_codes(db, "visit", built) if coded else built)
    )


def details(db: Reader, ids: list[str]) -> list[dict[str, Any]]:
    """Visits with their meetings, agreements, participants, statements and citations
    (VisitDetail), built from the tables: one statement per kind of embedded record for all
    of `ids`, and one for every citation."""
    cited = Citations()
    in_ids = {"ids": db.dialect.list_param(ids)}
    of_these = db.dialect.in_list("ids")
    meetings = grouped(meeting_queries.of_visits(db, ids), _visit_id)
    agreements = grouped(
        agreement_queries.agreements_detail(db, f"g.visit_id {of_these}", in_ids, cited),
        _visit_id,
    )
    people = grouped(participations(db, f"pa.visit_id {of_these}", in_ids, cited), _visit_id)
    said = grouped(statements(db, f"s.visit_id {of_these}", in_ids, cited), _visit_id)
    built = []
    for visit in items(db, ids, coded=True):
        visit_id = visit["id"]
        visit["meetings"] = [
            {**meeting, "citations": cited.of("meeting", meeting["id"])}
            for meeting in meetings.get(visit_id, [])
        ]
        visit["agreements"] = agreements.get(visit_id, [])
        visit["participants"] = people.get(visit_id, [])
        visit["statements"] = said.get(visit_id, [])
        visit["citations"] = cited.of("visit", visit_id)
        built.append(visit)
    with_claims(db, "visit", built, cited)
    cited.fill(db)
    return built


def _visit_id(record: dict[str, Any]) -> str:
    visit_id: str = record["visit_id"]
    return visit_id
