"""Participants: people and groups, with what they attended and signed."""

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from app.queries.common import (
    Facet,
    Listing,
    Where,
    add_search,
    add_updated_since,
    country_ref,
    in_list,
    json_list,
    with_timestamps,
)
from app.queries.embeds import Citations, participations
from app.storage import Reader, Row

SORT_COLUMNS = {"name": "p.name", "id": "p.id"}
DEFAULT_SORT = "name"

FACETS = {
    "country": Facet("p.country_code", labels="country"),
    "kind": Facet("p.kind"),
}

SELECT = """p.id, p.name, p.kind, p.description, p.wikidata_id, p.created_at, p.updated_at,
    p.country_code, pc.name AS country_name"""
FROM = "participant p LEFT JOIN country pc ON pc.code = p.country_code"


def filters_to_sql(criteria: Mapping[str, Any]) -> Where:
    """AND-ed conditions over `p` for every filter given."""
    where = Where()
    add_updated_since(where, "p.updated_at", criteria.get("updated_since"))
    add_search(where, "participant", "p", criteria.get("q"))
    if criteria.get("country"):
        where.add("p.country_code = :country", country=criteria["country"])
    if criteria.get("kind"):
        where.add("p.kind = :kind", kind=criteria["kind"])
    if criteria.get("visit"):
        where.add(
            "p.id IN (SELECT participant_id FROM participation WHERE visit_id = :visit)",
            visit=criteria["visit"],
        )
    return where


def _items(db: Reader, rows: list[Row]) -> list[dict[str, Any]]:
    aliases: dict[str, list[str]] = defaultdict(list)
    if rows:
        for alias in db.rows(
            "SELECT participant_id, alias FROM participant_alias "
            f"WHERE participant_id {in_list('ids')} ORDER BY alias",
            {"ids": json_list(r["id"] for r in rows)},
        ):
            aliases[alias["participant_id"]].append(alias["alias"])
    return [
        with_timestamps(
            {
                "id": row["id"],
                "name": row["name"],
                "kind": row["kind"],
                "aliases": aliases.get(row["id"], []),
                "country": country_ref(row["country_code"], row["country_name"]),
                "description": row["description"],
                "wikidata_id": row["wikidata_id"],
                "created_at": row["created_at"],
                "updated_at": row["updated_at"],
            }
        )
        for row in rows
    ]


list_participants = Listing(
    select=SELECT,
    from_=FROM,
    count_from="participant p",
    id_column="p.id",
    filters=filters_to_sql,
    shape=_items,
    facets=FACETS,
)


def participants_of_visit(db: Reader, visit_id: str) -> list[dict[str, Any]]:
    """Every participation in a visit and its meetings."""
    cited = Citations()
    found = participations(db, "pa.visit_id = :visit_id", {"visit_id": visit_id}, cited)
    cited.fill(db)
    return found


def get_participant(db: Reader, participant_id: str) -> dict[str, Any] | None:
    """One participant with every part they took and the agreements they signed."""
    row = db.one(f"SELECT {SELECT} FROM {FROM} WHERE p.id = :id", {"id": participant_id})
    if row is None:
        return None
    (participant,) = _items(db, [row])
    by_participant = {"participant_id": participant_id}
    cited = Citations()
    participant["participations"] = participations(
        db, "pa.participant_id = :participant_id", by_participant, cited
    )
    cited.fill(db)
    participant["signed_agreement_ids"] = [
        r["agreement_id"]
        for r in db.rows(
            "SELECT DISTINCT s.agreement_id FROM agreement_signatory s "
            "JOIN participation pa ON pa.id = s.participation_id "
            "WHERE pa.participant_id = :participant_id ORDER BY s.agreement_id",
            by_participant,
        )
    ]
    return participant
