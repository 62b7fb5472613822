"""Agreements: how they are listed, and their list items (parties, topics) and details
(signatories, citations) as the load stores them."""

from typing import Any

from app.queries.citing import Citations
from app.queries.claims import disputed_key, with_claims, with_disputed
from app.queries.common import Gzipped, stored_detail, with_timestamps
from app.queries.embeds import parties_for, signatories_for, topics_for, with_sources
from app.queries.events import code_key, with_codes
from app.queries.listing import Listing, Span, Year
from app.storage import Reader, Row

SORT_COLUMNS = {"signed_on": "signed_on", "count": "count", "id": "id"}

list_agreements = Listing(
    resource="agreement",
    sort_columns=SORT_COLUMNS,
    default_sort="-signed_on",
    keys={
        "visit": "SELECT id, visit_id AS value FROM agreement",
        "country": "SELECT agreement_id AS id, country_code AS value FROM agreement_party",
        # A signatory's participant.
        "participant": "SELECT s.agreement_id AS id, pa.participant_id AS value "
        "FROM agreement_signatory s JOIN participation pa ON pa.id = s.participation_id",
        "topic": "SELECT agreement_id AS id, topic_id AS value FROM agreement_topic",
        "kind": "SELECT id, kind AS value FROM agreement",
        "status": "SELECT id, status AS value FROM agreement",
        "year": Year("signed_on"),
        "disputed": disputed_key("agreement"),
        "cameo": code_key("agreement", "cameo"),
        "plover": code_key("agreement", "plover"),
    },
    facets=("kind", "status", "year", "topic", "country"),
    span=Span("signed_on", "signed_on"),
    labels={"topic": "topic", "country": "country"},
)

SELECT = """g.id, g.visit_id, g.meeting_id, g.kind, g.title, g.count, g.status, g.signed_on,
    g.summary, g.created_at, g.updated_at"""


def get_agreement(db: Reader, agreement_id: str) -> Gzipped | None:
    """One agreement with its parties, signatories and citations, as stored."""
    return stored_detail(db, "agreement", agreement_id)


def _items(db: Reader, rows: list[Row], coded: bool = False) -> list[dict[str, Any]]:
    ids = [r["id"] for r in rows]
    parties = parties_for(db, ids)
    topics = topics_for(db, "agreement", ids)
    built = [
        with_timestamps(
            {**row, "parties": parties.get(row["id"], []), "topics": topics.get(row["id"], [])}
        )
        for row in rows
    ]
    return with_sources(
        db,
        "agreement",
        with_disputed(db, "agreement", with_codes(db, "agreement", built) if coded else built),
    )


def items(db: Reader, ids: list[str]) -> list[dict[str, Any]]:
    """Agreements as list items (AgreementPublic), built from the tables (compact: no event
    codes, which the details carry)."""
    rows = db.rows(
        f"SELECT {SELECT} FROM agreement g WHERE g.id {db.dialect.in_list('ids')} ORDER BY g.id",
        {"ids": db.dialect.list_param(ids)},
    )
    return _items(db, rows)


def agreements_detail(
    db: Reader, where: str, params: dict[str, Any], cited: Citations
) -> list[dict[str, Any]]:
    """AgreementDetail dicts matching `where` (over `g`) with signatories, by id; their
    citations come with `cited.fill`."""
    rows = db.rows(f"SELECT {SELECT} FROM agreement g WHERE {where} ORDER BY g.id", params)
    built = _items(db, rows, coded=True)
    signatories = signatories_for(db, [r["id"] for r in rows], cited)
    for item in built:
        item["signatories"] = signatories.get(item["id"], [])
        item["citations"] = cited.of("agreement", item["id"])
    return with_claims(db, "agreement", built, cited)


def details(db: Reader, ids: list[str]) -> list[dict[str, Any]]:
    """Agreements with their parties, signatories and citations (AgreementDetail), built
    from the tables."""
    cited = Citations()
    built = agreements_detail(
        db, f"g.id {db.dialect.in_list('ids')}", {"ids": db.dialect.list_param(ids)}, cited
    )
    cited.fill(db)
    return built
