"""Related records embedded in responses, fetched for a whole page at once (never N+1).

Citations go further: one query fills those of a whole response (app/queries/citing.py).
Participations and statements carry the claims about them, as every record does.
"""

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from app.models.claim import disputed
from app.queries.citing import Citations
from app.queries.claims import by_property, claims_of
from app.queries.common import country_ref, with_timestamps
from app.storage import Reader, Row

Grouped = dict[str, list[dict[str, Any]]]

TOPIC_LINKS = {
    "visit": ("visit_topic", "visit_id"),
    "meeting": ("meeting_topic", "meeting_id"),
    "agreement": ("agreement_topic", "agreement_id"),
}

PARTICIPANT_REF_COLUMNS = """
    p.id AS participant_id, p.name AS participant_name,
    p.country_code AS participant_country_code, pc.name AS participant_country_name"""

PARTICIPANT_REF_JOIN = "LEFT JOIN country pc ON pc.code = p.country_code"


def participant_ref(row: Row) -> dict[str, Any]:
    """A ParticipantRef dict from the `participant_*` columns of a row."""
    return {
        "id": row["participant_id"],
        "name": row["participant_name"],
        "country": country_ref(row["participant_country_code"], row["participant_country_name"]),
    }


def topics_for(db: Reader, kind: str, ids: Sequence[str]) -> Grouped:
    """Topic refs of visits, meetings or agreements, by record id."""
    if not ids:
        return {}
    table, column = TOPIC_LINKS[kind]
    grouped: Grouped = defaultdict(list)
    for row in db.rows(
        f"SELECT l.{column} AS owner_id, t.id, t.name FROM {table} l "
        f"JOIN topic t ON t.id = l.topic_id WHERE l.{column} {db.dialect.in_list('ids')} "
        "ORDER BY t.name, t.id",
        {"ids": db.dialect.list_param(ids)},
    ):
        grouped[row["owner_id"]].append({"id": row["id"], "name": row["name"]})
    return grouped


def participations(
    db: Reader, where: str, params: dict[str, Any], cited: Citations
) -> list[dict[str, Any]]:
    """ParticipationPublic dicts matching `where` (over `pa`), with participants and the
    claims about them; their citations (and their claims') come with `cited.fill`."""
    rows = db.rows(
        "SELECT pa.id, pa.visit_id, pa.meeting_id, pa.role, pa.title, "
        f"{PARTICIPANT_REF_COLUMNS} FROM participation pa "
        f"JOIN participant p ON p.id = pa.participant_id {PARTICIPANT_REF_JOIN} "
        f"WHERE {where} ORDER BY pa.visit_id, pa.meeting_id IS NOT NULL, pa.meeting_id, pa.id",
        params,
    )
    claimed = claims_of(db, "participation", [row["id"] for row in rows], cited)
    return [
        {
            "id": row["id"],
            "participant": participant_ref(row),
            "visit_id": row["visit_id"],
            "meeting_id": row["meeting_id"],
            "role": row["role"],
            "title": row["title"],
            "citations": cited.of("participation", row["id"]),
            **_claimed(claimed.get(row["id"], [])),
        }
        for row in rows
    ]


def _claimed(claims: list[dict[str, Any]]) -> dict[str, Any]:
    """The `disputed` and `claims` of an embedded record, from its claims (`claims_of`)."""
    return {
        "disputed": disputed(claims),
        "claims": by_property(claims),
    }


def statements(
    db: Reader, where: str, params: dict[str, Any], cited: Citations
) -> list[dict[str, Any]]:
    """StatementPublic dicts matching `where` (over `s`), with speakers and the claims about
    them; their citations (and their claims') come with `cited.fill`."""
    rows = db.rows(
        "SELECT s.id, s.visit_id, s.meeting_id, s.text, s.kind, s.channel, s.created_at, "
        f"s.updated_at, {PARTICIPANT_REF_COLUMNS} FROM statement s "
        f"JOIN participant p ON p.id = s.speaker_id {PARTICIPANT_REF_JOIN} "
        f"WHERE {where} ORDER BY s.visit_id, s.meeting_id IS NOT NULL, s.meeting_id, s.id",
        params,
    )
    claimed = claims_of(db, "statement", [row["id"] for row in rows], cited)
    return [
        with_timestamps(
            {
                "id": row["id"],
                "speaker": participant_ref(row),
                "visit_id": row["visit_id"],
                "meeting_id": row["meeting_id"],
                "text": row["text"],
                "kind": row["kind"],
                "channel": row["channel"],
                "citations": cited.of("statement", row["id"]),
                **_claimed(claimed.get(row["id"], [])),
                "created_at": row["created_at"],
                "updated_at": row["updated_at"],
            }
        )
        for row in rows
    ]


