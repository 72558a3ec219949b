"""Evidence: what an initiative gathered, and the recordings, photos and documents it holds.

Whether a piece of evidence fits is the toolkit's question (its evidence types and their
payload schemas, stages, dimensions, indicators, and any rule a plugin adds), so every
write, a change as much as a creation, puts the whole resulting record to the plugin
host. What only the stored data can answer (is this activity, this participant, of this
initiative? may it be public?) is checked here, and the caller hears of all at once.

People's words, voices and faces are personal data: evidence can be public only when the
person it came from agreed, and a file is served only as a download under the type its
bytes were checked to be. Evidence may come from several people (``participant_ids``, an
interview with two pupils): then every one of them must agree, and a withdrawal or an
erasure by any one applies to it. ``participant_id`` is the first of them, for clients
that know only one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import pathlib
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO, TypeVar

import sqlalchemy as sa

from toolkits_core._evidence_kinds import EvidenceKind
from toolkits_core._services.consent import check_evidence_consent
from toolkits_core._services.errors import (
    ConflictError,
    FieldProblem,
    Invalid,
    InvalidRequestError,
    NotFoundError,
    ServiceError,
)
from toolkits_core._services.external_refs import (
    Upserted,
    create_or_replace,
    ensure_external_ref_free,
    find_by_external_ref,
)
from toolkits_core._services.files import ByteSource, FileTooLargeError, StoredFile
from toolkits_core._services.initiatives import (
    Write,
    refuse_by_status,
    writable_initiative,
    write_of,
)
from toolkits_core._services.media import (
    ACCEPTED,
    CheckedStream,
    accepted_media_types,
    check_head,
    media_type_for,
    read_head,
)
from toolkits_core._services.pagination import Page, paginate
from toolkits_core._services.privacy import consent_not_withdrawn, refuse_if_erased
from toolkits_core._services.record_search import matching_text
from toolkits_core._services.views import initiative_view, pinned_toolkit
from toolkits_core._services.workspace import Workspace, check_if_match, matching
from toolkits_core._store.audit import insert_new
from toolkits_core._store.models import (
    Activity,
    Evidence,
    Initiative,
    Participant,
    evidence_participants,
    utc_now,
)
from toolkits_core._views import Consent, EvidenceView, InitiativeView
from toolkits_core._vocabulary import Toolkit


class EvidenceVisibility(enum.StrEnum):
    """Who the evidence may be shown to, as the organisation decides it."""

    PRIVATE = "private"
    """Only for the people running the initiative."""
    ORGANISATION = "organisation"
    """Anyone in the organisation."""
    PUBLIC = "public"
    """May be published: needs the consent of the person it came from."""


EDITABLE = frozenset(
    {
        "evidence_type",
        "stage",
        "cycle",
        "activity_id",
        "participant_id",
        "participant_ids",
        "dimensions",
        "indicators",
        "payload",
        "consent",
        "publication_consent",
        "visibility",
        "collected_on",
        "external_ref",
    }
)

FILE_NAME_LENGTH = 255
MAX_PEOPLE = 100
"""The most people one piece of evidence names: beyond a group interview, count them."""

Linked = TypeVar("Linked", Activity, Participant)

_TOOLKITS = "coprod_evidence_toolkits"
_TAKES_FILE = "coprod_evidence_takes_file"
"""Session info: whether each (initiative, evidence type) takes a file, None if its
toolkit cannot say; asked once per request, not once per row of a page."""


class UploadTooLargeError(ServiceError):
    """A file past the size limit: nothing of it was kept."""

    status = 413
    title = "Content Too Large"


class NoFileError(ServiceError):
    """The evidence has no file (yet, or any more)."""

    status = 404
    title = "Not Found"


class FileMissingError(ServiceError):
    """The evidence names a file the file store no longer holds: the server's fault."""

    status = 500
    title = "File missing"


@dataclass(frozen=True, slots=True)
class _Proposal:
    """A piece of evidence as it would be stored, before it is checked."""

    evidence_type: str
    stage: str
    cycle: int
    activity_id: str | None
    participant_id: str | None
    participant_ids: Sequence[str]
    dimensions: Sequence[str]
    indicators: Sequence[str]
    payload: Mapping[str, Any]
    consent: str
    visibility: str
    collected_on: dt.date | None
    external_ref: str | None
    publication_consent: str = Consent.NOT_RECORDED


_PROPOSAL_FIELDS = dataclasses.fields(_Proposal)


@dataclass(frozen=True, slots=True)
class EvidenceFile:
    """A stored file, open for reading, with what a download needs to describe it."""

    evidence: Evidence
    stream: BinaryIO


def _kind_of(toolkit: Toolkit, evidence_type: str) -> EvidenceKind | None:
    found = toolkit.evidence_type(evidence_type)
    return found.kind if found is not None else None


