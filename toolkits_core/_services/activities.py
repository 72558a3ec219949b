"""Activities: what was done in a stage of an initiative, and who took part.

Whether an activity fits is the toolkit's question (its types, the stages each type
belongs to, its dimensions, the stages and cycle the initiative has reached), so every
write, a change as much as a creation, puts the whole resulting record to the plugin host.
What only the stored data can answer (are these participants of this initiative? do the
dates run forwards?) is checked here, and the caller hears of all the problems at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from toolkits_core._activity_lists import activity_advice, evidence_advice
from toolkits_core._outcomes import Advice, Problem
from toolkits_core._services.errors import FieldProblem, Invalid, InvalidRequestError, refuse
from toolkits_core._services.external_refs import (
    Upserted,
    create_or_replace,
    ensure_external_ref_free,
    find_by_external_ref,
)
from toolkits_core._services.initiatives import writable_initiative
from toolkits_core._services.pagination import Page, paginate
from toolkits_core._services.record_search import matching_text
from toolkits_core._services.views import initiative_view
from toolkits_core._services.workspace import Workspace, apply_changes, check_if_match, matching
from toolkits_core._store.audit import record_bulk_change
from toolkits_core._store.models import (
    Activity,
    Evidence,
    Initiative,
    Participant,
    activity_participants,
    activity_tags,
    utc_now,
)
from toolkits_core._views import ActivityView, Consent, ParticipantRole, ParticipantView

EDITABLE = frozenset(
    {
        "activity_type",
        "stage",
        "cycle",
        "title",
        "description",
        "dimensions",
        "starts_on",
        "ends_on",
        "participant_ids",
        "outcomes",
        "external_ref",
        "tags",
        "place",
        "recurrence",
        "attendance",
    }
)

MAX_TAGS = 20
MAX_TAG_LENGTH = 50
"""Tags are short labels ("walk", "oral history"), a few to an activity."""

WITH_PARTICIPANTS = (selectinload(Activity.participants),)
"""Load the participant links with the activities, in one more query however many rows."""


@dataclass(frozen=True, slots=True)
class _Proposal:
    """An activity as it would be stored, before it is checked."""

    activity_type: str
    stage: str
    cycle: int
    dimensions: Sequence[str]
    starts_on: dt.date | None
    ends_on: dt.date | None
    participant_ids: Sequence[str]


def _participants(
    ws: Workspace, initiative: Initiative, ids: Sequence[str], invalid: Invalid
) -> list[Participant]:
    """The participants named, once each and in id order; a problem for each unknown id.

    Id order is the order the links are read back in, so the answer to a write shows them
    as every later read will. Only the initiative's own participants are found, so an id
    from another initiative, or another organisation, reads as no such participant and
    gives nothing away. They are locked for sharing until the commit, in id order (the
    order every writer locks them in): the toolkit's rules count who took part by their
    consent, which a withdrawal or an erasure must not change in the meantime.
    """
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    ws.hold_write_lock()
    found = {
        participant.id: participant
        for participant in ws.session.scalars(
            ws.select(Participant)
            .where(Participant.initiative_id == initiative.id, Participant.id.in_(wanted))
            .order_by(Participant.id)
            .with_for_update(read=True)
            .execution_options(populate_existing=True)
        )
    }
    for index, participant_id in enumerate(ids):
        if participant_id not in found:
            invalid.add(
                f"participant_ids/{index}",
                f"There is no participant {participant_id!r} in this initiative.",
                "unknown_participant",
            )
    return sorted(found.values(), key=lambda participant: participant.id)


def normalised_tags(tags: Sequence[str], invalid: Invalid) -> list[str]:
    """The tags as stored: trimmed, inner spaces made single, lower case, each once, in the
    order first given; a problem for each that is then empty or too long, or too many.

    Normalised so that "Walk", " walk " and "WALK" are one tag, found by one filter.
    """
    found: list[str] = []
    for index, tag in enumerate(tags):
        tidy = " ".join(tag.split()).lower()
        if not 1 <= len(tidy) <= MAX_TAG_LENGTH:
            invalid.add(
                f"tags/{index}",
                f"A tag is 1 to {MAX_TAG_LENGTH} characters, not only blanks.",
                "invalid_tag",
            )
        elif tidy not in found:
            found.append(tidy)
    if len(found) > MAX_TAGS:
        invalid.add("tags", f"Give at most {MAX_TAGS} tags.", "too_many_tags")
    return found


def _store_tags(ws: Workspace, activity: Activity) -> None:
    """Write the activity's tags into ``activity_tags``, which lists filter on."""
    ws.session.execute(sa.delete(activity_tags).where(activity_tags.c.activity_id == activity.id))
    if activity.tags:
        ws.session.execute(
            sa.insert(activity_tags),
            [
                {"activity_id": activity.id, "tag": tag, "initiative_id": activity.initiative_id}
                for tag in activity.tags
            ],
        )


