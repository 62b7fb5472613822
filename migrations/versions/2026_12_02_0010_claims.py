"""claims: every source's version of a field, with citations of their own

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 07:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = ("tour", "visit", "meeting", "agreement", "participation", "statement")
AFTER = (*BEFORE, "claim")


def one_subject(subjects: Sequence[str]) -> str:
    """Exactly one of the citation's subject columns is set (CASE: PostgreSQL adds no booleans)."""
    return " + ".join(f"(CASE WHEN {s}_id IS NULL THEN 0 ELSE 1 END)" for s in subjects) + " = 1"


def upgrade() -> None:
    """The claim table, and citations that may support a claim."""
    op.create_table(
        "claim",
        sa.Column("dataset", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("subject_type", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.String(length=200), nullable=False),
        sa.Column("property", sa.String(length=60), nullable=False),
        # JSON as text (app.models.base.JSONText).
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("rank", sa.String(length=20), nullable=False),
        sa.Column("qualifiers", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "rank IN ('preferred', 'normal', 'deprecated')", name=op.f("ck_claim_rank")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim")),
    )
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_claim_subject_type_subject_id_property"),
            ["subject_type", "subject_id", "property"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_claim_property_subject_type"), ["property", "subject_type"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_claim_updated_at"), ["updated_at"], unique=False)
    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claim_id", sa.String(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_citation_claim_id_claim"),
            "claim",
            ["claim_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(batch_op.f("ix_citation_claim_id"), ["claim_id"], unique=False)
        batch_op.drop_constraint(op.f("ck_citation_one_subject"), type_="check")
        batch_op.create_check_constraint("one_subject", one_subject(AFTER))


def downgrade() -> None:
    """Revert this revision."""
    op.execute("DELETE FROM citation WHERE claim_id IS NOT NULL")
    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_citation_one_subject"), type_="check")
        batch_op.create_check_constraint("one_subject", one_subject(BEFORE))
        batch_op.drop_index(batch_op.f("ix_citation_claim_id"))
        batch_op.drop_constraint(batch_op.f("fk_citation_claim_id_claim"), type_="foreignkey")
        batch_op.drop_column("claim_id")
    op.drop_table("claim")
