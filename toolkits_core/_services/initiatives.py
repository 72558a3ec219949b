"""Initiatives: create one on a toolkit, find, change, archive and delete them."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from toolkits_core._services.errors import ConflictError, FieldProblem, InvalidRequestError
from toolkits_core._services.external_refs import (
    Upserted,
    create_or_replace,
    find_by_external_ref,
)
from toolkits_core._services.external_refs import (  # also here, where it used to live
    ensure_external_ref_free as ensure_external_ref_free,
)
from toolkits_core._services.library_entries import take_out_published_from
from toolkits_core._services.pagination import Page, paginate
from toolkits_core._services.record_search import matching_text
from toolkits_core._services.views import pinned_toolkit
from toolkits_core._services.workspace import (
    Workspace,
    apply_changes,
    check_if_match,
    matching,
)
from toolkits_core._store.models import Evidence, Initiative, StageEntry, stored_file_name


class InitiativeStatus(enum.StrEnum):
    """Where an initiative is in its life; each status but ``active`` refuses some writes
    (``REFUSED``), and setting the status back to ``active`` reopens it."""

    ACTIVE = "active"
    """Everything may be recorded and the stages may move."""
    PAUSED = "paused"
    """On hold: its stage does not move (no transitions, no new round), but what was done
    may still be recorded."""
    COMPLETED = "completed"
    """Finished: nothing more is recorded and its stage does not move, until it is reopened."""
    ARCHIVED = "archived"
    """Kept for the record and read-only: nothing in it can change until it is reopened."""


class Write(enum.StrEnum):
    """The kinds of write an initiative's status may refuse."""

    RECORD = "record"
    """Adding, changing or deleting a record in it (participant, activity, evidence, file,
    assessment)."""
    TRANSITION = "transition"
    """Moving its stage, a new round included."""
    PEOPLES_RIGHTS = "peoples_rights"
    """Withdrawing consent, removing a participant or erasing one: never refused, because a
    person's rights over their own data do not wait for an initiative to reopen."""


REFUSED: dict[InitiativeStatus, frozenset[Write]] = {
    InitiativeStatus.ACTIVE: frozenset(),
    InitiativeStatus.PAUSED: frozenset({Write.TRANSITION}),
    InitiativeStatus.COMPLETED: frozenset({Write.RECORD, Write.TRANSITION}),
    InitiativeStatus.ARCHIVED: frozenset({Write.RECORD, Write.TRANSITION}),
}
"""What each status refuses, with 409 and the code ``initiative_<status>``."""

_WHY = {
    InitiativeStatus.PAUSED: "is paused, so its stage cannot move",
    InitiativeStatus.COMPLETED: "is completed, so nothing more can be recorded in it and its "
    "stage cannot move",
    InitiativeStatus.ARCHIVED: "is archived, so it is read-only",
}

_WITHDRAWALS = {"consent": "withdrawn", "publication_consent": "withdrawn"}
"""The fields a withdrawal of consent sets, and the value it sets them to."""


def only_withdraws_consent(changed: Mapping[str, Any]) -> bool:
    """Whether a change does nothing but withdraw consent (or nothing at all).

    ``changed`` holds only the fields whose value would differ from the stored one. Taking
    a record out of public view (``visibility`` away from ``public``) goes with a withdrawal,
    so it counts as part of one.
    """
    for name, value in changed.items():
        if name == "visibility" and value != "public":
            continue
        if _WITHDRAWALS.get(name) != value:
            return False
    return True


def write_of(record: object, changes: Mapping[str, Any]) -> Write:
    """The kind of write that applying ``changes`` to ``record`` would be.

    A change that only withdraws consent (the fields it would really change, compared with
    the stored values) is one of ``PEOPLES_RIGHTS``; anything else is a ``RECORD`` write.
    """
    changed = {
        name: value for name, value in changes.items() if getattr(record, name, None) != value
    }
    return Write.PEOPLES_RIGHTS if only_withdraws_consent(changed) else Write.RECORD


def refuse_by_status(initiative: Initiative, write: Write) -> None:
    """Raise ``ConflictError`` (``initiative_<status>``) if the status refuses ``write``."""
    status = InitiativeStatus(initiative.status)
    if write in REFUSED[status]:
        raise ConflictError(
            f"initiative_{status.value}",
            f"Initiative {initiative.id} {_WHY[status]}: set its status back to active to "
            "reopen it. Withdrawing consent and erasing a participant are always allowed.",
            initiative_status=status.value,
        )


EDITABLE = frozenset({"title", "summary", "status", "themes", "external_ref"})


def _sent(values: dict[str, Any], sent: Collection[str] | None) -> dict[str, Any]:
    """The values the caller sent (all of them when it does not say), to compare with a
    record that already has the external_ref."""
    return {name: value for name, value in values.items() if sent is None or name in sent}


