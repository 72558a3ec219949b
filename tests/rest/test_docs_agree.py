"""docs/api.md and the API document say the same, where a test can hold them together.

The document (served at /api/v1/openapi.json, committed as openapi/openapi.json) has every
field; docs/api.md has the conventions. Where both speak of the same thing, they agree:
the error locations, the list of operations, the values a field may take, and what the
toolkit schemas say of each field. The error locations the code gives are the ones both
list.
"""

from __future__ import annotations

import ast
import pathlib
import re
from typing import Any

import pytest

from api.problems import ERROR_LOCATIONS
from api.spec import openapi_document
from toolkits_core import toolkit_document
from toolkits_core.service import ROLE_DESCRIPTIONS

ROOT = pathlib.Path(__file__).parents[2]
DOCS = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def document(app) -> dict[str, Any]:
    return openapi_document(app)


def _section(heading: str) -> str:
    start = DOCS.index(heading)
    end = DOCS.find("\n#", start + len(heading))
    return DOCS[start : end if end != -1 else None]


def test_the_error_locations_are_the_same_in_the_docs_and_the_document(document):
    documented = document["components"]["schemas"]["FieldError"]["properties"]["location"]
    in_the_docs = re.findall(r"^\| `(\w+)` \| ", _section("## Errors are problem documents"), re.M)
    assert documented["enum"] == list(ERROR_LOCATIONS)
    assert in_the_docs == list(ERROR_LOCATIONS)
    for name, where in ERROR_LOCATIONS.items():
        assert f"{name}: {where}" in documented["description"]


def _location_literals() -> set[str]:
    """Every location the code names: ``location="..."`` in a call (a FieldProblem, or
    ``blueprint.arguments``, whose location webargs reports), FieldProblem's default, and
    ``"location": "..."``. (webargs' default location, for a body, is ``json`` too.)"""
    found: set[str] = set()
    for folder in ("api", "toolkits_core"):
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                named = (isinstance(node, ast.keyword) and node.arg == "location") or (
                    isinstance(node, ast.AnnAssign)  # FieldProblem's default
                    and isinstance(node.target, ast.Name)
                    and node.target.id == "location"
                )
                value = getattr(node, "value", None)
                if named and isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found.add(value.value)
                if isinstance(node, ast.Dict):
                    for key, value in zip(node.keys, node.values, strict=True):
                        if (
                            isinstance(key, ast.Constant)
                            and key.value == "location"
                            and isinstance(value, ast.Constant)
                        ):
                            found.add(value.value)
    return found


def test_every_location_the_code_gives_is_a_documented_one():
    found = _location_literals()
    assert {"json", "query", "files", "header"} <= found  # the scan does see them
    assert found <= set(ERROR_LOCATIONS)


def _operations(document: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {
        (method.upper(), path): operation["operationId"]
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }


def test_every_operation_of_the_document_is_listed_in_the_docs_and_no_other(document):
    listed = {
        (method, path): operation_id
        for method, path, operation_id in re.findall(
            r"^\| `(GET|POST|PUT|PATCH|DELETE) (\S+)` \| `(\w+)` \|$",
            _section("## Every operation"),
            re.M,
        )
    }
    assert listed == _operations(document)


def test_every_path_the_docs_name_is_one_the_document_has(document):
    """A path written in the docs' prose, such as ``GET /api/v1/initiatives/{id}``, is one
    the API has (with any name for its parameters)."""
    shape = {re.sub(r"\{[^}]*\}", "{}", path) for path in document["paths"]}
    named = set(re.findall(r"\b(?:GET|POST|PUT|PATCH|DELETE) `?(/api/v1/[\w\-./{}]+)", DOCS))
    unknown = {
        path
        for path in named
        if re.sub(r"\{[^}]*\}", "{}", path.rstrip(".")) not in shape and not path.endswith("...")
    }
    assert unknown == set()


def _enums(document: dict[str, Any]) -> list[tuple[str, str, list[Any]]]:
    """(where, description, values) of each enum of a schema property or a query parameter."""
    found = []
    for name, schema in document["components"]["schemas"].items():
        for field, spec in schema.get("properties", {}).items():
            spec = spec.get("items", spec)
            if "enum" in spec:
                found.append((f"{name}.{field}", spec.get("description", ""), spec["enum"]))
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []) if method in METHODS else []:
                spec = parameter.get("schema", {})
                spec = spec.get("items", spec)
                if "enum" in spec:
                    where = f"{method.upper()} {path} ?{parameter['name']}"
                    found.append((where, parameter.get("description", ""), spec["enum"]))
    return found


def _explained(value: str, description: str) -> bool:
    """Named in the docs or the description; an event type ``kind.what`` also by the docs'
    pattern, `<record>.what` with `kind` among the records it is given for."""
    if f"`{value}`" in DOCS or value in description:
        return True
    kind, _, what = value.partition(".")
    return bool(what) and f"`<record>.{what}`" in DOCS and f"`{kind}`" in DOCS


def test_every_value_a_field_may_take_is_explained_in_the_docs_or_the_document(document):
    """Each value of an enum appears in docs/api.md (as `value`) or in the field's own
    description, where what it means can be said."""
    unexplained = [
        (where, value)
        for where, description, values in _enums(document)
        for value in values
        if value is not None and not _explained(str(value), description)
    ]
    assert unexplained == [], "\n".join(f"{where}: {value}" for where, value in unexplained)


@pytest.mark.parametrize(
    "name",
    ["ToolkitSummary", "Toolkit", "ToolkitCounts", "ProvidingPlugin", "Stage", "Dimension",
     "Indicator", "Scale", "ScaleLevel", "ScaleBand", "ActivityType", "EvidenceType",
     "Requirement", "ParticipantRole"],
)  # fmt: skip
def test_every_toolkit_field_is_typed_and_described(document, name):
    schema = document["components"]["schemas"][name]
    assert schema["properties"]
    for field, spec in schema["properties"].items():
        assert spec.get("description"), f"{name}.{field} has no description"
        typed = "type" in spec or "allOf" in spec or "$ref" in spec
        assert typed, f"{name}.{field} has no type"


def test_the_typed_toolkit_schema_shows_every_part_of_every_toolkit(api, app):
    """Typing the schema must not drop a field: GET /toolkits/{key} is the whole definition."""
    from api.context import services

    host = services(app).host
    for toolkit in host.toolkits():
        shown = api.get(f"toolkits/{toolkit.key}")
        assert shown.status_code == 200
        whole = toolkit_document(toolkit, host.provider_of(toolkit.key))
        body = dict(shown.json)
        roles = body.pop("roles")
        assert body == _as_json(whole)
        assert [role["key"] for role in roles] == [role.key.value for role in ROLE_DESCRIPTIONS]
        assert all(role["label"] and role["description"] for role in roles)
    listed = api.get("toolkits").json["items"]
    assert [item["key"] for item in listed] == [toolkit.key for toolkit in host.toolkits()]


def _as_json(value: Any) -> Any:
    import json

    return json.loads(json.dumps(value))