def _tidy_place(place: str | None) -> str | None:
    """A place as stored: trimmed, and none rather than blank."""
    return (place.strip() or None) if place is not None else None


def consenting_roles(participants: Sequence[Participant]) -> tuple[ParticipantRole, ...]:
    """The roles of those who took part and have consented: the only ones rules count.

    Someone whose consent is not recorded, or withdrawn (erasure withdraws it too), is
    still linked to the activity, but a toolkit's rule cannot be met by them.
    """
    return tuple(
        ParticipantRole(participant.role)
        for participant in participants
        if participant.consent == Consent.GIVEN
    )


def _checked(
    ws: Workspace, initiative: Initiative, proposal: _Proposal, invalid: Invalid
) -> list[Participant]:
    """The proposal's participants, if the whole proposal fits; every problem if not,
    together with those already found in ``invalid``."""
    participants = _participants(ws, initiative, proposal.participant_ids, invalid)
    if (
        proposal.starts_on is not None
        and proposal.ends_on is not None
        and proposal.ends_on < proposal.starts_on
    ):
        invalid.add(
            "ends_on",
            f"An activity cannot end ({proposal.ends_on}) before it starts ({proposal.starts_on}).",
            "ends_before_start",
        )
    view = ActivityView(
        proposal.activity_type,
        proposal.stage,
        tuple(proposal.dimensions),
        consenting_roles(participants),
        proposal.cycle,
        participants=tuple(
            ParticipantView(ParticipantRole(p.role), Consent(p.consent), p.id) for p in participants
        ),
    )
    problems = ws.host.check_activity(
        view, toolkit=initiative.toolkit_key, initiative=initiative_view(ws, initiative)
    )
    _refuse_together(invalid, problems)
    return participants


def _refuse_together(invalid: Invalid, problems: Sequence[Problem]) -> None:
    """Raise the request's own problems and the toolkit's in one answer, if there are any."""
    try:
        refuse(problems)
    except InvalidRequestError as error:
        raise InvalidRequestError([*invalid.problems, *error.problems]) from None
    invalid.raise_if_any()


