"""Single records: their ETag, the conditions a request may put on it, and writes by your id."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from typing import Any

import marshmallow as ma
from flask import Response, current_app, has_request_context, request

from api.context import workspace
from api.problems import PROBLEM_JSON
from api.serialise import compiled
from api.settings import ConfigurationError, setting, source
from api.spec import ONLY_WHEN_ANY
from toolkits_core import Advice
from toolkits_core.service import FieldProblem, InvalidRequestError, Upserted, etag_of

USES_IF_MATCH = {"x-uses-if-match": True}
"""For ``blueprint.doc(**USES_IF_MATCH)`` on a POST that changes the record in its path."""
NO_IF_MATCH = {"x-uses-if-match": False}
"""For a PATCH, PUT or DELETE with nothing to be stale about (such as revoking a key)."""

REF_LENGTH = 200
"""As long as an ``external_ref`` field may be."""

PUBLIC_URL_VARIABLE = "COPROD_PUBLIC_URL"
_PUBLIC_URL = re.compile(r"https?://[^\s/?#]+(/[^\s?#]*)?")


def absolute_url(path: str) -> str:
    """The full URL of ``path`` (from the server root), as every body and header gives it.

    In a request it is on the host the request came to, as ``Location`` and ``Link`` are;
    outside one (the webhook worker rendering a payload) it is on ``PUBLIC_URL`` (else
    ``COPROD_PUBLIC_URL``), the server's public address. Without that setting there is no
    address to give, and the path is left as it is.
    """
    if has_request_context():
        return f"{request.host_url.rstrip('/')}{path}"
    base = str(setting(current_app.config, "PUBLIC_URL", PUBLIC_URL_VARIABLE, "") or "")
    if not base:
        return path
    if not _PUBLIC_URL.fullmatch(base):
        raise ConfigurationError(
            f"{source(current_app.config, 'PUBLIC_URL', PUBLIC_URL_VARIABLE)} is {base!r}: "
            "give the server's public address, such as https://coprod.council.example."
        )
    return f"{base.rstrip('/')}{path}"


def if_match() -> str | None:
    """The request's ``If-Match`` header, if it sent one."""
    return request.headers.get("If-Match") or None


def if_none_match() -> str | None:
    """The request's ``If-None-Match`` header, if it sent one."""
    return request.headers.get("If-None-Match") or None


def record_reply(
    record: Any, status: int = 200, schema: type[ma.Schema] | None = None
) -> tuple[Any, int, dict[str, str]]:
    """A record with its ``ETag`` (and ``Location`` when it was just created).

    Given its ``schema``, the record is dumped here by ``api.serialise`` (exactly what
    the schema dumps, built faster) and encoded as ``jsonify`` would; without it, the
    view's ``@blueprint.response`` dumps it. A read whose ``If-None-Match`` names the
    record's current version (or is ``*``) is answered 304 with its ETag and no body: the
    client has it already. (A caller that builds its own body around this answer keeps
    the 304, whose body is never sent.)
    """
    headers = {"ETag": etag_of(record)}
    if status == 200 and request.method in {"GET", "HEAD"} and _not_modified(headers["ETag"]):
        return current_app.response_class(status=304), 304, headers
    if status == 201:
        headers["Location"] = absolute_url(_path_of(record))
    if schema is None:
        return record, status, headers
    return current_app.json.response(compiled(schema)(record)), status, headers


def advice_field(description: str) -> ma.fields.List[Any]:
    """The ``advice`` of a write's answer: the toolkit's notes on the record as written."""
    from api.resources.initiatives import AdviceSchema  # the schema progress publishes

    return ma.fields.List(
        ma.fields.Nested(AdviceSchema),
        dump_only=True,
        metadata={"description": description, ONLY_WHEN_ANY: True},
    )


def advised_reply(
    record: Any, status: int, schema: type[ma.Schema], advice: Sequence[Advice]
) -> tuple[Any, int, dict[str, str]]:
    """A written record's answer (``record_reply``), with the toolkit's ``advice`` on it
    when it has some. Left out when there is none, so that the answer is the record as
    a read shows it."""
    _record, status, headers = record_reply(record, status)
    body = compiled(schema)(record)
    if advice:
        body["advice"] = [
            {"code": item.code, "message": item.message, "plugin": item.plugin} for item in advice
        ]
    return current_app.json.response(body), status, headers


def _not_modified(etag: str) -> bool:
    """Whether ``If-None-Match`` matches ``etag``, compared weakly as RFC 9110 says for it.

    ``api.hygiene`` has refused a malformed one before the view ran.
    """
    if not request.headers.get("If-None-Match"):
        return False
    return request.if_none_match.contains_weak(etag.strip('"'))


