"""Bulk upserts: NDJSON lines of PUTs by external_ref, each answered by a line."""

from __future__ import annotations

import json

import pytest
from conftest import ApiClient

NDJSON = "application/x-ndjson"


def send(client, lines, **query):
    body = "\n".join(json.dumps(line) for line in lines) + "\n"
    return client.post("bulk", data=body, content_type=NDJSON, query_string=query)


def answered(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == NDJSON
    return [json.loads(line) for line in response.get_data(as_text=True).splitlines()]


def project(ref, title="Walks"):
    return {
        "record_type": "initiative",
        "external_ref": ref,
        "record": {"toolkit": "coproduction-star", "title": title},
    }


def contact(ref, project_ref, name="Sam", consent="given"):
    return {
        "record_type": "participant",
        "external_ref": ref,
        "initiative_ref": project_ref,
        "record": {"role": "volunteer", "display_name": name, "consent": consent},
    }


def test_lines_are_upserted_in_order_and_each_is_answered(api):
    lines = [project("crm-p-1"), contact("crm-c-1", "crm-p-1"), contact("crm-c-2", "crm-p-1")]
    first = answered(send(api, lines))
    assert [(a["line"], a["status"]) for a in first] == [(1, 201), (2, 201), (3, 201)]
    initiative = api.get("initiatives", query_string={"external_ref": "crm-p-1"}).json["items"][0]
    assert first[0]["id"] == initiative["id"]
    assert first[0]["etag"] == f'"{initiative["id"]}.1"'
    people = api.get(f"initiatives/{initiative['id']}/participants").json["items"]
    assert sorted(p["external_ref"] for p in people) == ["crm-c-1", "crm-c-2"]
    # Sent again: replaced, unchanged, same versions; one changed line gets a new version.
    lines[2] = contact("crm-c-2", "crm-p-1", name="Sam B")
    again = answered(send(api, lines))
    assert [(a["status"], a["version"]) for a in again] == [(200, 1), (200, 1), (200, 2)]


def test_a_refused_line_is_answered_with_its_problem_and_the_others_are_written(api, org):
    lines = [
        project("crm-p-2"),
        contact("crm-c-3", "crm-p-2", consent="maybe"),
        contact("crm-c-4", "crm-p-nowhere"),
        {"record_type": "participant", "external_ref": "x"},
        contact("crm-c-5", "crm-p-2"),
    ]
    body = "\n".join(json.dumps(line) for line in lines) + "\n{not json\n"
    answers = answered(api.post("bulk", data=body, content_type=NDJSON))
    assert [a["status"] for a in answers] == [201, 422, 404, 422, 201, 400]
    assert answers[1]["problem"]["errors"][0]["field"] == "record/consent"
    assert answers[2]["problem"]["code"] == "not_found"
    assert {e["field"] for e in answers[3]["problem"]["errors"]} >= {"record"}
    assert answers[5]["problem"]["code"] == "malformed_json"
    found = api.get("participants", query_string={"external_ref": "crm-c-5"}).json["items"]
    assert len(found) == 1


def test_an_atomic_request_writes_nothing_when_one_line_is_refused(api, org):
    reader = org.with_scope("read")
    cursor = reader.get("events").json["next_cursor"]
    lines = [
        project("crm-p-3"),
        contact("crm-c-6", "crm-p-3"),
        contact("crm-c-7", "crm-p-3", consent="?"),
    ]
    answers = answered(send(api, lines, atomic="true"))
    assert [(a["status"], a["problem"]["code"]) for a in answers] == [
        (409, "bulk_rolled_back"),
        (409, "bulk_rolled_back"),
        (422, "invalid_request"),
    ]
    assert api.get("initiatives", query_string={"external_ref": "crm-p-3"}).json["items"] == []
    assert reader.get("events", query_string={"cursor": cursor}).json["items"] == []
    lines[2] = contact("crm-c-7", "crm-p-3")
    assert [a["status"] for a in answered(send(api, lines, atomic="true"))] == [201, 201, 201]


def test_an_erased_persons_ref_and_another_organisations_initiative_are_refused(
    api, org, other_org
):
    answered(send(api, [project("crm-p-4"), contact("crm-c-8", "crm-p-4")]))
    person = api.get("participants", query_string={"external_ref": "crm-c-8"}).json["items"][0]
    org.with_scope("admin").post(f"participants/{person['id']}/erasure")
    theirs = other_org.api.post(
        "initiatives", json={"toolkit": "coproduction-star", "title": "Theirs"}
    ).json
    by_id = {**contact("crm-c-9", "x"), "initiative_id": theirs["id"]}
    del by_id["initiative_ref"]
    answers = answered(send(api, [contact("crm-c-8", "crm-p-4"), by_id]))
    assert [(a["status"], a["problem"]["code"]) for a in answers] == [
        (409, "participant_erased"),
        (404, "not_found"),
    ]


def test_the_body_must_be_ndjson_of_one_to_ten_thousand_lines(api):
    refused = api.post("bulk", json=[project("crm-p-5")])
    assert refused.status_code == 415, refused.json
    empty = api.post("bulk", data="\n", content_type=NDJSON)
    assert empty.status_code == 422, empty.json
    assert empty.json["errors"][0]["code"] == "bulk_line_count"
    many = "\n".join(json.dumps(project(f"crm-many-{n}")) for n in range(10_001))
    too_many = api.post("bulk", data=many, content_type=NDJSON)
    assert too_many.status_code == 422, too_many.json
    assert api.get("initiatives", query_string={"external_ref": "crm-many-1"}).json["items"] == []


def test_every_line_counts_against_the_rate_limit_before_any_is_written(make_app, org):
    app = make_app(RATE_LIMIT="20/minute")
    client = ApiClient(app.test_client(), org.tokens["write"])
    first = send(client, [project(f"crm-rl-{n}") for n in range(15)])
    assert first.status_code == 200, first.get_data(as_text=True)
    over = send(client, [project(f"crm-rl-more-{n}") for n in range(10)])
    assert over.status_code == 429, over.get_data(as_text=True)
    assert "Retry-After" in over.headers
    later = client.get("initiatives", query_string={"external_ref": "crm-rl-more-1"})
    assert later.status_code == 429


def test_a_bulk_request_larger_than_a_whole_quota_is_413_not_a_429_to_wait_out(make_app, org):
    app = make_app(RATE_LIMIT="20/minute")
    client = ApiClient(app.test_client(), org.tokens["write"])
    never = send(client, [project(f"crm-huge-{n}") for n in range(21)])
    assert never.status_code == 413, never.get_data(as_text=True)
    assert never.json["code"] == "larger_than_quota"
    assert never.json["quota"] == 20
    assert never.json["counted"] == 21
    assert "Retry-After" not in never.headers
    lookup = client.get("initiatives", query_string={"external_ref": "crm-huge-1"})
    assert lookup.status_code == 200
    assert lookup.json["items"] == []


@pytest.mark.parametrize("reader", ["read"])
def test_a_read_key_cannot_bulk_write(org, reader):
    refused = send(org.with_scope(reader), [project("crm-p-6")])
    assert refused.status_code == 403, refused.json