def create_activity(
    ws: Workspace,
    initiative_id: str,
    *,
    activity_type: str,
    title: str,
    stage: str | None = None,
    cycle: int | None = None,
    description: str = "",
    dimensions: Sequence[str] = (),
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    participant_ids: Sequence[str] = (),
    outcomes: str = "",
    tags: Sequence[str] = (),
    place: str | None = None,
    recurrence: dict[str, Any] | None = None,
    attendance: dict[str, int] | None = None,
    external_ref: str | None = None,
    sent: Collection[str] | None = None,
) -> Activity:
    """A new activity, by default in the initiative's current stage and cycle.

    ``sent`` names the fields the caller sent; if ``external_ref`` is taken, the refusal
    says whether those differ from the activity that has it. None: all of them.
    """
    initiative = writable_initiative(ws, initiative_id)
    proposal = _Proposal(
        activity_type=activity_type,
        stage=initiative.stage if stage is None else stage,
        cycle=initiative.cycle if cycle is None else cycle,
        dimensions=dimensions,
        starts_on=starts_on,
        ends_on=ends_on,
        participant_ids=participant_ids,
    )
    invalid = Invalid()
    stored_tags = normalised_tags(tags, invalid)
    participants = _checked(ws, initiative, proposal, invalid)
    values = {
        "activity_type": proposal.activity_type,
        "stage": proposal.stage,
        "cycle": proposal.cycle,
        "title": title,
        "description": description,
        "dimensions": list(dict.fromkeys(dimensions)),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "outcomes": outcomes,
        "tags": stored_tags,
        "place": _tidy_place(place),
        "recurrence": recurrence,
        "attendance": attendance,
    }
    ensure_external_ref_free(
        ws,
        Activity,
        external_ref,
        initiative_id=initiative.id,
        compare={
            name: value
            for name, value in {**values, "participant_ids": participant_ids}.items()
            if sent is None or name in sent
        },
    )
    activity = Activity(
        organisation_id=ws.organisation_id,
        initiative_id=initiative.id,
        external_ref=external_ref,
        participants=participants,
        **values,
    )
    ws.session.add(activity)
    ws.session.flush()
    _store_tags(ws, activity)
    return activity


def get_activity(ws: Workspace, activity_id: str) -> Activity:
    """An activity with its participant links loaded."""
    return ws.get(Activity, activity_id, WITH_PARTICIPANTS)


def list_activities(
    ws: Workspace,
    initiative_id: str,
    *,
    limit: int,
    cursor: str | None = None,
    stage: str | None = None,
    activity_type: str | None = None,
    cycle: int | None = None,
    participant_id: str | None = None,
    tag: Sequence[str] = (),
    place: str | None = None,
    on_or_after: dt.date | None = None,
    on_or_before: dt.date | None = None,
    external_ref: str | None = None,
    updated_since: dt.datetime | None = None,
    q: str | None = None,
) -> Page[Activity]:
    """An initiative's activities, oldest first, each with its participant ids.

    A page costs the same number of queries however many activities it holds: the links
    are loaded for the whole page at once. ``tag`` keeps the activities with every tag
    given (normalised as stored); ``place`` those recorded at exactly that place;
    ``on_or_after`` and ``on_or_before`` those whose days (``starts_on`` to ``ends_on``,
    either alone standing for both) overlap the range, so an activity with no dates is in
    no list filtered by date.
    """
    invalid, given = Invalid(), Invalid()
    wanted_tags = normalised_tags(tag, given)
    invalid.problems.extend(
        FieldProblem(
            problem.field.replace("tags", "tag", 1), problem.message, problem.code, location="query"
        )
        for problem in given.problems
    )
    if on_or_after is not None and on_or_before is not None and on_or_before < on_or_after:
        invalid.problems.append(
            FieldProblem(
                "on_or_before",
                f"The range ends ({on_or_before}) before it starts ({on_or_after}).",
                "empty_date_range",
                location="query",
            )
        )
    invalid.raise_if_any()
    initiative = ws.read(Initiative, initiative_id)
    statement = (
        ws.select(Activity)
        .where(Activity.initiative_id == initiative.id)
        .options(*WITH_PARTICIPANTS)
    )
    statement = matching(
        statement,
        Activity,
        stage=stage,
        activity_type=activity_type,
        cycle=cycle,
        external_ref=external_ref,
        updated_since=updated_since,
    )
    for wanted in wanted_tags:
        # A join per tag: the page walks the activities in id order, and each row's tag is
        # one primary-key seek, so a deep page costs what the first does.
        tagged = activity_tags.alias()
        statement = statement.join(
            tagged,
            sa.and_(
                tagged.c.activity_id == Activity.id,
                tagged.c.initiative_id == initiative.id,
                tagged.c.tag == wanted,
            ),
        )
    if place is not None:
        statement = statement.where(Activity.place == _tidy_place(place))
    if on_or_after is not None:
        statement = statement.where(
            sa.func.coalesce(Activity.ends_on, Activity.starts_on) >= on_or_after
        )
    if on_or_before is not None:
        statement = statement.where(
            sa.func.coalesce(Activity.starts_on, Activity.ends_on) <= on_or_before
        )
    if participant_id is not None:
        statement = statement.where(
            Activity.id.in_(
                sa.select(activity_participants.c.activity_id).where(
                    activity_participants.c.participant_id == participant_id
                )
            )
        )
    statement = matching_text(ws.session, statement, Activity, q)
    return paginate(
        ws.session,
        statement,
        Activity.id,
        limit=limit,
        cursor=cursor,
        by=None if updated_since is None else Activity.updated_at,
    )


