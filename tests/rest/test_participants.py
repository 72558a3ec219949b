"""Participants over HTTP: who takes part in an initiative, by role, with their consent."""

from __future__ import annotations

import datetime as dt

STAR = "coproduction-star"
STANDARDS = "national-standards"

FIELDS = {
    "id", "initiative_id", "role", "display_name", "consent", "consent_recorded_at",
    "external_ref", "created_at", "updated_at", "version", "erased_at",
    "consent_given_on", "consent_given_by", "publication_consent",
    "publication_consent_recorded_at", "affiliation", "age_band",
}  # fmt: skip


def new_initiative(api, toolkit=STAR):
    response = api.post("initiatives", json={"toolkit": toolkit, "title": "Walking group"})
    assert response.status_code == 201, response.json
    return response.json["id"]


def add(api, initiative, **fields):
    body = {"role": "person_using_services", "display_name": "Jean", **fields}
    response = api.post(f"initiatives/{initiative}/participants", json=body)
    assert response.status_code == 201, response.json
    return response


def ids(response):
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def moment(text):
    return dt.datetime.fromisoformat(text)


def test_a_participant_is_stored_with_only_a_role_a_name_and_consent(api):
    initiative = new_initiative(api)
    before = dt.datetime.now(dt.UTC)
    response = add(
        api,
        initiative,
        role="family_member_or_carer",
        display_name="  Carer A  ",
        consent="given",
        external_ref="CRM-P1",
    )
    body = response.json
    assert set(body) == FIELDS
    assert body["id"].startswith("par_")
    assert body["initiative_id"] == initiative
    assert body["role"] == "family_member_or_carer"
    assert body["display_name"] == "Carer A"
    assert body["consent"] == "given"
    assert body["external_ref"] == "CRM-P1"
    assert body["version"] == 1
    assert body["affiliation"] is None
    assert body["age_band"] == "adult"
    recorded = moment(body["consent_recorded_at"])
    assert recorded.tzinfo is not None
    assert before - dt.timedelta(seconds=1) <= recorded <= dt.datetime.now(dt.UTC)
    assert response.headers["ETag"] == f'"{body["id"]}.1"'
    assert response.headers["Location"].endswith(f"/api/v1/participants/{body['id']}")
    shown = api.get(f"participants/{body['id']}")
    assert shown.status_code == 200
    assert shown.json == body
    assert shown.headers["ETag"] == response.headers["ETag"]


def test_consent_is_not_recorded_unless_given_and_then_has_no_time(api):
    body = add(api, new_initiative(api)).json
    assert body["consent"] == "not_recorded"
    assert body["consent_recorded_at"] is None
    assert body["external_ref"] is None


def test_withdrawn_consent_on_creation_is_stamped_too(api):
    body = add(api, new_initiative(api), consent="withdrawn").json
    assert body["consent_recorded_at"] is not None


def test_the_consent_time_moves_only_when_consent_changes(api):
    participant = add(api, new_initiative(api)).json
    path = f"participants/{participant['id']}"

    given = api.patch(path, json={"consent": "given"}).json
    assert given["consent"] == "given"
    assert given["consent_recorded_at"] is not None
    assert given["version"] == 2

    resent = api.patch(path, json={"consent": "given"}).json
    assert resent["consent_recorded_at"] == given["consent_recorded_at"]
    assert resent["version"] == 2

    renamed = api.patch(path, json={"display_name": "J."}).json
    assert renamed["consent_recorded_at"] == given["consent_recorded_at"]

    withdrawn = api.patch(path, json={"consent": "withdrawn"}).json
    assert withdrawn["consent"] == "withdrawn"
    assert moment(withdrawn["consent_recorded_at"]) >= moment(given["consent_recorded_at"])
    assert withdrawn["version"] == 4

    cleared = api.patch(path, json={"consent": "not_recorded"}).json
    assert cleared["consent_recorded_at"] is None


