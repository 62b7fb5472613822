"""external ids: a participant's ids in other registers, cited; the page an alias was seen on

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 07:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = ("tour", "visit", "meeting", "agreement", "participation", "statement", "claim")
AFTER = (*BEFORE, "external_id")


def one_subject(subjects: Sequence[str]) -> str:
    """Exactly one of the citation's subject columns is set (CASE: PostgreSQL adds no booleans)."""
    return " + ".join(f"(CASE WHEN {s}_id IS NULL THEN 0 ELSE 1 END)" for s in subjects) + " = 1"


def upgrade() -> None:
    """The external_id table, citations that may support one, and alias pages."""
    op.create_table(
        "external_id",
        sa.Column("dataset", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("participant_id", sa.String(), nullable=False),
        sa.Column("scheme", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
            name=op.f("fk_external_id_participant_id_participant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_id")),
        sa.UniqueConstraint(
            "participant_id",
            "scheme",
            "value",
            name=op.f("uq_external_id_participant_id_scheme_value"),
        ),
    )
    with op.batch_alter_table("external_id", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_external_id_scheme_value"), ["scheme", "value"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_external_id_updated_at"), ["updated_at"], unique=False)
    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_id_id", sa.String(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_citation_external_id_id_external_id"),
            "external_id",
            ["external_id_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(
            batch_op.f("ix_citation_external_id_id"), ["external_id_id"], unique=False
        )
        batch_op.drop_constraint(op.f("ck_citation_one_subject"), type_="check")
        batch_op.create_check_constraint("one_subject", one_subject(AFTER))
    with op.batch_alter_table("participant_alias", schema=None) as batch_op:
        batch_op.add_column(sa.Column("page_url", sa.String(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("participant_alias", schema=None) as batch_op:
        batch_op.drop_column("page_url")
    op.execute("DELETE FROM citation WHERE external_id_id IS NOT NULL")
    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_citation_one_subject"), type_="check")
        batch_op.create_check_constraint("one_subject", one_subject(BEFORE))
        batch_op.drop_index(batch_op.f("ix_citation_external_id_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_citation_external_id_id_external_id"), type_="foreignkey"
        )
        batch_op.drop_column("external_id_id")
    op.drop_table("external_id")
