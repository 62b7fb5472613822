"""Meetings: how they are listed, and their list items and details as the load stores them."""

from collections import defaultdict
from typing import Any

from app.queries.citing import Citations
from app.queries.claims import disputed_key, with_claims, with_disputed
from app.queries.common import Gzipped, stored_detail, with_timestamps
from app.queries.embeds import (
    grouped,
    participations,
    statements,
    topics_for,
    with_sources,
)
from app.queries.events import code_key, with_codes
from app.queries.listing import Arms, Listing, Span, Year
from app.storage import Reader, Row

SORT_COLUMNS = {"date": "date", "id": "id"}

# A meeting is listed under its visit's countries and tour.
_OF_VISIT = "SELECT m.id, v.{column} AS value FROM meeting m JOIN visit v ON v.id = m.visit_id"

list_meetings = Listing(
    resource="meeting",
    sort_columns=SORT_COLUMNS,
    default_sort="date",
    keys={
        "visit": "SELECT id, visit_id AS value FROM meeting",
        "country": Arms(
            (
                _OF_VISIT.format(column="visitor_country_code"),
                _OF_VISIT.format(column="host_country_code"),
            )
        ),
        "visitor_country": _OF_VISIT.format(column="visitor_country_code"),
        "host_country": _OF_VISIT.format(column="host_country_code"),
        "tour": f"{_OF_VISIT.format(column='tour_id')} WHERE v.tour_id IS NOT NULL",
        "participant": "SELECT meeting_id AS id, participant_id AS value FROM participation "
        "WHERE meeting_id IS NOT NULL",
        "topic": "SELECT meeting_id AS id, topic_id AS value FROM meeting_topic",
        "kind": "SELECT id, kind AS value FROM meeting",
        "year": Year("date"),
        "disputed": disputed_key("meeting"),
        "cameo": code_key("meeting", "cameo"),
        "plover": code_key("meeting", "plover"),
    },
    facets=("kind", "year", "topic", "host_country"),
    span=Span("date", "date"),
    labels={"host_country": "country", "topic": "topic"},
)

SELECT = """m.id, m.visit_id, m.kind, m.title, m.date, m.venue, m.city, m.summary,
    m.created_at, m.updated_at"""


def get_meeting(db: Reader, meeting_id: str) -> Gzipped | None:
    """One meeting with its participants, statements, agreements and citations, as stored."""
    return stored_detail(db, "meeting", meeting_id)


def _items(db: Reader, rows: list[Row], coded: bool) -> list[dict[str, Any]]:
    topics = topics_for(db, "meeting", [r["id"] for r in rows])
    built = [with_timestamps({**row, "topics": topics.get(row["id"], [])}) for row in rows]
    return with_sources(
        db,
        "meeting",
        with_disputed(db, "meeting", with_codes(db, "meeting", built) if coded else built),
    )


def items(db: Reader, ids: list[str], coded: bool = False) -> list[dict[str, Any]]:
    """Meetings as list items (MeetingPublic), built from the tables; with their event codes
    when `coded` (the details': a list item is compact)."""
    rows = db.rows(
        f"SELECT {SELECT} FROM meeting m WHERE m.id {db.dialect.in_list('ids')} ORDER BY m.id",
        {"ids": db.dialect.list_param(ids)},
    )
    return _items(db, rows, coded)


def of_visits(db: Reader, visit_ids: list[str]) -> list[dict[str, Any]]:
    """Every meeting of these visits, as list items with their event codes, by visit then in
    the list order (by date, undated first)."""
    rows = db.rows(
        f"SELECT {SELECT} FROM meeting m WHERE m.visit_id {db.dialect.in_list('ids')} "
        "ORDER BY m.visit_id, m.date ASC NULLS FIRST, m.id",
        {"ids": db.dialect.list_param(visit_ids)},
    )
    return _items(db, rows, coded=True)


def details(db: Reader, ids: list[str]) -> list[dict[str, Any]]:
    """Meetings with their participants, statements, agreements and citations
    (MeetingDetail), built from the tables."""
    cited = Citations()
    in_ids = {"ids": db.dialect.list_param(ids)}
    of_these = db.dialect.in_list("ids")
    people = grouped(participations(db, f"pa.meeting_id {of_these}", in_ids, cited), _meeting_id)
    said = grouped(statements(db, f"s.meeting_id {of_these}", in_ids, cited), _meeting_id)
    signed: dict[str, list[str]] = defaultdict(list)
    for row in db.rows(
        f"SELECT meeting_id, id FROM agreement WHERE meeting_id {of_these} ORDER BY id", in_ids
    ):
        signed[row["meeting_id"]].append(row["id"])
    built = []
    for meeting in items(db, ids, coded=True):
        meeting_id = meeting["id"]
        meeting["participants"] = people.get(meeting_id, [])
        meeting["statements"] = said.get(meeting_id, [])
        meeting["agreement_ids"] = signed.get(meeting_id, [])
        meeting["citations"] = cited.of("meeting", meeting_id)
        built.append(meeting)
    with_claims(db, "meeting", built, cited)
    cited.fill(db)
    return built


def _meeting_id(record: dict[str, Any]) -> str:
    meeting_id: str = record["meeting_id"]
    return meeting_id
