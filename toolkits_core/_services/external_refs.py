"""The integrator's own ids: one record per ``external_ref``, and writes addressed by it.

A CRM knows each record by its own id. That id is unique in its scope (an organisation's
initiatives; an initiative's participants, activities, evidence and assessments), so it
names one record: ``ensure_external_ref_free`` refuses a second one, naming the first so
that a retried create learns what it made. ``create_or_replace`` lets the CRM write a
record by its id in one call, as Dynamics' alternate keys and Salesforce's external ids
do: created the first time, replaced from then on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa

from toolkits_core._services.errors import (
    ConflictError,
    PreconditionFailedError,
    ServiceError,
)
from toolkits_core._services.workspace import Workspace, check_if_match, entity_tags, etag_of
from toolkits_core._store.models import Activity, activity_participants

Record = TypeVar("Record")

EXTERNAL_REF_CLAIMS = "coprod_external_ref_claims"
"""Session info: each ``Claim`` a write made, for ``races.explain_lost_race`` to check
again if the write loses a race."""


@dataclass(frozen=True, slots=True)
class Claim:
    """A write's claim to an external reference, in one scope, for one record (or a new one)."""

    model: type[Any]
    external_ref: str
    initiative_id: str | None
    except_id: str | None
    compare: Mapping[str, Any] | None
    """The values the request sent, by attribute, to say whether they differ from the
    record that has the reference already; None when the caller did not say."""


def find_by_external_ref(
    ws: Workspace,
    model: type[Record],
    external_ref: str,
    *,
    initiative_id: str | None = None,
    except_id: str | None = None,
    lock: bool = False,
) -> Record | None:
    """The caller's record of ``model`` with this reference (in the initiative, if given).

    With ``lock`` it is read afresh under an exclusive lock held until the commit (on
    PostgreSQL; SQLite's write lock is taken by the caller), for a write to replace it.
    """
    column: Any = model
    statement = ws.select(model).where(column.external_ref == external_ref)
    if initiative_id is not None:
        statement = statement.where(column.initiative_id == initiative_id)
    if except_id is not None:
        statement = statement.where(column.id != except_id)
    if lock:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    return ws.session.scalars(statement.limit(1)).first()


def ensure_external_ref_free(
    ws: Workspace,
    model: type[Any],
    external_ref: str | None,
    *,
    initiative_id: str | None = None,
    except_id: str | None = None,
    compare: Mapping[str, Any] | None = None,
) -> None:
    """Refuse an ``external_ref`` already used in the same scope: it is the integrator's key.

    The refusal (409 ``external_ref_taken``) names the record that has the reference, with
    its ETag, and, given ``compare`` (the values the request sent, by attribute), whether
    they differ from that record's: a retried create that did arrive the first time
    learns so (``differs: false``) and can carry on with the record it made.

    The claim is remembered in the session: two requests can both find the reference free
    and both write it, and then the database's unique constraint refuses the second; the
    claim is checked again once the first has committed, so that the second hears this
    same answer, naming the record that took the reference (see ``races``).
    """
    if external_ref is None:
        return
    ws.session.info.setdefault(EXTERNAL_REF_CLAIMS, []).append(
        Claim(model, external_ref, initiative_id, except_id, compare)
    )
    existing = find_by_external_ref(
        ws, model, external_ref, initiative_id=initiative_id, except_id=except_id
    )
    if existing is not None:
        extra: dict[str, Any] = {"existing_id": existing.id, "existing_etag": etag_of(existing)}
        if compare is not None:
            extra["differs"] = _differs(ws, existing, compare)
        raise ConflictError(
            "external_ref_taken",
            f"external_ref {external_ref!r} already names {existing.id}: an external "
            "reference names one record, so that integrators can find it by it.",
            **extra,
        )


