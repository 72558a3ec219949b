"""Activities over HTTP: what was done in an initiative's stages, checked against its toolkit."""

from __future__ import annotations

STAR = "coproduction-star"
STANDARDS = "national-standards"
MAPPING = "co-production-mapping-session"
WALK = "asset-mapping-walk"

FIELDS = {
    "id", "initiative_id", "activity_type", "stage", "cycle", "title", "description",
    "dimensions", "starts_on", "ends_on", "participant_ids", "outcomes", "external_ref",
    "created_at", "updated_at", "version", "tags", "place", "recurrence", "attendance",
}  # fmt: skip


def new_initiative(api, toolkit=STAR):
    response = api.post("initiatives", json={"toolkit": toolkit, "title": "Memory cafe"})
    assert response.status_code == 201, response.json
    return response.json["id"]


def add_participant(api, initiative, role="person_using_services"):
    response = api.post(
        f"initiatives/{initiative}/participants",
        json={"role": role, "display_name": "Someone", "consent": "given"},
    )
    assert response.status_code == 201, response.json
    return response.json["id"]


def post(api, initiative, **fields):
    body = {"activity_type": MAPPING, "title": "Who does what now", **fields}
    return api.post(f"initiatives/{initiative}/activities", json=body)


def add(api, initiative, **fields):
    response = post(api, initiative, **fields)
    assert response.status_code == 201, response.json
    return response


def move(api, initiative, to_stage):
    response = api.post(f"initiatives/{initiative}/transitions", json={"to_stage": to_stage})
    assert response.status_code == 201, response.json


def ids(response):
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def errors(response):
    """(field, code) of each field problem of a 422, in the order given."""
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    return [(e["field"], e["code"]) for e in response.json["errors"]]


def listed(api, initiative):
    return api.get(f"initiatives/{initiative}/activities").json["items"]


def test_an_activity_is_recorded_in_the_current_stage_and_cycle_by_default(api):
    initiative = new_initiative(api)
    carer = add_participant(api, initiative, "family_member_or_carer")
    user = add_participant(api, initiative)
    response = add(
        api,
        initiative,
        title="  Mapping the cafe  ",
        dimensions=["co-design", "co-delivery", "co-design"],
        participant_ids=[user, carer, user],
        starts_on="2026-03-02",
        ends_on="2026-03-02",
        outcomes="A map of who helps.",
        external_ref="CRM-A1",
    )
    body = response.json
    assert "advice" not in body  # the mapping session's lists cover both dimensions
    assert set(body) == FIELDS
    assert (body["tags"], body["place"], body["recurrence"], body["attendance"]) == (
        [],
        None,
        None,
        None,
    )
    assert body["id"].startswith("act_")
    assert body["initiative_id"] == initiative
    assert body["activity_type"] == MAPPING
    assert (body["stage"], body["cycle"]) == ("map-it", 1)
    assert body["title"] == "Mapping the cafe"
    assert body["description"] == ""
    assert body["dimensions"] == ["co-design", "co-delivery"]
    assert body["participant_ids"] == sorted([carer, user])
    assert (body["starts_on"], body["ends_on"]) == ("2026-03-02", "2026-03-02")
    assert body["outcomes"] == "A map of who helps."
    assert body["external_ref"] == "CRM-A1"
    assert body["version"] == 1
    assert response.headers["ETag"] == f'"{body["id"]}.1"'
    assert response.headers["Location"].endswith(f"/api/v1/activities/{body['id']}")
    shown = api.get(f"activities/{body['id']}")
    assert shown.status_code == 200
    assert shown.json == body
    assert shown.headers["ETag"] == response.headers["ETag"]
    assert listed(api, initiative) == [body]


def test_the_optional_fields_have_plain_defaults(api):
    body = add(api, new_initiative(api)).json
    assert body["dimensions"] == []
    assert body["participant_ids"] == []
    assert body["starts_on"] is None
    assert body["ends_on"] is None
    assert body["outcomes"] == ""
    assert body["external_ref"] is None


