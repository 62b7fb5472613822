"""statement and citation list entries: `GET /v1/statements` and `GET /v1/citations` read as
index ranges

Revision ID: 0050
Revises: 0040
Create Date: 2026-12-02 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0050"
down_revision: str | None = "0040"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("statement_list_entry", "citation_list_entry")


def upgrade() -> None:
    """One row per (filter, value) a statement or a citation is listed under (source,
    record type, record, and a statement's visit, speaker and kind; a citation's kind).
    Both are listed by id alone, so the entries' key is their order. Filled by `python -m
    app migrate` after the migrations and by every load (app/derived.py)."""
    for table in TABLES:
        op.create_table(
            table,
            sa.Column("filter", sa.String(40), nullable=False),
            sa.Column("value", sa.String(200), nullable=False),
            sa.Column("id", sa.String(200), nullable=False),
            sa.PrimaryKeyConstraint("filter", "value", "id", name=f"pk_{table}"),
            sqlite_with_rowid=False,
        )
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA user_version = 0")  # derived data to rebuild


def downgrade() -> None:
    """Drop the statements' and citations' list entries."""
    for table in TABLES:
        op.drop_table(table)
