"""Participants as they come: where from (affiliation), how old (age band, so a child's
consent is a parent's), and roles that say what they mean."""

from __future__ import annotations

import pytest

from toolkits_core import ParticipantRole

PARENT = {"consent_given_by": "parent", "consent_given_on": "2026-09-01"}


@pytest.fixture
def initiative(api):
    response = api.post("initiatives", json={"toolkit": "coproduction-star", "title": "PRESENT"})
    assert response.status_code == 201, response.json
    return response.json["id"]


def add(api, initiative, **fields):
    body = {"role": "person_using_services", "display_name": "Pupil A", **fields}
    return api.post(f"initiatives/{initiative}/participants", json=body)


def problems(response):
    assert response.status_code == 422, response.json
    return {(error["field"], error.get("code")) for error in response.json["errors"]}


def listed(api, initiative):
    response = api.get(f"initiatives/{initiative}/participants")
    assert response.status_code == 200, response.json
    return response.json["items"]


def test_a_child_cannot_give_their_own_consent_and_nothing_is_stored(api, initiative):
    for giver in ("self", "welfare_attorney", None):
        refused = add(api, initiative, age_band="under_16", consent="given", consent_given_by=giver)
        assert problems(refused) == {("consent_given_by", "consent_needs_parent")}
    refused = add(
        api,
        initiative,
        age_band="under_16",
        consent="given",
        consent_given_by="self",
        consent_given_on="2026-09-01",
        publication_consent="given",
    )
    assert ("consent_given_by", "consent_needs_parent") in problems(refused)
    assert listed(api, initiative) == []


def test_a_parent_or_guardian_gives_a_childs_consent_to_take_part_and_to_publish(api, initiative):
    made = add(
        api, initiative, age_band="under_16", consent="given", publication_consent="given", **PARENT
    )
    assert made.status_code == 201, made.json
    assert made.json["age_band"] == "under_16"
    assert made.json["consent_given_by"] == "parent"
    assert made.json["publication_consent"] == "given"
    guardian = add(
        api, initiative, age_band="under_16", consent="given", consent_given_by="guardian"
    )
    assert guardian.status_code == 201, guardian.json
    assert api.get(f"participants/{made.json['id']}").json == made.json


def test_a_child_without_consent_yet_is_recorded_and_their_withdrawal_needs_nobody(api, initiative):
    child = add(api, initiative, age_band="under_16")
    assert child.status_code == 201, child.json
    assert child.json["consent"] == "not_recorded"
    given = add(api, initiative, age_band="under_16", consent="given", **PARENT).json
    withdrawn = api.patch(
        f"participants/{given['id']}", json={"consent": "withdrawn", "consent_given_by": None}
    )
    assert withdrawn.status_code == 200, withdrawn.json
    assert withdrawn.json["consent"] == "withdrawn"


def test_making_someone_under_16_whose_consent_was_their_own_is_refused(api, initiative):
    pupil = add(api, initiative, consent="given", consent_given_by="self").json
    assert pupil["age_band"] == "adult"
    refused = api.patch(f"participants/{pupil['id']}", json={"age_band": "under_16"})
    assert problems(refused) == {("consent_given_by", "consent_needs_parent")}
    assert api.get(f"participants/{pupil['id']}").json == pupil
    # Recording the parent's consent in the same change is how it is done...
    changed = api.patch(f"participants/{pupil['id']}", json={"age_band": "under_16", **PARENT})
    assert changed.status_code == 200, changed.json
    assert (changed.json["age_band"], changed.json["consent_given_by"]) == ("under_16", "parent")
    # ... or consent goes back to not recorded until a parent gives it.
    other = add(api, initiative, consent="given", consent_given_by="self").json
    cleared = api.patch(
        f"participants/{other['id']}", json={"age_band": "under_16", "consent": "not_recorded"}
    )
    assert cleared.status_code == 200, cleared.json
    assert cleared.json["consent"] == "not_recorded"


