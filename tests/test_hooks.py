"""Each hook of the plugin API, tested through the host as an application calls it.

Every hook has a test here named ``test_hook_<hook name>``; ``test_every_hook_has_a_test``
keeps it that way when hooks are added.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import pathlib
import sys

import pytest
from conftest import build_toolkit

from toolkits_core import (
    ALL_CYCLES,
    ActivityView,
    Advice,
    AssessmentView,
    Blocker,
    CaseStudySection,
    CaseStudyView,
    Consent,
    EvidenceView,
    InitiativeView,
    InvalidRecordError,
    Measure,
    Measures,
    Paragraph,
    ParticipantRole,
    ParticipantView,
    PluginHookError,
    PluginHost,
    Problem,
    Transition,
    TransitionKind,
    _hookspecs,
    default_summary,
    hookimpl,
)

HOOKS = sorted(
    name
    for name, _ in inspect.getmembers(_hookspecs, inspect.isfunction)
    if name.startswith("coprod_")
)
DOCS = pathlib.Path(__file__).parents[1] / "docs" / "plugins.md"


class TinyRules:
    """Base for plugins in these tests that add rules to the tiny toolkit they do not provide."""

    RULES_FOR = ("tiny",)


class Tiny:
    @hookimpl
    def coprod_register_toolkits(self, register):
        register(build_toolkit())


def at(stage, **more):
    return InitiativeView(toolkit="tiny", stage=stage, **more)


# coprod_register_toolkits --------------------------------------------------------------


def test_hook_coprod_register_toolkits():
    class Two:
        @hookimpl
        def coprod_register_toolkits(self, register):
            register(build_toolkit(key="one"))
            register(build_toolkit(key="two"))

    host = PluginHost.of(Two())
    assert [t.key for t in host.toolkits()] == ["one", "two"]
    assert host.plugins[0].toolkits == ("one", "two")


# coprod_validate_activity (API 1.1) ----------------------------------------------------


class MeetingsNeedAPerson(TinyRules):
    """A meeting needs a person who uses the service, who has consented."""

    @hookimpl
    def coprod_validate_activity(self, activity):
        if activity.activity_type != "meeting" or any(
            p.role is ParticipantRole.PERSON_USING_SERVICES and p.takes_part
            for p in activity.participants
        ):
            return None
        return [Problem("no_person", "Invite a person who uses the service.", "participant_ids")]


def test_hook_coprod_validate_activity():
    host = PluginHost.of(Tiny(), MeetingsNeedAPerson())
    person = ParticipantView(ParticipantRole.PERSON_USING_SERVICES, id="par_1")
    unconsented = ParticipantView(
        ParticipantRole.PERSON_USING_SERVICES, Consent.NOT_RECORDED, id="par_2"
    )
    met = ActivityView("meeting", "first", participants=[person])
    assert met.participant_roles == (ParticipantRole.PERSON_USING_SERVICES,)
    assert host.check_activity(met, toolkit="tiny") == []
    alone = ActivityView("meeting", "first", participants=[unconsented])
    assert host.check_activity(alone, toolkit="tiny") == [
        Problem(
            "no_person",
            "Invite a person who uses the service.",
            "participant_ids",
            plugin="MeetingsNeedAPerson",
        )
    ]


def test_the_core_checks_an_activity_before_any_plugin_sees_it():
    host = PluginHost.of(Tiny(), MeetingsNeedAPerson())
    [problem] = host.check_activity(ActivityView("meeting", "third"), toolkit="tiny")
    assert (problem.code, problem.plugin) == ("activity_type_not_in_stage", "core")


# coprod_transition_advice (API 1.1) ----------------------------------------------------


class ShowAndTell(TinyRules):
    @hookimpl
    def coprod_transition_advice(self, initiative, transition):
        if initiative.has_activities(stage=transition.from_stage):
            return None
        return [Advice("show_and_tell", "Consider a show-and-tell before moving on.")]


def test_hook_coprod_transition_advice():
    host = PluginHost.of(Tiny(), ShowAndTell())
    decision = host.decide_transition(at("first"), "second")
    assert decision.allowed  # advice never blocks
    assert decision.blockers == ()
    assert decision.advice == (
        Advice("show_and_tell", "Consider a show-and-tell before moving on.", "ShowAndTell"),
    )
    met = at("first", activities=[ActivityView("meeting", "first")])
    assert host.decide_transition(met, "second").advice == ()


def test_advice_that_is_not_advice_is_reported_with_the_plugin_name():
    class Wrong(TinyRules):
        @hookimpl
        def coprod_transition_advice(self):
            return [Blocker("b", "A blocker, not advice.")]

    with pytest.raises(PluginHookError, match="expected a Advice with a code and a message"):
        PluginHost.of(Tiny(), Wrong()).decide_transition(at("first"), "second")


# coprod_validate_evidence --------------------------------------------------------------


class NoShouting(TinyRules):
    """Refuses notes written all in capitals, for the tiny toolkit only."""

    @hookimpl
    def coprod_validate_evidence(self, toolkit, evidence):
        if toolkit.key == "tiny" and evidence.payload.get("text", "").isupper():
            return [Problem("shouting", "Write the note in ordinary case.", "payload/text")]
        return None


def test_hook_coprod_validate_evidence():
    host = PluginHost.of(Tiny(), NoShouting())
    calm = EvidenceView("note", "first", {"text": "We walked by the river."})
    loud = EvidenceView("note", "first", {"text": "WE WALKED"})
    assert host.check_evidence(calm, toolkit="tiny") == []
    assert host.check_evidence(loud, toolkit="tiny") == [
        Problem("shouting", "Write the note in ordinary case.", "payload/text", plugin="NoShouting")
    ]


def test_validate_evidence_sees_the_initiative_when_there_is_one():
    seen = []

    class Watcher(TinyRules):
        @hookimpl
        def coprod_validate_evidence(self, initiative):
            seen.append(initiative)

    host = PluginHost.of(Tiny(), Watcher())
    initiative = at("first")
    host.check_evidence(
        EvidenceView("note", "first", {"text": "x"}), toolkit="tiny", initiative=initiative
    )
    host.check_evidence(EvidenceView("note", "first", {"text": "x"}), toolkit="tiny")
    assert seen == [initiative, None]


def test_the_core_checks_evidence_before_any_plugin_sees_it():
    host = PluginHost.of(Tiny(), NoShouting())
    evidence = EvidenceView(
        "headcount",
        "second",
        {"people": -1, "extra": True},
        dimensions=["voice", "elsewhere"],
        indicators=["voice-heard", "made-up"],
        activity_type="party",
    )
    problems = host.check_evidence(evidence, toolkit="tiny", initiative=at("first"))
    assert [(p.code, p.field) for p in problems] == [
        ("stage_not_reached", "stage"),
        ("unknown_activity_type", "activity_type"),
        ("unknown_dimension", "dimensions/1"),
        ("unknown_indicator", "indicators/1"),
        ("invalid_payload", "payload/people"),
    ]
    assert all(p.plugin == "core" for p in problems)


def test_payload_problems_point_at_the_field_and_say_what_is_wrong():
    host = PluginHost.of(Tiny())
    problems = host.check_evidence(EvidenceView("note", "first", {"txt": "typo"}), toolkit="tiny")
    assert sorted((p.field, p.message) for p in problems) == [
        ("payload", "'text' is a required property"),
        ("payload", "Additional properties are not allowed ('txt' was unexpected)"),
    ]


def test_an_indicator_must_be_tagged_with_the_dimension_whose_checklist_holds_it():
    host = PluginHost.of(Tiny())
    untagged = EvidenceView(
        "note", "first", {"text": "x"}, dimensions=["action"], indicators=["voice-heard"]
    )
    (problem,) = host.check_evidence(untagged, toolkit="tiny")
    assert (problem.code, problem.field) == ("indicator_dimension_not_tagged", "indicators/0")
    assert problem.message == (
        "'voice-heard' is on the Voice checklist: add 'voice' to the evidence's dimensions, "
        "or remove the indicator."
    )
    tagged = dataclasses.replace(untagged, dimensions=["action", "voice"])
    assert host.check_evidence(tagged, toolkit="tiny") == []


def test_evidence_from_an_activity_must_be_in_a_stage_the_activity_type_belongs_to():
    host = PluginHost.of(Tiny())
    late = EvidenceView("note", "third", {"text": "x"}, activity_type="meeting")
    initiative = at("third", reached_stages=["first", "second"])
    (problem,) = host.check_evidence(late, toolkit="tiny", initiative=initiative)
    assert (problem.code, problem.message) == (
        "activity_type_not_in_stage",
        "Meeting belongs to first, second, not to 'third'.",
    )
    assert host.check_evidence(dataclasses.replace(late, stage="second"), toolkit="tiny") == []


def test_an_unknown_evidence_type_lists_the_known_ones():
    host = PluginHost.of(Tiny())
    (problem,) = host.check_evidence(EvidenceView("selfie", "first"), toolkit="tiny")
    assert (
        problem.message == "Tiny Toolkit has no evidence type 'selfie' (it has: note, headcount)."
    )


# coprod_transition_blockers ------------------------------------------------------------


class NeedsPeople(TinyRules):
    """Nobody leaves the first stage without a person using services taking part."""

    @hookimpl
    def coprod_transition_blockers(self, toolkit, initiative, transition):
        if toolkit.key != "tiny" or transition.from_stage != "first":
            return None
        if initiative.participants_in_role(ParticipantRole.PERSON_USING_SERVICES):
            return None
        return [Blocker("no_people_using_services", "Add a person who uses the service.")]


def test_hook_coprod_transition_blockers():
    host = PluginHost.of(Tiny(), NeedsPeople())
    decision = host.decide_transition(at("first"), "second")
    assert not decision.allowed
    assert decision.transition == Transition("first", "second", TransitionKind.ADVANCE, 1)
    assert decision.blockers == (
        Blocker(
            "no_people_using_services", "Add a person who uses the service.", plugin="NeedsPeople"
        ),
    )
    with_person = at("first", participants=[ParticipantView(ParticipantRole.PERSON_USING_SERVICES)])
    assert host.decide_transition(with_person, "second").allowed


def test_every_plugin_is_asked_so_every_blocker_is_shown_at_once():
    class AlsoNeedsEvidence(TinyRules):
        @hookimpl
        def coprod_transition_blockers(self, initiative):
            return None if initiative.evidence else [Blocker("no_evidence", "Record something.")]

    host = PluginHost.of(Tiny(), NeedsPeople(), AlsoNeedsEvidence())
    decision = host.decide_transition(at("first"), "second")
    assert {(b.code, b.plugin) for b in decision.blockers} == {
        ("no_people_using_services", "NeedsPeople"),
        ("no_evidence", "AlsoNeedsEvidence"),
    }


def test_plugins_are_not_asked_about_a_move_the_stage_flow_forbids():
    asked = []

    class Counter(TinyRules):
        @hookimpl
        def coprod_transition_blockers(self, transition):
            asked.append(transition)

    host = PluginHost.of(Tiny(), Counter())
    decision = host.decide_transition(at("first"), "third")
    assert [b.code for b in decision.blockers] == ["stage_skipped"]
    assert decision.transition is None
    assert asked == []


# coprod_summarise_assessment -----------------------------------------------------------

ASSESSMENT = AssessmentView("three-point", ParticipantRole.PROFESSIONAL, {"voice": 3, "action": 1})


def test_hook_coprod_summarise_assessment():
    class Notes(TinyRules):
        @hookimpl
        def coprod_summarise_assessment(self, toolkit, scale, assessment):
            summary = default_summary(toolkit, scale, assessment)
            return dataclasses.replace(summary, notes=("Act on action first.",))

    summary = PluginHost.of(Tiny(), Notes()).summarise_assessment(ASSESSMENT, toolkit="tiny")
    assert summary.notes == ("Act on action first.",)
    assert summary.summarised_by == "Notes"


def test_the_first_summary_returned_wins_and_none_passes_the_turn():
    class Declines(TinyRules):
        @hookimpl
        def coprod_summarise_assessment(self):
            return None

    summary = PluginHost.of(Tiny(), Declines()).summarise_assessment(ASSESSMENT, toolkit="tiny")
    assert summary.summarised_by == "core"


def test_the_default_summary_counts_totals_bands_and_names_the_lowest():
    summary = PluginHost.of(Tiny()).summarise_assessment(ASSESSMENT, toolkit="tiny")
    assert (summary.count, summary.total, summary.mean, summary.minimum, summary.maximum) == (
        2,
        4,
        2.0,
        1,
        3,
    )
    assert summary.band == "going strong"
    assert summary.lowest == ("action",)
    assert summary.unrated == ()
    assert summary.headline == (
        "2 dimension(s) rated on Three-point from the perspective of professional: "
        "mean 2 (nearest level: middle), range 1-3, total 4 (going strong)."
    )


def test_an_assessment_that_does_not_fit_the_scale_is_refused_with_each_problem():
    host = PluginHost.of(Tiny())
    wrong = AssessmentView("three-point", ParticipantRole.PROFESSIONAL, {"voice": 4, "ghost": 1})
    with pytest.raises(InvalidRecordError) as raised:
        host.summarise_assessment(wrong, toolkit="tiny")
    assert [(p.code, p.field) for p in raised.value.problems] == [
        ("not_a_level", "ratings/voice"),
        ("unknown_dimension", "ratings/ghost"),
    ]
    assert host.check_assessment(
        AssessmentView("nine-point", ParticipantRole.PROFESSIONAL), toolkit="tiny"
    ) == [
        Problem(
            "unknown_scale",
            "Tiny Toolkit has no scale 'nine-point' (it has: three-point).",
            "scale",
        ),
        Problem("no_ratings", "Rate at least one dimension.", "ratings"),
    ]


def test_a_partial_assessment_gets_no_band_and_names_what_was_not_rated():
    partial = AssessmentView("three-point", ParticipantRole.PERSON_USING_SERVICES, {"voice": 3})
    summary = PluginHost.of(Tiny()).summarise_assessment(partial, toolkit="tiny")
    # A total of 3 over one dimension would read as "going strong" over two: no band.
    assert summary.band is None
    assert summary.unrated == ("action",)
    assert summary.headline.endswith("range 3-3; 1 not rated.")


# coprod_case_study_sections ------------------------------------------------------------

CASE_STUDY = CaseStudyView("cst_1", "retrospective", dt.date(2026, 12, 1), "organisation")


class VoiceAndAction(TinyRules):
    """Counts the initiative's voice and action evidence into a section of its own."""

    @hookimpl
    def coprod_case_study_sections(self, toolkit, initiative, case_study):
        counts = [
            Measure(d.name, initiative.count_evidence(dimension=d.key, cycle=ALL_CYCLES), "pieces")
            for d in toolkit.dimensions
        ]
        return [
            CaseStudySection(
                "voice-and-action",
                f"Voice and action ({case_study.use})",
                [Paragraph("How the work divided."), Measures(counts)],
            )
        ]


