"""What an initiative's status refuses, on every write path, and what it never refuses.

- paused: the stage does not move (409 initiative_paused); recording goes on.
- completed: nothing more is recorded and the stage does not move (409 initiative_completed).
- archived: read-only, the initiative's own fields too, bar its status (409 initiative_archived).
- always: withdrawing consent, deleting a participant and erasing one: people's rights over
  their data never wait for an initiative to be reopened.

Each refusal leaves every stored record as it was; setting the status back to active reopens.
"""

from __future__ import annotations

import json
import pathlib

import pytest
from test_every_operation import upload, wav_bytes
from walking import created, refused

ROOT = pathlib.Path(__file__).parents[2]
STAR = "coproduction-star"
NDJSON = "application/x-ndjson"
HOLDING = ["completed", "archived"]
"""The statuses that refuse records; paused refuses only moves."""


@pytest.fixture
def world(api):
    """A Star initiative in Map it with one of every record, a file among them."""
    ini = created(api.post("initiatives", json={"toolkit": STAR, "title": "PRESENT",
                                                "external_ref": "crm-present"}))["id"]  # fmt: skip

    def add(kind, body):
        return created(api.post(f"initiatives/{ini}/{kind}", json=body))["id"]

    person = add("participants", {"role": "person_using_services", "display_name": "Walker A",
                                  "consent": "given", "external_ref": "crm-walker"})  # fmt: skip
    activity = add("activities", {"activity_type": "co-production-mapping-session",
                                  "title": "Mapping", "external_ref": "crm-mapping"})  # fmt: skip
    notes = add("evidence", {"evidence_type": "session-notes", "payload": {"text": "Notes"},
                             "participant_id": person, "consent": "given",
                             "external_ref": "crm-notes"})  # fmt: skip
    interview = add("evidence", {"evidence_type": "audio-interview", "participant_id": person,
                                 "payload": {"caption": "On the canal path"},
                                 "consent": "given", "publication_consent": "given",
                                 "visibility": "public"})  # fmt: skip
    assert api.put(f"evidence/{interview}/file", data=upload()).status_code == 200
    assessment = add("assessments", {"scale": "star-self-assessment",
                                     "perspective": "professional",
                                     "ratings": {"co-design": 3}})  # fmt: skip
    return {"ini": ini, "person": person, "activity": activity, "notes": notes,
            "interview": interview, "assessment": assessment}  # fmt: skip


def set_status(api, world, status):
    response = api.patch(f"initiatives/{world['ini']}", json={"status": status})
    assert response.status_code == 200, response.json
    assert response.json["status"] == status


def snapshot(api, world):
    """Everything stored about the initiative, as a client can read it."""
    ini = world["ini"]
    lists = {
        kind: api.get(f"initiatives/{ini}/{kind}").json["items"]
        for kind in ("participants", "activities", "evidence", "assessments", "transitions")
    }
    return {
        "initiative": api.get(f"initiatives/{ini}").json,
        "interview": api.get(f"evidence/{world['interview']}").json,
        "file": api.get(f"evidence/{world['interview']}/file").data,
        **lists,
    }


def bulk(api, line):
    body = json.dumps(line) + "\n"
    response = api.post("bulk", data=body, content_type=NDJSON)
    assert response.status_code == 200, response.get_data(as_text=True)
    [answer] = [json.loads(item) for item in response.get_data(as_text=True).splitlines()]
    return answer


