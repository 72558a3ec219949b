"""Participants found and paged across the organisation

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_participants_organisation_ref": ["organisation_id", "external_ref"],
    "ix_participants_organisation_page": ["organisation_id", "id"],
}
"""GET /participants looks a contact up by the CRM's id across the organisation, and
pages all of its participants: without these, both scan the table (8 ms at 50,000
participants on PostgreSQL, and growing with it)."""


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "participants", columns, unique=False)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="participants")
