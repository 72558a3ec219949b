"""Assessments: ratings of a toolkit's dimensions on one of its scales, from one perspective.

Assessments are kept over time and never overwritten by newer ones: progress is read from
how the ratings move between cycles, and co-assessment from how the perspectives (people
using services, professionals, ...) rate the same initiative on the same scale. Each
assessment is checked against the pinned toolkit through the plugin host when it is
written, and summarised by the toolkit's plugin (or the core) when it is read, so a
summary always follows the installed plugin and is never stored stale.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from toolkits_core._outcomes import AssessmentSummary, Problem
from toolkits_core._plugin_errors import InvalidRecordError, PluginHookError
from toolkits_core._services.errors import (
    ConflictError,
    FieldProblem,
    InvalidRequestError,
    refuse,
)
from toolkits_core._services.initiatives import ensure_external_ref_free, writable_initiative
from toolkits_core._services.pagination import Page, paginate
from toolkits_core._services.views import initiative_view, pinned_toolkit
from toolkits_core._services.workspace import Workspace, apply_changes, check_if_match, matching
from toolkits_core._store.models import Assessment, Initiative
from toolkits_core._views import AssessmentView, ParticipantRole
from toolkits_core._vocabulary import Toolkit

logger = logging.getLogger("toolkits_core.plugins")

CHECKED = ("scale", "perspective", "ratings", "cycle", "stage", "assessed_on", "note")
"""The fields validated together: a change to any of them re-checks the whole record."""

EDITABLE = frozenset({*CHECKED, "external_ref"})


@dataclass(frozen=True, slots=True)
class SummarisedAssessment:
    """An assessment with the summary its toolkit's plugin (or the core) gives it now."""

    assessment: Assessment
    summary: AssessmentSummary | None
    """None when the pinned toolkit is not loaded or the ratings no longer fit it."""


@dataclass(frozen=True, slots=True)
class DimensionComparison:
    """How each perspective rated one dimension, and how far apart they are."""

    dimension: str
    ratings: Mapping[str, int | None]
    """Perspective -> level, for every compared perspective (None: it did not rate this)."""
    gap: int | None
    """Highest minus lowest rating; None unless two or more perspectives rated it."""
    rated_highest_by: tuple[str, ...]
    rated_lowest_by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AssessmentComparison:
    """The latest assessment of each perspective on one scale in one cycle, side by side."""

    initiative_id: str
    scale: str
    cycle: int
    latest: tuple[Assessment, ...]
    """One per perspective that assessed, in the order of ``ParticipantRole``."""
    dimensions: tuple[DimensionComparison, ...]
    """Every dimension rated by at least one perspective, in the toolkit's order."""
    gaps: tuple[DimensionComparison, ...]
    """The dimensions the perspectives disagree on (gap above 0), widest gap first."""


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _perspective(value: object) -> ParticipantRole:
    """The role named by ``value``; anything else is passed on for the host to report.

    The host's ``check_assessment`` checks the perspective is a ``ParticipantRole``, so an
    unknown one is reported together with every other problem of the record.
    """
    if isinstance(value, str) and value in {role.value for role in ParticipantRole}:
        return ParticipantRole(value)
    return cast(ParticipantRole, value)


def _check(
    ws: Workspace, initiative: Initiative, toolkit: Toolkit, values: Mapping[str, Any]
) -> None:
    """Refuse ``values`` with every problem at once: the core's, the toolkit's, the plugins'.

    The host checks the scale, perspective, cycle and ratings against the toolkit and the
    initiative; the stage and the record's own fields are checked here.
    """
    view = AssessmentView(
        values["scale"], _perspective(values["perspective"]), values["ratings"], values["cycle"]
    )
    standing = initiative_view(ws, initiative)
    problems = list(
        ws.host.check_assessment(view, toolkit=initiative.toolkit_key, initiative=standing)
    )
    stage = values["stage"]
    if not isinstance(stage, str) or toolkit.stage(stage) is None:
        known = ", ".join(item.key for item in toolkit.stages)
        problems.append(
            Problem(
                "unknown_stage",
                f"{toolkit.name} has no stage {stage!r} (it has: {known}).",
                "stage",
            )
        )
    elif stage not in standing.reached_stages:
        # As for activities and evidence: an assessment is made where the work has been.
        problems.append(
            Problem(
                "stage_not_reached",
                f"The initiative has not reached {stage!r} yet, so nothing there can be assessed.",
                "stage",
            )
        )
    if not isinstance(values["assessed_on"], dt.date):
        problems.append(Problem("invalid_date", "Give the date it was assessed.", "assessed_on"))
    if not isinstance(values["note"], str):
        problems.append(Problem("invalid_note", "A note is text.", "note"))
    refuse(problems)


def _stored(values: Mapping[str, Any]) -> dict[str, Any]:
    """Checked values as the columns keep them."""
    stored = {name: values[name] for name in CHECKED if name in values}
    stored["perspective"] = ParticipantRole(values["perspective"]).value
    stored["ratings"] = dict(values["ratings"])
    return stored


