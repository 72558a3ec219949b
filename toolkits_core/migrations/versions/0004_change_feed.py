"""The change feed: events in commit order with what they showed, erased references,
and idempotent requests

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

APPEND_ONLY = "coprod_audit_events_append_only"
"""The triggers of migration 0002: lifted while the events made before get a position."""

EVENT_TYPES = {
    "created": "created",
    "changed": "updated",
    "deleted": "deleted",
    "erased": "erased",
    "exported": "exported",
}


def upgrade() -> None:
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ref_hash_key", sa.String(length=64), nullable=True))
    op.add_column("audit_events", sa.Column("position", sa.BigInteger(), nullable=True))
    op.add_column("audit_events", sa.Column("event_type", sa.String(length=60), nullable=True))
    op.add_column("audit_events", sa.Column("version", sa.Integer(), nullable=True))
    _number_the_events_made_before()
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column("position", existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column("event_type", existing_type=sa.String(length=60), nullable=False)
        batch_op.create_unique_constraint(op.f("uq_audit_events_position"), ["position"])
        batch_op.create_index("ix_audit_events_feed", ["organisation_id", "position"])
    _refuse_changes_to_audit_events()
    op.create_table(
        "event_data",
        sa.Column("event_id", sa.String(length=40), nullable=False),
        sa.Column("external_ref", sa.String(length=200), nullable=True),
        sa.Column("record", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["audit_events.id"],
            name=op.f("fk_event_data_event_id_audit_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_data")),
    )
    clock = op.create_table(
        "change_clock",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_clock")),
    )
    last = op.get_bind().execute(sa.text("SELECT count(*) FROM audit_events")).scalar_one()
    op.bulk_insert(clock, [{"id": 1, "position": last}])
    op.create_table(
        "erased_refs",
        sa.Column("organisation_id", sa.String(length=40), nullable=False),
        sa.Column("ref_hash", sa.String(length=64), nullable=False),
        sa.Column("erased_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_erased_refs_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "ref_hash", name=op.f("pk_erased_refs")),
    )
    op.create_index(
        op.f("ix_erased_refs_organisation_id"), "erased_refs", ["organisation_id"], unique=False
    )
    op.create_table(
        "idempotent_requests",
        sa.Column("organisation_id", sa.String(length=40), nullable=False),
        sa.Column("credential_id", sa.String(length=40), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("request_sha256", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("path", sa.String(length=2000), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_idempotent_requests_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "credential_id", "idempotency_key", name=op.f("pk_idempotent_requests")
        ),
    )
    op.create_index(
        op.f("ix_idempotent_requests_expires_at"),
        "idempotent_requests",
        ["expires_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_idempotent_requests_organisation_id"),
        "idempotent_requests",
        ["organisation_id"],
        unique=False,
    )


def _number_the_events_made_before() -> None:
    """Events made before the feed get positions in id order, and their feed type.

    Their commit order was never recorded; id order is the order of their writes, which
    is what the audit log has always been paged in.
    """
    bind = op.get_bind()
    _lift_the_append_only_triggers()
    ids = bind.execute(sa.text("SELECT id, action, record_type FROM audit_events ORDER BY id"))
    for position, (event_id, action, record_type) in enumerate(ids.all(), start=1):
        bind.execute(
            sa.text("UPDATE audit_events SET position = :p, event_type = :t WHERE id = :id"),
            {
                "p": position,
                "t": f"{record_type}.{EVENT_TYPES.get(action, action)}",
                "id": event_id,
            },
        )


def _lift_the_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {APPEND_ONLY} ON audit_events")
        op.execute(f"DROP FUNCTION IF EXISTS {APPEND_ONLY}()")
        return
    for event in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {APPEND_ONLY}_{event}")


def _refuse_changes_to_audit_events() -> None:
    """The triggers of migration 0002 again (a batch alter on SQLite copies the table
    without them, so they are made once the table is in its final shape)."""
    from importlib import import_module

    _lift_the_append_only_triggers()
    import_module(
        "toolkits_core.migrations.versions.0002_audit_and_erasure"
    )._refuse_changes_to_audit_events()


def downgrade() -> None:
    op.drop_index(op.f("ix_idempotent_requests_organisation_id"), table_name="idempotent_requests")
    op.drop_index(op.f("ix_idempotent_requests_expires_at"), table_name="idempotent_requests")
    op.drop_table("idempotent_requests")
    op.drop_index(op.f("ix_erased_refs_organisation_id"), table_name="erased_refs")
    op.drop_table("erased_refs")
    op.drop_table("change_clock")
    op.drop_table("event_data")
    _lift_the_append_only_triggers()
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_feed")
        batch_op.drop_constraint(op.f("uq_audit_events_position"), type_="unique")
        batch_op.drop_column("version")
        batch_op.drop_column("event_type")
        batch_op.drop_column("position")
    _refuse_changes_to_audit_events()
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_column("ref_hash_key")
