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
    "participants": ["organisation_id", "initiative_id", "id"],
    "activities": ["organisation_id", "initiative_id", "id"],
    "evidence": ["organisation_id", "initiative_id", "id"],
    "assessments": ["organisation_id", "initiative_id", "id"],
    "stage_entries": ["organisation_id", "initiative_id", "id"],
    "audit_events": ["organisation_id", "id"],
}
"""Keyset pages seek along these, so a page costs the same at any depth and table size."""


def upgrade() -> None:
    for table, columns in PAGE_INDEXES.items():
        op.create_index(f"ix_{table}_page", table, columns, unique=False)


def downgrade() -> None:
    for table in PAGE_INDEXES:
        op.drop_index(f"ix_{table}_page", table_name=table)
