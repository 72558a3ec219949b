"""Toolkits and plugins, read-only: what the loaded plugins provide."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint

from api.auth import requires
from api.context import services
from toolkits_core import (
    EvidenceKind,
    ListsAre,
    StageFlow,
    UnknownToolkitError,
    evidence_payload_schema,
    failure_document,
    plugin_document,
    toolkit_document,
    toolkit_summary_document,
)
from toolkits_core.service import (
    ROLE_DESCRIPTIONS,
    STAGE_FLOW_EXPLANATIONS,
    NotFoundError,
    Scope,
)

blueprint = Blueprint(
    "toolkits",
    __name__,
    url_prefix="/api/v1",
    description="The toolkits the loaded plugins provide, and the plugins themselves.",
)


def _text(description: str, **options: Any) -> ma.fields.String:
    return ma.fields.String(required=True, metadata={"description": description}, **options)


def _keys(description: str) -> ma.fields.List[Any]:
    return ma.fields.List(ma.fields.String(), required=True, metadata={"description": description})


class ToolkitCountsSchema(ma.Schema):
    """How many of each part the toolkit defines."""

    stages = ma.fields.Integer(required=True, metadata={"description": "Stages."})
    dimensions = ma.fields.Integer(required=True, metadata={"description": "Dimensions."})
    scales = ma.fields.Integer(required=True, metadata={"description": "Rating scales."})
    activity_types = ma.fields.Integer(required=True, metadata={"description": "Activity types."})
    evidence_types = ma.fields.Integer(required=True, metadata={"description": "Evidence types."})


class ProvidingPluginSchema(ma.Schema):
    """The plugin that provides a toolkit."""

    name = _text("The plugin's name (its entry point), as GET /plugins lists it.")
    version = _text("The installed version of the plugin's package.")


class ToolkitSummarySchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    key = _text("The toolkit's key: what an initiative's toolkit field names.")
    name = _text("Its name, for people.")
    version = _text(
        "The version of its definition; an initiative is pinned to the version it started with."
    )
    summary = _text("What the toolkit is for, in a sentence or two.")
    publisher = _text("Who publishes the toolkit the definition follows.")
    licence = _text("The licence of the toolkit's content, in words.")
    licence_id = ma.fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The licence's SPDX identifier, such as CC-BY-4.0."},
    )
    attribution = _text("The attribution the licence asks for, to show with the content.")
    adapted_from = ma.fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "What the toolkit was adapted from, and how (as CC BY asks)."},
    )
    source_url = _text("Where the published toolkit can be read (a full URL).")
    stage_flow = _text(
        "How an initiative moves between its stages: "
        + "; ".join(f"{flow.value}: {words}" for flow, words in STAGE_FLOW_EXPLANATIONS.items())
        + ".",
        validate=ma.validate.OneOf([flow.value for flow in StageFlow]),
    )
    allows_new_rounds = ma.fields.Boolean(
        required=True,
        metadata={
            "description": "Whether an initiative at the last stage may start a new round at "
            "the first (POST .../transitions with new_round true), keeping earlier rounds."
        },
    )
    counts = ma.fields.Nested(
        ToolkitCountsSchema,
        required=True,
        metadata={"description": "How many of each part it defines."},
    )
    plugin = ma.fields.Nested(
        ProvidingPluginSchema,
        metadata={"description": "The plugin that provides it (left out when none is known)."},
    )


class RequirementSchema(ma.Schema):
    """What a stage needs before an initiative leaves it."""

    key = _text("Stable within the stage.")
    text = _text("What is needed, in the toolkit's words.")
    checked = ma.fields.Boolean(
        required=True,
        metadata={
            "description": "Whether a rule of the toolkit checks it before the initiative "
            "leaves the stage (progress then says whether it is met)."
        },
    )


class StageSchema(ma.Schema):
    """A stage an initiative passes through."""

    key = _text("The stage's key: what stage fields and transitions name.")
    name = _text("Its name, for people.")
    summary = _text("What happens in it.")
    guidance = _text("Practice guidance for the people running the stage.")
    position = ma.fields.Integer(
        required=True, metadata={"description": "Its place in the toolkit's order, from 1."}
    )
    requirements = ma.fields.List(
        ma.fields.Nested(RequirementSchema),
        required=True,
        metadata={"description": "What the stage needs before an initiative leaves it."},
    )


class IndicatorSchema(ma.Schema):
    """A checklist indicator of a dimension."""

    key = _text("The indicator's key: what evidence's indicators field names.")
    text = _text("What the indicator asks, in the toolkit's words.")


class DimensionSchema(ma.Schema):
    """An aspect of co-production that assessments rate and evidence speaks to."""

    key = _text("The dimension's key: what ratings and dimensions fields name.")
    name = _text("Its name, for people.")
    summary = _text("What it means.")
    group = ma.fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The group of dimensions it belongs to, if the toolkit has any."},
    )
    indicators = ma.fields.List(
        ma.fields.Nested(IndicatorSchema),
        required=True,
        metadata={"description": "Its checklist indicators (none for most toolkits)."},
    )


class ScaleLevelSchema(ma.Schema):
    """One labelled point of a scale."""

    value = ma.fields.Integer(required=True, metadata={"description": "The rating's value."})
    label = _text("Its label, for people.")
    summary = _text("What the point means.")
    group = ma.fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The group of points it belongs to, if any."},
    )


class ScaleBandSchema(ma.Schema):
    """A labelled range of totals, both ends included."""

    minimum = ma.fields.Integer(required=True, metadata={"description": "The lowest total."})
    maximum = ma.fields.Integer(required=True, metadata={"description": "The highest total."})
    label = _text("The band's label.")
    summary = _text("What a total in the band means.")


class ScaleSchema(ma.Schema):
    """An ordinal scale that assessments rate dimensions on."""

    key = _text("The scale's key: what an assessment's scale field names.")
    name = _text("Its name, for people.")
    summary = _text("What it measures, and how.")
    provenance = ma.fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Where the scale comes from, if it is adapted from another."},
    )
    levels = ma.fields.List(
        ma.fields.Nested(ScaleLevelSchema),
        required=True,
        metadata={"description": "Its points, lowest first: the values a rating may take."},
    )
    bands = ma.fields.List(
        ma.fields.Nested(ScaleBandSchema),
        required=True,
        metadata={"description": "Labelled ranges of an assessment's total, if any."},
    )


class ActivityTypeSchema(ma.Schema):
    """A kind of activity the toolkit expects."""

    key = _text("The type's key: what an activity's activity_type names.")
    name = _text("Its name, for people.")
    summary = _text("What the activity is.")
    stages = _keys("Keys of the stages it belongs in (empty: any stage).")
    dimensions = _keys("Keys of the dimensions it usually speaks to.")
    evidence_types = _keys("Keys of the evidence types it usually produces.")
    lists_are = _text(
        "What dimensions and evidence_types mean. rules: an activity of this type naming "
        "another dimension, or evidence from it of another type, is refused (422 "
        "dimension_not_for_activity_type, evidence_type_not_for_activity_type). "
        "suggestions: it is kept, and the answer to the write carries advice with the "
        "same code.",
        validate=ma.validate.OneOf([item.value for item in ListsAre]),
    )


class ParticipantRoleSchema(ma.Schema):
    """A role a participant can have: the same in every toolkit."""

    key = _text("The value of a participant's role.")
    label = _text("A short name to show for it.")
    description = _text("What it means, and how to choose it over a similar one.")


class EvidenceTypeSchema(ma.Schema):
    """A kind of evidence the toolkit takes, with the schema its payload must match."""

    key = _text("The type's key: what evidence's evidence_type names.")
    name = _text("Its name, for people.")
    kind = _text(
        "The form it takes, one of the core's kinds.",
        validate=ma.validate.OneOf([kind.value for kind in EvidenceKind]),
    )
    has_file = ma.fields.Boolean(
        required=True,
        metadata={"description": "Whether it carries a file (PUT /evidence/{id}/file)."},
    )
    summary = _text("What it is.")
    stages = _keys("Keys of the stages it is gathered in (empty: any stage).")
    payload_schema = ma.fields.Dict(
        required=True,
        metadata={
            "description": "The JSON Schema (draft 2020-12) its payload must match; also "
            "at GET /toolkits/{key}/evidence-types/{evidence_type}/schema."
        },
    )


class ToolkitSchema(ToolkitSummarySchema):
    roles = ma.fields.List(
        ma.fields.Nested(ParticipantRoleSchema),
        required=True,
        metadata={
            "description": "The roles participants can have, described: the same for every "
            "toolkit, and what its rules and assessments count by."
        },
    )
    stages = ma.fields.List(
        ma.fields.Nested(StageSchema),
        required=True,
        metadata={"description": "Its stages, in order."},
    )
    dimensions = ma.fields.List(
        ma.fields.Nested(DimensionSchema),
        required=True,
        metadata={"description": "What assessments rate and evidence speaks to."},
    )
    scales = ma.fields.List(
        ma.fields.Nested(ScaleSchema),
        required=True,
        metadata={"description": "The scales assessments rate dimensions on."},
    )
    activity_types = ma.fields.List(
        ma.fields.Nested(ActivityTypeSchema),
        required=True,
        metadata={"description": "The kinds of activity it expects."},
    )
    evidence_types = ma.fields.List(
        ma.fields.Nested(EvidenceTypeSchema),
        required=True,
        metadata={"description": "The kinds of evidence it takes."},
    )


class ToolkitListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ToolkitSummarySchema))
    next_cursor = ma.fields.String(allow_none=True, metadata={"description": "Always null."})


class PluginSchema(ma.Schema):
    name = ma.fields.String()
    version = ma.fields.String()
    module = ma.fields.String()
    status = ma.fields.String(metadata={"example": "loaded"})
    toolkits = ma.fields.List(ma.fields.String())
    hooks = ma.fields.List(ma.fields.String())
    rules_for = ma.fields.List(ma.fields.String())


class PluginFailureSchema(ma.Schema):
    name = ma.fields.String()
    status = ma.fields.String(metadata={"example": "failed"})
    phase = ma.fields.String()
    problem = ma.fields.String()


class PluginListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PluginSchema))
    failures = ma.fields.List(
        ma.fields.Nested(PluginFailureSchema),
        metadata={"description": "Plugins that were found but not loaded, and why."},
    )
    next_cursor = ma.fields.String(allow_none=True, metadata={"description": "Always null."})


def _toolkit(key: str) -> Any:
    host = services().host
    try:
        return host.toolkit(key), host.provider_of(key)
    except UnknownToolkitError:
        raise NotFoundError("toolkit", key) from None


@blueprint.route("/toolkits")
@blueprint.response(200, ToolkitListSchema)
@requires(Scope.RECORDS_READ)
def list_toolkits() -> dict[str, Any]:
    """List the toolkits the loaded plugins provide.

    A short list, never paged (next_cursor is always null), with each toolkit's
    attribution and licence note.
    """
    host = services().host
    items = [toolkit_summary_document(t, host.provider_of(t.key)) for t in host.toolkits()]
    return {"items": items, "next_cursor": None}


@blueprint.route("/toolkits/<string:key>")
@blueprint.response(200, ToolkitSchema)
@requires(Scope.RECORDS_READ)
def show_toolkit(key: str) -> dict[str, Any]:
    """Show a toolkit in full: stages, dimensions, scales, activity and evidence types,
    and the participant roles, each with what it means."""
    toolkit, plugin = _toolkit(key)
    return {**toolkit_document(toolkit, plugin), "roles": _roles()}


def _roles() -> list[dict[str, str]]:
    return [
        {"key": role.key.value, "label": role.label, "description": role.description}
        for role in ROLE_DESCRIPTIONS
    ]


@blueprint.route("/toolkits/<string:key>/evidence-types/<string:evidence_type>/schema")
@blueprint.response(200, description="A JSON Schema (draft 2020-12) document.")
@requires(Scope.RECORDS_READ)
def evidence_type_schema(key: str, evidence_type: str) -> dict[str, Any]:
    """The JSON Schema an evidence type's payload must match."""
    toolkit, _plugin = _toolkit(key)
    if toolkit.evidence_type(evidence_type) is None:
        raise NotFoundError("evidence type", f"{key}/{evidence_type}")
    return evidence_payload_schema(toolkit, evidence_type)


@blueprint.route("/plugins")
@blueprint.response(200, PluginListSchema)
@requires(Scope.RECORDS_READ)
def list_plugins() -> dict[str, Any]:
    """List the loaded plugins with their versions, and any that failed to load."""
    host = services().host
    return {
        "items": [plugin_document(p) for p in host.plugins],
        "failures": [failure_document(f) for f in host.failures],
        "next_cursor": None,
    }
