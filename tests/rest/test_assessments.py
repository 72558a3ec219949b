"""Assessments over HTTP: ratings on a toolkit's scale, per perspective, kept over time."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from conftest import ApiClient, build_toolkit

from toolkits_core import PluginHost, hookimpl, load_plugins

STAR = "coproduction-star"
STAR_SCALE = "star-self-assessment"
STANDARDS = "national-standards"
REVIEW_SCALE = "review-six-point"
FOUR_COS = {"co-commissioning": 4, "co-design": 3, "co-delivery": 2, "co-assessment": 4}
SEVEN_STANDARDS = {
    "inclusion": 2,
    "support": 4,
    "planning": 5,
    "working-together": 4,
    "methods": 3,
    "communication": 1,
    "impact": 4,
}


def new_initiative(api, toolkit=STAR, **fields):
    response = api.post("initiatives", json={"toolkit": toolkit, "title": "Walks", **fields})
    assert response.status_code == 201, response.json
    return response.json["id"]


def assess(api, initiative, **fields):
    body = {"scale": STAR_SCALE, "perspective": "person_using_services", "ratings": FOUR_COS}
    response = api.post(f"initiatives/{initiative}/assessments", json={**body, **fields})
    assert response.status_code == 201, response.json
    return response


def listed(api, initiative, **query):
    response = api.get(f"initiatives/{initiative}/assessments", query_string=query)
    assert response.status_code == 200, response.json
    return response.json["items"]


def fields_of(response):
    return sorted(error["field"] for error in response.json["errors"])


# Recording and reading -----------------------------------------------------------------


def test_a_star_self_assessment_is_kept_with_the_plugins_summary(api):
    initiative = new_initiative(api)
    response = assess(api, initiative, note="Rated together at the cafe.", external_ref="F-1")
    body = response.json
    assert body["id"].startswith("asm_")
    assert body["initiative_id"] == initiative
    assert (body["scale"], body["perspective"], body["ratings"]) == (
        STAR_SCALE,
        "person_using_services",
        FOUR_COS,
    )
    assert (body["cycle"], body["stage"]) == (1, "map-it")
    assert body["assessed_on"] == dt.datetime.now(dt.UTC).date().isoformat()
    assert (body["note"], body["external_ref"], body["version"]) == (
        "Rated together at the cafe.",
        "F-1",
        1,
    )
    assert response.headers["ETag"] == f'"{body["id"]}.1"'
    assert response.headers["Location"].endswith(f"/api/v1/assessments/{body['id']}")
    summary = body["summary"]
    assert summary["summarised_by"] == "coproduction_star"
    assert (summary["count"], summary["total"], summary["minimum"], summary["maximum"]) == (
        4,
        13,
        2,
        4,
    )
    assert summary["mean"] == 3.25
    assert summary["band"] == "Co-production taking hold"
    assert summary["lowest"] == ["co-delivery"]
    assert summary["unrated"] == []
    assert any("citizen voice" in note.lower() for note in summary["notes"])
    shown = api.get(f"assessments/{body['id']}")
    assert shown.status_code == 200
    assert shown.json == body
    assert shown.headers["ETag"] == response.headers["ETag"]


def test_a_review_on_the_six_point_scale_is_summarised_by_its_plugin(api):
    initiative = new_initiative(api, STANDARDS)
    body = assess(
        api, initiative, scale=REVIEW_SCALE, perspective="professional", ratings=SEVEN_STANDARDS
    ).json
    assert body["stage"] == "analyse"
    summary = body["summary"]
    assert summary["summarised_by"] == "national_standards"
    assert (summary["count"], summary["total"], summary["band"]) == (7, 23, None)
    assert summary["lowest"] == ["communication"]
    assert (
        "Standards needing action: Inclusion (2, weak), Communication (1, unsatisfactory)."
        in (summary["notes"])
    )


def test_a_partial_assessment_has_no_band_and_names_what_is_unrated(api):
    initiative = new_initiative(api)
    summary = assess(api, initiative, ratings={"co-design": 5}).json["summary"]
    assert summary["band"] is None
    assert summary["unrated"] == ["co-commissioning", "co-delivery", "co-assessment"]
    assert summary["count"] == 1


def test_cycle_stage_and_date_can_be_given(api):
    initiative = new_initiative(api)
    body = assess(api, initiative, cycle=1, stage="map-it", assessed_on="2025-03-14").json
    assert (body["cycle"], body["stage"], body["assessed_on"]) == (1, "map-it", "2025-03-14")


def test_a_stage_not_reached_cannot_be_assessed(api):
    initiative = new_initiative(api)
    response = api.post(
        f"initiatives/{initiative}/assessments",
        json={"scale": STAR_SCALE, "perspective": "professional", "ratings": FOUR_COS,
              "stage": "grow-it"},
    )  # fmt: skip
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json["errors"]] == [
        ("stage", "stage_not_reached")
    ]
    assert listed(api, initiative) == []


def test_two_perspectives_are_kept_side_by_side_over_time(api):
    initiative = new_initiative(api)
    made = [
        assess(api, initiative, perspective="person_using_services", assessed_on="2025-01-10"),
        assess(api, initiative, perspective="professional", assessed_on="2025-01-10"),
        assess(
            api,
            initiative,
            perspective="person_using_services",
            assessed_on="2025-06-10",
            ratings={**FOUR_COS, "co-design": 5},
        ),
        assess(api, initiative, perspective="professional", assessed_on="2025-06-10"),
    ]
    ids = [response.json["id"] for response in made]
    items = listed(api, initiative)
    assert [item["id"] for item in items] == ids
    assert all(item["summary"]["summarised_by"] == "coproduction_star" for item in items)
    users = listed(api, initiative, perspective="person_using_services")
    assert [item["id"] for item in users] == [ids[0], ids[2]]
    assert [item["ratings"]["co-design"] for item in users] == [3, 5]
    staff = listed(api, initiative, perspective="professional")
    assert [item["id"] for item in staff] == [ids[1], ids[3]]
    assert any("professional's view" in note for note in staff[0]["summary"]["notes"])


def test_a_list_shows_each_summary_as_a_single_read_does(api):
    initiative = new_initiative(api)
    first = assess(api, initiative).json
    second = assess(api, initiative, perspective="volunteer", ratings={"co-delivery": 1}).json
    assert listed(api, initiative) == [first, second]


def test_lists_filter_by_scale_cycle_external_ref_and_updated_since(api):
    initiative = new_initiative(api)
    first = assess(api, initiative, external_ref="F-1").json
    second = assess(api, initiative, external_ref="F-2").json
    assert [i["id"] for i in listed(api, initiative, external_ref="F-2")] == [second["id"]]
    assert len(listed(api, initiative, scale=STAR_SCALE)) == 2
    assert listed(api, initiative, scale="another-scale") == []
    assert len(listed(api, initiative, cycle=1)) == 2
    assert listed(api, initiative, cycle=2) == []
    changed = api.patch(f"assessments/{first['id']}", json={"note": "Checked again."}).json
    since = listed(api, initiative, updated_since=changed["updated_at"])
    assert [item["id"] for item in since] == [first["id"]]


def test_a_list_filter_of_the_wrong_shape_is_a_query_error(api):
    initiative = new_initiative(api)
    for query in ({"perspective": "manager"}, {"cycle": 0}, {"cycle": "first"}):
        response = api.get(f"initiatives/{initiative}/assessments", query_string=query)
        assert response.status_code == 422, query
        assert response.json["errors"][0]["location"] == "query"
        assert response.json["errors"][0]["field"] == next(iter(query))


def test_lists_page_by_cursor_with_a_link_header(api):
    initiative = new_initiative(api)
    made = [assess(api, initiative).json["id"] for _ in range(5)]
    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        response = api.get(f"initiatives/{initiative}/assessments", query_string=query)
        seen += [item["id"] for item in response.json["items"]]
        pages += 1
        cursor = response.json["next_cursor"]
        if cursor is None:
            assert "Link" not in response.headers
            break
        assert f"cursor={cursor}" in response.headers["Link"]
    assert (seen, pages) == (made, 3)


def test_an_initiative_that_does_not_exist_is_404(api):
    assert api.get("initiatives/ini_nothing/assessments").status_code == 404
    body = {"scale": STAR_SCALE, "perspective": "professional", "ratings": {"co-design": 3}}
    assert api.post("initiatives/ini_nothing/assessments", json=body).status_code == 404
    assert api.get("assessments/asm_nothing").status_code == 404


def test_another_organisations_assessments_are_not_found(api, other_org):
    initiative = new_initiative(api)
    assessment = assess(api, initiative).json["id"]
    assert other_org.api.get(f"assessments/{assessment}").status_code == 404
    assert other_org.api.get(f"initiatives/{initiative}/assessments").status_code == 404
    assert other_org.api.patch(f"assessments/{assessment}", json={"note": "x"}).status_code == 404
    assert api.get(f"assessments/{assessment}").json["note"] == ""


# Refusals --------------------------------------------------------------------------------

REFUSED = {
    "unknown scale": ({"scale": "nps"}, ["scale"], "unknown_scale"),
    "unknown perspective": ({"perspective": "manager"}, ["perspective"], "invalid"),
    "unknown dimension": (
        {"ratings": {"co-design": 3, "co-op": 4}}, ["ratings/co-op"], "unknown_dimension"
    ),
    "level above the scale": ({"ratings": {"co-design": 6}}, ["ratings/co-design"], "not_a_level"),
    "level below the scale": ({"ratings": {"co-design": 0}}, ["ratings/co-design"], "not_a_level"),
    "empty ratings": ({"ratings": {}}, ["ratings"], "invalid"),
    "ratings not an object": ({"ratings": [3, 4]}, ["ratings"], "invalid"),
    "a fraction": ({"ratings": {"co-design": 3.5}}, ["ratings/co-design"], "invalid"),
    "a string": ({"ratings": {"co-design": "3"}}, ["ratings/co-design"], "invalid"),
    "a boolean": ({"ratings": {"co-design": True}}, ["ratings/co-design"], "invalid"),
    "a null": ({"ratings": {"co-design": None}}, ["ratings/co-design"], "invalid"),
    "unknown stage": ({"stage": "plan"}, ["stage"], "unknown_stage"),
    "cycle not reached": ({"cycle": 2}, ["cycle"], "cycle_not_reached"),
    "cycle zero": ({"cycle": 0}, ["cycle"], "invalid"),
    "not a date": ({"assessed_on": "last Tuesday"}, ["assessed_on"], "invalid"),
    "unknown field": ({"score": 12}, ["score"], "invalid"),
    "no scale": ({"scale": None}, ["scale"], "invalid"),
}  # fmt: skip


@pytest.mark.parametrize("change", REFUSED.values(), ids=list(REFUSED))
def test_a_record_that_does_not_fit_is_422_naming_the_field_and_nothing_is_kept(api, change):
    body_change, fields, code = change
    initiative = new_initiative(api)
    body = {"scale": STAR_SCALE, "perspective": "professional", "ratings": {"co-design": 3}}
    body = {key: value for key, value in {**body, **body_change}.items() if value is not None}
    response = api.post(f"initiatives/{initiative}/assessments", json=body)
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    assert fields_of(response) == fields
    assert {error["code"] for error in response.json["errors"]} == {code}
    assert listed(api, initiative) == []


def test_every_problem_of_the_toolkit_is_reported_at_once(api):
    initiative = new_initiative(api)
    response = api.post(
        f"initiatives/{initiative}/assessments",
        json={"scale": STAR_SCALE, "perspective": "professional", "stage": "review",
              "ratings": {"co-design": 9, "inclusion": 3, "co-delivery": 2}},
    )  # fmt: skip
    assert response.status_code == 422
    assert fields_of(response) == ["ratings/co-design", "ratings/inclusion", "stage"]
    messages = " ".join(error["message"] for error in response.json["errors"])
    assert "1, 2, 3, 4, 5" in messages


def test_one_toolkits_scale_and_dimensions_do_not_fit_another(api):
    initiative = new_initiative(api, STANDARDS)
    response = api.post(
        f"initiatives/{initiative}/assessments",
        json={"scale": STAR_SCALE, "perspective": "professional", "ratings": FOUR_COS},
    )
    assert response.status_code == 422
    assert "scale" in fields_of(response)
    assert {"ratings/co-design", "ratings/co-delivery"} <= set(fields_of(response))
    assert listed(api, initiative) == []


def test_a_read_key_cannot_record_an_assessment(org):
    initiative = new_initiative(org.api)
    response = org.with_scope("read").post(
        f"initiatives/{initiative}/assessments",
        json={"scale": STAR_SCALE, "perspective": "professional", "ratings": {"co-design": 3}},
    )
    assert response.status_code == 403
    assert listed(org.api, initiative) == []


def test_an_archived_initiatives_assessments_are_read_only(api):
    initiative = new_initiative(api)
    made = assess(api, initiative)
    path = f"assessments/{made.json['id']}"
    assert api.patch(f"initiatives/{initiative}", json={"status": "archived"}).status_code == 200
    refusals = [
        api.post(
            f"initiatives/{initiative}/assessments",
            json={"scale": STAR_SCALE, "perspective": "professional", "ratings": FOUR_COS},
        ),
        api.patch(path, json={"note": "Too late."}),
        api.delete(path),
    ]
    for refused in refusals:
        assert refused.status_code == 409
        assert refused.json["code"] == "initiative_archived"
    shown = api.get(path)
    assert shown.status_code == 200
    assert shown.headers["ETag"] == made.headers["ETag"]
    assert [item["id"] for item in listed(api, initiative)] == [made.json["id"]]


def test_an_external_ref_names_one_assessment_of_an_initiative(api):
    initiative = new_initiative(api)
    first = assess(api, initiative, external_ref="F-1").json
    second = assess(api, initiative, external_ref="F-2").json
    clash = api.post(
        f"initiatives/{initiative}/assessments",
        json={"scale": STAR_SCALE, "perspective": "professional", "ratings": FOUR_COS,
              "external_ref": "F-1"},
    )  # fmt: skip
    assert clash.status_code == 409
    assert clash.json["code"] == "external_ref_taken"
    assert clash.json["existing_id"] == first["id"]
    moved = api.patch(f"assessments/{second['id']}", json={"external_ref": "F-1"})
    assert moved.status_code == 409
    assert api.get(f"assessments/{second['id']}").json["external_ref"] == "F-2"
    assert len(listed(api, initiative)) == 2
    elsewhere = new_initiative(api)
    assert assess(api, elsewhere, external_ref="F-1").json["external_ref"] == "F-1"


# Changing and deleting ---------------------------------------------------------------


def test_patch_replaces_the_ratings_and_the_summary_follows(api):
    initiative = new_initiative(api)
    made = assess(api, initiative)
    path = f"assessments/{made.json['id']}"
    response = api.patch(
        path,
        json={"ratings": {"co-design": 1, "co-delivery": 5}, "perspective": "professional"},
        headers={"If-Match": made.headers["ETag"]},
    )
    assert response.status_code == 200, response.json
    body = response.json
    assert body["ratings"] == {"co-design": 1, "co-delivery": 5}
    assert body["perspective"] == "professional"
    assert body["version"] == 2
    assert response.headers["ETag"] != made.headers["ETag"]
    assert (body["summary"]["count"], body["summary"]["band"]) == (2, None)
    assert body["summary"]["lowest"] == ["co-design"]
    assert api.get(path).json == body


def test_patch_checks_the_whole_changed_record_and_a_refusal_changes_nothing(api):
    initiative = new_initiative(api, STANDARDS)
    made = assess(
        api, initiative, scale=REVIEW_SCALE, perspective="professional", ratings=SEVEN_STANDARDS
    )
    path = f"assessments/{made.json['id']}"
    for change, field in [
        ({"ratings": {"inclusion": 7}}, "ratings/inclusion"),
        ({"ratings": {"co-design": 3}}, "ratings/co-design"),
        ({"ratings": {}}, "ratings"),
        ({"stage": "grow-it"}, "stage"),
        ({"cycle": 3}, "cycle"),
        ({"scale": STAR_SCALE, "note": "Moved scale"}, "scale"),
        ({"perspective": "everyone"}, "perspective"),
        ({"scale": None}, "scale"),
        ({"initiative_id": "ini_other"}, "initiative_id"),
    ]:
        response = api.patch(path, json=change)
        assert response.status_code == 422, change
        assert field in fields_of(response), (change, response.json)
    shown = api.get(path)
    assert shown.headers["ETag"] == made.headers["ETag"]
    assert shown.json == made.json


def test_a_patch_that_changes_nothing_keeps_the_version(api):
    initiative = new_initiative(api)
    made = assess(api, initiative)
    response = api.patch(f"assessments/{made.json['id']}", json={"ratings": FOUR_COS})
    assert response.status_code == 200
    assert response.headers["ETag"] == made.headers["ETag"]


def test_a_stale_if_match_is_412_and_changes_nothing(api):
    initiative = new_initiative(api)
    made = assess(api, initiative)
    path = f"assessments/{made.json['id']}"
    current = api.patch(path, json={"note": "Second thoughts."})
    assert current.status_code == 200
    stale = {"If-Match": made.headers["ETag"]}
    refused = api.patch(path, json={"note": "Third thoughts."}, headers=stale)
    assert refused.status_code == 412
    assert refused.json["code"] == "stale_etag"
    assert refused.json["current_etag"] == current.headers["ETag"]
    assert api.delete(path, headers=stale).status_code == 412
    shown = api.get(path)
    assert shown.json["note"] == "Second thoughts."
    assert shown.headers["ETag"] == current.headers["ETag"]
    assert api.delete(path, headers={"If-Match": current.headers["ETag"]}).status_code == 204


def test_delete_removes_only_that_assessment(api):
    initiative = new_initiative(api)
    kept = assess(api, initiative).json["id"]
    gone = assess(api, initiative, perspective="professional").json["id"]
    assert api.delete(f"assessments/{gone}").status_code == 204
    assert api.get(f"assessments/{gone}").status_code == 404
    assert api.delete(f"assessments/{gone}").status_code == 404
    assert [item["id"] for item in listed(api, initiative)] == [kept]


def test_deleting_the_initiative_deletes_its_assessments(api):
    initiative = new_initiative(api)
    assessment = assess(api, initiative).json["id"]
    assert api.delete(f"initiatives/{initiative}").status_code == 204
    assert api.get(f"assessments/{assessment}").status_code == 404


# When the toolkit changes under the records --------------------------------------------


def client_of(app, org):
    return ApiClient(app.test_client(), org.tokens["write"])


def test_without_the_toolkits_plugin_reads_work_with_no_summary_and_writes_are_409(
    api, org, make_app
):
    initiative = new_initiative(api, STANDARDS)
    made = assess(
        api, initiative, scale=REVIEW_SCALE, perspective="professional", ratings=SEVEN_STANDARDS
    ).json
    star_only = load_plugins(environ={"COPROD_PLUGINS": "coproduction_star"})
    elsewhere = client_of(make_app(PLUGIN_HOST=star_only), org)
    shown = elsewhere.get(f"assessments/{made['id']}")
    assert shown.status_code == 200
    assert shown.json == {**made, "summary": None}
    assert [item["summary"] for item in listed(elsewhere, initiative)] == [None]
    refused = elsewhere.patch(f"assessments/{made['id']}", json={"note": "Later."})
    assert refused.status_code == 409
    assert refused.json["code"] == "toolkit_unavailable"
    compared = elsewhere.get(
        f"initiatives/{initiative}/assessments/comparison", query_string={"scale": REVIEW_SCALE}
    )
    assert compared.status_code == 200
    # Without the toolkit to order them, the dimensions come by key.
    dimensions = [row["dimension"] for row in compared.json["dimensions"]]
    assert dimensions == sorted(SEVEN_STANDARDS)
    assert compared.json["gaps"] == []
    assert api.get(f"assessments/{made['id']}").json == made


class Provides:
    """A plugin that provides one toolkit, as a third party's would."""

    def __init__(self, toolkit):
        self.toolkit = toolkit

    @hookimpl
    def coprod_register_toolkits(self, register):
        register(self.toolkit)


