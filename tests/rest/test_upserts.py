"""Writing records by the integrator's own id: PUT .../by-external-ref/{ref}.

A CRM that knows a record only by its own id sends the whole record there: the first
time it is made (201), afterwards replaced (200), and resending what is stored changes
nothing (same version, same ETag, no event). If-Match and If-None-Match make it an
update-only or a create-only request.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

STAR = "coproduction-star"


@dataclasses.dataclass(frozen=True)
class Kind:
    name: str
    collection: str
    body: dict[str, Any]
    changed: dict[str, Any]

    def path(self, initiative_id: str, ref: str) -> str:
        if self.name == "initiative":
            return f"initiatives/by-external-ref/{quote(ref, safe='')}"
        return (
            f"initiatives/{initiative_id}/{self.collection}/by-external-ref/{quote(ref, safe='')}"
        )

    def listed(self, api: Any, initiative_id: str, ref: str) -> list[dict[str, Any]]:
        where = "initiatives" if self.name == "initiative" else (
            f"initiatives/{initiative_id}/{self.collection}"
        )  # fmt: skip
        return api.get(where, query_string={"external_ref": ref}).json["items"]


KINDS = [
    Kind("initiative", "initiatives", {"toolkit": STAR, "title": "Walks"}, {"title": "Rambles"}),
    Kind(
        "participant",
        "participants",
        {"role": "person_using_services", "display_name": "Walker A"},
        {"display_name": "Walker B"},
    ),
    Kind(
        "activity",
        "activities",
        {"activity_type": "co-production-mapping-session", "title": "Mapping"},
        {"title": "Mapping again"},
    ),
    Kind(
        "evidence",
        "evidence",
        {"evidence_type": "session-notes", "payload": {"text": "What was said"}},
        {"payload": {"text": "What was said, corrected"}},
    ),
]
BY_KIND = pytest.mark.parametrize("kind", KINDS, ids=[kind.name for kind in KINDS])


@pytest.fixture
def initiative(api) -> str:
    return api.post("initiatives", json={"toolkit": STAR, "title": "Home"}).json["id"]


def at(url: str) -> str:
    """The path of a URL the API gave (Location), for the test client."""
    return urlsplit(url).path


def events_about(org, record_id: str) -> list[dict[str, Any]]:
    found = org.with_scope("admin").get("audit-events", query_string={"record_id": record_id})
    return found.json["items"]


@BY_KIND
def test_the_first_put_makes_the_record_and_the_next_replace_it(api, org, initiative, kind):
    path = kind.path(initiative, "crm-1")
    made = api.put(path, json=kind.body)
    assert made.status_code == 201, made.json
    record = made.json
    assert record["external_ref"] == "crm-1"
    assert record["version"] == 1
    assert made.headers["ETag"] == f'"{record["id"]}.1"'
    assert made.headers["Location"].endswith(f"/api/v1/{kind.collection}/{record['id']}")
    assert api.get(at(made.headers["Location"])).json == record

    again = api.put(path, json=kind.body)
    assert again.status_code == 200, again.json
    assert again.json == record, "resending what is stored changes nothing"
    assert again.headers["ETag"] == made.headers["ETag"]
    assert len(events_about(org, record["id"])) == 1, "only the creation is an event"

    changed = api.put(path, json={**kind.body, **kind.changed})
    assert changed.status_code == 200, changed.json
    assert changed.json["id"] == record["id"]
    assert changed.json["version"] == 2
    assert changed.headers["ETag"] == f'"{record["id"]}.2"'
    for name, value in kind.changed.items():
        assert changed.json[name] == value
    assert [item["id"] for item in kind.listed(api, initiative, "crm-1")] == [record["id"]]
    assert [event["action"] for event in events_about(org, record["id"])] == [
        "created",
        "changed",
    ]


def test_fields_not_sent_go_back_to_their_defaults(api, initiative):
    path = f"initiatives/by-external-ref/{quote('crm-2')}"
    full = {"toolkit": STAR, "title": "Walks", "summary": "With carers", "themes": ["dementia"],
            "status": "paused"}  # fmt: skip
    assert api.put(path, json=full).status_code == 201
    replaced = api.put(path, json={"toolkit": STAR, "title": "Walks"}).json
    assert (replaced["summary"], replaced["themes"], replaced["status"]) == ("", [], "active")

    people = f"initiatives/{initiative}/participants/by-external-ref/p-1"
    given = api.put(people, json={"role": "volunteer", "display_name": "Sam", "consent": "given"})
    assert given.json["consent_recorded_at"] is not None
    unsaid = api.put(people, json={"role": "volunteer", "display_name": "Sam"}).json
    assert (unsaid["consent"], unsaid["consent_recorded_at"]) == ("not_recorded", None)


def test_a_replaced_activity_loses_unsent_links_but_keeps_where_it_was_done(api, initiative):
    person = api.post(
        f"initiatives/{initiative}/participants",
        json={"role": "person_using_services", "display_name": "Ann", "consent": "given"},
    ).json["id"]
    path = f"initiatives/{initiative}/activities/by-external-ref/a-1"
    body = {"activity_type": "co-production-mapping-session", "title": "Mapping"}
    made = api.put(path, json={**body, "participant_ids": [person]}).json
    assert made["participant_ids"] == [person]
    replaced = api.put(path, json=body).json
    assert replaced["participant_ids"] == []
    assert (replaced["stage"], replaced["cycle"]) == (made["stage"], made["cycle"])


def test_replacing_evidence_keeps_its_file(api, initiative):
    from test_every_operation import upload

    path = f"initiatives/{initiative}/evidence/by-external-ref/e-1"
    body = {"evidence_type": "audio-interview", "payload": {"caption": "An interview"}}
    made = api.put(path, json=body).json
    assert api.put(f"evidence/{made['id']}/file", data=upload()).status_code == 200
    replaced = api.put(path, json={**body, "payload": {"caption": "Renamed"}})
    assert replaced.status_code == 200, replaced.json
    assert replaced.json["file"] is not None
    assert api.get(f"evidence/{made['id']}/file").status_code == 200


@BY_KIND
def test_if_match_guards_a_replacement(api, initiative, kind):
    path = kind.path(initiative, "crm-3")
    made = api.put(path, json=kind.body)
    stale = api.put(path, json={**kind.body, **kind.changed},
                    headers={"If-Match": f'"{made.json["id"]}.0"'})  # fmt: skip
    assert stale.status_code == 412
    assert stale.json["code"] == "stale_etag"
    assert stale.json["current_etag"] == made.headers["ETag"]
    current = api.put(path, json={**kind.body, **kind.changed},
                      headers={"If-Match": made.headers["ETag"]})  # fmt: skip
    assert current.status_code == 200, current.json
    assert current.json["version"] == 2
    anything = api.put(path, json=kind.body, headers={"If-Match": "*"})
    assert anything.status_code == 200


@BY_KIND
@pytest.mark.parametrize("condition", ['"ini_x.1"', "*"])
def test_if_match_on_a_reference_nobody_has_is_412_and_makes_nothing(
    api, initiative, kind, condition
):
    response = api.put(kind.path(initiative, "crm-4"), json=kind.body,
                       headers={"If-Match": condition})  # fmt: skip
    assert response.status_code == 412
    assert response.json["code"] == "stale_etag"
    assert "current_etag" not in response.json
    assert kind.listed(api, initiative, "crm-4") == []


@BY_KIND
def test_if_none_match_star_creates_only(api, initiative, kind):
    path = kind.path(initiative, "crm-5")
    made = api.put(path, json=kind.body, headers={"If-None-Match": "*"})
    assert made.status_code == 201, made.json
    again = api.put(path, json={**kind.body, **kind.changed}, headers={"If-None-Match": "*"})
    assert again.status_code == 412
    assert again.json["code"] == "record_exists"
    assert again.json["existing_id"] == made.json["id"]
    assert again.json["current_etag"] == made.headers["ETag"]
    assert again.headers["Location"] == made.headers["Location"]
    assert api.get(at(made.headers["Location"])).json == made.json


def test_if_none_match_with_tags_compares_weakly(api):
    path = "initiatives/by-external-ref/crm-6"
    body = {"toolkit": STAR, "title": "Walks"}
    made = api.put(path, json=body)
    weak = "W/" + made.headers["ETag"]
    assert api.put(path, json=body, headers={"If-None-Match": weak}).status_code == 412
    other = api.put(path, json={**body, "title": "New"}, headers={"If-None-Match": '"x.1"'})
    assert other.status_code == 200


@BY_KIND
def test_a_different_external_ref_in_the_body_is_refused(api, initiative, kind):
    path = kind.path(initiative, "crm-7")
    refused = api.put(path, json={**kind.body, "external_ref": "other"})
    assert refused.status_code == 422
    assert [(e["field"], e["code"]) for e in refused.json["errors"]] == [
        ("external_ref", "external_ref_mismatch")
    ]
    assert kind.listed(api, initiative, "crm-7") == []
    same = api.put(path, json={**kind.body, "external_ref": "crm-7"})
    assert same.status_code == 201


@pytest.mark.parametrize(
    "ref", ["crm/contacts/42", "Ärger 7", "a%b?c#d", "x" * 200, "日本語"], ids=repr
)
def test_any_reference_an_external_ref_can_hold_works_percent_encoded(api, ref):
    made = api.put(f"initiatives/by-external-ref/{quote(ref, safe='')}",
                   json={"toolkit": STAR, "title": "Walks"})  # fmt: skip
    assert made.status_code == 201, made.json
    assert made.json["external_ref"] == ref
    listed = api.get("initiatives", query_string={"external_ref": ref}).json["items"]
    assert [item["id"] for item in listed] == [made.json["id"]]


@BY_KIND
@pytest.mark.parametrize("ref", ["x" * 201, "%20%20", "%09"], ids=["too long", "blank", "tab"])
def test_a_reference_no_external_ref_could_hold_is_422_and_makes_nothing(
    api, initiative, kind, ref
):
    path = kind.path(initiative, "-").removesuffix("-") + ref
    response = api.put(path, json=kind.body)
    assert response.status_code == 422, response.json
    assert [(e["location"], e["field"]) for e in response.json["errors"]] == [("path", "ref")]
    collection = "initiatives" if kind.name == "initiative" else (
        f"initiatives/{initiative}/{kind.collection}"
    )  # fmt: skip
    left = [item["id"] for item in api.get(collection).json["items"]]
    assert left == ([initiative] if kind.name == "initiative" else []), "nothing was made"


def test_a_nul_in_the_reference_is_refused_before_anything_is_read(api):
    nul = api.put("initiatives/by-external-ref/a%00b", json={"toolkit": STAR, "title": "W"})
    assert nul.status_code == 422
    assert nul.json["errors"][0]["code"] == "nul"


def test_an_initiatives_toolkit_cannot_change(api):
    path = "initiatives/by-external-ref/crm-8"
    api.put(path, json={"toolkit": STAR, "title": "Walks"})
    refused = api.put(path, json={"toolkit": "national-standards", "title": "Walks"})
    assert refused.status_code == 422
    assert refused.json["errors"][0]["code"] == "toolkit_fixed"


def test_upserts_keep_to_the_toolkit_and_the_consent_rules(api, initiative):
    activity = api.put(f"initiatives/{initiative}/activities/by-external-ref/a-2",
                       json={"activity_type": "no-such-type", "title": "Walk"})  # fmt: skip
    assert activity.status_code == 422
    evidence = f"initiatives/{initiative}/evidence/by-external-ref/e-2"
    body = {"evidence_type": "session-notes", "payload": {"text": "Said"}}
    assert api.put(evidence, json=body).status_code == 201
    public = api.put(evidence, json={**body, "visibility": "public"})
    assert public.status_code == 422
    assert public.json["errors"][0]["code"] == "public_needs_consent"


def test_an_archived_initiative_refuses_upserts_of_its_records(api, initiative):
    assert api.patch(f"initiatives/{initiative}", json={"status": "archived"}).status_code == 200
    response = api.put(f"initiatives/{initiative}/participants/by-external-ref/p-2",
                       json={"role": "volunteer", "display_name": "Sam"})  # fmt: skip
    assert response.status_code == 409
    assert response.json["code"] == "initiative_archived"


def test_an_erased_participants_reference_is_refused(api, org, initiative):
    path = f"initiatives/{initiative}/participants/by-external-ref/person-9"
    body = {"role": "person_using_services", "display_name": "Ann", "consent": "given"}
    made = api.put(path, json=body).json
    erased = org.with_scope("admin").post(f"participants/{made['id']}/erasure")
    assert erased.status_code == 200, erased.json
    again = api.put(path, json=body)
    assert again.status_code == 409
    assert again.json["code"] == "participant_erased"
    elsewhere = api.post("initiatives", json={"toolkit": STAR, "title": "Another"}).json["id"]
    there = api.put(f"initiatives/{elsewhere}/participants/by-external-ref/person-9", json=body)
    assert there.status_code == 409
    assert there.json["code"] == "participant_erased"
    listed = org.api.get("participants", query_string={"external_ref": "person-9"}).json
    assert listed["items"] == []


@pytest.mark.parametrize("kind", KINDS[1:], ids=[kind.name for kind in KINDS[1:]])
def test_another_organisations_initiative_in_the_path_is_404(api, other_org, initiative, kind):
    response = other_org.api.put(kind.path(initiative, "crm-10"), json=kind.body)
    assert response.status_code == 404
    assert response.json["code"] == "not_found"
    assert kind.listed(api, initiative, "crm-10") == []


def test_each_organisation_has_its_own_references(api, other_org):
    body = {"toolkit": STAR, "title": "Walks"}
    mine = api.put("initiatives/by-external-ref/shared-1", json=body)
    theirs = other_org.api.put("initiatives/by-external-ref/shared-1", json=body)
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json["id"] != theirs.json["id"]
    assert api.get(f"initiatives/{theirs.json['id']}").status_code == 404


# 409 external_ref_taken names the record that has the reference ---------------------------


@BY_KIND
def test_a_taken_reference_names_the_record_with_its_url_etag_and_whether_it_differs(
    api, initiative, kind
):
    collection = "initiatives" if kind.name == "initiative" else (
        f"initiatives/{initiative}/{kind.collection}"
    )  # fmt: skip
    made = api.post(collection, json={**kind.body, "external_ref": "crm-11"})
    assert made.status_code == 201, made.json
    retried = api.post(collection, json={**kind.body, "external_ref": "crm-11"})
    assert retried.status_code == 409
    problem = retried.json
    assert problem["code"] == "external_ref_taken"
    assert problem["existing_id"] == made.json["id"]
    assert problem["existing_etag"] == made.headers["ETag"]
    assert problem["differs"] is False
    assert retried.headers["Location"] == made.headers["Location"]
    different = api.post(collection, json={**kind.body, **kind.changed, "external_ref": "crm-11"})
    assert different.status_code == 409
    assert different.json["differs"] is True
    assert different.headers["Location"] == made.headers["Location"]


def test_differs_compares_only_the_fields_sent(api):
    made = api.post("initiatives", json={"toolkit": STAR, "title": "Walks", "summary": "Long",
                                         "external_ref": "crm-12"})  # fmt: skip
    unsaid = api.post("initiatives", json={"toolkit": STAR, "title": "  Walks ",
                                           "external_ref": "crm-12"})  # fmt: skip
    assert unsaid.json["differs"] is False, "an unsent summary is not compared"
    said = api.post("initiatives", json={"toolkit": STAR, "title": "Walks", "summary": "",
                                         "external_ref": "crm-12"})  # fmt: skip
    assert said.json["differs"] is True
    assert said.json["existing_id"] == made.json["id"]


def test_an_activitys_participants_are_compared_as_a_set(api, initiative):
    people = [
        api.post(f"initiatives/{initiative}/participants",
                 json={"role": "volunteer", "display_name": name}).json["id"]
        for name in ("Ann", "Bo")
    ]  # fmt: skip
    body = {"activity_type": "co-production-mapping-session", "title": "Mapping",
            "external_ref": "a-12"}  # fmt: skip
    collection = f"initiatives/{initiative}/activities"
    assert api.post(collection, json={**body, "participant_ids": people}).status_code == 201
    swapped = api.post(collection, json={**body, "participant_ids": people[::-1]})
    assert swapped.json["differs"] is False
    fewer = api.post(collection, json={**body, "participant_ids": people[:1]})
    assert fewer.json["differs"] is True


def test_a_change_to_a_taken_reference_names_the_record_too(api, initiative):
    people = f"initiatives/{initiative}/participants"
    first = api.post(people, json={"role": "volunteer", "display_name": "Ann",
                                   "external_ref": "p-13"})  # fmt: skip
    second = api.post(people, json={"role": "volunteer", "display_name": "Bo"}).json
    refused = api.patch(f"participants/{second['id']}", json={"external_ref": "p-13"})
    assert refused.status_code == 409
    assert refused.json["existing_id"] == first.json["id"]
    assert refused.json["existing_etag"] == first.headers["ETag"]
    assert refused.json["differs"] is False
    assert refused.headers["Location"] == first.headers["Location"]


def test_the_new_problem_members_are_documented(app, api, initiative):
    from test_openapi_document import documented_problem

    api.post("initiatives", json={"toolkit": STAR, "title": "Walks", "external_ref": "d-1"})
    taken = api.post("initiatives", json={"toolkit": STAR, "title": "Walks", "external_ref": "d-1"})
    exists = api.put("initiatives/by-external-ref/d-1", json={"toolkit": STAR, "title": "W"},
                     headers={"If-None-Match": "*"})  # fmt: skip
    for response in (taken, exists):
        documented_problem(app, response.json)
    assert {"existing_etag", "differs"} <= set(taken.json)


def test_the_upserts_are_documented(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    for path in (
        "/api/v1/initiatives/by-external-ref/{ref}",
        "/api/v1/initiatives/{initiative_id}/participants/by-external-ref/{ref}",
        "/api/v1/initiatives/{initiative_id}/activities/by-external-ref/{ref}",
        "/api/v1/initiatives/{initiative_id}/evidence/by-external-ref/{ref}",
    ):
        put = document["paths"][path]["put"]
        assert {"200", "201", "409", "412", "422"} <= set(put["responses"])
        assert {"ETag", "Location"} <= set(put["responses"]["201"]["headers"])
        assert {"If-Match", "If-None-Match"} <= {p["name"] for p in put["parameters"]}
        ref = next(p for p in document["paths"][path]["parameters"] if p["name"] == "ref")
        assert (ref["schema"]["minLength"], ref["schema"]["maxLength"]) == (1, 200)