def test_an_activity_may_be_recorded_in_an_earlier_stage_the_initiative_reached(api):
    initiative = new_initiative(api)
    add(api, initiative)
    move(api, initiative, "focus-it")
    current = add(api, initiative, activity_type="prioritisation-workshop").json
    assert current["stage"] == "focus-it"
    earlier = add(api, initiative, activity_type=WALK, stage="map-it").json
    assert earlier["stage"] == "map-it"


def test_a_cyclic_toolkit_takes_stages_up_to_the_current_one_and_no_later_cycle(api):
    initiative = new_initiative(api, STANDARDS)
    profile = add(api, initiative, activity_type="community-profile", dimensions=["inclusion"])
    assert (profile.json["stage"], profile.json["cycle"]) == ("analyse", 1)
    move(api, initiative, "plan")
    plan = add(api, initiative, activity_type="engagement-plan", cycle=1).json
    assert (plan["stage"], plan["cycle"]) == ("plan", 1)
    back = add(api, initiative, activity_type="stakeholder-mapping", stage="analyse").json
    assert (back["stage"], back["cycle"]) == ("analyse", 1)
    ahead = post(api, initiative, activity_type="focus-group", stage="do")
    assert errors(ahead) == [("stage", "stage_not_reached")]
    next_round = post(api, initiative, activity_type="engagement-plan", cycle=2)
    assert errors(next_round) == [("cycle", "cycle_not_reached")]
    assert [a["id"] for a in listed(api, initiative)] == [
        profile.json["id"],
        plan["id"],
        back["id"],
    ]


def evidence(api, initiative, **fields):
    response = api.post(f"initiatives/{initiative}/evidence", json=fields)
    assert response.status_code == 201, response.json
    return response.json


def into_second_cycle(api):
    """A cyclic initiative taken once round its stages, by the gates its toolkit sets."""
    initiative = new_initiative(api, STANDARDS)
    move(api, initiative, "plan")
    evidence(
        api,
        initiative,
        evidence_type="document",
        payload={"title": "Agreed outcomes"},
        dimensions=["planning"],
    )
    move(api, initiative, "do")
    evidence(api, initiative, evidence_type="note", payload={"text": "Fourteen came."})
    move(api, initiative, "review")
    scored = api.post(
        f"initiatives/{initiative}/assessments",
        json={"scale": "review-six-point", "perspective": "professional", "ratings": {"impact": 4}},
    )
    assert scored.status_code == 201, scored.json
    move(api, initiative, "analyse")
    assert api.get(f"initiatives/{initiative}").json["cycle"] == 2
    return initiative


def test_in_a_later_cycle_activities_default_to_it_and_may_go_back_to_an_earlier_one(api):
    initiative = into_second_cycle(api)
    now = add(api, initiative, activity_type="community-profile").json
    assert (now["stage"], now["cycle"]) == ("analyse", 2)
    late = add(api, initiative, activity_type="review-meeting", stage="review", cycle=1).json
    assert (late["stage"], late["cycle"]) == ("review", 1)
    ahead = post(api, initiative, activity_type="review-meeting", stage="review")
    assert errors(ahead) == [("stage", "stage_not_reached")]
    beyond = post(api, initiative, activity_type="community-profile", cycle=3)
    assert errors(beyond) == [("cycle", "cycle_not_reached")]
    path = f"initiatives/{initiative}/activities"
    assert ids(api.get(f"{path}?cycle=2")) == [now["id"]]
    assert ids(api.get(f"{path}?cycle=1")) == [late["id"]]
    moved = api.patch(f"activities/{late['id']}", json={"cycle": 2})
    assert errors(moved) == [("stage", "stage_not_reached")]
    assert api.get(f"activities/{late['id']}").json == late


