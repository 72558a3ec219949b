"""Consent fit for publishing: when and by whom consent was given, and consent to publish

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Conservative: nobody is taken to have agreed to publication, and the date and
    signer of consent already given stay unknown (null) until someone records them.

    The server default fills the rows already there (and stays: it says the same as the
    models' default), so SQLite adds the columns in place instead of copying the tables.
    """
    with op.batch_alter_table("participants") as table:
        table.add_column(sa.Column("consent_given_on", sa.Date(), nullable=True))
        table.add_column(sa.Column("consent_given_by", sa.String(30), nullable=True))
        table.add_column(
            sa.Column(
                "publication_consent",
                sa.String(20),
                nullable=False,
                server_default="not_recorded",
            )
        )
        table.add_column(sa.Column("publication_consent_recorded_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("evidence") as table:
        table.add_column(
            sa.Column(
                "publication_consent",
                sa.String(20),
                nullable=False,
                server_default="not_recorded",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("evidence") as table:
        table.drop_column("publication_consent")
    with op.batch_alter_table("participants") as table:
        table.drop_column("publication_consent_recorded_at")
        table.drop_column("publication_consent")
        table.drop_column("consent_given_by")
        table.drop_column("consent_given_on")
