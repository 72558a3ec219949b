"""Evidence remembers the name its file is kept under, where that is not its digest alone

In object storage each upload's file gets a key of its own (``<sha256>.<token>``), so
that a failing upload's clean-up can never delete the bytes another upload of the same
file is committing. Rows from before, and every file in a folder, are still named by
their digest alone: the column stays null for them.

A process of the release before knows nothing of the column. While machines are upgraded
one at a time it still writes rows: a new file's digest with the old file's name left
beside it, which could come to name the wrong object (the first bytes sent back after a
replacement name the first object again, which a sweep may have removed meanwhile). A
trigger forgets the name whenever an UPDATE changes the digest and leaves the name as it
was: every such write of that release, and none of this one's, which writes the name
with every new digest.

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


TRIGGER = "evidence_file_stored_as_follows_digest"

_POSTGRESQL = f"""
CREATE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.file_stored_as := NULL;
    RETURN NEW;
END
$$;
CREATE TRIGGER {TRIGGER} BEFORE UPDATE OF file_sha256 ON evidence
    FOR EACH ROW WHEN (
        NEW.file_sha256 IS DISTINCT FROM OLD.file_sha256
        AND NEW.file_stored_as IS NOT DISTINCT FROM OLD.file_stored_as
        AND NEW.file_stored_as IS NOT NULL
    ) EXECUTE FUNCTION {TRIGGER}();
"""

_SQLITE = f"""
CREATE TRIGGER {TRIGGER} AFTER UPDATE OF file_sha256 ON evidence
FOR EACH ROW WHEN NEW.file_sha256 IS NOT OLD.file_sha256
    AND NEW.file_stored_as IS OLD.file_stored_as AND NEW.file_stored_as IS NOT NULL
BEGIN
    UPDATE evidence SET file_stored_as = NULL WHERE id = NEW.id;
END
"""


def upgrade() -> None:
    op.add_column("evidence", sa.Column("file_stored_as", sa.String(81), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_POSTGRESQL)
    else:
        op.execute(_SQLITE)


def downgrade() -> None:
    # Files uploaded to object storage since keep their keys, but their rows forget them:
    # go back only before any such upload, or restore the database from before.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {TRIGGER} ON evidence")
        op.execute(f"DROP FUNCTION {TRIGGER}()")
    else:
        op.execute(f"DROP TRIGGER {TRIGGER}")
    with op.batch_alter_table("evidence") as table:
        table.drop_column("file_stored_as")
