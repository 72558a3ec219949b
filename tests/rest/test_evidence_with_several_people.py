"""Evidence from several people (an oral-history interview with two pupils): named in
participant_ids, published only if every one agreed, and taken back when any one
withdraws or is erased, wherever it would be shown."""

from __future__ import annotations

import json
import secrets

import pytest

STAR = "coproduction-star"
CONSENTED = {
    "consent": "given",
    "consent_given_on": "2026-09-01",
    "consent_given_by": "parent",
    "age_band": "under_16",
}
AGREED = {"owners_agree": True, "agreed_by": "Paula Brown, coordinator"}


@pytest.fixture
def school(api):
    """An initiative with two pupils who agreed to publication and a carer who did not."""
    word = "history" + secrets.token_hex(4)
    initiative = api.post("initiatives", json={"toolkit": STAR, "title": f"Memories {word}"})
    assert initiative.status_code == 201, initiative.json

    def person(name, **more):
        made = api.post(
            f"initiatives/{initiative.json['id']}/participants",
            json={"role": "person_using_services", "display_name": name, **more},
        )
        assert made.status_code == 201, made.json
        return made.json["id"]

    return {
        "word": word,
        "initiative": initiative.json["id"],
        "first": person("Pupil A", **CONSENTED, publication_consent="given"),
        "second": person("Pupil B", **CONSENTED, publication_consent="given"),
        "carer": person("Carer", consent="given"),
    }


def record(api, school, text="We remember the old mill.", **fields):
    body = {
        "evidence_type": "participant-quote",
        "payload": {"text": text},
        "consent": "given",
        "publication_consent": "given",
        "visibility": "public",
        **fields,
    }
    return api.post(f"initiatives/{school['initiative']}/evidence", json=body)


def made(response):
    assert response.status_code in (200, 201), response.json
    return response.json


def problems(response):
    assert response.status_code == 422, response.json
    return {(error["field"], error.get("code")) for error in response.json["errors"]}


def listed(api, school, **query):
    response = api.get(f"initiatives/{school['initiative']}/evidence", query_string=query)
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def test_evidence_names_several_people_and_the_first_is_participant_id(api, school):
    both = [school["first"], school["second"]]
    evidence = made(record(api, school, participant_ids=[*both, school["first"]]))
    assert evidence["participant_ids"] == both  # duplicates dropped, order kept
    assert evidence["participant_id"] == school["first"]
    assert api.get(f"evidence/{evidence['id']}").json == evidence
    assert listed(api, school, participant_id=school["second"]) == [evidence["id"]]
    assert listed(api, school, participant_id=school["carer"]) == []
    reordered = made(api.patch(f"evidence/{evidence['id']}", json={"participant_ids": both[::-1]}))
    assert reordered["participant_id"] == school["second"]
    alone = made(api.patch(f"evidence/{evidence['id']}", json={"participant_id": school["first"]}))
    assert alone["participant_ids"] == [school["first"]]
    assert listed(api, school, participant_id=school["second"]) == []
    nobody = made(api.patch(f"evidence/{evidence['id']}", json={"participant_ids": []}))
    assert (nobody["participant_id"], nobody["participant_ids"]) == (None, [])


def test_a_client_sending_only_participant_id_sees_it_as_before(api, school):
    evidence = made(record(api, school, participant_id=school["first"]))
    assert evidence["participant_ids"] == [school["first"]]
    none = made(record(api, school, visibility="organisation"))
    assert (none["participant_id"], none["participant_ids"]) == (None, [])


def test_participant_id_and_participant_ids_sent_together_must_agree(api, school):
    both = [school["first"], school["second"]]
    assert problems(record(api, school, participant_id=school["second"], participant_ids=both)) == {
        ("participant_id", "participants_disagree")
    }
    agreed = made(record(api, school, participant_id=school["first"], participant_ids=both))
    assert agreed["participant_ids"] == both
    refused = api.patch(
        f"evidence/{agreed['id']}",
        json={"participant_id": school["carer"], "participant_ids": [school["first"]]},
    )
    assert problems(refused) == {("participant_id", "participants_disagree")}
    assert api.get(f"evidence/{agreed['id']}").json == agreed