def test_ratings_that_no_longer_fit_the_installed_toolkit_read_with_no_summary(org, make_app):
    old = build_toolkit()
    first = client_of(make_app(PLUGIN_HOST=PluginHost.of(("tiny", Provides(old)))), org)
    initiative = new_initiative(first, "tiny")
    made = assess(first, initiative, scale="three-point", ratings={"voice": 3, "action": 1}).json
    assert made["summary"]["summarised_by"] == "core"
    assert made["summary"]["band"] == "going strong"
    # A minor version that drops a dimension (and, with it, the banding of the full total).
    scale = dataclasses.replace(old.scales[0], bands=())
    newer = dataclasses.replace(old, version="1.1.0", dimensions=old.dimensions[:1], scales=[scale])
    later = client_of(make_app(PLUGIN_HOST=PluginHost.of(("tiny", Provides(newer)))), org)
    shown = later.get(f"assessments/{made['id']}")
    assert shown.status_code == 200
    assert shown.json == {**made, "summary": None}
    refused = later.patch(f"assessments/{made['id']}", json={"note": "Still here."})
    assert refused.status_code == 422
    assert fields_of(refused) == ["ratings/action"]
    fixed = later.patch(f"assessments/{made['id']}", json={"ratings": {"voice": 3}})
    assert fixed.status_code == 200
    assert fixed.json["summary"]["unrated"] == []