def _choice(choices: type[enum.StrEnum], value: str, field: str) -> str:
    """The value of one of ``choices``; a field problem naming them all if it is none."""
    try:
        return choices(value).value
    except ValueError:
        named = ", ".join(choice.value for choice in choices)
        raise InvalidRequestError(
            [FieldProblem(field, f"{value!r} is not one of: {named}.", f"unknown_{field}")]
        ) from None


@dataclass(frozen=True, slots=True)
class _Linked:
    """The people and activity a piece of evidence names, locked until the commit.

    What evidence may say depends on them: whether its people have consented or been
    erased, and where its activity was done. Locking them (shared, participants first in
    id order, as ``Workspace.lock`` orders) before reading them orders this write against
    a withdrawal, an erasure or a change of the activity: evidence committed beside one of
    those is either in it or refused by it. An id of another initiative, or of another
    organisation, reads as none.
    """

    participants: Mapping[str, Participant]
    activity: Activity | None

    @classmethod
    def lock(
        cls,
        ws: Workspace,
        initiative: Initiative,
        participant_ids: Sequence[str],
        activity_id: str | None,
    ) -> _Linked:
        return cls(
            _locked_people(ws, initiative, participant_ids),
            _locked_in(ws, Activity, activity_id, initiative.id),
        )


def _locked_people(
    ws: Workspace, initiative: Initiative, participant_ids: Sequence[str]
) -> dict[str, Participant]:
    """The initiative's own participants among these ids, by id, locked for sharing."""
    if not participant_ids:
        return {}
    ws.hold_write_lock()
    return {
        participant.id: participant
        for participant in ws.session.scalars(
            ws.select(Participant)
            .where(
                Participant.initiative_id == initiative.id,
                Participant.id.in_(sorted(set(participant_ids))),
            )
            .order_by(Participant.id)
            .with_for_update(read=True)
            .execution_options(populate_existing=True)
        )
    }


@dataclass(frozen=True, slots=True)
class _People:
    """Who a write says the evidence came from, and which field the caller said it in."""

    ids: list[str]
    field: str
    """``participant_ids`` if the caller sent it, else ``participant_id``."""


def _people(
    participant_id: str | None,
    participant_ids: Sequence[str] | None,
    *,
    sent_id: bool = True,
) -> _People:
    """The evidence's people from the two fields that can say it.

    ``participant_ids`` says it (duplicates dropped, order kept); ``participant_id``
    alone means that one person (or nobody, if null). Sent together they must agree:
    ``participant_id`` is the first of ``participant_ids`` (null with an empty list).
    ``sent_id`` is false when ``participant_id`` was not sent (a PATCH of the list only).
    """
    if participant_ids is None:
        return _People([] if participant_id is None else [participant_id], "participant_id")
    ids = list(dict.fromkeys(participant_ids))
    problems = []
    if len(ids) > MAX_PEOPLE:
        problems.append(
            FieldProblem(
                "participant_ids",
                f"Name at most {MAX_PEOPLE} people; for a larger group, record a count.",
                "too_many_participants",
            )
        )
    first = ids[0] if ids else None
    if sent_id and participant_id != first:
        problems.append(
            FieldProblem(
                "participant_id",
                f"participant_id ({participant_id!r}) and participant_ids disagree: "
                f"participant_id must be the first of participant_ids ({first!r}). Send "
                "participant_ids alone.",
                "participants_disagree",
            )
        )
    if problems:
        raise InvalidRequestError(problems)
    return _People(ids, "participant_ids")


def _locked_in(
    ws: Workspace, model: type[Linked], record_id: str | None, initiative_id: str
) -> Linked | None:
    """The initiative's own record with this id, locked for sharing; None if it has none."""
    if record_id is None:
        return None
    try:
        found = ws.lock(model, record_id)
    except NotFoundError:
        return None
    return found if found.initiative_id == initiative_id else None


def _view_without(ws: Workspace, initiative: Initiative, evidence_id: str | None) -> InitiativeView:
    """The initiative as the plugins judge it, without the old version of this evidence.

    A change is judged against the initiative as it would be after it, so the record's
    own old version must not be counted beside its new one.
    """
    return initiative_view(ws, initiative, without_evidence=evidence_id)