def test_another_initiatives_or_organisations_participant_is_refused_by_its_index(
    api, school, other_org
):
    elsewhere = made(api.post("initiatives", json={"toolkit": STAR, "title": "Elsewhere"}))
    stranger = made(
        api.post(
            f"initiatives/{elsewhere['id']}/participants",
            json={"role": "volunteer", "display_name": "Stranger"},
        )
    )["id"]
    theirs_initiative = made(
        other_org.api.post("initiatives", json={"toolkit": STAR, "title": "T"})
    )
    theirs = made(
        other_org.api.post(
            f"initiatives/{theirs_initiative['id']}/participants",
            json={"role": "volunteer", "display_name": "Theirs"},
        )
    )["id"]
    refused = record(
        api, school, participant_ids=[school["first"], stranger, theirs, "par_unknown"]
    )
    assert problems(refused) == {
        ("participant_ids/1", "unknown_participant"),
        ("participant_ids/2", "unknown_participant"),
        ("participant_ids/3", "unknown_participant"),
    }
    assert problems(record(api, school, participant_id=stranger)) == {
        ("participant_id", "unknown_participant")
    }
    assert listed(api, school) == []


def test_public_evidence_needs_none_of_its_people_to_have_withdrawn(api, school):
    api.patch(f"participants/{school['carer']}", json={"consent": "withdrawn"})
    refused = record(api, school, participant_ids=[school["first"], school["carer"]])
    assert problems(refused) == {("visibility", "participant_consent_withdrawn")}


def test_nothing_from_someone_who_withdrew_is_kept_with_consent(api, school):
    """Withdrawn before the evidence is recorded, or consent given again after: either way
    their words would be listed and found by search while they have said no."""
    api.patch(f"participants/{school['carer']}", json={"consent": "withdrawn"})
    quiet = {"visibility": "organisation", "publication_consent": "not_recorded"}
    for consent in ("given", "not_recorded"):
        refused = record(
            api, school, "zebra crossing", participant_ids=[school["first"], school["carer"]],
            **quiet, consent=consent,
        )  # fmt: skip
        assert problems(refused) == {("consent", "participant_consent_withdrawn")}
    assert listed(api, school, q="zebra") == []
    # Recorded as withdrawn it is kept (the organisation's own record) and never listed.
    kept = made(
        record(
            api, school, "zebra crossing", participant_ids=[school["carer"]], **quiet,
            consent="withdrawn",
        )
    )  # fmt: skip
    # One of a pair withdraws; giving the pair's evidence consent again is refused.
    pair = made(
        record(api, school, "okapi", participant_ids=[school["first"], school["second"]], **quiet)
    )
    api.patch(f"participants/{school['second']}", json={"consent": "withdrawn"})
    again = api.patch(f"evidence/{pair['id']}", json={"consent": "given"})
    assert problems(again) == {("consent", "participant_consent_withdrawn")}
    assert api.get(f"evidence/{pair['id']}").json["consent"] == "withdrawn"
    assert listed(api, school) == []
    assert listed(api, school, q="okapi") == []
    assert kept["consent"] == "withdrawn"


def _case_study(api, school, cited):
    study = made(api.post(f"initiatives/{school['initiative']}/case-studies", json={}))["id"]
    changed = api.patch(
        f"case-studies/{study}",
        json={
            "cited_evidence_ids": cited,
            "sections": {"learning": f"We learned {school['word']}."},
        },
    )
    assert changed.status_code == 200, changed.json
    return study


def _content(api, study):
    response = api.get(f"case-studies/{study}/content")
    assert response.status_code == 200, response.json
    return json.dumps(response.json)


def _library_text(api, other_org, study, word):
    made(api.put(f"case-studies/{study}/publication", json=AGREED))
    items = other_org.api.get("library", query_string={"q": word}).json["items"]
    assert len(items) == 1, items
    return other_org.api.get(f"library/{items[0]['slug']}").get_data(as_text=True)


