"""The document's links, which the stateful fuzz run follows (``api.spec.record_links``)."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import schemathesis

DOCUMENT = pathlib.Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"


def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    return document


def _target(document: dict[str, Any], link: dict[str, Any]) -> tuple[str, str]:
    pointer = link["operationRef"].removeprefix("#/paths/")
    path, method = pointer.rsplit("/", 1)
    path = path.replace("~1", "/").replace("~0", "~")
    assert method in document["paths"][path], link["operationRef"]
    return method, path


def test_every_record_a_201_makes_links_to_reading_changing_and_deleting_it() -> None:
    document = _document()
    made = {
        path: item["post"]["responses"]["201"]
        for path, item in document["paths"].items()
        if "Location" in item.get("post", {}).get("responses", {}).get("201", {}).get("headers", {})
    }
    assert len(made) >= 5, sorted(made)
    for collection, response in made.items():
        links = response.get("links", {})
        targets = {_target(document, link): link for link in links.values()}
        record = [path for method, path in targets if method == "get" and path != collection]
        assert record, f"POST {collection}: no link to the record it made"
        record_path = min(record, key=len)
        for method in ("get", "patch", "delete"):
            if method in document["paths"][record_path]:
                link = targets[(method, record_path)]
                parameter = record_path.rsplit("{", 1)[1].rstrip("}")
                assert link["parameters"][parameter] == "$response.body#/id"
                if method != "get":
                    assert link["parameters"]["header.If-Match"] == "$response.header.ETag"
        assert ("get", collection) in targets, f"POST {collection}: no link to list it"


def test_schemathesis_follows_every_link_the_document_declares() -> None:
    config = schemathesis.Config.from_dict(
        {"phases": {"stateful": {"inference": {"algorithms": []}}}}
    )
    schema = schemathesis.openapi.from_path(DOCUMENT, config=config)
    machine = schema.as_state_machine()  # raises if a link names what does not exist
    declared = sum(
        len(response.get("links", {}))
        for item in _document()["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict)
        for response in operation.get("responses", {}).values()
    )
    followed = sum(len(t.outgoing) for t in machine._transitions.operations.values())
    assert followed == declared > 0
