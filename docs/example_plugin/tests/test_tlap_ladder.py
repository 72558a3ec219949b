"""Tests a plugin author writes: the plugin in a host of its own, hook by hook, then over HTTP.

Run them with the plugin installed (``pip install .``), so that it has its entry-point name.
The ``coprod_*`` fixtures come from coprod's pytest plugin; ``coprod_plugin = "tlap_ladder"``
in pyproject.toml says which plugin is under test.
"""

from collections.abc import Callable
from dataclasses import replace

import coprod_toolkit_tlap_ladder as plugin
import pytest
from coprod_toolkit_tlap_ladder import TOOLKIT

from api.testing import CoprodClient
from toolkits_core import (
    AssessmentView,
    InitiativeView,
    ParticipantRole,
    PluginHost,
    Toolkit,
    check_toolkit,
    hookimpl,
)

PLUGIN_NAME = "tlap_ladder"  # the entry-point name: tests see the name production does
BLOCKER = "no_rating_from_people_using_services"


def rating(perspective: ParticipantRole, **ratings: int) -> AssessmentView:
    return AssessmentView(
        "ladder", perspective, {k.replace("_", "-"): v for k, v in ratings.items()}
    )


@pytest.fixture
def host(coprod_host: PluginHost) -> PluginHost:
    """A strict host holding only this plugin, under its entry-point name."""
    return coprod_host


def test_the_toolkit_definition_passes_the_hosts_checks() -> None:
    assert check_toolkit(TOOLKIT) == []


def test_the_plugin_loads_and_registers_the_ladder(host: PluginHost) -> None:
    assert host.failures == ()
    assert host.toolkit("tlap-ladder") is TOOLKIT
    [info] = host.plugins
    assert info.toolkits == ("tlap-ladder",)
    assert info.rules_for == ()  # no RULES_FOR: asked only about its own toolkit
    assert "coprod_transition_blockers" in info.hooks


def test_leaving_the_first_stage_needs_a_rating_from_people_using_services(
    host: PluginHost,
) -> None:
    staff_only = InitiativeView(
        "tlap-ladder",
        "where-are-we",
        assessments=[rating(ParticipantRole.PROFESSIONAL, sharing_power=4)],
    )
    decision = host.decide_transition(staff_only, "plan-the-climb")
    assert not decision.allowed
    assert [(b.code, b.plugin) for b in decision.blockers] == [(BLOCKER, PLUGIN_NAME)]


def test_a_rating_from_people_using_services_lifts_the_blocker(host: PluginHost) -> None:
    rated = InitiativeView(
        "tlap-ladder",
        "where-are-we",
        assessments=[rating(ParticipantRole.PERSON_USING_SERVICES, sharing_power=3)],
    )
    assert host.decide_transition(rated, "plan-the-climb").allowed


def test_later_moves_and_revisits_are_not_blocked(host: PluginHost) -> None:
    at_review = InitiativeView(
        "tlap-ladder", "review", reached_stages=["where-are-we", "plan-the-climb"]
    )
    assert host.decide_transition(at_review, "where-are-we").allowed
    assert host.decide_transition(replace(at_review, stage="plan-the-climb"), "review").allowed


def test_the_summary_notes_a_mean_below_engagement(host: PluginHost) -> None:
    low = rating(ParticipantRole.PERSON_USING_SERVICES, sharing_power=3, valuing_experience=4)
    summary = host.summarise_assessment(low, toolkit="tlap-ladder")
    assert summary.summarised_by == PLUGIN_NAME
    assert summary.mean == 3.5
    assert summary.lowest == ("sharing-power",)
    assert any("not yet co-production" in note for note in summary.notes)


def test_the_summary_adds_no_note_from_engagement_up(host: PluginHost) -> None:
    high = rating(ParticipantRole.PERSON_USING_SERVICES, sharing_power=5, valuing_experience=6)
    summary = host.summarise_assessment(high, toolkit="tlap-ladder")
    assert summary.summarised_by == PLUGIN_NAME
    assert summary.notes == ()


class AnotherToolkitPlugin:
    """A second plugin in the same host, with a toolkit of its own."""

    @hookimpl
    def coprod_register_toolkits(self, register: Callable[[Toolkit], None]) -> None:
        register(replace(TOOLKIT, key="another-ladder", name="Another ladder"))


def test_the_host_asks_the_plugin_only_about_its_own_toolkit() -> None:
    host = PluginHost.of((PLUGIN_NAME, plugin), AnotherToolkitPlugin())
    unrated = InitiativeView("another-ladder", "where-are-we")
    assert host.decide_transition(unrated, "plan-the-climb").allowed
    low = rating(ParticipantRole.PROFESSIONAL, sharing_power=1)
    assert host.summarise_assessment(low, toolkit="another-ladder").summarised_by == "core"


def test_a_team_climbs_the_ladder_over_http(coprod_client: CoprodClient) -> None:
    api = coprod_client
    initiative = api.start("Day services review")
    api.assert_blocked(initiative, "plan-the-climb", BLOCKER)
    api.created(
        f"initiatives/{initiative}/assessments",
        {
            "scale": "ladder",
            "perspective": "person_using_services",
            "ratings": {"sharing-power": 3},
        },
    )
    api.move(initiative, "plan-the-climb", "review")
    assert api.progress(initiative)["stage"] == "review"