def update_activity(
    ws: Workspace, activity_id: str, changes: dict[str, Any], *, if_match: str | None = None
) -> Activity:
    """Change an activity; the record that would result is checked as a whole.

    A change to one field can make another one misfit (a new stage the type does not
    belong to, a new start after the stored end), so the toolkit judges the merged record,
    not only the fields sent.
    """
    activity = get_activity(ws, activity_id)
    check_if_match(activity, if_match)
    unknown = sorted(set(changes) - EDITABLE)
    if unknown:
        raise InvalidRequestError(
            [FieldProblem(name, "This field cannot be changed here.") for name in unknown]
        )
    invalid = Invalid()
    if "tags" in changes:
        changes = {**changes, "tags": normalised_tags(changes["tags"], invalid)}
    if "place" in changes:
        changes = {**changes, "place": _tidy_place(changes["place"])}
    initiative = writable_initiative(ws, activity.initiative_id)
    proposal = _Proposal(
        activity_type=changes.get("activity_type", activity.activity_type),
        stage=changes.get("stage", activity.stage),
        cycle=changes.get("cycle", activity.cycle),
        dimensions=changes.get("dimensions", activity.dimensions),
        starts_on=changes.get("starts_on", activity.starts_on),
        ends_on=changes.get("ends_on", activity.ends_on),
        participant_ids=changes.get("participant_ids", activity.participant_ids),
    )
    participants = _checked(ws, initiative, proposal, invalid)
    # Evidence takes its stage and cycle from its activity: a change to the activity waits
    # for evidence being recorded from it, and evidence recorded after sees the change.
    ws.lock(Activity, activity.id, exclusive=True, reread=False)
    fields = {name: value for name, value in changes.items() if name != "participant_ids"}
    if "dimensions" in fields:
        fields["dimensions"] = list(dict.fromkeys(fields["dimensions"]))
    if "external_ref" in changes:
        compare = {name: value for name, value in fields.items() if name != "external_ref"}
        if "participant_ids" in changes:
            compare["participant_ids"] = changes["participant_ids"]
        ensure_external_ref_free(
            ws,
            Activity,
            changes["external_ref"],
            initiative_id=initiative.id,
            except_id=activity.id,
            compare=compare,
        )
    old_tags = list(activity.tags)
    changed = apply_changes(activity, fields)
    if activity.tags != old_tags:
        _store_tags(ws, activity)
    if [p.id for p in participants] != activity.participant_ids:
        activity.participants = participants
        if not changed:
            # Only the link table changes then: touch the row so that its version and
            # updated_at move, as they do for any other change to what the API shows.
            activity.updated_at = utc_now()
        changed = True
    if changed:
        ws.session.flush()
    return activity


