"""Shared fixtures: a clean plugin environment and a small toolkit to bend out of shape."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from toolkits_core import (
    ActivityType,
    Dimension,
    EvidenceKind,
    EvidenceType,
    Indicator,
    Scale,
    ScaleBand,
    ScaleLevel,
    Stage,
    StageFlow,
    Toolkit,
)

PLUGIN_ENV = ("COPROD_PLUGINS", "COPROD_DISABLE_PLUGINS", "COPROD_PLUGINS_STRICT")
SHIPPED_PLUGINS = "coproduction_star,national_standards"


@pytest.fixture(autouse=True)
def clean_plugin_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests see the shipped plugins only, whatever else a developer has installed.

    A developer's own plugin selection must not leak in either; tests about selection pass
    their own environment.
    """
    for name in PLUGIN_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COPROD_PLUGINS", SHIPPED_PLUGINS)


def build_toolkit(**overrides: Any) -> Toolkit:
    """A small, valid toolkit: three stages, two dimensions, one scale with bands."""
    toolkit = Toolkit(
        key="tiny",
        name="Tiny Toolkit",
        version="1.0.0",
        summary="A toolkit made for the tests.",
        publisher="The coprod tests",
        licence="CC0",
        attribution="Made up for coprod's tests.",
        source_url="https://example.org/tiny",
        stage_flow=StageFlow.SEQUENTIAL,
        stages=[
            Stage("first", "First", "Where it starts."),
            Stage("second", "Second", "The middle."),
            Stage("third", "Third", "Where it ends."),
        ],
        dimensions=[
            Dimension(
                "voice",
                "Voice",
                "People are heard.",
                group="citizen voice",
                indicators=[Indicator("voice-heard", "People said what mattered.")],
            ),
            Dimension(
                "action",
                "Action",
                "People act.",
                indicators=[Indicator("action-taken", "People did it.")],
            ),
        ],
        scales=[
            Scale(
                "three-point",
                "Three-point",
                "Low to high.",
                levels=[ScaleLevel(1, "low"), ScaleLevel(2, "middle"), ScaleLevel(3, "high")],
                bands=[ScaleBand(2, 3, "starting"), ScaleBand(4, 6, "going strong")],
                provenance="Made up for the tests.",
            )
        ],
        activity_types=[
            ActivityType(
                "meeting",
                "Meeting",
                "People meet.",
                stages=["first", "second"],
                dimensions=["voice"],
                evidence_types=["note"],
            )
        ],
        evidence_types=[
            EvidenceType("note", "Note", EvidenceKind.NOTE, "A written note."),
            EvidenceType(
                "headcount",
                "Headcount",
                EvidenceKind.METRIC,
                "How many came.",
                payload_schema={
                    "type": "object",
                    "properties": {"people": {"type": "integer", "minimum": 0}},
                    "required": ["people"],
                },
            ),
        ],
    )
    return dataclasses.replace(toolkit, **overrides)


@pytest.fixture
def make_toolkit() -> Callable[..., Toolkit]:
    return build_toolkit
