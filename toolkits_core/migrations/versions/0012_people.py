"""People as they take part: affiliation and age band, and evidence from several people

Existing participants become adults with no affiliation; existing evidence that named a
participant gets that participant as its one entry in ``participant_ids`` and in the
``evidence_participants`` index.

Revision ID: 0012
Revises: 0011c
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011c"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("participants", sa.Column("affiliation", sa.String(length=200), nullable=True))
    op.add_column(
        "participants",
        sa.Column("age_band", sa.String(length=20), nullable=False, server_default="adult"),
    )
    op.add_column(
        "evidence",
        sa.Column("participant_ids", sa.JSON(), nullable=False, server_default="[]"),
    )
    op.create_table(
        "evidence_participants",
        sa.Column("evidence_id", sa.String(length=40), nullable=False),
        sa.Column("participant_id", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["evidence.id"],
            name=op.f("fk_evidence_participants_evidence_id_evidence"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_evidence_participants_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "evidence_id", "participant_id", name=op.f("pk_evidence_participants")
        ),
    )
    op.create_index(
        op.f("ix_evidence_participants_participant_id"),
        "evidence_participants",
        ["participant_id"],
    )
    op.execute(
        "INSERT INTO evidence_participants (evidence_id, participant_id) "
        "SELECT id, participant_id FROM evidence WHERE participant_id IS NOT NULL"
    )
    as_list = "json_build_array" if op.get_bind().dialect.name == "postgresql" else "json_array"
    op.execute(
        f"UPDATE evidence SET participant_ids = {as_list}(participant_id) "
        "WHERE participant_id IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_evidence_participants_participant_id"), table_name="evidence_participants"
    )
    op.drop_table("evidence_participants")
    with op.batch_alter_table("evidence") as batch:
        batch.drop_column("participant_ids")
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("age_band")
        batch.drop_column("affiliation")