def _check(
    ws: Workspace,
    initiative: Initiative,
    proposal: _Proposal,
    linked: _Linked,
    record: Evidence | None = None,
    sent: Collection[str] | None = None,
    people_field: str = "participant_ids",
) -> None:
    """Refuse the proposal with every problem it has, or let it through.

    ``sent`` names the fields the caller sent, compared with the record that has the
    proposal's external_ref if it is taken (None: every field).
    """
    toolkit = pinned_toolkit(ws, initiative)
    _remember_toolkit(ws, initiative)
    problems: list[FieldProblem] = []
    activity = linked.activity
    if proposal.activity_id is not None and activity is None:
        problems.append(
            FieldProblem(
                "activity_id",
                f"There is no activity {proposal.activity_id!r} in this initiative.",
                "unknown_activity",
            )
        )
    problems += _people_problems(proposal, linked, people_field)
    view = EvidenceView(
        proposal.evidence_type,
        proposal.stage,
        proposal.payload,
        tuple(proposal.dimensions),
        tuple(proposal.indicators),
        activity.activity_type if activity is not None else None,
        proposal.cycle,
    )
    found = ws.host.check_evidence(
        view,
        toolkit=initiative.toolkit_key,
        initiative=_view_without(ws, initiative, record.id if record else None),
    )
    for problem in found:
        # The activity's type comes from the activity the caller named: point there.
        field = "activity_id" if problem.field == "activity_type" else problem.field
        plugin = None if problem.plugin == "core" else problem.plugin
        problems.append(FieldProblem(field, problem.message, problem.code, plugin))
    problems += _consent_problems(proposal, linked)
    invalid = Invalid()
    check_evidence_consent(
        {"consent": proposal.consent, "publication_consent": proposal.publication_consent},
        invalid,
    )
    problems += invalid.problems
    if record is not None and record.file_sha256 is not None:
        problems += _file_fit_problems(toolkit, proposal.evidence_type, record)
    if problems:
        raise InvalidRequestError(problems)
    ensure_external_ref_free(
        ws,
        Evidence,
        proposal.external_ref,
        initiative_id=initiative.id,
        except_id=record.id if record else None,
        compare={
            name: value
            for name, value in _values(proposal).items()
            if name != "external_ref" and (sent is None or name in sent)
        },
    )


def _people_problems(proposal: _Proposal, linked: _Linked, field: str) -> list[FieldProblem]:
    """Each person named must be the initiative's, and not erased; ``field`` is where the
    caller named them (``participant_ids/<index>``, or ``participant_id``)."""
    problems = []
    for index, participant_id in enumerate(proposal.participant_ids):
        at = f"participant_ids/{index}" if field == "participant_ids" else "participant_id"
        participant = linked.participants.get(participant_id)
        if participant is None:
            problems.append(
                FieldProblem(
                    at,
                    f"There is no participant {participant_id!r} in this initiative.",
                    "unknown_participant",
                )
            )
        elif participant.erased_at is not None:
            problems.append(
                FieldProblem(
                    at,
                    f"Participant {participant.id} was erased: nothing new can be recorded "
                    "as coming from them.",
                    "participant_erased",
                )
            )
    return problems


def _consent_problems(proposal: _Proposal, linked: _Linked) -> list[FieldProblem]:
    """Evidence's consent is the strictest of its people's: one withdrawal withdraws it,
    whether the person withdrew before or after it was recorded. Public evidence needs the
    agreement of the people it came from."""
    if proposal.visibility != EvidenceVisibility.PUBLIC:
        return _withdrawn_people_problems(proposal, linked)
    problems = []
    if proposal.consent != Consent.GIVEN:
        problems.append(
            FieldProblem(
                "visibility",
                "Evidence can be public only with the agreement of the people it came from: "
                f"its consent is {proposal.consent}. Record consent as given once they have "
                "agreed, or keep it to the organisation or private.",
                "public_needs_consent",
            )
        )
    for participant in _who_withdrew(proposal, linked):
        problems.append(
            FieldProblem(
                "visibility",
                f"Participant {participant.id} has withdrawn their consent, so what came "
                "from them cannot be public: keep it to the organisation or private.",
                "participant_consent_withdrawn",
            )
        )
    return problems


def _who_withdrew(proposal: _Proposal, linked: _Linked) -> list[Participant]:
    """The people the evidence names whose consent is withdrawn (the erased among them)."""
    named = (linked.participants.get(participant_id) for participant_id in proposal.participant_ids)
    return [found for found in named if found is not None and found.consent == Consent.WITHDRAWN]


def _withdrawn_people_problems(proposal: _Proposal, linked: _Linked) -> list[FieldProblem]:
    """Evidence naming someone who has withdrawn must be withdrawn itself, so that it can
    neither be recorded with another consent nor have its consent given again (public
    evidence is refused on ``visibility`` for the same reason)."""
    if proposal.consent == Consent.WITHDRAWN:
        return []
    return [
        FieldProblem(
            "consent",
            f"Participant {participant.id} has withdrawn their consent, so evidence that "
            "came from them is withdrawn too: send consent withdrawn, or leave them out of "
            "participant_ids.",
            "participant_consent_withdrawn",
        )
        for participant in _who_withdrew(proposal, linked)
        if participant.erased_at is None  # reported as participant_erased
    ]