# Comparing perspectives ----------------------------------------------------------------


def compare(api, initiative, **query):
    response = api.get(f"initiatives/{initiative}/assessments/comparison", query_string=query)
    assert response.status_code == 200, response.json
    return response.json


def test_the_comparison_sets_each_perspectives_latest_ratings_side_by_side(api):
    initiative = new_initiative(api)
    assess(api, initiative, perspective="professional", assessed_on="2025-01-01",
           ratings={"co-design": 1, "co-delivery": 1})  # fmt: skip
    staff = assess(api, initiative, perspective="professional", assessed_on="2025-06-01",
                   ratings={"co-design": 5, "co-delivery": 4, "co-commissioning": 3})  # fmt: skip
    users = assess(api, initiative, perspective="person_using_services", assessed_on="2025-06-02",
                   ratings={"co-design": 2, "co-delivery": 3, "co-assessment": 2})  # fmt: skip
    # Recorded last but assessed earlier: not the professionals' latest view.
    assess(api, initiative, perspective="professional", assessed_on="2025-03-01",
           ratings={"co-design": 2})  # fmt: skip
    body = compare(api, initiative)
    assert (body["initiative_id"], body["scale"], body["cycle"]) == (initiative, STAR_SCALE, 1)
    assert [(p["perspective"], p["assessment_id"]) for p in body["perspectives"]] == [
        ("person_using_services", users.json["id"]),
        ("professional", staff.json["id"]),
    ]
    rows = {row["dimension"]: row for row in body["dimensions"]}
    assert [row["dimension"] for row in body["dimensions"]] == [
        "co-commissioning",
        "co-design",
        "co-delivery",
        "co-assessment",
    ]
    assert rows["co-design"]["ratings"] == {"person_using_services": 2, "professional": 5}
    assert rows["co-design"]["gap"] == 3
    assert rows["co-design"]["rated_highest_by"] == ["professional"]
    assert rows["co-design"]["rated_lowest_by"] == ["person_using_services"]
    assert rows["co-commissioning"]["ratings"] == {"person_using_services": None, "professional": 3}
    assert rows["co-commissioning"]["gap"] is None
    assert [(gap["dimension"], gap["gap"]) for gap in body["gaps"]] == [
        ("co-design", 3),
        ("co-delivery", 1),
    ]