def test_hook_coprod_case_study_sections():
    quote = EvidenceView("quote", "first", {"text": "Hello"}, dimensions=["voice"])
    view = at("first", evidence=[quote, quote, EvidenceView("quote", "first", {"text": "x"})])
    sections, failures = PluginHost.of(Tiny(), VoiceAndAction()).case_study_sections(
        view, CASE_STUDY, reserved=["context"]
    )
    assert failures == []
    [(plugin, section)] = sections
    assert plugin == "VoiceAndAction"
    assert section.title == "Voice and action (organisation)"
    assert section.blocks[1] == Measures(
        [Measure("Voice", 2, "pieces"), Measure("Action", 0, "pieces")]
    )


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ("a string", "expected an iterable of sections"),
        (["not a section"], "expected a CaseStudySection"),
        ([CaseStudySection("context", "Mine now")], "'context' is one of the core's sections"),
        ([CaseStudySection("Bad Key", "Title")], "is not lower-case words joined by hyphens"),
        ([CaseStudySection("ok", "")], "section 'ok' title is empty"),
        ([CaseStudySection("ok", "T", ["<p>markup</p>"])], "expected one of Paragraph"),
        ([CaseStudySection("ok", "T", [Paragraph(3)])], "text is 3, expected text"),
        ([CaseStudySection("ok", "T"), CaseStudySection("ok", "U")], "'ok' is given twice"),
    ],
)
def test_a_wrong_case_study_section_costs_only_its_plugin_and_is_named(answer, problem):
    class Wrong(TinyRules):
        @hookimpl
        def coprod_case_study_sections(self):
            return answer

    host = PluginHost.of(Tiny(), Wrong(), VoiceAndAction())
    sections, failures = host.case_study_sections(at("first"), CASE_STUDY, reserved=["context"])
    assert [plugin for plugin, _ in sections] == ["VoiceAndAction"]
    [failure] = failures
    assert failure.plugin == "Wrong"
    assert failure.hook == "coprod_case_study_sections"
    assert problem in str(failure)


