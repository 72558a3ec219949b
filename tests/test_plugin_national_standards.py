"""The built-in National Standards for Community Engagement plugin, as its users rely on it.

The host is built through the public API exactly as a plugin author's own tests would
build it, and initiatives are walked round the Analyse-Plan-Do-Review cycle through
``PluginHost.decide_transition``, so each rule is seen doing what it is for. Evidence and
assessments are checked by the host before they join an initiative, as an application
would check them before storing them.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

import plugins.national_standards as national_standards
import toolkits_core
from plugins.national_standards.toolkit import TOOLKIT
from toolkits_core import (
    AssessmentView,
    EvidenceView,
    InitiativeView,
    ParticipantRole,
    PluginHost,
    StageFlow,
    Toolkit,
    Transition,
    TransitionKind,
    hookimpl,
    load_plugins,
)

KEY = "national-standards"
PLUGIN = "national_standards"
"""The plugin's entry-point name, which the host stamps on every blocker and problem."""
OTHER_KEY = "someone-elses-standards"
SEVEN_STANDARDS = [
    "inclusion",
    "support",
    "planning",
    "working-together",
    "methods",
    "communication",
    "impact",
]


class SomeoneElsesStandards:
    """A second plugin whose toolkit has the same shape under another key."""

    @hookimpl
    def coprod_register_toolkits(self, register: Callable[[Toolkit], None]) -> None:
        register(dataclasses.replace(TOOLKIT, key=OTHER_KEY, name="Someone else's standards"))


@pytest.fixture
def host() -> PluginHost:
    return PluginHost.of(national_standards)


# Building initiatives -------------------------------------------------------------------


def move(host: PluginHost, initiative: InitiativeView, to_stage: str) -> InitiativeView:
    """The initiative after a transition the host must allow."""
    decision = host.decide_transition(initiative, to_stage)
    assert decision.allowed, decision.blockers
    assert decision.transition is not None
    return dataclasses.replace(initiative, stage=to_stage, cycle=decision.transition.cycle)


def with_evidence(
    host: PluginHost, initiative: InitiativeView, *evidence: EvidenceView
) -> InitiativeView:
    """The initiative with ``evidence`` added, each piece of which the host must accept."""
    for item in evidence:
        assert host.check_evidence(item, toolkit=KEY, initiative=initiative) == [], item
    return dataclasses.replace(initiative, evidence=(*initiative.evidence, *evidence))


def with_assessment(
    host: PluginHost, initiative: InitiativeView, assessment: AssessmentView
) -> InitiativeView:
    """The initiative with ``assessment`` added, which the host must accept."""
    assert host.check_assessment(assessment, toolkit=KEY, initiative=initiative) == []
    return dataclasses.replace(initiative, assessments=(*initiative.assessments, assessment))


def at(stage: str, *reached: str, cycle: int = 1) -> InitiativeView:
    return InitiativeView(toolkit=KEY, stage=stage, cycle=cycle, reached_stages=reached)


def agreed_outcomes(cycle: int = 1) -> EvidenceView:
    return EvidenceView(
        "document",
        "plan",
        {"title": "Engagement plan signed off by the partnership"},
        dimensions=("planning", "working-together"),
        activity_type="engagement-plan",
        cycle=cycle,
    )


def attendance(cycle: int = 1) -> EvidenceView:
    return EvidenceView(
        "metric",
        "do",
        {"name": "attendance", "value": 34, "unit": "people"},
        dimensions=("inclusion",),
        activity_type="accessible-public-meeting",
        cycle=cycle,
    )


def review_scores(*, cycle: int = 1, **ratings: int) -> AssessmentView:
    return AssessmentView(
        "review-six-point",
        ParticipantRole.NEIGHBOUR_OR_COMMUNITY_MEMBER,
        ratings or dict.fromkeys(SEVEN_STANDARDS, 4),
        cycle=cycle,
    )


def one_round_done(host: PluginHost) -> InitiativeView:
    """An initiative walked once round the cycle, every gate met, now at the second Analyse."""
    initiative = move(host, at("analyse"), "plan")
    initiative = move(host, with_evidence(host, initiative, agreed_outcomes()), "do")
    initiative = move(host, with_evidence(host, initiative, attendance()), "review")
    initiative = move(host, with_assessment(host, initiative, review_scores()), "analyse")
    assert (initiative.stage, initiative.cycle) == ("analyse", 2)
    return initiative


