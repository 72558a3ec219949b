"""Initiatives over HTTP: create, read, list, change, archive and delete."""

from __future__ import annotations

STAR = "coproduction-star"


def new_initiative(api, **fields):
    body = {"toolkit": STAR, "title": "Dementia-friendly Milngavie", **fields}
    response = api.post("initiatives", json=body)
    assert response.status_code == 201, response.json
    return response


def test_an_initiative_starts_at_its_toolkits_first_stage_pinned_to_its_version(api):
    response = new_initiative(api, themes=["dementia", "dementia", "walking"], external_ref="CRM-1")
    body = response.json
    assert body["toolkit"] == STAR
    assert body["toolkit_version"] == "1.0.0"
    assert body["stage"] == "map-it"
    assert body["cycle"] == 1
    assert body["status"] == "active"
    assert body["themes"] == ["dementia", "walking"]
    assert body["id"].startswith("ini_")
    assert response.headers["ETag"] == f'"{body["id"]}.1"'
    assert response.headers["Location"].endswith(f"/api/v1/initiatives/{body['id']}")
    shown = api.get(f"initiatives/{body['id']}")
    assert shown.status_code == 200
    assert shown.json == body


def test_an_unknown_toolkit_is_a_field_error(api):
    response = api.post("initiatives", json={"toolkit": "no-such-toolkit", "title": "x"})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert [e["field"] for e in response.json["errors"]] == ["toolkit"]
    assert api.get("initiatives").json["items"] == []


def test_bad_input_lists_every_field_problem(api):
    response = api.post("initiatives", json={"title": "  ", "status": "finished", "colour": "red"})
    assert response.status_code == 422
    fields = sorted(e["field"] for e in response.json["errors"])
    assert fields == ["colour", "status", "title", "toolkit"]
    assert all(e["location"] == "json" for e in response.json["errors"])


def test_patch_changes_only_what_is_sent_and_bumps_the_etag(api):
    created = new_initiative(api, summary="First words.")
    path = f"initiatives/{created.json['id']}"
    response = api.patch(
        path,
        json={"title": "Dementia-friendly Bearsden"},
        headers={"If-Match": created.headers["ETag"]},
    )
    assert response.status_code == 200
    assert response.json["title"] == "Dementia-friendly Bearsden"
    assert response.json["summary"] == "First words."
    assert response.headers["ETag"] != created.headers["ETag"]


def test_a_stale_if_match_is_refused_and_changes_nothing(api):
    created = new_initiative(api)
    path = f"initiatives/{created.json['id']}"
    api.patch(path, json={"title": "Second"})
    response = api.patch(
        path, json={"title": "Third"}, headers={"If-Match": created.headers["ETag"]}
    )
    assert response.status_code == 412
    assert response.json["code"] == "stale_etag"
    assert api.get(path).json["title"] == "Second"
    deleted = api.delete(path, headers={"If-Match": created.headers["ETag"]})
    assert deleted.status_code == 412
    assert api.get(path).status_code == 200


def test_an_archived_initiative_is_read_only_until_reopened(api):
    created = new_initiative(api)
    path = f"initiatives/{created.json['id']}"
    assert api.patch(path, json={"status": "archived"}).status_code == 200
    refused = api.patch(path, json={"title": "Changed"})
    assert refused.status_code == 409
    assert refused.json["code"] == "initiative_archived"
    moved = api.post(f"{path}/transitions", json={"to_stage": "focus-it"})
    assert moved.json["code"] == "initiative_archived"
    assert api.patch(path, json={"status": "active", "title": "Changed"}).status_code == 200
    assert api.get(path).json["title"] == "Changed"


def test_external_refs_are_unique_per_organisation(api, other_org):
    new_initiative(api, external_ref="CRM-7")
    clash = api.post("initiatives", json={"toolkit": STAR, "title": "Two", "external_ref": "CRM-7"})
    assert clash.status_code == 409
    assert clash.json["code"] == "external_ref_taken"
    elsewhere = other_org.api.post(
        "initiatives", json={"toolkit": STAR, "title": "Theirs", "external_ref": "CRM-7"}
    )
    assert elsewhere.status_code == 201