def test_it_is_published_only_when_every_one_of_its_people_agreed(api, other_org, school):
    pair = made(
        record(
            api, school, "Both agreed words", participant_ids=[school["first"], school["second"]]
        )
    )
    mixed = made(
        record(
            api, school, "Only one agreed words", participant_ids=[school["first"], school["carer"]]
        )
    )
    study = _case_study(api, school, [pair["id"], mixed["id"]])
    text = _library_text(api, other_org, study, school["word"])
    assert "Both agreed words" in text
    assert "Only one agreed words" not in text
    # Within the organisation both may be used: everyone agreed to take part.
    assert "Only one agreed words" in _content(api, study)


def test_withdrawal_by_any_one_of_them_takes_it_out_everywhere(api, other_org, school):
    pair = made(
        record(api, school, "Our mill story", participant_ids=[school["first"], school["second"]])
    )
    study = _case_study(api, school, [pair["id"]])
    assert "Our mill story" in _library_text(api, other_org, study, school["word"])
    withdrawn = api.patch(f"participants/{school['second']}", json={"consent": "withdrawn"})
    assert withdrawn.status_code == 200, withdrawn.json
    evidence = api.get(f"evidence/{pair['id']}").json
    assert (evidence["consent"], evidence["visibility"]) == ("withdrawn", "organisation")
    assert evidence["version"] > pair["version"]
    assert listed(api, school) == []
    assert "Our mill story" not in _content(api, study)
    slug = other_org.api.get("library", query_string={"q": school["word"]}).json["items"][0]["slug"]
    assert "Our mill story" not in other_org.api.get(f"library/{slug}").get_data(as_text=True)
    events = api.get("events", query_string={"type": "evidence.consent_withdrawn", "limit": 100})
    assert events.status_code == 200, events.json
    [event] = events.json["items"]
    assert event["record_id"] == pair["id"]
    assert event["record"]["consent"] == "withdrawn"
    assert event["record"]["participant_ids"] == [school["first"], school["second"]]


def test_erasure_of_any_one_of_them_empties_it_and_the_export_says_so(api, org, school):
    pair = made(
        record(
            api, school, "Words to be erased", participant_ids=[school["first"], school["second"]]
        )
    )
    erased = org.with_scope("admin").post(f"participants/{school['first']}/erasure")
    assert erased.status_code == 200, erased.json
    evidence = api.get(f"evidence/{pair['id']}").json
    assert evidence["payload"] == {}
    assert evidence["erased_at"] is not None
    assert evidence["participant_ids"] == [school["first"], school["second"]]
    export = api.get("export", query_string={"initiative_id": school["initiative"]})
    lines = [json.loads(line) for line in export.get_data(as_text=True).splitlines()]
    records = {line["record"]["id"]: line["record"] for line in lines if line["type"] == "record"}
    assert records[pair["id"]]["payload"] == {}
    assert records[pair["id"]]["participant_ids"] == [school["first"], school["second"]]
    assert "Words to be erased" not in export.get_data(as_text=True)
    # The other pupil's subject access finds it too: it came from them as well.
    access = org.with_scope("admin").get(f"participants/{school['second']}/subject-access")
    assert access.status_code == 200, access.json
    assert [e["id"] for e in access.json["evidence"]] == [pair["id"]]


def test_deleting_one_of_them_leaves_the_others_named(api, school):
    pair = made(
        record(
            api,
            school,
            visibility="organisation",
            participant_ids=[school["first"], school["second"]],
        )
    )
    assert api.delete(f"participants/{school['first']}").status_code == 204
    evidence = api.get(f"evidence/{pair['id']}").json
    assert evidence["participant_ids"] == [school["second"]]
    assert evidence["participant_id"] == school["second"]
    assert evidence["version"] == pair["version"] + 1
    assert listed(api, school, participant_id=school["second"]) == [pair["id"]]