def test_a_16_or_17_year_old_may_consent_for_themself_but_who_gave_it_is_recorded(api, initiative):
    made = add(api, initiative, age_band="16-17", consent="given", consent_given_by="self")
    assert made.status_code == 201, made.json
    assert made.json["age_band"] == "16-17"
    by_parent = add(api, initiative, age_band="16-17", consent="given", **PARENT)
    assert by_parent.status_code == 201, by_parent.json
    refused = add(api, initiative, age_band="16-17", consent="given")
    assert problems(refused) == {("consent_given_by", "consent_giver_needed")}
    refused = api.patch(f"participants/{made.json['id']}", json={"consent_given_by": None})
    assert problems(refused) == {("consent_given_by", "consent_giver_needed")}


def test_an_unknown_age_band_is_refused_naming_the_field(api, initiative):
    assert {field for field, _ in problems(add(api, initiative, age_band="child"))} == {"age_band"}
    person = add(api, initiative).json
    refused = api.patch(f"participants/{person['id']}", json={"age_band": "15"})
    assert {field for field, _ in problems(refused)} == {"age_band"}


def test_an_affiliation_says_where_someone_comes_from_and_round_trips(api, initiative):
    owner = add(
        api,
        initiative,
        role="neighbour_or_community_member",
        display_name="Owner",
        affiliation="  Café Brio  ",
    )
    assert owner.status_code == 201, owner.json
    assert owner.json["affiliation"] == "Café Brio"
    assert owner.json["display_name"] == "Owner"
    person = owner.json["id"]
    assert api.get(f"participants/{person}").json["affiliation"] == "Café Brio"
    moved = api.patch(f"participants/{person}", json={"affiliation": "Milngavie Traders"})
    assert moved.json["affiliation"] == "Milngavie Traders"
    assert moved.json["version"] == owner.json["version"] + 1
    cleared = api.patch(f"participants/{person}", json={"affiliation": None})
    assert cleared.json["affiliation"] is None
    for bad in ("", "   ", "x" * 201):
        assert {f for f, _ in problems(add(api, initiative, affiliation=bad))} == {"affiliation"}
    assert [p["id"] for p in listed(api, initiative)] == [person]


def test_a_replaced_participant_without_the_new_fields_goes_back_to_their_defaults(api, initiative):
    path = f"initiatives/{initiative}/participants/by-external-ref/CRM-9"
    body = {"role": "professional", "display_name": "Link worker"}
    made = api.put(path, json={**body, "affiliation": "Dementia network", "age_band": "16-17"})
    assert made.status_code == 201, made.json
    replaced = api.put(path, json=body)
    assert replaced.status_code == 200, replaced.json
    assert (replaced.json["affiliation"], replaced.json["age_band"]) == (None, "adult")


def test_every_role_is_described_in_the_toolkit_and_in_the_api_document(api):
    toolkit = api.get("toolkits/coproduction-star")
    assert toolkit.status_code == 200, toolkit.json
    roles = {role["key"]: role for role in toolkit.json["roles"]}
    assert list(roles) == [role.value for role in ParticipantRole]
    for role in roles.values():
        assert role["label"]
        assert len(role["description"]) > 40
    # The two roles people confuse say how to choose between them.
    assert "paid job" in roles["professional"]["description"]
    assert "represent" in roles["partner_organisation"]["description"]
    document = api.get("openapi.json").json
    schemas = document["components"]["schemas"]
    described = schemas["Participant"]["properties"]["role"]["description"]
    for key, role in roles.items():
        assert f"{key}: {role['description']}" in described
    toolkit_roles = schemas["Toolkit"]["properties"]["roles"]
    assert toolkit_roles["type"] == "array"
    age_band = schemas["Participant"]["properties"]["age_band"]
    assert age_band["enum"] == ["adult", "16-17", "under_16"]
    assert "parent or guardian" in age_band["description"]
