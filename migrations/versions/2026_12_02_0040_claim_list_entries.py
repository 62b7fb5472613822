"""claim list entries: `GET /v1/claims` read as index ranges

Revision ID: 0040
Revises: 0020
Create Date: 2026-12-02 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0040"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """`claim_list_entry`: one row per (filter, value) a claim is listed under (subject
    type, subject, property, rank, source, disputed). Claims are listed by id alone, so
    the entries' key is their order. Filled by `python -m app migrate` after the
    migrations and by every load (app/derived.py), as the other lists' entries are."""
    op.create_table(
        "claim_list_entry",
        sa.Column("filter", sa.String(40), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.Column("id", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("filter", "value", "id", name="pk_claim_list_entry"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    """Drop the claims' list entries."""
    op.drop_table("claim_list_entry")
