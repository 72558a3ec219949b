"""The Co-Production Star plugin, tested through the public API as a host would use it."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from typing import Any

import pytest

import plugins.coproduction_star
from plugins.coproduction_star import TOOLKIT
from toolkits_core import (
    ActivityView,
    AssessmentView,
    Consent,
    EvidenceView,
    InitiativeView,
    ParticipantRole,
    ParticipantView,
    PluginHost,
    StageFlow,
    Toolkit,
    check_toolkit,
    default_summary,
    hookimpl,
    load_plugins,
)

KEY = "coproduction-star"
PLUGIN = "coproduction_star"
OTHER_KEY = "another-toolkit"
STAGES = ["map-it", "focus-it", "people-it", "market-it", "grow-it"]
SERVICE_USER = ParticipantView(ParticipantRole.PERSON_USING_SERVICES)
CHARTER = EvidenceView(
    "co-production-charter",
    "market-it",
    {
        "title": "Community cafe charter",
        "roles": "Pupils host, residents choose the menu, staff open up.",
        "responsibilities": "Everyone turns up when rostered or says so in good time.",
        "incentives": "Pupils' hours count towards a volunteering award.",
    },
)


@pytest.fixture
def host() -> PluginHost:
    return PluginHost.of(plugins.coproduction_star)


def at(stage: str, **holdings: Any) -> InitiativeView:
    """An initiative at ``stage``, having passed through every step before it."""
    reached = STAGES[: STAGES.index(stage) + 1]
    return InitiativeView(KEY, stage, reached_stages=reached, **holdings)


def codes(host: PluginHost, initiative: InitiativeView, to_stage: str) -> list[str]:
    return [blocker.code for blocker in host.decide_transition(initiative, to_stage).blockers]


# The definition -----------------------------------------------------------------------


def test_the_definition_passes_the_core_checks() -> None:
    assert check_toolkit(TOOLKIT) == []


def test_the_strict_host_loads_the_plugin_with_its_toolkit_and_hooks(host: PluginHost) -> None:
    assert host.failures == ()
    assert host.toolkit(KEY) is TOOLKIT
    assert host.provider_of(KEY).name == PLUGIN  # its entry-point name, as in production
    assert set(host.provider_of(KEY).hooks) == {
        "coprod_case_study_sections",
        "coprod_register_toolkits",
        "coprod_transition_blockers",
        "coprod_summarise_assessment",
    }


def test_the_installed_entry_point_loads_under_the_name_coproduction_star() -> None:
    host = load_plugins(strict=True, environ={"COPROD_PLUGINS": PLUGIN})
    assert host.provider_of(KEY).name == PLUGIN
    blockers = host.decide_transition(at("people-it"), "market-it").blockers
    assert [(b.code, b.plugin) for b in blockers] == [("no_people_using_services", PLUGIN)]


def test_identity_credits_governance_international_and_keeps_its_rights() -> None:
    assert (TOOLKIT.key, TOOLKIT.version) == (KEY, "1.0.0")
    assert TOOLKIT.publisher == "Governance International"
    assert TOOLKIT.source_url == "https://www.govint.org/our-services/co-production/"
    assert "Governance International" in TOOLKIT.attribution
    assert TOOLKIT.source_url in TOOLKIT.attribution
    assert "copyright Governance International, all rights reserved" in TOOLKIT.licence
    assert "Star graphic" in TOOLKIT.licence


def test_the_five_steps_are_sequential_stages_in_order() -> None:
    assert TOOLKIT.stage_flow is StageFlow.SEQUENTIAL
    assert [stage.key for stage in TOOLKIT.stages] == STAGES
    assert [stage.name for stage in TOOLKIT.stages] == [
        "Map it",
        "Focus it",
        "People it",
        "Market it",
        "Grow it",
    ]
    assert all(stage.guidance.strip() for stage in TOOLKIT.stages)


def test_the_four_cos_are_dimensions_grouped_into_voice_and_action() -> None:
    groups = {dimension.key: dimension.group for dimension in TOOLKIT.dimensions}
    assert groups == {
        "co-commissioning": "citizen voice",
        "co-design": "citizen voice",
        "co-delivery": "citizen action",
        "co-assessment": "citizen voice",
    }
    assert all(3 <= len(dimension.indicators) <= 4 for dimension in TOOLKIT.dimensions)


def test_each_indicator_key_names_its_co() -> None:
    for dimension in TOOLKIT.dimensions:
        for indicator in dimension.indicators:
            assert indicator.key.startswith(dimension.key + "-"), indicator.key


def test_the_scale_says_plainly_it_is_the_projects_own() -> None:
    scale = TOOLKIT.scale("star-self-assessment")
    assert scale is not None
    assert "coprod project's own" in scale.provenance
    assert "publishes no rating scale" in scale.provenance
    assert [level.value for level in scale.levels] == [1, 2, 3, 4, 5]


def test_the_bands_cover_every_total_of_four_ratings_once() -> None:
    scale = TOOLKIT.scale("star-self-assessment")
    assert scale is not None
    for total in range(4, 21):
        assert sum(band.contains(total) for band in scale.bands) == 1, total
    assert scale.band_for(3) is None
    assert scale.band_for(21) is None


def test_every_step_has_activity_types_that_fit_it() -> None:
    for stage in STAGES:
        fitting = [a for a in TOOLKIT.activity_types if stage in a.stages]
        assert len(fitting) >= 2, stage
    assert all(a.stages and a.dimensions and a.evidence_types for a in TOOLKIT.activity_types)


def test_every_description_is_written() -> None:
    texts: list[str] = [TOOLKIT.summary, TOOLKIT.licence, TOOLKIT.attribution]
    for stage in TOOLKIT.stages:
        texts += [stage.summary, stage.guidance]
    for dimension in TOOLKIT.dimensions:
        texts += [dimension.summary, *(indicator.text for indicator in dimension.indicators)]
    for scale in TOOLKIT.scales:
        texts += [scale.summary, scale.provenance]
        texts += [level.summary for level in scale.levels]
        texts += [band.summary for band in scale.bands]
    texts += [activity.summary for activity in TOOLKIT.activity_types]
    texts += [evidence.summary for evidence in TOOLKIT.evidence_types]
    assert all(text.strip() for text in texts)


# Transitions ---------------------------------------------------------------------------


def test_the_flow_refuses_going_back(host: PluginHost) -> None:
    decision = host.decide_transition(at("people-it"), "focus-it")
    assert not decision.allowed
    assert [(b.code, b.plugin) for b in decision.blockers] == [("no_going_back", "core")]


def test_the_flow_refuses_skipping_a_step(host: PluginHost) -> None:
    decision = host.decide_transition(at("map-it"), "people-it")
    assert not decision.allowed
    assert [(b.code, b.plugin) for b in decision.blockers] == [("stage_skipped", "core")]


def test_leaving_map_it_needs_a_mapping_activity(host: PluginHost) -> None:
    blockers = host.decide_transition(at("map-it"), "focus-it").blockers
    assert [(b.code, b.plugin) for b in blockers] == [("no_mapping_recorded", PLUGIN)]
    assert "Record at least one activity in Map it" in blockers[0].message

    mapped = at("map-it", activities=[ActivityView("co-production-mapping-session", "map-it")])
    assert host.decide_transition(mapped, "focus-it").allowed


def test_leaving_focus_it_needs_the_focus_written_down(host: PluginHost) -> None:
    workshop_only = at("focus-it", activities=[ActivityView("prioritisation-workshop", "focus-it")])
    blockers = host.decide_transition(workshop_only, "people-it").blockers
    assert [(b.code, b.plugin) for b in blockers] == [("no_focus_recorded", PLUGIN)]

    decided = EvidenceView("session-notes", "focus-it", {"text": "We chose the cafe."})
    assert host.decide_transition(at("focus-it", evidence=[decided]), "people-it").allowed


def test_evidence_from_map_it_does_not_count_as_the_focus(host: PluginHost) -> None:
    earlier = EvidenceView("session-notes", "map-it", {"text": "Who does what today."})
    assert codes(host, at("focus-it", evidence=[earlier]), "people-it") == ["no_focus_recorded"]


def test_leaving_people_it_needs_a_person_using_services(host: PluginHost) -> None:
    staff_only = at("people-it", participants=[ParticipantView(ParticipantRole.PROFESSIONAL)])
    blockers = host.decide_transition(staff_only, "market-it").blockers
    assert [(b.code, b.plugin) for b in blockers] == [("no_people_using_services", PLUGIN)]

    with_user = at("people-it", participants=[*staff_only.participants, SERVICE_USER])
    assert host.decide_transition(with_user, "market-it").allowed


@pytest.mark.parametrize("consent", [Consent.NOT_RECORDED, Consent.WITHDRAWN])
def test_a_person_without_consent_given_does_not_count(host: PluginHost, consent: Consent) -> None:
    person = ParticipantView(ParticipantRole.PERSON_USING_SERVICES, consent)
    assert codes(host, at("people-it", participants=[person]), "market-it") == [
        "no_people_using_services"
    ]


def test_leaving_market_it_needs_a_charter_and_still_people_using_services(
    host: PluginHost,
) -> None:
    assert codes(host, at("market-it"), "grow-it") == [
        "no_people_using_services",
        "no_co_production_charter",
    ]
    notes_only = EvidenceView("session-notes", "market-it", {"text": "Talked about a charter."})
    held = at("market-it", participants=[SERVICE_USER], evidence=[notes_only])
    assert codes(host, held, "grow-it") == ["no_co_production_charter"]

    chartered = at("market-it", participants=[SERVICE_USER], evidence=[CHARTER])
    assert host.decide_transition(chartered, "grow-it").allowed


def test_a_whole_journey_passes_every_gate_once_its_trace_is_recorded(
    host: PluginHost,
) -> None:
    activities: list[ActivityView] = []
    evidence: list[EvidenceView] = []
    participants: list[ParticipantView] = []
    for here, there in itertools.pairwise(STAGES):
        held = {"activities": activities, "evidence": evidence, "participants": participants}
        assert not host.decide_transition(at(here, **held), there).allowed, here
        if here == "map-it":
            activities.append(ActivityView("asset-mapping-walk", "map-it"))
        elif here == "focus-it":
            evidence.append(EvidenceView("document", "focus-it", {"title": "Our focus"}))
        elif here == "people-it":
            participants.append(SERVICE_USER)
        else:
            evidence.append(CHARTER)
        decision = host.decide_transition(at(here, **held), there)
        assert decision.allowed, (here, decision.blockers)


# Evidence --------------------------------------------------------------------------------


def test_a_complete_charter_is_accepted(host: PluginHost) -> None:
    assert host.check_evidence(CHARTER, toolkit=KEY, initiative=at("market-it")) == []


def test_a_charter_for_a_step_not_yet_reached_is_refused_by_the_core(host: PluginHost) -> None:
    [problem] = host.check_evidence(CHARTER, toolkit=KEY, initiative=at("people-it"))
    assert (problem.code, problem.field, problem.plugin) == ("stage_not_reached", "stage", "core")
    assert "Market it" in problem.message


def test_the_star_runs_once_so_a_second_cycle_is_refused_by_the_core(host: PluginHost) -> None:
    second = dataclasses.replace(CHARTER, cycle=2)
    [problem] = host.check_evidence(second, toolkit=KEY, initiative=at("market-it"))
    assert (problem.code, problem.field, problem.plugin) == ("cycle_not_reached", "cycle", "core")


def test_a_charter_must_say_roles_responsibilities_and_incentives(host: PluginHost) -> None:
    title_only = EvidenceView("co-production-charter", "market-it", {"title": "Charter"})
    problems = host.check_evidence(title_only, toolkit=KEY)
    assert {p.code for p in problems} == {"invalid_payload"}
    messages = " ".join(p.message for p in problems)
    for part in ("roles", "responsibilities", "incentives"):
        assert part in messages


def test_an_attendance_count_uses_the_standard_metric_payload(host: PluginHost) -> None:
    count = EvidenceView(
        "metric",
        "grow-it",
        {"name": "attendance", "value": 23, "unit": "people"},
        dimensions=["co-delivery"],
        activity_type="co-delivered-activity",
    )
    assert host.check_evidence(count, toolkit=KEY) == []
    wordy = dataclasses.replace(count, payload={"name": "attendance", "value": "lots"})
    assert [p.field for p in host.check_evidence(wordy, toolkit=KEY)] == ["payload/value"]


def test_an_indicator_needs_its_co_tagged_which_the_core_checks(host: PluginHost) -> None:
    quote = EvidenceView(
        "participant-quote",
        "people-it",
        {"text": "They changed the walk route after we tried it."},
        dimensions=["co-delivery"],
        indicators=[
            "co-delivery-citizens-do-part-of-the-work",
            "co-design-ideas-tested-with-users",
        ],
    )
    problems = host.check_evidence(quote, toolkit=KEY, initiative=at("people-it"))
    assert [(p.code, p.field, p.plugin) for p in problems] == [
        ("indicator_dimension_not_tagged", "indicators/1", "core")
    ]
    assert "'co-design'" in problems[0].message

    tagged = dataclasses.replace(quote, dimensions=["co-delivery", "co-design"])
    assert host.check_evidence(tagged, toolkit=KEY, initiative=at("people-it")) == []


def test_evidence_from_an_activity_must_be_in_one_of_its_steps(host: PluginHost) -> None:
    too_early = EvidenceView(
        "metric",
        "people-it",
        {"name": "attendance", "value": 12},
        dimensions=["co-delivery"],
        activity_type="co-delivered-activity",  # Market it and Grow it only
    )
    problems = host.check_evidence(too_early, toolkit=KEY, initiative=at("people-it"))
    assert [(p.code, p.field, p.plugin) for p in problems] == [
        ("activity_type_not_in_stage", "stage", "core")
    ]
    in_market_it = dataclasses.replace(too_early, stage="market-it")
    assert host.check_evidence(in_market_it, toolkit=KEY, initiative=at("market-it")) == []


# Assessment summary ----------------------------------------------------------------------


def assessment(
    perspective: ParticipantRole = ParticipantRole.PERSON_USING_SERVICES, **ratings: int
) -> AssessmentView:
    keys = {name: name.replace("_", "-") for name in ratings}
    return AssessmentView(
        "star-self-assessment", perspective, {keys[n]: v for n, v in ratings.items()}
    )


def test_a_full_assessment_is_banded_and_compares_voice_with_action(host: PluginHost) -> None:
    rated = assessment(co_commissioning=4, co_design=4, co_assessment=3, co_delivery=2)
    summary = host.summarise_assessment(rated, toolkit=KEY)
    assert summary.summarised_by == PLUGIN
    assert (summary.total, summary.band) == (13, "Co-production taking hold")
    assert summary.lowest == ("co-delivery",)
    assert summary.unrated == ()
    assert not any(note.startswith("Not rated") for note in summary.notes)
    assert any(
        note.startswith("Citizen voice is ahead of citizen action") for note in summary.notes
    )


def test_action_ahead_of_voice_is_noted(host: PluginHost) -> None:
    rated = assessment(co_commissioning=1, co_design=2, co_assessment=1, co_delivery=5)
    notes = host.summarise_assessment(rated, toolkit=KEY).notes
    assert any(note.startswith("Citizen action is ahead of citizen voice") for note in notes)


def test_level_voice_and_action_are_noted_as_level(host: PluginHost) -> None:
    rated = assessment(co_commissioning=3, co_design=3, co_assessment=3, co_delivery=3)
    notes = host.summarise_assessment(rated, toolkit=KEY).notes
    assert any("about level" in note for note in notes)


def test_a_partial_assessment_gets_no_band(host: PluginHost) -> None:
    rated = assessment(co_design=5, co_delivery=5, co_assessment=5)
    summary = host.summarise_assessment(rated, toolkit=KEY)
    assert summary.total == 15
    assert summary.band is None  # 15 of a possible 15 is not "taking hold" of 20
    assert "taking hold" not in summary.headline
    assert summary.unrated == ("co-commissioning",)
    assert any(note.startswith("Not rated: Co-commissioning.") for note in summary.notes)


def test_a_professionals_view_is_flagged_as_only_one_side(host: PluginHost) -> None:
    own_view = assessment(ParticipantRole.PROFESSIONAL, co_design=3, co_delivery=3)
    notes = host.summarise_assessment(own_view, toolkit=KEY).notes
    assert any("professional's view" in note for note in notes)
    users_view = assessment(co_design=3, co_delivery=3)
    users_notes = host.summarise_assessment(users_view, toolkit=KEY).notes
    assert not any("judge too" in note for note in users_notes)


# Another toolkit -------------------------------------------------------------------------


class AnotherPlugin:
    """A second plugin providing a toolkit of the Star's shape under another key."""

    @hookimpl
    def coprod_register_toolkits(self, register: Callable[[Toolkit], None]) -> None:
        register(dataclasses.replace(TOOLKIT, key=OTHER_KEY))


