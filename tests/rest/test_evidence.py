"""Evidence over HTTP: record, read, list, change and delete what an initiative gathered.

Every refused write is checked to leave the stored evidence as it was.
"""

from __future__ import annotations

import contextlib
from io import BytesIO

import sqlalchemy as sa
from conftest import ApiClient, build_toolkit

from api.context import services
from toolkits_core import PluginHost, Problem, hookimpl

STAR = "coproduction-star"
STANDARDS = "national-standards"


def new_initiative(api, toolkit=STAR, **fields):
    body = {"toolkit": toolkit, "title": "Dementia-friendly Milngavie", **fields}
    response = api.post("initiatives", json=body)
    assert response.status_code == 201, response.json
    return response.json["id"]


def new_participant(api, initiative, consent="given", role="person_using_services"):
    response = api.post(
        f"initiatives/{initiative}/participants",
        json={"role": role, "display_name": "Margaret", "consent": consent},
    )
    assert response.status_code == 201, response.json
    return response.json["id"]


def new_activity(api, initiative, activity_type="co-production-mapping-session", **fields):
    response = api.post(
        f"initiatives/{initiative}/activities",
        json={"activity_type": activity_type, "title": "Mapping session", **fields},
    )
    assert response.status_code == 201, response.json
    return response.json["id"]


def notes(**fields):
    return {"evidence_type": "session-notes", "payload": {"text": "Twelve came."}, **fields}


def new_evidence(api, initiative, **fields):
    response = api.post(f"initiatives/{initiative}/evidence", json=notes(**fields))
    assert response.status_code == 201, response.json
    return response