def upsert_activity(
    ws: Workspace,
    initiative_id: str,
    external_ref: str,
    *,
    activity_type: str,
    title: str,
    stage: str | None = None,
    cycle: int | None = None,
    description: str = "",
    dimensions: Sequence[str] = (),
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    participant_ids: Sequence[str] = (),
    outcomes: str = "",
    tags: Sequence[str] = (),
    place: str | None = None,
    recurrence: dict[str, Any] | None = None,
    attendance: dict[str, int] | None = None,
    if_match: str | None = None,
    if_none_match: str | None = None,
) -> Upserted[Activity]:
    """The initiative's activity the caller knows as ``external_ref``, made or replaced.

    Made as ``create_activity`` makes one if the initiative has no activity with the
    reference; otherwise replaced whole through ``update_activity``, so the toolkit judges
    the resulting record and an unchanged one keeps its version. A field not given goes
    back to its default (``participant_ids`` to none), except ``stage`` and ``cycle``:
    when not given, a new activity takes the initiative's current ones and a replaced one
    keeps where it was done, so that resending an old activity does not move it.
    """
    initiative = writable_initiative(ws, initiative_id)
    changes: dict[str, Any] = {
        "activity_type": activity_type,
        "title": title,
        "description": description,
        "dimensions": list(dimensions),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "participant_ids": list(participant_ids),
        "outcomes": outcomes,
        "tags": list(tags),
        "place": place,
        "recurrence": recurrence,
        "attendance": attendance,
    }
    placed: dict[str, Any] = {"stage": stage, "cycle": cycle}
    kept = {name: value for name, value in placed.items() if value is not None}
    return create_or_replace(
        ws,
        external_ref,
        find=lambda: find_by_external_ref(ws, Activity, external_ref, initiative_id=initiative.id),
        create=lambda: create_activity(
            ws, initiative.id, external_ref=external_ref, **changes, **placed
        ),
        replace=lambda found: update_activity(ws, found.id, {**changes, **kept}, if_match=if_match),
        if_match=if_match,
        if_none_match=if_none_match,
    )


def delete_activity(ws: Workspace, activity_id: str, *, if_match: str | None = None) -> None:
    """Delete an activity; its participant links go, evidence from it stays, unlinked.

    The database would unlink the evidence itself (``ON DELETE SET NULL``) but silently;
    doing it here gives the evidence a new version and ``updated_at``, so mirrors polling
    ``updated_since`` see the change and a stale ``If-Match`` on it fails.
    """
    activity = get_activity(ws, activity_id)
    check_if_match(activity, if_match)
    writable_initiative(ws, activity.initiative_id)
    # Locked before its evidence is unlinked, so that evidence naming it while it goes is
    # either unlinked here or refused (ordered by ``_Linked`` in the evidence service).
    check_if_match(ws.lock(Activity, activity.id, exclusive=True), if_match)
    unlinked = ws.session.execute(
        sa.update(Evidence)
        .where(Evidence.organisation_id == ws.organisation_id, Evidence.activity_id == activity.id)
        .values(activity_id=None, updated_at=utc_now(), version=Evidence.version + 1)
        .returning(Evidence.id)
    ).scalars()
    record_bulk_change(
        ws.session,
        "evidence",
        unlinked,
        organisation_id=ws.organisation_id,
        initiative_id=activity.initiative_id,
        fields=("activity_id",),
    )
    ws.session.delete(activity)
    ws.session.flush()


def advice_on_activity(ws: Workspace, activity: Activity) -> list[Advice]:
    """The toolkit's notes on an activity as stored: the dimensions it names that its
    type's suggestion lists leave out. Never a refusal (a rule's misfit was one already)."""
    initiative = ws.get(Initiative, activity.initiative_id)
    toolkit = ws.host.toolkit(initiative.toolkit_key)
    return activity_advice(toolkit, activity.activity_type, activity.dimensions)


def advice_on_evidence(ws: Workspace, evidence: Evidence) -> list[Advice]:
    """The toolkit's notes on a piece of evidence as stored: its type, when the type of
    the activity it came from suggests others."""
    if evidence.activity_id is None:
        return []
    activity = ws.session.get(Activity, evidence.activity_id)
    if activity is None or activity.organisation_id != ws.organisation_id:
        return []
    initiative = ws.get(Initiative, evidence.initiative_id)
    toolkit = ws.host.toolkit(initiative.toolkit_key)
    return evidence_advice(toolkit, activity.activity_type, evidence.evidence_type)