_COLLECTIONS = {
    "Initiative": "initiatives",
    "Participant": "participants",
    "Activity": "activities",
    "Evidence": "evidence",
    "Assessment": "assessments",
    "CaseStudy": "case-studies",
    "ApiKey": "keys",
}
_PREFIXES = {
    "ini": "initiatives",
    "par": "participants",
    "act": "activities",
    "evd": "evidence",
    "asm": "assessments",
}


def _path_of(record: Any) -> str:
    return f"/api/v1/{_COLLECTIONS[type(record).__name__]}/{record.id}"


# Writes by your own id -----------------------------------------------------------------

REF_PARAMETER = {
    "in": "path",
    "name": "ref",
    "description": "Your own system's id for the record (its external_ref), percent-encoded.",
    "schema": {"type": "string", "minLength": 1, "maxLength": REF_LENGTH},
}
IF_NONE_MATCH_PARAMETER = {
    "in": "header",
    "name": "If-None-Match",
    "required": False,
    "description": "* to create only: answered 412 (code record_exists) if a record has "
    "this external_ref already.",
    "schema": {"type": "string"},
}
UPSERT_CREATED = "Made: no record had this external_ref (its URL is in Location)."


def checked_ref(ref: str) -> str:
    """The external reference in a path, if it is one an ``external_ref`` field could hold.

    422 on the path's ``ref`` otherwise: 1 to 200 characters, not only blanks (a NUL or
    a byte that is not UTF-8 is refused before, by ``api.hygiene``).
    """
    if not 1 <= len(ref) <= REF_LENGTH or not ref.strip():
        raise InvalidRequestError(
            [
                FieldProblem(
                    "ref",
                    f"Give your id for the record: 1 to {REF_LENGTH} characters, not only "
                    "blanks, percent-encoded.",
                    "invalid",
                    location="path",
                )
            ]
        )
    return ref


def body_without_ref(body: dict[str, Any], ref: str) -> dict[str, Any]:
    """The body of a write by external reference, without the ``external_ref`` the path
    gives; 422 if the body sends another one."""
    fields = dict(body)
    if "external_ref" in fields and fields.pop("external_ref") != ref:
        raise InvalidRequestError(
            [
                FieldProblem(
                    "external_ref",
                    "The path gives the record's external_ref; leave it out of the body, "
                    "or send the same one.",
                    "external_ref_mismatch",
                )
            ]
        )
    return fields


def upsert_reply(done: Upserted[Any], schema: type[ma.Schema]) -> Any:
    """201 with ``Location`` for a record just made, 200 for one replaced (or kept)."""
    return record_reply(done.record, 201 if done.created else 200, schema)


def put_by_ref(
    write: Callable[..., Upserted[Any]],
    initiative_id: str | None,
    ref: str,
    body: dict[str, Any],
    schema: type[ma.Schema],
) -> Any:
    """A PUT by external reference: ``write`` (a resource's ``write_by_ref``) with the
    request's conditions, committed, and answered 201 or 200."""
    ws = workspace()
    done = write(ws, initiative_id, checked_ref(ref), body, if_match(), if_none_match())
    ws.commit()
    return upsert_reply(done, schema)


def sent_fields(schema: type[ma.Schema]) -> frozenset[str]:
    """The attribute names of the body fields this request sent (not those filled in
    by default), for a taken ``external_ref`` to be compared on."""
    raw = request.get_json(silent=True)
    if not isinstance(raw, dict):
        return frozenset()
    return frozenset(attribute for key, attribute in _body_fields(schema) if key in raw)


@functools.cache
def _body_fields(schema: type[ma.Schema]) -> tuple[tuple[str, str], ...]:
    """Each body field's key and attribute: found once, as making a schema copies every
    field (a sixteenth of a create's time when it was done per request)."""
    return tuple(
        (field.data_key or name, field.attribute or name)
        for name, field in schema().load_fields.items()
    )


def locate_existing(response: Response) -> Response:
    """A problem that names an existing record (409 ``external_ref_taken``, 412
    ``record_exists``) gives its URL in ``Location`` too, ready to follow.

    For ``blueprint.after_request``: it runs on the problems of races too, which are
    answered by the app's error handlers.
    """
    if response.status_code not in {409, 412} or response.mimetype != PROBLEM_JSON:
        return response
    body = response.get_json(silent=True)
    existing = body.get("existing_id") if isinstance(body, dict) else None
    collection = _PREFIXES.get(existing.split("_", 1)[0]) if isinstance(existing, str) else None
    if collection is not None:
        response.headers["Location"] = absolute_url(f"/api/v1/{collection}/{existing}")
    return response
