"""country and topic list entries: `disputed=` on `GET /v1/countries` and `GET /v1/topics`

Revision ID: 0080
Revises: 0050
Create Date: 2026-12-02 15:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0080"
down_revision: str | None = "0050"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("country_list_entry", "topic_list_entry")


def upgrade() -> None:
    """`country_list_entry` and `topic_list_entry`: one row per (filter, value) a country or
    a topic is listed under (`disputed`), with its name, the lists' other sort key. Filled by
    `python -m app migrate` after the migrations and by every load (app/derived.py), as the
    other lists' entries are."""
    for table in TABLES:
        op.create_table(
            table,
            sa.Column("filter", sa.String(40), nullable=False),
            sa.Column("value", sa.String(200), nullable=False),
            sa.Column("id", sa.String(200), nullable=False),  # the record's (a country's code)
            sa.Column("name", sa.String(), nullable=True),
            sa.PrimaryKeyConstraint("filter", "value", "id", name=f"pk_{table}"),
            sqlite_with_rowid=False,
        )
        op.create_index(
            f"ix_{table}_filter_value_name_id", table, ["filter", "value", "name", "id"]
        )


def downgrade() -> None:
    """Drop the countries' and topics' list entries."""
    for table in TABLES:
        op.drop_table(table)