def codes(host: PluginHost, initiative: InitiativeView, to_stage: str) -> list[str]:
    return [blocker.code for blocker in host.decide_transition(initiative, to_stage).blockers]


# The definition -------------------------------------------------------------------------


def test_definition_passes_the_core_checks() -> None:
    assert toolkits_core.check_toolkit(TOOLKIT) == []


def test_plugin_loads_strictly_and_provides_the_toolkit_and_its_hooks(host: PluginHost) -> None:
    assert host.failures == ()
    assert host.toolkit(KEY) is TOOLKIT
    assert host.provider_of(KEY).name == PLUGIN
    assert host.provider_of(KEY).hooks == (
        "coprod_case_study_sections",
        "coprod_register_toolkits",
        "coprod_summarise_assessment",
        "coprod_transition_blockers",
        "coprod_validate_evidence",
    )


def test_plugin_is_found_through_its_entry_point_and_names_itself_on_blockers() -> None:
    host = load_plugins(strict=True, environ={"COPROD_PLUGINS": PLUGIN})
    assert [plugin.name for plugin in host.plugins] == [PLUGIN]
    assert host.toolkit(KEY) is TOOLKIT
    blockers = host.decide_transition(at("plan", "analyse"), "do").blockers
    assert [(b.code, b.plugin) for b in blockers] == [("outcomes_not_agreed", PLUGIN)]


def test_plugin_imports_only_the_public_names_of_the_core() -> None:
    package = Path(national_standards.__file__).parent
    for source in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("toolkits_core"):
                assert node.module == "toolkits_core", source.name
                assert {alias.name for alias in node.names} <= set(toolkits_core.__all__)
            if isinstance(node, ast.Import):
                assert all(not a.name.startswith("toolkits_core.") for a in node.names)


def test_identity_credits_scdc_and_says_the_licence_is_unconfirmed() -> None:
    assert (TOOLKIT.key, TOOLKIT.name, TOOLKIT.version) == (
        KEY,
        "National Standards for Community Engagement",
        "1.0.0",
    )
    assert TOOLKIT.publisher == "Scottish Community Development Centre (SCDC)"
    assert TOOLKIT.source_url == "https://www.scdc.org.uk/what/national-standards/"
    for credit in ("SCDC", "2016", "VOiCE", "HMIE", "How good is our", TOOLKIT.source_url):
        assert credit in TOOLKIT.attribution
    assert "not confirmed" in TOOLKIT.licence
    assert "does not reproduce SCDC's text" in TOOLKIT.licence


def test_the_seven_standards_come_in_order_with_their_names() -> None:
    assert [d.key for d in TOOLKIT.dimensions] == SEVEN_STANDARDS
    assert [d.name for d in TOOLKIT.dimensions] == [
        "Inclusion",
        "Support",
        "Planning",
        "Working together",
        "Methods",
        "Communication",
        "Impact",
    ]


def test_each_standard_has_a_checklist_of_three_to_five_indicators_named_for_it() -> None:
    for dimension in TOOLKIT.dimensions:
        assert 3 <= len(dimension.indicators) <= 5, dimension.key
        for indicator in dimension.indicators:
            assert indicator.key.startswith(dimension.key + "-")
            assert TOOLKIT.indicator(indicator.key) == (dimension, indicator)


def test_planning_checklist_asks_for_outcomes_success_indicators_and_evidence() -> None:
    planning = TOOLKIT.dimension("planning")
    assert planning is not None
    keys = {indicator.key for indicator in planning.indicators}
    assert {
        "planning-outcomes-agreed",
        "planning-success-indicators-agreed",
        "planning-evidence-agreed",
    } <= keys


def test_the_four_stages_repeat_as_a_cycle() -> None:
    assert TOOLKIT.stage_flow is StageFlow.CYCLIC
    assert [(s.key, s.name) for s in TOOLKIT.stages] == [
        ("analyse", "Analyse"),
        ("plan", "Plan"),
        ("do", "Do"),
        ("review", "Review"),
    ]
    assert all(stage.summary and stage.guidance for stage in TOOLKIT.stages)


