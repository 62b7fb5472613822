"""record rows: every record's row of its list page, made when data is loaded

Revision ID: 0120
Revises: 0110
Create Date: 2026-12-03 03:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0120"
down_revision: str | None = "0110"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """`record_row`: each record's `<li>` on its list page, HTML, with the fingerprint of the
    pages' code that made it (app/pages/stored.py); `python -m app migrate` fills it
    (derived version 12). Without rowid on SQLite: a list page reads 50 rows by key, each
    one look-up in the key's own tree."""
    op.create_table(
        "record_row",
        sa.Column("resource", sa.String(40), nullable=False),
        sa.Column("record_id", sa.String(200), nullable=False),
        sa.Column("fingerprint", sa.String(16), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("resource", "record_id", name="pk_record_row"),
        sqlite_with_rowid=False,
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA user_version = 0")  # derived data to rebuild


def downgrade() -> None:
    """Drop the stored rows."""
    op.drop_table("record_row")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA user_version = 0")