def refused(response, status, fields=None):
    """The problem a refused request answers with, checked to name ``fields`` if given."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    if fields is not None:
        assert sorted(e["field"] for e in response.json["errors"]) == sorted(fields)
    return response.json


def listed(api, initiative, **query):
    response = api.get(f"initiatives/{initiative}/evidence", query_string=query)
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def test_evidence_is_recorded_in_the_current_stage_and_cycle_by_default(api):
    initiative = new_initiative(api)
    response = new_evidence(
        api,
        initiative,
        dimensions=["co-design"],
        indicators=["co-design-users-involved-from-start"],
        collected_on="2026-03-02",
        external_ref="CRM-E1",
    )
    body = response.json
    assert body["id"].startswith("evd_")
    assert body["initiative_id"] == initiative
    assert (body["stage"], body["cycle"]) == ("map-it", 1)
    assert body["payload"] == {"text": "Twelve came."}
    assert body["consent"] == "not_recorded"
    assert body["visibility"] == "organisation"
    assert body["activity_id"] is None
    assert body["participant_id"] is None
    assert body["collected_on"] == "2026-03-02"
    assert body["file"] is None
    assert body["expects_file"] is False
    assert response.headers["ETag"] == f'"{body["id"]}.1"'
    assert response.headers["Location"].endswith(f"/api/v1/evidence/{body['id']}")
    shown = api.get(f"evidence/{body['id']}")
    assert shown.status_code == 200
    assert shown.json == body
    assert shown.headers["ETag"] == response.headers["ETag"]


def test_a_payload_is_stored_as_given(api):
    initiative = new_initiative(api)
    payload = {
        "question": "Would you walk with the group again?",
        "respondents": 14,
        "results": {"yes": 12, "not sure": 2.5},
    }
    response = api.post(
        f"initiatives/{initiative}/evidence",
        json={"evidence_type": "survey-result", "payload": payload},
    )
    assert response.status_code == 201, response.json
    assert api.get(f"evidence/{response.json['id']}").json["payload"] == payload


def test_payload_schema_errors_name_the_field_paths(api):
    initiative = new_initiative(api)
    path = f"initiatives/{initiative}/evidence"
    empty = refused(api.post(path, json=notes(payload={"text": ""})), 422, ["payload/text"])
    assert empty["errors"][0]["code"] == "invalid_payload"
    refused(api.post(path, json=notes(payload={})), 422, ["payload"])
    refused(api.post(path, json=notes(payload={"text": "x", "colour": "red"})), 422, ["payload"])
    metric = {"evidence_type": "metric", "payload": {"name": "Walkers", "value": "ten"}}
    refused(api.post(path, json=metric), 422, ["payload/value"])
    refused(api.post(path, json=notes(payload="just text")), 422, ["payload"])
    refused(api.post(path, json={"evidence_type": "session-notes"}), 422, ["payload"])
    assert listed(api, initiative) == []


def test_unknown_types_dimensions_and_indicators_are_field_errors(api):
    initiative = new_initiative(api)
    path = f"initiatives/{initiative}/evidence"
    unknown_type = refused(
        api.post(path, json={"evidence_type": "diary", "payload": {}}), 422, ["evidence_type"]
    )
    assert unknown_type["errors"][0]["code"] == "unknown_evidence_type"
    refused(api.post(path, json=notes(dimensions=["co-nothing"])), 422, ["dimensions/0"])
    refused(
        api.post(path, json=notes(dimensions=["co-design"], indicators=["no-such-indicator"])),
        422,
        ["indicators/0"],
    )
    untagged = refused(
        api.post(path, json=notes(indicators=["co-design-users-involved-from-start"])),
        422,
        ["indicators/0"],
    )
    assert untagged["errors"][0]["code"] == "indicator_dimension_not_tagged"
    assert listed(api, initiative) == []


def test_shape_errors_are_caught_before_the_toolkit_is_asked(api):
    initiative = new_initiative(api)
    body = notes(consent="maybe", visibility="everyone", cycle=0, colour="red", file={})
    response = api.post(f"initiatives/{initiative}/evidence", json=body)
    refused(response, 422, ["colour", "consent", "cycle", "file", "visibility"])
    assert {e["location"] for e in response.json["errors"]} == {"json"}
    assert listed(api, initiative) == []


def test_a_stage_or_cycle_the_initiative_has_not_reached_is_refused(api):
    initiative = new_initiative(api)
    path = f"initiatives/{initiative}/evidence"
    stage = refused(api.post(path, json=notes(stage="grow-it")), 422, ["stage"])
    assert stage["errors"][0]["code"] == "stage_not_reached"
    refused(api.post(path, json=notes(stage="no-such-stage")), 422, ["stage"])
    refused(api.post(path, json=notes(cycle=2)), 422, ["cycle"])
    assert listed(api, initiative) == []


def test_a_plugins_rule_is_reported_with_the_plugins_name(api):
    initiative = new_initiative(api, toolkit=STANDARDS)
    body = {
        "evidence_type": "indicator-check",
        "payload": {"status": "met"},
        "dimensions": ["inclusion"],
        "indicators": ["inclusion-stakeholders-mapped", "inclusion-barriers-identified"],
    }
    problem = refused(api.post(f"initiatives/{initiative}/evidence", json=body), 422)
    assert [(e["field"], e["plugin"]) for e in problem["errors"]] == [
        ("indicators", "national_standards")
    ]
    body["indicators"] = ["inclusion-stakeholders-mapped"]
    assert api.post(f"initiatives/{initiative}/evidence", json=body).status_code == 201


def test_evidence_links_to_an_activity_and_a_participant_of_its_initiative(api):
    initiative = new_initiative(api)
    person = new_participant(api, initiative)
    session = new_activity(api, initiative)
    body = new_evidence(api, initiative, activity_id=session, participant_id=person).json
    assert (body["activity_id"], body["participant_id"]) == (session, person)


def test_evidence_of_an_activity_lands_where_the_activity_was_done(api):
    initiative = new_initiative(api)
    walk = new_activity(api, initiative, activity_type="asset-mapping-walk")
    api.post(f"initiatives/{initiative}/transitions", json={"to_stage": "focus-it"})
    body = new_evidence(api, initiative, activity_id=walk).json
    assert (body["stage"], body["cycle"]) == ("map-it", 1)
    unlinked = new_evidence(api, initiative).json
    assert unlinked["stage"] == "focus-it"


def test_an_activity_of_a_type_from_another_stage_does_not_fit(api):
    initiative = new_initiative(api)
    walk = new_activity(api, initiative, activity_type="asset-mapping-walk")
    api.post(f"initiatives/{initiative}/transitions", json={"to_stage": "focus-it"})
    problem = refused(
        api.post(
            f"initiatives/{initiative}/evidence", json=notes(activity_id=walk, stage="focus-it")
        ),
        422,
    )
    assert [e["code"] for e in problem["errors"]] == ["activity_type_not_in_stage"]
    assert listed(api, initiative) == []


def test_activities_and_participants_of_another_initiative_or_organisation_are_refused(
    api, other_org
):
    initiative = new_initiative(api)
    elsewhere = new_initiative(api)
    theirs = new_initiative(other_org.api)
    path = f"initiatives/{initiative}/evidence"
    for owner, source in ((api, elsewhere), (other_org.api, theirs)):
        activity = new_activity(owner, source)
        person = new_participant(owner, source)
        problem = refused(
            api.post(path, json=notes(activity_id=activity, participant_id=person)),
            422,
            ["activity_id", "participant_id"],
        )
        codes = sorted(e["code"] for e in problem["errors"])
        assert codes == ["unknown_activity", "unknown_participant"]
        assert all("in this initiative" in e["message"] for e in problem["errors"])
    assert listed(api, initiative) == []


def test_public_evidence_needs_the_consent_of_the_person_it_came_from(api):
    initiative = new_initiative(api)
    path = f"initiatives/{initiative}/evidence"
    quote = {"evidence_type": "participant-quote", "payload": {"text": "I felt heard."}}
    problem = refused(api.post(path, json={**quote, "visibility": "public"}), 422, ["visibility"])
    assert problem["errors"][0]["code"] == "public_needs_consent"
    assert "consent" in problem["errors"][0]["message"]
    withdrawn = new_participant(api, initiative, consent="withdrawn")
    problem = refused(
        api.post(
            path,
            json={**quote, "visibility": "public", "consent": "given", "participant_id": withdrawn},
        ),
        422,
        ["visibility"],
    )
    assert problem["errors"][0]["code"] == "participant_consent_withdrawn"
    assert listed(api, initiative) == []
    agreed = new_participant(api, initiative, consent="given")
    response = api.post(
        path, json={**quote, "visibility": "public", "consent": "given", "participant_id": agreed}
    )
    assert response.status_code == 201, response.json
    assert response.json["visibility"] == "public"


def test_patch_changes_what_is_sent_and_replaces_the_payload_whole(api):
    initiative = new_initiative(api)
    created = api.post(
        f"initiatives/{initiative}/evidence",
        json={
            "evidence_type": "participant-quote",
            "payload": {"text": "I felt heard.", "context": "At the cafe"},
            "dimensions": ["co-design"],
        },
    )
    path = f"evidence/{created.json['id']}"
    response = api.patch(
        path,
        json={"payload": {"text": "I was heard."}, "external_ref": "CRM-Q"},
        headers={"If-Match": created.headers["ETag"]},
    )
    assert response.status_code == 200, response.json
    assert response.json["payload"] == {"text": "I was heard."}
    assert response.json["dimensions"] == ["co-design"]
    assert response.json["external_ref"] == "CRM-Q"
    assert response.json["version"] == 2
    assert response.headers["ETag"] != created.headers["ETag"]
    assert api.get(path).json == response.json


def test_patch_checks_the_whole_resulting_record_and_changes_nothing_when_refused(api):
    initiative = new_initiative(api)
    person = new_participant(api, initiative)
    created = new_evidence(api, initiative, participant_id=person, consent="given")
    path = f"evidence/{created.json['id']}"
    before = api.get(path)
    refused(api.patch(path, json={"payload": {"text": ""}}), 422, ["payload/text"])
    refused(api.patch(path, json={"visibility": "public", "consent": "withdrawn"}), 422)
    as_metric = refused(api.patch(path, json={"evidence_type": "metric"}), 422)
    assert {e["field"] for e in as_metric["errors"]} == {"payload"}
    refused(api.patch(path, json={"indicators": ["co-design-ideas-tested-with-users"]}), 422)
    refused(api.patch(path, json={"stage": "people-it"}), 422, ["stage"])
    refused(api.patch(path, json={"participant_id": "par_nobody"}), 422, ["participant_id"])
    refused(api.patch(path, json={"initiative_id": "ini_other"}), 422, ["initiative_id"])
    after = api.get(path)
    assert after.json == before.json
    assert after.headers["ETag"] == before.headers["ETag"]
    # Withdrawn consent on the participant makes a later public setting impossible too.
    api.patch(f"participants/{person}", json={"consent": "withdrawn"})
    problem = refused(api.patch(path, json={"visibility": "public", "consent": "given"}), 422)
    assert [e["code"] for e in problem["errors"]] == ["participant_consent_withdrawn"]


def test_patch_can_unlink_the_activity_and_participant(api):
    initiative = new_initiative(api)
    created = new_evidence(
        api,
        initiative,
        activity_id=new_activity(api, initiative),
        participant_id=new_participant(api, initiative),
    )
    response = api.patch(
        f"evidence/{created.json['id']}",
        json={"activity_id": None, "participant_id": None, "collected_on": None},
    )
    assert response.status_code == 200, response.json
    assert (response.json["activity_id"], response.json["participant_id"]) == (None, None)


def test_a_stale_if_match_is_refused_and_changes_nothing(api):
    initiative = new_initiative(api)
    created = new_evidence(api, initiative)
    path = f"evidence/{created.json['id']}"
    assert api.patch(path, json={"payload": {"text": "Thirteen came."}}).status_code == 200
    stale = {"If-Match": created.headers["ETag"]}
    problem = refused(api.patch(path, json={"payload": {"text": "x"}}, headers=stale), 412)
    assert problem["code"] == "stale_etag"
    refused(api.delete(path, headers=stale), 412)
    assert api.get(path).json["payload"] == {"text": "Thirteen came."}


def test_evidence_of_an_archived_initiative_is_read_only(api):
    initiative = new_initiative(api)
    created = new_evidence(api, initiative)
    path = f"evidence/{created.json['id']}"
    api.patch(f"initiatives/{initiative}", json={"status": "archived"})
    for response in (
        api.post(f"initiatives/{initiative}/evidence", json=notes()),
        api.patch(path, json={"payload": {"text": "Changed"}}),
        api.delete(path),
    ):
        assert refused(response, 409)["code"] == "initiative_archived"
    assert api.get(path).json == created.json
    assert listed(api, initiative) == [created.json["id"]]


def test_external_refs_are_unique_within_an_initiative(api):
    initiative = new_initiative(api)
    first = new_evidence(api, initiative, external_ref="CRM-E7").json
    clash = api.post(f"initiatives/{initiative}/evidence", json=notes(external_ref="CRM-E7"))
    assert refused(clash, 409)["code"] == "external_ref_taken"
    assert listed(api, initiative) == [first["id"]]
    assert new_evidence(api, new_initiative(api), external_ref="CRM-E7").status_code == 201
    second = new_evidence(api, initiative).json
    moved = api.patch(f"evidence/{second['id']}", json={"external_ref": "CRM-E7"})
    assert refused(moved, 409)["code"] == "external_ref_taken"
    assert api.patch(f"evidence/{first['id']}", json={"external_ref": "CRM-E7"}).status_code == 200


def test_lists_filter_by_every_field_integrators_ask_for(api):
    initiative = new_initiative(api)
    person = new_participant(api, initiative)
    new_activity(api, initiative)
    first = new_evidence(api, initiative, external_ref="A").json
    second = new_evidence(
        api,
        initiative,
        evidence_type="participant-quote",
        payload={"text": "We were listened to."},
        participant_id=person,
        consent="given",
        visibility="public",
    ).json
    api.post(f"initiatives/{initiative}/transitions", json={"to_stage": "focus-it"})
    activity = new_activity(api, initiative, activity_type="prioritisation-workshop")
    third = new_evidence(api, initiative, activity_id=activity, visibility="private").json

    def ids(**query):
        return listed(api, initiative, **query)

    assert ids() == [first["id"], second["id"], third["id"]]
    assert ids(stage="map-it") == [first["id"], second["id"]]
    assert ids(stage="focus-it") == [third["id"]]
    assert ids(evidence_type="participant-quote") == [second["id"]]
    assert ids(cycle=1) == [first["id"], second["id"], third["id"]]
    assert ids(cycle=2) == []
    assert ids(activity_id=activity) == [third["id"]]
    assert ids(participant_id=person) == [second["id"]]
    assert ids(visibility="public") == [second["id"]]
    assert ids(visibility="private") == [third["id"]]
    assert ids(external_ref="A") == [first["id"]]
    assert ids(updated_since=third["updated_at"]) == [third["id"]]
    bad = api.get(f"initiatives/{initiative}/evidence", query_string={"visibility": "everyone"})
    assert refused(bad, 422)["errors"][0]["location"] == "query"


def test_lists_page_by_cursor_with_a_link_header(api):
    initiative = new_initiative(api)
    made = [new_evidence(api, initiative).json["id"] for _ in range(5)]
    seen, url, pages = [], f"/api/v1/initiatives/{initiative}/evidence?limit=2", 0
    while url:
        response = api.get(url)
        assert response.status_code == 200
        seen += [item["id"] for item in response.json["items"]]
        pages += 1
        link = response.headers.get("Link")
        assert (link is None) == (response.json["next_cursor"] is None)
        url = link[link.index("<") + 1 : link.index(">")].split("localhost", 1)[-1] if link else ""
    assert seen == made
    assert pages == 3


@contextlib.contextmanager
def counting(app):
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = services(app).database.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def test_a_page_costs_the_same_statements_however_many_rows_and_files_it_holds(app, make_org):
    counts = {}
    for rows in (2, 9):
        api = make_org(f"Council of {rows}").api
        initiative = new_initiative(api)
        person = new_participant(api, initiative)
        activity = new_activity(api, initiative)
        for n in range(rows):
            new_evidence(api, initiative, activity_id=activity, participant_id=person)
            photo = api.post(
                f"initiatives/{initiative}/evidence",
                json={"evidence_type": "photo", "payload": {"caption": f"Walk {n}"}},
            ).json
            png = b"\x89PNG\r\n\x1a\n" + bytes([n]) * 40
            uploaded = api.put(
                f"evidence/{photo['id']}/file",
                data={"file": (BytesIO(png), f"walk-{n}.png", "image/png")},
            )
            assert uploaded.status_code == 200, uploaded.json
        with counting(app) as statements:
            response = api.get(f"initiatives/{initiative}/evidence", query_string={"limit": 100})
        assert len(response.json["items"]) == 2 * rows
        items = response.json["items"]
        assert all(item["expects_file"] == (item["file"] is not None) for item in items)
        counts[rows] = len(statements)
    assert counts[2] == counts[9], counts


def test_another_organisations_evidence_is_not_found(api, other_org):
    initiative = new_initiative(api)
    created = new_evidence(api, initiative).json
    theirs = other_org.api
    path = f"evidence/{created['id']}"
    assert refused(theirs.get(path), 404)["code"] == "not_found"
    refused(theirs.patch(path, json={"payload": {"text": "Mine now."}}), 404)
    refused(theirs.delete(path), 404)
    refused(theirs.get(f"initiatives/{initiative}/evidence"), 404)
    refused(theirs.post(f"initiatives/{initiative}/evidence", json=notes()), 404)
    assert api.get(path).json == created


def test_reading_needs_only_a_read_key_and_writing_a_write_key(org):
    initiative = new_initiative(org.api)
    created = new_evidence(org.api, initiative).json
    reader = org.with_scope("read")
    assert reader.get(f"evidence/{created['id']}").status_code == 200
    assert reader.get(f"initiatives/{initiative}/evidence").status_code == 200
    refused(reader.post(f"initiatives/{initiative}/evidence", json=notes()), 403)
    refused(reader.patch(f"evidence/{created['id']}", json={"payload": {"text": "x"}}), 403)
    refused(reader.delete(f"evidence/{created['id']}"), 403)


def test_delete_removes_the_evidence(api):
    initiative = new_initiative(api)
    created = new_evidence(api, initiative).json
    path = f"evidence/{created['id']}"
    assert api.delete(path).status_code == 204
    refused(api.get(path), 404)
    assert listed(api, initiative) == []
    refused(api.delete(path), 404)


class OneNotePerStage:
    """A plugin whose rule reads the initiative's other evidence: one note per stage."""

    @hookimpl
    def coprod_register_toolkits(self, register):
        register(build_toolkit())

    @hookimpl
    def coprod_validate_evidence(self, initiative, evidence):
        if evidence.evidence_type == "note" and any(
            other.evidence_type == "note" and other.stage == evidence.stage
            for other in initiative.evidence
        ):
            return [Problem("one_note_per_stage", "This stage has its note.", "evidence_type")]
        return None


def test_a_change_is_judged_beside_the_other_evidence_not_its_own_old_version(make_app, org):
    app = make_app(PLUGIN_HOST=PluginHost.of(("one_note", OneNotePerStage())))
    api = ApiClient(app.test_client(), org.tokens["write"])
    initiative = new_initiative(api, toolkit="tiny")
    first = new_evidence(api, initiative, evidence_type="note").json
    second = api.post(f"initiatives/{initiative}/evidence", json=notes(evidence_type="note"))
    problem = refused(second, 422, ["evidence_type"])
    assert problem["errors"][0]["plugin"] == "one_note"
    changed = api.patch(f"evidence/{first['id']}", json={"payload": {"text": "Thirteen came."}})
    assert changed.status_code == 200, changed.json