def test_toolkit_misfits_are_field_errors_reported_together(api, other_org):
    initiative = new_initiative(api)
    own = add_participant(api, initiative)
    elsewhere = add_participant(api, new_initiative(api))
    theirs_initiative = new_initiative(other_org.api)
    theirs = add_participant(other_org.api, theirs_initiative)
    response = post(
        api,
        initiative,
        activity_type="no-such-type",
        dimensions=["co-design", "inclusion"],
        participant_ids=[own, elsewhere, theirs, "par_made_up"],
    )
    found = errors(response)
    assert ("activity_type", "unknown_activity_type") in found
    assert ("dimensions/1", "unknown_dimension") in found
    assert ("participant_ids/1", "unknown_participant") in found
    assert ("participant_ids/2", "unknown_participant") in found
    assert ("participant_ids/3", "unknown_participant") in found
    assert len(found) == 5
    messages = {e["field"]: e["message"] for e in response.json["errors"]}
    assert "no participant" in messages["participant_ids/2"]
    assert "in this initiative" in messages["participant_ids/2"]
    assert "coproduction" not in messages["participant_ids/2"]
    assert listed(api, initiative) == []


def test_a_type_in_a_stage_it_does_not_belong_to_is_refused(api):
    initiative = new_initiative(api)
    response = post(api, initiative, activity_type="prioritisation-workshop")
    assert errors(response) == [("stage", "activity_type_not_in_stage")]
    later = post(api, initiative, stage="grow-it")
    assert ("stage", "stage_not_reached") in errors(later)
    unknown = post(api, initiative, stage="no-such-stage")
    assert ("stage", "unknown_stage") in errors(unknown)
    assert listed(api, initiative) == []


def test_an_activity_cannot_end_before_it_starts(api):
    initiative = new_initiative(api)
    response = post(
        api, initiative, starts_on="2026-03-02", ends_on="2026-03-01", dimensions=["nope"]
    )
    assert errors(response) == [
        ("ends_on", "ends_before_start"),
        ("dimensions/0", "unknown_dimension"),
    ]
    assert listed(api, initiative) == []
    only_end = add(api, initiative, ends_on="2026-03-01").json
    assert only_end["starts_on"] is None


def test_bad_shapes_list_every_field_problem(api):
    initiative = new_initiative(api)
    response = api.post(
        f"initiatives/{initiative}/activities",
        json={
            "title": " ",
            "cycle": "2",
            "dimensions": "co-design",
            "starts_on": "yesterday",
            "participant_ids": "par_x",
            "description": "x" * 5001,
            "stage": "",
            "colour": "red",
        },
    )
    fields = {field for field, _ in errors(response)}
    assert fields == {
        "activity_type", "title", "cycle", "dimensions", "starts_on", "participant_ids",
        "description", "stage", "colour",
    }  # fmt: skip
    assert all(e["location"] == "json" for e in response.json["errors"])
    assert {f for f, _ in errors(post(api, initiative, cycle=0))} == {"cycle"}
    assert {f for f, _ in errors(post(api, initiative, dimensions=[""]))} == {"dimensions/0"}
    assert {f for f, _ in errors(post(api, initiative, participant_ids=[7]))} == {
        "participant_ids/0"
    }
    assert {f for f, _ in errors(post(api, initiative, version=3))} == {"version"}
    assert listed(api, initiative) == []


def test_patch_checks_the_whole_resulting_record(api):
    initiative = new_initiative(api)
    created = add(api, initiative, activity_type=WALK, starts_on="2026-04-01").json
    path = f"activities/{created['id']}"
    move(api, initiative, "focus-it")

    wrong_stage = api.patch(path, json={"stage": "focus-it"})
    assert errors(wrong_stage) == [("stage", "activity_type_not_in_stage")]
    wrong_type = api.patch(path, json={"activity_type": "prioritisation-workshop"})
    assert errors(wrong_type) == [("stage", "activity_type_not_in_stage")]
    early_end = api.patch(path, json={"ends_on": "2026-03-31"})
    assert errors(early_end) == [("ends_on", "ends_before_start")]
    assert api.get(path).json == created

    both = api.patch(path, json={"activity_type": "evidence-review", "stage": "focus-it"})
    assert both.status_code == 200, both.json
    assert (both.json["activity_type"], both.json["stage"]) == ("evidence-review", "focus-it")
    assert both.json["title"] == created["title"]
    assert both.json["starts_on"] == "2026-04-01"
    assert both.json["version"] == 2