def test_the_consent_time_cannot_be_sent(api):
    initiative = new_initiative(api)
    response = api.post(
        f"initiatives/{initiative}/participants",
        json={
            "role": "volunteer",
            "display_name": "V",
            "consent": "given",
            "consent_recorded_at": "2020-01-01T00:00:00Z",
        },
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == ["consent_recorded_at"]
    participant = add(api, initiative).json
    patched = api.patch(
        f"participants/{participant['id']}", json={"consent_recorded_at": "2020-01-01T00:00:00Z"}
    )
    assert patched.status_code == 422
    assert api.get(f"participants/{participant['id']}").json == participant


def test_bad_input_lists_every_field_problem_and_stores_nothing(api):
    initiative = new_initiative(api)
    response = api.post(
        f"initiatives/{initiative}/participants",
        json={"role": "mayor", "display_name": "   ", "consent": "maybe", "email": "a@b.c"},
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "invalid_request"
    fields = sorted(e["field"] for e in response.json["errors"])
    assert fields == ["consent", "display_name", "email", "role"]
    too_long = api.post(
        f"initiatives/{initiative}/participants",
        json={"role": "volunteer", "display_name": "x" * 201},
    )
    assert too_long.status_code == 422
    assert [e["field"] for e in too_long.json["errors"]] == ["display_name"]
    missing = api.post(f"initiatives/{initiative}/participants", json={})
    assert sorted(e["field"] for e in missing.json["errors"]) == ["display_name", "role"]
    assert ids(api.get(f"initiatives/{initiative}/participants")) == []


def test_a_bad_patch_is_refused_and_changes_nothing(api):
    participant = add(api, new_initiative(api)).json
    path = f"participants/{participant['id']}"
    for change in (
        {"role": "mayor"},
        {"display_name": ""},
        {"display_name": None},
        {"consent": None},
        {"initiative_id": "ini_elsewhere"},
        {"id": "par_mine"},
    ):
        response = api.patch(path, json=change)
        assert response.status_code == 422, change
        assert {e["field"] for e in response.json["errors"]} == set(change), change
    assert api.get(path).json == participant


def test_patch_changes_only_what_is_sent_and_bumps_the_etag(api):
    created = add(api, new_initiative(api), external_ref="CRM-1")
    path = f"participants/{created.json['id']}"
    response = api.patch(
        path,
        json={"role": "professional", "external_ref": None},
        headers={"If-Match": created.headers["ETag"]},
    )
    assert response.status_code == 200
    assert response.json["role"] == "professional"
    assert response.json["external_ref"] is None
    assert response.json["display_name"] == "Jean"
    assert response.json["version"] == 2
    assert response.headers["ETag"] != created.headers["ETag"]
    assert api.get(path).json == response.json


def test_a_stale_if_match_is_refused_and_changes_nothing(api):
    created = add(api, new_initiative(api))
    path = f"participants/{created.json['id']}"
    current = api.patch(path, json={"display_name": "Second"})
    stale = {"If-Match": created.headers["ETag"]}
    refused = api.patch(path, json={"display_name": "Third"}, headers=stale)
    assert refused.status_code == 412
    assert refused.json["code"] == "stale_etag"
    assert refused.json["current_etag"] == current.headers["ETag"]
    assert api.delete(path, headers=stale).status_code == 412
    assert api.get(path).json == current.json
    assert api.delete(path, headers={"If-Match": current.headers["ETag"]}).status_code == 204
    assert api.get(path).status_code == 404


def test_external_refs_are_unique_within_an_initiative(api):
    initiative = new_initiative(api)
    first = add(api, initiative, external_ref="CRM-7").json
    clash = api.post(
        f"initiatives/{initiative}/participants",
        json={"role": "volunteer", "display_name": "Other", "external_ref": "CRM-7"},
    )
    assert clash.status_code == 409
    assert clash.json["code"] == "external_ref_taken"
    assert clash.json["existing_id"] == first["id"]
    second = add(api, initiative, external_ref="CRM-8").json
    taken = api.patch(f"participants/{second['id']}", json={"external_ref": "CRM-7"})
    assert taken.status_code == 409
    assert taken.json["code"] == "external_ref_taken"
    assert api.get(f"participants/{second['id']}").json == second
    unchanged = api.patch(f"participants/{first['id']}", json={"external_ref": "CRM-7"})
    assert unchanged.status_code == 200
    assert len(ids(api.get(f"initiatives/{initiative}/participants"))) == 2
    add(api, new_initiative(api), external_ref="CRM-7")


def test_an_archived_initiatives_participants_are_read_only(api):
    initiative = new_initiative(api)
    participant = add(api, initiative).json
    path = f"participants/{participant['id']}"
    assert api.patch(f"initiatives/{initiative}", json={"status": "archived"}).status_code == 200
    refusals = [
        api.post(
            f"initiatives/{initiative}/participants",
            json={"role": "volunteer", "display_name": "Late"},
        ),
        api.patch(path, json={"consent": "given"}),
    ]  # withdrawing consent and deleting are people's rights: tests/rest/test_status_semantics.py
    for response in refusals:
        assert response.status_code == 409
        assert response.json["code"] == "initiative_archived"
    assert api.get(path).json == participant
    assert ids(api.get(f"initiatives/{initiative}/participants")) == [participant["id"]]
    assert api.patch(f"initiatives/{initiative}", json={"status": "active"}).status_code == 200
    assert api.patch(path, json={"consent": "given"}).status_code == 200


def test_lists_hold_one_initiatives_participants_and_filter_them(api):
    initiative = new_initiative(api, STANDARDS)
    jean = add(api, initiative, consent="given", external_ref="A").json
    worker = add(api, initiative, role="professional", display_name="Worker").json
    carer = add(api, initiative, role="family_member_or_carer", consent="withdrawn").json
    add(api, new_initiative(api), external_ref="A")
    path = f"initiatives/{initiative}/participants"
    assert ids(api.get(path)) == [jean["id"], worker["id"], carer["id"]]
    assert ids(api.get(f"{path}?role=professional")) == [worker["id"]]
    assert ids(api.get(f"{path}?consent=given")) == [jean["id"]]
    assert ids(api.get(f"{path}?consent=not_recorded&role=professional")) == [worker["id"]]
    assert ids(api.get(f"{path}?external_ref=A")) == [jean["id"]]
    assert ids(api.get(f"{path}?role=commissioner")) == []
    changed = api.patch(f"participants/{worker['id']}", json={"display_name": "W."}).json
    recent = api.get(path, query_string={"updated_since": changed["updated_at"]})
    assert ids(recent) == [worker["id"]]
    bad = api.get(f"{path}?role=mayor&consent=maybe")
    assert bad.status_code == 422
    assert sorted(e["field"] for e in bad.json["errors"]) == ["consent", "role"]
    assert all(e["location"] == "query" for e in bad.json["errors"])


def test_lists_page_by_cursor(api):
    initiative = new_initiative(api)
    made = [add(api, initiative, display_name=f"P{n}").json["id"] for n in range(5)]
    path, seen, pages = f"initiatives/{initiative}/participants?limit=2", [], 0
    while path:
        response = api.get(path)
        seen += ids(response)
        pages += 1
        cursor = response.json["next_cursor"]
        assert ("Link" in response.headers) == (cursor is not None)
        path = f"initiatives/{initiative}/participants?limit=2&cursor={cursor}" if cursor else None
    assert seen == made
    assert pages == 3


def test_an_unknown_initiative_has_no_participants(api):
    assert api.get("initiatives/ini_nothing/participants").status_code == 404
    response = api.post(
        "initiatives/ini_nothing/participants", json={"role": "volunteer", "display_name": "V"}
    )
    assert response.status_code == 404
    assert response.json["code"] == "not_found"


def test_another_organisations_participants_are_not_found(api, other_org):
    initiative = new_initiative(api)
    participant = add(api, initiative).json
    theirs = other_org.api
    assert theirs.get(f"participants/{participant['id']}").status_code == 404
    patched = theirs.patch(f"participants/{participant['id']}", json={"role": "volunteer"})
    assert patched.json["code"] == "not_found"
    assert theirs.delete(f"participants/{participant['id']}").status_code == 404
    assert theirs.get(f"initiatives/{initiative}/participants").status_code == 404
    posted = theirs.post(
        f"initiatives/{initiative}/participants", json={"role": "volunteer", "display_name": "X"}
    )
    assert posted.status_code == 404
    assert api.get(f"participants/{participant['id']}").json == participant
    assert ids(api.get(f"initiatives/{initiative}/participants")) == [participant["id"]]


def test_a_read_key_lists_but_cannot_add(org):
    initiative = new_initiative(org.api)
    reader = org.with_scope("read")
    assert reader.get(f"initiatives/{initiative}/participants").status_code == 200
    refused = reader.post(
        f"initiatives/{initiative}/participants", json={"role": "volunteer", "display_name": "V"}
    )
    assert refused.status_code == 403
    assert ids(reader.get(f"initiatives/{initiative}/participants")) == []


def test_deleting_a_participant_takes_them_off_activities_with_a_new_version(api):
    initiative = new_initiative(api)
    leaving = add(api, initiative, display_name="Leaving").json
    staying = add(api, initiative, display_name="Staying").json
    activity = api.post(
        f"initiatives/{initiative}/activities",
        json={
            "activity_type": "co-production-mapping-session",
            "title": "Mapping",
            "participant_ids": [leaving["id"], staying["id"]],
        },
    ).json
    assert activity["participant_ids"] == [leaving["id"], staying["id"]]
    assert api.delete(f"participants/{leaving['id']}").status_code == 204
    assert api.get(f"participants/{leaving['id']}").status_code == 404
    after = api.get(f"activities/{activity['id']}").json
    assert after["participant_ids"] == [staying["id"]]
    assert after["version"] == activity["version"] + 1
    assert moment(after["updated_at"]) > moment(activity["updated_at"])
    assert ids(api.get(f"initiatives/{initiative}/participants")) == [staying["id"]]
    again = api.delete(f"participants/{leaving['id']}")
    assert again.status_code == 404


def test_deleting_a_participant_keeps_their_evidence_without_their_name(api):
    initiative = new_initiative(api)
    participant = add(api, initiative, consent="given").json
    quote = api.post(
        f"initiatives/{initiative}/evidence",
        json={
            "evidence_type": "participant-quote",
            "participant_id": participant["id"],
            "consent": "given",
            "payload": {"text": "I know my neighbours now."},
        },
    )
    assert quote.status_code == 201, quote.json
    assert quote.json["participant_id"] == participant["id"]
    assert api.delete(f"participants/{participant['id']}").status_code == 204
    kept = api.get(f"evidence/{quote.json['id']}")
    assert kept.status_code == 200
    assert kept.json["participant_id"] is None
    assert kept.json["payload"] == quote.json["payload"]
    assert kept.json["version"] == quote.json["version"] + 1
    assert kept.headers["ETag"] != quote.headers["ETag"]


def test_withdrawing_consent_withdraws_it_from_their_evidence_and_unpublishes_it(api):
    initiative = api.post(
        "initiatives", json={"toolkit": "coproduction-star", "title": "Walks"}
    ).json["id"]
    person = api.post(
        f"initiatives/{initiative}/participants",
        json={"role": "person_using_services", "display_name": "Walker", "consent": "given"},
    ).json["id"]
    quote = api.post(
        f"initiatives/{initiative}/evidence",
        json={"evidence_type": "participant-quote", "participant_id": person,
              "payload": {"text": "I love the canal walk."}, "consent": "given",
              "visibility": "public"},
    )  # fmt: skip
    assert quote.status_code == 201, quote.json
    withdrawn = api.patch(f"participants/{person}", json={"consent": "withdrawn"})
    assert withdrawn.status_code == 200
    after = api.get(f"evidence/{quote.json['id']}")
    assert (after.json["visibility"], after.json["consent"]) == ("organisation", "withdrawn")
    assert after.headers["ETag"] != quote.headers["ETag"]
    assert api.get(f"initiatives/{initiative}/evidence?visibility=public").json["items"] == []
    edited = api.patch(f"evidence/{quote.json['id']}", json={"collected_on": "2026-03-01"})
    assert edited.status_code == 200, edited.json
