"""A JSON operation sent a body that is not JSON hears 415, naming application/json.

Without the check, webargs reads a form post or a body without ``Content-Type`` as no
JSON at all and answers 422 "missing data" for every required field, hiding the real
mistake. Any ``application/*+json`` type is JSON too. The operations come from the served
document, so a new JSON operation is covered without anyone adding it here.
"""

from __future__ import annotations

import re

import pytest

from api.spec import openapi_document

STAR = "coproduction-star"
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
BODY = '{"toolkit": "coproduction-star", "title": "Walks"}'
NOT_JSON = [
    pytest.param({"data": BODY, "content_type": "text/plain"}, "text/plain", id="text"),
    pytest.param(
        {"data": {"toolkit": STAR, "title": "Walks"}},
        "application/x-www-form-urlencoded",
        id="form",
    ),
    pytest.param(
        {"data": {"title": "Walks"}, "content_type": "multipart/form-data"},
        "multipart/form-data",
        id="multipart",
    ),
    pytest.param({"data": BODY}, "no Content-Type", id="none"),
    pytest.param({"data": BODY, "content_type": "application/xml"}, "application/xml", id="xml"),
]


def json_operations(app):
    """(method, path with made-up ids) of every operation whose body is JSON."""
    for path, item in openapi_document(app)["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue  # the path's own parameters
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                yield method, re.sub(r"\{[^}]+\}", "nope_00000000000000000000000000", path)


def unsupported(response, sent: str) -> dict:
    assert response.status_code == 415, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert body["code"] == "unsupported_media_type"
    assert body["accepted"] == ["application/json"]
    assert "Content-Type: application/json" in body["detail"]
    assert sent in body["detail"]
    return body


@pytest.mark.parametrize(("options", "sent"), NOT_JSON)
def test_every_json_operation_refuses_a_body_that_is_not_json(app, org, options, sent):
    admin = org.with_scope("admin")
    seen = []
    for method, path in json_operations(app):
        unsupported(admin.request(method.upper(), path, **options), sent)
        seen.append((method, path))
    assert len(seen) >= 13
    assert admin.get("initiatives").json["items"] == []


def test_the_document_lists_415_for_every_json_operation(app):
    document = openapi_document(app)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS and "application/json" in operation.get(
                "requestBody", {}
            ).get("content", {}):
                assert "415" in operation["responses"], (method, path)


def test_a_change_sent_as_a_form_changes_nothing(api):
    created = api.post("initiatives", json={"toolkit": STAR, "title": "Walks"})
    path = f"initiatives/{created.json['id']}"
    unsupported(api.patch(path, data={"title": "Renamed"}), "application/x-www-form-urlencoded")
    again = api.get(path)
    assert again.json["title"] == "Walks"
    assert again.headers["ETag"] == created.headers["ETag"]


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/merge-patch+json",
        "application/vnd.crm.initiative+json",
    ],
)
def test_json_by_any_json_name_is_read(api, content_type):
    created = api.post("initiatives", data=BODY, content_type=content_type)
    assert created.status_code == 201, created.json
    renamed = api.patch(
        f"initiatives/{created.json['id']}", data='{"title": "Renamed"}', content_type=content_type
    )
    assert renamed.status_code == 200, renamed.json
    assert renamed.json["title"] == "Renamed"


def test_without_a_key_the_answer_is_401_whatever_the_body(org):
    response = org.api.as_key(None).post("initiatives", data=BODY, content_type="text/plain")
    assert response.status_code == 401


def test_an_empty_body_is_judged_by_its_fields_not_its_type(api):
    response = api.post("initiatives", data="", content_type="text/plain")
    assert response.status_code == 422
    assert {e["field"] for e in response.json["errors"]} == {"toolkit", "title"}


# The encoding of a JSON body -------------------------------------------------------------

ENCODED = [
    pytest.param(b"\xef\xbb\xbf" + BODY.encode(), "application/json", 400, id="utf8-bom"),
    pytest.param(BODY.encode("utf-16"), "application/json; charset=utf-16", 415, id="utf16"),
    pytest.param(BODY.encode("utf-16-le"), "application/json", 400, id="utf16-unlabelled"),
    pytest.param(BODY.encode("utf-32"), "application/json", 400, id="utf32-unlabelled"),
    pytest.param(BODY.encode(), "application/json; charset=latin-1", 415, id="latin1-label"),
    pytest.param(
        '{"toolkit": "coproduction-star", "title": "Caf\u00e9"}'.encode("latin-1"),
        "application/json",
        400,
        id="latin1-bytes",
    ),
]


@pytest.mark.parametrize(("raw", "content_type", "status"), ENCODED)
def test_json_not_sent_as_utf8_is_coprods_own_problem_on_every_json_operation(
    app, org, raw, content_type, status
):
    """Werkzeug read these (it guesses UTF-16 and skips a BOM) and webargs then answered
    with werkzeug's generic 400 page; RFC 8259 says JSON is UTF-8, without a BOM."""
    admin = org.with_scope("admin")
    seen = 0
    for method, path in json_operations(app):
        response = admin.request(method.upper(), path, data=raw, content_type=content_type)
        assert response.status_code == status, (method, path, response.get_data(as_text=True))
        assert response.mimetype == "application/problem+json"
        body = response.json
        if status == 415:
            assert body["code"] == "unsupported_media_type"
            assert "UTF-8" in body["detail"]
            assert body["accepted"] == ["application/json"]
        else:
            assert body["code"] == "malformed_json"
            assert "UTF-8" in body["detail"] or "byte order mark" in body["detail"]
        seen += 1
    assert seen >= 13
    assert admin.get("initiatives").json["items"] == []
