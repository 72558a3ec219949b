"""An activity's details (tags, place, dates, recurrence, attendance), the lists filtered by
them, and what an activity type's lists of dimensions and evidence types mean."""

from __future__ import annotations

from urllib.parse import quote

import pytest

STAR = "coproduction-star"
STANDARDS = "national-standards"
MAPPING = "co-production-mapping-session"  # the Star's lists: suggestions
REVIEW = "evidence-review"  # the Star's lists: rules (co-commissioning, co-assessment)
WALK = "asset-mapping-walk"

DETAILS = {
    "tags": ["  Walk ", "Oral   HISTORY", "walk"],
    "place": "  The Milngavie café ",
    "starts_on": "2026-03-03",
    "ends_on": "2026-06-30",
    "recurrence": {"frequency": "weekly", "note": "Tuesday mornings"},
    "attendance": {"person_using_services": 6, "family_member_or_carer": 4, "volunteer": 0},
}


def new_initiative(api, toolkit=STAR):
    response = api.post("initiatives", json={"toolkit": toolkit, "title": "PRESENT"})
    assert response.status_code == 201, response.json
    return response.json["id"]


def post(api, initiative, **fields):
    body = {"activity_type": MAPPING, "title": "Walk and talk", **fields}
    return api.post(f"initiatives/{initiative}/activities", json=body)


def add(api, initiative, **fields):
    response = post(api, initiative, **fields)
    assert response.status_code == 201, response.json
    return response.json


def problems(response):
    """(location, field, code) of each problem of a 422 problem document."""
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return [(e["location"], e["field"], e["code"]) for e in response.json["errors"]]


def listed(api, initiative, query):
    """Every activity id the filtered list gives, walking its pages two at a time."""
    found, cursor = [], None
    while True:
        url = f"initiatives/{initiative}/activities?limit=2&{query}"
        response = api.get(url + (f"&cursor={cursor}" if cursor else ""))
        assert response.status_code == 200, response.json
        assert len(response.json["items"]) <= 2
        found += [item["id"] for item in response.json["items"]]
        cursor = response.json["next_cursor"]
        if cursor is None:
            return found


# The fields ------------------------------------------------------------------------------


def test_each_detail_is_stored_normalised_and_read_back_as_written(api):
    initiative = new_initiative(api)
    body = add(api, initiative, **DETAILS)
    assert body["tags"] == ["walk", "oral history"]
    assert body["place"] == "The Milngavie café"
    assert (body["starts_on"], body["ends_on"]) == ("2026-03-03", "2026-06-30")
    assert body["recurrence"] == {"frequency": "weekly", "note": "Tuesday mornings"}
    assert body["attendance"] == DETAILS["attendance"]
    shown = api.get(f"activities/{body['id']}")
    assert shown.json == body
    assert api.get(f"initiatives/{initiative}/activities").json["items"] == [body]