def test_review_scale_runs_from_unsatisfactory_to_excellent() -> None:
    scale = TOOLKIT.scale("review-six-point")
    assert scale is not None
    assert [(level.value, level.label) for level in scale.levels] == [
        (1, "Unsatisfactory"),
        (2, "Weak"),
        (3, "Adequate"),
        (4, "Good"),
        (5, "Very good"),
        (6, "Excellent"),
    ]
    adequate = scale.level(3)
    assert adequate is not None
    assert "Satisfactory" in adequate.summary
    for source in ("VOiCE", "HMIE", "How good is our"):
        assert source in scale.provenance
    assert scale.bands == ()


def test_every_activity_type_says_where_it_fits_what_it_touches_and_what_it_yields() -> None:
    assert 6 <= len(TOOLKIT.activity_types) <= 10
    for activity in TOOLKIT.activity_types:
        assert activity.stages, activity.key
        assert activity.dimensions, activity.key
        assert activity.evidence_types, activity.key


def test_evidence_types_cover_the_forms_practice_guidance_asks_for() -> None:
    kinds = {item.kind.value for item in TOOLKIT.evidence_types}
    assert {
        "note",
        "quote",
        "story",
        "audio",
        "photo",
        "document",
        "link",
        "metric",
        "survey_result",
        "unexpected_outcome",
    } <= kinds


# Going round the cycle ------------------------------------------------------------------


def test_an_initiative_goes_round_the_cycle_twice_as_each_gate_is_met(host: PluginHost) -> None:
    initiative = at("analyse")
    for round_number in (1, 2):
        assert initiative.cycle == round_number
        initiative = move(host, initiative, "plan")
        initiative = with_evidence(host, initiative, agreed_outcomes(round_number))
        initiative = move(host, initiative, "do")
        initiative = with_evidence(host, initiative, attendance(round_number))
        initiative = move(host, initiative, "review")
        initiative = with_assessment(host, initiative, review_scores(cycle=round_number))
        decision = host.decide_transition(initiative, "analyse")
        assert decision.transition == Transition(
            "review", "analyse", TransitionKind.NEW_CYCLE, round_number + 1
        )
        initiative = move(host, initiative, "analyse")
    assert (initiative.stage, initiative.cycle) == ("analyse", 3)


def test_moving_from_analyse_to_plan_needs_nothing_recorded(host: PluginHost) -> None:
    assert host.decide_transition(at("analyse"), "plan").allowed


def test_leaving_plan_waits_for_the_agreed_outcomes(host: PluginHost) -> None:
    initiative = at("plan", "analyse")
    decision = host.decide_transition(initiative, "do")
    assert not decision.allowed
    [blocker] = decision.blockers
    assert (blocker.code, blocker.plugin) == ("outcomes_not_agreed", PLUGIN)
    assert "Planning" in blocker.message
    assert "Plan stage" in blocker.message

    with_plan = with_evidence(host, initiative, agreed_outcomes())
    assert host.decide_transition(with_plan, "do").allowed


@pytest.mark.parametrize(
    ("evidence_type", "payload", "indicators"),
    [
        ("note", {"text": "Outcomes agreed"}, ()),
        ("note", {"text": "Outcomes minuted"}, ("planning-outcomes-agreed",)),
        ("indicator-check", {"status": "met"}, ("planning-evidence-agreed",)),
    ],
    ids=["tagged-planning", "also-cites-outcomes-indicator", "checklist-line"],
)
def test_plan_evidence_tagged_planning_lifts_the_plan_gate(
    host: PluginHost, evidence_type: str, payload: dict[str, str], indicators: tuple[str, ...]
) -> None:
    evidence = EvidenceView(
        evidence_type, "plan", payload, dimensions=("planning",), indicators=indicators
    )
    initiative = with_evidence(host, at("plan", "analyse"), evidence)
    assert host.decide_transition(initiative, "do").allowed


def test_citing_a_planning_indicator_needs_the_planning_tag_so_the_core_refuses_it(
    host: PluginHost,
) -> None:
    untagged = EvidenceView(
        "indicator-check", "plan", {"status": "met"}, indicators=("planning-outcomes-agreed",)
    )
    [problem] = host.check_evidence(untagged, toolkit=KEY, initiative=at("plan", "analyse"))
    assert (problem.code, problem.field, problem.plugin) == (
        "indicator_dimension_not_tagged",
        "indicators/0",
        "core",
    )
    assert "'planning'" in problem.message