RECORD_WRITES = {
    "create participant": lambda api, w: api.post(
        f"initiatives/{w['ini']}/participants",
        json={"role": "volunteer", "display_name": "Pupil B"},
    ),
    "change participant": lambda api, w: api.patch(
        f"participants/{w['person']}", json={"display_name": "Walker A (renamed)"}
    ),
    "change consent other than withdrawing it": lambda api, w: api.patch(
        f"participants/{w['person']}", json={"consent": "not_recorded"}
    ),
    "withdraw consent and rename at once": lambda api, w: api.patch(
        f"participants/{w['person']}", json={"consent": "withdrawn", "display_name": "X"}
    ),
    "upsert new participant": lambda api, w: api.put(
        f"initiatives/{w['ini']}/participants/by-external-ref/crm-new",
        json={"role": "volunteer", "display_name": "Pupil C"},
    ),
    "upsert changed participant": lambda api, w: api.put(
        f"initiatives/{w['ini']}/participants/by-external-ref/crm-walker",
        json={"role": "person_using_services", "display_name": "Renamed", "consent": "given"},
    ),
    "create activity": lambda api, w: api.post(
        f"initiatives/{w['ini']}/activities",
        json={"activity_type": "co-production-mapping-session", "title": "Another"},
    ),
    "change activity": lambda api, w: api.patch(
        f"activities/{w['activity']}", json={"title": "Renamed"}
    ),
    "upsert activity": lambda api, w: api.put(
        f"initiatives/{w['ini']}/activities/by-external-ref/crm-mapping",
        json={"activity_type": "co-production-mapping-session", "title": "Renamed"},
    ),
    "delete activity": lambda api, w: api.delete(f"activities/{w['activity']}"),
    "create evidence": lambda api, w: api.post(
        f"initiatives/{w['ini']}/evidence",
        json={"evidence_type": "session-notes", "payload": {"text": "Late"}},
    ),
    "change evidence": lambda api, w: api.patch(
        f"evidence/{w['notes']}", json={"payload": {"text": "Rewritten"}}
    ),
    "upsert evidence": lambda api, w: api.put(
        f"initiatives/{w['ini']}/evidence/by-external-ref/crm-notes",
        json={"evidence_type": "session-notes", "payload": {"text": "Rewritten"}},
    ),
    "delete evidence": lambda api, w: api.delete(f"evidence/{w['notes']}"),
    "upload file": lambda api, w: api.put(
        f"evidence/{w['interview']}/file", data=upload(wav_bytes(900))
    ),
    "remove file": lambda api, w: api.delete(f"evidence/{w['interview']}/file"),
    "create assessment": lambda api, w: api.post(
        f"initiatives/{w['ini']}/assessments",
        json={
            "scale": "star-self-assessment",
            "perspective": "professional",
            "ratings": {"co-delivery": 2},
        },
    ),
    "change assessment": lambda api, w: api.patch(
        f"assessments/{w['assessment']}", json={"note": "Renamed"}
    ),
    "delete assessment": lambda api, w: api.delete(f"assessments/{w['assessment']}"),
}


@pytest.mark.parametrize("status", HOLDING)
@pytest.mark.parametrize("write", sorted(RECORD_WRITES))
def test_completed_and_archived_refuse_every_record_write_and_change_nothing(
    api, world, status, write
):
    set_status(api, world, status)
    before = snapshot(api, world)
    body = refused(RECORD_WRITES[write](api, world), 409, f"initiative_{status}")
    assert body["initiative_status"] == status
    assert "set its status back to active" in body["detail"]
    assert snapshot(api, world) == before


@pytest.mark.parametrize("status", HOLDING)
@pytest.mark.parametrize(
    "line",
    [
        {"record_type": "participant", "external_ref": "crm-bulk",
         "record": {"role": "volunteer", "display_name": "Pupil D"}},
        {"record_type": "activity", "external_ref": "crm-mapping",
         "record": {"activity_type": "co-production-mapping-session", "title": "Bulk"}},
        {"record_type": "evidence", "external_ref": "crm-bulk-notes",
         "record": {"evidence_type": "session-notes", "payload": {"text": "Bulk"}}},
    ],
    ids=["participant", "activity", "evidence"],
)  # fmt: skip
def test_bulk_lines_are_refused_the_same_way(api, world, status, line):
    set_status(api, world, status)
    before = snapshot(api, world)
    answer = bulk(api, {**line, "initiative_id": world["ini"]})
    assert answer["status"] == 409
    assert answer["problem"]["code"] == f"initiative_{status}"
    assert snapshot(api, world) == before


@pytest.mark.parametrize("status", ["paused", *HOLDING])
@pytest.mark.parametrize(
    "asked", [{"to_stage": "focus-it"}, {"to_stage": "map-it", "new_round": True}]
)
def test_no_status_but_active_moves_the_stage(api, world, status, asked):
    set_status(api, world, status)
    before = snapshot(api, world)
    ini = world["ini"]
    refused(api.post(f"initiatives/{ini}/transitions", json=asked), 409, f"initiative_{status}")
    assert snapshot(api, world) == before
    # Progress says so before anyone asks: the move is held, the requirement still shown.
    state = api.get(f"initiatives/{ini}/progress").json
    assert state["status"] == status
    [held] = state["moves"]
    assert held["allowed"] is False
    assert held["blockers"][0]["code"] == f"initiative_{status}"
    assert state["requirements"] == [
        {"key": "no_mapping_recorded", "text": state["requirements"][0]["text"],
         "checked": True, "met": True}
    ]  # fmt: skip


@pytest.mark.parametrize("write", sorted(RECORD_WRITES))
def test_a_paused_initiative_still_takes_records(api, world, write):
    set_status(api, world, "paused")
    response = RECORD_WRITES[write](api, world)
    assert response.status_code in {200, 201, 204}, (write, response.get_data(as_text=True))


