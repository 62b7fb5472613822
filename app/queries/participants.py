"""Participants: people and groups, how they are listed, and their list items and details
(what they attended and signed) as the load stores them."""

from collections import defaultdict
from typing import Any

from app.queries.citing import Citations
from app.queries.claims import disputed_key, with_claims, with_disputed
from app.queries.common import Gzipped, country_ref, stored_detail, with_timestamps
from app.queries.embeds import grouped, participations, with_sources
from app.queries.listing import Listing
from app.storage import Reader

SORT_COLUMNS = {"name": "name", "id": "id"}

list_participants = Listing(
    resource="participant",
    sort_columns=SORT_COLUMNS,
    default_sort="name",
    keys={
        "country": "SELECT id, country_code AS value FROM participant",
        "kind": "SELECT id, kind AS value FROM participant",
        "visit": "SELECT participant_id AS id, visit_id AS value FROM participation",
        "disputed": disputed_key("participant"),
        # `wikidata:Q2685`: an id in another register, as its scheme and the id.
        "external_id": "SELECT participant_id AS id, scheme || ':' || value AS value "
        "FROM external_id",
    },
    facets=("country", "kind"),
    labels={"country": "country"},
)


def get_participant(db: Reader, participant_id: str) -> Gzipped | None:
    """One participant with every part they took and the agreements they signed, as
    stored."""
    return stored_detail(db, "participant", participant_id)


def participants_of_visit(db: Reader, visit_id: str) -> list[dict[str, Any]]:
    """Every participation in a visit and its meetings."""
    cited = Citations()
    found = participations(db, "pa.visit_id = :visit_id", {"visit_id": visit_id}, cited)
    cited.fill(db)
    return found


def items(db: Reader, ids: list[str]) -> list[dict[str, Any]]:
    """Participants as list items (ParticipantPublic), built from the tables."""
    in_ids = {"ids": db.dialect.list_param(ids)}
    of_these = db.dialect.in_list("ids")
    rows = db.rows(
        "SELECT p.id, p.name, p.kind, p.description, p.wikidata_id, p.created_at, "
        "p.updated_at, p.country_code, pc.name AS country_name FROM participant p "
        f"LEFT JOIN country pc ON pc.code = p.country_code WHERE p.id {of_these} ORDER BY p.id",
        in_ids,
    )
    aliases: dict[str, list[str]] = defaultdict(list)
    for alias in db.rows(
        "SELECT participant_id, alias FROM participant_alias "
        f"WHERE participant_id {of_these} ORDER BY alias",
        in_ids,
    ):
        aliases[alias["participant_id"]].append(alias["alias"])
    built = [
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
    return with_sources(db, "participant", with_disputed(db, "participant", built))


def details(db: Reader, ids: list[str]) -> list[dict[str, Any]]:
    """Participants with every part they took and the agreements they signed
    (ParticipantDetail), built from the tables."""
    cited = Citations()
    in_ids = {"ids": db.dialect.list_param(ids)}
    of_these = db.dialect.in_list("ids")
    parts = grouped(
        participations(db, f"pa.participant_id {of_these}", in_ids, cited),
        lambda part: part["participant"]["id"],
    )
    registered: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in db.rows(
        f"SELECT id, participant_id, scheme, value FROM external_id "
        f"WHERE participant_id {of_these} ORDER BY participant_id, scheme, value",
        in_ids,
    ):
        registered[row["participant_id"]].append(
            {
                "scheme": row["scheme"],
                "id": row["value"],
                "citations": cited.of("external_id", row["id"]),
            }
        )
    signed: dict[str, list[str]] = defaultdict(list)
    for row in db.rows(
        "SELECT DISTINCT pa.participant_id, s.agreement_id FROM agreement_signatory s "
        "JOIN participation pa ON pa.id = s.participation_id "
        f"WHERE pa.participant_id {of_these} ORDER BY pa.participant_id, s.agreement_id",
        in_ids,
    ):
        signed[row["participant_id"]].append(row["agreement_id"])
    built = []
    for participant in items(db, ids):
        participant["participations"] = parts.get(participant["id"], [])
        participant["signed_agreement_ids"] = signed.get(participant["id"], [])
        participant["external_ids"] = registered.get(participant["id"], [])
        built.append(participant)
    with_claims(db, "participant", built, cited)
    cited.fill(db)
    return built