@pytest.mark.parametrize(
    "evidence",
    [
        EvidenceView("note", "plan", {"text": "Venue booked"}, dimensions=("support",)),
        EvidenceView(
            "indicator-check",
            "plan",
            {"status": "met"},
            dimensions=("support",),
            indicators=("support-needs-asked",),
        ),
        EvidenceView("note", "analyse", {"text": "Early ideas"}, dimensions=("planning",)),
    ],
    ids=["another-standard", "another-standards-checklist-line", "planning-but-at-analyse"],
)
def test_plan_gate_stays_shut_for_evidence_that_does_not_record_agreed_outcomes(
    host: PluginHost, evidence: EvidenceView
) -> None:
    initiative = with_evidence(host, at("plan", "analyse"), evidence)
    assert codes(host, initiative, "do") == ["outcomes_not_agreed"]


def test_core_refuses_evidence_from_an_activity_of_another_stage(host: PluginHost) -> None:
    plan_from_a_meeting = dataclasses.replace(
        agreed_outcomes(), activity_type="accessible-public-meeting"
    )
    [problem] = host.check_evidence(
        plan_from_a_meeting, toolkit=KEY, initiative=at("plan", "analyse")
    )
    assert (problem.code, problem.field, problem.plugin) == (
        "activity_type_not_in_stage",
        "stage",
        "core",
    )


def test_leaving_do_waits_for_evidence_gathered_in_do(host: PluginHost) -> None:
    initiative = with_evidence(host, at("do", "analyse", "plan"), agreed_outcomes())
    [blocker] = host.decide_transition(initiative, "review").blockers
    assert (blocker.code, blocker.plugin) == ("no_evidence_from_do", PLUGIN)
    assert "Do stage" in blocker.message

    with_attendance = with_evidence(host, initiative, attendance())
    assert host.decide_transition(with_attendance, "review").allowed


def test_a_new_cycle_waits_for_the_review_to_be_scored(host: PluginHost) -> None:
    initiative = at("review", "analyse", "plan", "do")
    initiative = with_evidence(host, initiative, agreed_outcomes(), attendance())
    decision = host.decide_transition(initiative, "analyse")
    assert decision.transition is not None
    assert (decision.transition.kind, decision.transition.cycle) == (TransitionKind.NEW_CYCLE, 2)
    [blocker] = decision.blockers
    assert (blocker.code, blocker.plugin) == ("review_not_scored", PLUGIN)
    assert "review-six-point" in blocker.message

    partial_review = review_scores(inclusion=3)
    scored = with_assessment(host, initiative, partial_review)
    assert host.decide_transition(scored, "analyse").allowed


def test_core_refuses_to_skip_a_stage(host: PluginHost) -> None:
    decision = host.decide_transition(at("analyse"), "do")
    assert decision.transition is None
    assert [(b.code, b.plugin) for b in decision.blockers] == [("stage_skipped", "core")]


@pytest.mark.parametrize(
    ("stage", "back_to"), [("do", "plan"), ("review", "do"), ("review", "plan")]
)
def test_core_refuses_to_go_back_mid_cycle(host: PluginHost, stage: str, back_to: str) -> None:
    initiative = at(stage, "analyse", "plan", "do", "review")
    decision = host.decide_transition(initiative, back_to)
    assert decision.transition is None
    assert [(b.code, b.plugin) for b in decision.blockers] == [("cycle_order", "core")]


# Each round's gates, against that round's records -----------------------------------------


def test_a_new_round_needs_its_own_agreed_outcomes(host: PluginHost) -> None:
    initiative = move(host, one_round_done(host), "plan")
    assert codes(host, initiative, "do") == ["outcomes_not_agreed"]

    initiative = with_evidence(host, initiative, agreed_outcomes(cycle=2))
    assert host.decide_transition(initiative, "do").allowed


def test_a_new_round_needs_its_own_evidence_from_do(host: PluginHost) -> None:
    initiative = move(host, one_round_done(host), "plan")
    initiative = move(host, with_evidence(host, initiative, agreed_outcomes(cycle=2)), "do")
    assert codes(host, initiative, "review") == ["no_evidence_from_do"]

    initiative = with_evidence(host, initiative, attendance(cycle=2))
    assert host.decide_transition(initiative, "review").allowed