def test_a_bulk_line_into_a_paused_initiative_is_written(api, world):
    set_status(api, world, "paused")
    answer = bulk(api, {"record_type": "participant", "external_ref": "crm-bulk",
                        "initiative_id": world["ini"],
                        "record": {"role": "volunteer", "display_name": "Pupil D"}})  # fmt: skip
    assert answer["status"] == 201


# People's rights are never refused -----------------------------------------------------------

ALL = ["active", "paused", *HOLDING]


@pytest.mark.parametrize("status", ALL)
def test_a_participant_can_always_withdraw_consent(api, world, status):
    set_status(api, world, status)
    person = api.patch(f"participants/{world['person']}", json={"consent": "withdrawn"})
    assert person.status_code == 200, person.json
    assert person.json["consent"] == "withdrawn"
    # Their evidence went with it, in the same write.
    interview = api.get(f"evidence/{world['interview']}").json
    assert (interview["consent"], interview["visibility"]) == ("withdrawn", "organisation")


@pytest.mark.parametrize("status", ALL)
def test_a_mirror_can_always_sync_a_withdrawal_by_external_ref(api, world, status):
    set_status(api, world, status)
    synced = api.put(
        f"initiatives/{world['ini']}/participants/by-external-ref/crm-walker",
        json={"role": "person_using_services", "display_name": "Walker A",
              "consent": "withdrawn"},
    )  # fmt: skip
    assert synced.status_code == 200, synced.json
    assert synced.json["consent"] == "withdrawn"


@pytest.mark.parametrize("status", ALL)
def test_evidence_consent_and_publication_can_always_be_withdrawn(api, world, status):
    set_status(api, world, status)
    public = api.patch(
        f"evidence/{world['interview']}",
        json={"publication_consent": "withdrawn", "visibility": "organisation"},
    )
    assert public.status_code == 200, public.json
    assert public.json["visibility"] == "organisation"
    notes = api.patch(f"evidence/{world['notes']}", json={"consent": "withdrawn"})
    assert notes.status_code == 200, notes.json


@pytest.mark.parametrize("status", ALL)
def test_a_participant_can_always_be_removed_or_erased(api, org, world, status):
    set_status(api, world, status)
    erased = org.with_scope("admin").post(f"participants/{world['person']}/erasure")
    assert erased.status_code == 200, erased.json
    assert api.delete(f"participants/{world['person']}").status_code == 204
    assert api.get(f"participants/{world['person']}").status_code == 404


# Reopening --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["paused", *HOLDING])
def test_setting_the_status_back_to_active_reopens_the_initiative(api, world, status):
    set_status(api, world, status)
    set_status(api, world, "active")
    assert RECORD_WRITES["create evidence"](api, world).status_code == 201
    assert RECORD_WRITES["upload file"](api, world).status_code == 200
    moved = api.post(f"initiatives/{world['ini']}/transitions", json={"to_stage": "focus-it"})
    assert moved.status_code == 201, moved.json


def test_a_completed_initiatives_own_fields_can_still_be_put_right(api, world):
    set_status(api, world, "completed")
    renamed = api.patch(f"initiatives/{world['ini']}", json={"title": "PRESENT, year one"})
    assert renamed.status_code == 200
    assert renamed.json["status"] == "completed"


def test_an_archived_initiative_changes_only_by_being_reopened(api, world):
    set_status(api, world, "archived")
    path = f"initiatives/{world['ini']}"
    refused(api.patch(path, json={"title": "Renamed"}), 409, "initiative_archived")
    assert api.get(path).json["title"] == "PRESENT"
    reopened = api.patch(path, json={"status": "active", "title": "PRESENT again"})
    assert reopened.status_code == 200
    assert (reopened.json["status"], reopened.json["title"]) == ("active", "PRESENT again")


def test_the_api_document_describes_what_each_status_refuses():
    document = json.loads((ROOT / "openapi" / "openapi.json").read_text(encoding="utf-8"))
    schemas = document["components"]["schemas"]
    for name in ("Initiative", "InitiativeInput", "InitiativePatch"):
        described = schemas[name]["properties"]["status"]
        assert described["enum"] == ["active", "paused", "completed", "archived"]
        for code in ("initiative_paused", "initiative_completed", "initiative_archived"):
            assert code in described["description"], (name, code)
    docs = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for code in ("initiative_paused", "initiative_completed", "initiative_archived"):
        assert f"`{code}`" in docs
