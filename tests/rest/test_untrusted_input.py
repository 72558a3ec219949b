"""What a client sends back (cursors, ETags, ids) is checked before it reaches the database.

A cursor is base64 around JSON, so the NUL and lone-surrogate checks that every string of
the path, the query and a JSON body passes never saw what was inside it: a cursor holding
``\\u0000`` was a 500 from PostgreSQL's driver and one holding ``\\ud800`` a 500 from the
UTF-8 encoder on both databases. Each test here runs on SQLite and again on PostgreSQL
(``COPROD_TEST_DATABASE_URL``), whose refusals differ. Lists come from the served
document, so a list added later is covered too.
"""

from __future__ import annotations

import base64
import json
import re

import pytest

from api.spec import openapi_document

STAR = "coproduction-star"
ULID_PART = "01jd3k5m7n8p9q0r1s2t3v4w5x"


def problem(response, status=422):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return response.json


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def cursor_of(after: object) -> str:
    return b64(json.dumps({"after": after}, separators=(",", ":")).encode())


HOSTILE_CURSORS = [
    pytest.param(b64(b'{"after":"\\u0000"}'), id="nul"),
    pytest.param(b64(b'{"after":"\\ud800"}'), id="lone-surrogate"),
    pytest.param(b64(b'{"after":"ini_\\udfff' + b"0" * 25 + b'"}'), id="surrogate-in-an-id"),
    pytest.param(cursor_of("x" * 120), id="long-text"),
    pytest.param(cursor_of("ini_" + ULID_PART.upper()), id="upper-case-id"),
    pytest.param(cursor_of("ini_" + ULID_PART + "\n"), id="id-then-newline"),
    pytest.param(cursor_of("ini_" + ULID_PART[:-1] + "u"), id="not-crockford"),
    pytest.param(cursor_of("ini_" + "8" + ULID_PART[1:]), id="more-than-128-bits"),
    pytest.param(cursor_of("ini_" + "\u00e9" + ULID_PART[1:]), id="non-ascii"),
    pytest.param(cursor_of(7), id="a-number"),
    pytest.param(cursor_of(None), id="null"),
    pytest.param(b64(b'["ini_' + ULID_PART.encode() + b'"]'), id="a-list"),
    pytest.param(b64(b'{"after":"ini_' + ULID_PART.encode() + b'","x":1}'), id="extra-member"),
    pytest.param(b64(b'{"after": "ini_' + ULID_PART.encode() + b'"}'), id="not-as-we-write-it"),
    pytest.param(b64(b"\xff\xfe{}"), id="not-utf8"),
    pytest.param("%00", id="nul-itself"),
    pytest.param("***", id="not-base64"),
]


def list_paths(app, initiative: str, webhook: str) -> list[str]:
    """Every list operation in the served document, its path filled in."""
    paths = []
    for path, item in openapi_document(app)["paths"].items():
        operation = item.get("get", {})
        if any(p["name"] == "cursor" for p in operation.get("parameters", [])):
            filled = re.sub(r"\{initiative_id\}", initiative, path)
            paths.append(re.sub(r"\{webhook_id\}", webhook, filled))
    assert all("{" not in path for path in paths), paths
    return paths


@pytest.mark.parametrize("cursor", HOSTILE_CURSORS)
def test_a_cursor_that_is_not_ours_is_a_query_field_problem_on_every_list(app, org, cursor):
    admin = org.with_scope("admin")
    initiative = admin.post("initiatives", json={"toolkit": STAR, "title": "Walks"}).json["id"]
    webhook = admin.post(
        "webhooks",
        json={"url": "http://127.0.0.1:9/hook", "event_types": ["*"], "status": "paused"},
    ).json["id"]
    paths = list_paths(app, initiative, webhook)
    assert len(paths) >= 8
    for path in paths:
        body = problem(admin.get(f"{path}?cursor={cursor}"))
        assert [(e["location"], e["field"]) for e in body["errors"]] == [("query", "cursor")], path
        assert body["errors"][0]["code"] in {"invalid_cursor", "nul"}, path


def test_the_cursors_the_api_gives_out_still_page(org):
    admin = org.with_scope("admin")
    made = [
        admin.post("initiatives", json={"toolkit": STAR, "title": f"Walk {n}"}).json["id"]
        for n in range(3)
    ]
    seen, cursor = [], None
    while True:
        response = admin.get("initiatives", query_string={"limit": 2, "cursor": cursor or []})
        assert response.status_code == 200, response.json
        seen += [item["id"] for item in response.json["items"]]
        cursor = response.json["next_cursor"]
        if cursor is None:
            break
        # What a client copying the Link header sends back is the same cursor.
        assert cursor in response.headers["Link"]
    assert seen == made


# Ids in paths, queries and bodies -------------------------------------------------------

