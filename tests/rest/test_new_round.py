"""New rounds (plugin API 1.2): after its last stage, an initiative may go round again.

The Star allows it (``allows_new_rounds``): PRESENT's second year is a new round of the
same initiative, not a new initiative. What earlier rounds recorded stays, under their
``cycle``; each round's gates ask for that round's own trace. A toolkit that runs once
refuses a new round with a blocker saying so, and nothing changes.
"""

from __future__ import annotations

import pytest
from conftest import ApiClient, build_toolkit
from walking import created, move, refused

from toolkits_core import InitiativeView, PluginHost, StageFlow, TransitionKind, hookimpl

STAR = "coproduction-star"
CHARTER = {
    "title": "The walkers' charter",
    "roles": "Walkers choose routes; pupils walk alongside.",
    "responsibilities": "The council keeps paths safe and clear.",
    "incentives": "A cafe voucher for each walk led.",
}


def record(api, ini, kind, body):
    return created(api.post(f"initiatives/{ini}/{kind}", json=body))


def star_at_grow_it(api):
    """A Star initiative taken through its first round, each step's trace recorded."""
    ini = created(api.post("initiatives", json={"toolkit": STAR, "title": "PRESENT"}))["id"]
    record(api, ini, "participants", {"role": "person_using_services",
                                      "display_name": "Walker A", "consent": "given"})  # fmt: skip
    record(api, ini, "activities", {"activity_type": "co-production-mapping-session",
                                    "title": "Mapping year one"})  # fmt: skip
    move(api, ini, "focus-it")
    record(api, ini, "evidence", {"evidence_type": "session-notes",
                                  "payload": {"text": "Walks, oral history, a cafe."}})  # fmt: skip
    move(api, ini, "people-it")
    move(api, ini, "market-it")
    record(api, ini, "evidence", {"evidence_type": "co-production-charter", "payload": CHARTER})
    move(api, ini, "grow-it")
    return ini


def new_round(api, ini, to_stage="map-it", **extra):
    body = {"to_stage": to_stage, "new_round": True, **extra}
    return api.post(f"initiatives/{ini}/transitions", json=body)


def test_the_toolkits_say_whether_they_go_round_again(api):
    listed = {t["key"]: t["allows_new_rounds"] for t in api.get("toolkits").json["items"]}
    assert listed == {STAR: True, "national-standards": True}  # a cycle always goes round
    assert api.get(f"toolkits/{STAR}").json["allows_new_rounds"] is True


def test_the_star_starts_a_second_round_at_map_it_keeping_the_first(api):
    ini = star_at_grow_it(api)

    # Progress offers the new round before anyone asks, with what it needs.
    state = api.get(f"initiatives/{ini}/progress").json
    [offered] = state["moves"]
    assert (offered["to_stage"], offered["kind"], offered["new_round"]) == (
        "map-it",
        "new_cycle",
        True,
    )
    assert [b["code"] for b in offered["blockers"]] == ["no_growth_recorded"]
    assert {r["key"]: r["met"] for r in state["requirements"]} == {
        "no_people_using_services": True,
        "no_growth_recorded": False,
    }
    blocked = refused(new_round(api, ini), 409, "transition_refused")
    assert [b["code"] for b in blocked["blockers"]] == ["no_growth_recorded"]

    roadshow = record(api, ini, "activities", {"activity_type": "co-production-roadshow",
                                               "title": "Year one roadshow"})  # fmt: skip
    entry = created(new_round(api, ini, note="Year two: more walks, a second cafe"))
    assert (entry["from_stage"], entry["stage"], entry["cycle"], entry["kind"]) == (
        "grow-it",
        "map-it",
        2,
        "new_cycle",
    )
    initiative = api.get(f"initiatives/{ini}").json
    assert (initiative["stage"], initiative["cycle"]) == ("map-it", 2)

    # The first round's history stays, each entry under its round.
    history = api.get(f"initiatives/{ini}/transitions").json["items"]
    assert [(h["stage"], h["cycle"]) for h in history] == [
        ("map-it", 1),
        ("focus-it", 1),
        ("people-it", 1),
        ("market-it", 1),
        ("grow-it", 1),
        ("map-it", 2),
    ]
    assert api.get(f"activities/{roadshow['id']}").json["cycle"] == 1
    first_round = api.get(f"initiatives/{ini}/activities", query_string={"cycle": 1}).json
    assert len(first_round["items"]) == 2

    # Round two's gates ask for round two's trace: last year's map does not count.
    assert {r["key"]: r["met"] for r in api.get(f"initiatives/{ini}/progress").json[
        "requirements"]} == {"no_mapping_recorded": False}  # fmt: skip
    mapping = record(api, ini, "activities", {"activity_type": "co-production-mapping-session",
                                              "title": "Mapping year two"})  # fmt: skip
    assert mapping["cycle"] == 2
    assert move(api, ini, "focus-it")["cycle"] == 2


