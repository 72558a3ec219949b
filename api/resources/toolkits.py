"""Toolkits and plugins, read-only: what the loaded plugins provide."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint

from api.auth import requires
from api.context import services
from toolkits_core import (
    UnknownToolkitError,
    evidence_payload_schema,
    failure_document,
    plugin_document,
    toolkit_document,
    toolkit_summary_document,
)
from toolkits_core.service import NotFoundError, Scope

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
    stages = ma.fields.List(ma.fields.Nested(StageSchema))
    dimensions = ma.fields.List(ma.fields.Dict())
    scales = ma.fields.List(ma.fields.Dict())
    activity_types = ma.fields.List(ma.fields.Dict())
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
    """Show a toolkit in full: stages, dimensions, scales, activity and evidence types."""
    toolkit, plugin = _toolkit(key)
    return toolkit_document(toolkit, plugin)


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
