"""coprod's pytest plugin, as a plugin author uses it: the Star is the plugin under test.

The fixtures come from the ``pytest11`` entry point (``toolkits_core.testing`` and
``api.testing``), with no conftest of the plugin's own; this module only says which
plugin it tests, by overriding ``coprod_plugin``.
"""

from __future__ import annotations

import pytest

import plugins.coproduction_star as star
from toolkits_core import ALL_CYCLES, Consent, ParticipantRole, PluginHost

CHARTER = {
    "title": "The walkers' charter",
    "roles": "Walkers choose routes.",
    "responsibilities": "The council keeps paths clear.",
    "incentives": "A cafe voucher for each walk led.",
}


@pytest.fixture
def coprod_plugin():
    return ("coproduction_star", star)


def test_the_host_holds_only_the_plugin_under_test(coprod_host: PluginHost, coprod_toolkit):
    assert [info.name for info in coprod_host.plugins] == ["coproduction_star"]
    assert coprod_toolkit.key == "coproduction-star"


def test_the_view_builders_fill_in_the_toolkits_defaults(coprod_views):
    initiative = coprod_views.initiative()
    assert (initiative.stage, initiative.cycle, initiative.reached_stages) == (
        "map-it",
        1,
        ("map-it",),
    )
    evidence = coprod_views.evidence("session-notes", payload={"text": "x"})
    assert (evidence.evidence_type, evidence.stage) == ("session-notes", "map-it")


def test_walking_views_through_the_stars_gates(coprod_views, coprod_walk):
    start = coprod_views.initiative()
    coprod_walk.assert_blocked(start, "focus-it", "no_mapping_recorded")
    mapped = coprod_views.initiative(
        activities=[coprod_views.activity("co-production-mapping-session")]
    )
    at_focus = coprod_walk.move(mapped, "focus-it")
    assert at_focus.reached_stages == ("map-it", "focus-it")
    coprod_walk.assert_blocked(at_focus, "people-it", "no_focus_recorded")
    person = coprod_views.participant(ParticipantRole.PERSON_USING_SERVICES, Consent.NOT_RECORDED)
    ready = coprod_views.initiative(
        "focus-it",
        reached_stages=("map-it",),
        participants=[person],
        evidence=[coprod_views.evidence("session-notes", "focus-it", {"text": "walks"})],
    )
    at_people = coprod_walk.move(ready, "people-it")
    # The person has not consented, so People it cannot be left.
    coprod_walk.assert_blocked(at_people, "market-it", "no_people_using_services")
    assert at_people.count_participants(consent=None) == 1
    assert not at_people.has_evidence(evidence_type="co-production-charter", cycle=ALL_CYCLES)


def test_walking_the_star_over_http(coprod_client):
    api = coprod_client
    initiative = api.start("Walking together")
    api.assert_blocked(initiative, "focus-it", "no_mapping_recorded")
    api.created(
        f"initiatives/{initiative}/activities",
        {"activity_type": "co-production-mapping-session", "title": "Mapping"},
    )
    api.move(initiative, "focus-it")
    notes = {"evidence_type": "session-notes", "payload": {"text": "Walks first."}}
    api.created(f"initiatives/{initiative}/evidence", notes)
    api.move(initiative, "people-it")
    api.assert_blocked(initiative, "market-it", "no_people_using_services")
    ann = {"role": "person_using_services", "display_name": "Ann", "consent": "given"}
    api.created(f"initiatives/{initiative}/participants", ann)
    api.move(initiative, "market-it")
    api.assert_blocked(initiative, "grow-it", "no_co_production_charter")
    charter = {"evidence_type": "co-production-charter", "payload": CHARTER}
    api.created(f"initiatives/{initiative}/evidence", charter)
    entry = api.move(initiative, "grow-it")
    assert entry["stage"] == "grow-it"
    # The end of the round: the Star goes round again, once Grow it has left a trace.
    [offered] = api.progress(initiative)["moves"]
    assert (offered["to_stage"], offered["new_round"], offered["allowed"]) == (
        "map-it",
        True,
        False,
    )
    assert api.with_scope("read").post("initiatives", json={}).status_code == 403
