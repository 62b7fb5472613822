"""search index: the resource column indexed

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 09:15:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOKENIZER = "tokenize = 'unicode61 remove_diacritics 2'"


def _rebuild(resource_column: str) -> None:
    # FTS5 columns cannot be altered: build the new table, copy the rows, swap the names.
    op.execute(
        f"CREATE VIRTUAL TABLE search_index_new USING fts5({resource_column}, "
        f"record_id UNINDEXED, title, body, {TOKENIZER})"
    )
    op.execute(
        "INSERT INTO search_index_new (resource, record_id, title, body) "
        "SELECT resource, record_id, title, body FROM search_index"
    )
    op.execute("DROP TABLE search_index")
    op.execute("ALTER TABLE search_index_new RENAME TO search_index")


def upgrade() -> None:
    """Index `resource`, so a search within one resource is matched, not filtered row by row."""
    if op.get_bind().dialect.name == "sqlite":
        _rebuild("resource")


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "sqlite":
        _rebuild("resource UNINDEXED")