def test_each_detail_can_be_changed_and_cleared(api):
    initiative = new_initiative(api)
    activity = add(api, initiative, **DETAILS)
    changed = api.patch(
        f"activities/{activity['id']}",
        json={
            "tags": ["Café"],
            "place": "Kirkintilloch library",
            "recurrence": {"frequency": "other", "note": "First Friday of the month"},
            "attendance": {"professional": 2},
        },
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["tags"] == ["café"]
    assert changed.json["place"] == "Kirkintilloch library"
    assert changed.json["recurrence"]["frequency"] == "other"
    assert changed.json["attendance"] == {"professional": 2}
    assert changed.json["version"] == 2
    assert listed(api, initiative, "tag=walk") == []
    assert listed(api, initiative, "tag=caf%C3%A9") == [activity["id"]]
    cleared = api.patch(
        f"activities/{activity['id']}",
        json={"tags": [], "place": "  ", "recurrence": None, "attendance": None},
    )
    assert cleared.status_code == 200, cleared.json
    body = cleared.json
    assert (body["tags"], body["place"], body["recurrence"], body["attendance"]) == (
        [],
        None,
        None,
        None,
    )
    assert listed(api, initiative, "tag=caf%C3%A9") == []


def test_a_put_by_external_ref_replaces_the_details_whole(api):
    initiative = new_initiative(api)
    url = f"initiatives/{initiative}/activities/by-external-ref/{quote('walk-7')}"
    made = api.put(url, json={"activity_type": MAPPING, "title": "Walk", **DETAILS})
    assert made.status_code == 201, made.json
    again = api.put(url, json={"activity_type": MAPPING, "title": "Walk", **DETAILS})
    assert again.status_code == 200
    assert again.json == made.json, "resending what is stored changes nothing"
    replaced = api.put(url, json={"activity_type": MAPPING, "title": "Walk"})
    assert replaced.status_code == 200
    assert replaced.json["tags"] == []
    assert replaced.json["attendance"] is None
    assert listed(api, initiative, "tag=walk") == []


BAD_DETAILS = [
    ({"starts_on": "2026-03-10", "ends_on": "2026-03-09"}, "ends_on", "ends_before_start"),
    ({"attendance": {"cafe_owner": 1}}, "attendance/cafe_owner", None),
    ({"attendance": {"carer": 4}}, "attendance/carer", None),
    ({"attendance": {"volunteer": -1}}, "attendance/volunteer", None),
    ({"attendance": {"volunteer": 2.5}}, "attendance/volunteer", None),
    ({"attendance": {"volunteer": "6"}}, "attendance/volunteer", None),
    ({"attendance": {"volunteer": 100_001}}, "attendance/volunteer", None),
    ({"attendance": ["volunteer"]}, "attendance", None),
    ({"tags": [f"tag {n}" for n in range(21)]}, "tags", None),
    ({"tags": ["x" * 51]}, "tags/0", None),
    ({"tags": ["walk", "   "]}, "tags/1", "invalid_tag"),
    ({"tags": "walk"}, "tags", None),
    ({"place": "x" * 201}, "place", None),
    ({"recurrence": {"frequency": "daily"}}, "recurrence/frequency", None),
    ({"recurrence": {"frequency": "other"}}, "recurrence/note", None),
    ({"recurrence": {"frequency": "weekly", "every": 2}}, "recurrence/every", None),
    ({"recurrence": "weekly"}, "recurrence", None),
]


@pytest.mark.parametrize(("details", "field", "code"), BAD_DETAILS)
def test_a_bad_detail_is_refused_and_nothing_is_stored(api, details, field, code):
    initiative = new_initiative(api)
    kept = add(api, initiative, tags=["kept"], attendance={"volunteer": 3})
    found = problems(post(api, initiative, **details))
    assert [(location, name) for location, name, _ in found] == [("json", field)]
    if code is not None:
        assert found[0][2] == code
    refused = api.patch(f"activities/{kept['id']}", json=details)
    assert [name for _, name, _ in problems(refused)] == [field]
    assert api.get(f"initiatives/{initiative}/activities").json["items"] == [kept]


def test_tags_that_normalise_alike_are_stored_once_and_more_than_twenty_are_refused(api):
    initiative = new_initiative(api)
    tags = [f"Tag {n}" for n in range(15)] + [f" tag  {n}" for n in range(5)]
    body = add(api, initiative, tags=tags)
    assert body["tags"] == [f"tag {n}" for n in range(15)]
    too_many = [f"tag {n}" for n in range(21)]
    assert problems(post(api, initiative, tags=too_many)) == [("json", "tags", "invalid")]
    assert len(api.get(f"initiatives/{initiative}/activities").json["items"]) == 1


# The lists' filters ----------------------------------------------------------------------


def test_lists_filter_by_tag_type_place_and_dates_across_pages(api):
    initiative = new_initiative(api)
    made = {}
    for name, fields in [
        ("walk1", {"activity_type": WALK, "tags": ["walk"], "place": "Mugdock Park",
                   "starts_on": "2026-03-01", "ends_on": "2026-03-05"}),
        ("cafe1", {"tags": ["café"], "place": "The café", "starts_on": "2026-03-10"}),
        ("walk2", {"activity_type": WALK, "tags": ["Walk", "weekly"], "place": "Mugdock Park",
                   "starts_on": "2026-03-08"}),
        ("none", {}),
        ("walk3", {"activity_type": WALK, "tags": ["walk", "weekly"], "ends_on": "2026-03-20"}),
        ("walk4", {"activity_type": WALK, "tags": ["walk"], "place": "Mugdock Park"}),
        ("walk5", {"activity_type": WALK, "tags": ["walk", "weekly"], "place": "mugdock park",
                   "starts_on": "2026-04-01", "ends_on": "2026-04-30"}),
    ]:  # fmt: skip
        made[name] = add(api, initiative, **fields)["id"]

    def ids(*names):
        return [made[name] for name in names]

    assert listed(api, initiative, "tag=walk") == ids("walk1", "walk2", "walk3", "walk4", "walk5")
    assert listed(api, initiative, "tag=%20WALK%20") == listed(api, initiative, "tag=walk")
    assert listed(api, initiative, "tag=walk&tag=weekly") == ids("walk2", "walk3", "walk5")
    assert listed(api, initiative, "tag=picnic") == []
    assert listed(api, initiative, f"activity_type={WALK}") == ids(
        "walk1", "walk2", "walk3", "walk4", "walk5"
    )
    assert listed(api, initiative, f"activity_type={MAPPING}") == ids("cafe1", "none")
    assert listed(api, initiative, "place=Mugdock%20Park") == ids("walk1", "walk2", "walk4")
    # The days overlap the range; one date alone stands for both ends; no dates, no match.
    assert listed(api, initiative, "on_or_after=2026-03-04&on_or_before=2026-03-10") == ids(
        "walk1", "cafe1", "walk2"
    )
    assert listed(api, initiative, "on_or_after=2026-03-11") == ids("walk3", "walk5")
    assert listed(api, initiative, "on_or_before=2026-03-01") == ids("walk1")
    assert listed(api, initiative, "on_or_after=2026-04-15&on_or_before=2026-04-15") == ids("walk5")
    assert listed(
        api, initiative, f"tag=weekly&activity_type={WALK}&on_or_after=2026-03-09"
    ) == ids("walk3", "walk5")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("on_or_after=2026-03-10&on_or_before=2026-03-09", "on_or_before"),
        ("on_or_after=10/03/2026", "on_or_after"),
        ("on_or_before=2026-02-30", "on_or_before"),
        ("tag=", "tag"),
        ("tag=%20%20", "tag"),
        (f"tag={'x' * 51}", "tag"),
        ("place=", "place"),
        ("tag=walk&" + "&".join(f"tag=t{n}" for n in range(20)), "tag"),
    ],
)
def test_a_bad_filter_is_a_problem_on_the_query(api, query, field):
    initiative = new_initiative(api)
    found = problems(api.get(f"initiatives/{initiative}/activities?{query}"))
    assert [(location, name.split("/")[0]) for location, name, _ in found] == [("query", field)]


