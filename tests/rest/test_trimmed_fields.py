"""Free text stored trimmed is measured trimmed: the limits the docs give hold as written."""

from __future__ import annotations

STAR = "coproduction-star"


def _initiative(api):
    made = api.post("initiatives", json={"toolkit": STAR, "title": "Trimmed"})
    assert made.status_code == 201, made.json
    return made.json["id"]


def test_an_affiliation_of_200_characters_with_spaces_round_it_is_kept_trimmed(api):
    ini = _initiative(api)
    body = {"role": "volunteer", "display_name": "A", "affiliation": " " + "a" * 200 + " "}
    made = api.post(f"initiatives/{ini}/participants", json=body)
    assert made.status_code == 201, made.json
    assert made.json["affiliation"] == "a" * 200
    for blank in ("", "   "):
        refused = api.post(
            f"initiatives/{ini}/participants",
            json={"role": "volunteer", "display_name": "B", "affiliation": blank},
        )
        assert refused.status_code == 422, refused.json
        assert [e["field"] for e in refused.json["errors"]] == ["affiliation"]
    too_long = {"role": "volunteer", "display_name": "C", "affiliation": "a" * 201}
    assert api.post(f"initiatives/{ini}/participants", json=too_long).status_code == 422
    listed = api.get(f"initiatives/{ini}/participants").json["items"]
    assert [p["display_name"] for p in listed] == ["A"]


def test_a_place_is_measured_trimmed_and_a_blank_place_filter_is_refused(api):
    ini = _initiative(api)
    body = {
        "activity_type": "co-production-mapping-session",
        "title": "Walk",
        "place": "  " + "p" * 200 + "  ",
    }
    made = api.post(f"initiatives/{ini}/activities", json=body)
    assert made.status_code == 201, made.json
    assert made.json["place"] == "p" * 200
    found = api.get(f"initiatives/{ini}/activities", query_string={"place": " " + "p" * 200})
    assert [a["id"] for a in found.json["items"]] == [made.json["id"]]
    blank = api.get(f"initiatives/{ini}/activities", query_string={"place": "   "})
    assert blank.status_code == 422, blank.json
    assert blank.mimetype == "application/problem+json"
    assert [e["field"] for e in blank.json["errors"]] == ["place"]
