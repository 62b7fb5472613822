"""Claims: how they are listed (`GET /v1/claims`), their list items, and what every record's
documents show of them (`disputed` in its item, `claims` in its detail), as the load stores
them.

Whether a property is disputed is one rule (`app.models.claim.disputed`); the lists read it
from their entries, which `DISPUTED_SQL` builds at load with the same rule in SQL (a test
holds the two equal on every claim of the seed and the Office of the Historian's data).
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import orjson

from app.models.claim import RANKS, disputed
from app.queries.citing import Citations
from app.queries.common import Encoded, with_timestamps
from app.queries.listing import Arms, Listing
from app.storage import Reader, Row

SORT_COLUMNS = {"id": "id"}

# The (subject_type, subject_id, property) that are disputed: two or more different values
# (a value read with its qualifiers, both stored as canonical JSON text) among the claims
# not deprecated, and none preferred.
DISPUTED_SQL = (
    "SELECT subject_type, subject_id, property FROM claim WHERE rank <> 'deprecated' "
    "GROUP BY subject_type, subject_id, property "
    "HAVING count(DISTINCT value || ' ' || coalesce(qualifiers, '')) > 1 "
    "AND max(CASE WHEN rank = 'preferred' THEN 1 ELSE 0 END) = 0"
)


def disputed_key(subject_type: str, table: str | None = None, id_column: str = "id") -> Arms:
    """The list key `disputed` of a resource: each record listed under 'true' (it has a
    disputed property) or 'false'."""
    disputed_ids = (
        f"SELECT subject_id FROM ({DISPUTED_SQL}) d WHERE d.subject_type = '{subject_type}'"
    )
    return Arms(
        (
            f"SELECT {id_column} AS id, 'false' AS value FROM {table or subject_type} "
            f"WHERE {id_column} NOT IN ({disputed_ids})",
            f"SELECT subject_id AS id, 'true' AS value FROM ({DISPUTED_SQL}) d "
            f"WHERE d.subject_type = '{subject_type}'",
        )
    )


list_claims = Listing(
    resource="claim",
    sort_columns=SORT_COLUMNS,
    default_sort="id",
    keys={
        "subject_type": "SELECT id, subject_type AS value FROM claim",
        "subject": "SELECT id, subject_id AS value FROM claim",
        "property": "SELECT id, property AS value FROM claim",
        "rank": "SELECT id, rank AS value FROM claim",
        "source": "SELECT claim_id AS id, source_id AS value FROM citation "
        "WHERE claim_id IS NOT NULL",
        "disputed": "SELECT c.id, CASE WHEN d.property IS NULL THEN 'false' ELSE 'true' END "
        f"AS value FROM claim c LEFT JOIN ({DISPUTED_SQL}) d "
        "ON d.subject_type = c.subject_type AND d.subject_id = c.subject_id "
        "AND d.property = c.property",
    },
    facets=("subject_type", "property", "rank"),
)

_SELECT = (
    "c.id, c.subject_type, c.subject_id, c.property, c.value, c.rank, c.qualifiers, "
    "c.created_at, c.updated_at"
)
_RANK_ORDER = {rank: number for number, rank in enumerate(RANKS)}


def _claim(row: Row, cited: Citations) -> dict[str, Any]:
    """A ClaimPublic dict (without `disputed`) from a claim row; citations come with
    `cited.fill`."""
    qualifiers = row["qualifiers"]
    return with_timestamps(
        {
            "id": row["id"],
            "subject": {"type": row["subject_type"], "id": row["subject_id"]},
            "property": row["property"],
            "value": orjson.loads(row["value"]),
            "rank": row["rank"],
            "qualifiers": None if qualifiers is None else orjson.loads(qualifiers),
            "citations": cited.of("claim", row["id"]),
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }
    )


def _order(claim: dict[str, Any]) -> tuple[str, int, str]:
    return claim["property"], _RANK_ORDER[claim["rank"]], claim["id"]


def claims_of(
    db: Reader, subject_type: str, ids: Iterable[str], cited: Citations
) -> dict[str, list[dict[str, Any]]]:
    """The claims about these records, by record id, each list by property, rank (preferred
    first) and id, each claim marked `disputed`; their citations come with `cited.fill`."""
    chosen = sorted(ids)
    if not chosen:
        return {}
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in db.rows(
        f"SELECT {_SELECT} FROM claim c WHERE c.subject_type = :subject_type "
        f"AND c.subject_id {db.dialect.in_list('ids')}",
        {"subject_type": subject_type, "ids": db.dialect.list_param(chosen)},
    ):
        found[row["subject_id"]].append(_claim(row, cited))
    for claims in found.values():
        claims.sort(key=_order)
        contested = set(disputed(claims))
        for claim in claims:
            claim["disputed"] = claim["property"] in contested
    return found


def disputed_of(db: Reader, subject_type: str, ids: Iterable[str]) -> dict[str, list[str]]:
    """The disputed properties of these records, by record id (records with claims only)."""
    return {
        record_id: disputed(claims)
        for record_id, claims in claims_of(db, subject_type, ids, Citations()).items()
    }


def by_property(claims: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """A record's claims (as `claims_of` orders them) grouped by property: its `claims`."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for claim in claims:
        grouped.setdefault(claim["property"], []).append(claim)
    return grouped


def with_claims(
    db: Reader,
    subject_type: str,
    records: list[dict[str, Any]],
    cited: Citations,
    id_key: str = "id",
) -> list[dict[str, Any]]:
    """Add `claims` (by property) to each record's detail, in place; return them."""
    found = claims_of(db, subject_type, [record[id_key] for record in records], cited)
    for record in records:
        record["claims"] = by_property(found.get(record[id_key], []))
    return records


def with_disputed(
    db: Reader, subject_type: str, records: list[dict[str, Any]], id_key: str = "id"
) -> list[dict[str, Any]]:
    """Add `disputed` to each record's list item, in place; return them."""
    found = disputed_of(db, subject_type, [record[id_key] for record in records])
    for record in records:
        record["disputed"] = found.get(record[id_key], [])
    return records


def items(db: Reader, ids: list[str]) -> list[dict[str, Any]]:
    """Claims as list items (ClaimPublic), with their citations, built from the tables."""
    cited = Citations()
    rows = db.rows(
        f"SELECT {_SELECT} FROM claim c WHERE c.id {db.dialect.in_list('ids')} ORDER BY c.id",
        {"ids": db.dialect.list_param(ids)},
    )
    subjects: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        subjects[row["subject_type"]].add(row["subject_id"])
    contested = {
        (subject_type, record_id, name)
        for subject_type, records in subjects.items()
        for record_id, names in disputed_of(db, subject_type, records).items()
        for name in names
    }
    built = []
    for row in rows:
        claim = _claim(row, cited)
        claim["disputed"] = (row["subject_type"], row["subject_id"], row["property"]) in contested
        built.append(claim)
    cited.fill(db)
    return built


def get_claim(db: Reader, claim_id: str) -> dict[str, Any] | None:
    """One claim with its citations: its stored list item."""
    row = db.one(
        "SELECT item FROM record_item WHERE resource = 'claim' AND record_id = :id",
        {"id": claim_id},
    )
    return None if row is None else Encoded(row["item"]).decoded()
