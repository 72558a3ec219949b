"""The OpenAPI document: what every operation answers besides success, and its JSON form.

The responses every operation shares (400, 401, 403, 404, 412, 413, 415, 422, 429 as
problems, the ``If-Match`` and ``Idempotency-Key`` headers) are added here, from what each
operation declares, instead of by hand on each route, so the document cannot forget one;
so are the OpenAPI ``links`` from each record a 201 makes to the operations on it
(``record_links``).
``openapi/openapi.json`` in the repository is ``document_json(create_app())``; ``coprod
openapi`` rewrites it.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from apispec import BasePlugin
from flask import Flask

from api import idempotency
from api.auth import SCOPE_EXTENSION
from api.operations import HTTP_METHODS, name_operations

IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": "The ETag you last read (or a comma-separated list of ETags, or * alone); "
    "a stale one is answered 412 and changes nothing, a malformed one 422.",
    "schema": {"type": "string"},
}

IDEMPOTENCY_KEY = {
    "name": idempotency.HEADER,
    "in": "header",
    "required": False,
    "description": "A key of your choosing (a UUID) that makes this request safe to retry: "
    "a retry with the same key and the same request gets the first answer again, with "
    "Idempotent-Replayed: true, and changes nothing more. Kept 24 hours (by default) per "
    "API key; the same key with a different request is answered 422 "
    'idempotency_key_reused. See docs/api.md, "Safe retries with Idempotency-Key".',
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": idempotency.MAX_LENGTH,
        "pattern": idempotency.KEY_PATTERN,
    },
}
IDEMPOTENT_METHODS = frozenset(method.lower() for method in idempotency.METHODS)
REPLAYED_HEADER = {
    "description": "true when this is the answer first given to a request sent with the "
    "same Idempotency-Key, given again.",
    "schema": {"type": "string", "enum": ["true"]},
}
RETRY_AFTER_HEADER = {
    "description": "Seconds to wait before trying again.",
    "schema": {"type": "integer"},
}

_PROBLEM = {"$ref": "#/components/schemas/Problem"}


def problem_doc(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": _PROBLEM}},
    }


SHARED_RESPONSES = {
    "401": problem_doc("No API key, or one that is unknown, revoked or expired."),
    "403": problem_doc("The API key lacks the scope this operation needs."),
    "404": problem_doc("No such record in your organisation."),
    "409": {
        **problem_doc("The request clashes with the data (the problem's code says how)."),
        "headers": {
            "Location": {
                "description": "With code external_ref_taken: the URL of the record that "
                "has the external_ref.",
                "schema": {"type": "string"},
            }
        },
    },
    "412": problem_doc("If-Match named a version that is no longer current."),
    "400": problem_doc(
        "The body is not valid JSON, not UTF-8, or starts with a byte order mark (code "
        "malformed_json); or it could not be read to its end (code unreadable_body)."
    ),
    "413": problem_doc("The JSON body is over 1 MiB (code body_too_large; max_bytes says so)."),
    "415": problem_doc(
        "The body is not JSON, or is in a charset other than UTF-8: send it as UTF-8 with "
        "Content-Type: application/json (code unsupported_media_type)."
    ),
    "422": problem_doc(
        "The request is not valid; errors lists each field's problem (a query parameter "
        "this operation does not take is one, code unknown_field; an If-Match or "
        "If-None-Match that is neither * nor a list of ETags is another, location header, "
        "code malformed_etag)."
    ),
    "414": problem_doc(
        "The request line is longer than the server reads (8190 bytes with the gunicorn "
        "configuration coprod ships; code request_line_too_long): shorten the query."
    ),
    "431": problem_doc(
        "The request's headers are more or longer than the server reads (code "
        "request_headers_too_large)."
    ),
    "429": {
        **problem_doc(
            "Too many requests from this key, or without a valid key from this address "
            "(code rate_limited): wait Retry-After seconds."
        ),
        "headers": {
            "Retry-After": RETRY_AFTER_HEADER,
            "RateLimit-Policy": {
                "description": 'The quota, as "key";q=<requests>;w=<seconds> '
                "(draft-ietf-httpapi-ratelimit-headers-10; on every answer).",
                "schema": {"type": "string"},
            },
            "RateLimit": {
                "description": 'What is left of it, as "key";r=<remaining>;t=<seconds to '
                "reset> (on every answer).",
                "schema": {"type": "string"},
            },
        },
    },
}

IDEMPOTENT_RESPONSES = {
    "409": {
        **problem_doc(
            "The request clashes with the data (the problem's code says how); or a request "
            "with the same Idempotency-Key is still being answered (code "
            "idempotency_key_in_use: retry after Retry-After seconds), was done but its "
            "answer was lost (idempotency_answer_lost) or held a secret shown once "
            "(idempotency_answer_withheld)."
        ),
        "headers": {**SHARED_RESPONSES["409"]["headers"], "Retry-After": RETRY_AFTER_HEADER},
    },
    "422": problem_doc(
        SHARED_RESPONSES["422"]["description"].removesuffix(").")
        + "; an Idempotency-Key that is not 1 to 255 printable ASCII characters is "
        "another, location header, code invalid_idempotency_key). A key used before with a "
        "different request is code idempotency_key_reused."
    ),
}
"""The 409 and 422 of an operation that takes an Idempotency-Key, which has more to say."""

UNREADABLE_BODY = problem_doc(
    "The body could not be read to its end: its chunked framing is broken, or the client "
    "stopped sending it (code unreadable_body)."
)

OK = {"200", "201"}
ETAG_HEADER = {
    "description": "The record's version, to send back as If-Match.",
    "schema": {"type": "string"},
}
LOCATION_HEADER = {"description": "The new record's URL.", "schema": {"type": "string"}}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "The ETag you hold (or a comma-separated list of ETags, compared weakly, "
    "or * alone): if it is current, the answer is 304 with no body.",
    "schema": {"type": "string"},
}
NOT_MODIFIED = {
    "description": "If-None-Match named the current version: you have it already (no body).",
    "headers": {"ETag": ETAG_HEADER},
}
LINK_HEADER = {
    "description": 'The next page, as <url>; rel="next" (absent on the last page).',
    "schema": {"type": "string"},
}


class SharedResponsesPlugin(BasePlugin):
    """Adds the shared problem responses, the If-Match header, the scope note, and the
    ETag, Location and Link headers of successful answers."""

    def init_spec(self, spec: Any) -> None:
        self.spec = spec
        self.paths: dict[str, dict[str, dict[str, Any]]] = {}
        """Every operation so far, by path and method: the dicts apispec keeps, which
        ``record_links`` completes as later paths arrive."""

    def _headers_of(self, status: str, response: dict[str, Any]) -> dict[str, Any]:
        """The headers a successful JSON answer carries, from the schema it answers with."""
        reference = response.get("content", {}).get("application/json", {}).get("schema", {})
        name = str(reference.get("$ref", "")).rsplit("/", 1)[-1]
        if name.endswith("Page"):
            return {"Link": LINK_HEADER}
        properties = self.spec.components.schemas.get(name, {}).get("properties", {})
        if not {"version", "updated_at"} <= set(properties):
            return {}  # not a stored record (a toolkit has a version, but no updates)
        headers = {"ETag": ETAG_HEADER}
        if status == "201":
            headers["Location"] = LOCATION_HEADER
        return headers

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **_: Any
    ) -> None:
        for method, operation in (operations or {}).items():
            scope = operation.pop(SCOPE_EXTENSION, None)
            if scope is None:
                continue
            responses = operation.setdefault("responses", {})
            wanted = ["401", "403"]
            if path and "{" in path:
                wanted.append("404")
            if method in {"patch", "delete", "put", "post"}:
                wanted.append("409")
            uses_if_match = operation.pop("x-uses-if-match", method in {"patch", "delete", "put"})
            if uses_if_match:
                wanted.append("412")
                operation.setdefault("parameters", []).append(dict(IF_MATCH))
            idempotent = method in IDEMPOTENT_METHODS
            if idempotent:
                operation.setdefault("parameters", []).append(dict(IDEMPOTENCY_KEY))
                for status, response in IDEMPOTENT_RESPONSES.items():
                    responses.setdefault(status, response)
            body = operation.get("requestBody", {}).get("content", {})
            if "application/json" in body:
                wanted += ["400", "413", "415"]
            elif body:
                responses.setdefault("400", UNREADABLE_BODY)
            # Every operation checks its query (a parameter it does not take is 422, so is
            # a NUL anywhere in the path or the query) and its conditional headers.
            wanted.append("422")
            wanted.append("429")
            # gunicorn answers these itself, as problems, with the configuration shipped.
            wanted += ["414", "431"]
            conditional = False
            for status, response in responses.items():  # keys may still be ints here
                headers = self._headers_of(str(status), response) if str(status) in OK else {}
                if method == "post" and uses_if_match and str(status) in OK:
                    # A POST that changes the record in its path answers with its new ETag.
                    headers = {"ETag": ETAG_HEADER}
                if idempotent and str(status).startswith("2"):
                    headers = {**headers, "Idempotent-Replayed": REPLAYED_HEADER}
                if headers:
                    response.setdefault("headers", {}).update(headers)
                conditional = conditional or (method == "get" and "ETag" in headers)
            if conditional:
                # A read of one record answers 304 to an If-None-Match that is current.
                operation.setdefault("parameters", []).append(dict(IF_NONE_MATCH))
                responses.setdefault("304", NOT_MODIFIED)
            for status in wanted:
                responses.setdefault(status, SHARED_RESPONSES[status])
            responses.pop("default", None)
            operation[SCOPE_EXTENSION] = scope  # kept: the scope suites read it
            note = f"Needs an API key or OAuth2 token with scope `{scope}`."
            operation["description"] = "\n\n".join(
                part for part in (operation.get("description", ""), note) if part
            )
        if path:
            self.paths.setdefault(path, {}).update(operations or {})
            record_links(self.paths, self.spec.components.schemas)


# Links: from a record just made to what can be done with it ----------------------------

METHOD_ORDER = ("get", "put", "patch", "delete", "post")


def _pointer(path: str, method: str) -> str:
    """An ``operationRef`` to ``method`` on ``path`` in this document (RFC 6901 escaped)."""
    return "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method


def _words(text: str) -> str:
    return "".join(word.capitalize() for word in re.split(r"[^A-Za-z0-9]+", text) if word)


def _record_path(collection: str, paths: dict[str, Any]) -> tuple[str, str] | None:
    """The path of a record that a POST to ``collection`` makes, and its one parameter.

    Records live at ``/api/v1/<collection's last segment>/{id}`` (what their Location
    header names), whether the collection is top level (``/initiatives``) or under
    another record (``/initiatives/{initiative_id}/participants``).
    """
    segment = collection.rstrip("/").rsplit("/", 1)[-1]
    if segment.startswith("{"):
        return None
    found = [
        (path, match.group(1))
        for path in paths
        if (match := re.fullmatch(rf"[^{{}}]*/{re.escape(segment)}/\{{(\w+)\}}", path))
    ]
    return found[0] if len(found) == 1 else None


def record_links(paths: dict[str, dict[str, dict[str, Any]]], schemas: dict[str, Any]) -> None:
    """Give each 201 that answers with a record (a schema with an ``id``) OpenAPI links.

    From the record's ``id`` to every operation on the record's path and the paths under
    it (read, change, delete, its sub-collections and actions), with the 201's ETag as the
    ``If-Match`` of the writes that take one (a download's If-Match is the file's); and
    from the collection's own path parameters to its other operations (list what was just
    added to). Generic, from the paths alone, so a new resource gets its links without a
    word here; clients (and schemathesis's stateful tests) follow them from what they made
    to what they can do with it.
    """
    for collection, operations in paths.items():
        responses = operations.get("post", {}).get("responses", {})
        made = responses.get("201") or responses.get(201)  # keys may still be ints here
        if not made:
            continue
        links: dict[str, Any] = {}
        reference = made.get("content", {}).get("application/json", {}).get("schema", {})
        schema = schemas.get(str(reference.get("$ref", "")).rsplit("/", 1)[-1], {})
        record = _record_path(collection, paths) if "id" in schema.get("properties", {}) else None
        if record is not None:
            record_path, parameter = record
            noun = _words(parameter.removesuffix("_id"))
            etag = "ETag" in made.get("headers", {})
            for path in sorted(paths):
                tail = path[len(record_path) :]
                if not path.startswith(record_path) or tail[:1] not in {"", "/"} or "{" in tail:
                    continue
                for method in METHOD_ORDER:
                    target = paths[path].get(method)
                    if target is None:
                        continue
                    values = {parameter: "$response.body#/id"}
                    takes = {p.get("name") for p in target.get("parameters", [])}
                    if etag and method != "get" and "If-Match" in takes:
                        values["header.If-Match"] = "$response.header.ETag"
                    links[f"{method.capitalize()}{noun}{_words(tail)}"] = {
                        "operationRef": _pointer(path, method),
                        "parameters": values,
                        "description": f"{method.upper()} {path} for the record just made.",
                    }
        for method in METHOD_ORDER:
            if method == "post" or method not in operations:
                continue
            parameters = re.findall(r"\{(\w+)\}", collection)
            words = _words(collection.rsplit("/", 1)[-1])
            name = f"List{words}" if method == "get" else f"{method.capitalize()}{words}Collection"
            links[name] = {
                "operationRef": _pointer(collection, method),
                "parameters": {p: f"$request.path.{p}" for p in parameters},
                "description": f"{method.upper()} {collection}, which now holds it.",
            }
        if links:
            made["links"] = links
        else:
            made.pop("links", None)


# Requests and responses: what a client sends, apart from what it is answered ------------

REQUEST_SUFFIX = "Input"
"""``InitiativeInput`` is what a client sends to create or replace an ``Initiative``."""
_SCHEMAS = "#/components/schemas/"


def _references(node: Any) -> set[str]:
    """The names of the component schemas ``node`` refers to, at any depth."""
    if isinstance(node, dict):
        found = set()
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(_SCHEMAS):
                found.add(value.removeprefix(_SCHEMAS))
            else:
                found |= _references(value)
        return found
    if isinstance(node, list):
        return set().union(*(_references(value) for value in node))
    return set()


def _closure(names: set[str], schemas: dict[str, Any]) -> set[str]:
    """``names`` and every schema they refer to, through any number of schemas."""
    seen: set[str] = set()
    waiting = list(names)
    while waiting:
        name = waiting.pop()
        if name not in seen and name in schemas:
            seen.add(name)
            waiting.extend(_references(schemas[name]))
    return seen


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        operation
        for item in document.get("paths", {}).values()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]


ONLY_WHEN_ANY = "x-only-when-any"
"""Marks the one kind of answer field that is left out when empty, and so not required:
the ``advice`` on a write, so that a write with nothing to say answers the record exactly
as a read shows it."""


def separate_requests_from_responses(document: dict[str, Any]) -> None:
    """Give a record's request bodies a schema without its read-only fields, and make its
    answers' schemas say which fields are always there.

    One marshmallow schema describes a record both ways: its ``dump_only`` fields (``id``,
    ``created_at``, ``version``, ...) are ``readOnly``, which most client generators
    ignore, so a generated ``Initiative`` model would ask a caller for an ``id``. So a
    request body whose schema has read-only fields gets a copy of it without them,
    ``<Name>Input``. What is left only in answers lists every field as ``required``,
    because coprod always sends every field of what it answers with (null when empty; the
    one exception is a field marked ``ONLY_WHEN_ANY``):
    generated models then give ``initiative.id`` as a ``str``, not as "maybe unset".
    The fuzz tests' response-schema check holds the server to that.
    """
    schemas: dict[str, Any] = document.get("components", {}).get("schemas", {})
    operations = _operations(document)
    bodies = [
        media["schema"]
        for operation in operations
        for media in operation.get("requestBody", {}).get("content", {}).values()
        if "$ref" in media.get("schema", {})
    ]
    for body in bodies:
        name = str(body["$ref"]).removeprefix(_SCHEMAS)
        schema = schemas.get(name, {})
        read_only = {
            field for field, prop in schema.get("properties", {}).items() if prop.get("readOnly")
        }
        if not read_only:
            continue
        twin = name + REQUEST_SUFFIX
        if twin not in schemas:
            request = copy.deepcopy(schema)
            properties = schema["properties"].items()
            request["properties"] = {f: prop for f, prop in properties if f not in read_only}
            if "required" in request:
                request["required"] = [f for f in request["required"] if f not in read_only]
            schemas[twin] = request
        body["$ref"] = _SCHEMAS + twin
    sent = _closure(set().union(*(_references(body) for body in bodies)), schemas)
    answered = _closure(
        set().union(
            *(
                _references(response.get("content", {}))
                for operation in operations
                for status, response in operation.get("responses", {}).items()
                if str(status).startswith("2")
            )
        ),
        schemas,
    )
    for name in sorted(answered - sent):
        properties = schemas[name].get("properties", {})
        always = [
            field
            for field, prop in properties.items()
            if not prop.get("writeOnly") and not prop.get(ONLY_WHEN_ANY)
        ]
        if always:
            schemas[name]["required"] = sorted(always)


def openapi_document(app: Flask) -> dict[str, Any]:
    """The document the app serves at /api/v1/openapi.json: what flask-smorest and the
    plugin above built, then each operation named (``api.operations``) and the schemas of
    what a client sends parted from those of what it is answered."""
    api = app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    document: dict[str, Any] = copy.deepcopy(api.spec.to_dict())
    name_operations(document)
    separate_requests_from_responses(document)
    return document


def document_json(app: Flask) -> str:
    """The document as the repository keeps it: sorted keys, two-space indent, final newline."""
    return json.dumps(openapi_document(app), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