def create_assessment(
    ws: Workspace,
    initiative_id: str,
    *,
    scale: str,
    perspective: str,
    ratings: Mapping[str, int],
    cycle: int | None = None,
    stage: str | None = None,
    assessed_on: dt.date | None = None,
    note: str = "",
    external_ref: str | None = None,
) -> Assessment:
    """A new assessment of an initiative that can still change.

    ``cycle`` and ``stage`` default to where the initiative stands now and ``assessed_on``
    to today (UTC), so a rating made at a review needs only the scale, whose view it is
    and the ratings.
    """
    initiative = writable_initiative(ws, initiative_id)
    values = {
        "scale": scale,
        "perspective": perspective,
        "ratings": ratings,
        "cycle": initiative.cycle if cycle is None else cycle,
        "stage": initiative.stage if stage is None else stage,
        "assessed_on": _today() if assessed_on is None else assessed_on,
        "note": note,
    }
    _check(ws, initiative, pinned_toolkit(ws, initiative), values)
    ensure_external_ref_free(ws, Assessment, external_ref, initiative_id=initiative.id)
    assessment = Assessment(
        organisation_id=ws.organisation_id,
        initiative_id=initiative.id,
        external_ref=external_ref,
        **_stored(values),
    )
    ws.session.add(assessment)
    ws.session.flush()
    return assessment


def get_assessment(ws: Workspace, assessment_id: str) -> Assessment:
    return ws.get(Assessment, assessment_id)


def list_assessments(
    ws: Workspace,
    initiative_id: str,
    *,
    limit: int,
    cursor: str | None = None,
    perspective: str | None = None,
    scale: str | None = None,
    cycle: int | None = None,
    external_ref: str | None = None,
    updated_since: dt.datetime | None = None,
) -> Page[Assessment]:
    """An initiative's assessments in the order they were recorded, oldest first."""
    initiative = ws.get(Initiative, initiative_id)
    statement = matching(
        ws.select(Assessment),
        Assessment,
        initiative_id=initiative.id,
        perspective=perspective,
        scale=scale,
        cycle=cycle,
        external_ref=external_ref,
        updated_since=updated_since,
    )
    return paginate(
        ws.session,
        statement,
        Assessment.id,
        limit=limit,
        cursor=cursor,
        by=None if updated_since is None else Assessment.updated_at,
    )


def update_assessment(
    ws: Workspace, assessment_id: str, changes: dict[str, Any], *, if_match: str | None = None
) -> Assessment:
    """Change an assessment; the changed record is checked whole, as a new one would be.

    ``ratings``, when sent, replaces the ratings (it is not merged), so a dimension is
    un-rated by leaving it out.
    """
    assessment = ws.get(Assessment, assessment_id)
    check_if_match(assessment, if_match)
    unknown = sorted(set(changes) - EDITABLE)
    if unknown:
        raise InvalidRequestError(
            [FieldProblem(name, "This field cannot be changed here.") for name in unknown]
        )
    initiative = writable_initiative(ws, assessment.initiative_id)
    values = {name: changes.get(name, getattr(assessment, name)) for name in CHECKED}
    _check(ws, initiative, pinned_toolkit(ws, initiative), values)
    stored = _stored(values)
    if "external_ref" in changes:
        ensure_external_ref_free(
            ws,
            Assessment,
            changes["external_ref"],
            initiative_id=initiative.id,
            except_id=assessment.id,
        )
        stored["external_ref"] = changes["external_ref"]
    if apply_changes(assessment, stored):
        ws.session.flush()
    return assessment


def delete_assessment(ws: Workspace, assessment_id: str, *, if_match: str | None = None) -> None:
    """Delete an assessment (of an initiative that can still change)."""
    assessment = ws.get(Assessment, assessment_id)
    check_if_match(assessment, if_match)
    writable_initiative(ws, assessment.initiative_id)
    ws.session.delete(assessment)
    ws.session.flush()


# Summaries -----------------------------------------------------------------------------


def summarise_assessments(
    ws: Workspace, assessments: Iterable[Assessment]
) -> list[SummarisedAssessment]:
    """Each assessment with its summary, worked out in Python from the rows given.

    The initiatives are taken from the session (a list has already loaded its one), so a
    page of summaries costs no query per row. A summary is None, and the read still
    succeeds, when the toolkit the initiative is pinned to is not loaded, when the stored
    ratings no longer fit the installed toolkit, or when the plugin's hook fails (that
    failure is logged with the plugin's name).
    """
    toolkits: dict[str, str | None] = {}
    summarised = []
    for assessment in assessments:
        if assessment.initiative_id not in toolkits:
            toolkits[assessment.initiative_id] = _usable_toolkit(ws, assessment.initiative_id)
        toolkit = toolkits[assessment.initiative_id]
        summary = None if toolkit is None else _summary(ws, toolkit, assessment)
        summarised.append(SummarisedAssessment(assessment, summary))
    return summarised


def summarise_assessment(ws: Workspace, assessment: Assessment) -> SummarisedAssessment:
    """One assessment with its summary (see ``summarise_assessments``)."""
    return summarise_assessments(ws, [assessment])[0]


