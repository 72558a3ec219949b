"""Frozen views of stored initiatives, as the plugins are given them, and the pinned toolkit."""

from __future__ import annotations

from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

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

Row = TypeVar("Row")


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


def _rows_of(ws: Workspace, initiative: Initiative, model: type[Row]) -> sa.Select[Row]:
    return (
        sa.select(model)
        .where(
            model.organisation_id == ws.organisation_id,  # type: ignore[attr-defined]
            model.initiative_id == initiative.id,  # type: ignore[attr-defined]
        )
        .order_by(model.id)  # type: ignore[attr-defined]
    )


def initiative_view(ws: Workspace, initiative: Initiative) -> InitiativeView:
    """Everything the plugins may judge about an initiative, read in six queries."""
    session = ws.session
    participants = session.scalars(_rows_of(ws, initiative, Participant)).all()
    activities = session.scalars(
        _rows_of(ws, initiative, Activity).options(selectinload(Activity.participants))
    ).all()
    activity_types = {activity.id: activity.activity_type for activity in activities}
    evidence = session.scalars(
        _rows_of(ws, initiative, Evidence).where(consent_not_withdrawn())
    ).all()
    assessments = session.scalars(_rows_of(ws, initiative, Assessment)).all()
    reached = session.scalars(
        sa.select(StageEntry.stage)
        .where(
            StageEntry.organisation_id == ws.organisation_id,
            StageEntry.initiative_id == initiative.id,
        )
        .order_by(StageEntry.id)
    ).all()
    return InitiativeView(
        toolkit=initiative.toolkit_key,
        stage=initiative.stage,
        cycle=initiative.cycle,
        reached_stages=tuple(dict.fromkeys(reached)),
        participants=tuple(
            ParticipantView(ParticipantRole(p.role), Consent(p.consent)) for p in participants
        ),
        activities=tuple(
            ActivityView(
                a.activity_type,
                a.stage,
                tuple(a.dimensions),
                tuple(ParticipantRole(p.role) for p in a.participants),
                a.cycle,
            )
            for a in activities
        ),
        evidence=tuple(
            EvidenceView(
                e.evidence_type,
                e.stage,
                e.payload,
                tuple(e.dimensions),
                tuple(e.indicators),
                activity_types.get(e.activity_id) if e.activity_id else None,
                e.cycle,
            )
            for e in evidence
        ),
        assessments=tuple(
            AssessmentView(a.scale, ParticipantRole(a.perspective), a.ratings, a.cycle)
            for a in assessments
        ),
    )