def test_lists_filter_by_external_ref_status_toolkit_and_updated_since(api):
    first = new_initiative(api, external_ref="A").json
    second = new_initiative(api, toolkit="national-standards", external_ref="B").json
    api.patch(f"initiatives/{second['id']}", json={"status": "paused"})
    assert [i["id"] for i in api.get("initiatives?external_ref=A").json["items"]] == [first["id"]]
    assert [i["id"] for i in api.get("initiatives?status=paused").json["items"]] == [second["id"]]
    by_toolkit = api.get("initiatives?toolkit=national-standards").json["items"]
    assert [i["id"] for i in by_toolkit] == [second["id"]]
    since = api.get(f"initiatives/{second['id']}").json["updated_at"]
    recent = api.get("initiatives", query_string={"updated_since": since}).json["items"]
    assert [i["id"] for i in recent] == [second["id"]]


def test_updated_since_needs_a_time_zone(api):
    response = api.get("initiatives?updated_since=2026-01-01T00:00:00")
    assert response.status_code == 422
    assert response.json["errors"][0]["location"] == "query"
    assert response.json["errors"][0]["field"] == "updated_since"


def test_lists_page_by_cursor_with_a_link_header(api):
    made = [new_initiative(api, title=f"Initiative {n}").json["id"] for n in range(5)]
    seen, path = [], "initiatives?limit=2"
    pages = 0
    while path:
        response = api.get(path)
        assert response.status_code == 200
        seen += [item["id"] for item in response.json["items"]]
        pages += 1
        cursor = response.json["next_cursor"]
        if cursor is None:
            assert "Link" not in response.headers
            path = None
        else:
            link = response.headers["Link"]
            assert link.endswith('>; rel="next"')
            assert f"cursor={cursor}" in link
            path = f"initiatives?limit=2&cursor={cursor}"
    assert seen == made
    assert pages == 3


def test_a_cursor_that_is_not_ours_is_a_field_error(api):
    response = api.get("initiatives?cursor=not-a-cursor")
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "cursor"
    assert response.json["errors"][0]["location"] == "query"


def test_limit_is_bounded(api):
    assert api.get("initiatives?limit=0").status_code == 422
    assert api.get("initiatives?limit=101").status_code == 422
    assert api.get("initiatives?limit=100").status_code == 200


def test_delete_removes_the_initiative_and_its_history(api):
    created = new_initiative(api).json
    path = f"initiatives/{created['id']}"
    assert api.delete(path).status_code == 204
    assert api.get(path).status_code == 404
    assert api.get(f"{path}/transitions").status_code == 404


def test_an_updated_since_walk_is_in_the_order_of_change_and_misses_no_change_made_during_it(
    api,
):
    """Paged along (updated_at, id): a record changed while a mirror walks the pages comes
    round again at the end of the walk, instead of being passed over behind its cursor."""
    made = [new_initiative(api, title=f"Initiative {n}").json for n in range(5)]
    since = made[0]["updated_at"]
    first = api.get("initiatives", query_string={"updated_since": since, "limit": 2})
    assert [i["id"] for i in first.json["items"]] == [made[0]["id"], made[1]["id"]]
    changed = api.patch(f"initiatives/{made[0]['id']}", json={"title": "Renamed"})
    assert changed.status_code == 200, changed.json
    seen, cursor = [], first.json["next_cursor"]
    while cursor:
        page = api.get(
            "initiatives", query_string={"updated_since": since, "limit": 2, "cursor": cursor}
        )
        assert page.status_code == 200, page.json
        seen += [i["id"] for i in page.json["items"]]
        cursor = page.json["next_cursor"]
    assert seen == [i["id"] for i in made[2:]] + [made[0]["id"]]


def test_a_cursor_of_one_kind_of_walk_is_refused_by_the_other(api):
    for n in range(3):
        new_initiative(api, title=f"Initiative {n}")
    plain = api.get("initiatives", query_string={"limit": 1}).json["next_cursor"]
    since = "2000-01-01T00:00:00Z"
    timed = api.get("initiatives", query_string={"limit": 1, "updated_since": since})
    timed_cursor = timed.json["next_cursor"]
    mixed = [
        {"updated_since": since, "cursor": plain},
        {"cursor": timed_cursor},
    ]
    for query in mixed:
        response = api.get("initiatives", query_string=query)
        assert response.status_code == 422, response.json
        assert response.json["errors"][0]["field"] == "cursor"
