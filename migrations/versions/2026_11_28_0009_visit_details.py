"""visit details: every visit's detail stored as gzip-compressed JSON

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 15:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """A table for every visit's detail (VisitDetail) as gzip-compressed JSON, keyed by the
    visit's rowid. `python -m app migrate` fills it after the migrations (app/documents.py),
    as every load does: it is derived data, built by the code that used to build it per
    request. Apart from `visit_document`, so that list pages do not read past it."""
    op.create_table(
        "visit_detail",
        # The visit's rowid (never generated here: no sequence on PostgreSQL).
        sa.Column("visit_rowid", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("detail", sa.LargeBinary, nullable=False),  # VisitDetail, JSON, gzip
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA user_version = 0")  # derived data to rebuild


def downgrade() -> None:
    """Revert this revision."""
    op.execute("DROP TABLE visit_detail")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA user_version = 0")
