"""search index terms: every term of the full-text index, for expanding prefixes

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 13:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """A table of the full-text index's terms, with how many documents hold each. Every
    rebuild of the index fills it (app/search.py): `python -m app migrate` rebuilds derived
    data of an older version, as every load does. SQLite only, as the index is."""
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE TABLE search_index_terms ("
        "term TEXT PRIMARY KEY, "  # as the tokenizer wrote it: case and accents folded
        "documents INTEGER NOT NULL"  # how many documents (of every resource) hold it
        ") WITHOUT ROWID"
    )
    op.execute("PRAGMA user_version = 0")  # derived data to rebuild


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_index_terms")
