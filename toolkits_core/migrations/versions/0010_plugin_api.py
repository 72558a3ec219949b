"""Indexes for the plugin API's aggregate questions

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0007"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_evidence_tally": ("evidence", ["initiative_id", "stage", "cycle", "evidence_type"]),
    "ix_activities_tally": ("activities", ["initiative_id", "stage", "cycle", "activity_type"]),
}
"""Rules ask "is there evidence of this type in this stage and cycle?" (plugin API 1.1's
``has_evidence``): without these, a question with no answer reads every row of the
initiative (12.6 s for the Star's progress at 600,936 pieces on SQLite, 14.8 s on
PostgreSQL, when the rules read the records themselves)."""


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
