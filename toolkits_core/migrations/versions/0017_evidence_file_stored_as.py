"""Evidence remembers the name its file is kept under, where that is not its digest alone

In object storage each upload's file gets a key of its own (``<sha256>.<token>``), so
that a failing upload's clean-up can never delete the bytes another upload of the same
file is committing. Rows from before, and every file in a folder, are still named by
their digest alone: the column stays null for them.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("evidence", sa.Column("file_stored_as", sa.String(81), nullable=True))


def downgrade() -> None:
    # Files uploaded to object storage since keep their keys, but their rows forget them:
    # go back only before any such upload, or restore the database from before.
    with op.batch_alter_table("evidence") as table:
        table.drop_column("file_stored_as")
