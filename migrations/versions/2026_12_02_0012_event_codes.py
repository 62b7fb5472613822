"""event codes: CAMEO and PLOVER codes a source supports for one record, over its kind's

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 07:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = (
    "tour",
    "visit",
    "meeting",
    "agreement",
    "participation",
    "statement",
    "claim",
    "external_id",
)
AFTER = (*BEFORE, "event_code")


def one_subject(subjects: Sequence[str]) -> str:
    """Exactly one of the citation's subject columns is set (CASE: PostgreSQL adds no booleans)."""
    return " + ".join(f"(CASE WHEN {s}_id IS NULL THEN 0 ELSE 1 END)" for s in subjects) + " = 1"


def upgrade() -> None:
    """The event_code table and citations that may support one."""
    op.create_table(
        "event_code",
        sa.Column("dataset", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("subject_type", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.String(length=200), nullable=False),
        sa.Column("scheme", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("mode", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_code")),
    )
    with op.batch_alter_table("event_code", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_code_subject_type_subject_id"),
            ["subject_type", "subject_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_event_code_scheme_code"), ["scheme", "code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_event_code_updated_at"), ["updated_at"], unique=False)
    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("event_code_id", sa.String(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_citation_event_code_id_event_code"),
            "event_code",
            ["event_code_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(
            batch_op.f("ix_citation_event_code_id"), ["event_code_id"], unique=False
        )
        batch_op.drop_constraint(op.f("ck_citation_one_subject"), type_="check")
        batch_op.create_check_constraint("one_subject", one_subject(AFTER))


def downgrade() -> None:
    """Revert this revision."""
    op.execute("DELETE FROM citation WHERE event_code_id IS NOT NULL")
    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_citation_one_subject"), type_="check")
        batch_op.create_check_constraint("one_subject", one_subject(BEFORE))
        batch_op.drop_index(batch_op.f("ix_citation_event_code_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_citation_event_code_id_event_code"), type_="foreignkey"
        )
        batch_op.drop_column("event_code_id")
    op.drop_table("event_code")