def create_initiative(
    ws: Workspace,
    *,
    toolkit: str,
    title: str,
    summary: str = "",
    status: str = InitiativeStatus.ACTIVE,
    themes: Sequence[str] = (),
    external_ref: str | None = None,
    sent: Collection[str] | None = None,
) -> Initiative:
    """A new initiative at the first stage of ``toolkit``, pinned to its installed version.

    ``sent`` names the fields the caller sent (by attribute: ``toolkit_key`` for the
    toolkit); if ``external_ref`` is taken, the refusal says whether those differ from the
    record that has it. None: all of them.
    """
    definitions = {item.key: item for item in ws.host.toolkits()}
    definition = definitions.get(toolkit)
    if definition is None:
        known = ", ".join(sorted(definitions)) or "none"
        raise InvalidRequestError(
            [FieldProblem("toolkit", f"No loaded toolkit {toolkit!r} (loaded: {known}).")]
        )
    values = {
        "toolkit_key": definition.key,
        "title": title,
        "summary": summary,
        "status": InitiativeStatus(status).value,
        "themes": list(dict.fromkeys(themes)),
    }
    ensure_external_ref_free(ws, Initiative, external_ref, compare=_sent(values, sent))
    first = definition.stages[0].key
    initiative = Initiative(
        organisation_id=ws.organisation_id,
        toolkit_version=definition.version,
        external_ref=external_ref,
        stage=first,
        cycle=1,
        **values,
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
    """An initiative, to be shown (``Workspace.read``: a record on a read-only session)."""
    return ws.read(Initiative, initiative_id)


def writable_initiative(
    ws: Workspace,
    initiative_id: str,
    *,
    if_match: str | None = None,
    exclusive: bool = False,
    write: Write = Write.RECORD,
) -> Initiative:
    """An initiative whose status allows ``write`` (``REFUSED``), its toolkit still loaded.

    Every write to an initiative's records goes through here, so the status is checked in
    one place for every path (single, bulk, upsert by external_ref, file upload), before
    anything is written.

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
    refuse_by_status(initiative, write)
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
    q: str | None = None,
) -> Page[Initiative]:
    statement = matching(
        ws.select(Initiative),
        Initiative,
        status=status,
        toolkit_key=toolkit,
        external_ref=external_ref,
        updated_since=updated_since,
    )
    statement = matching_text(ws.session, statement, Initiative, q)
    return paginate(
        ws.session,
        statement,
        Initiative.id,
        limit=limit,
        cursor=cursor,
        by=None if updated_since is None else Initiative.updated_at,
    )


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
        refuse_by_status(initiative, Write.RECORD)
    if "themes" in changes:
        changes = {**changes, "themes": list(dict.fromkeys(changes["themes"]))}
    if "status" in changes:
        changes = {**changes, "status": InitiativeStatus(changes["status"]).value}
    if "external_ref" in changes:
        ensure_external_ref_free(
            ws,
            Initiative,
            changes["external_ref"],
            except_id=initiative.id,
            compare={name: value for name, value in changes.items() if name != "external_ref"},
        )
    if apply_changes(initiative, changes):
        ws.session.flush()
    return initiative


def upsert_initiative(
    ws: Workspace,
    external_ref: str,
    *,
    toolkit: str,
    title: str,
    summary: str = "",
    status: str = InitiativeStatus.ACTIVE,
    themes: Sequence[str] = (),
    if_match: str | None = None,
    if_none_match: str | None = None,
) -> Upserted[Initiative]:
    """The initiative the caller knows as ``external_ref``, made or replaced whole.

    Made as ``create_initiative`` makes one if no initiative has the reference; otherwise
    its fields are replaced (those not given go back to their defaults) as
    ``update_initiative`` changes them, with the same checks: an unchanged initiative
    keeps its version. Its toolkit is fixed when it is made, so it must be the same.
    ``if_match`` and ``if_none_match`` are the request's conditions (see
    ``external_refs.check_conditions``); concurrent calls make one initiative
    (``external_refs.create_or_replace``).
    """
    ws.hold_write_lock()

    def replace(initiative: Initiative) -> Initiative:
        if toolkit != initiative.toolkit_key:
            raise InvalidRequestError(
                [
                    FieldProblem(
                        "toolkit",
                        f"Initiative {initiative.id} runs with {initiative.toolkit_key!r}: an "
                        "initiative's toolkit is fixed when it is made.",
                        "toolkit_fixed",
                    )
                ]
            )
        changes = {"title": title, "summary": summary, "status": status, "themes": themes}
        return update_initiative(ws, initiative.id, changes, if_match=if_match)

    return create_or_replace(
        ws,
        external_ref,
        find=lambda: find_by_external_ref(ws, Initiative, external_ref, lock=True),
        create=lambda: create_initiative(
            ws,
            toolkit=toolkit,
            title=title,
            summary=summary,
            status=status,
            themes=themes,
            external_ref=external_ref,
        ),
        replace=replace,
        if_match=if_match,
        if_none_match=if_none_match,
    )


def delete_initiative(ws: Workspace, initiative_id: str, *, if_match: str | None = None) -> None:
    """Delete an initiative and everything recorded in it, including uploaded files.

    Locked first, so that no record (nor file) is added while its files are listed.
    """
    initiative = ws.lock(Initiative, initiative_id, exclusive=True)
    check_if_match(initiative, if_match)
    files = ws.session.execute(
        sa.select(Evidence.id, stored_file_name()).where(
            Evidence.organisation_id == ws.organisation_id,
            Evidence.initiative_id == initiative.id,
            Evidence.file_sha256.is_not(None),
        )
    ).all()
    take_out_published_from(ws, initiative_id=initiative.id)
    ws.session.delete(initiative)
    ws.session.flush()
    for evidence_id, name in files:
        if name is not None:
            ws.delete_file_after_commit(evidence_id, name)
