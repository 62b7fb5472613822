"""more sorts: visits by host country, visitor country and city; agreements by count

Revision ID: 0090
Revises: 0085
Create Date: 2026-12-02 15:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0090"
down_revision: str | None = "0085"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The new sort columns, per resource: each is carried by the list entries (a filtered page
# is one index range in that order) and indexed with the id on the record table (an
# unfiltered one).
SORTS: dict[str, list[tuple[str, sa.types.TypeEngine[object]]]] = {
    "visit": [
        ("host_country_code", sa.String()),
        ("visitor_country_code", sa.String()),
        ("city", sa.String()),
    ],
    "agreement": [("count", sa.Integer())],
}


def upgrade() -> None:
    """Add the sort columns to the entries, their indexes, and the record tables' indexes;
    `python -m app migrate` rebuilds the entries (derived version 8)."""
    for resource, columns in SORTS.items():
        table = f"{resource}_list_entry"
        for name, kind in columns:
            op.add_column(table, sa.Column(name, kind, nullable=True))
            op.create_index(
                f"ix_{table}_filter_value_{name}_id", table, ["filter", "value", name, "id"]
            )
            op.create_index(f"ix_{resource}_{name}_id", resource, [name, "id"])
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA user_version = 0")  # derived data to rebuild


def downgrade() -> None:
    """Drop the indexes and the entries' columns."""
    for resource, columns in SORTS.items():
        table = f"{resource}_list_entry"
        for name, _ in columns:
            op.drop_index(f"ix_{resource}_{name}_id", resource)
            op.drop_index(f"ix_{table}_filter_value_{name}_id", table)
            # Not a batch: the entries' table stays WITHOUT ROWID (SQLite 3.35 drops columns).
            op.execute(f'ALTER TABLE {table} DROP COLUMN "{name}"')
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA user_version = 0")