def _file_fit_problems(
    toolkit: Toolkit, evidence_type: str, record: Evidence
) -> list[FieldProblem]:
    """A file already uploaded must still fit when the evidence changes type."""
    kind = _kind_of(toolkit, evidence_type)
    if kind is None or evidence_type == record.evidence_type:
        return []  # an unknown type is reported by the host's checks
    if not kind.has_file:
        return [
            FieldProblem(
                "evidence_type",
                f"This evidence holds a file, and evidence of type {evidence_type!r} "
                f"({kind.value}) takes none: delete the file first.",
                "file_not_expected",
            )
        ]
    if record.file_content_type not in ACCEPTED.get(kind, {}):
        return [
            FieldProblem(
                "evidence_type",
                f"This evidence holds a {record.file_content_type} file, which evidence of "
                f"type {evidence_type!r} ({kind.value}) does not take "
                f"({', '.join(accepted_media_types(kind))}): delete the file first.",
                "file_not_accepted",
            )
        ]
    return []


def _values(proposal: _Proposal) -> dict[str, Any]:
    """A proposal's values as the record stores them."""
    # Field by field, not dataclasses.asdict, whose deep copy of the payload cost more
    # than the rest of this function; the payload is owned by the new dict below.
    values = {field.name: getattr(proposal, field.name) for field in _PROPOSAL_FIELDS}
    values["participant_ids"] = list(proposal.participant_ids)
    values["participant_id"] = proposal.participant_ids[0] if proposal.participant_ids else None
    values["dimensions"] = list(proposal.dimensions)
    values["indicators"] = list(proposal.indicators)
    values["payload"] = dict(proposal.payload)
    return values


def _store(ws: Workspace, record: Evidence, proposal: _Proposal) -> None:
    """Write a checked proposal; an unchanged record keeps its version and ETag."""
    values = _values(proposal)
    new = record not in ws.session
    people_changed = new or list(record.participant_ids) != values["participant_ids"]
    changed = False
    for name, value in values.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed = True
    if new:
        insert_new(ws.session, record)
    elif changed:
        ws.session.add(record)
        ws.session.flush()
    if people_changed:
        _link_people(ws, record.id, values["participant_ids"], new=new)


def _link_people(ws: Workspace, evidence_id: str, ids: Sequence[str], *, new: bool) -> None:
    """Make ``evidence_participants`` name exactly ``ids`` for this evidence."""
    if not new:
        ws.session.execute(
            sa.delete(evidence_participants).where(
                evidence_participants.c.evidence_id == evidence_id
            )
        )
    if ids:
        ws.session.execute(
            sa.insert(evidence_participants),
            [{"evidence_id": evidence_id, "participant_id": person} for person in ids],
        )


def create_evidence(
    ws: Workspace,
    initiative_id: str,
    *,
    evidence_type: str,
    payload: Mapping[str, Any],
    stage: str | None = None,
    cycle: int | None = None,
    activity_id: str | None = None,
    participant_id: str | None = None,
    dimensions: Sequence[str] = (),
    indicators: Sequence[str] = (),
    consent: str = Consent.NOT_RECORDED,
    visibility: str = EvidenceVisibility.ORGANISATION,
    collected_on: dt.date | None = None,
    external_ref: str | None = None,
    sent: Collection[str] | None = None,
    publication_consent: str = Consent.NOT_RECORDED,
    participant_ids: Sequence[str] | None = None,
) -> Evidence:
    """A new piece of evidence, by default where its activity was done.

    Without ``stage`` or ``cycle``, evidence of an activity of this initiative takes the
    activity's, so that a recording from last month's workshop lands where the workshop
    was; evidence of no activity takes the initiative's current stage and cycle.
    ``sent`` names the fields the caller sent; if ``external_ref`` is taken, the refusal
    says whether those differ from the evidence that has it. None: all of them.
    The people it came from are ``participant_ids``, or ``participant_id`` alone
    (``_people``).
    """
    initiative = writable_initiative(ws, initiative_id)
    people = _people(
        participant_id,
        participant_ids,
        sent_id=participant_id is not None or (sent is not None and "participant_id" in sent),
    )
    linked = _Linked.lock(ws, initiative, people.ids, activity_id)
    where = linked.activity or initiative
    proposal = _Proposal(
        evidence_type=evidence_type,
        stage=where.stage if stage is None else stage,
        cycle=where.cycle if cycle is None else cycle,
        activity_id=activity_id,
        participant_id=people.ids[0] if people.ids else None,
        participant_ids=people.ids,
        dimensions=list(dict.fromkeys(dimensions)),
        indicators=list(dict.fromkeys(indicators)),
        payload=payload,
        consent=_choice(Consent, consent, "consent"),
        visibility=_choice(EvidenceVisibility, visibility, "visibility"),
        collected_on=collected_on,
        external_ref=external_ref,
        publication_consent=_choice(Consent, publication_consent, "publication_consent"),
    )
    _check(ws, initiative, proposal, linked, sent=sent, people_field=people.field)
    evidence = Evidence(organisation_id=ws.organisation_id, initiative_id=initiative.id)
    _store(ws, evidence, proposal)
    return evidence


