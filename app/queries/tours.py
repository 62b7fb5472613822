"""Tours: multi-country trips with their legs in order."""

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from app.queries.common import (
    Facet,
    Listing,
    Where,
    add_overlap,
    add_search,
    add_updated_since,
    country_ref,
    in_list,
    json_list,
    with_timestamps,
)
from app.queries.embeds import PARTICIPANT_REF_COLUMNS, Citations, participant_ref
from app.storage import Reader, Row, year_of

SORT_COLUMNS = {"start_date": "t.start_date", "id": "t.id"}
DEFAULT_SORT = "-start_date"

FACETS = {
    "year": Facet(year_of("t.start_date")),
}

SELECT = f"""t.id, t.name, t.start_date, t.end_date, t.summary, t.created_at, t.updated_at,
    {PARTICIPANT_REF_COLUMNS}"""
FROM = """tour t JOIN participant p ON p.id = t.principal_id
    LEFT JOIN country pc ON pc.code = p.country_code"""


def filters_to_sql(criteria: Mapping[str, Any]) -> Where:
    """AND-ed conditions over `t` for every filter given."""
    where = Where()
    add_updated_since(where, "t.updated_at", criteria.get("updated_since"))
    add_search(where, "tour", "t", criteria.get("q"))
    if criteria.get("participant"):
        where.add("t.principal_id = :participant", participant=criteria["participant"])
    if criteria.get("country"):
        where.add(
            "t.id IN (SELECT tour_id FROM visit WHERE host_country_code = :country "
            "OR visitor_country_code = :country)",
            country=criteria["country"],
        )
    add_overlap(
        where, "t.start_date", "t.end_date", criteria.get("date_from"), criteria.get("date_to")
    )
    return where


def _items(db: Reader, rows: list[Row]) -> list[dict[str, Any]]:
    legs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if rows:
        for leg in db.rows(
            "SELECT v.tour_id, v.leg, v.id, v.host_country_code, c.name AS host_country_name, "
            "v.city, v.start_date, v.end_date FROM visit v "
            "JOIN country c ON c.code = v.host_country_code "
            f"WHERE v.tour_id {in_list('ids')} "
            "ORDER BY v.tour_id, v.leg IS NULL, v.leg, v.start_date, v.id",
            {"ids": json_list(r["id"] for r in rows)},
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
    return [
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


list_tours = Listing(
    select=SELECT,
    from_=FROM,
    count_from="tour t",
    id_column="t.id",
    filters=filters_to_sql,
    shape=_items,
    facets=FACETS,
)


def get_tour(db: Reader, tour_id: str) -> dict[str, Any] | None:
    """One tour with its legs and citations."""
    row = db.one(f"SELECT {SELECT} FROM {FROM} WHERE t.id = :id", {"id": tour_id})
    if row is None:
        return None
    (tour,) = _items(db, [row])
    cited = Citations()
    tour["citations"] = cited.of("tour", tour_id)
    cited.fill(db)
    return tour
