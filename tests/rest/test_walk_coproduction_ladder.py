"""TLAP's Ladder of Co-production: walked over HTTP as a toolkit of its own, and rating how
high the work of any toolkit's stage could reach, given who took part with consent."""

from __future__ import annotations

import pytest

import plugins.coproduction_ladder as ladder
import plugins.coproduction_star as star
from toolkits_core import Consent, ParticipantRole, ParticipantView, PluginHost

STAFF_ONLY = "ladder_staff_only_stage"


@pytest.fixture
def coprod_plugin():
    return ("coproduction_ladder", ladder)


def test_a_team_places_its_work_on_the_ladder_together_and_climbs(coprod_client):
    api = coprod_client
    ini = api.start("Day services")
    api.assert_blocked(ini, "climb", "ladder_not_placed_together")
    bea = api.created(
        f"initiatives/{ini}/participants",
        {"role": "person_using_services", "display_name": "Bea", "consent": "given"},
    )["id"]
    api.created(
        f"initiatives/{ini}/activities",
        {"activity_type": "ladder-talk", "title": "Where are we?", "participant_ids": [bea]},
    )
    api.created(
        f"initiatives/{ini}/assessments",
        {"scale": "ladder", "perspective": "person_using_services",
         "ratings": {"sharing-power": 4}},
    )  # fmt: skip
    (move,) = api.progress(ini)["moves"]
    assert (move["allowed"], move["advice"]) == (True, [])  # Bea took part: no ceiling
    api.move(ini, "climb", "look-back")
    back = api.move(ini, "where-are-we")
    assert back["kind"] == "revisit"
    shown = api.get("toolkits/ladder-of-coproduction").json
    assert "Think Local Act Personal" in shown["attribution"]
    assert [level["label"] for level in shown["scales"][0]["levels"]] == [
        "Coercion", "Educating", "Informing", "Consultation", "Engagement", "Co-design",
        "Co-production",
    ]  # fmt: skip


class TestOnAnotherToolkit:
    """The ladder's advice on the Star's stages, in a host holding both plugins."""

    @pytest.fixture
    def coprod_host(self):
        return PluginHost.of(("coproduction_star", star), ("coproduction_ladder", ladder))

    @pytest.fixture
    def coprod_toolkit(self, coprod_host):
        return coprod_host.toolkit("coproduction-star")

    def test_staff_only_work_is_rated_informing_at_most_over_http(self, coprod_client):
        api = coprod_client
        ini = api.start("Walks")
        api.created(
            f"initiatives/{ini}/activities",
            {"activity_type": "co-production-mapping-session", "title": "Staff mapping"},
        )
        (move,) = api.progress(ini)["moves"]
        assert move["allowed"] is True  # advice never blocks the Star
        [advice] = move["advice"]
        assert (advice["code"], advice["plugin"]) == (STAFF_ONLY, "coproduction_ladder")
        assert "Informing (rung 3 of 7) at most" in advice["message"]
        api.move(ini, "focus-it")

    def test_a_consenting_co_producer_lifts_the_ceiling(self, coprod_host, coprod_views):
        person = ParticipantView(ParticipantRole.FAMILY_MEMBER_OR_CARER, Consent.GIVEN)
        unconsented = ParticipantView(ParticipantRole.FAMILY_MEMBER_OR_CARER, Consent.WITHDRAWN)
        for who, advised in (([person], []), ([unconsented], [STAFF_ONLY])):
            mapping = coprod_views.activity("co-production-mapping-session", participants=who)
            decision = coprod_host.decide_transition(
                coprod_views.initiative(activities=[mapping]), "focus-it"
            )
            assert [a.code for a in decision.advice] == advised
        # No activity at all: nothing to rate (the Star's own blocker speaks instead).
        empty = coprod_host.decide_transition(coprod_views.initiative(), "focus-it")
        assert empty.advice == ()
        assert [b.code for b in empty.blockers] == ["no_mapping_recorded"]