def test_last_rounds_review_score_does_not_open_this_rounds_new_cycle_gate(
    host: PluginHost,
) -> None:
    initiative = move(host, one_round_done(host), "plan")
    initiative = move(host, with_evidence(host, initiative, agreed_outcomes(cycle=2)), "do")
    initiative = move(host, with_evidence(host, initiative, attendance(cycle=2)), "review")
    decision = host.decide_transition(initiative, "analyse")
    assert decision.transition is not None
    assert decision.transition.cycle == 3
    assert [b.code for b in decision.blockers] == ["review_not_scored"]

    initiative = with_assessment(host, initiative, review_scores(cycle=2))
    assert host.decide_transition(initiative, "analyse").allowed


# Other toolkits -------------------------------------------------------------------------


@pytest.fixture
def shared_host() -> PluginHost:
    """This plugin beside another plugin's toolkit, as in an installation with both."""
    return PluginHost.of(national_standards, SomeoneElsesStandards())


def elsewhere(initiative: InitiativeView) -> InitiativeView:
    """The same initiative, run with the other plugin's toolkit."""
    return dataclasses.replace(initiative, toolkit=OTHER_KEY)


def test_both_toolkits_load_each_from_its_own_plugin(shared_host: PluginHost) -> None:
    assert shared_host.failures == ()
    assert shared_host.provider_of(KEY).name == PLUGIN
    assert shared_host.provider_of(OTHER_KEY).name == "SomeoneElsesStandards"


@pytest.mark.parametrize(
    ("initiative", "to_stage", "gate"),
    [
        (at("plan", "analyse"), "do", "outcomes_not_agreed"),
        (at("do", "analyse", "plan"), "review", "no_evidence_from_do"),
        (at("review", "analyse", "plan", "do"), "analyse", "review_not_scored"),
    ],
    ids=["plan", "do", "review"],
)
def test_no_gate_of_this_plugin_shuts_on_another_toolkit(
    shared_host: PluginHost, initiative: InitiativeView, to_stage: str, gate: str
) -> None:
    assert codes(shared_host, initiative, to_stage) == [gate]
    assert shared_host.decide_transition(elsewhere(initiative), to_stage).allowed


def test_the_other_toolkit_still_gets_the_cores_blockers(shared_host: PluginHost) -> None:
    decision = shared_host.decide_transition(elsewhere(at("analyse")), "do")
    assert [(b.code, b.plugin) for b in decision.blockers] == [("stage_skipped", "core")]


def test_evidence_rules_do_not_touch_another_toolkit(shared_host: PluginHost) -> None:
    two_lines_in_one = EvidenceView(
        "indicator-check",
        "plan",
        {"status": "met"},
        dimensions=("planning",),
        indicators=("planning-outcomes-agreed", "planning-evidence-agreed"),
    )
    ours = shared_host.check_evidence(two_lines_in_one, toolkit=KEY)
    assert [(p.code, p.plugin) for p in ours] == [("checklist_line_needs_one_indicator", PLUGIN)]
    assert shared_host.check_evidence(two_lines_in_one, toolkit=OTHER_KEY) == []
    in_an_initiative = elsewhere(at("plan", "analyse"))
    theirs = shared_host.check_evidence(
        two_lines_in_one, toolkit=OTHER_KEY, initiative=in_an_initiative
    )
    assert theirs == []


def test_another_toolkits_review_gets_the_cores_default_summary(
    shared_host: PluginHost,
) -> None:
    review = review_scores(inclusion=1)
    ours = shared_host.summarise_assessment(review, toolkit=KEY)
    assert ours.summarised_by == PLUGIN
    assert ours.notes != ()

    theirs = shared_host.summarise_assessment(review, toolkit=OTHER_KEY)
    other = shared_host.toolkit(OTHER_KEY)
    scale = other.scale("review-six-point")
    assert scale is not None
    assert (theirs.summarised_by, theirs.notes) == ("core", ())
    assert theirs == toolkits_core.default_summary(other, scale, review)


# Records and the round they belong to ----------------------------------------------------