def parties_for(db: Reader, ids: Sequence[str]) -> Grouped:
    """Country refs party to each agreement, by agreement id."""
    if not ids:
        return {}
    grouped: Grouped = defaultdict(list)
    for row in db.rows(
        "SELECT ap.agreement_id, c.code, c.name FROM agreement_party ap "
        "JOIN country c ON c.code = ap.country_code "
        f"WHERE ap.agreement_id {db.dialect.in_list('ids')} ORDER BY c.code",
        {"ids": db.dialect.list_param(ids)},
    ):
        grouped[row["agreement_id"]].append({"code": row["code"], "name": row["name"]})
    return grouped


def signatories_for(db: Reader, ids: Sequence[str], cited: Citations) -> Grouped:
    """Participations that signed each agreement, by agreement id."""
    if not ids:
        return {}
    links = db.rows(
        "SELECT agreement_id, participation_id FROM agreement_signatory "
        f"WHERE agreement_id {db.dialect.in_list('ids')} ORDER BY participation_id",
        {"ids": db.dialect.list_param(ids)},
    )
    if not links:
        return {}
    signed = db.dialect.list_param(sorted({r["participation_id"] for r in links}))
    by_id = {
        p["id"]: p
        for p in participations(
            db, f"pa.id {db.dialect.in_list('signed')}", {"signed": signed}, cited
        )
    }
    grouped: Grouped = defaultdict(list)
    for link in links:
        grouped[link["agreement_id"]].append(by_id[link["participation_id"]])
    return grouped


def grouped(records: list[dict[str, Any]], key: Callable[[dict[str, Any]], str]) -> Grouped:
    """Records by `key`, each group in the records' order."""
    found: Grouped = defaultdict(list)
    for record in records:
        found[key(record)].append(record)
    return found


# The sources cited for a record of each kind, as (owner, source_id) pairs of `:ids`: its own
# citations and its claims'; a participant has no citations of its own, but its parts in
# visits and meetings and its external ids have.
def _sources_sql(kind: str, in_ids: str) -> str:
    claimed = (
        "SELECT cl.subject_id AS owner, c.source_id FROM claim cl "
        "JOIN citation c ON c.claim_id = cl.id "
        f"WHERE cl.subject_type = '{kind}' AND cl.subject_id {in_ids}"
    )
    if kind == "participant":
        own = (
            "SELECT pa.participant_id AS owner, c.source_id FROM participation pa "
            f"JOIN citation c ON c.participation_id = pa.id WHERE pa.participant_id {in_ids} "
            "UNION SELECT e.participant_id AS owner, c.source_id FROM external_id e "
            f"JOIN citation c ON c.external_id_id = e.id WHERE e.participant_id {in_ids}"
        )
    else:
        own = f"SELECT {kind}_id AS owner, source_id FROM citation WHERE {kind}_id {in_ids}"
    return (
        f"SELECT owner, source_id FROM ({own} UNION {claimed}) AS cited ORDER BY owner, source_id"
    )


def with_sources(db: Reader, kind: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add `source_ids` (sorted) to each record of `kind`, in place; return them."""
    found: dict[str, list[str]] = defaultdict(list)
    if records:
        for row in db.rows(
            _sources_sql(kind, db.dialect.in_list("ids")),
            {"ids": db.dialect.list_param([record["id"] for record in records])},
        ):
            found[row["owner"]].append(row["source_id"])
    for record in records:
        record["source_ids"] = found.get(record["id"], [])
    return records