def test_a_case_study_hook_that_raises_costs_only_its_plugin():
    class Crashes(TinyRules):
        @hookimpl
        def coprod_case_study_sections(self):
            raise ZeroDivisionError("division by zero")

    sections, failures = PluginHost.of(Tiny(), Crashes(), VoiceAndAction()).case_study_sections(
        at("first"), CASE_STUDY
    )
    assert [plugin for plugin, _ in sections] == ["VoiceAndAction"]
    assert str(failures[0]) == (
        "plugin 'Crashes' failed in coprod_case_study_sections: ZeroDivisionError: division by zero"
    )


# A hook that misbehaves at run time is named, loudly ------------------------------------


def test_a_hook_that_raises_is_reported_with_the_plugin_name():
    class Crashes(TinyRules):
        @hookimpl
        def coprod_transition_blockers(self):
            raise ZeroDivisionError("division by zero")

    host = PluginHost.of(Tiny(), Crashes())
    with pytest.raises(
        PluginHookError,
        match="plugin 'Crashes' failed in coprod_transition_blockers: ZeroDivisionError",
    ):
        host.decide_transition(at("first"), "second")


@pytest.mark.parametrize("answer", ["not a list", ["a string, not a Blocker"], 42])
def test_a_hook_that_returns_the_wrong_type_is_reported_with_the_plugin_name(answer):
    class Sloppy(TinyRules):
        @hookimpl
        def coprod_transition_blockers(self):
            return answer

    with pytest.raises(
        PluginHookError, match="plugin 'Sloppy' failed in coprod_transition_blockers: returned"
    ):
        PluginHost.of(Tiny(), Sloppy()).decide_transition(at("first"), "second")


