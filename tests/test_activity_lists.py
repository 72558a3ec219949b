"""What an activity type's lists mean (plugin API 1.2): rules the core enforces, or
suggestions it turns into advice; and a plugin that never says keeps suggestions."""

from __future__ import annotations

import dataclasses

from conftest import build_toolkit

from toolkits_core import (
    ActivityType,
    ActivityView,
    EvidenceView,
    InitiativeView,
    ListsAre,
    PluginHost,
    check_toolkit,
    hookimpl,
    toolkit_document,
)
from toolkits_core._activity_lists import activity_advice, evidence_advice


def toolkit_with(**meeting):
    base = build_toolkit()
    (only,) = base.activity_types
    return dataclasses.replace(base, activity_types=[dataclasses.replace(only, **meeting)])


def host_of(toolkit):
    class Provider:
        @hookimpl
        def coprod_register_toolkits(self, register):
            register(toolkit)

    return PluginHost.of(Provider())


AT_THE_START = InitiativeView("tiny", "first")


def activity_problems(toolkit, dimensions):
    view = ActivityView("meeting", "first", dimensions)
    problems = host_of(toolkit).check_activity(view, toolkit="tiny", initiative=AT_THE_START)
    return [(p.code, p.field, p.plugin) for p in problems]


def evidence_problems(toolkit, evidence_type, payload):
    view = EvidenceView(evidence_type, "first", payload, activity_type="meeting")
    problems = host_of(toolkit).check_evidence(view, toolkit="tiny", initiative=AT_THE_START)
    return [(p.code, p.field) for p in problems]


HEADCOUNT = {"people": 12}


def test_a_type_that_does_not_say_keeps_its_lists_as_suggestions():
    """What every list meant before 1.2: nothing refused, advice instead."""
    toolkit = build_toolkit()
    assert toolkit.activity_types[0].lists_are is ListsAre.SUGGESTIONS
    assert activity_problems(toolkit, ["voice", "action"]) == []
    assert evidence_problems(toolkit, "headcount", HEADCOUNT) == []
    advice = activity_advice(toolkit, "meeting", ["voice", "action"])
    assert [(a.code, a.plugin) for a in advice] == [("dimension_not_for_activity_type", "core")]
    assert "Action" in advice[0].message
    assert "suggestion" in advice[0].message
    assert [a.code for a in evidence_advice(toolkit, "meeting", "headcount")] == [
        "evidence_type_not_for_activity_type"
    ]
    assert evidence_advice(toolkit, "meeting", "note") == []
    assert evidence_advice(toolkit, None, "headcount") == []


def test_under_rules_the_core_refuses_what_the_lists_leave_out_and_gives_no_advice():
    toolkit = toolkit_with(lists_are=ListsAre.RULES)
    assert activity_problems(toolkit, ["voice", "action"]) == [
        ("dimension_not_for_activity_type", "dimensions/1", "core")
    ]
    assert activity_problems(toolkit, ["voice"]) == []
    assert evidence_problems(toolkit, "headcount", HEADCOUNT) == [
        ("evidence_type_not_for_activity_type", "evidence_type")
    ]
    assert evidence_problems(toolkit, "note", {"text": "We met."}) == []
    assert activity_advice(toolkit, "meeting", ["action"]) == []
    assert evidence_advice(toolkit, "meeting", "headcount") == []


def test_an_empty_list_restricts_nothing_even_under_rules():
    toolkit = toolkit_with(lists_are=ListsAre.RULES, dimensions=(), evidence_types=())
    assert activity_problems(toolkit, ["voice", "action"]) == []
    assert evidence_problems(toolkit, "headcount", HEADCOUNT) == []


def test_an_untyped_plugin_may_say_rules_as_a_plain_string():
    meeting = ActivityType("meeting", "Meeting", "People meet.", lists_are="rules")  # type: ignore[arg-type]
    assert meeting.lists_are is ListsAre.RULES
    assert meeting.lists_are_rules


def test_anything_else_is_refused_at_registration_by_its_path():
    toolkit = toolkit_with(lists_are="sometimes")
    found = check_toolkit(toolkit)
    assert found == [
        "activity_types[0].lists_are: must be 'suggestions' or 'rules', not 'sometimes'"
    ]


def test_the_choice_is_published_with_each_activity_type():
    document = toolkit_document(toolkit_with(lists_are=ListsAre.RULES), plugin=None)
    assert document["activity_types"][0]["lists_are"] == "rules"
    assert toolkit_document(build_toolkit(), plugin=None)["activity_types"][0]["lists_are"] == (
        "suggestions"
    )