def _differs(ws: Workspace, record: Any, sent: Mapping[str, Any]) -> bool:
    """Whether any value sent differs from the record's (lists of ids compared as sets)."""
    for name, value in sent.items():
        if name == "participant_ids" and isinstance(record, Activity):
            linked = ws.session.scalars(
                sa.select(activity_participants.c.participant_id)
                .where(activity_participants.c.activity_id == record.id)
                .order_by(activity_participants.c.participant_id)
            ).all()
            if sorted(set(value)) != list(linked):
                return True
        elif getattr(record, name) != value:
            return True
    return False


# Create or replace, by the integrator's id --------------------------------------------


@dataclass(frozen=True, slots=True)
class Upserted(Generic[Record]):
    """What a write by external reference did: made the record, or replaced (or kept) it."""

    record: Record
    created: bool


class RecordExistsError(PreconditionFailedError):
    """``If-None-Match`` asked to create only, and a record has the reference already."""

    def __init__(self, record: Any) -> None:
        ServiceError.__init__(
            self,
            "record_exists",
            f"{record.id} has this external_ref already, and If-None-Match asked to "
            "create a record only if there was none: nothing was changed. Send If-Match "
            "with its ETag to replace it.",
            existing_id=record.id,
            current_etag=etag_of(record),
        )


class NothingToMatchError(PreconditionFailedError):
    """``If-Match`` names a version of a record that does not exist (yet, or any more)."""

    def __init__(self, external_ref: str) -> None:
        ServiceError.__init__(
            self,
            "stale_etag",
            f"No record has external_ref {external_ref!r}, so If-Match matches nothing: "
            "nothing was made. Send the request without If-Match to create it.",
        )


def check_conditions(
    record: Any | None, external_ref: str, if_match: str | None, if_none_match: str | None
) -> None:
    """``If-Match`` and ``If-None-Match`` of a write by external reference (RFC 9110).

    ``If-Match`` (a list of ETags, or ``*``) holds only for a record that exists, in one
    of the versions listed: without one, it is 412 since nothing matches. ``If-None-Match``
    holds only if no record exists in a version listed (weakly compared), ``*`` only if
    none exists at all: a create-only request.
    """
    if record is None:
        if if_none_match is not None:
            entity_tags("If-None-Match", if_none_match)
        if if_match is not None:
            entity_tags("If-Match", if_match)
            raise NothingToMatchError(external_ref)
        return
    check_if_match(record, if_match)
    if if_none_match is None:
        return
    tags = entity_tags("If-None-Match", if_none_match)
    current = etag_of(record)
    if tags is None or current in {tag.removeprefix("W/") for tag in tags}:
        raise RecordExistsError(record)


def create_or_replace(
    ws: Workspace,
    external_ref: str,
    *,
    find: Callable[[], Record | None],
    create: Callable[[], Record],
    replace: Callable[[Record], Record],
    if_match: str | None = None,
    if_none_match: str | None = None,
) -> Upserted[Record]:
    """The record ``find`` finds, replaced; or, if there is none, a new one.

    Race-safe: the caller holds the lock its writes depend on (so, on SQLite, the
    database's write lock) before ``find``. On PostgreSQL two requests can still both
    find no record and both create one; the database's unique constraint then makes the
    second wait for the first and refuse its row. That refusal is confined to a
    savepoint, so the second request carries on: it finds the record the first made and
    replaces it, as if it had come a moment later (or, with ``If-None-Match: *``, is told
    412 ``record_exists``). So concurrent writes of one new reference make one record.
    """
    existing = find()
    if existing is None:
        check_conditions(None, external_ref, if_match, if_none_match)
        claims: list[Claim] = ws.session.info.setdefault(EXTERNAL_REF_CLAIMS, [])
        held = len(claims)
        try:
            with ws.session.begin_nested():
                return Upserted(create(), created=True)
        except (sa.exc.IntegrityError, ConflictError) as lost:
            if isinstance(lost, ConflictError) and lost.code != "external_ref_taken":
                raise
            existing = find()
            if existing is None:
                raise
            del claims[held:]  # the reference is this request's to replace, not to claim
    check_conditions(existing, external_ref, if_match, if_none_match)
    return Upserted(replace(existing), created=False)
