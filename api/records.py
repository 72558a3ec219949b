"""Single records: their ETag, and the If-Match a change may carry."""

from __future__ import annotations

from typing import Any

from flask import request

from toolkits_core.service import etag_of

USES_IF_MATCH = {"x-uses-if-match": True}
"""For ``blueprint.doc(**USES_IF_MATCH)`` on a POST that changes the record in its path."""
NO_IF_MATCH = {"x-uses-if-match": False}
"""For a PATCH, PUT or DELETE with nothing to be stale about (such as revoking a key)."""


def if_match() -> str | None:
    """The request's ``If-Match`` header, if it sent one."""
    return request.headers.get("If-Match") or None


def record_reply(record: Any, status: int = 200) -> tuple[Any, int, dict[str, str]]:
    """A record with its ``ETag`` (and ``Location`` when it was just created)."""
    headers = {"ETag": etag_of(record)}
    if status == 201:
        headers["Location"] = f"{request.host_url.rstrip('/')}{_path_of(record)}"
    return record, status, headers


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
