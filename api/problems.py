"""Every error under /api as an RFC 9457 problem document (``application/problem+json``).

Flask's own 404 and 405, webargs' 422, the services' refusals and unexpected failures all
come out in one shape: ``type``, ``title``, ``status``, ``detail``, ``instance``, a stable
``code``, and ``errors`` (a list of ``{location, field, message, code}``) for field
problems. ``type`` is ``about:blank`` for plain HTTP errors and
``urn:coprod:problem:<code>`` for coprod's own, documented in docs/api.md.
"""

from __future__ import annotations

import http
import logging
from collections.abc import Mapping, Sequence
from typing import Any, cast

import marshmallow as ma
import sqlalchemy as sa
from flask import Response, current_app, g, request
from werkzeug.exceptions import HTTPException

from toolkits_core.service import (
    FieldProblem,
    InvalidRequestError,
    ServiceError,
    Workspace,
    explain_lost_race,
)

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:coprod:problem:"

logger = logging.getLogger("api.problems")


ERROR_LOCATIONS = {
    "json": "the JSON body",
    "query": "a query parameter",
    "path": "a part of the path (an id or a key)",
    "header": "a request header (If-Match, If-None-Match, Idempotency-Key)",
    "files": "the file of a multipart upload (PUT /evidence/{evidence_id}/file)",
    "body": "the body as a whole, where it is not JSON (the lines of POST /bulk)",
}
"""Where in a request a field problem is: the ``location`` of an ``errors`` entry. The
API document lists these as an enum and docs/api.md in words; a test holds both to this,
and every location the code gives to it."""


class FieldErrorSchema(ma.Schema):
    location = ma.fields.String(
        validate=ma.validate.OneOf(list(ERROR_LOCATIONS)),
        metadata={
            "description": "Where in the request the problem is: "
            + "; ".join(f"{name}: {where}" for name, where in ERROR_LOCATIONS.items())
            + ".",
            "example": "json",
        },
    )
    field = ma.fields.String(
        metadata={"description": "path to the field, parts joined by /", "example": "title"}
    )
    message = ma.fields.String()
    code = ma.fields.String(metadata={"description": "stable, machine-readable"})
    plugin = ma.fields.String(metadata={"description": "the plugin whose rule spoke, when one did"})


class ProblemBlockerSchema(ma.Schema):
    code = ma.fields.String(metadata={"description": "stable, machine-readable"})
    message = ma.fields.String(metadata={"description": "what would lift the blocker"})
    plugin = ma.fields.String(metadata={"description": "whose rule it is (core or a plugin)"})


def _member(field: ma.fields.Field[Any], codes: str) -> ma.fields.Field[Any]:
    """An extension member, documented with the problem codes that carry it."""
    field.metadata = {**field.metadata, "description": f"only in problems with code {codes}"}
    return field


class ProblemSchema(ma.Schema):
    """An RFC 9457 problem document (documentation only: problems are built as dicts).

    Besides the standard members, some problems carry extension members, each listed here
    with the codes that have it, so that the document says every member an answer holds.
    """

    type = ma.fields.String(metadata={"example": "about:blank"})
    title = ma.fields.String(metadata={"example": "Not Found"})
    status = ma.fields.Integer(metadata={"example": 404})
    detail = ma.fields.String()
    instance = ma.fields.String(metadata={"description": "the path of the request"})
    code = ma.fields.String(
        metadata={"description": "stable, machine-readable", "example": "not_found"}
    )
    errors = ma.fields.List(ma.fields.Nested(FieldErrorSchema))
    required_scope = _member(ma.fields.String(), "missing_scope")
    current_etag = _member(ma.fields.String(), "stale_etag and record_exists")
    existing_id = _member(
        ma.fields.String(), "external_ref_taken and record_exists (Location gives its URL)"
    )
    existing_etag = _member(ma.fields.String(), "external_ref_taken (the existing record's ETag)")
    differs = _member(
        ma.fields.Boolean(),
        "external_ref_taken (whether the values sent differ from the existing record's; on "
        "initiatives, participants, activities and evidence)",
    )
    to_stage = _member(ma.fields.String(), "transition_refused")
    blockers = _member(ma.fields.List(ma.fields.Nested(ProblemBlockerSchema)), "transition_refused")
    evidence_type = _member(ma.fields.String(), "file_not_expected")
    max_bytes = _member(ma.fields.Integer(), "file_too_large, body_too_large and part_too_large")
    max_parts = _member(ma.fields.Integer(), "too_many_parts")
    accepted = _member(ma.fields.List(ma.fields.String()), "unsupported_media_type")
    declared = _member(ma.fields.String(allow_none=True), "unsupported_media_type")
    retry_after = _member(ma.fields.Integer(), "rate_limited (seconds, as in Retry-After)")
    error = _member(
        ma.fields.String(),
        "invalid_request, invalid_client, invalid_scope, unauthorized_client, "
        "unsupported_grant_type and insecure_transport, from the token endpoint (RFC 6749 "
        "section 5.2; the same as code)",
    )
    error_description = _member(ma.fields.String(), "those of the token endpoint (as detail)")