def get_evidence(ws: Workspace, evidence_id: str) -> Evidence:
    """A piece of evidence, to be shown (``Workspace.read``: a record on a read-only
    session)."""
    return ws.read(Evidence, evidence_id)


def list_evidence(
    ws: Workspace,
    initiative_id: str,
    *,
    limit: int,
    cursor: str | None = None,
    stage: str | None = None,
    evidence_type: str | None = None,
    cycle: int | None = None,
    activity_id: str | None = None,
    participant_id: str | None = None,
    visibility: str | None = None,
    external_ref: str | None = None,
    updated_since: dt.datetime | None = None,
    q: str | None = None,
) -> Page[Evidence]:
    """An initiative's evidence, oldest first, in two queries whatever the page holds.

    ``participant_id`` finds the evidence that came from that person, alone or with others.
    """
    initiative = ws.read(Initiative, initiative_id)
    _remember_toolkit(ws, initiative)
    statement = matching(
        ws.select(Evidence),
        Evidence,
        initiative_id=initiative.id,
        stage=stage,
        evidence_type=evidence_type,
        cycle=cycle,
        activity_id=activity_id,
        visibility=visibility,
        external_ref=external_ref,
        updated_since=updated_since,
    ).where(consent_not_withdrawn())
    if participant_id is not None:
        statement = statement.where(
            Evidence.id.in_(
                sa.select(evidence_participants.c.evidence_id).where(
                    evidence_participants.c.participant_id == participant_id
                )
            )
        )
    statement = matching_text(ws.session, statement, Evidence, q)
    return paginate(
        ws.session,
        statement,
        Evidence.id,
        limit=limit,
        cursor=cursor,
        by=None if updated_since is None else Evidence.updated_at,
    )


def update_evidence(
    ws: Workspace, evidence_id: str, changes: Mapping[str, Any], *, if_match: str | None = None
) -> Evidence:
    """Change a piece of evidence; the whole resulting record is checked again.

    A payload sent replaces the stored one whole: it must fit the type's schema on its own.
    """
    evidence = ws.get(Evidence, evidence_id)
    check_if_match(evidence, if_match)
    refuse_if_erased(evidence, "evidence")
    unknown = sorted(set(changes) - EDITABLE)
    if unknown:
        raise InvalidRequestError(
            [FieldProblem(name, "This field cannot be changed here.") for name in unknown]
        )
    initiative = writable_initiative(ws, evidence.initiative_id, write=write_of(evidence, changes))
    current = {field.name: getattr(evidence, field.name) for field in dataclasses.fields(_Proposal)}
    merged = {**current, **changes}
    people = _changed_people(evidence, changes)
    merged["participant_ids"] = people.ids
    merged["participant_id"] = people.ids[0] if people.ids else None
    merged["dimensions"] = list(dict.fromkeys(merged["dimensions"]))
    merged["indicators"] = list(dict.fromkeys(merged["indicators"]))
    merged["consent"] = _choice(Consent, merged["consent"], "consent")
    if merged["consent"] != Consent.GIVEN and "publication_consent" not in changes:
        merged["publication_consent"] = _follow(merged["consent"], evidence.publication_consent)
    merged["publication_consent"] = _choice(
        Consent, merged["publication_consent"], "publication_consent"
    )
    merged["visibility"] = _choice(EvidenceVisibility, merged["visibility"], "visibility")
    proposal = _Proposal(**merged)
    linked = _Linked.lock(ws, initiative, proposal.participant_ids, proposal.activity_id)
    _check(ws, initiative, proposal, linked, evidence, sent=changes, people_field=people.field)
    _store(ws, evidence, proposal)
    return evidence


def _changed_people(evidence: Evidence, changes: Mapping[str, Any]) -> _People:
    """The people a change leaves the evidence with: those it sends, else those it had."""
    if "participant_ids" in changes:
        return _people(
            changes.get("participant_id"),
            changes["participant_ids"],
            sent_id="participant_id" in changes,
        )
    if "participant_id" in changes:
        return _people(changes["participant_id"], None)
    return _People(list(evidence.participant_ids), "participant_ids")


def _follow(consent: str, publication: str) -> str:
    """Consent to use leaving ``given`` takes consent to publish with it."""
    if publication != Consent.GIVEN:
        return publication
    return Consent.WITHDRAWN.value if consent == Consent.WITHDRAWN else Consent.NOT_RECORDED.value


