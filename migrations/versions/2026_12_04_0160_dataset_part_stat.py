"""dataset part stat: a file seen unchanged by its size, times and inode is not read

Revision ID: 0160
Revises: 0150
Create Date: 2026-12-04 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0160"
down_revision: str | None = "0150"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """`dataset_part.stat`, empty. The schema's revision is part of the vocabularies'
    fingerprint, so the next load reads every file and keeps their stats. What a reload
    reads of every part is covered by an index, and the parts that refer to others are
    indexed alone."""
    with op.batch_alter_table("dataset_part") as batch:
        batch.add_column(sa.Column("stat", sa.String(length=100), nullable=True))
        batch.create_index(
            batch.f("ix_dataset_part_dataset_part_fingerprint_stat"),
            ["dataset", "part", "fingerprint", "stat"],
        )
        batch.create_index(
            "ix_dataset_part_referring",
            ["dataset", "part"],
            sqlite_where=sa.text("refers <> '[]'"),
            postgresql_where=sa.text("refers <> '[]'"),
        )


def downgrade() -> None:
    """Drop the stats: every reload hashes every file."""
    with op.batch_alter_table("dataset_part") as batch:
        batch.drop_index("ix_dataset_part_referring")
        batch.drop_index(batch.f("ix_dataset_part_dataset_part_fingerprint_stat"))
        batch.drop_column("stat")
