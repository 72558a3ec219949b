"""The network library: published case studies, and a full-text index over them

Revision ID: 0011c
Revises: 0011b
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011c"
down_revision = "0011b"
branch_labels = None
depends_on = None

SEARCH_INDEX = "ix_library_entries_search"
SQLITE_SEARCH = "library_search"


def upgrade() -> None:
    op.create_table(
        "library_entries",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("slug", sa.String(length=140), nullable=False),
        sa.Column("case_study_id", sa.String(length=40), nullable=False),
        sa.Column("initiative_id", sa.String(length=40), nullable=False),
        sa.Column("organisation_name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("dated_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("toolkit_key", sa.String(length=100), nullable=False),
        sa.Column("stage_reached", sa.String(length=100), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("themes_key", sa.Text(), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("cited_evidence_ids", sa.JSON(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("owners_agreed_by", sa.String(length=200), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("organisation_id", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_study_id"],
            ["case_studies.id"],
            name=op.f("fk_library_entries_case_study_id_case_studies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_library_entries_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_entries")),
        sa.UniqueConstraint("case_study_id", name=op.f("uq_library_entries_case_study_id")),
        sa.UniqueConstraint("slug", name=op.f("uq_library_entries_slug")),
    )
    op.create_index("ix_library_entries_page", "library_entries", ["id"])
    op.create_index(
        op.f("ix_library_entries_organisation_id"), "library_entries", ["organisation_id"]
    )
    op.create_index(op.f("ix_library_entries_toolkit_key"), "library_entries", ["toolkit_key"])
    op.create_index(op.f("ix_library_entries_year"), "library_entries", ["year"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE INDEX {SEARCH_INDEX} ON library_entries "
            "USING gin (to_tsvector('english', search_text))"
        )
    else:
        op.execute(
            f"CREATE VIRTUAL TABLE {SQLITE_SEARCH} USING fts5("
            "entry_id UNINDEXED, body, tokenize = 'porter unicode61')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX {SEARCH_INDEX}")
    else:
        op.execute(f"DROP TABLE {SQLITE_SEARCH}")
    op.drop_index(op.f("ix_library_entries_year"), table_name="library_entries")
    op.drop_index(op.f("ix_library_entries_toolkit_key"), table_name="library_entries")
    op.drop_index(op.f("ix_library_entries_organisation_id"), table_name="library_entries")
    op.drop_index("ix_library_entries_page", table_name="library_entries")
    op.drop_table("library_entries")
