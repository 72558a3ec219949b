"""Stage requirements (plugin API 1.2): what each stage needs, published before a blocker.

``GET /toolkits/{key}`` lists every stage's requirements in the plugin's words; progress
lists the current stage's, each checked one met or not, worked out from the blockers of
the move that leaves the stage, so the two can never disagree.
"""

from __future__ import annotations

import dataclasses

import pytest
from conftest import ApiClient, build_toolkit
from walking import created, refused

import plugins.coproduction_ladder
import plugins.coproduction_star
import plugins.double_diamond
import plugins.national_standards
from toolkits_core import (
    Blocker,
    PluginHost,
    Requirement,
    Stage,
    StageFlow,
    check_toolkit,
    hookimpl,
    toolkit_document,
)

STAR = "coproduction-star"


def progress(api, ini):
    response = api.get(f"initiatives/{ini}/progress")
    assert response.status_code == 200, response.json
    return response.json


def requirements(api, ini):
    return {item["key"]: item["met"] for item in progress(api, ini)["requirements"]}


def star_at_focus_it(api):
    ini = created(api.post("initiatives", json={"toolkit": STAR, "title": "Walks"}))["id"]
    created(
        api.post(
            f"initiatives/{ini}/activities",
            json={"activity_type": "co-production-mapping-session", "title": "Mapping"},
        )
    )
    created(api.post(f"initiatives/{ini}/transitions", json={"to_stage": "focus-it"}))
    return ini


# Published with the toolkit --------------------------------------------------------------


@pytest.mark.parametrize(
    "toolkit",
    [
        plugins.coproduction_star.TOOLKIT,
        plugins.national_standards.TOOLKIT,
        plugins.double_diamond.TOOLKIT,
        plugins.coproduction_ladder.TOOLKIT,
    ],
    ids=lambda toolkit: toolkit.key,
)
def test_every_shipped_stage_says_what_it_needs_before_it_is_left(toolkit):
    """As GET /toolkits/{key} publishes it (the same document), for every shipped toolkit."""
    for stage in toolkit_document(toolkit)["stages"]:
        assert stage["requirements"], f"{toolkit.key} {stage['key']} publishes no requirement"
        for item in stage["requirements"]:
            assert set(item) == {"key", "text", "checked"}
            assert len(item["text"]) > 40  # a sentence a person can act on, not a label


def test_the_star_publishes_the_focus_it_requirement_its_rule_checks(api):
    stages = {stage["key"]: stage for stage in api.get(f"toolkits/{STAR}").json["stages"]}
    [focus] = stages["focus-it"]["requirements"]
    assert focus["key"] == "no_focus_recorded"
    assert focus["checked"] is True
    assert "session notes or a document" in focus["text"]
    assert [item["key"] for item in stages["grow-it"]["requirements"]] == [
        "no_people_using_services",
        "no_growth_recorded",
    ]


# Reported in progress, met or not ----------------------------------------------------------


def test_progress_shows_the_current_stages_requirements_before_any_blocker_is_hit(api):
    ini = created(api.post("initiatives", json={"toolkit": STAR, "title": "Walks"}))["id"]
    [item] = progress(api, ini)["requirements"]
    assert item["key"] == "no_mapping_recorded"
    assert (item["checked"], item["met"]) == (True, False)
    assert "Map it" in item["text"]

    created(
        api.post(
            f"initiatives/{ini}/activities",
            json={"activity_type": "co-production-mapping-session", "title": "Mapping"},
        )
    )
    assert requirements(api, ini) == {"no_mapping_recorded": True}
    assert progress(api, ini)["moves"][0]["allowed"] is True


def test_a_metric_does_not_write_the_focus_down(api):
    """The issue's finding: the Focus it blocker asked for notes or a document, yet a
    single metric lifted it. Now the rule asks for what its message and requirement say."""
    ini = star_at_focus_it(api)
    created(
        api.post(
            f"initiatives/{ini}/evidence",
            json={
                "evidence_type": "metric",
                "payload": {"name": "people at the vote", "value": 12},
            },
        )
    )
    assert requirements(api, ini) == {"no_focus_recorded": False}
    blocked = refused(
        api.post(f"initiatives/{ini}/transitions", json={"to_stage": "people-it"}),
        409,
        "transition_refused",
    )
    [blocker] = blocked["blockers"]
    assert blocker["code"] == "no_focus_recorded"
    assert "session notes or a document" in blocker["message"]
    assert api.get(f"initiatives/{ini}").json["stage"] == "focus-it"


@pytest.mark.parametrize(
    ("evidence_type", "payload"),
    [
        ("session-notes", {"text": "Walks first: they came top in every group."}),
        ("document", {"title": "Why walks first"}),
    ],
)
def test_session_notes_or_a_document_write_the_focus_down(api, evidence_type, payload):
    ini = star_at_focus_it(api)
    body = {"evidence_type": evidence_type, "payload": payload}
    created(api.post(f"initiatives/{ini}/evidence", json=body))
    assert requirements(api, ini) == {"no_focus_recorded": True}
    created(api.post(f"initiatives/{ini}/transitions", json={"to_stage": "people-it"}))