def test_patch_replaces_participants_and_every_change_moves_the_version(api):
    initiative = new_initiative(api)
    first, second = add_participant(api, initiative), add_participant(api, initiative)
    created = add(api, initiative, participant_ids=[first])
    path = f"activities/{created.json['id']}"

    swapped = api.patch(
        path, json={"participant_ids": [second]}, headers={"If-Match": created.headers["ETag"]}
    )
    assert swapped.status_code == 200
    assert swapped.json["participant_ids"] == [second]
    assert swapped.json["version"] == 2
    assert swapped.headers["ETag"] != created.headers["ETag"]
    assert api.get(path).json == swapped.json

    same = api.patch(path, json={"participant_ids": [second], "title": created.json["title"]})
    assert same.json["version"] == 2

    other = add_participant(api, new_initiative(api))
    refused = api.patch(path, json={"participant_ids": [first, other]})
    assert errors(refused) == [("participant_ids/1", "unknown_participant")]

    cleared = api.patch(path, json={"participant_ids": [], "starts_on": None, "ends_on": None})
    assert cleared.json["participant_ids"] == []
    assert cleared.json["version"] == 3
    assert api.get(f"participants/{second}").status_code == 200


def test_fields_that_must_have_a_value_cannot_be_patched_to_null(api):
    created = add(api, new_initiative(api)).json
    path = f"activities/{created['id']}"
    for change in (
        {"activity_type": None},
        {"title": None},
        {"cycle": None},
        {"dimensions": None},
        {"participant_ids": None},
        {"initiative_id": "ini_x"},
    ):
        assert {f for f, _ in errors(api.patch(path, json=change))} == set(change), change
    assert api.get(path).json == created


def test_a_stale_if_match_is_refused_and_changes_nothing(api):
    initiative = new_initiative(api)
    created = add(api, initiative)
    path = f"activities/{created.json['id']}"
    current = api.patch(path, json={"outcomes": "Agreed a map."})
    stale = {"If-Match": created.headers["ETag"]}
    refused = api.patch(path, json={"title": "Changed"}, headers=stale)
    assert refused.status_code == 412
    assert refused.json["code"] == "stale_etag"
    assert api.delete(path, headers=stale).status_code == 412
    assert api.get(path).json == current.json
    assert api.delete(path, headers={"If-Match": current.headers["ETag"]}).status_code == 204


def test_external_refs_are_unique_within_an_initiative(api):
    initiative = new_initiative(api)
    first = add(api, initiative, external_ref="CRM-7").json
    clash = post(api, initiative, external_ref="CRM-7")
    assert clash.status_code == 409
    assert clash.json["code"] == "external_ref_taken"
    second = add(api, initiative, external_ref="CRM-8").json
    taken = api.patch(f"activities/{second['id']}", json={"external_ref": "CRM-7"})
    assert taken.status_code == 409
    assert api.get(f"activities/{second['id']}").json == second
    assert [a["id"] for a in listed(api, initiative)] == [first["id"], second["id"]]
    add(api, new_initiative(api), external_ref="CRM-7")


def test_an_archived_initiatives_activities_are_read_only(api):
    initiative = new_initiative(api)
    activity = add(api, initiative).json
    path = f"activities/{activity['id']}"
    assert api.patch(f"initiatives/{initiative}", json={"status": "archived"}).status_code == 200
    for response in (
        post(api, initiative),
        api.patch(path, json={"title": "Late"}),
        api.delete(path),
    ):
        assert response.status_code == 409
        assert response.json["code"] == "initiative_archived"
    assert api.get(path).json == activity
    assert listed(api, initiative) == [activity]


