"""Every operation has a unique, stable operationId and a documented tag.

Generated clients name their functions after ``operationId`` and their modules after
tags, so an operation without one is a client function named after its path, and a name
used twice is two functions fighting for one name. The operations come from the served
document, so an endpoint added later fails here until it is named in
``api/operations.py``.
"""

from __future__ import annotations

import collections
import re

import pytest

from api.operations import OPERATIONS, TAGS, name_operations

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
NAME_THE_OPERATION = (
    "add it to OPERATIONS in api/operations.py with a camelCase operationId and a tag "
    '(docs/api.md, "Generated clients")'
)


def served_operations(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    return document, [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]


def test_every_operation_has_an_operation_id(app):
    _, operations = served_operations(app)
    assert len(operations) >= 45
    unnamed = [f"{m.upper()} {p}" for m, p, op in operations if not op.get("operationId")]
    assert unnamed == [], NAME_THE_OPERATION


def test_no_operation_id_is_used_twice(app):
    _, operations = served_operations(app)
    counts = collections.Counter(op.get("operationId") for _, _, op in operations)
    assert [name for name, n in counts.items() if name and n > 1] == []


def test_operation_ids_are_camel_case_verbs_that_generators_turn_into_names():
    names = [name for name, _ in OPERATIONS.values()]
    assert len(names) == len(set(names))
    badly_formed = [name for name in names if not re.fullmatch(r"[a-z]+(?:[A-Z][a-z0-9]*)+", name)]
    assert badly_formed == []


def test_every_named_operation_exists_so_a_moved_path_is_noticed(app):
    _, operations = served_operations(app)
    served = {(method, path) for method, path, _ in operations}
    assert sorted(set(OPERATIONS) - served) == []


def test_each_operation_has_one_tag_and_every_tag_used_is_described(app):
    document, operations = served_operations(app)
    declared = {tag["name"]: tag for tag in document["tags"]}
    for method, path, operation in operations:
        assert len(operation["tags"]) == 1, (method, path)
        assert operation["tags"][0] in declared, (method, path)
    assert all(tag["description"] for tag in declared.values())
    used = {op["tags"][0] for _, _, op in operations}
    assert set(declared) == used, "a declared tag no operation uses is an empty group"


def test_tags_follow_the_sections_of_the_docs(app):
    document, operations = served_operations(app)
    tag_of = {op["operationId"]: op["tags"][0] for _, _, op in operations}
    assert tag_of["getInitiativeProgress"] == tag_of["createTransition"] == "stages"
    assert tag_of["uploadEvidenceFile"] == tag_of["downloadEvidenceFile"] == "files"
    assert tag_of["eraseParticipant"] == tag_of["listAuditEvents"] == "data-protection"
    assert tag_of["listEvents"] == tag_of["exportRecords"] == "change-feed"
    assert [tag["name"] for tag in document["tags"]] == [tag.name for tag in TAGS]


def test_an_operation_missing_from_the_table_is_served_without_an_id():
    document = {
        "tags": [{"name": "newsletters", "description": "Newsletters."}],
        "paths": {
            "/api/v1/newsletters": {"get": {"tags": ["newsletters"], "responses": {}}},
            "/api/v1/initiatives": {"get": {"tags": ["initiatives"], "responses": {}}},
        },
    }
    name_operations(document)
    assert "operationId" not in document["paths"]["/api/v1/newsletters"]["get"]
    initiatives = document["paths"]["/api/v1/initiatives"]["get"]
    assert initiatives["operationId"] == "listInitiatives"
    # a blueprint's own tag stays, after the table's, with its own description
    assert [tag["name"] for tag in document["tags"]] == ["initiatives", "newsletters"]


@pytest.mark.parametrize(
    ("schema", "read_only"),
    [
        ("Initiative", {"id", "created_at", "updated_at", "version", "stage", "cycle"}),
        ("Participant", {"id", "initiative_id", "version", "erased_at"}),
        ("Activity", {"id", "initiative_id", "version"}),
        ("Evidence", {"id", "initiative_id", "version", "file", "expects_file"}),
        ("Assessment", {"id", "initiative_id", "version", "summary"}),
    ],
)
def test_what_a_client_sends_has_no_read_only_fields_and_answers_have_them_all(
    app, schema, read_only
):
    document, operations = served_operations(app)
    schemas = document["components"]["schemas"]
    sent = {
        media["schema"]["$ref"].rsplit("/", 1)[-1]
        for _, _, op in operations
        for media in op.get("requestBody", {}).get("content", {}).values()
        if "$ref" in media["schema"]
    }
    assert schema not in sent
    assert f"{schema}Input" in sent
    request = schemas[f"{schema}Input"]
    assert read_only.isdisjoint(request["properties"])
    assert read_only.isdisjoint(request.get("required", []))
    answer = schemas[schema]
    assert read_only <= set(answer["required"])
    assert all(answer["properties"][field].get("readOnly") for field in read_only)
    # and what a request may set is answered too, so a mirror can compare the two
    assert set(request["properties"]) <= set(answer["required"])
