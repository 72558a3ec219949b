"""Activity details: tags, place, recurrence and attendance, and the indexes lists filter on

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Activities recorded before have no tags (an empty list, filled in by the server
    default, which says what the models' default says) and no place, recurrence or
    attendance (null): all valid, and shown as such. SQLite adds the columns in place."""
    with op.batch_alter_table("activities") as table:
        table.add_column(sa.Column("tags", sa.JSON(), nullable=False, server_default="[]"))
        table.add_column(sa.Column("place", sa.String(length=200), nullable=True))
        table.add_column(sa.Column("recurrence", sa.JSON(), nullable=True))
        table.add_column(sa.Column("attendance", sa.JSON(), nullable=True))
    op.create_index(
        "ix_activities_type_page", "activities", ["initiative_id", "activity_type", "id"]
    )
    op.create_index("ix_activities_place_page", "activities", ["initiative_id", "place", "id"])
    op.create_table(
        "activity_tags",
        sa.Column("activity_id", sa.String(length=40), nullable=False),
        sa.Column("tag", sa.String(length=50), nullable=False),
        sa.Column("initiative_id", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_activity_tags_activity_id_activities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("activity_id", "tag", name=op.f("pk_activity_tags")),
    )
    op.create_index(
        "ix_activity_tags_page", "activity_tags", ["initiative_id", "tag", "activity_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_activity_tags_page", table_name="activity_tags")
    op.drop_table("activity_tags")
    op.drop_index("ix_activities_place_page", table_name="activities")
    op.drop_index("ix_activities_type_page", table_name="activities")
    with op.batch_alter_table("activities") as table:
        table.drop_column("attendance")
        table.drop_column("recurrence")
        table.drop_column("place")
        table.drop_column("tags")
