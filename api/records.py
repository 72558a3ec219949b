"""Single records: their ETag, and the If-Match a change may carry."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import current_app, request

from api.serialise import compiled
from toolkits_core.service import etag_of

USES_IF_MATCH = {"x-uses-if-match": True}
"""For ``blueprint.doc(**USES_IF_MATCH)`` on a POST that changes the record in its path."""
NO_IF_MATCH = {"x-uses-if-match": False}
"""For a PATCH, PUT or DELETE with nothing to be stale about (such as revoking a key)."""


def if_match() -> str | None:
    """The request's ``If-Match`` header, if it sent one."""
    return request.headers.get("If-Match") or None


def record_reply(
    record: Any, status: int = 200, schema: type[ma.Schema] | None = None
) -> tuple[Any, int, dict[str, str]]:
    """A record with its ``ETag`` (and ``Location`` when it was just created).

    Given its ``schema``, the record is dumped here by ``api.serialise`` (exactly what
    the schema dumps, built faster) and encoded as ``jsonify`` would; without it, the
    view's ``@blueprint.response`` dumps it.
    """
    headers = {"ETag": etag_of(record)}
    if status == 201:
        headers["Location"] = f"{request.host_url.rstrip('/')}{_path_of(record)}"
    if schema is None:
        return record, status, headers
    return current_app.json.response(compiled(schema)(record)), status, headers


_COLLECTIONS = {
    "Initiative": "initiatives",
    "Participant": "participants",
    "Activity": "activities",
    "Evidence": "evidence",
    "Assessment": "assessments",
    "ApiKey": "keys",
}


def _path_of(record: Any) -> str:
    return f"/api/v1/{_COLLECTIONS[type(record).__name__]}/{record.id}"
