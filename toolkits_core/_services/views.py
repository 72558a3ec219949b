"""Frozen views of stored initiatives, as the plugins are given them, and the pinned toolkit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from toolkits_core._frozen import ReadOnDemand
from toolkits_core._services.errors import ConflictError
from toolkits_core._services.privacy import consent_not_withdrawn
from toolkits_core._services.workspace import Workspace
from toolkits_core._store.models import (
    Activity,
    Assessment,
    Evidence,
    Initiative,
    Participant,
    StageEntry,
    activity_participants,
)
from toolkits_core._views import (
    ActivityView,
    AssessmentView,
    Consent,
    EvidenceView,
    InitiativeView,
    ParticipantRole,
    ParticipantView,
)
from toolkits_core._vocabulary import Toolkit


def pinned_toolkit(ws: Workspace, initiative: Initiative) -> Toolkit:
    """The installed definition of the initiative's toolkit, if it can still run it.

    An initiative is pinned to the toolkit version it started with. A newer minor or patch
    version keeps the meaning of the stages, dimensions and types recorded so far (semantic
    versioning), so it runs the initiative; a different major version, or no plugin for
    the toolkit at all, would judge old records by rules they were not made under, so the
    initiative can be read but not changed until the plugin it needs is installed.
    """
    toolkits = {toolkit.key: toolkit for toolkit in ws.host.toolkits()}
    toolkit = toolkits.get(initiative.toolkit_key)
    if toolkit is None:
        raise ConflictError(
            "toolkit_unavailable",
            f"The initiative runs toolkit {initiative.toolkit_key!r} "
            f"{initiative.toolkit_version}, which no loaded plugin provides: install and "
            "enable its plugin to change this initiative (coprod plugins list shows "
            "what is loaded).",
            toolkit=initiative.toolkit_key,
            toolkit_version=initiative.toolkit_version,
        )
    if toolkit.version.split(".")[0] != initiative.toolkit_version.split(".")[0]:
        raise ConflictError(
            "toolkit_version_mismatch",
            f"The initiative was started with {toolkit.name} {initiative.toolkit_version}; "
            f"the installed plugin provides {toolkit.version}, a different major version "
            "whose rules may not fit the records made so far. Install a plugin with "
            f"version {initiative.toolkit_version.split('.')[0]}.x to change this initiative.",
            toolkit=initiative.toolkit_key,
            toolkit_version=initiative.toolkit_version,
            installed_version=toolkit.version,
        )
    return toolkit


_REACHED = (
    sa.select(StageEntry.stage)
    .where(
        StageEntry.organisation_id == sa.bindparam("organisation_id"),
        StageEntry.initiative_id == sa.bindparam("initiative_id"),
    )
    .order_by(StageEntry.id)
)
"""The stages an initiative has entered, oldest first: read for every view, so built once."""


def initiative_view(
    ws: Workspace, initiative: Initiative, *, without_evidence: str | None = None
) -> InitiativeView:
    """Everything the plugins may judge about an initiative, read as they ask for it.

    Where it stands (its stage, cycle and the stages it has reached) is read at once, in
    one query. Its participants, activities, evidence and assessments are each read the
    first time a plugin looks at them, in one query each, and only the columns a view
    holds: a piece of evidence checked against the stages it may be recorded in costs
    the same in an initiative with a million others as in a new one. Read them while
    the request lasts: they come from its session. ``without_evidence`` leaves one piece
    out (a change is judged against the initiative as it would be after it).
    """
    ws.session.flush()  # as the session's own execute would: a new entry counts
    reached = ws.session.connection().execute(
        _REACHED, {"organisation_id": ws.organisation_id, "initiative_id": initiative.id}
    )
    return InitiativeView(
        toolkit=initiative.toolkit_key,
        stage=initiative.stage,
        cycle=initiative.cycle,
        reached_stages=tuple(dict.fromkeys(stage for (stage,) in reached)),
        participants=ReadOnDemand(lambda: _participants(ws, initiative)),
        activities=ReadOnDemand(lambda: _activities(ws, initiative)),
        evidence=ReadOnDemand(lambda: _evidence(ws, initiative, without_evidence)),
        assessments=ReadOnDemand(lambda: _assessments(ws, initiative)),
    )


def _in(ws: Workspace, initiative: Initiative, model: type[Any]) -> list[sa.ColumnElement[bool]]:
    return [model.organisation_id == ws.organisation_id, model.initiative_id == initiative.id]


def _participants(ws: Workspace, initiative: Initiative) -> Iterator[ParticipantView]:
    rows = ws.session.execute(
        sa.select(Participant.role, Participant.consent)
        .where(*_in(ws, initiative, Participant))
        .order_by(Participant.id)
    )
    for role, consent in rows:
        yield ParticipantView(ParticipantRole(role), Consent(consent))


def _activities(ws: Workspace, initiative: Initiative) -> Iterator[ActivityView]:
    # Only consenting participants count in the rules (as ``consenting_roles`` says).
    roles: dict[str, list[ParticipantRole]] = {}
    taking_part = ws.session.execute(
        sa.select(activity_participants.c.activity_id, Participant.role)
        .join(Participant, Participant.id == activity_participants.c.participant_id)
        .where(*_in(ws, initiative, Participant), Participant.consent == Consent.GIVEN.value)
        .order_by(activity_participants.c.activity_id, Participant.id)
    )
    for activity_id, role in taking_part:
        roles.setdefault(activity_id, []).append(ParticipantRole(role))
    rows = ws.session.execute(
        sa.select(
            Activity.id, Activity.activity_type, Activity.stage, Activity.dimensions, Activity.cycle
        )
        .where(*_in(ws, initiative, Activity))
        .order_by(Activity.id)
    )
    for activity_id, activity_type, stage, dimensions, cycle in rows:
        yield ActivityView(
            activity_type, stage, tuple(dimensions), tuple(roles.get(activity_id, ())), cycle
        )


def _evidence(ws: Workspace, initiative: Initiative, without: str | None) -> Iterator[EvidenceView]:
    statement = (
        sa.select(
            Evidence.evidence_type,
            Evidence.stage,
            Evidence.payload,
            Evidence.dimensions,
            Evidence.indicators,
            Activity.activity_type,
            Evidence.cycle,
        )
        .outerjoin(
            Activity,
            sa.and_(Activity.id == Evidence.activity_id, *_in(ws, initiative, Activity)),
        )
        .where(*_in(ws, initiative, Evidence), consent_not_withdrawn())
        .order_by(Evidence.id)
    )
    if without is not None:
        statement = statement.where(Evidence.id != without)
    for kind, stage, payload, dimensions, indicators, activity_type, cycle in ws.session.execute(
        statement
    ):
        yield EvidenceView(
            kind, stage, payload, tuple(dimensions), tuple(indicators), activity_type, cycle
        )


def _assessments(ws: Workspace, initiative: Initiative) -> Iterator[AssessmentView]:
    rows = ws.session.execute(
        sa.select(Assessment.scale, Assessment.perspective, Assessment.ratings, Assessment.cycle)
        .where(*_in(ws, initiative, Assessment))
        .order_by(Assessment.id)
    )
    for scale, perspective, ratings, cycle in rows:
        yield AssessmentView(scale, ParticipantRole(perspective), ratings, cycle)