def upsert_evidence(
    ws: Workspace,
    initiative_id: str,
    external_ref: str,
    *,
    evidence_type: str,
    payload: Mapping[str, Any],
    stage: str | None = None,
    cycle: int | None = None,
    activity_id: str | None = None,
    participant_id: str | None = None,
    dimensions: Sequence[str] = (),
    indicators: Sequence[str] = (),
    consent: str = Consent.NOT_RECORDED,
    visibility: str = EvidenceVisibility.ORGANISATION,
    collected_on: dt.date | None = None,
    if_match: str | None = None,
    if_none_match: str | None = None,
    publication_consent: str = Consent.NOT_RECORDED,
    participant_ids: Sequence[str] | None = None,
) -> Upserted[Evidence]:
    """The initiative's evidence the caller knows as ``external_ref``, made or replaced.

    Made as ``create_evidence`` makes it if the initiative has none with the reference;
    otherwise replaced whole through ``update_evidence``, so the toolkit and the consent
    rules judge the resulting record and an unchanged one keeps its version. A field not
    given goes back to its default, except ``stage`` and ``cycle``: when not given, new
    evidence takes its activity's (or the initiative's current ones) and replaced evidence
    keeps where it was gathered. An uploaded file is not a field: it stays.
    """
    # Making or replacing checks the status for what it does: a withdrawal passes.
    initiative = writable_initiative(ws, initiative_id, write=Write.PEOPLES_RIGHTS)
    changes: dict[str, Any] = {
        "evidence_type": evidence_type,
        "payload": payload,
        "activity_id": activity_id,
        "dimensions": list(dimensions),
        "indicators": list(indicators),
        "consent": consent,
        "publication_consent": publication_consent,
        "visibility": visibility,
        "collected_on": collected_on,
    }
    # A whole record: the people are participant_ids if sent, else participant_id (a
    # null participant_id beside a list is one not sent).
    if participant_ids is None or participant_id is not None:
        changes["participant_id"] = participant_id
    if participant_ids is not None:
        changes["participant_ids"] = list(participant_ids)
    placed: dict[str, Any] = {"stage": stage, "cycle": cycle}
    kept = {name: value for name, value in placed.items() if value is not None}
    return create_or_replace(
        ws,
        external_ref,
        find=lambda: find_by_external_ref(ws, Evidence, external_ref, initiative_id=initiative.id),
        create=lambda: create_evidence(
            ws, initiative.id, external_ref=external_ref, **changes, **placed
        ),
        replace=lambda found: update_evidence(ws, found.id, {**changes, **kept}, if_match=if_match),
        if_match=if_match,
        if_none_match=if_none_match,
    )


def delete_evidence(ws: Workspace, evidence_id: str, *, if_match: str | None = None) -> None:
    """Delete a piece of evidence, and its file once the deletion is committed."""
    evidence = ws.get(Evidence, evidence_id)
    check_if_match(evidence, if_match)
    writable_initiative(ws, evidence.initiative_id)
    stored = evidence.stored_file_name
    ws.session.delete(evidence)
    ws.session.flush()
    if stored is not None:
        ws.delete_file_after_commit(evidence.id, stored)


def _remember_toolkit(ws: Workspace, initiative: Initiative) -> Toolkit | None:
    """The initiative's toolkit (None if its plugin cannot run it), kept for the request.

    Representing a page of evidence asks each row's kind; keeping the answer per
    initiative in the session makes that free, so a list costs the same whatever its size.
    """
    known: dict[str, Toolkit | None] = ws.session.info.setdefault(_TOOLKITS, {})
    if initiative.id not in known:
        try:
            known[initiative.id] = pinned_toolkit(ws, initiative)
        except ConflictError:
            known[initiative.id] = None
    return known[initiative.id]


def remember_toolkits(ws: Workspace, initiative_ids: Iterable[str]) -> None:
    """Read the toolkits of these initiatives in one query, kept for the request.

    A page of the change feed shows evidence from many initiatives; asking
    ``expects_file`` of each would read its initiative with a SELECT of its own. An
    initiative that is gone (deleted since) is remembered as having no toolkit, so its
    evidence falls back on the file it has, as for an unloaded plugin.
    """
    known: dict[str, Toolkit | None] = ws.session.info.setdefault(_TOOLKITS, {})
    wanted = sorted(set(initiative_ids) - known.keys())
    if not wanted:
        return
    # Only the columns the choice reads: loading whole initiatives as tracked ORM objects
    # cost a fifth of a feed page.
    found = ws.session.connection().execute(
        _PINNED_TO, {"organisation_id": ws.organisation_id, "ids": wanted}
    )
    for initiative_id, toolkit_key, toolkit_version in found:
        try:
            known[initiative_id] = pinned_toolkit(ws, _PinnedTo(toolkit_key, toolkit_version))
        except ConflictError:
            known[initiative_id] = None
    for missing in set(wanted) - known.keys():
        known[missing] = None


@dataclass(frozen=True, slots=True)
class _PinnedTo:
    toolkit_key: str
    toolkit_version: str