def test_evidence_for_a_later_step_of_this_round_is_refused_by_the_core(
    host: PluginHost,
) -> None:
    initiative = move(host, one_round_done(host), "plan")
    [problem] = host.check_evidence(attendance(cycle=2), toolkit=KEY, initiative=initiative)
    assert (problem.code, problem.field, problem.plugin) == ("stage_not_reached", "stage", "core")
    assert "Do in cycle 2" in problem.message
    assert host.check_evidence(attendance(cycle=1), toolkit=KEY, initiative=initiative) == []


def test_records_for_a_round_not_yet_started_are_refused_by_the_core(host: PluginHost) -> None:
    initiative = one_round_done(host)
    [problem] = host.check_evidence(agreed_outcomes(cycle=3), toolkit=KEY, initiative=initiative)
    assert (problem.code, problem.field, problem.plugin) == ("cycle_not_reached", "cycle", "core")
    [problem] = host.check_assessment(review_scores(cycle=3), toolkit=KEY, initiative=initiative)
    assert (problem.code, problem.field) == ("cycle_not_reached", "cycle")


# Evidence -------------------------------------------------------------------------------


def test_a_checklist_line_answering_one_indicator_is_accepted(host: PluginHost) -> None:
    line = EvidenceView(
        "indicator-check",
        "plan",
        {"status": "met", "comment": "Outcomes minuted at the partnership meeting"},
        dimensions=("planning",),
        indicators=("planning-outcomes-agreed",),
    )
    assert host.check_evidence(line, toolkit=KEY) == []
    assert host.check_evidence(line, toolkit=KEY, initiative=at("plan", "analyse")) == []


@pytest.mark.parametrize(
    "indicators",
    [(), ("planning-outcomes-agreed", "planning-evidence-agreed")],
    ids=["none", "two"],
)
def test_a_checklist_line_must_answer_exactly_one_indicator(
    host: PluginHost, indicators: tuple[str, ...]
) -> None:
    line = EvidenceView(
        "indicator-check",
        "plan",
        {"status": "partly_met"},
        dimensions=("planning",),
        indicators=indicators,
    )
    [problem] = host.check_evidence(line, toolkit=KEY)
    assert (problem.code, problem.field, problem.plugin) == (
        "checklist_line_needs_one_indicator",
        "indicators",
        PLUGIN,
    )


def test_a_checklist_line_says_whether_the_indicator_is_met(host: PluginHost) -> None:
    line = EvidenceView(
        "indicator-check",
        "do",
        {"status": "maybe"},
        dimensions=("methods",),
        indicators=("methods-several-routes",),
    )
    [problem] = host.check_evidence(line, toolkit=KEY)
    assert (problem.code, problem.field, problem.plugin) == (
        "invalid_payload",
        "payload/status",
        "core",
    )


def test_other_evidence_may_cite_several_indicators(host: PluginHost) -> None:
    quote = EvidenceView(
        "quote",
        "do",
        {"text": "The interpreter meant I could finally have my say."},
        dimensions=("support", "inclusion"),
        indicators=("support-barriers-removed", "inclusion-seldom-heard-reached"),
    )
    assert host.check_evidence(quote, toolkit=KEY) == []


# Summarising the Review -----------------------------------------------------------------


def test_review_summary_names_standards_needing_action_and_those_not_rated(
    host: PluginHost,
) -> None:
    review = review_scores(support=1, inclusion=2, planning=3, methods=6)
    summary = host.summarise_assessment(review, toolkit=KEY)
    assert summary.summarised_by == PLUGIN
    assert (summary.count, summary.total, summary.lowest) == (4, 12, ("support",))
    assert summary.unrated == ("working-together", "communication", "impact")
    assert summary.band is None
    assert summary.notes == (
        "Standards needing action: Inclusion (2, weak), Support (1, unsatisfactory).",
        "Standards not rated: Working together, Communication, Impact.",
    )


def test_a_complete_review_with_nothing_below_adequate_needs_no_notes(host: PluginHost) -> None:
    review = review_scores(**dict.fromkeys(SEVEN_STANDARDS, 3))
    summary = host.summarise_assessment(review, toolkit=KEY)
    assert (summary.summarised_by, summary.total, summary.unrated) == (PLUGIN, 21, ())
    assert summary.notes == ()
