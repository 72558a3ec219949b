"""The OpenAPI document: served without a key, shown in Swagger UI, and committed as served."""

from __future__ import annotations

import json
import pathlib
import re

import jsonschema
from click.testing import CliRunner

from api.cli import main
from api.spec import document_json

COMMITTED = pathlib.Path(__file__).parents[2] / "openapi" / "openapi.json"
REGENERATE = (
    "openapi/openapi.json is not the document the app serves. Regenerate it with "
    "`coprod openapi --output openapi/openapi.json` and commit it."
)


def test_the_committed_document_is_the_one_the_app_serves(app):
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert COMMITTED.is_file(), REGENERATE
    assert response.get_json() == json.loads(COMMITTED.read_text(encoding="utf-8")), REGENERATE
    # and byte for byte as `coprod openapi` writes it, so regenerating changes nothing else
    assert COMMITTED.read_text(encoding="utf-8") == document_json(app), REGENERATE


def test_the_document_and_swagger_ui_need_no_key(app):
    client = app.test_client()
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200
    assert document.mimetype == "application/json"
    assert document.get_json()["info"]["title"] == "coprod"
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert docs.mimetype == "text/html"
    page = docs.get_data(as_text=True)
    assert "swagger-ui" in page
    assert "/api/v1/openapi.json" in page


def test_swagger_ui_is_served_by_coprod_itself_so_it_works_offline(app):
    client = app.test_client()
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', page)
    assert assets, page
    for asset in assets:
        assert asset.startswith("/api/v1/docs/assets/"), asset
        response = client.get(asset)
        assert response.status_code == 200, asset
        assert len(response.data) > 1000
        response.close()


def test_the_document_declares_bearer_keys_and_a_scope_on_every_operation(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    operations = [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert operations
    token = ("/api/v1/oauth/token", "post")
    unsecured = [
        (p, m)
        for p, m, op in operations
        if (p, m) != token
        and op.get("security") != [{"bearer": []}, {"oauth2": [op.get("x-required-scope")]}]
    ]
    assert unsecured == []
    unscoped = [
        (p, m)
        for p, m, op in operations
        if (p, m) != token and f"scope `{op['x-required-scope']}`" not in op["description"]
    ]
    assert unscoped == []


def test_the_document_declares_the_client_credentials_flow_and_every_scope(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    oauth2 = document["components"]["securitySchemes"]["oauth2"]
    flow = oauth2["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == "/api/v1/oauth/token"
    assert {"read", "write", "admin", "feed:read", "records:write", "audit:read"} <= set(
        flow["scopes"]
    )
    token = document["paths"]["/api/v1/oauth/token"]["post"]
    assert token["security"] == [{"clientSecretBasic": []}, {}]
    assert "application/x-www-form-urlencoded" in token["requestBody"]["content"]
    used = {
        op["x-required-scope"]
        for item in document["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "x-required-scope" in op
    }
    assert used <= set(flow["scopes"])


def test_coprod_openapi_prints_writes_and_checks_the_document(app, tmp_path):
    runner = CliRunner()
    printed = runner.invoke(main, ["openapi"], catch_exceptions=False)
    assert printed.exit_code == 0
    assert printed.output == document_json(app)

    path = tmp_path / "openapi.json"
    written = runner.invoke(main, ["openapi", "--output", str(path)], catch_exceptions=False)
    assert written.exit_code == 0
    assert path.read_text(encoding="utf-8") == document_json(app)
    checked = runner.invoke(main, ["openapi", "--output", str(path), "--check"])
    assert checked.exit_code == 0

    path.write_text(path.read_text(encoding="utf-8").replace('"coprod"', '"stale"', 1))
    stale = runner.invoke(main, ["openapi", "--output", str(path), "--check"])
    assert stale.exit_code == 1
    assert f"coprod openapi --output {path}" in stale.output
    assert '"stale"' in path.read_text(encoding="utf-8")  # --check writes nothing


def test_coprod_openapi_check_needs_the_file_to_compare(tmp_path):
    result = CliRunner().invoke(main, ["openapi", "--check"], catch_exceptions=False)
    assert result.exit_code == 2
    assert "--output" in result.output
    missing = CliRunner().invoke(
        main, ["openapi", "--check", "--output", str(tmp_path / "x")], catch_exceptions=False
    )
    assert missing.exit_code == 1


# What the fuzzer (tests/fuzz) found the document leaving out --------------------------

STAR = "coproduction-star"


def documented_problem(app, body):
    """Check ``body`` against the served document's Problem schema, members and all."""
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    schema = {"$ref": "#/components/schemas/Problem", "components": document["components"]}
    jsonschema.validate(body, schema)


def test_problems_with_extension_members_match_the_documented_problem(app, org):
    api = org.api
    made = api.post("initiatives", json={"toolkit": STAR, "title": "Walks", "external_ref": "a"})
    initiative = made.json["id"]
    problems = [
        api.patch(f"initiatives/{initiative}", json={"title": "X"}, headers={"If-Match": '"x.0"'}),
        api.post("initiatives", json={"toolkit": STAR, "title": "Again", "external_ref": "a"}),
        api.post(f"initiatives/{initiative}/transitions", json={"to_stage": "focus-it"}),
        org.with_scope("read").post("initiatives", json={"toolkit": STAR, "title": "No"}),
    ]
    members = set()
    for response in problems:
        assert response.mimetype == "application/problem+json", response.status_code
        documented_problem(app, response.json)
        members |= set(response.json)
    assert {"current_etag", "existing_id", "blockers", "to_stage", "required_scope"} <= members


def test_every_json_body_documents_malformed_json_and_the_size_limit(app, org):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    with_json = [
        (path, method, operation["responses"])
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method != "parameters"
        and "application/json" in operation.get("requestBody", {}).get("content", {})
    ]
    assert with_json
    assert [(p, m) for p, m, responses in with_json if not {"400", "413"} <= set(responses)] == []
    broken = org.api.post("initiatives", data="{not json", content_type="application/json")
    assert broken.status_code == 400
    documented_problem(app, broken.json)


def test_a_patch_without_a_body_is_documented_as_optional_and_changes_nothing(app, org):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    patches = [item["patch"] for item in document["paths"].values() if "patch" in item]
    assert patches
    assert [op["operationId"] for op in patches if op["requestBody"].get("required")] == []
    organisation = org.with_scope("admin")
    before = organisation.get("organisation")
    response = organisation.patch("organisation")
    assert response.status_code == 200, response.json
    assert response.json == before.json
    assert response.headers["ETag"] == before.headers["ETag"]


def test_every_operation_with_an_id_in_its_path_documents_422(app, org):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    missing = [
        f"{method} {path}"
        for path, item in document["paths"].items()
        if "{" in path
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
        and "422" not in operation["responses"]
    ]
    assert missing == []
    response = org.api.get("initiatives/ini_%00")
    assert response.status_code == 422
    assert response.json["errors"][0]["location"] == "path"
