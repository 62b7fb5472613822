"""Tours: multi-country trips, how they are listed, and their list items (legs in order) and
details as the load stores them."""

from collections import defaultdict
from typing import Any

from app.queries.citing import Citations
from app.queries.claims import disputed_key, with_claims, with_disputed
from app.queries.common import Gzipped, country_ref, stored_detail, with_timestamps
from app.queries.embeds import (
    PARTICIPANT_REF_COLUMNS,
    participant_ref,
    with_sources,
)
from app.queries.listing import Arms, Listing, Span, Year
from app.storage import Reader

SORT_COLUMNS = {"start_date": "start_date", "id": "id"}

# A tour is listed under every country its legs visit, and their visitors'.
_OF_LEGS = "SELECT tour_id AS id, {column} AS value FROM visit WHERE tour_id IS NOT NULL"

list_tours = Listing(
    resource="tour",
    sort_columns=SORT_COLUMNS,
    default_sort="-start_date",
    keys={
        "participant": "SELECT id, principal_id AS value FROM tour",
        "country": Arms(
            (
                _OF_LEGS.format(column="host_country_code"),
                _OF_LEGS.format(column="visitor_country_code"),
            )
        ),
        "year": Year("start_date"),
        "disputed": disputed_key("tour"),
    },
    facets=("year",),
    span=Span("start_date", "end_date"),
)


def get_tour(db: Reader, tour_id: str) -> Gzipped | None:
    """One tour with its legs and citations, as stored."""
    return stored_detail(db, "tour", tour_id)


def items(db: Reader, ids: list[str]) -> list[dict[str, Any]]:
    """Tours as list items (TourPublic, legs in order), built from the tables."""
    in_ids = {"ids": db.dialect.list_param(ids)}
    of_these = db.dialect.in_list("ids")
    rows = db.rows(
        "SELECT t.id, t.name, t.start_date, t.end_date, t.summary, t.created_at, "
        f"t.updated_at, {PARTICIPANT_REF_COLUMNS} FROM tour t "
        "JOIN participant p ON p.id = t.principal_id "
        f"LEFT JOIN country pc ON pc.code = p.country_code WHERE t.id {of_these} ORDER BY t.id",
        in_ids,
    )
    legs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for leg in db.rows(
        "SELECT v.tour_id, v.leg, v.id, v.host_country_code, c.name AS host_country_name, "
        "v.city, v.start_date, v.end_date FROM visit v "
        "JOIN country c ON c.code = v.host_country_code "
        f"WHERE v.tour_id {of_these} "
        "ORDER BY v.tour_id, v.leg IS NULL, v.leg, v.start_date, v.id",
        in_ids,
    ):
        legs[leg["tour_id"]].append(
            {
                "leg": leg["leg"],
                "visit_id": leg["id"],
                "host_country": country_ref(leg["host_country_code"], leg["host_country_name"]),
                "city": leg["city"],
                "start_date": leg["start_date"],
                "end_date": leg["end_date"],
            }
        )
    built = [
        with_timestamps(
            {
                "id": row["id"],
                "name": row["name"],
                "principal": participant_ref(row),
                "start_date": row["start_date"],
                "end_date": row["end_date"],
                "summary": row["summary"],
                "legs": legs.get(row["id"], []),
                "created_at": row["created_at"],
                "updated_at": row["updated_at"],
            }
        )
        for row in rows
    ]
    return with_sources(db, "tour", with_disputed(db, "tour", built))


def details(db: Reader, ids: list[str]) -> list[dict[str, Any]]:
    """Tours with their legs and citations (TourDetail), built from the tables."""
    cited = Citations()
    built = [{**tour, "citations": cited.of("tour", tour["id"])} for tour in items(db, ids)]
    with_claims(db, "tour", built, cited)
    cited.fill(db)
    return built
