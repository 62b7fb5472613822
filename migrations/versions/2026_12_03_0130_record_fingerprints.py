"""record fingerprints: a hash of each record's content, so a reload reads only the hashes

Revision ID: 0130
Revises: 0120
Create Date: 2026-12-03 03:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0130"
down_revision: str | None = "0120"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The record tables (app/store.py RECORD_TABLES).
TABLES = (
    "country",
    "source",
    "topic",
    "participant",
    "external_id",
    "tour",
    "visit",
    "meeting",
    "participation",
    "agreement",
    "statement",
    "claim",
    "event_code",
    "citation",
)


def upgrade() -> None:
    """`fingerprint` on every record table, null until the next load compares each record in
    full and stores it (app/store.py)."""
    for table in TABLES:
        op.add_column(table, sa.Column("fingerprint", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    """Drop the fingerprints (in place on SQLite: batch mode would copy the tables, and
    dropping `country` under enforced foreign keys fails)."""
    for table in TABLES:
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE {table} DROP COLUMN fingerprint")
        else:
            op.drop_column(table, "fingerprint")