def problem_response(
    status: int,
    *,
    code: str,
    detail: str,
    title: str | None = None,
    specific: bool = True,
    errors: Sequence[Mapping[str, Any]] = (),
    extra: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A problem+json response."""
    phrase = http.HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": f"{PROBLEM_TYPE_PREFIX}{code}" if specific else "about:blank",
        "title": title if specific and title else phrase,
        "status": status,
        "detail": detail,
        "instance": request.path,
        "code": code,
    }
    if errors:
        body["errors"] = list(errors)
    for key, value in (extra or {}).items():
        body.setdefault(key, value)
    # Laid out as every other answer is (Flask's JSON provider), final newline included.
    response = cast(Response, current_app.json.response(body))
    response.status_code = status
    response.mimetype = PROBLEM_JSON
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def field_errors(problems: Sequence[FieldProblem]) -> list[dict[str, Any]]:
    errors = []
    for problem in problems:
        item = {
            "location": problem.location,
            "field": problem.field,
            "message": problem.message,
            "code": problem.code,
        }
        if problem.plugin and problem.plugin != "core":
            item["plugin"] = problem.plugin
        errors.append(item)
    return errors


def _flatten(messages: Any, path: str = "") -> list[tuple[str, str]]:
    """webargs' nested ``{field: [messages]}`` as (path, message) pairs."""
    if isinstance(messages, Mapping):
        pairs = []
        for key, value in messages.items():
            child = f"{path}/{key}" if path else str(key)
            if key == "_schema":
                child = path
            pairs += _flatten(value, child)
        return pairs
    if isinstance(messages, list | tuple):
        pairs = []
        for item in messages:
            pairs += _flatten(item, path) if not isinstance(item, str) else [(path, item)]
        return pairs
    return [(path, str(messages))]


def handle_http_exception(error: HTTPException) -> Response:
    """Flask's and webargs' HTTP errors, including 404, 405 and 422, as problems."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    headers = dict(data.get("headers") or {})
    if status == 405 and error.valid_methods:  # type: ignore[attr-defined]
        headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
    if status == 422 and messages:
        errors = [
            {"location": location, "field": field, "message": message, "code": "invalid"}
            for location, fields in messages.items()
            for field, message in _flatten(fields)
        ]
        return problem_response(
            422,
            code="invalid_request",
            title="Unprocessable Content",
            detail=f"The request has {len(errors)} problem{'s' if len(errors) != 1 else ''}; "
            "see errors.",
            errors=errors,
        )
    detail = {
        404: "Nothing is here: check the path against the API document at /api/v1/openapi.json.",
        405: f"{request.method} is not allowed here.",
        413: "The request body is larger than this server accepts.",
    }.get(status, error.description or http.HTTPStatus(status).description)
    code = http.HTTPStatus(status).name.lower()
    return problem_response(status, code=code, detail=detail, specific=False, headers=headers)


def handle_service_error(error: ServiceError) -> Response:
    errors = field_errors(error.problems) if isinstance(error, InvalidRequestError) else []
    headers = {}
    if error.status == 401:
        # RFC 6750 section 3.1: a credential sent but refused (unknown, revoked or expired)
        # is invalid_token; a request that sent none gets the challenge alone.
        invalid = ', error="invalid_token"' if error.code == "invalid_key" else ""
        headers["WWW-Authenticate"] = f'Bearer realm="coprod"{invalid}'
    return problem_response(
        error.status,
        code=error.code,
        title=error.title,
        detail=error.detail,
        errors=errors,
        extra=error.extra,
        headers=headers,
    )


def handle_write_conflict(error: Exception) -> Response:
    """Two writes raced: a row changed or a unique value was taken between read and write.

    The database refused the second write, so nothing of it was saved. Its own checks are
    then made again against what the first committed, so that the client hears what it
    would have heard a moment later (412 ``stale_etag``, 404, 409 ``external_ref_taken``);
    only if none applies is it a ``write_conflict``: read the record again and retry.
    """
    logger.info("write conflict on %s %s: %s", request.method, request.path, error)
    ws = g.get("workspace")
    explained = explain_lost_race(ws) if isinstance(ws, Workspace) else None
    if explained is not None:
        return handle_service_error(explained)
    return problem_response(
        409,
        code="write_conflict",
        title="Write conflict",
        detail="Another request changed the same data at the same moment, so this one was "
        "not saved. Read the record again and retry.",
    )


DATABASE_RETRY_AFTER_SECONDS = 5

_CONFLICT_STATES = frozenset({"40001", "40P01", "55P03"})
"""PostgreSQL's serialization failure, deadlock and lock-not-available: a race, not an outage."""


def handle_database_unavailable(error: Exception) -> Response:
    """The database could not be reached or dropped the connection: nothing was saved.

    Answered 503 with ``Retry-After``, never a bare 500, because the request is sound and
    a retry in a moment will normally succeed (the connection pool replaces connections
    that died). A transaction PostgreSQL aborted to break a deadlock or a serialization
    clash is a race between writes, answered as one.
    """
    original = getattr(error, "orig", None)
    if getattr(original, "sqlstate", None) in _CONFLICT_STATES:
        return handle_write_conflict(error)
    logger.error(
        "database unavailable on %s %s: %s",
        request.method,
        request.path,
        str(error).splitlines()[0] if str(error) else type(error).__name__,
    )
    return problem_response(
        503,
        code="database_unavailable",
        title="Database unavailable",
        detail="The database could not be reached, so the request could not be completed. "
        "Retry in a moment (a create that carries an external_ref is safe to retry: if the "
        "first attempt was saved after all, the retry names the record it made).",
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )


FILE_STORE_RETRY_AFTER_SECONDS = 5


def handle_file_store_unavailable(error: Exception) -> Response:
    """The file store failed (an object store answering errors, or gone mid-transfer).

    Nothing was saved: the request's rows are rolled back, and what the store received
    is removed, now or by ``coprod files gc``. Answered 503 with ``Retry-After``, as a
    database outage is, because the request is sound and a retry will normally succeed.
    """
    logger.error(
        "file store unavailable on %s %s: %s",
        request.method,
        request.path,
        str(error).splitlines()[0] if str(error) else type(error).__name__,
    )
    return problem_response(
        503,
        code="file_store_unavailable",
        title="File store unavailable",
        detail="The file store could not be reached or failed, so the request could not be "
        "completed and nothing was saved. Retry in a moment.",
        headers={"Retry-After": str(FILE_STORE_RETRY_AFTER_SECONDS)},
    )


DATABASE_UNAVAILABLE = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)
"""The database's errors that mean it is unreachable or gone, not that the request is wrong."""


def handle_unexpected(error: Exception) -> Response:
    """A failure nobody foresaw: logged in full, answered without internals."""
    logger.exception("unhandled error on %s %s", request.method, request.path)
    return problem_response(
        500,
        code="internal_server_error",
        detail="Something went wrong on the server; nothing was saved. It has been logged.",
        specific=False,
    )
