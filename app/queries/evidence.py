"""The evidence as data: statements (`GET /v1/statements`) and citations (`GET /v1/citations`),
how they are listed, and their documents as the load stores them (a statement's detail is
its list item with its claims; a citation's detail is its list item).

A statement belongs to its meeting, or to its visit when it was said at none; a citation
to the one record its `<type>_id` column names (app/models/citation.py).
"""

from typing import Any

from app.models.citation import CITED_COLUMNS
from app.queries.citing import Citations
from app.queries.claims import disputed_key
from app.queries.common import Encoded, Gzipped, stored_detail, with_timestamps
from app.queries.embeds import statements, with_sources
from app.queries.listing import Listing
from app.storage import Reader

SORT_COLUMNS = {"id": "id"}

_STATEMENT_RECORD_TYPE = "CASE WHEN meeting_id IS NULL THEN 'visit' ELSE 'meeting' END"

list_statements = Listing(
    resource="statement",
    sort_columns=SORT_COLUMNS,
    default_sort="id",
    keys={
        "source": "SELECT statement_id AS id, source_id AS value FROM citation "
        "WHERE statement_id IS NOT NULL",
        "record_type": f"SELECT id, {_STATEMENT_RECORD_TYPE} AS value FROM statement",
        "record": "SELECT id, coalesce(meeting_id, visit_id) AS value FROM statement",
        "visit": "SELECT id, visit_id AS value FROM statement",
        "speaker": "SELECT id, speaker_id AS value FROM statement",
        "kind": "SELECT id, kind AS value FROM statement",
        "disputed": disputed_key("statement"),
    },
    facets=("kind", "record_type", "speaker"),
)

# The cited record's type and id: the one cited column that is set.
_CITED_TYPE = (
    "CASE "
    + " ".join(
        f"WHEN {column} IS NOT NULL THEN '{column.removesuffix('_id')}'" for column in CITED_COLUMNS
    )
    + " END"
)
_CITED_ID = f"coalesce({', '.join(CITED_COLUMNS)})"
_CITATION_KIND = "CASE WHEN quote IS NULL THEN 'note' ELSE 'quote' END"

list_citations = Listing(
    resource="citation",
    sort_columns=SORT_COLUMNS,
    default_sort="id",
    keys={
        "source": "SELECT id, source_id AS value FROM citation",
        "record_type": f"SELECT id, {_CITED_TYPE} AS value FROM citation",
        "record": f"SELECT id, {_CITED_ID} AS value FROM citation",
        "kind": f"SELECT id, {_CITATION_KIND} AS value FROM citation",
    },
    facets=("kind", "record_type", "source"),
)


def statement_items(db: Reader, ids: list[str]) -> list[dict[str, Any]]:
    """Statements as list items (StatementItem), with their citations, built from the
    tables."""
    built = _statements(db, ids)
    for statement in built:
        del statement["claims"]  # the detail's
    return built


def statement_details(db: Reader, ids: list[str]) -> list[dict[str, Any]]:
    """Statements with their claims (StatementDetail), built from the tables."""
    built = _statements(db, ids)
    for statement in built:  # claims after the item's fields, timestamps last
        statement["claims"] = statement.pop("claims")
        statement["created_at"] = statement.pop("created_at")
        statement["updated_at"] = statement.pop("updated_at")
    return built


def _statements(db: Reader, ids: list[str]) -> list[dict[str, Any]]:
    cited = Citations()
    built = statements(
        db, f"s.id {db.dialect.in_list('ids')}", {"ids": db.dialect.list_param(ids)}, cited
    )
    for statement in built:
        meeting_id = statement["meeting_id"]
        statement["record"] = (
            {"type": "visit", "id": statement["visit_id"]}
            if meeting_id is None
            else {"type": "meeting", "id": meeting_id}
        )
    cited.fill(db)
    with_sources(db, "statement", built)
    for statement in built:  # timestamps last, as on every record
        statement["created_at"] = statement.pop("created_at")
        statement["updated_at"] = statement.pop("updated_at")
    return built


def citation_items(db: Reader, ids: list[str]) -> list[dict[str, Any]]:
    """Citations as list items (CitationItem), built from the tables."""
    rows = db.rows(
        f"SELECT c.id, {_CITED_TYPE} AS record_type, {_CITED_ID} AS record_id, c.quote, "
        "c.note, c.created_at, c.updated_at, s.id AS source_id, s.title AS source_title, "
        "s.publisher AS source_publisher, s.url AS source_url "
        "FROM citation c JOIN source s ON s.id = c.source_id "
        f"WHERE c.id {db.dialect.in_list('ids')} ORDER BY c.id",
        {"ids": db.dialect.list_param(ids)},
    )
    return [
        with_timestamps(
            {
                "id": row["id"],
                "record": {"type": row["record_type"], "id": row["record_id"]},
                "source": {
                    "id": row["source_id"],
                    "title": row["source_title"],
                    "publisher": row["source_publisher"],
                    "url": row["source_url"],
                },
                "kind": "note" if row["quote"] is None else "quote",
                "quote": row["quote"],
                "note": row["note"],
                "created_at": row["created_at"],
                "updated_at": row["updated_at"],
            }
        )
        for row in rows
    ]


def _stored_item(db: Reader, resource: str, record_id: str) -> dict[str, Any] | None:
    row = db.one(
        "SELECT item FROM record_item WHERE resource = :resource AND record_id = :id",
        {"resource": resource, "id": record_id},
    )
    return None if row is None else Encoded(row["item"]).decoded()


def get_statement(db: Reader, statement_id: str) -> Gzipped | None:
    """One statement with its citations and claims, as stored."""
    return stored_detail(db, "statement", statement_id)


def get_citation(db: Reader, citation_id: str) -> dict[str, Any] | None:
    """One citation: its stored list item."""
    return _stored_item(db, "citation", citation_id)