def test_an_empty_date_range_says_so(api):
    initiative = new_initiative(api)
    response = api.get(
        f"initiatives/{initiative}/activities?on_or_after=2026-03-10&on_or_before=2026-03-09"
    )
    assert problems(response) == [("query", "on_or_before", "empty_date_range")]


def test_another_initiatives_tags_are_not_listed(api, other_org):
    mine, theirs = new_initiative(api), new_initiative(api)
    add(api, theirs, tags=["walk"])
    elsewhere = new_initiative(other_org.api)
    add(other_org.api, elsewhere, tags=["walk"])
    assert listed(api, mine, "tag=walk") == []
    assert other_org.api.get(f"initiatives/{mine}/activities?tag=walk").status_code == 404


# Rules and suggestions -------------------------------------------------------------------


def test_the_toolkit_publishes_what_each_activity_types_lists_mean(api):
    types = {item["key"]: item for item in api.get(f"toolkits/{STAR}").json["activity_types"]}
    assert types[REVIEW]["lists_are"] == "rules"
    assert types[MAPPING]["lists_are"] == "suggestions"
    assert {item["lists_are"] for item in types.values()} == {"rules", "suggestions"}
    shown = api.get(f"toolkits/{STANDARDS}").json["activity_types"]
    assert {item["key"]: item["lists_are"] for item in shown}["community-profile"] == "rules"


