"""Toolkits and plugins as plain JSON-ready documents, for the CLI and the HTTP API.

One place decides the published shape, so ``coprod toolkits show --json`` and the API
never drift apart.
"""

from __future__ import annotations

from typing import Any

from toolkits_core._evidence_kinds import JSON_SCHEMA_DIALECT
from toolkits_core._host import PluginInfo
from toolkits_core._plugin_errors import PluginFailure
from toolkits_core._vocabulary import Scale, StageFlow, Toolkit

STAGE_FLOW_EXPLANATIONS = {
    StageFlow.SEQUENTIAL: "forward one stage at a time; no going back",
    StageFlow.REVISITABLE: "forward one stage at a time; back to any stage already reached",
    StageFlow.CYCLIC: "forward one stage at a time; after the last, a new cycle begins",
    StageFlow.ITERATIVE: (
        "forward one stage at a time; back to any earlier stage of the round; after the "
        "last, a new round begins"
    ),
}


def toolkit_summary_document(toolkit: Toolkit, plugin: PluginInfo | None = None) -> dict[str, Any]:
    """Identity, attribution and counts: what a list of toolkits shows."""
    document: dict[str, Any] = {
        "key": toolkit.key,
        "name": toolkit.name,
        "version": toolkit.version,
        "summary": toolkit.summary,
        "publisher": toolkit.publisher,
        "licence": toolkit.licence,
        "licence_id": toolkit.licence_id or None,
        "attribution": toolkit.attribution,
        "adapted_from": toolkit.adapted_from or None,
        "source_url": toolkit.source_url,
        "stage_flow": toolkit.stage_flow.value,
        "allows_new_rounds": toolkit.has_rounds(),
        "counts": {
            "stages": len(toolkit.stages),
            "dimensions": len(toolkit.dimensions),
            "scales": len(toolkit.scales),
            "activity_types": len(toolkit.activity_types),
            "evidence_types": len(toolkit.evidence_types),
        },
    }
    if plugin is not None:
        document["plugin"] = {"name": plugin.name, "version": plugin.version}
    return document


def toolkit_document(toolkit: Toolkit, plugin: PluginInfo | None = None) -> dict[str, Any]:
    """The whole toolkit definition, including each evidence type's payload schema."""
    document = toolkit_summary_document(toolkit, plugin)
    document["stages"] = [
        {
            "key": s.key,
            "name": s.name,
            "summary": s.summary,
            "guidance": s.guidance,
            "position": i + 1,
            "requirements": [
                {"key": r.key, "text": r.text, "checked": r.checked} for r in s.requirements
            ],
        }
        for i, s in enumerate(toolkit.stages)
    ]
    document["dimensions"] = [
        {
            "key": d.key,
            "name": d.name,
            "summary": d.summary,
            "group": d.group or None,
            "indicators": [{"key": i.key, "text": i.text} for i in d.indicators],
        }
        for d in toolkit.dimensions
    ]
    document["scales"] = [scale_document(scale) for scale in toolkit.scales]
    document["activity_types"] = [
        {
            "key": a.key,
            "name": a.name,
            "summary": a.summary,
            "stages": list(a.stages),
            "dimensions": list(a.dimensions),
            "evidence_types": list(a.evidence_types),
            "lists_are": a.lists_are.value,
        }
        for a in toolkit.activity_types
    ]
    document["evidence_types"] = [
        {
            "key": e.key,
            "name": e.name,
            "kind": e.kind.value,
            "has_file": e.kind.has_file,
            "summary": e.summary,
            "stages": list(e.stages),
            "payload_schema": e.json_schema(),
        }
        for e in toolkit.evidence_types
    ]
    return document


def scale_document(scale: Scale) -> dict[str, Any]:
    return {
        "key": scale.key,
        "name": scale.name,
        "summary": scale.summary,
        "provenance": scale.provenance or None,
        "levels": [
            {"value": v.value, "label": v.label, "summary": v.summary, "group": v.group or None}
            for v in scale.levels
        ],
        "bands": [
            {"minimum": b.minimum, "maximum": b.maximum, "label": b.label, "summary": b.summary}
            for b in scale.bands
        ],
    }


def evidence_payload_schema(toolkit: Toolkit, evidence_type: str) -> dict[str, Any]:
    """A standalone JSON Schema document for one evidence type's payload.

    Raises ``KeyError`` when the toolkit has no such evidence type.
    """
    definition = toolkit.evidence_type(evidence_type)
    if definition is None:
        raise KeyError(evidence_type)
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": f"{toolkit.name}: {definition.name} payload",
        "description": definition.summary,
        **definition.json_schema(),
    }


def plugin_document(plugin: PluginInfo) -> dict[str, Any]:
    return {
        "name": plugin.name,
        "version": plugin.version,
        "module": plugin.module,
        "status": "loaded",
        "toolkits": list(plugin.toolkits),
        "rules_for": list(plugin.rules_for),
        "hooks": list(plugin.hooks),
    }


def failure_document(failure: PluginFailure) -> dict[str, Any]:
    return {
        "name": failure.plugin,
        "status": "failed",
        "phase": failure.phase,
        "problem": failure.message,
    }
