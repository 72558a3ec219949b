"""Sequential, revisitable and cyclic toolkits all run over HTTP, with no code of their own.

No shipped toolkit is revisitable, so a small plugin made here registers one of each flow;
the API must run all three from their definitions alone.
"""

from __future__ import annotations

import pytest
from conftest import ApiClient, build_toolkit

from toolkits_core import PluginHost, StageFlow, hookimpl


class ThreeFlows:
    """A plugin with the same three-stage toolkit in each flow."""

    @hookimpl
    def coprod_register_toolkits(self, register):
        for flow in StageFlow:
            register(build_toolkit(key=f"tiny-{flow.value}", name=f"Tiny {flow.value}",
                                   stage_flow=flow))  # fmt: skip


@pytest.fixture(scope="module")
def flows_app(make_app):
    return make_app(PLUGIN_HOST=PluginHost.of(("three_flows", ThreeFlows())))


@pytest.fixture
def flows(flows_app, org):
    return ApiClient(flows_app.test_client(), org.tokens["write"])


def start(api, flow):
    response = api.post("initiatives", json={"toolkit": f"tiny-{flow}", "title": flow})
    assert response.status_code == 201, response.json
    return response.json["id"]


def move(api, initiative, to_stage):
    return api.post(f"initiatives/{initiative}/transitions", json={"to_stage": to_stage})


def moves(api, initiative):
    progress = api.get(f"initiatives/{initiative}/progress").json
    return {m["to_stage"]: (m["kind"], m["allowed"]) for m in progress["moves"]}


def test_a_sequential_toolkit_goes_forward_one_stage_at_a_time(flows):
    ini = start(flows, "sequential")
    assert move(flows, ini, "third").json["blockers"][0]["code"] == "stage_skipped"
    assert move(flows, ini, "second").status_code == 201
    assert move(flows, ini, "third").status_code == 201
    assert moves(flows, ini) == {}
    back = move(flows, ini, "first")
    assert back.status_code == 409
    assert back.json["blockers"][0]["code"] == "no_going_back"


def test_a_revisitable_toolkit_goes_back_to_stages_already_reached(flows):
    ini = start(flows, "revisitable")
    assert move(flows, ini, "second").status_code == 201
    assert moves(flows, ini) == {"third": ("advance", True), "first": ("revisit", True)}
    revisit = move(flows, ini, "first")
    assert revisit.status_code == 201
    assert revisit.json["kind"] == "revisit"
    assert move(flows, ini, "second").json["kind"] == "advance"
    assert move(flows, ini, "third").status_code == 201
    progress = flows.get(f"initiatives/{ini}/progress").json
    assert progress["reached_stages"] == ["first", "second", "third"]
    history = flows.get(f"initiatives/{ini}/transitions").json["items"]
    assert [(h["stage"], h["kind"]) for h in history] == [
        ("first", "start"), ("second", "advance"), ("first", "revisit"),
        ("second", "advance"), ("third", "advance"),
    ]  # fmt: skip


def test_a_revisitable_toolkit_cannot_jump_to_a_stage_not_reached(flows):
    ini = start(flows, "revisitable")
    jump = move(flows, ini, "third")
    assert jump.status_code == 409
    assert jump.json["blockers"][0]["code"] == "stage_skipped"


def test_a_cyclic_toolkit_starts_a_new_cycle_after_its_last_stage(flows):
    ini = start(flows, "cyclic")
    move(flows, ini, "second")
    move(flows, ini, "third")
    assert moves(flows, ini) == {"first": ("new_cycle", True)}
    again = move(flows, ini, "first")
    assert again.status_code == 201
    assert (again.json["kind"], again.json["cycle"]) == ("new_cycle", 2)
    shown = flows.get(f"initiatives/{ini}").json
    assert (shown["stage"], shown["cycle"]) == ("first", 2)
    # Work is recorded in the cycle the initiative is in.
    note = flows.post(
        f"initiatives/{ini}/evidence", json={"evidence_type": "note", "payload": {"text": "x"}}
    )
    assert note.status_code == 201, note.json
    assert note.json["cycle"] == 2
    wrong_way = move(flows, ini, "third")
    assert wrong_way.json["blockers"][0]["code"] == "stage_skipped"
