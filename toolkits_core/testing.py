"""coprod's pytest plugin for plugin authors: the plugin under test, in a host of its own.

Installed with coprod and loaded by pytest through the ``pytest11`` entry point, so a
plugin's tests need no conftest to get these fixtures:

- ``coprod_plugin``: the plugin under test, as ``(entry-point name, plugin)``. By default
  the installed plugin named by ``--coprod-plugin NAME`` or the ini option
  ``coprod_plugin``; override the fixture to give it directly.
- ``coprod_host``: a strict ``PluginHost`` holding only that plugin.
- ``coprod_toolkit``: the toolkit it provides (the first, if it provides several).
- ``coprod_views``: builders of views with the toolkit's defaults (``ViewBuilder``).
- ``coprod_walk``: walks a view through the stages and asserts blockers (``Walker``).

The HTTP side (an app on a fresh database, with an organisation and a key of each scope)
is ``coprod_client``, in ``api.testing``: it needs the Flask app, which the core never
imports.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pytest

from toolkits_core._discovery import ENTRY_POINT_GROUP
from toolkits_core._host import PluginHost
from toolkits_core._outcomes import TransitionDecision
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

OPTION = "coprod_plugin"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(OPTION, "entry-point name of the coprod plugin under test", default="")
    parser.addoption(
        "--coprod-plugin", dest=OPTION, default=None, help="the coprod plugin under test"
    )


@pytest.fixture
def coprod_plugin(request: pytest.FixtureRequest) -> tuple[str, object]:
    """The installed plugin named by ``--coprod-plugin`` or the ini option ``coprod_plugin``."""
    name = request.config.getoption(OPTION) or request.config.getini(OPTION)
    if not name:
        raise pytest.UsageError(
            "coprod's pytest plugin needs the plugin under test: set coprod_plugin = <its "
            "entry-point name> in your pytest configuration, pass --coprod-plugin, or "
            "override the coprod_plugin fixture to return (name, plugin)."
        )
    found = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP, name=str(name))
    if not found:
        raise pytest.UsageError(
            f"no installed coprod plugin is named {name!r} (entry-point group "
            f"{ENTRY_POINT_GROUP!r}): pip install your plugin first (pip install -e .)."
        )
    (entry_point,) = found
    return str(name), entry_point.load()


@pytest.fixture
def coprod_host(coprod_plugin: object) -> PluginHost:
    """A strict host with only the plugin under test: a broken plugin fails here, by name."""
    return PluginHost.of(coprod_plugin)


@pytest.fixture
def coprod_toolkit(coprod_host: PluginHost) -> Toolkit:
    """The toolkit the plugin under test provides (the first by key, if several)."""
    toolkits = coprod_host.toolkits()
    if not toolkits:
        pytest.fail("the plugin under test registers no toolkit (coprod_register_toolkits)")
    return toolkits[0]


@dataclasses.dataclass(frozen=True)
class ViewBuilder:
    """Views of one toolkit with its defaults filled in: the first stage, cycle 1.

    Every method takes the view's own fields as keywords, so a test says only what
    matters to the rule it tests.
    """

    toolkit: Toolkit

    def initiative(self, stage: str | None = None, **fields: Any) -> InitiativeView:
        """An initiative of the toolkit, at ``stage`` (by default its first)."""
        return InitiativeView(self.toolkit.key, stage or self.toolkit.stages[0].key, **fields)

    def participant(
        self,
        role: ParticipantRole = ParticipantRole.PERSON_USING_SERVICES,
        consent: Consent = Consent.GIVEN,
        **fields: Any,
    ) -> ParticipantView:
        return ParticipantView(role, consent, **fields)

    def activity(
        self, activity_type: str | None = None, stage: str | None = None, **fields: Any
    ) -> ActivityView:
        """An activity of ``activity_type`` (by default the toolkit's first) in ``stage``."""
        kind = activity_type or self.toolkit.activity_types[0].key
        return ActivityView(kind, stage or self.toolkit.stages[0].key, **fields)

    def evidence(
        self,
        evidence_type: str | None = None,
        stage: str | None = None,
        payload: Mapping[str, Any] | None = None,
        **fields: Any,
    ) -> EvidenceView:
        """Evidence of ``evidence_type`` (by default the toolkit's first) in ``stage``."""
        kind = evidence_type or self.toolkit.evidence_types[0].key
        stage = stage or self.toolkit.stages[0].key
        return EvidenceView(kind, stage, dict(payload or {}), **fields)

    def assessment(
        self,
        ratings: Mapping[str, int],
        scale: str | None = None,
        perspective: ParticipantRole = ParticipantRole.PERSON_USING_SERVICES,
        **fields: Any,
    ) -> AssessmentView:
        """An assessment on ``scale`` (by default the toolkit's first)."""
        return AssessmentView(scale or self.toolkit.scales[0].key, perspective, ratings, **fields)


@pytest.fixture
def coprod_views(coprod_toolkit: Toolkit) -> ViewBuilder:
    return ViewBuilder(coprod_toolkit)


@dataclasses.dataclass(frozen=True)
class Walker:
    """Moves views through a toolkit's stages as the application would, asserting each step."""

    host: PluginHost

    def move(self, initiative: InitiativeView, to_stage: str) -> InitiativeView:
        """The initiative after a move the host must allow (fails the test with the
        blockers if it does not)."""
        decision = self.host.decide_transition(initiative, to_stage)
        blockers = [f"{b.code} ({b.plugin}): {b.message}" for b in decision.blockers]
        assert decision.allowed, f"moving to {to_stage!r} was blocked: {blockers}"
        assert decision.transition is not None
        return dataclasses.replace(
            initiative,
            stage=to_stage,
            cycle=decision.transition.cycle,
            reached_stages=(*initiative.reached_stages, to_stage),
        )

    def through(self, initiative: InitiativeView, stages: Iterable[str]) -> InitiativeView:
        """The initiative after each move in turn."""
        for stage in stages:
            initiative = self.move(initiative, stage)
        return initiative

    def assert_blocked(
        self, initiative: InitiativeView, to_stage: str, *codes: str
    ) -> TransitionDecision:
        """Assert the move is refused with exactly these blocker codes (any order)."""
        decision = self.host.decide_transition(initiative, to_stage)
        assert not decision.allowed, f"moving to {to_stage!r} was allowed"
        found: Sequence[str] = sorted(blocker.code for blocker in decision.blockers)
        assert found == sorted(codes), f"blockers {found}, expected {sorted(codes)}"
        return decision


@pytest.fixture
def coprod_walk(coprod_host: PluginHost) -> Walker:
    return Walker(coprod_host)
