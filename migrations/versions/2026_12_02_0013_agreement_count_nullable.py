"""agreement count nullable: "more than twenty" has no exact count to store

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 07:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """An agreement's count may be null: its claims then say what the sources give."""
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.alter_column("count", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    """Revert this revision. The older schema cannot hold an agreement without an exact count
    and none is invented: such agreements go, with their claims and (by cascade) their
    citations, parties and topics. Loading the older seed gives the older data back."""
    op.execute(
        "DELETE FROM claim WHERE subject_type = 'agreement' "
        "AND subject_id IN (SELECT id FROM agreement WHERE count IS NULL)"
    )
    op.execute("DELETE FROM agreement WHERE count IS NULL")
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.alter_column("count", existing_type=sa.Integer(), nullable=False)