def test_a_summary_hook_returning_the_wrong_type_is_reported():
    class Sloppy(TinyRules):
        @hookimpl
        def coprod_summarise_assessment(self):
            return "fine"

    with pytest.raises(PluginHookError, match="expected AssessmentSummary"):
        PluginHost.of(Tiny(), Sloppy()).summarise_assessment(ASSESSMENT, toolkit="tiny")


# The hooks themselves -------------------------------------------------------------------


def test_every_hook_has_a_docstring_and_a_section_in_the_plugin_docs():
    docs = DOCS.read_text(encoding="utf-8")
    for hook in HOOKS:
        assert inspect.getdoc(getattr(_hookspecs, hook)), f"{hook} has no docstring"
        assert f"### {hook}\n" in docs, f"docs/plugins.md has no section '### {hook}'"


def test_every_hook_has_a_test():
    tests = {name for name, _ in inspect.getmembers(sys.modules[__name__], inspect.isfunction)}
    missing = [hook for hook in HOOKS if f"test_hook_{hook}" not in tests]
    assert missing == [], f"write test_hook_<name> in tests/test_hooks.py for {missing}"


def test_the_hook_list_is_what_the_docs_and_tests_above_cover():
    assert HOOKS == [
        "coprod_case_study_sections",
        "coprod_register_toolkits",
        "coprod_summarise_assessment",
        "coprod_transition_advice",
        "coprod_transition_blockers",
        "coprod_validate_activity",
        "coprod_validate_evidence",
    ]


