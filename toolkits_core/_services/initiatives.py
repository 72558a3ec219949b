"""Initiatives: create one on a toolkit, find, change, archive and delete them."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from toolkits_core._services.errors import ConflictError, FieldProblem, InvalidRequestError
from toolkits_core._services.pagination import Page, paginate
from toolkits_core._services.views import pinned_toolkit
from toolkits_core._services.workspace import (
    Workspace,
    apply_changes,
    check_if_match,
    matching,
)
from toolkits_core._store.models import Evidence, Initiative, StageEntry


class InitiativeStatus(enum.StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"
    ARCHIVED = "archived"
    """Kept for the record and read-only: nothing in it can change until it is reopened."""


EDITABLE = frozenset({"title", "summary", "status", "themes", "external_ref"})
EXTERNAL_REF_CLAIMS = "coprod_external_ref_claims"


def ensure_external_ref_free(
    ws: Workspace,
    model: type[Any],
    external_ref: str | None,
    *,
    initiative_id: str | None = None,
    except_id: str | None = None,
) -> None:
    """Refuse an ``external_ref`` already used in the same scope: it is the integrator's key.

    The claim is remembered in the session: two requests can both find the reference free
    and both write it, and then the database's unique constraint refuses the second; the
    claim is checked again once the first has committed, so that the second hears this
    same answer, naming the record that took the reference (see ``races``).
    """
    if external_ref is None:
        return
    ws.session.info.setdefault(EXTERNAL_REF_CLAIMS, []).append(
        (model, external_ref, initiative_id, except_id)
    )
    statement = ws.select(model).where(model.external_ref == external_ref)
    if initiative_id is not None:
        statement = statement.where(model.initiative_id == initiative_id)
    if except_id is not None:
        statement = statement.where(model.id != except_id)
    existing = ws.session.scalars(statement.limit(1)).first()
    if existing is not None:
        raise ConflictError(
            "external_ref_taken",
            f"external_ref {external_ref!r} already names {existing.id}: an external "
            "reference names one record, so that integrators can find it by it.",
            existing_id=existing.id,
        )


def create_initiative(
    ws: Workspace,
    *,
    toolkit: str,
    title: str,
    summary: str = "",
    status: str = InitiativeStatus.ACTIVE,
    themes: Sequence[str] = (),
    external_ref: str | None = None,
) -> Initiative:
    """A new initiative at the first stage of ``toolkit``, pinned to its installed version."""
    definitions = {item.key: item for item in ws.host.toolkits()}
    definition = definitions.get(toolkit)
    if definition is None:
        known = ", ".join(sorted(definitions)) or "none"
        raise InvalidRequestError(
            [FieldProblem("toolkit", f"No loaded toolkit {toolkit!r} (loaded: {known}).")]
        )
    ensure_external_ref_free(ws, Initiative, external_ref)
    first = definition.stages[0].key
    initiative = Initiative(
        organisation_id=ws.organisation_id,
        toolkit_key=definition.key,
        toolkit_version=definition.version,
        title=title,
        summary=summary,
        status=InitiativeStatus(status).value,
        themes=list(dict.fromkeys(themes)),
        external_ref=external_ref,
        stage=first,
        cycle=1,
    )
    ws.session.add(initiative)
    ws.session.flush()
    ws.session.add(
        StageEntry(
            organisation_id=ws.organisation_id,
            initiative_id=initiative.id,
            from_stage=None,
            stage=first,
            cycle=1,
            kind="start",
            entered_at=initiative.created_at,
        )
    )
    ws.session.flush()
    return initiative


def get_initiative(ws: Workspace, initiative_id: str) -> Initiative:
    return ws.get(Initiative, initiative_id)


def writable_initiative(
    ws: Workspace, initiative_id: str, *, if_match: str | None = None, exclusive: bool = False
) -> Initiative:
    """An initiative whose records may change: not archived, its toolkit still loaded.

    It is locked until the commit (``Workspace.lock``): shared by writes to its records,
    which depend on its status and stage, and ``exclusive`` for writes that change those
    (a stage transition), which depend on its records in turn. So a record cannot be
    added to an initiative that was archived a moment earlier, and a transition cannot
    count evidence deleted while its rules were reading it. ``if_match``, when given, is
    checked against the initiative itself (for requests that change the initiative, such
    as a stage transition).
    """
    initiative = ws.lock(Initiative, initiative_id, exclusive=exclusive)
    check_if_match(initiative, if_match)
    if initiative.status == InitiativeStatus.ARCHIVED:
        raise ConflictError(
            "initiative_archived",
            f"Initiative {initiative.id} is archived, so it is read-only: set its status "
            "back to active to change it.",
        )
    pinned_toolkit(ws, initiative)
    return initiative


def list_initiatives(
    ws: Workspace,
    *,
    limit: int,
    cursor: str | None = None,
    status: str | None = None,
    toolkit: str | None = None,
    external_ref: str | None = None,
    updated_since: dt.datetime | None = None,
) -> Page[Initiative]:
    statement = matching(
        ws.select(Initiative),
        Initiative,
        status=status,
        toolkit_key=toolkit,
        external_ref=external_ref,
        updated_since=updated_since,
    )
    return paginate(ws.session, statement, Initiative.id, limit=limit, cursor=cursor)


def update_initiative(
    ws: Workspace, initiative_id: str, changes: dict[str, Any], *, if_match: str | None = None
) -> Initiative:
    """Change an initiative's own fields (its stage moves only by transitions).

    The initiative is locked first: its status decides whether its records may change.
    """
    initiative = ws.lock(Initiative, initiative_id, exclusive=True)
    check_if_match(initiative, if_match)
    unknown = sorted(set(changes) - EDITABLE)
    if unknown:
        raise InvalidRequestError(
            [FieldProblem(name, "This field cannot be changed here.") for name in unknown]
        )
    reopening = changes.get("status", InitiativeStatus.ARCHIVED) != InitiativeStatus.ARCHIVED
    if initiative.status == InitiativeStatus.ARCHIVED and not reopening:
        raise ConflictError(
            "initiative_archived",
            f"Initiative {initiative.id} is archived, so it is read-only: set its status "
            "back to active to change it.",
        )
    if "external_ref" in changes:
        ensure_external_ref_free(ws, Initiative, changes["external_ref"], except_id=initiative.id)
    if "themes" in changes:
        changes = {**changes, "themes": list(dict.fromkeys(changes["themes"]))}
    if "status" in changes:
        changes = {**changes, "status": InitiativeStatus(changes["status"]).value}
    if apply_changes(initiative, changes):
        ws.session.flush()
    return initiative


def delete_initiative(ws: Workspace, initiative_id: str, *, if_match: str | None = None) -> None:
    """Delete an initiative and everything recorded in it, including uploaded files.

    Locked first, so that no record (nor file) is added while its files are listed.
    """
    initiative = ws.lock(Initiative, initiative_id, exclusive=True)
    check_if_match(initiative, if_match)
    files = ws.session.execute(
        sa.select(Evidence.id, Evidence.file_sha256).where(
            Evidence.organisation_id == ws.organisation_id,
            Evidence.initiative_id == initiative.id,
            Evidence.file_sha256.is_not(None),
        )
    ).all()
    ws.session.delete(initiative)
    ws.session.flush()
    for evidence_id, sha256 in files:
        if sha256 is not None:
            ws.delete_file_after_commit(evidence_id, sha256)
