"""UK GDPR over HTTP: consent withdrawal, subject access and erasure.

A council must be able to show that evidence from someone who withdrew consent is no
longer used, give a person everything held about them in one answer, and erase them,
while the initiative's anonymous record (roles, stages, counts) still adds up.
"""

from __future__ import annotations

import io
import struct

import pytest

from api.context import services
from toolkits_core.service import ERASED_NAME

STAR = "coproduction-star"


def wav_bytes(samples: int = 400) -> bytes:
    data = b"\x00\x00" * samples
    header = b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt "
    header += struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16) + b"data"
    return header + struct.pack("<I", len(data)) + data


def ok(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)
    return response.json


def refused(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == code, response.json
    return response.json


@pytest.fixture
def story(api):
    """An initiative in Focus it, with a consenting walker whose recorded interview is
    the only focus evidence, and a second piece of evidence from nobody in particular."""
    ini = ok(api.post("initiatives", json={"toolkit": STAR, "title": "Walks"}), 201)["id"]
    walker = ok(
        api.post(
            f"initiatives/{ini}/participants",
            json={
                "role": "person_using_services",
                "display_name": "Margaret W",
                "consent": "given",
                "external_ref": "CRM-CONTACT-17",
            },
        ),
        201,
    )["id"]
    mapping = ok(
        api.post(
            f"initiatives/{ini}/activities",
            json={
                "activity_type": "co-production-mapping-session",
                "title": "Mapping what exists",
                "participant_ids": [walker],
            },
        ),
        201,
    )["id"]
    ok(api.post(f"initiatives/{ini}/transitions", json={"to_stage": "focus-it"}), 201)
    interview = ok(
        api.post(
            f"initiatives/{ini}/evidence",
            json={
                "evidence_type": "audio-interview",
                "participant_id": walker,
                "payload": {"caption": "Margaret on why the canal path matters"},
                "external_ref": "CRM-Margaret-recording",
                "consent": "given",
                "visibility": "public",
            },
        ),
        201,
    )["id"]
    ok(
        api.put(
            f"evidence/{interview}/file",
            data={"file": (io.BytesIO(wav_bytes()), "margaret.wav", "audio/wav")},
        )
    )
    notes = ok(
        api.post(
            f"initiatives/{ini}/evidence",
            json={"evidence_type": "session-notes", "payload": {"text": "Route ideas"},
                  "stage": "map-it"},
        ),
        201,
    )["id"]  # fmt: skip
    return {"ini": ini, "walker": walker, "mapping": mapping, "interview": interview,
            "notes": notes}  # fmt: skip


def listed_evidence(api, ini, **query):
    return [
        item["id"]
        for item in ok(api.get(f"initiatives/{ini}/evidence", query_string=query))["items"]
    ]


def move_to(api, ini, stage):
    moves = ok(api.get(f"initiatives/{ini}/progress"))["moves"]
    return next(move for move in moves if move["to_stage"] == stage)


def test_withdrawn_consent_takes_evidence_out_of_every_list_and_rule_at_once(api, story):
    ini = story["ini"]
    # The walker's own notes write the focus down (an interview alone does not, for the Star).
    focus = {"evidence_type": "session-notes", "participant_id": story["walker"],
             "payload": {"text": "We chose the canal path."}, "consent": "given"}  # fmt: skip
    written = ok(api.post(f"initiatives/{ini}/evidence", json=focus), 201)["id"]
    assert set(listed_evidence(api, ini)) == {story["interview"], story["notes"], written}
    assert move_to(api, ini, "people-it")["allowed"] is True

    ok(api.patch(f"participants/{story['walker']}", json={"consent": "withdrawn"}))

    assert listed_evidence(api, ini) == [story["notes"]]
    assert listed_evidence(api, ini, participant_id=story["walker"]) == []
    assert listed_evidence(api, ini, visibility="public") == []
    assert listed_evidence(api, ini, stage="focus-it") == []
    # The toolkit's rules no longer count it: Focus it has no focus evidence again.
    blocked = move_to(api, ini, "people-it")
    assert blocked["allowed"] is False
    assert [b["code"] for b in blocked["blockers"]] == ["no_focus_recorded"]
    # Still readable by id, so a mirror learns why it went; but its file is not given out.
    record = ok(api.get(f"evidence/{story['interview']}"))
    assert (record["consent"], record["visibility"]) == ("withdrawn", "organisation")
    refused(api.get(f"evidence/{story['interview']}/file"), 409, "consent_withdrawn")


def test_consent_given_again_brings_the_evidence_back(api, story):
    ok(api.patch(f"participants/{story['walker']}", json={"consent": "withdrawn"}))
    ok(api.patch(f"participants/{story['walker']}", json={"consent": "given"}))
    # Withdrawal is recorded on each piece; giving consent again is a choice per piece.
    assert story["interview"] not in listed_evidence(api, story["ini"])
    ok(api.patch(f"evidence/{story['interview']}", json={"consent": "given"}))
    assert story["interview"] in listed_evidence(api, story["ini"])
    assert api.get(f"evidence/{story['interview']}/file").data == wav_bytes()


def test_subject_access_returns_everything_held_about_a_participant(org, story):
    admin = org.with_scope("admin")
    ok(admin.patch(f"participants/{story['walker']}", json={"consent": "withdrawn"}))
    answer = ok(admin.get(f"participants/{story['walker']}/subject-access"))
    assert answer["participant"]["display_name"] == "Margaret W"
    assert answer["participant"]["external_ref"] == "CRM-CONTACT-17"
    assert [a["id"] for a in answer["activities"]] == [story["mapping"]]
    # Withdrawn evidence is theirs too: subject access shows it, with its file.
    assert [e["id"] for e in answer["evidence"]] == [story["interview"]]
    assert answer["evidence"][0]["file"]["size"] == len(wav_bytes())
    about = {event["record_id"] for event in answer["audit_events"]}
    assert about == {story["walker"], story["interview"]}
    actions = [(e["record_type"], e["action"]) for e in answer["audit_events"]]
    assert ("participant", "created") in actions
    assert ("evidence", "changed") in actions  # the withdrawal reached their evidence
    # The answer is an export of personal data, and the log says who made it.
    exported = ok(
        admin.get("audit-events", query_string={"record_id": story["walker"],
                                                "action": "exported"})
    )["items"]  # fmt: skip
    assert len(exported) == 1
    assert exported[0]["fields"] == ["subject_access"]
    assert exported[0]["key_id"] == org.tokens["admin"].removeprefix("coprod_").split(".")[0]


def test_subject_access_and_erasure_need_an_admin_key(org, story):
    for scope in ("read", "write"):
        client = org.with_scope(scope)
        refused(client.get(f"participants/{story['walker']}/subject-access"), 403, "missing_scope")
        refused(client.post(f"participants/{story['walker']}/erasure"), 403, "missing_scope")
    assert ok(org.api.get(f"participants/{story['walker']}"))["display_name"] == "Margaret W"


def test_erasure_removes_personal_data_and_files_and_keeps_the_record_coherent(app, org, story):
    admin = org.with_scope("admin")
    before = ok(admin.get(f"initiatives/{story['ini']}"))
    files = services(app).files.root / org.id
    assert any(path.is_file() for path in files.rglob("*"))

    erased = admin.post(f"participants/{story['walker']}/erasure")
    person = ok(erased)
    assert erased.headers["ETag"] == f'"{person["id"]}.{person["version"]}"'
    assert person["display_name"] == ERASED_NAME
    assert person["external_ref"] is None
    assert person["consent"] == "withdrawn"
    assert person["erased_at"] is not None
    assert person["role"] == "person_using_services"  # the anonymous record keeps roles

    interview = ok(admin.get(f"evidence/{story['interview']}"))
    assert interview["payload"] == {}
    assert interview["external_ref"] is None
    assert interview["file"] is None
    assert interview["erased_at"] is not None
    assert interview["participant_id"] == story["walker"]
    assert not any(path.is_file() for path in files.rglob("*")), "the recording is deleted"
    refused(admin.get(f"evidence/{story['interview']}/file"), 409, "consent_withdrawn")
    # Nothing anywhere still holds the name or the CRM reference.
    access = admin.get(f"participants/{story['walker']}/subject-access").get_data(as_text=True)
    assert "Margaret" not in access
    assert "CRM-CONTACT-17" not in access
    log = admin.get("audit-events", query_string={"limit": 100}).get_data(as_text=True)
    assert "Margaret" not in log
    assert "CRM-CONTACT-17" not in log
    # The initiative still reads, with its activity links, stage history and other evidence.
    assert ok(admin.get(f"initiatives/{story['ini']}"))["stage"] == before["stage"]
    activity = ok(admin.get(f"activities/{story['mapping']}"))
    assert activity["participant_ids"] == [story["walker"]]
    assert listed_evidence(admin, story["ini"]) == [story["notes"]]
    assert len(ok(admin.get(f"initiatives/{story['ini']}/transitions"))["items"]) == 2
    # The erasure itself is logged, for the participant and for each piece of evidence.
    erasures = ok(admin.get("audit-events", query_string={"action": "erased"}))["items"]
    assert {(e["record_type"], e["record_id"]) for e in erasures} == {
        ("participant", story["walker"]),
        ("evidence", story["interview"]),
    }


def test_erased_records_refuse_changes_and_erasing_again_changes_nothing(org, story):
    admin = org.with_scope("admin")
    first = ok(admin.post(f"participants/{story['walker']}/erasure"))
    again = ok(admin.post(f"participants/{story['walker']}/erasure"))
    assert again["version"] == first["version"]
    refused(admin.patch(f"participants/{story['walker']}", json={"display_name": "Margaret W"}),
            409, "participant_erased")  # fmt: skip
    refused(admin.patch(f"evidence/{story['interview']}", json={"consent": "given"}),
            409, "evidence_erased")  # fmt: skip
    upload = {"file": (io.BytesIO(wav_bytes()), "again.wav", "audio/wav")}
    refused(admin.put(f"evidence/{story['interview']}/file", data=upload), 409, "evidence_erased")
    # Nothing new can be recorded as coming from them, nor pointed at them.
    refused(
        admin.post(
            f"initiatives/{story['ini']}/evidence",
            json={"evidence_type": "session-notes", "participant_id": story["walker"],
                  "payload": {"text": "Margaret said..."}},
        ),
        422,
        "invalid_request",
    )  # fmt: skip
    moved = admin.patch(f"evidence/{story['notes']}", json={"participant_id": story["walker"]})
    assert moved.status_code == 422
    assert [e["code"] for e in moved.json["errors"]] == ["participant_erased"]
    assert listed_evidence(admin, story["ini"]) == [story["notes"]]
    # Deleting stays possible: erasure is not a reason to keep a record.
    assert admin.delete(f"evidence/{story['interview']}").status_code == 204
    assert admin.delete(f"participants/{story['walker']}").status_code == 204


def test_erasure_works_on_an_archived_initiative(org, story):
    admin = org.with_scope("admin")
    ok(admin.patch(f"initiatives/{story['ini']}", json={"status": "archived"}))
    assert ok(admin.post(f"participants/{story['walker']}/erasure"))["display_name"] == ERASED_NAME


def test_a_stale_if_match_stops_an_erasure(org, story):
    admin = org.with_scope("admin")
    etag = admin.get(f"participants/{story['walker']}").headers["ETag"]
    ok(admin.patch(f"participants/{story['walker']}", json={"display_name": "M. W."}))
    refused(
        admin.post(f"participants/{story['walker']}/erasure", headers={"If-Match": etag}),
        412,
        "stale_etag",
    )
    assert ok(admin.get(f"participants/{story['walker']}"))["erased_at"] is None