HOSTILE_PATH_IDS = [
    pytest.param("ini_%00", id="nul"),
    pytest.param("ini_%ED%A0%80", id="encoded-surrogate"),
    pytest.param("ini_%FF", id="not-utf8"),
    pytest.param("ini_" + "x" * 5000, id="huge"),
    pytest.param("%C0%AE%C0%AE", id="overlong-dots"),
]


def operations_with_ids_in_their_path(app):
    for path, item in openapi_document(app)["paths"].items():
        if "_id}" not in path:
            continue
        for method in item:
            if method in {"get", "post", "put", "patch", "delete"}:
                yield method, path


@pytest.mark.parametrize("hostile", HOSTILE_PATH_IDS)
def test_an_id_in_a_path_that_cannot_exist_is_404_or_a_path_problem(app, org, hostile):
    admin = org.with_scope("admin")
    checked = 0
    for method, path in operations_with_ids_in_their_path(app):
        url = re.sub(r"\{[a-z_]+_id\}", hostile, path)
        if path.endswith("/file") and method == "put":  # an upload: a form, the file missing
            body = {"data": {"note": "x"}, "content_type": "multipart/form-data"}
        else:
            body = {"json": {} if method != "get" else None}
        response = admin.request(method.upper(), url, **body)
        assert response.status_code in {404, 422}, (method, path, response.status_code)
        assert response.mimetype == "application/problem+json"
        if response.status_code == 422:  # the path's text, or the empty body sent
            assert {e["location"] for e in response.json["errors"]} <= {"path", "json", "files"}
        assert len(response.get_data()) < 12_000, "a problem should not echo a huge id at length"
        checked += 1
    assert checked >= 20


def _initiative_with_an_activity(api):
    initiative = api.post("initiatives", json={"toolkit": STAR, "title": "Walks"}).json["id"]
    activity = api.post(
        f"initiatives/{initiative}/activities",
        json={"activity_type": "asset-mapping-walk", "title": "A walk"},
    ).json["id"]
    return initiative, activity


HOSTILE_BODY_IDS = [
    pytest.param("par_\u0000", "nul", id="nul"),
    pytest.param("par_\ud800", "not_text", id="lone-surrogate"),
    pytest.param("par_" + "x" * 100_000, "invalid", id="huge"),
    pytest.param(12, "invalid", id="a-number"),
    pytest.param({"id": "par_x"}, "invalid", id="an-object"),
]


@pytest.mark.parametrize(("hostile", "code"), HOSTILE_BODY_IDS)
def test_an_id_in_a_body_that_cannot_exist_is_a_field_problem_and_stores_nothing(
    api, hostile, code
):
    initiative, activity = _initiative_with_an_activity(api)
    evidence = {"evidence_type": "session-notes", "payload": {"text": "Notes"}}
    walk = {"activity_type": "asset-mapping-walk", "title": "A walk"}
    raw = json.dumps  # a lone surrogate goes out as the escape \ud800, as a client sends it
    cases = [
        ("post", f"initiatives/{initiative}/evidence", {**evidence, "participant_id": hostile},
         "participant_id"),
        ("post", f"initiatives/{initiative}/evidence", {**evidence, "activity_id": hostile},
         "activity_id"),
        ("post", f"initiatives/{initiative}/activities", {**walk, "participant_ids": [hostile]},
         "participant_ids/0"),
        ("patch", f"activities/{activity}", {"participant_ids": ["par_x", hostile]},
         "participant_ids/1"),
    ]  # fmt: skip
    for method, path, body, field in cases:
        response = api.request(
            method.upper(), path, data=raw(body), content_type="application/json"
        )
        found = problem(response)["errors"]
        assert (found[0]["location"], found[0]["field"]) == ("json", field), found
        assert found[0]["code"] == code
    assert api.get(f"initiatives/{initiative}/evidence").json["items"] == []
    activities = api.get(f"initiatives/{initiative}/activities").json["items"]
    assert [(a["id"], a["participant_ids"]) for a in activities] == [(activity, [])]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        pytest.param("%00", "nul", id="nul"),
        pytest.param("%ED%A0%80", "not_text", id="encoded-surrogate"),
        pytest.param("%FF", "not_text", id="not-utf8"),
        pytest.param("x" * 5000, "invalid", id="huge"),
    ],
)
def test_an_id_in_a_query_that_cannot_exist_is_a_query_problem(org, query, code):
    admin = org.with_scope("admin")
    initiative, _ = _initiative_with_an_activity(admin)
    filters = [
        (f"initiatives/{initiative}/evidence", "participant_id"),
        (f"initiatives/{initiative}/evidence", "activity_id"),
        (f"initiatives/{initiative}/activities", "participant_id"),
        ("audit-events", "record_id"),
        ("audit-events", "initiative_id"),
        ("audit-events", "key_id"),
        ("initiatives", "external_ref"),
    ]
    for path, name in filters:
        found = problem(admin.get(f"{path}?{name}={query}"))["errors"]
        where = [(e["location"], e["field"], e["code"]) for e in found]
        assert where == [("query", name, code)], path


