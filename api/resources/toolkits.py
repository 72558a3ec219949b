"""Toolkits and plugins, read-only: what the loaded plugins provide."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint

from api.auth import requires
from api.context import services
from toolkits_core import (
    ListsAre,
    UnknownToolkitError,
    evidence_payload_schema,
    failure_document,
    plugin_document,
    toolkit_document,
    toolkit_summary_document,
)
from toolkits_core.service import ROLE_DESCRIPTIONS, NotFoundError, Scope

blueprint = Blueprint(
    "toolkits",
    __name__,
    url_prefix="/api/v1",
    description="The toolkits the loaded plugins provide, and the plugins themselves.",
)


class ToolkitSummarySchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    key = ma.fields.String()
    name = ma.fields.String()
    version = ma.fields.String()
    summary = ma.fields.String()
    publisher = ma.fields.String()
    licence = ma.fields.String()
    licence_id = ma.fields.String(
        allow_none=True,
        metadata={"description": "The licence's SPDX identifier, such as CC-BY-4.0."},
    )
    attribution = ma.fields.String()
    adapted_from = ma.fields.String(
        allow_none=True,
        metadata={"description": "What the toolkit was adapted from, and how (as CC BY asks)."},
    )
    source_url = ma.fields.String()
    stage_flow = ma.fields.String()
    allows_new_rounds = ma.fields.Boolean(
        metadata={
            "description": "Whether an initiative at the last stage may start a new round at "
            "the first (POST .../transitions with new_round true), keeping earlier rounds."
        }
    )
    counts = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    plugin = ma.fields.Dict()


class ParticipantRoleSchema(ma.Schema):
    """A role a participant can have: the same in every toolkit."""

    key = ma.fields.String(metadata={"description": "The value of a participant's role."})
    label = ma.fields.String(metadata={"description": "A short name to show for it."})
    description = ma.fields.String(
        metadata={"description": "What it means, and how to choose it over a similar one."}
    )


class ActivityTypeSchema(ma.Schema):
    key = ma.fields.String(metadata={"description": "What activities give as activity_type."})
    name = ma.fields.String()
    summary = ma.fields.String()
    stages = ma.fields.List(
        ma.fields.String(), metadata={"description": "Stage keys it fits; empty: any stage."}
    )
    dimensions = ma.fields.List(
        ma.fields.String(),
        metadata={"description": "Dimension keys it speaks to; empty: no list."},
    )
    evidence_types = ma.fields.List(
        ma.fields.String(),
        metadata={"description": "Evidence type keys it produces; empty: no list."},
    )
    lists_are = ma.fields.String(
        validate=ma.validate.OneOf([item.value for item in ListsAre]),
        metadata={
            "description": "What dimensions and evidence_types mean. rules: an activity of "
            "this type naming another dimension, or evidence from it of another type, is "
            "refused (422 dimension_not_for_activity_type, "
            "evidence_type_not_for_activity_type). suggestions: it is kept, and the answer "
            "to the write carries advice with the same code.",
            "enum": [item.value for item in ListsAre],
        },
    )


class RequirementSchema(ma.Schema):
    key = ma.fields.String(metadata={"description": "Stable within the stage."})
    text = ma.fields.String(metadata={"description": "What is needed, in the toolkit's words."})
    checked = ma.fields.Boolean(
        metadata={
            "description": "Whether a rule of the toolkit checks it before the initiative "
            "leaves the stage (progress then says whether it is met)."
        }
    )


class StageSchema(ma.Schema):
    key = ma.fields.String()
    name = ma.fields.String()
    summary = ma.fields.String()
    guidance = ma.fields.String()
    position = ma.fields.Integer(metadata={"description": "1 for the first stage."})
    requirements = ma.fields.List(
        ma.fields.Nested(RequirementSchema),
        metadata={"description": "What the stage needs before an initiative leaves it."},
    )


class ToolkitSchema(ToolkitSummarySchema):
    roles = ma.fields.List(
        ma.fields.Nested(ParticipantRoleSchema),
        metadata={
            "description": "The roles participants can have, described: the same for every "
            "toolkit, and what its rules and assessments count by."
        },
    )
    stages = ma.fields.List(ma.fields.Nested(StageSchema))
    dimensions = ma.fields.List(ma.fields.Dict())
    scales = ma.fields.List(ma.fields.Dict())
    activity_types = ma.fields.List(ma.fields.Nested(ActivityTypeSchema))
    evidence_types = ma.fields.List(ma.fields.Dict())


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
