"""Evidence lists filtered by type or by stage are paged along indexes of their own

On PostgreSQL, once psycopg prepares a list's statement, its generic plan guessed that an
initiative holds a few pieces of each type (or stage), read every piece of that type
through the tally index and sorted them: for an initiative of 600,000 pieces, 170 ms a
page filtered by type and 940 ms by stage, against 5 ms at 1,000. ``(initiative_id,
evidence_type, id)`` and ``(initiative_id, stage, id)`` are a seek and a walk in id order,
as the activities' type index is for theirs, whatever the plan guesses.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_evidence_type_page", "evidence", ["initiative_id", "evidence_type", "id"])
    op.create_index("ix_evidence_stage_page", "evidence", ["initiative_id", "stage", "id"])


def downgrade() -> None:
    op.drop_index("ix_evidence_stage_page", table_name="evidence")
    op.drop_index("ix_evidence_type_page", table_name="evidence")