_PINNED_TO = sa.select(Initiative.id, Initiative.toolkit_key, Initiative.toolkit_version).where(
    Initiative.organisation_id == sa.bindparam("organisation_id"),
    Initiative.id.in_(sa.bindparam("ids", expanding=True)),
)


def expects_file(ws: Workspace, evidence: Evidence) -> bool:
    """Whether the evidence's type takes a file (a recording, a photo, a document).

    If the toolkit's plugin is not loaded, a file already uploaded is the only clue.
    """
    answers: dict[tuple[str, str], bool | None] = ws.session.info.setdefault(_TAKES_FILE, {})
    key = (evidence.initiative_id, evidence.evidence_type)
    if key in answers:
        takes = answers[key]
    else:
        known: dict[str, Toolkit | None] = ws.session.info.get(_TOOLKITS, {})
        if evidence.initiative_id in known:
            toolkit = known[evidence.initiative_id]
        else:
            toolkit = _remember_toolkit(ws, ws.read(Initiative, evidence.initiative_id))
        kind = _kind_of(toolkit, evidence.evidence_type) if toolkit is not None else None
        takes = answers[key] = None if kind is None else kind.has_file
    if takes is None:
        return evidence.file_sha256 is not None
    return takes


def clean_file_name(name: str | None) -> str:
    """The last part of a client's file name, without control characters, or ``file``.

    Browsers send a bare name, but other clients send paths (``C:\\Users\\...``) and
    anything else; only the name is worth keeping, and only as a label for downloads.
    Compatibility forms are folded first (NFKC), so that a fullwidth solidus or reverse
    solidus is split on like a real one and cannot turn back into a path in the ASCII
    name a download falls back to.
    """
    folded = unicodedata.normalize("NFKC", name or "")
    base = pathlib.PurePosixPath(folded.replace("\\", "/")).name
    printable = "".join(c for c in base if unicodedata.category(c)[0] != "C")
    cleaned = " ".join(printable.split()).strip(". ")
    if len(cleaned) > FILE_NAME_LENGTH:
        stem, dot, suffix = cleaned.rpartition(".")
        if dot and 0 < len(suffix) <= 16:
            cleaned = f"{stem[: FILE_NAME_LENGTH - len(suffix) - 1]}.{suffix}"
        else:
            cleaned = cleaned[:FILE_NAME_LENGTH]
    return cleaned or "file"


def _file_kind(ws: Workspace, evidence: Evidence, initiative: Initiative) -> EvidenceKind:
    """The evidence's kind, if it is one that takes a file; ``ConflictError`` if not."""
    kind = _kind_of(pinned_toolkit(ws, initiative), evidence.evidence_type)
    _remember_toolkit(ws, initiative)
    if kind is None or not kind.has_file:
        what = f"kind {kind.value}" if kind is not None else "a type the toolkit no longer has"
        raise ConflictError(
            "file_not_expected",
            f"Evidence of type {evidence.evidence_type!r} ({what}) takes no file: only "
            "recordings, photos, videos and documents do. Put what it says in its payload.",
            evidence_type=evidence.evidence_type,
        )
    return kind


def _kept_name(
    ws: Workspace, evidence_id: str, held: str | None, held_sha256: str | None, stored: StoredFile
) -> str:
    """The name the evidence's file is to be kept under: the upload's own, or, for the
    same bytes as the file it has, that file's (object storage stored them under a new
    name, which goes after the commit), so that a signed URL or a download in progress is
    not cut off by an upload that changed nothing. Only while the store still has that
    file: an upload is how a missing file is mended."""
    if held is None or held_sha256 != stored.sha256 or held == stored.name:
        return stored.name
    try:
        return held if ws.files.exists(ws.organisation_id, evidence_id, held) else stored.name
    except OSError:
        return stored.name  # the store cannot say: keep what was just written


