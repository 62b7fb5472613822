"""Agreements: filters to SQL, list items with parties and topics, detail with signatories."""

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
from app.queries.embeds import Citations, parties_for, signatories_for, topics_for
from app.storage import Reader, Row, year_of

SORT_COLUMNS = {"signed_on": "g.signed_on", "id": "g.id"}
DEFAULT_SORT = "-signed_on"

FACETS = {
    "kind": Facet("g.kind"),
    "status": Facet("g.status"),
    "year": Facet(year_of("g.signed_on")),
    "topic": Facet("ft.topic_id", "JOIN agreement_topic ft ON ft.agreement_id = g.id", "topic"),
    "country": Facet(
        "fp.country_code", "JOIN agreement_party fp ON fp.agreement_id = g.id", "country"
    ),
}

SELECT = """g.id, g.visit_id, g.meeting_id, g.kind, g.title, g.count, g.status, g.signed_on,
    g.summary, g.created_at, g.updated_at"""
FROM = "agreement g"


def filters_to_sql(criteria: Mapping[str, Any]) -> Where:
    """AND-ed conditions over `g` for every filter given."""
    where = Where()
    add_updated_since(where, "g.updated_at", criteria.get("updated_since"))
    add_search(where, "agreement", "g", criteria.get("q"))
    if criteria.get("visit"):
        where.add("g.visit_id = :visit", visit=criteria["visit"])
    if criteria.get("country"):
        where.add(
            "g.id IN (SELECT agreement_id FROM agreement_party WHERE country_code = :country)",
            country=criteria["country"],
        )
    if criteria.get("participant"):
        where.add(
            "g.id IN (SELECT s.agreement_id FROM agreement_signatory s "
            "JOIN participation pa ON pa.id = s.participation_id "
            "WHERE pa.participant_id = :participant)",
            participant=criteria["participant"],
        )
    if criteria.get("topic"):
        where.add(
            "g.id IN (SELECT agreement_id FROM agreement_topic WHERE topic_id = :topic)",
            topic=criteria["topic"],
        )
    if criteria.get("kind"):
        where.add("g.kind = :kind", kind=criteria["kind"])
    if criteria.get("status"):
        where.add("g.status = :status", status=criteria["status"])
    add_overlap(
        where, "g.signed_on", "g.signed_on", criteria.get("date_from"), criteria.get("date_to")
    )
    return where


def _items(db: Reader, rows: list[Row]) -> list[dict[str, Any]]:
    ids = [r["id"] for r in rows]
    parties = parties_for(db, ids)
    topics = topics_for(db, "agreement", ids)
    return [
        with_timestamps(
            {**row, "parties": parties.get(row["id"], []), "topics": topics.get(row["id"], [])}
        )
        for row in rows
    ]


list_agreements = Listing(
    select=SELECT,
    from_=FROM,
    id_column="g.id",
    filters=filters_to_sql,
    shape=_items,
    facets=FACETS,
)


def agreements_detail(
    db: Reader, where: str, params: dict[str, Any], cited: Citations
) -> list[dict[str, Any]]:
    """AgreementDetail dicts matching `where` (over `g`) with signatories; their citations
    come with `cited.fill`."""
    rows = db.rows(f"SELECT {SELECT} FROM {FROM} WHERE {where} ORDER BY g.id", params)
    items = _items(db, rows)
    signatories = signatories_for(db, [r["id"] for r in rows], cited)
    for item in items:
        item["signatories"] = signatories.get(item["id"], [])
        item["citations"] = cited.of("agreement", item["id"])
    return items


def get_agreement(db: Reader, agreement_id: str) -> dict[str, Any] | None:
    """One agreement with its parties, signatories and citations."""
    cited = Citations()
    found = agreements_detail(db, "g.id = :id", {"id": agreement_id}, cited)
    cited.fill(db)
    return found[0] if found else None