def test_a_generator_hook_that_fails_part_way_is_reported_with_the_plugin_name():
    class Lazy(TinyRules):
        @hookimpl
        def coprod_transition_blockers(self, initiative):
            yield Blocker("first", "One.")
            raise KeyError("participants")

    with pytest.raises(
        PluginHookError, match=r"plugin 'Lazy' failed in coprod_transition_blockers: KeyError"
    ):
        PluginHost.of(Tiny(), Lazy()).decide_transition(at("first"), "second")


def test_a_blocker_without_a_code_or_message_is_refused():
    class Vague(TinyRules):
        @hookimpl
        def coprod_transition_blockers(self):
            return [Blocker("", "Something is wrong.")]

    with pytest.raises(PluginHookError, match="expected a Blocker with a code and a message"):
        PluginHost.of(Tiny(), Vague()).decide_transition(at("first"), "second")


# Rule hooks go to the plugins that speak for the toolkit -------------------------------


class Other:
    """Provides a second toolkit, and a rule that would crash on any toolkit but its own."""

    @hookimpl
    def coprod_register_toolkits(self, register):
        register(build_toolkit(key="other"))

    @hookimpl
    def coprod_transition_blockers(self, toolkit):
        assert toolkit.key == "other", "asked about a toolkit it does not provide"
        return [Blocker("other_rule", "Only for the other toolkit.")]


