"""PostgreSQL's full-text index and derived-data version

Revision ID: 0085
Revises: 0080
Create Date: 2026-12-02 15:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0085"
down_revision: str | None = "0080"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """On PostgreSQL only (SQLite's index is FTS5, made by earlier revisions): a text search
    configuration folding accents (unaccent) and case, the search documents with their
    tsvector and a GIN index (app/storage/postgresql/search.py), and the one-row table
    holding the derived data's version (SQLite keeps it in `user_version`). Filled by
    `python -m app migrate` after the migrations, as on SQLite."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("CREATE TEXT SEARCH CONFIGURATION visits_search (COPY = pg_catalog.simple)")
    op.execute(
        "ALTER TEXT SEARCH CONFIGURATION visits_search "
        "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple"
    )
    op.execute(
        "CREATE TABLE search_index ("
        "position BIGINT PRIMARY KEY, "  # resource base + day * 2**32 + number
        "resource TEXT NOT NULL, "
        "record_id TEXT NOT NULL, "
        "day INTEGER NOT NULL, "  # date.toordinal() of the resource's dated column, 0 undated
        "title TEXT NOT NULL, "
        "body TEXT NOT NULL, "
        "title_words INTEGER NOT NULL, "  # the title's tokens, for the score
        "title_vector TSVECTOR NOT NULL, "
        "document TSVECTOR NOT NULL)"
    )
    op.execute("CREATE SEQUENCE search_index_number")
    op.execute("CREATE INDEX search_index_document ON search_index USING GIN (document)")
    op.execute("CREATE UNIQUE INDEX search_index_record ON search_index (resource, record_id)")
    op.execute("CREATE TABLE derived_data (id INTEGER PRIMARY KEY, version INTEGER NOT NULL)")
    op.execute("INSERT INTO derived_data (id, version) VALUES (1, 0)")


def downgrade() -> None:
    """Drop what the upgrade made."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE derived_data")
    op.execute("DROP TABLE search_index")
    op.execute("DROP SEQUENCE search_index_number")
    op.execute("DROP TEXT SEARCH CONFIGURATION visits_search")
