"""The indexes lists are paged along

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

PAGE_INDEXES = {
    "initiatives": ["organisation_id", "id"],
    "participants": ["initiative_id", "id"],
    "activities": ["initiative_id", "id"],
    "evidence": ["initiative_id", "id"],
    "assessments": ["initiative_id", "id"],
    "stage_entries": ["initiative_id", "id"],
    "audit_events": ["organisation_id", "id"],
}
"""Keyset pages seek along these, so a page costs the same at any depth and table size.
An initiative's records are paged within it (its id implies the organisation), and the
same index serves the cascade when it is deleted, so the single-column index it had goes."""

IN_INITIATIVE = [table for table, columns in PAGE_INDEXES.items() if columns[0] == "initiative_id"]


def upgrade() -> None:
    for table, columns in PAGE_INDEXES.items():
        op.create_index(f"ix_{table}_page", table, columns, unique=False)
    for table in IN_INITIATIVE:
        op.drop_index(f"ix_{table}_initiative_id", table_name=table)


def downgrade() -> None:
    for table in IN_INITIATIVE:
        op.create_index(f"ix_{table}_initiative_id", table, ["initiative_id"], unique=False)
    for table in PAGE_INDEXES:
        op.drop_index(f"ix_{table}_page", table_name=table)
