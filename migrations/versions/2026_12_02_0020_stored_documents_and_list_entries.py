"""stored documents and list entries: every resource's items and details, lists as index ranges

Revision ID: 0020
Revises: 0013
Create Date: 2026-12-02 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each listable resource's entries: the columns its lists sort by (besides the id), and the
# end of its date span where it has one. The first sort column gets an index of its own.
ENTRY_COLUMNS: dict[str, list[tuple[str, sa.types.TypeEngine[object]]]] = {
    "visit": [("start_date", sa.Date()), ("end_date", sa.Date())],
    "meeting": [("date", sa.Date())],
    "agreement": [("signed_on", sa.Date())],
    "participant": [("name", sa.String())],
    "tour": [("start_date", sa.Date()), ("end_date", sa.Date())],
    "source": [("published_on", sa.Date())],
}


def _record_key() -> list[sa.Column[str]]:
    return [
        sa.Column("resource", sa.String(40), nullable=False),
        sa.Column("record_id", sa.String(200), nullable=False),
    ]


def upgrade() -> None:
    """Derived tables (docs/read-path.md), filled by `python -m app migrate` after the
    migrations and by every load (app/derived.py):

    - `record_item`, `record_detail`: every record's list item (JSON and a CSV row) and its
      detail (gzip-compressed JSON), keyed by resource and id; they replace
      `visit_document` and `visit_detail`, which only visits had;
    - `<resource>_list_entry`: one row per (filter, value) a record can be listed under,
      with the record's sort keys, so that a filtered page is one index range in the sort
      order;
    - `list_count`: how many records each (filter, value) holds, and each resource's total;
    - `list_span`: each resource's longest date span, which bounds date-overlap ranges;
    - `search_index_map` (SQLite): the full-text document of each record.
    """
    op.execute("DROP TABLE visit_document")
    op.drop_table("visit_detail")
    op.create_table(
        "record_item",
        *_record_key(),
        sa.Column("item", sa.Text(), nullable=False),  # the list item as JSON
        sa.Column("csv_row", sa.Text(), nullable=False),  # and as one CSV row
        sa.PrimaryKeyConstraint("resource", "record_id", name="pk_record_item"),
    )
    op.create_table(
        "record_detail",
        *_record_key(),
        sa.Column("detail", sa.LargeBinary(), nullable=False),  # JSON, gzip-compressed
        sa.PrimaryKeyConstraint("resource", "record_id", name="pk_record_detail"),
    )
    for resource, columns in ENTRY_COLUMNS.items():
        table = f"{resource}_list_entry"
        op.create_table(
            table,
            sa.Column("filter", sa.String(40), nullable=False),
            sa.Column("value", sa.String(200), nullable=False),
            sa.Column("id", sa.String(200), nullable=False),  # the record's
            *[sa.Column(name, kind, nullable=True) for name, kind in columns],
            sa.PrimaryKeyConstraint("filter", "value", "id", name=f"pk_{table}"),
            sqlite_with_rowid=False,
        )
        sorted_by = [name for name, _ in columns if not (resource == "tour" and name == "end_date")]
        for name in sorted_by:
            op.create_index(
                f"ix_{table}_filter_value_{name}_id", table, ["filter", "value", name, "id"]
            )
    op.create_table(
        "list_count",
        sa.Column("resource", sa.String(40), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),  # a filter or facet; '' the total
        sa.Column("value", sa.String(200), nullable=True),  # NULL: records without a value
        sa.Column("total", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ix_list_count_resource_name_value", "list_count", ["resource", "name", "value"]
    )
    op.create_table(
        "list_span",
        sa.Column("resource", sa.String(40), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),  # the longest end - start
        sa.PrimaryKeyConstraint("resource", name="pk_list_span"),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE TABLE search_index_map ("
            "resource TEXT NOT NULL, record_id TEXT NOT NULL, "
            "document INTEGER NOT NULL, "  # the rowid of the record's document in search_index
            "PRIMARY KEY (resource, record_id)) WITHOUT ROWID"
        )
        op.execute("PRAGMA user_version = 0")  # derived data to rebuild


def downgrade() -> None:
    """Revert this revision (the derived data of 0009 is rebuilt by `migrate`)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_index_map")
        op.execute("PRAGMA user_version = 0")
    for table in ("list_span", "list_count", "record_detail", "record_item"):
        op.drop_table(table)
    for resource in ENTRY_COLUMNS:
        op.drop_table(f"{resource}_list_entry")
    op.execute(
        "CREATE TABLE visit_document ("
        "visit_rowid INTEGER PRIMARY KEY, item TEXT NOT NULL, csv_row TEXT NOT NULL)"
    )
    op.create_table(
        "visit_detail",
        sa.Column("visit_rowid", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("detail", sa.LargeBinary, nullable=False),
    )
