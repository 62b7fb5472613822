"""list entries by record: an index on each list's entries by record id

Revision ID: 0100
Revises: 0090
Create Date: 2026-12-02 19:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0100"
down_revision: str | None = "0090"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The resources whose lists have entries. A load that changes some records rewrites only
# their entries (app/derived.py): it finds them, and the counts they are listed under, by
# record id, an index range instead of a scan of every entry.
LISTED = (
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


def upgrade() -> None:
    """Index each entries table by (id, filter, value)."""
    for resource in LISTED:
        table = f"{resource}_list_entry"
        op.create_index(f"ix_{table}_id_filter_value", table, ["id", "filter", "value"])


def downgrade() -> None:
    """Drop those indexes."""
    for resource in LISTED:
        table = f"{resource}_list_entry"
        op.drop_index(f"ix_{table}_id_filter_value", table_name=table)