def test_under_rules_a_dimension_the_type_does_not_list_is_refused(api):
    initiative = new_initiative(api)
    response = post(
        api, initiative, activity_type=REVIEW, dimensions=["co-assessment", "co-design"]
    )
    assert problems(response) == [("json", "dimensions/1", "dimension_not_for_activity_type")]
    assert "Co-design" in response.json["errors"][0]["message"]
    assert api.get(f"initiatives/{initiative}/activities").json["items"] == []
    kept = add(api, initiative, activity_type=REVIEW, dimensions=["co-assessment"])
    assert "advice" not in kept
    changed = api.patch(f"activities/{kept['id']}", json={"dimensions": ["co-delivery"]})
    assert problems(changed) == [("json", "dimensions/0", "dimension_not_for_activity_type")]
    assert api.get(f"activities/{kept['id']}").json == kept


def test_under_suggestions_a_dimension_the_type_does_not_list_comes_back_as_advice(api):
    initiative = new_initiative(api)
    made = post(api, initiative, activity_type=WALK, dimensions=["co-commissioning", "co-design"])
    assert made.status_code == 201, made.json
    body = made.json
    advice = body.pop("advice")
    assert [(item["code"], item["plugin"]) for item in advice] == [
        ("dimension_not_for_activity_type", "core")
    ]
    assert "Co-design" in advice[0]["message"]
    assert body["dimensions"] == ["co-commissioning", "co-design"]
    assert api.get(f"activities/{body['id']}").json == body  # reads carry none
    changed = api.patch(f"activities/{body['id']}", json={"title": "Round the park"})
    assert [item["code"] for item in changed.json["advice"]] == ["dimension_not_for_activity_type"]
    fixed = api.patch(f"activities/{body['id']}", json={"dimensions": ["co-commissioning"]})
    assert "advice" not in fixed.json


def test_under_rules_evidence_of_a_type_the_activity_type_does_not_list_is_refused(api):
    initiative = new_initiative(api)
    review = add(api, initiative, activity_type=REVIEW, title="What we know")["id"]
    response = api.post(
        f"initiatives/{initiative}/evidence",
        json={"evidence_type": "photo", "activity_id": review, "payload": {"caption": "Us"}},
    )
    assert problems(response) == [("json", "evidence_type", "evidence_type_not_for_activity_type")]
    assert api.get(f"initiatives/{initiative}/evidence").json["items"] == []
    listed_type = api.post(
        f"initiatives/{initiative}/evidence",
        json={"evidence_type": "document", "activity_id": review,
              "payload": {"title": "The council's figures"}},
    )  # fmt: skip
    assert listed_type.status_code == 201, listed_type.json
    assert "advice" not in listed_type.json


def test_under_suggestions_evidence_of_another_type_comes_back_as_advice(api):
    """The issue's case: an interview recorded at a mapping session, which lists none."""
    initiative = new_initiative(api)
    mapping = add(api, initiative, title="Who does what now")["id"]
    response = api.post(
        f"initiatives/{initiative}/evidence",
        json={"evidence_type": "audio-interview", "activity_id": mapping,
              "payload": {"caption": "Two pupils and a walker"}},
    )  # fmt: skip
    assert response.status_code == 201, response.json
    body = response.json
    advice = body.pop("advice")
    assert [item["code"] for item in advice] == ["evidence_type_not_for_activity_type"]
    assert "Audio interview" in advice[0]["message"]
    assert api.get(f"evidence/{body['id']}").json == body
    unlinked = api.post(
        f"initiatives/{initiative}/evidence",
        json={"evidence_type": "audio-interview", "payload": {"caption": "On its own"}},
    )
    assert unlinked.status_code == 201
    assert "advice" not in unlinked.json


def test_a_bad_tag_and_a_misfit_are_reported_together(api):
    initiative = new_initiative(api)
    response = post(api, initiative, activity_type=REVIEW, tags=[" "], dimensions=["co-design"])
    assert problems(response) == [
        ("json", "tags/0", "invalid_tag"),
        ("json", "dimensions/0", "dimension_not_for_activity_type"),
    ]
