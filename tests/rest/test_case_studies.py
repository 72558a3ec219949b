"""Case studies: generated from an initiative's records, edited per section, citing
evidence by id, with a completeness check; voices only while consent allows."""

from __future__ import annotations

import datetime as dt

import pytest

STAR = "coproduction-star"


@pytest.fixture
def walks(api):
    initiative = api.post(
        "initiatives",
        json={"toolkit": STAR, "title": "Out and About", "summary": "Walks for people "
              "living with dementia, planned with them.", "themes": ["dementia"]},
    ).json["id"]  # fmt: skip
    person = api.post(
        f"initiatives/{initiative}/participants",
        json={"role": "person_using_services", "display_name": "Margaret Reid",
              "consent": "given"},
    ).json["id"]  # fmt: skip
    said = api.post(
        f"initiatives/{initiative}/evidence",
        json={"evidence_type": "participant-quote", "participant_id": person,
              "payload": {"text": "I know the way now."}, "consent": "given"},
    ).json["id"]  # fmt: skip
    api.post(
        f"initiatives/{initiative}/assessments",
        json={"scale": "star-self-assessment", "perspective": "professional",
              "ratings": {"co-design": 3}},
    )  # fmt: skip
    return {"initiative": initiative, "person": person, "quote": said}


def content(api, case_study):
    response = api.get(f"case-studies/{case_study}/content")
    assert response.status_code == 200, response.json
    return response.json


def section(document, key):
    return next(s for s in document["sections"] if s["key"] == key)


def test_a_case_study_is_generated_from_the_records_in_the_fields_sections(api, walks):
    made = api.post(f"initiatives/{walks['initiative']}/case-studies", json={})
    assert made.status_code == 201, made.json
    assert made.json["cited_evidence_ids"] == [walks["quote"]]
    document = content(api, made.json["id"])
    assert [s["key"] for s in document["sections"]] == [
        "context", "people", "steps", "voices", "outcomes", "assessments",
        "voice-and-action",  # the Star's own section (plugin API 1.2)
        "learning", "next", "credits",
    ]  # fmt: skip
    assert "Walks for people living with dementia" in section(document, "context")["text"]
    assert section(document, "people")["roles"] == {"person_using_services": 1}
    assert "Margaret" not in str(document)  # roles, never names
    assert section(document, "voices")["evidence"][0]["payload"]["text"] == "I know the way now."
    assert section(document, "voices")["evidence"][0]["speaker_role"] == "person_using_services"
    assert section(document, "steps")["timeline"][0]["stage_name"] == "Map it"
    assert section(document, "assessments")["ratings"][0]["ratings"] == {"co-design": 3}
    assert "Governance International" in document["toolkit"]["attribution"]
    assert document["imagined"] is False


def test_sections_are_edited_with_if_match_one_at_a_time(api, walks):
    made = api.post(f"initiatives/{walks['initiative']}/case-studies", json={})
    path = f"case-studies/{made.json['id']}"
    edited = api.patch(path, json={"sections": {"learning": "Walking at their pace."}},
                       headers={"If-Match": made.headers["ETag"]})  # fmt: skip
    assert edited.status_code == 200, edited.json
    assert edited.json["sections"]["learning"] == "Walking at their pace."
    assert edited.json["sections"]["context"] == made.json["sections"]["context"]
    stale = api.patch(path, json={"sections": {"next": "x"}},
                      headers={"If-Match": made.headers["ETag"]})  # fmt: skip
    assert stale.status_code == 412
    unknown = api.patch(path, json={"sections": {"gossip": "x"}})
    assert unknown.status_code == 422
    assert api.get(path).json == edited.json


def test_a_case_study_cannot_cite_another_organisations_evidence(api, walks, other_org):
    theirs = other_org.api.post(
        "initiatives", json={"toolkit": STAR, "title": "Theirs"}).json["id"]  # fmt: skip
    secret = other_org.api.post(
        f"initiatives/{theirs}/evidence",
        json={"evidence_type": "participant-quote", "payload": {"text": "Secret"},
              "consent": "given"},
    ).json["id"]  # fmt: skip
    made = api.post(f"initiatives/{walks['initiative']}/case-studies", json={}).json
    refused = api.patch(f"case-studies/{made['id']}",
                        json={"cited_evidence_ids": [walks["quote"], secret]})  # fmt: skip
    assert refused.status_code == 422
    assert refused.json["errors"][0]["field"] == "cited_evidence_ids/1"
    assert refused.json["errors"][0]["code"] == "evidence_not_in_initiative"
    assert "Secret" not in str(content(api, made["id"]))
    assert api.get(f"case-studies/{made['id']}").json["cited_evidence_ids"] == [walks["quote"]]


def test_a_withdrawn_voice_leaves_the_case_study_at_once_and_is_named_as_a_blocker(api, walks):
    made = api.post(f"initiatives/{walks['initiative']}/case-studies", json={}).json
    api.patch(f"participants/{walks['person']}", json={"consent": "withdrawn"})
    document = content(api, made["id"])
    assert section(document, "voices")["evidence"] == []
    assert "I know the way now." not in str(document)
    codes = [b["code"] for b in document["completeness"]["blockers"]]
    assert "cited_evidence_not_allowed" in codes
    assert "no_voices" in codes


def test_the_completeness_check_lists_what_is_missing_or_thin(api, walks):
    made = api.post(f"initiatives/{walks['initiative']}/case-studies", json={}).json
    check = api.get(f"case-studies/{made['id']}/completeness").json
    assert check["complete"] is False
    codes = {b["code"] for b in check["blockers"]}
    assert {"section_missing:learning", "section_missing:next", "no_outcomes"} <= codes
    assert "no_voices" not in codes
    assert all(b["message"] and b["plugin"] == "core" for b in check["blockers"])


def test_a_futuring_case_study_is_dated_in_the_future_and_marked_imagined(api, walks):
    path = f"initiatives/{walks['initiative']}/case-studies"
    past = api.post(path, json={"kind": "futuring", "dated_on": "2020-01-01"})
    assert past.status_code == 422
    assert past.json["errors"][0]["code"] == "futuring_not_in_future"
    made = api.post(path, json={"kind": "futuring"})
    assert made.status_code == 201, made.json
    assert dt.date.fromisoformat(made.json["dated_on"]) > dt.date.today()
    document = content(api, made.json["id"])
    assert document["imagined"] is True
    assert "imagined" in document["notice"]
    ahead = api.post(path, json={"kind": "retrospective", "dated_on": "2099-01-01"})
    assert ahead.json["errors"][0]["code"] == "retrospective_in_future"
