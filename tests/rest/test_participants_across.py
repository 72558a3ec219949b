"""Finding participants across the organisation: GET /participants.

A CRM knows a person by its own contact id, not by the initiatives they take part in, so
it can look them up, or pull everyone changed since its last sync, in one paged list.
"""

from __future__ import annotations

STAR = "coproduction-star"


def initiative(api, title: str = "Walks") -> str:
    return api.post("initiatives", json={"toolkit": STAR, "title": title}).json["id"]


def participant(api, initiative_id: str, **fields) -> dict:
    body = {"role": "person_using_services", "display_name": "Ann", **fields}
    made = api.post(f"initiatives/{initiative_id}/participants", json=body)
    assert made.status_code == 201, made.json
    return made.json


def ids(response) -> list[str]:
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def test_a_person_is_found_by_their_crm_id_in_every_initiative(api, other_org):
    first, second = initiative(api), initiative(api, "Cafés")
    here = participant(api, first, external_ref="contact-1")
    there = participant(api, second, external_ref="contact-1", consent="given")
    participant(api, second, external_ref="contact-2")
    participant(other_org.api, initiative(other_org.api), external_ref="contact-1")
    found = api.get("participants", query_string={"external_ref": "contact-1"})
    assert ids(found) == [here["id"], there["id"]]
    assert found.json["items"][1] == api.get(f"participants/{there['id']}").json
    assert found.json["next_cursor"] is None


def test_the_list_filters_by_role_consent_and_time(api):
    first, second = initiative(api), initiative(api, "Cafés")
    carer = participant(api, first, role="family_member_or_carer", consent="given")
    participant(api, second, role="volunteer")
    volunteer = participant(api, second, role="volunteer", consent="given")
    assert ids(api.get("participants", query_string={"role": "family_member_or_carer"})) == [
        carer["id"]
    ]
    given = api.get("participants", query_string={"consent": "given", "role": "volunteer"})
    assert ids(given) == [volunteer["id"]]
    since = volunteer["updated_at"]
    api.patch(f"participants/{carer['id']}", json={"display_name": "Bo"})
    changed = api.get("participants", query_string={"updated_since": since})
    assert ids(changed) == [volunteer["id"], carer["id"]], "at or after, in the order changed"


def test_the_list_is_paged_like_every_list(api):
    made = [participant(api, initiative(api, f"Walks {n}"))["id"] for n in range(3)]
    first = api.get("participants", query_string={"limit": 2})
    assert ids(first) == made[:2]
    assert 'rel="next"' in first.headers["Link"]
    rest = api.get("participants",
                   query_string={"limit": 2, "cursor": first.json["next_cursor"]})  # fmt: skip
    assert ids(rest) == made[2:]
    assert rest.json["next_cursor"] is None


def test_only_the_documented_filters_are_taken(api):
    refused = api.get("participants", query_string={"initiative": "x"})
    assert refused.status_code == 422
    assert refused.json["errors"][0]["code"] == "unknown_field"
    assert api.get("participants", query_string={"role": "king"}).status_code == 422


def test_a_read_key_can_list_them(org):
    participant(org.api, initiative(org.api))
    assert len(ids(org.with_scope("read").get("participants"))) == 1
