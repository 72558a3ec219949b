"""Conditional reads: If-None-Match answers 304, without a body, when the client is current.

Every read of one record carries a strong ETag ("<id>.<version>"); sent back as
If-None-Match (compared weakly, as RFC 9110 says for it, or * for any version) it is
answered 304 with the ETag and nothing else, so a mirror polling a record costs no body.
"""

from __future__ import annotations

import pytest
from test_every_operation import build_world, upload

STAR = "coproduction-star"

RECORDS = ["initiatives", "participants", "activities", "evidence", "assessments"]


@pytest.fixture
def world(org):
    return build_world(org)


def record_paths(world):
    return [
        f"initiatives/{world['initiative_id']}",
        f"participants/{world['participant_id']}",
        f"activities/{world['activity_id']}",
        f"evidence/{world['evidence_id']}",
        f"assessments/{world['assessment_id']}",
        f"case-studies/{world['case_study_id']}",
        "organisation",
    ]


def test_every_record_read_answers_304_to_its_current_etag(api, world):
    for path in record_paths(world):
        read = api.get(path)
        etag = read.headers["ETag"]
        for condition in (etag, f"W/{etag}", "*", f'"other.1", {etag}'):
            answer = api.get(path, headers={"If-None-Match": condition})
            assert answer.status_code == 304, (path, condition, answer.status_code)
            assert answer.data == b""
            assert answer.headers["ETag"] == etag
        stale = api.get(path, headers={"If-None-Match": '"other.1"'})
        assert stale.status_code == 200
        assert stale.json == read.json


def test_a_change_makes_the_old_etag_read_in_full_again(api, world):
    path = f"participants/{world['participant_id']}"
    old = api.get(path).headers["ETag"]
    changed = api.patch(path, json={"display_name": "Walker Z"})
    answer = api.get(path, headers={"If-None-Match": old})
    assert answer.status_code == 200
    assert answer.headers["ETag"] == changed.headers["ETag"] != old
    assert answer.json["display_name"] == "Walker Z"


def test_a_record_of_another_organisation_is_404_whatever_if_none_match_says(other_org, world):
    answer = other_org.api.get(f"initiatives/{world['initiative_id']}",
                               headers={"If-None-Match": "*"})  # fmt: skip
    assert answer.status_code == 404


def test_if_none_match_does_not_change_a_write(api, world):
    path = f"initiatives/{world['initiative_id']}"
    etag = api.get(path).headers["ETag"]
    changed = api.patch(path, json={"title": "Renamed"}, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.json["title"] == "Renamed"


def test_a_malformed_if_none_match_is_422(api, world):
    answer = api.get(f"initiatives/{world['initiative_id']}", headers={"If-None-Match": "x"})
    assert answer.status_code == 422
    assert answer.json["errors"][0]["code"] == "malformed_etag"


def test_a_file_download_answers_304_to_its_sha256_weakly_or_star(api, world):
    path = f"evidence/{world['evidence_id']}/file"
    full = api.get(path)
    etag = full.headers["ETag"]
    assert etag.strip('"') == api.get(f"evidence/{world['evidence_id']}").json["file"]["sha256"]
    for condition in (etag, f"W/{etag}", "*"):
        answer = api.get(path, headers={"If-None-Match": condition})
        assert answer.status_code == 304, condition
        assert answer.data == b""
        assert answer.headers["ETag"] == etag
    assert api.put(path, data=upload(name="other.wav")).status_code == 200  # same bytes
    assert api.get(path, headers={"If-None-Match": etag}).status_code == 304


def test_the_document_says_which_reads_answer_304(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    conditional = {
        path
        for path, item in document["paths"].items()
        if "304" in item.get("get", {}).get("responses", {})
    }
    assert conditional == {
        "/api/v1/organisation",
        "/api/v1/initiatives/{initiative_id}",
        "/api/v1/participants/{participant_id}",
        "/api/v1/activities/{activity_id}",
        "/api/v1/evidence/{evidence_id}",
        "/api/v1/assessments/{assessment_id}",
        "/api/v1/case-studies/{case_study_id}",
        "/api/v1/evidence/{evidence_id}/file",
        "/api/v1/webhooks/{webhook_id}",
    }
    for path in conditional:
        get = document["paths"][path]["get"]
        assert "ETag" in get["responses"]["304"]["headers"]
        assert [p["name"] for p in get["parameters"]].count("If-None-Match") == 1
