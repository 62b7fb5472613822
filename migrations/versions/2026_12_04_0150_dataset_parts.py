"""dataset parts: each loaded file's fingerprint, the ids of its records and what they name elsewhere

Revision ID: 0150
Revises: 0140
Create Date: 2026-12-04 04:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0150"
down_revision: str | None = "0140"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """`dataset_part`, empty: the next load of a dataset in parts reads every part and
    records them (app/parts.py)."""
    op.create_table(
        "dataset_part",
        sa.Column("dataset", sa.String(length=40), nullable=False),
        sa.Column("part", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("records", sa.Text(), nullable=False),
        sa.Column("refers", sa.Text(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("dataset", "part", name=op.f("pk_dataset_part")),
    )


def downgrade() -> None:
    """Drop the parts: the next load reads every file."""
    op.drop_table("dataset_part")