def test_perspectives_that_agree_show_no_gap(api):
    initiative = new_initiative(api, STANDARDS)
    for perspective in ("person_using_services", "professional"):
        assess(
            api,
            initiative,
            scale=REVIEW_SCALE,
            perspective=perspective,
            ratings={"inclusion": 4, "impact": 3},
        )
    body = compare(api, initiative, scale=REVIEW_SCALE, cycle=1)
    assert [row["gap"] for row in body["dimensions"]] == [0, 0]
    assert body["gaps"] == []


def test_a_comparison_with_nothing_assessed_is_empty(api):
    initiative = new_initiative(api)
    body = compare(api, initiative)
    assert (body["perspectives"], body["dimensions"], body["gaps"]) == ([], [], [])


def test_a_comparison_on_an_unknown_scale_or_an_unreached_cycle_is_422(api):
    initiative = new_initiative(api)
    path = f"initiatives/{initiative}/assessments/comparison"
    unknown = api.get(path, query_string={"scale": REVIEW_SCALE})
    assert unknown.status_code == 422
    assert [(e["field"], e["code"]) for e in unknown.json["errors"]] == [("scale", "unknown_scale")]
    ahead = api.get(path, query_string={"cycle": 2})
    assert ahead.status_code == 422
    assert [(e["field"], e["code"]) for e in ahead.json["errors"]] == [
        ("cycle", "cycle_not_reached")
    ]
    assert api.get("initiatives/ini_nothing/assessments/comparison").status_code == 404
