"""Only people who have consented count in a toolkit's rules, whoever wrote the rule.

A third-party toolkit's gate, "an activity with a person who uses the service", opened on
a person who had never consented (issue 13): activities showed their rules every linked
participant's role. Rules now see, in ``ActivityView.participant_roles``, only those
whose consent is given, in progress and in transitions, before and after a withdrawal.
"""

from __future__ import annotations

import pytest
from conftest import ApiClient, build_toolkit

from toolkits_core import Blocker, ParticipantRole, PluginHost, hookimpl

TOOLKIT = "tiny-gated"


class PersonGate:
    """Leaving the first stage needs an activity with a person who uses the service."""

    @hookimpl
    def coprod_register_toolkits(self, register):
        register(build_toolkit(key=TOOLKIT, name="Tiny gated"))

    @hookimpl
    def coprod_transition_blockers(self, toolkit, initiative, transition):
        if any(
            ParticipantRole.PERSON_USING_SERVICES in activity.participant_roles
            for activity in initiative.activities
        ):
            return []
        return [Blocker("needs_person", "Meet with a person who uses the service.")]


@pytest.fixture(scope="module")
def gated_app(make_app):
    return make_app(PLUGIN_HOST=PluginHost.of(("person_gate", PersonGate())))


@pytest.fixture
def gated(gated_app, org):
    return ApiClient(gated_app.test_client(), org.tokens["write"])


def initiative_with_a_meeting(api, consent):
    """An initiative whose one meeting had a person using the service with this consent."""
    found = api.post("initiatives", json={"toolkit": TOOLKIT, "title": "Walks"}).json["id"]
    person = api.post(
        f"initiatives/{found}/participants",
        json={"role": "person_using_services", "display_name": "Ann", "consent": consent},
    ).json["id"]
    meeting = api.post(
        f"initiatives/{found}/activities",
        json={"activity_type": "meeting", "title": "Walk", "participant_ids": [person]},
    )
    assert meeting.status_code == 201, meeting.json
    return found, person


def move_to_second(api, initiative):
    (move,) = api.get(f"initiatives/{initiative}/progress").json["moves"]
    return move


@pytest.mark.parametrize("consent", ["not_recorded", "withdrawn"])
def test_a_person_who_has_not_consented_does_not_open_a_gate(gated, consent):
    initiative, _ = initiative_with_a_meeting(gated, consent)
    move = move_to_second(gated, initiative)
    assert move["allowed"] is False
    assert [b["code"] for b in move["blockers"]] == ["needs_person"]
    refused = gated.post(f"initiatives/{initiative}/transitions", json={"to_stage": "second"})
    assert refused.status_code == 409, refused.json
    assert refused.json["code"] == "transition_refused"


def test_a_gate_opens_on_consent_and_closes_again_when_it_is_withdrawn(gated):
    initiative, person = initiative_with_a_meeting(gated, "given")
    assert move_to_second(gated, initiative)["allowed"] is True
    withdrawn = gated.patch(f"participants/{person}", json={"consent": "withdrawn"})
    assert withdrawn.status_code == 200, withdrawn.json
    assert move_to_second(gated, initiative)["allowed"] is False
    given = gated.patch(f"participants/{person}", json={"consent": "given"})
    assert given.status_code == 200, given.json
    moved = gated.post(f"initiatives/{initiative}/transitions", json={"to_stage": "second"})
    assert moved.status_code == 201, moved.json