@pytest.fixture
def shared_host() -> PluginHost:
    """The Star beside another plugin's toolkit, as in an installation with both."""
    return PluginHost.of(plugins.coproduction_star, AnotherPlugin())


def elsewhere(stage: str, **holdings: Any) -> InitiativeView:
    """Like ``at``, but an initiative run with the other plugin's toolkit."""
    return dataclasses.replace(at(stage, **holdings), toolkit=OTHER_KEY)


def test_both_toolkits_load_each_from_its_own_plugin(shared_host: PluginHost) -> None:
    assert shared_host.failures == ()
    assert shared_host.provider_of(KEY).name == PLUGIN
    assert shared_host.provider_of(OTHER_KEY).name == "AnotherPlugin"


@pytest.mark.parametrize(("here", "there"), list(itertools.pairwise(STAGES)))
def test_the_star_gates_no_step_of_another_toolkit(
    shared_host: PluginHost, here: str, there: str
) -> None:
    """Every Star gate is shut for a bare Star initiative, and none for the other toolkit's."""
    assert codes(shared_host, at(here), there) != []
    assert shared_host.decide_transition(elsewhere(here), there).allowed


def test_the_other_toolkit_still_gets_the_cores_blockers(shared_host: PluginHost) -> None:
    back = shared_host.decide_transition(elsewhere("people-it"), "focus-it")
    assert [(b.code, b.plugin) for b in back.blockers] == [("no_going_back", "core")]
    skip = shared_host.decide_transition(elsewhere("map-it"), "people-it")
    assert [(b.code, b.plugin) for b in skip.blockers] == [("stage_skipped", "core")]


def test_the_star_does_not_summarise_another_toolkits_assessment(
    shared_host: PluginHost,
) -> None:
    rated = assessment(ParticipantRole.PROFESSIONAL, co_design=5, co_delivery=1)
    ours = shared_host.summarise_assessment(rated, toolkit=KEY)
    assert ours.summarised_by == PLUGIN
    assert ours.notes != ()

    theirs = shared_host.summarise_assessment(rated, toolkit=OTHER_KEY)
    other = shared_host.toolkit(OTHER_KEY)
    scale = other.scale("star-self-assessment")
    assert scale is not None
    assert (theirs.summarised_by, theirs.notes) == ("core", ())
    assert theirs == default_summary(other, scale, rated)
