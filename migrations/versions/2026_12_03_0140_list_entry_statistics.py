"""statistics of list entries' (filter, value) pairs, on PostgreSQL

Revision ID: 0140
Revises: 0130
Create Date: 2026-12-03 07:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0140"
down_revision: str | None = "0130"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every resource's list entries (app/queries/listing.py `entry_table`).
TABLES = (
    "visit",
    "meeting",
    "agreement",
    "participant",
    "tour",
    "source",
    "country",
    "topic",
    "claim",
    "statement",
    "citation",
)


# The pairs ANALYZE counts: a value outside them is estimated at the average of the rest.
MOST_COMMON = 1000


def upgrade() -> None:
    """On PostgreSQL only: the MOST_COMMON (filter, value) pairs of each list entries table,
    counted together by ANALYZE. Estimated as two independent columns, a value's entries
    were often thought a few rows, read whole and sorted, where a range of the index in the
    sort order stops after a page (tests/test_query_plans_postgresql.py). SQLite plans a
    filtered page from the index alone."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(
            f"CREATE STATISTICS {table}_list_entry_filter_value (mcv, dependencies) "
            f"ON filter, value FROM {table}_list_entry"
        )
        op.execute(f"ALTER STATISTICS {table}_list_entry_filter_value SET STATISTICS {MOST_COMMON}")


def downgrade() -> None:
    """Drop the statistics."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP STATISTICS {table}_list_entry_filter_value")