def test_lists_filter_by_stage_type_cycle_participant_ref_and_time(api):
    initiative = new_initiative(api, STANDARDS)
    person = add_participant(api, initiative)
    profile = add(api, initiative, activity_type="community-profile", external_ref="X").json
    move(api, initiative, "plan")
    plan = add(api, initiative, activity_type="engagement-plan", participant_ids=[person]).json
    mapping = add(
        api, initiative, activity_type="stakeholder-mapping", participant_ids=[person]
    ).json
    add(api, new_initiative(api, STANDARDS), activity_type="community-profile", external_ref="X")
    path = f"initiatives/{initiative}/activities"
    assert ids(api.get(path)) == [profile["id"], plan["id"], mapping["id"]]
    assert ids(api.get(f"{path}?stage=plan")) == [plan["id"], mapping["id"]]
    assert ids(api.get(f"{path}?activity_type=stakeholder-mapping")) == [mapping["id"]]
    assert ids(api.get(f"{path}?stage=plan&activity_type=community-profile")) == []
    assert ids(api.get(f"{path}?cycle=1")) == [profile["id"], plan["id"], mapping["id"]]
    assert ids(api.get(f"{path}?cycle=2")) == []
    assert ids(api.get(f"{path}?participant_id={person}")) == [plan["id"], mapping["id"]]
    assert ids(api.get(f"{path}?external_ref=X")) == [profile["id"]]
    changed = api.patch(f"activities/{profile['id']}", json={"outcomes": "A profile."}).json
    recent = api.get(path, query_string={"updated_since": changed["updated_at"]})
    assert ids(recent) == [profile["id"]]
    bad = api.get(f"{path}?cycle=0&updated_since=yesterday")
    assert {(e["location"], e["field"]) for e in bad.json["errors"]} == {
        ("query", "cycle"),
        ("query", "updated_since"),
    }


def test_lists_page_by_cursor_with_participants_on_every_item(api):
    initiative = new_initiative(api)
    person = add_participant(api, initiative)
    made = [add(api, initiative, title=f"Session {n}", participant_ids=[person]).json["id"]
            for n in range(5)]  # fmt: skip
    path, seen, pages = f"initiatives/{initiative}/activities?limit=2", [], 0
    while path:
        response = api.get(path)
        assert all(item["participant_ids"] == [person] for item in response.json["items"])
        seen += ids(response)
        pages += 1
        cursor = response.json["next_cursor"]
        assert ("Link" in response.headers) == (cursor is not None)
        path = f"initiatives/{initiative}/activities?limit=2&cursor={cursor}" if cursor else None
    assert seen == made
    assert pages == 3


def test_delete_removes_the_activity_but_not_its_participants(api):
    initiative = new_initiative(api)
    person = add_participant(api, initiative)
    activity = add(api, initiative, participant_ids=[person]).json
    assert api.delete(f"activities/{activity['id']}").status_code == 204
    assert api.get(f"activities/{activity['id']}").status_code == 404
    assert api.delete(f"activities/{activity['id']}").status_code == 404
    assert listed(api, initiative) == []
    assert api.get(f"participants/{person}").status_code == 200
    assert ids(api.get(f"initiatives/{initiative}/activities?participant_id={person}")) == []


def test_another_organisations_activities_are_not_found(api, other_org):
    initiative = new_initiative(api)
    activity = add(api, initiative).json
    theirs = other_org.api
    assert theirs.get(f"activities/{activity['id']}").status_code == 404
    assert theirs.patch(f"activities/{activity['id']}", json={"title": "Mine"}).status_code == 404
    assert theirs.delete(f"activities/{activity['id']}").status_code == 404
    assert theirs.get(f"initiatives/{initiative}/activities").status_code == 404
    assert post(theirs, initiative).status_code == 404
    assert listed(api, initiative) == [activity]


def test_deleting_an_activity_keeps_its_evidence_unlinked_with_a_new_version(api):
    initiative = new_initiative(api)
    activity = add(api, initiative).json
    notes = evidence(
        api,
        initiative,
        evidence_type="session-notes",
        activity_id=activity["id"],
        payload={"text": "Who helps whom."},
    )
    assert notes["activity_id"] == activity["id"]
    assert api.delete(f"activities/{activity['id']}").status_code == 204
    kept = api.get(f"evidence/{notes['id']}").json
    assert kept["activity_id"] is None
    assert kept["version"] == notes["version"] + 1
