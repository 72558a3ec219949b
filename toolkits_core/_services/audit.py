"""Reading the audit log (it is written by ``toolkits_core._store.audit`` on every flush)."""

from __future__ import annotations

import datetime as dt

from toolkits_core._services.pagination import Page, paginate
from toolkits_core._services.workspace import Workspace, as_utc, matching
from toolkits_core._store.models import AuditEvent


def list_audit_events(
    ws: Workspace,
    *,
    limit: int,
    cursor: str | None = None,
    record_id: str | None = None,
    initiative_id: str | None = None,
    key_id: str | None = None,
    action: str | None = None,
    record_type: str | None = None,
    since: dt.datetime | None = None,
) -> Page[AuditEvent]:
    """The organisation's audit events, oldest first, narrowed by the filters given."""
    statement = matching(
        ws.select(AuditEvent),
        AuditEvent,
        record_id=record_id,
        initiative_id=initiative_id,
        key_id=key_id,
        action=action,
        record_type=record_type,
    )
    if since is not None:
        statement = statement.where(AuditEvent.occurred_at >= as_utc(since))
    return paginate(ws.session, statement, AuditEvent.id, limit=limit, cursor=cursor)
