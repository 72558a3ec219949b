"""Input that no field can take is a 422 naming where it is, never a 500."""

from __future__ import annotations

import io

import pytest

STAR = "coproduction-star"


def problem(response, status=422):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return response.json


def test_a_nul_character_anywhere_is_refused_with_its_place(api):
    body = problem(api.post("initiatives", json={"toolkit": STAR, "title": "Walks\u0000"}))
    assert [(e["location"], e["field"], e["code"]) for e in body["errors"]] == [
        ("json", "title", "nul")
    ]
    assert problem(api.get("initiatives?external_ref=a%00b"))["errors"][0]["location"] == "query"
    assert problem(api.get("initiatives/ini_%00"))["errors"][0]["location"] == "path"
    assert api.get("initiatives").json["items"] == []


def test_json_nested_too_deep_is_refused(api):
    initiative = api.post("initiatives", json={"toolkit": STAR, "title": "Walks"}).json["id"]
    deep: list = []
    for _ in range(600):
        deep = [deep]
    body = problem(
        api.post(
            f"initiatives/{initiative}/evidence",
            json={"evidence_type": "session-notes", "payload": {"text": "x", "deep": deep}},
        )
    )
    assert body["errors"][0]["code"] == "too_deep"
    assert api.get(f"initiatives/{initiative}/evidence").json["items"] == []


@pytest.mark.parametrize(
    "query",
    [
        "updated_since=0001-01-01T00:00:00%2B01:00",
        "updated_since=9999-12-31T23:59:59-01:00",
    ],
)
def test_times_at_the_ends_of_the_calendar_are_field_errors(api, query):
    body = problem(api.get(f"initiatives?{query}"))
    assert body["errors"][0]["field"] == "updated_since"


@pytest.mark.parametrize("collection", ["activities", "evidence", "assessments"])
def test_a_cycle_too_large_to_store_is_a_field_error(api, collection):
    initiative = api.post("initiatives", json={"toolkit": STAR, "title": "Walks"}).json["id"]
    body = problem(api.get(f"initiatives/{initiative}/{collection}?cycle=100000000000000000000"))
    assert body["errors"][0]["field"] == "cycle"


def test_a_weak_etag_never_satisfies_if_match(api):
    created = api.post("initiatives", json={"toolkit": STAR, "title": "Walks"})
    weak = "W/" + created.headers["ETag"]
    response = api.patch(
        f"initiatives/{created.json['id']}", json={"title": "New"}, headers={"If-Match": weak}
    )
    assert problem(response, 412)["code"] == "stale_etag"


def test_a_lone_surrogate_is_refused_as_not_text(api):
    raw = '{"toolkit": "coproduction-star", "title": "a\\ud800b"}'
    body = problem(api.post("initiatives", data=raw, content_type="application/json"))
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("title", "not_text")]


def test_a_body_that_is_not_json_is_a_400_problem(api):
    body = problem(api.post("initiatives", data="{bad json", content_type="application/json"), 400)
    assert body["code"] == "malformed_json"


def test_a_chunked_body_is_checked_like_any_other(app, org):
    """Servers accept bodies without a Content-Length; the checks must not depend on one."""
    raw = b'{"toolkit": "coproduction-star", "title": "nul\\u0000here"}'
    response = app.test_client().post(
        "/api/v1/initiatives",
        input_stream=io.BytesIO(raw),
        headers={
            "Authorization": f"Bearer {org.tokens['write']}",
            "Content-Type": "application/json",
            "Transfer-Encoding": "chunked",
        },
        environ_overrides={"wsgi.input_terminated": True},  # as servers set for chunked bodies
    )
    assert problem(response)["errors"][0]["code"] == "nul"
    assert org.api.get("initiatives").json["items"] == []


def test_a_json_body_over_a_mebibyte_is_413(api):
    body = {"toolkit": STAR, "title": "Walks", "summary": "x" * (1024 * 1024)}
    assert problem(api.post("initiatives", json=body), 413)["code"] == "body_too_large"
    assert api.get("initiatives").json["items"] == []