def _usable_toolkit(ws: Workspace, initiative_id: str) -> str | None:
    """The key of the initiative's toolkit if the installed plugin can still read it."""
    initiative = ws.session.get(Initiative, initiative_id)
    if initiative is None or initiative.organisation_id != ws.organisation_id:
        return None
    try:
        return pinned_toolkit(ws, initiative).key
    except ConflictError:
        return None


def _summary(ws: Workspace, toolkit: str, assessment: Assessment) -> AssessmentSummary | None:
    try:
        view = AssessmentView(
            assessment.scale,
            ParticipantRole(assessment.perspective),
            assessment.ratings,
            assessment.cycle,
        )
        return ws.host.summarise_assessment(view, toolkit=toolkit)
    except (ValueError, InvalidRecordError):
        return None  # stored under rules the installed toolkit no longer has
    except PluginHookError as error:
        logger.warning("no summary for assessment %s: %s", assessment.id, error)
        return None


# Comparing perspectives ----------------------------------------------------------------


def compare_assessments(
    ws: Workspace, initiative_id: str, *, scale: str | None = None, cycle: int | None = None
) -> AssessmentComparison:
    """The latest assessment of each perspective on ``scale`` in ``cycle``, side by side.

    Co-assessment asks whether people using services and professionals see an initiative
    the same way; the dimensions they rate furthest apart are where to talk next. The
    latest assessment of a perspective is the one assessed last (recorded last on the same
    day). ``scale`` may be left out when the toolkit has only one; ``cycle`` defaults to
    the current one. Stored assessments are compared even when the toolkit's plugin is no
    longer loaded.
    """
    initiative = ws.get(Initiative, initiative_id)
    try:
        toolkit: Toolkit | None = pinned_toolkit(ws, initiative)
    except ConflictError:
        toolkit = None
    scale = _compared_scale(toolkit, scale)
    cycle = initiative.cycle if cycle is None else cycle
    if cycle > initiative.cycle:
        raise InvalidRequestError(
            [
                FieldProblem(
                    "cycle",
                    f"The initiative is in cycle {initiative.cycle}, not yet in cycle {cycle}.",
                    "cycle_not_reached",
                )
            ]
        )
    rows = ws.session.scalars(
        ws.select(Assessment)
        .where(
            Assessment.initiative_id == initiative.id,
            Assessment.scale == scale,
            Assessment.cycle == cycle,
        )
        .order_by(Assessment.assessed_on, Assessment.id)
    ).all()
    newest = {row.perspective: row for row in rows}
    order = {role.value: index for index, role in enumerate(ParticipantRole)}
    latest = tuple(sorted(newest.values(), key=lambda row: order.get(row.perspective, len(order))))
    dimensions = tuple(_compare_dimension(key, latest) for key in _dimension_order(toolkit, latest))
    gaps = sorted(
        (item for item in dimensions if item.gap),
        key=lambda item: -(item.gap or 0),
    )
    return AssessmentComparison(initiative.id, scale, cycle, latest, dimensions, tuple(gaps))


def _compared_scale(toolkit: Toolkit | None, scale: str | None) -> str:
    if toolkit is None:
        if scale is None:
            raise InvalidRequestError(
                [FieldProblem("scale", "Name the scale to compare on.", "missing_scale")]
            )
        return scale
    known = ", ".join(item.key for item in toolkit.scales) or "none"
    if scale is None:
        if len(toolkit.scales) == 1:
            return toolkit.scales[0].key
        raise InvalidRequestError(
            [
                FieldProblem(
                    "scale",
                    f"{toolkit.name} has more than one scale: name one ({known}).",
                    "missing_scale",
                )
            ]
        )
    if toolkit.scale(scale) is None:
        raise InvalidRequestError(
            [
                FieldProblem(
                    "scale",
                    f"{toolkit.name} has no scale {scale!r} (it has: {known}).",
                    "unknown_scale",
                )
            ]
        )
    return scale


def _dimension_order(toolkit: Toolkit | None, latest: Sequence[Assessment]) -> list[str]:
    """The rated dimensions, in the toolkit's order; keys it no longer has come last."""
    rated = {key for row in latest for key in row.ratings}
    ordered = [d.key for d in toolkit.dimensions if d.key in rated] if toolkit else []
    return ordered + sorted(rated - set(ordered))


def _compare_dimension(key: str, latest: Sequence[Assessment]) -> DimensionComparison:
    ratings: dict[str, int | None] = {}
    for row in latest:
        value = row.ratings.get(key)
        ratings[row.perspective] = (
            value if isinstance(value, int) and not isinstance(value, bool) else None
        )
    rated = {perspective: value for perspective, value in ratings.items() if value is not None}
    if len(rated) < 2:
        return DimensionComparison(key, ratings, None, (), ())
    highest, lowest = max(rated.values()), min(rated.values())
    return DimensionComparison(
        key,
        ratings,
        highest - lowest,
        tuple(p for p, value in rated.items() if value == highest),
        tuple(p for p, value in rated.items() if value == lowest),
    )