def attach_file(
    ws: Workspace,
    evidence_id: str,
    *,
    stream: ByteSource,
    file_name: str | None,
    content_type: str | None,
    max_bytes: int,
    if_match: str | None = None,
) -> Evidence:
    """Store an upload as the evidence's file, replacing any file it had.

    The declared media type must be one the evidence's kind takes and the bytes must be
    of that type, and the file must fit ``max_bytes``; otherwise nothing is stored. A
    replaced file is deleted after the commit.

    The checks are made first, on a read outside any transaction where none is open yet
    (``Workspace.read_before_writing``), so that a refused upload is refused before its
    bytes are read. Then the session's transaction is ended (``Workspace.end_reads``)
    while the bytes arrive and go to the file store, which for a large file on a slow
    link takes minutes: meanwhile no lock is held, so other requests write as usual (on
    SQLite, where a write transaction locks the whole database, every one of them would
    otherwise wait for the upload). Only then is the file recorded, under the locks every
    write takes: the initiative's status is checked again, and the evidence is written
    as it was read, with its version, so that any change made to it meanwhile (another
    file, another type) refuses the upload as a write conflict, and the bytes stored for
    it are deleted again. Where the session held only reads, it lets go of every record
    it held (``Workspace.end_reads``): a caller keeping records of its own in the same
    session reads them again afterwards.
    """
    ws.read_before_writing()
    evidence = ws.peek(Evidence, evidence_id)
    check_if_match(evidence, if_match)
    refuse_if_erased(evidence, "evidence")
    initiative_id, held, held_sha256 = (
        evidence.initiative_id,
        evidence.stored_file_name,
        evidence.file_sha256,
    )
    initiative = ws.peek(Initiative, initiative_id)
    refuse_by_status(initiative, Write.RECORD)
    kind = _file_kind(ws, evidence, initiative)
    media_type = media_type_for(kind, content_type)
    ws.end_reads()
    head = read_head(stream)
    check_head(kind, media_type, head)
    try:
        stored = ws.put_file(
            evidence_id,
            CheckedStream(kind, media_type, head, stream),
            max_bytes,
            replacing=held,
        )
    except FileTooLargeError as error:
        raise UploadTooLargeError(
            "file_too_large",
            f"The file is larger than this server takes ({error.limit} bytes); nothing "
            "was stored. Send a smaller or compressed file.",
            max_bytes=error.limit,
        ) from None
    writable_initiative(ws, initiative_id)
    if evidence not in ws.session:
        ws.session.add(evidence)  # as read before the upload: its version is checked
    evidence.file_name = clean_file_name(file_name)
    evidence.file_content_type = media_type.name
    evidence.file_size = stored.size
    kept = _kept_name(ws, evidence_id, held, held_sha256, stored)
    evidence.file_sha256 = stored.sha256
    evidence.file_stored_as = kept if kept != stored.sha256 else None
    evidence.file_uploaded_at = utc_now()
    ws.session.flush()  # the row is now locked (SQLite: the database) until the commit
    # In a folder, another upload of the same bytes to this evidence stores them under the
    # same name: if it failed, its clean-up (under the row's lock) may have taken them,
    # so the folder is looked at, at no cost. Object storage gives every upload a name of
    # its own, so no other request's clean-up can take this one's bytes.
    if ws.files.looks_up_locally and not ws.files.exists(ws.organisation_id, evidence_id, kept):
        raise ConflictError(
            "write_conflict",
            f"Another request sent the same file for evidence {evidence_id} at the same "
            "moment and then failed, taking the bytes with it; nothing was saved: send "
            "the file again.",
        )
    if held is not None and held != kept:
        ws.delete_file_after_commit(evidence_id, held)
    if stored.name != kept:
        ws.delete_file_after_commit(evidence_id, stored.name)
    return evidence


def open_file(ws: Workspace, evidence_id: str) -> EvidenceFile:
    """The evidence's file, open for reading; ``NoFileError`` if none was uploaded."""
    evidence = evidence_with_file(ws, evidence_id)
    assert evidence.stored_file_name is not None
    try:
        stream = ws.files.open(ws.organisation_id, evidence.id, evidence.stored_file_name)
    except FileNotFoundError:
        raise FileMissingError(
            "file_missing",
            f"The file of evidence {evidence.id} is missing from the server's file store: "
            "tell the server's operator, and upload the file again.",
        ) from None
    return EvidenceFile(evidence, stream)


def evidence_with_file(ws: Workspace, evidence_id: str) -> Evidence:
    """The evidence, if its file may be given out: ``NoFileError`` if it has none, and
    ``ConflictError`` if its person's consent is withdrawn. Every way of handing out the
    file (streamed, or a signed URL of the store) asks this first."""
    evidence = ws.get(Evidence, evidence_id)
    if evidence.consent == Consent.WITHDRAWN:
        raise ConflictError(
            "consent_withdrawn",
            f"Consent to use evidence {evidence.id} is withdrawn, so its file is not given "
            "out. Record consent as given again (PATCH) before downloading it.",
        )
    if evidence.file_sha256 is None:
        raise NoFileError(
            "no_file",
            f"Evidence {evidence.id} has no file: upload one with PUT on this path.",
        )
    return evidence


def remove_file(ws: Workspace, evidence_id: str, *, if_match: str | None = None) -> Evidence:
    """Remove the evidence's file; its bytes go after the commit."""
    evidence = ws.get(Evidence, evidence_id)
    check_if_match(evidence, if_match)
    _remember_toolkit(ws, writable_initiative(ws, evidence.initiative_id))
    stored = evidence.forget_file()
    if stored is None:
        raise NoFileError("no_file", f"Evidence {evidence.id} has no file to delete.")
    ws.session.flush()
    ws.delete_file_after_commit(evidence.id, stored)
    return evidence
