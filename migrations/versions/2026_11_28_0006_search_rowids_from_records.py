"""search index: document rowids derived from the records' rowids

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 10:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOKENIZER = "tokenize = 'unicode61 remove_diacritics 2'"
SPAN = 1 << 40
# (resource, table, key column), in the order that fixes each resource's base (app/search.py).
RESOURCES = (
    ("visit", "visit", "id"),
    ("meeting", "meeting", "id"),
    ("participant", "participant", "id"),
    ("agreement", "agreement", "id"),
    ("tour", "tour", "id"),
    ("statement", "statement", "id"),
    ("source", "source", "id"),
    ("country", "country", "code"),
    ("topic", "topic", "id"),
)


def _copy(rowid: dict[str, str]) -> None:
    # FTS5 rowids cannot be updated in place: build the new table, copy, swap the names.
    op.execute(
        "CREATE VIRTUAL TABLE search_index_new USING fts5(resource, "
        f"record_id UNINDEXED, title, body, {TOKENIZER})"
    )
    for resource, table, key in RESOURCES:
        op.execute(
            "INSERT INTO search_index_new (rowid, resource, record_id, title, body) "
            f"SELECT {rowid[resource]}, s.resource, s.record_id, s.title, s.body "
            f"FROM search_index s JOIN {table} r ON r.{key} = s.record_id "
            f"WHERE s.resource = '{resource}' ORDER BY r.rowid"
        )
    op.execute("DROP TABLE search_index")
    op.execute("ALTER TABLE search_index_new RENAME TO search_index")


def upgrade() -> None:
    """Each document's rowid becomes its resource's base plus its record's rowid, so lists
    filtered by `q` match rowids against rowids (see app/search.py)."""
    if op.get_bind().dialect.name == "sqlite":
        _copy(
            {
                resource: f"{(position + 1) * SPAN} + r.rowid"
                for position, (resource, _, _) in enumerate(RESOURCES)
            }
        )


def downgrade() -> None:
    """Revert this revision: documents numbered in load order again."""
    if op.get_bind().dialect.name == "sqlite":
        _copy({resource: "NULL" for resource, _, _ in RESOURCES})