def test_a_plugin_is_asked_about_its_own_toolkits_only():
    host = PluginHost.of(Tiny(), Other())
    assert host.decide_transition(at("first"), "second").allowed
    other = InitiativeView(toolkit="other", stage="first")
    assert [b.code for b in host.decide_transition(other, "second").blockers] == ["other_rule"]


def test_rules_for_star_adds_a_plugins_rules_to_every_toolkit():
    class CouncilPolicy:
        RULES_FOR = "*"

        @hookimpl
        def coprod_transition_blockers(self, toolkit):
            return [Blocker("council_sign_off", f"{toolkit.name} needs sign-off.")]

    host = PluginHost.of(Tiny(), Other(), CouncilPolicy())
    assert host.plugins[0].rules_for == ("*",)
    for toolkit in ("tiny", "other"):
        initiative = InitiativeView(toolkit=toolkit, stage="first")
        codes = [b.code for b in host.decide_transition(initiative, "second").blockers]
        assert "council_sign_off" in codes


def test_the_toolkits_own_plugin_answers_first_then_the_others_in_load_order():
    class Summariser(TinyRules):
        def __init__(self, note):
            self.note = note

        @hookimpl
        def coprod_summarise_assessment(self, toolkit, scale, assessment):
            return dataclasses.replace(
                default_summary(toolkit, scale, assessment), notes=(self.note,)
            )

    class TinyWithSummary(Tiny):
        @hookimpl
        def coprod_summarise_assessment(self, toolkit, scale, assessment):
            return dataclasses.replace(default_summary(toolkit, scale, assessment), notes=("own",))

    host = PluginHost.of(("a_rules", Summariser("rules")), ("z_provider", TinyWithSummary()))
    summary = host.summarise_assessment(ASSESSMENT, toolkit="tiny")
    assert (summary.notes, summary.summarised_by) == (("own",), "z_provider")
