"""Bulk upserts: many records by your own ids in one request, one NDJSON line each.

A CRM's initial load, or a nightly reconciliation, sends thousands of records; one PUT
each costs a round trip and a key lookup each. Here every line is what a PUT by external
reference would take, checked and written by the same code, and answered by a line of its
own. Each line is its own transaction (one bad line does not stop the rest), or, with
``atomic=true``, all lines are one: the first refusal rolls every line back.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from typing import Any

import marshmallow as ma
from flask import Response, current_app, request
from flask_smorest import Blueprint
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import RequestEntityTooLarge

from api.auth import requires
from api.context import workspace
from api.hygiene import JsonTooLargeError, UnsupportedMediaTypeError, takes_body_up_to
from api.problems import handle_service_error, handle_write_conflict
from api.ratelimit import charge_caller
from api.resources.activities import ActivitySchema
from api.resources.activities import write_by_ref as write_activity
from api.resources.evidence import EvidenceSchema
from api.resources.evidence import write_by_ref as write_evidence
from api.resources.initiatives import InitiativeSchema
from api.resources.initiatives import write_by_ref as write_initiative
from api.resources.participants import ParticipantSchema
from api.resources.participants import write_by_ref as write_participant
from api.spec import problem_doc
from toolkits_core.service import (
    FieldProblem,
    Initiative,
    InvalidRequestError,
    NotFoundError,
    Scope,
    ServiceError,
    Upserted,
    Workspace,
    etag_of,
)

blueprint = Blueprint(
    "bulk",
    __name__,
    url_prefix="/api/v1",
    description="Bulk upserts by your own ids: NDJSON in, one NDJSON answer a line out.",
)

NDJSON = "application/x-ndjson"
ACCEPTED = frozenset({NDJSON, "application/jsonl"})
MAX_LINES = 10_000
MAX_BULK_BYTES = 32 * 1024 * 1024
"""The largest bulk body: 10,000 lines of about 3 KiB each."""

Writer = Callable[[Workspace, Any, str, dict[str, Any], str | None, str | None], Upserted[Any]]
"""``write_by_ref`` of a resource: (workspace, its initiative's id or None, ref, body,
If-Match, If-None-Match)."""
KINDS: dict[str, tuple[type[ma.Schema], Writer]] = {
    "initiative": (InitiativeSchema, write_initiative),
    "participant": (ParticipantSchema, write_participant),
    "activity": (ActivitySchema, write_activity),
    "evidence": (EvidenceSchema, write_evidence),
}
_SCHEMAS: dict[str, ma.Schema] = {}


class BulkLineSchema(ma.Schema):
    """One line of a bulk request (documentation; each line is read by ``_envelope``)."""

    record_type = ma.fields.String(required=True, validate=ma.validate.OneOf(list(KINDS)))
    external_ref = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    initiative_id = ma.fields.String(validate=ma.validate.Length(min=1, max=40))
    initiative_ref = ma.fields.String(validate=ma.validate.Length(min=1, max=200))
    if_match = ma.fields.String(validate=ma.validate.Length(min=1, max=200))
    if_none_match = ma.fields.String(validate=ma.validate.OneOf(["*"]))
    record = ma.fields.Dict(required=True)


class BulkArgs(ma.Schema):
    atomic = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "true: every line in one transaction, all or nothing."},
    )


class _LineRefusedError(Exception):
    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        self.status = status
        self.problem = problem


def _refusal(error: ServiceError) -> _LineRefusedError:
    return _LineRefusedError(error.status, dict(handle_service_error(error).get_json()))


def _invalid(problems: list[FieldProblem]) -> _LineRefusedError:
    return _refusal(InvalidRequestError(problems))


def _validation_problems(messages: Any, prefix: str) -> list[FieldProblem]:
    found: list[FieldProblem] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            found += _validation_problems(value, f"{prefix}/{key}" if prefix else str(key))
    elif isinstance(messages, list) and all(isinstance(item, str) for item in messages):
        found += [FieldProblem(prefix, message) for message in messages]
    elif isinstance(messages, list):
        for item in messages:
            found += _validation_problems(item, prefix)
    else:
        found.append(FieldProblem(prefix, str(messages)))
    return found


def _envelope(raw: bytes) -> dict[str, Any]:
    try:
        line = json.loads(raw)
    except ValueError:
        raise _LineRefusedError(
            400,
            {"status": 400, "code": "malformed_json", "detail": "This line is not JSON."},
        ) from None
    if not isinstance(line, dict):
        raise _invalid([FieldProblem("", "Each line is a JSON object.")])
    try:
        loaded: dict[str, Any] = BulkLineSchema().load(line)
    except ma.ValidationError as error:
        raise _invalid(_validation_problems(error.messages, "")) from None
    scoped = "initiative_id" in loaded or "initiative_ref" in loaded
    if loaded["record_type"] == "initiative" and scoped:
        raise _invalid([FieldProblem("initiative_id", "An initiative is not in an initiative.")])
    if loaded["record_type"] != "initiative" and (
        ("initiative_id" in loaded) == ("initiative_ref" in loaded)
    ):
        raise _invalid(
            [FieldProblem("initiative_id", "Give initiative_id or initiative_ref (not both).")]
        )
    return loaded


def _initiative_of(ws: Workspace, line: dict[str, Any]) -> str | None:
    if line["record_type"] == "initiative":
        return None
    if "initiative_id" in line:
        return str(ws.get(Initiative, line["initiative_id"]).id)
    found = ws.session.scalars(
        ws.select(Initiative).where(Initiative.external_ref == line["initiative_ref"])
    ).first()
    if found is None:
        raise NotFoundError("initiative with external_ref", line["initiative_ref"])
    return str(found.id)


def _apply(ws: Workspace, raw: bytes) -> tuple[int, dict[str, Any]]:
    """Check and write one line (uncommitted); its answer, or ``_LineRefusedError``."""
    line = _envelope(raw)
    schema_class, write = KINDS[line["record_type"]]
    schema = _SCHEMAS.setdefault(line["record_type"], schema_class())
    try:
        body = schema.load(line["record"])
    except ma.ValidationError as error:
        raise _invalid(_validation_problems(error.messages, "record")) from None
    try:
        done = write(
            ws,
            _initiative_of(ws, line),
            line["external_ref"],
            body,
            line.get("if_match"),
            line.get("if_none_match"),
        )
    except InvalidRequestError as error:  # its fields are the record's: say so
        raise _invalid(
            [dataclasses.replace(p, field=f"record/{p.field}".rstrip("/")) for p in error.problems]
        ) from None
    except ServiceError as error:
        raise _refusal(error) from None
    record = done.record
    return 201 if done.created else 200, {
        "record_type": line["record_type"],
        "external_ref": line["external_ref"],
        "id": record.id,
        "version": record.version,
        "etag": etag_of(record),
    }


def _body() -> bytes:
    too_large = JsonTooLargeError(
        "body_too_large",
        f"A bulk body may be at most {MAX_BULK_BYTES} bytes: split it into several "
        "requests. Nothing was stored.",
        max_bytes=MAX_BULK_BYTES,
    )
    if (request.content_length or 0) > MAX_BULK_BYTES:
        raise too_large
    try:
        body = request.get_data()
    except RequestEntityTooLarge:
        raise too_large from None
    if len(body) > MAX_BULK_BYTES:
        raise too_large
    return body


def _lines(body: bytes) -> list[bytes]:
    lines = [line for line in body.split(b"\n") if line.strip()]
    if not lines or len(lines) > MAX_LINES:
        raise InvalidRequestError(
            [
                FieldProblem(
                    "",
                    f"Send 1 to {MAX_LINES} lines, one JSON object each (this had {len(lines)}).",
                    "bulk_line_count",
                    location="body",
                )
            ]
        )
    return lines


def _answer(results: Iterable[dict[str, Any]]) -> Response:
    body = b"".join(
        json.dumps(result, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"
        for result in results
    )
    return current_app.response_class(body, mimetype=NDJSON)


def _conflict(ws: Workspace, error: Exception) -> _LineRefusedError:
    answer = handle_write_conflict(error)  # checks the lost race again, before the rollback
    ws.abandon()
    return _LineRefusedError(answer.status_code, dict(answer.get_json()))


@blueprint.route("/bulk", methods=["POST"])
@blueprint.arguments(BulkArgs, location="query")
@blueprint.doc(
    requestBody={
        "required": True,
        "description": "One JSON object a line (BulkLine): what a PUT by external_ref takes, "
        "as record, with record_type, external_ref and, but for initiatives, initiative_id "
        f"or initiative_ref; at most {MAX_LINES} lines and {MAX_BULK_BYTES} bytes.",
        "content": {NDJSON: {"schema": {"type": "string"}}},
    },
    responses={
        200: {
            "description": "One JSON object a line, in the order sent: line (from 1), "
            "status (201 made, 200 replaced or unchanged, else the status a PUT would have "
            "answered), and either the record's id, version and etag, or its problem.",
            "content": {NDJSON: {"schema": {"type": "string"}}},
        },
        "413": problem_doc(
            f"The body is over {MAX_BULK_BYTES} bytes (code body_too_large), or it has more "
            "lines than the rate limit allows in a whole window (code larger_than_quota)."
        ),
        "415": problem_doc(
            f"The body is not sent as {NDJSON} (code unsupported_media_type; accepted lists "
            "the types taken)."
        ),
    },
)
@takes_body_up_to(MAX_BULK_BYTES)
@requires(Scope.RECORDS_WRITE)
def upsert_many(args: dict[str, Any]) -> Response:
    """Create or replace many records by your own ids, one NDJSON line each.

    Each line is checked and written as `PUT .../by-external-ref/{ref}` would do it, and
    answered by a line: `{"line": 1, "status": 201, "id": ..., "etag": ...}` or
    `{"line": 2, "status": 422, "problem": {...}}`. Lines are written in order, each in its
    own transaction; with `atomic=true` in one, and the first refused line rolls back every
    line (the others then answer 409 `bulk_rolled_back` or `bulk_not_attempted`). Every
    line counts against the key's rate limit, counted before any is written.
    """
    if request.mimetype not in ACCEPTED:
        raise UnsupportedMediaTypeError(
            "unsupported_media_type",
            f"Send the lines as {NDJSON}: one JSON object a line.",
            accepted=sorted(ACCEPTED),
            declared=request.mimetype or None,
        )
    lines = _lines(_body())
    refused = charge_caller(len(lines) - 1)
    if refused is not None:
        return refused
    ws = workspace()
    results: list[dict[str, Any]] = []
    for number, raw in enumerate(lines, start=1):
        try:
            try:
                status, done = _apply(ws, raw)
                if not args["atomic"]:
                    ws.commit()
            except (IntegrityError, StaleDataError) as error:
                raise _conflict(ws, error) from None
        except _LineRefusedError as refusal:
            ws.abandon()
            if args["atomic"]:
                return _answer(_rolled_back(number, refusal, len(lines)))
            results.append({"line": number, "status": refusal.status, "problem": refusal.problem})
            continue
        results.append({"line": number, "status": status, **done})
    if args["atomic"]:
        try:
            ws.commit()
        except (IntegrityError, StaleDataError) as error:
            lost = _conflict(ws, error)
            return _answer(_rolled_back(len(lines), lost, len(lines)))
    return _answer(results)


def _rolled_back(failed: int, refusal: _LineRefusedError, total: int) -> list[dict[str, Any]]:
    """The answer of an atomic request one of whose lines was refused: nothing written."""
    answer = []
    for number in range(1, total + 1):
        if number == failed:
            answer.append({"line": number, "status": refusal.status, "problem": refusal.problem})
            continue
        code = "bulk_rolled_back" if number < failed else "bulk_not_attempted"
        answer.append(
            {
                "line": number,
                "status": 409,
                "problem": {
                    "status": 409,
                    "code": code,
                    "detail": f"Line {failed} was refused, so no line of this atomic request "
                    "was written.",
                },
            }
        )
    return answer