# ETags sent back --------------------------------------------------------------------------

MALFORMED_CONDITIONS = [
    pytest.param('*, "x"', id="star-in-a-list"),
    pytest.param("**", id="two-stars"),
    pytest.param("ini_01jd3k5m7n8p9q0r1s2t3v4w5x.1", id="unquoted"),
    pytest.param('"a" "b"', id="no-comma"),
    pytest.param('"a', id="unclosed"),
    pytest.param('w/"a"', id="lower-case-weak"),
    pytest.param('"a\x01"', id="control-character"),
    pytest.param('"a\x7f"', id="delete"),
    pytest.param('"a"b"', id="quote-inside"),
    pytest.param(",", id="only-a-comma"),
    pytest.param("x" * 6000, id="huge"),
]


@pytest.mark.parametrize(
    ("value", "tags"),
    [
        ("*", None),
        (" * ", None),
        ('"a"', {'"a"'}),
        ('"a", W/"b" ,"c,d"', {'"a"', 'W/"b"', '"c,d"'}),
        ('"a",,"b"', {'"a"', '"b"'}),  # RFC 9110 5.6.1: empty list elements are ignored
        ('""', {'""'}),
        ('"caf\u00e9"', {'"caf\u00e9"'}),  # obs-text, as a server hands latin-1 bytes on
    ],
)
def test_well_formed_conditions_are_read_as_rfc_9110_says(value, tags):
    from toolkits_core.service import entity_tags

    assert entity_tags("If-Match", value) == (None if tags is None else frozenset(tags))


@pytest.mark.parametrize("value", MALFORMED_CONDITIONS)
def test_check_if_match_refuses_a_malformed_header_itself(value):
    from toolkits_core._store.models import Initiative
    from toolkits_core.service import InvalidRequestError, check_if_match

    record = Initiative(id="ini_01jd3k5m7n8p9q0r1s2t3v4w5x", version=1)
    with pytest.raises(InvalidRequestError) as refused:
        check_if_match(record, value)
    [found] = refused.value.problems
    assert (found.location, found.field, found.code) == ("header", "If-Match", "malformed_etag")
    check_if_match(record, '"ini_01jd3k5m7n8p9q0r1s2t3v4w5x.1"')
    check_if_match(record, '"x", "ini_01jd3k5m7n8p9q0r1s2t3v4w5x.1"')


def operations_taking_if_match(app):
    for path, item in openapi_document(app)["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            if any(p.get("name") == "If-Match" for p in operation.get("parameters", [])):
                yield method, path


@pytest.mark.parametrize("value", MALFORMED_CONDITIONS)
def test_a_malformed_if_match_is_a_header_problem_on_every_operation_and_changes_nothing(
    app, org, value
):
    admin = org.with_scope("admin")
    created = admin.post("initiatives", json={"toolkit": STAR, "title": "Walks"})
    initiative = created.json["id"]
    checked = 0
    for method, path in operations_taking_if_match(app):
        url = re.sub(r"\{[a-z_]+\}", initiative, path)
        response = admin.request(method.upper(), url, headers={"If-Match": value})
        found = problem(response)["errors"]
        where = [(e["location"], e["field"], e["code"]) for e in found]
        assert where == [("header", "If-Match", "malformed_etag")], (method, path)
        checked += 1
    assert checked >= 15
    after = admin.get(f"initiatives/{initiative}")
    assert after.status_code == 200
    assert after.headers["ETag"] == created.headers["ETag"]


def test_if_match_star_alone_and_a_list_holding_the_current_etag_still_match(api):
    created = api.post("initiatives", json={"toolkit": STAR, "title": "Walks"})
    path = f"initiatives/{created.json['id']}"
    assert api.patch(path, json={"title": "A"}, headers={"If-Match": "*"}).status_code == 200
    current = api.get(path).headers["ETag"]
    listed = f'"ini_01jd3k5m7n8p9q0r1s2t3v4w5x.9", {current}'
    assert api.patch(path, json={"title": "B"}, headers={"If-Match": listed}).status_code == 200
    stale = api.patch(path, json={"title": "C"}, headers={"If-Match": f"W/{current}"})
    assert problem(stale, 412)["code"] == "stale_etag"


@pytest.mark.parametrize("value", MALFORMED_CONDITIONS)
def test_a_malformed_if_none_match_on_a_download_is_a_header_problem(api, value):
    initiative = api.post("initiatives", json={"toolkit": STAR, "title": "Walks"}).json["id"]
    evidence = api.post(
        f"initiatives/{initiative}/evidence",
        json={"evidence_type": "session-notes", "payload": {"text": "Notes"}},
    ).json["id"]
    response = api.get(f"evidence/{evidence}/file", headers={"If-None-Match": value})
    found = problem(response)["errors"]
    assert [(e["location"], e["field"]) for e in found] == [("header", "If-None-Match")]
