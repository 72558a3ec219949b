"""A team walks the Double Diamond over HTTP: back to Define when testing says so, and round
again after Deliver (the iterative flow), with the plugin's gates, advice and activity rule.

Written with coprod's pytest plugin, as a plugin author would: ``coprod_client`` is the
API in process with only the Double Diamond loaded.
"""

from __future__ import annotations

import pytest

import plugins.double_diamond as double_diamond


@pytest.fixture
def coprod_plugin():
    return ("double_diamond", double_diamond)


def record(api, initiative, evidence_type, text, **more):
    body = {"evidence_type": evidence_type, "payload": {"text": text}, **more}
    return api.created(f"initiatives/{initiative}/evidence", body)


def test_a_team_goes_back_to_define_and_round_again(coprod_client):
    api = coprod_client
    ini = api.start("Lunch club for carers")
    api.assert_blocked(ini, "define", "discover_met_nobody_using_the_service")
    ann = api.created(
        f"initiatives/{ini}/participants",
        {"role": "family_member_or_carer", "display_name": "Ann", "consent": "given"},
    )["id"]
    api.created(
        f"initiatives/{ini}/activities",
        {"activity_type": "listening-visit", "title": "Coffee mornings", "participant_ids": [ann]},
    )
    api.move(ini, "define")

    # A co-design workshop needs someone to co-design with (coprod_validate_activity).
    alone = api.post(
        f"initiatives/{ini}/activities",
        json={"activity_type": "co-design-workshop", "title": "Staff only"},
    )
    assert alone.status_code == 422, alone.json
    assert "co_design_without_people_using_the_service" in alone.get_data(as_text=True)
    api.created(
        f"initiatives/{ini}/activities",
        {"activity_type": "co-design-workshop", "title": "Framing", "participant_ids": [ann]},
    )
    api.assert_blocked(ini, "develop", "no_problem_statement")
    # Evidence types keep to the phases they declare.
    early = api.post(
        f"initiatives/{ini}/evidence",
        json={"evidence_type": "prototype-feedback", "payload": {"text": "Too soon"}},
    )
    assert early.status_code == 422, early.json
    assert "evidence_type_not_in_stage" in early.get_data(as_text=True)
    record(api, ini, "problem-statement", "Carers cannot get out at lunchtime.")
    api.move(ini, "develop")

    api.assert_blocked(ini, "deliver", "no_prototype_feedback")
    record(api, ini, "prototype-feedback", "Staff liked the rota.")
    (forward,) = [m for m in api.progress(ini)["moves"] if m["to_stage"] == "deliver"]
    assert forward["allowed"] is True
    assert [a["code"] for a in forward["advice"]] == ["not_tested_with_people_using_the_service"]
    # Testing with Ann shows the problem was framed wrongly: back to Define, same round.
    record(api, ini, "prototype-feedback", "Lunch is not the problem; transport is.",
           participant_id=ann)  # fmt: skip
    back = api.move(ini, "define")
    assert (back["kind"], back["cycle"]) == ("revisit", 1)
    record(api, ini, "problem-statement", "Carers have no way to get to the club.")
    api.move(ini, "develop", "deliver")

    api.assert_blocked(ini, "discover", "nothing_delivered_to_learn_from")
    record(api, ini, "field-note", "Twelve carers came to the first three clubs.")
    again = api.move(ini, "discover")
    assert (again["kind"], again["cycle"]) == ("new_cycle", 2)
    progress = api.progress(ini)
    assert (progress["stage"], progress["cycle"]) == ("discover", 2)
    # Last round's visit does not open this round's Discover gate.
    api.assert_blocked(ini, "define", "discover_met_nobody_using_the_service")
    history = api.get(f"initiatives/{ini}/transitions").json["items"]
    assert [e["kind"] for e in history] == [
        "start", "advance", "advance", "revisit", "advance", "advance", "new_cycle",
    ]  # fmt: skip


def test_the_double_diamond_credits_the_design_council_under_cc_by(coprod_client):
    shown = coprod_client.get("toolkits/double-diamond").json
    assert shown["licence_id"] == "CC-BY-4.0"
    assert "Design Council" in shown["attribution"]
    assert shown["adapted_from"].startswith("Adapted from the Design Council's Double Diamond")
    assert shown["stage_flow"] == "iterative"
