"""visit documents: every visit's list item stored as JSON and as a CSV row

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 11:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """A table for every visit's list item as JSON and as a CSV row, keyed by the visit's
    rowid. `python -m app migrate` fills it after the migrations (app/documents.py), as
    every load does: it is derived data, built by the code that reads it."""
    op.execute(
        "CREATE TABLE visit_document ("
        "visit_rowid INTEGER PRIMARY KEY, "  # the visit's rowid
        "item TEXT NOT NULL, "  # VisitPublic as JSON
        "csv_row TEXT NOT NULL)"  # VisitPublic as one CSV row
    )


def downgrade() -> None:
    """Revert this revision."""
    op.execute("DROP TABLE visit_document")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA user_version = 0")