def test_an_unchecked_requirement_is_published_but_never_reported_met(api):
    ini = created(
        api.post("initiatives", json={"toolkit": "national-standards", "title": "Engagement"})
    )["id"]
    [item] = progress(api, ini)["requirements"]
    assert (item["key"], item["checked"], item["met"]) == ("picture-of-the-community", False, None)


# Any plugin: the core reads met from the blocker codes --------------------------------------

NOTE_NEEDED = "note_needed"


class Gated:
    """A third-party toolkit whose first stage needs a note, checked by its own rule."""

    @hookimpl
    def coprod_register_toolkits(self, register):
        tiny = build_toolkit()
        first = dataclasses.replace(
            tiny.stages[0],
            requirements=(
                Requirement(NOTE_NEEDED, "A note saying what the first meeting agreed.", True),
                Requirement("tea", "Tea for everyone who comes (nobody checks this)."),
            ),
        )
        last = dataclasses.replace(
            tiny.stages[2],
            requirements=(Requirement("wrapped-up", "A closing note.", checked=True),),
        )
        register(dataclasses.replace(tiny, key="gated", stages=(first, tiny.stages[1], last)))

    @hookimpl
    def coprod_transition_blockers(self, toolkit, initiative, transition):
        if transition.from_stage == "first" and not initiative.has_evidence(stage="first"):
            return [Blocker(NOTE_NEEDED, "Record a note in First.")]
        return None


@pytest.fixture(scope="module")
def gated_app(make_app):
    return make_app(PLUGIN_HOST=PluginHost.of(("gated", Gated())))


@pytest.fixture
def gated(gated_app, org):
    return ApiClient(gated_app.test_client(), org.tokens["write"])


def test_any_plugins_checked_requirement_is_met_once_its_blocker_is_lifted(gated):
    ini = created(gated.post("initiatives", json={"toolkit": "gated", "title": "T"}))["id"]
    assert requirements(gated, ini) == {NOTE_NEEDED: False, "tea": None}
    body = {"evidence_type": "note", "payload": {"text": "We agreed."}}
    created(gated.post(f"initiatives/{ini}/evidence", json=body))
    assert requirements(gated, ini) == {NOTE_NEEDED: True, "tea": None}


def test_a_checked_requirement_with_no_move_out_of_the_stage_is_not_reported(gated):
    ini = created(gated.post("initiatives", json={"toolkit": "gated", "title": "T"}))["id"]
    note = {"evidence_type": "note", "payload": {"text": "x"}}
    created(gated.post(f"initiatives/{ini}/evidence", json=note))
    for stage in ("second", "third"):
        created(gated.post(f"initiatives/{ini}/transitions", json={"to_stage": stage}))
    # The last stage of a toolkit without rounds: nothing leaves it, so nothing to judge by.
    assert requirements(gated, ini) == {"wrapped-up": None}


def test_stages_from_older_plugins_publish_no_requirements(gated):
    """build_toolkit's stages are written as a plugin for API 1.0 or 1.1 writes them."""
    assert all(stage.requirements == () for stage in build_toolkit().stages)
    ini = created(gated.post("initiatives", json={"toolkit": "gated", "title": "T"}))["id"]
    note = {"evidence_type": "note", "payload": {"text": "x"}}
    created(gated.post(f"initiatives/{ini}/evidence", json=note))
    created(gated.post(f"initiatives/{ini}/transitions", json={"to_stage": "second"}))
    assert progress(gated, ini)["requirements"] == []
    assert gated.get("toolkits/gated").json["stages"][1]["requirements"] == []


# The host checks the declarations ---------------------------------------------------------


@pytest.mark.parametrize(
    ("requirements_given", "problem"),
    [
        ((Requirement("same", "One."), Requirement("same", "Two.")), "key 'same' is used 2 times"),
        ((Requirement("Not A Key", "Text."),), "is not a valid key"),
        ((Requirement("empty", "  "),), "text: must not be empty"),
        ((Requirement("odd", "Text.", checked="yes"),), "checked: must be True or False"),  # type: ignore[arg-type]
        (("just a string",), "must be a Requirement"),
    ],
)
def test_a_wrong_requirement_is_refused_at_registration(requirements_given, problem):
    tiny = build_toolkit()
    stage = Stage("first", "First", "Where it starts.", requirements=requirements_given)
    problems = check_toolkit(dataclasses.replace(tiny, stages=(stage, *tiny.stages[1:])))
    assert any(problem in line and line.startswith("stages[0].requirements") for line in problems)


def test_allows_new_rounds_must_be_a_boolean():
    wrong = dataclasses.replace(build_toolkit(), allows_new_rounds="yes")
    assert check_toolkit(wrong) == ["allows_new_rounds: must be True or False, not 'yes'"]
    assert check_toolkit(dataclasses.replace(build_toolkit(), stage_flow=StageFlow.CYCLIC)) == []