def test_a_case_study_tells_both_rounds_by_stage_with_dates(api):
    ini = star_at_grow_it(api)
    record(api, ini, "activities", {"activity_type": "co-production-roadshow",
                                    "title": "Year one roadshow"})  # fmt: skip
    created(new_round(api, ini))
    study = created(api.post(f"initiatives/{ini}/case-studies", json={}))
    content = api.get(f"case-studies/{study['id']}/content").json
    [steps] = [item for item in content["sections"] if item["key"] == "steps"]
    stage_steps = [s for s in steps["timeline"] if s["kind"] == "stage"]
    assert [s["stage_name"] for s in stage_steps] == [
        "Map it", "Focus it", "People it", "Market it", "Grow it", "Map it",
    ]  # fmt: skip
    assert all(s["on"] for s in stage_steps)
    assert "cycle 2" in stage_steps[-1]["what"]  # the round is shown
    assert "cycle" not in stage_steps[0]["what"]


def test_a_plain_move_back_is_not_a_new_round(api):
    ini = star_at_grow_it(api)
    blocked = refused(
        api.post(f"initiatives/{ini}/transitions", json={"to_stage": "map-it"}),
        409,
        "transition_refused",
    )
    [blocker] = blocked["blockers"]
    assert blocker["code"] == "no_going_back"
    assert "new_round" in blocker["message"]
    assert api.get(f"initiatives/{ini}").json["cycle"] == 1


def test_a_new_round_starts_only_from_the_last_stage_and_only_at_the_first(api):
    ini = created(api.post("initiatives", json={"toolkit": STAR, "title": "Early"}))["id"]
    before = api.get(f"initiatives/{ini}").json
    blocked = refused(new_round(api, ini), 409, "transition_refused")
    assert [b["code"] for b in blocked["blockers"]] == ["round_not_finished"]

    grown = star_at_grow_it(api)
    blocked = refused(new_round(api, grown, to_stage="focus-it"), 409, "transition_refused")
    assert [b["code"] for b in blocked["blockers"]] == ["new_round_at_first_stage"]
    assert api.get(f"initiatives/{ini}").json == before


# Toolkits that run once, and cycles ---------------------------------------------------------


class Flows:
    """A sequential toolkit that runs once, and a cyclic one."""

    @hookimpl
    def coprod_register_toolkits(self, register):
        register(build_toolkit(key="once", name="Once"))
        register(build_toolkit(key="round", name="Round", stage_flow=StageFlow.CYCLIC))


@pytest.fixture(scope="module")
def flows_app(make_app):
    return make_app(PLUGIN_HOST=PluginHost.of(("flows", Flows())))


@pytest.fixture
def flows(flows_app, org):
    return ApiClient(flows_app.test_client(), org.tokens["write"])


def at_last_stage(api, toolkit):
    ini = created(api.post("initiatives", json={"toolkit": toolkit, "title": toolkit}))["id"]
    move(api, ini, "second")
    move(api, ini, "third")
    return ini


def test_a_toolkit_that_runs_once_refuses_a_new_round_and_changes_nothing(flows):
    assert flows.get("toolkits/once").json["allows_new_rounds"] is False
    ini = at_last_stage(flows, "once")
    assert flows.get(f"initiatives/{ini}/progress").json["moves"] == []
    before = flows.get(f"initiatives/{ini}")
    history = flows.get(f"initiatives/{ini}/transitions").json["items"]

    blocked = refused(new_round(flows, ini, to_stage="first"), 409, "transition_refused")
    [blocker] = blocked["blockers"]
    assert blocker["code"] == "new_round_not_allowed"
    assert "Once" in blocker["message"]
    after = flows.get(f"initiatives/{ini}")
    assert (after.json, after.headers["ETag"]) == (before.json, before.headers["ETag"])
    assert flows.get(f"initiatives/{ini}/transitions").json["items"] == history


@pytest.mark.parametrize("asked", [{}, {"new_round": True}])
def test_a_cycle_goes_round_whether_or_not_the_new_round_is_asked_for(flows, asked):
    assert flows.get("toolkits/round").json["allows_new_rounds"] is True
    ini = at_last_stage(flows, "round")
    [offered] = flows.get(f"initiatives/{ini}/progress").json["moves"]
    assert (offered["kind"], offered["new_round"], offered["allowed"]) == ("new_cycle", True, True)
    body = {"to_stage": "first", **asked}
    entry = created(flows.post(f"initiatives/{ini}/transitions", json=body))
    assert (entry["kind"], entry["cycle"]) == ("new_cycle", 2)


def test_new_round_must_be_a_boolean(api):
    ini = star_at_grow_it(api)
    response = new_round(api, ini, new_round="twice")
    assert response.status_code == 422
    assert api.get(f"initiatives/{ini}").json["cycle"] == 1


class Revisitable:
    """A revisitable toolkit that also allows new rounds: back to the first stage is
    either a revisit or a new round, and only new_round says which."""

    @hookimpl
    def coprod_register_toolkits(self, register):
        register(build_toolkit(stage_flow=StageFlow.REVISITABLE, allows_new_rounds=True))


def test_a_revisitable_toolkit_with_rounds_tells_a_revisit_from_a_new_round():
    host = PluginHost.of(("revisitable", Revisitable()))
    at_last = InitiativeView("tiny", "third", reached_stages=("first", "second", "third"))
    back = host.decide_transition(at_last, "first").transition
    assert back is not None
    assert (back.kind, back.cycle) == (TransitionKind.REVISIT, 1)
    again = host.decide_transition(at_last, "first", new_round=True).transition
    assert again is not None
    assert (again.kind, again.cycle) == (TransitionKind.NEW_CYCLE, 2)
