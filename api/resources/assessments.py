"""Assessments: ratings of a toolkit's dimensions on one of its scales, from one perspective.

Assessments are kept over time, so progress shows in how ratings move from cycle to
cycle, and each carries whose view it is, so that people using services and
professionals can rate the same initiative side by side (co-assessment). Every record is
returned with the summary the toolkit's plugin gives it when it is read.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint

from api import fields
from api.auth import requires
from api.context import workspace
from api.lists import MirrorArgs, page_reply, page_schema
from api.records import if_match, record_reply
from toolkits_core import ParticipantRole
from toolkits_core.service import (
    Assessment,
    AssessmentComparison,
    Page,
    Scope,
    SummarisedAssessment,
    Workspace,
    compare_assessments,
    create_assessment,
    delete_assessment,
    get_assessment,
    list_assessments,
    summarise_assessment,
    summarise_assessments,
    update_assessment,
)

blueprint = Blueprint(
    "assessments",
    __name__,
    url_prefix="/api/v1",
    description="Ratings of a toolkit's dimensions on one of its scales, from one "
    "perspective, kept over time and summarised by the toolkit's plugin.",
)

PERSPECTIVES = [role.value for role in ParticipantRole]
MAX_RATINGS = 100

PERSPECTIVE_DESCRIPTION = (
    "Whose view the ratings are, as a participant role: " + ", ".join(PERSPECTIVES) + "."
)
RATINGS_DESCRIPTION = (
    "Dimension key -> level value of the scale (a whole number), for at least one of the "
    "toolkit's dimensions (GET /toolkits/{key}). Problems are reported per dimension, at "
    "ratings/<dimension key>."
)
SCALE_DESCRIPTION = "The key of one of the toolkit's scales."
CYCLE_DESCRIPTION = (
    "The round of the toolkit's stages it was made in (by default the initiative's current "
    "cycle); it cannot be a cycle the initiative has not reached."
)
STAGE_DESCRIPTION = "The stage it was made at (by default the initiative's current stage)."
ASSESSED_ON_DESCRIPTION = "The day it was assessed (by default today, UTC)."
NOTE_DESCRIPTION = "Who rated, how it was agreed, what was said."


def _whole_number_ratings(ratings: dict[str, Any]) -> None:
    """At least one rating, each a whole number (a JSON true or 4.5 is not a level)."""
    if not ratings:
        raise ma.ValidationError("Rate at least one dimension.")
    if len(ratings) > MAX_RATINGS:
        raise ma.ValidationError(f"Rate at most {MAX_RATINGS} dimensions.")
    wrong = {
        key: ["Not a whole number: give one of the scale's level values."]
        for key, value in ratings.items()
        if isinstance(value, bool) or not isinstance(value, int)
    }
    if wrong:
        raise ma.ValidationError(wrong)


class _Level(ma.fields.Raw):
    """A rating as sent, null included: ``_whole_number_ratings`` then names its dimension.

    (A plain field would report a null at ``ratings/<key>/value``; every other rating
    problem is reported at ``ratings/<key>``.)
    """

    def deserialize(
        self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any
    ) -> Any:
        return value


def ratings_field(**options: Any) -> ma.fields.Dict:
    return ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.Length(min=1, max=100)),
        values=_Level(metadata={"type": "integer"}),
        validate=_whole_number_ratings,
        metadata={
            "description": RATINGS_DESCRIPTION,
            "minProperties": 1,
            "maxProperties": MAX_RATINGS,
            "example": {"dimension-key": 3},
        },
        **options,
    )


class AssessmentSummarySchema(ma.Schema):
    scale = ma.fields.String()
    count = ma.fields.Integer(metadata={"description": "How many dimensions are rated."})
    total = ma.fields.Integer()
    mean = ma.fields.Float()
    minimum = ma.fields.Integer()
    maximum = ma.fields.Integer()
    headline = ma.fields.String(metadata={"description": "One sentence for people."})
    band = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "The scale's band for the total; null when the scale has no bands "
            "or not every dimension is rated."
        },
    )
    lowest = ma.fields.List(
        ma.fields.String(), metadata={"description": "The dimensions rated lowest."}
    )
    unrated = ma.fields.List(
        ma.fields.String(), metadata={"description": "The toolkit's dimensions not rated."}
    )
    notes = ma.fields.List(ma.fields.String(), metadata={"description": "The plugin's reading."})
    summarised_by = ma.fields.String(
        metadata={"description": "The plugin that wrote the summary, or core."}
    )


class AssessmentSchema(fields.Timestamps):
    """An assessment, dumped from a ``SummarisedAssessment`` (the record and its summary)."""

    id = fields.record_id()
    initiative_id = ma.fields.String(dump_only=True)
    scale = fields.key(SCALE_DESCRIPTION, required=True)
    perspective = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(PERSPECTIVES),
        metadata={"description": PERSPECTIVE_DESCRIPTION},
    )
    ratings = ratings_field(required=True)
    cycle = fields.cycle(CYCLE_DESCRIPTION)
    stage = fields.key(STAGE_DESCRIPTION)
    assessed_on = ma.fields.Date(metadata={"description": ASSESSED_ON_DESCRIPTION})
    note = fields.text(5000, NOTE_DESCRIPTION, load_default="")
    external_ref = fields.external_ref()
    summary = ma.fields.Nested(
        AssessmentSummarySchema,
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "The toolkit plugin's reading of the ratings, worked out when read; "
            "null when the toolkit the initiative is pinned to is not loaded or the ratings "
            "no longer fit it."
        },
    )

    def get_attribute(self, obj: Any, attr: str, default: Any) -> Any:
        if isinstance(obj, SummarisedAssessment):
            if attr == "summary":
                return obj.summary
            obj = obj.assessment
        return super().get_attribute(obj, attr, default)


class AssessmentPatchSchema(ma.Schema):
    scale = fields.key(SCALE_DESCRIPTION)
    perspective = ma.fields.String(
        validate=ma.validate.OneOf(PERSPECTIVES),
        metadata={"description": PERSPECTIVE_DESCRIPTION},
    )
    ratings = ratings_field()
    cycle = fields.cycle(CYCLE_DESCRIPTION)
    stage = fields.key(STAGE_DESCRIPTION)
    assessed_on = ma.fields.Date(metadata={"description": ASSESSED_ON_DESCRIPTION})
    note = fields.text(5000, NOTE_DESCRIPTION)
    external_ref = fields.external_ref()


class AssessmentListArgs(MirrorArgs):
    perspective = ma.fields.String(
        validate=ma.validate.OneOf(PERSPECTIVES),
        metadata={"description": "Only this perspective's assessments."},
    )
    scale = fields.key("Only assessments on this scale.")
    cycle = fields.cycle("Only assessments made in this cycle.", strict=False)


class ComparisonArgs(ma.Schema):
    scale = fields.key(
        "The scale to compare on; may be left out when the toolkit has only one scale."
    )
    cycle = fields.cycle(
        "The cycle to compare (by default the initiative's current cycle).", strict=False
    )


class ComparedAssessmentSchema(ma.Schema):
    perspective = ma.fields.String()
    assessment_id = ma.fields.String(attribute="id")
    assessed_on = ma.fields.Date()
    stage = ma.fields.String()


class DimensionComparisonSchema(ma.Schema):
    dimension = ma.fields.String()
    ratings = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Integer(allow_none=True),
        metadata={
            "description": "Perspective -> level, for every compared perspective; null where "
            "that perspective did not rate the dimension."
        },
    )
    gap = ma.fields.Integer(
        allow_none=True,
        metadata={
            "description": "Highest minus lowest rating; null unless two or more perspectives "
            "rated the dimension."
        },
    )
    rated_highest_by = ma.fields.List(ma.fields.String())
    rated_lowest_by = ma.fields.List(ma.fields.String())


class AssessmentComparisonSchema(ma.Schema):
    initiative_id = ma.fields.String()
    scale = ma.fields.String()
    cycle = ma.fields.Integer()
    perspectives = ma.fields.List(
        ma.fields.Nested(ComparedAssessmentSchema),
        attribute="latest",
        metadata={"description": "The latest assessment of each perspective compared."},
    )
    dimensions = ma.fields.List(
        ma.fields.Nested(DimensionComparisonSchema),
        metadata={"description": "Every dimension rated from any perspective, side by side."},
    )
    gaps = ma.fields.List(
        ma.fields.Nested(DimensionComparisonSchema),
        metadata={
            "description": "The dimensions the perspectives rate differently, widest gap "
            "first: where to talk next."
        },
    )


def _reply(ws: Workspace, assessment: Assessment, status: int = 200) -> Any:
    """The record with its summary, its ETag and (when created) its Location."""
    _, status, headers = record_reply(assessment, status)
    return summarise_assessment(ws, assessment), status, headers


@blueprint.route("/initiatives/<string:initiative_id>/assessments")
@blueprint.arguments(AssessmentListArgs(), location="query")
@blueprint.response(200, page_schema(AssessmentSchema))
@requires(Scope.RECORDS_READ)
def list_all(args: dict[str, Any], initiative_id: str) -> Any:
    """List an initiative's assessments in the order they were recorded, oldest first.

    Every perspective's assessments are kept side by side over time; filter by
    perspective, scale or cycle to follow one of them.
    """
    ws = workspace()
    page = list_assessments(ws, initiative_id, **args)
    return page_reply(
        Page(summarise_assessments(ws, page.items), page.next_cursor), AssessmentSchema
    )


@blueprint.route("/initiatives/<string:initiative_id>/assessments", methods=["POST"])
@blueprint.arguments(AssessmentSchema())
@blueprint.response(201, AssessmentSchema)
@requires(Scope.RECORDS_WRITE)
def create(body: dict[str, Any], initiative_id: str) -> Any:
    """Record an assessment: one perspective's ratings of the dimensions on a scale.

    The ratings are checked against the initiative's toolkit: an unknown scale, dimension
    or level, or a cycle not yet reached, is a 422 naming the field (ratings/<dimension>
    for a rating). An archived initiative is read-only (409).
    """
    ws = workspace()
    assessment = create_assessment(ws, initiative_id, **body)
    ws.commit()
    return _reply(ws, assessment, 201)


@blueprint.route("/initiatives/<string:initiative_id>/assessments/comparison")
@blueprint.arguments(ComparisonArgs(), location="query")
@blueprint.response(200, AssessmentComparisonSchema)
@requires(Scope.RECORDS_READ)
def comparison(args: dict[str, Any], initiative_id: str) -> AssessmentComparison:
    """Compare perspectives: each one's latest ratings on a scale in a cycle, side by side.

    Co-assessment asks whether people using services and professionals see the initiative
    the same way. For each perspective the latest assessment counts (the one assessed last);
    gaps lists the dimensions they rate differently, widest first.
    """
    return compare_assessments(workspace(), initiative_id, **args)


@blueprint.route("/assessments/<string:assessment_id>")
@blueprint.response(200, AssessmentSchema)
@requires(Scope.RECORDS_READ)
def show(assessment_id: str) -> Any:
    """Show an assessment with its summary."""
    ws = workspace()
    return _reply(ws, get_assessment(ws, assessment_id))


@blueprint.route("/assessments/<string:assessment_id>", methods=["PATCH"])
@blueprint.arguments(AssessmentPatchSchema, required=False)  # no body: nothing to change
@blueprint.response(200, AssessmentSchema)
@requires(Scope.RECORDS_WRITE)
def update(changes: dict[str, Any], assessment_id: str) -> Any:
    """Change an assessment; the changed record is checked whole against the toolkit.

    ratings, when sent, replaces the ratings rather than merging into them.
    """
    ws = workspace()
    assessment = update_assessment(ws, assessment_id, changes, if_match=if_match())
    ws.commit()
    return _reply(ws, assessment)


@blueprint.route("/assessments/<string:assessment_id>", methods=["DELETE"])
@blueprint.response(204)
@requires(Scope.RECORDS_WRITE)
def delete(assessment_id: str) -> None:
    """Delete an assessment. To keep the history, record a new assessment instead."""
    ws = workspace()
    delete_assessment(ws, assessment_id, if_match=if_match())
    ws.commit()
