"""record pages: every record's page and the home page, made when data is loaded

Revision ID: 0110
Revises: 0100
Create Date: 2026-12-02 18:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0110"
down_revision: str | None = "0100"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """`record_page`: each record's page (and the home page, `resource` ''), gzip-compressed
    HTML, with the fingerprint of the pages' code that made it (app/pages/stored.py);
    `python -m app migrate` fills it (derived version 11)."""
    op.create_table(
        "record_page",
        sa.Column("resource", sa.String(40), nullable=False),
        sa.Column("record_id", sa.String(200), nullable=False),
        sa.Column("fingerprint", sa.String(16), nullable=False),
        sa.Column("page", sa.LargeBinary(), nullable=False),  # HTML, gzip-compressed
        sa.PrimaryKeyConstraint("resource", "record_id", name="pk_record_page"),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA user_version = 0")  # derived data to rebuild


def downgrade() -> None:
    """Drop the stored pages."""
    op.drop_table("record_page")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA user_version = 0")
