"""The full export: a CRM's first load, consistent with the feed cursor it gives."""

from __future__ import annotations

import json

import pytest


def lines_of(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/x-ndjson"
    return [json.loads(line) for line in response.get_data(as_text=True).splitlines()]


@pytest.fixture
def recorded(api):
    initiative = api.post(
        "initiatives", json={"toolkit": "coproduction-star", "title": "Walks"}
    ).json
    person = api.post(
        f"initiatives/{initiative['id']}/participants",
        json={"role": "volunteer", "display_name": "Sam", "consent": "given"},
    ).json
    note = api.post(
        f"initiatives/{initiative['id']}/evidence",
        json={"evidence_type": "session-notes", "payload": {"text": "Met"}},
    ).json
    return initiative, person, note


def test_an_export_holds_every_record_as_get_shows_it_between_a_header_and_an_end(
    api, org, recorded
):
    initiative, person, note = recorded
    other = api.post("initiatives", json={"toolkit": "national-standards", "title": "Lunch"})
    lines = lines_of(org.with_scope("read").get("export"))
    header, *records, end = lines
    assert header["type"] == "export"
    assert header["cursor"]
    assert end == {"type": "end", "records": len(records)}
    shown = {(line["record_type"], line["record"]["id"]): line["record"] for line in records}
    assert shown["initiative", initiative["id"]] == api.get(f"initiatives/{initiative['id']}").json
    assert shown["participant", person["id"]] == person
    assert shown["evidence", note["id"]] == note
    assert ("initiative", other.json["id"]) in shown
    kinds = [line["record_type"] for line in records]
    assert kinds.index("initiative") < kinds.index("transition") < kinds.index("participant")


def test_an_export_of_one_initiative_holds_only_it_and_its_records(api, recorded):
    initiative, _, _ = recorded
    api.post("initiatives", json={"toolkit": "national-standards", "title": "Elsewhere"})
    _, *records, _ = lines_of(api.get("export", query_string={"initiative_id": initiative["id"]}))
    assert {line["record"].get("initiative_id", line["record"]["id"]) for line in records} == {
        initiative["id"]
    }


def test_following_the_feed_from_the_exports_cursor_misses_nothing_and_repeats_nothing(
    api, recorded
):
    initiative, person, _ = recorded
    response = api.get("export", buffered=False)
    chunks = iter(response.response)
    header = json.loads(next(chunks))  # the snapshot is taken: change things now
    renamed = api.patch(f"participants/{person['id']}", json={"display_name": "Sam B"}).json
    added = api.post(
        f"initiatives/{initiative['id']}/participants",
        json={"role": "volunteer", "display_name": "Late"},
    ).json
    rest = [json.loads(chunk) for chunk in chunks]
    response.close()
    exported = {line["record"]["id"]: line["record"] for line in rest if line["type"] == "record"}
    assert exported[person["id"]]["display_name"] == "Sam"  # as it was at the cursor
    assert added["id"] not in exported
    after = api.get("events", query_string={"cursor": header["cursor"]}).json["items"]
    assert [(e["type"], e["record_id"]) for e in after] == [
        ("participant.updated", person["id"]),
        ("participant.created", added["id"]),
    ]
    assert after[0]["record"] == renamed


def test_an_export_is_in_the_audit_log_and_another_organisations_initiative_is_404(
    org, other_org, recorded
):
    initiative, _, _ = recorded
    refused = other_org.api.get("export", query_string={"initiative_id": initiative["id"]})
    assert refused.status_code == 404, refused.json
    lines_of(org.with_scope("read").get("export", query_string={"initiative_id": initiative["id"]}))
    events = (
        org.with_scope("admin")
        .get("audit-events", query_string={"action": "exported"})
        .json["items"]
    )
    assert [(e["record_id"], e["fields"]) for e in events] == [(initiative["id"], ["export"])]
    theirs = lines_of(other_org.api.get("export"))
    assert initiative["id"] not in json.dumps(theirs)
