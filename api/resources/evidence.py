"""Evidence: what an initiative gathered, and the recordings, photos and documents it holds.

The shape of a request is checked here; whether the evidence fits the initiative's
toolkit (its type, payload schema, stage, cycle, dimensions, indicators and the plugins'
rules) is asked of the plugin host by the service, and each misfit comes back as a 422
field error with a path such as ``payload/text``.

Files travel as ``multipart/form-data`` (so the API document's viewer offers a file
picker) and come back as downloads: never shown inline, never sniffed by the browser,
with the SHA-256 they are stored under as their ETag and digest.
"""

from __future__ import annotations

import base64
import unicodedata
from typing import Any, BinaryIO
from urllib.parse import quote

import marshmallow as ma
from flask import Response, current_app, request
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.http import dump_options_header

from api import fields
from api.auth import requires
from api.context import services, workspace
from api.idempotency import commit_with_answer
from api.lists import SearchArgs, page_reply, page_schema
from api.problems import PROBLEM_JSON, problem_response
from api.records import (
    IF_NONE_MATCH_PARAMETER,
    REF_PARAMETER,
    UPSERT_CREATED,
    USES_IF_MATCH,
    absolute_url,
    advice_field,
    advised_reply,
    body_without_ref,
    if_match,
    locate_existing,
    put_by_ref,
    record_reply,
    sent_fields,
)
from toolkits_core import Consent, EvidenceKind
from toolkits_core.service import (
    MAX_PEOPLE,
    Evidence,
    EvidenceVisibility,
    PreconditionFailedError,
    Scope,
    Upserted,
    Workspace,
    accepted_media_types,
    advice_on_evidence,
    attach_file,
    create_evidence,
    delete_evidence,
    evidence_with_file,
    expects_file,
    get_evidence,
    list_evidence,
    open_file,
    remove_file,
    update_evidence,
    upsert_evidence,
)

blueprint = Blueprint(
    "evidence",
    __name__,
    url_prefix="/api/v1",
    description="What an initiative gathered: notes, quotes, stories, counts, links, and "
    "recordings, photos, videos and documents with their files.",
)
blueprint.after_request(locate_existing)

CONSENTS = [consent.value for consent in Consent]
PUBLICATION_CONSENT_DESCRIPTION = (
    "given, not_recorded or withdrawn: whether it may be published beyond your organisation "
    "(the network library), asked separately from consent to use. Given only with consent "
    "given; consent leaving given takes it along. Only public evidence with both, from a "
    "participant (if any) who agreed to publication too, ever leaves the organisation."
)
VISIBILITIES = [visibility.value for visibility in EvidenceVisibility]

TYPE_DESCRIPTION = (
    "The key of one of the toolkit's evidence types (GET /toolkits/{key}); its kind "
    "decides the payload's standard schema and whether it takes a file."
)
STAGE_DESCRIPTION = (
    "The stage it was gathered in: one the initiative has reached. By default the stage "
    "of its activity, or without one the initiative's current stage."
)
CYCLE_DESCRIPTION = (
    "The round of the stages it was gathered in (cyclic toolkits); by default its "
    "activity's, or without one the initiative's current cycle."
)
PAYLOAD_DESCRIPTION = (
    "What the evidence says, as an object fitting the type's JSON Schema "
    "(GET /toolkits/{key}/evidence-types/{evidence_type}/schema); stored as given. "
    "On PATCH it replaces the stored payload whole."
)
CONSENT_DESCRIPTION = (
    "Whether the person it came from agreed to its use: given, not_recorded or withdrawn. "
    "Withdrawn evidence is left out of every list and of the toolkits' rules, and its file "
    "is not given out; it can still be read and changed by its id."
)
PARTICIPANT_ID_DESCRIPTION = (
    "The first of participant_ids, or null when it came from nobody in particular: kept "
    "for clients that know one person per piece. Sent alone, it means participant_ids is "
    "[it] (null: []); sent with participant_ids, it must be their first (422 "
    "participants_disagree otherwise)."
)
PARTICIPANT_IDS_DESCRIPTION = (
    "The participants of the same initiative it came from (whose words, voices or pictures "
    "it holds), in the order given, duplicates dropped; at most 100. An id that is not of "
    "this initiative is 422 at participant_ids/<index>. Its consent is the strictest of "
    "theirs: it is published only if every one agreed to publication, and when any one "
    "withdraws consent or is erased, so is it (withdrawn; erased empties it). Not sent: "
    "from participant_id, or none."
)
VISIBILITY_DESCRIPTION = (
    "Who may see it: private (the people running the initiative), organisation, or "
    "public (may be published; needs consent given, and not withdrawn by the linked "
    "participant)."
)

_PROBLEM = {"$ref": "#/components/schemas/Problem"}


def _problem_doc(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": _PROBLEM}}}


def _record_id(description: str) -> ma.fields.String:
    return ma.fields.String(
        allow_none=True,
        validate=ma.validate.Length(min=1, max=40),
        metadata={"description": description},
    )


def _participant_ids(**options: Any) -> ma.fields.List[str]:
    return ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=40)),
        validate=ma.validate.Length(max=MAX_PEOPLE),
        metadata={"description": PARTICIPANT_IDS_DESCRIPTION},
        **options,
    )


def _payload(**options: Any) -> ma.fields.Dict:
    return ma.fields.Dict(
        keys=ma.fields.String(), metadata={"description": PAYLOAD_DESCRIPTION}, **options
    )


class EvidenceFileSchema(ma.Schema):
    """The file uploaded for a piece of evidence."""

    name = ma.fields.String(
        attribute="file_name", metadata={"description": "The uploaded file's own name."}
    )
    content_type = ma.fields.String(
        attribute="file_content_type",
        metadata={"description": "Its media type, checked against its first bytes."},
    )
    size = ma.fields.Integer(attribute="file_size", metadata={"description": "In bytes."})
    sha256 = ma.fields.String(
        attribute="file_sha256",
        metadata={"description": "Hex SHA-256 of the bytes; the download's ETag."},
    )
    uploaded_at = ma.fields.AwareDateTime(attribute="file_uploaded_at")
    url = ma.fields.Function(
        lambda evidence: absolute_url(f"/api/v1/evidence/{evidence.id}/file"),
        metadata={
            "type": "string",
            "format": "uri",
            "description": "Where to download it (GET): a full URL, as every URL the API gives.",
        },
    )


class _FileOf(ma.fields.Nested):
    """The evidence's file fields as one object, or null when it has no file."""

    def get_value(
        self, obj: Any, attr: str, accessor: Any = None, default: Any = ma.missing
    ) -> Any:
        return obj if getattr(obj, "file_sha256", None) else None


class EvidenceSchema(fields.Timestamps):
    id = fields.record_id()
    initiative_id = ma.fields.String(dump_only=True)
    evidence_type = fields.key(TYPE_DESCRIPTION, required=True)
    stage = fields.key(STAGE_DESCRIPTION)
    cycle = fields.cycle(CYCLE_DESCRIPTION)
    activity_id = _record_id("The activity of the same initiative it came from, if any.")
    participant_id = _record_id(PARTICIPANT_ID_DESCRIPTION)
    participant_ids = _participant_ids()
    dimensions = fields.key_list("Keys of the toolkit's dimensions it speaks to.")
    indicators = fields.key_list(
        "Keys of the checklist indicators it speaks to; each one's dimension must be "
        "among the dimensions."
    )
    payload = _payload(required=True)
    consent = ma.fields.String(
        load_default=Consent.NOT_RECORDED.value,
        validate=ma.validate.OneOf(CONSENTS),
        metadata={"description": CONSENT_DESCRIPTION},
    )
    publication_consent = ma.fields.String(
        load_default=Consent.NOT_RECORDED.value,
        validate=ma.validate.OneOf(CONSENTS),
        metadata={"description": PUBLICATION_CONSENT_DESCRIPTION},
    )
    visibility = ma.fields.String(
        load_default=EvidenceVisibility.ORGANISATION.value,
        validate=ma.validate.OneOf(VISIBILITIES),
        metadata={"description": VISIBILITY_DESCRIPTION},
    )
    collected_on = ma.fields.Date(
        allow_none=True, metadata={"description": "The day it was gathered."}
    )
    external_ref = fields.external_ref()
    file = _FileOf(
        EvidenceFileSchema,
        dump_only=True,
        allow_none=True,
        metadata={"description": "The uploaded file, or null (PUT .../file uploads one)."},
    )
    expects_file = ma.fields.Function(
        lambda evidence: expects_file(workspace(), evidence),
        dump_only=True,
        metadata={
            "type": "boolean",
            "description": "Whether its type takes a file (a recording, photo, video or "
            "document): true and file null means the file is still to come.",
        },
    )
    erased_at = ma.fields.AwareDateTime(
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "When this evidence was erased with its participant (its payload "
            "emptied and its file deleted); null unless it was."
        },
    )


class EvidencePatchSchema(ma.Schema):
    evidence_type = fields.key(TYPE_DESCRIPTION)
    stage = fields.key(STAGE_DESCRIPTION)
    cycle = fields.cycle(CYCLE_DESCRIPTION)
    activity_id = _record_id("The activity of the same initiative it came from, or null.")
    participant_id = _record_id(PARTICIPANT_ID_DESCRIPTION)
    participant_ids = _participant_ids()
    dimensions = fields.key_list("Keys of the toolkit's dimensions it speaks to.")
    indicators = fields.key_list("Keys of the checklist indicators it speaks to.")
    payload = _payload()
    consent = ma.fields.String(
        validate=ma.validate.OneOf(CONSENTS), metadata={"description": CONSENT_DESCRIPTION}
    )
    publication_consent = ma.fields.String(
        validate=ma.validate.OneOf(CONSENTS),
        metadata={"description": PUBLICATION_CONSENT_DESCRIPTION},
    )
    visibility = ma.fields.String(
        validate=ma.validate.OneOf(VISIBILITIES),
        metadata={"description": VISIBILITY_DESCRIPTION},
    )
    collected_on = ma.fields.Date(allow_none=True)
    external_ref = fields.external_ref()


class EvidenceListArgs(SearchArgs):
    stage = fields.key("Only evidence gathered in this stage.")
    evidence_type = fields.key("Only evidence of this type.")
    cycle = fields.cycle("Only evidence of this cycle.", strict=False)
    activity_id = ma.fields.String(
        validate=ma.validate.Length(min=1, max=40),
        metadata={"description": "Only evidence from this activity."},
    )
    participant_id = ma.fields.String(
        validate=ma.validate.Length(min=1, max=40),
        metadata={
            "description": "Only evidence from this participant (alone or among its "
            "participant_ids)."
        },
    )
    visibility = ma.fields.String(
        validate=ma.validate.OneOf(VISIBILITIES),
        metadata={"description": "Only evidence with this visibility."},
    )


class FileUploadSchema(ma.Schema):
    file = Upload(
        required=True,
        metadata={"description": "The file, with its own media type as the part's Content-Type."},
    )


DOWNLOAD_HEADERS = {
    "Content-Disposition": {
        "description": "attachment, with the uploaded file's name.",
        "schema": {"type": "string"},
    },
    "ETag": {
        "description": 'The file\'s SHA-256 in hex, quoted: "<sha256>".',
        "schema": {"type": "string"},
    },
    "Repr-Digest": {
        "description": "RFC 9530 digest of the whole file: sha-256=:<base64>:.",
        "schema": {"type": "string"},
    },
}

BINARY = {"type": "string", "format": "binary"}
CONTENT_RANGE_HEADER = {
    "description": "Which bytes these are, of how many: bytes <first>-<last>/<length>.",
    "schema": {"type": "string"},
}
CONDITIONAL_DOWNLOAD_PARAMETERS = [
    {
        "name": name,
        "in": "header",
        "required": False,
        "description": description,
        "schema": {"type": "string"},
    }
    for name, description in (
        ("Range", "Only these bytes, as bytes=<first>-<last> (answered 206)."),
        ("If-Range", "The file's ETag: honour Range only if the file is still that one."),
        ("If-None-Match", "The file's ETag, if you have it: answered 304 with no body."),
    )
]


def _file_content() -> dict[str, Any]:
    """A download's media types: each one an upload may be stored as."""
    stored = sorted({media for kind in EvidenceKind for media in accepted_media_types(kind)})
    return {media: {"schema": BINARY} for media in ["application/octet-stream", *stored]}


class StoredBytes:
    """A stored file as a response body: read in chunks, seekable for ranges, always closed.

    The file closes when it has all been read, when the server closes the response, and at
    the latest when the body is dropped, so no download can leave a file handle open.
    """

    CHUNK = 256 * 1024

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream

    def __iter__(self) -> StoredBytes:
        return self

    def __next__(self) -> bytes:
        chunk = self._stream.read(self.CHUNK)
        if not chunk:
            self.close()
            raise StopIteration
        return chunk

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._stream.seek(offset, whence)

    def tell(self) -> int:
        return self._stream.tell()

    def close(self) -> None:
        self._stream.close()

    def __del__(self) -> None:
        self._stream.close()


def _download_name(evidence: Evidence) -> dict[str, str]:
    """Content-Disposition's filename, with an ASCII fallback beside the UTF-8 name."""
    name = evidence.file_name or "file"
    if name.isascii():
        return {"filename": name}
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return {"filename": fallback or "file", "filename*": f"UTF-8''{quote(name, safe='')}"}


@blueprint.route("/initiatives/<string:initiative_id>/evidence")
@blueprint.arguments(EvidenceListArgs(), location="query")
@blueprint.response(200, page_schema(EvidenceSchema))
@requires(Scope.RECORDS_READ)
def list_all(args: dict[str, Any], initiative_id: str) -> Any:
    """List an initiative's evidence, oldest first."""
    return page_reply(list_evidence(workspace(), initiative_id, **args), EvidenceSchema)


class EvidenceWrittenSchema(EvidenceSchema):
    advice = advice_field(
        "Notes from the toolkit on the evidence as written, only when there is something to "
        "say: its type, when the type of the activity it came from suggests others (code "
        "evidence_type_not_for_activity_type). Advice never refuses a write."
    )


@blueprint.route("/initiatives/<string:initiative_id>/evidence", methods=["POST"])
@blueprint.arguments(EvidenceSchema())
@blueprint.response(201, EvidenceWrittenSchema)
@requires(Scope.RECORDS_WRITE)
def create(body: dict[str, Any], initiative_id: str) -> Any:
    """Record a piece of evidence, by default where its activity was done (else now).

    Refused with 422, one error per field, when it does not fit the toolkit (unknown type,
    dimension or indicator, a payload that breaks the type's schema, a stage the
    initiative has not reached), names an activity or participant that is not in this
    initiative, or is public without consent; with 409 while the initiative is archived.
    Name the people it came from in participant_ids (participant_id alone still works).
    A recording, photo, video or document gets its file by PUT .../file afterwards. From
    an activity whose type's lists are rules, a type the list leaves out is refused
    (evidence_type_not_for_activity_type); where they are suggestions, advice says so.
    """
    ws = workspace()
    evidence = create_evidence(ws, initiative_id, **body, sent=sent_fields(EvidenceSchema))
    advice = advice_on_evidence(ws, evidence)
    return commit_with_answer(ws, advised_reply(evidence, 201, EvidenceSchema, advice))


@blueprint.route(
    "/initiatives/<string:initiative_id>/evidence/by-external-ref/<path:ref>",
    methods=["PUT"],
    parameters=[REF_PARAMETER],
)
@blueprint.arguments(EvidenceSchema())
@blueprint.response(200, EvidenceSchema, description="Replaced, or unchanged (same ETag).")
@blueprint.alt_response(201, schema=EvidenceSchema, description=UPSERT_CREATED)
@blueprint.doc(parameters=[IF_NONE_MATCH_PARAMETER])
@requires(Scope.RECORDS_WRITE)
def upsert(body: dict[str, Any], initiative_id: str, ref: str) -> Any:
    """Create or replace the initiative's piece of evidence your system knows as ref.

    The body is the whole piece of evidence, as for POST, without external_ref (the path
    gives it; a different one is 422). None in the initiative has ref: it is recorded
    (201, with Location). One has: it is replaced (200) and the whole result must fit the
    toolkit and the consent rules; fields not sent go back to their defaults (consent to
    not_recorded, visibility to organisation, no activity or participants), except stage
    and cycle, which keep where it was gathered. Its file, uploaded separately, stays.
    Evidence with nothing to change keeps its version and ETag. If-Match makes it a
    change of that version only (412 when stale, or when none has ref); If-None-Match: *
    makes it a create only (412 record_exists when one has).
    """
    return put_by_ref(write_by_ref, initiative_id, ref, body, EvidenceSchema)


def write_by_ref(
    ws: Workspace,
    initiative_id: str,
    ref: str,
    body: dict[str, Any],
    if_match: str | None,
    if_none_match: str | None,
) -> Upserted[Evidence]:
    """Create or replace the evidence ``ref`` from a loaded body (the PUT, and bulk)."""
    fields = body_without_ref(body, ref)
    return upsert_evidence(
        ws,
        initiative_id,
        ref,
        **fields,
        if_match=if_match,
        if_none_match=if_none_match,
    )


@blueprint.route("/evidence/<string:evidence_id>")
@blueprint.response(200, EvidenceSchema)
@requires(Scope.RECORDS_READ)
def show(evidence_id: str) -> Any:
    """Show a piece of evidence, with its file's details if it has one."""
    return record_reply(get_evidence(workspace(), evidence_id), schema=EvidenceSchema)


@blueprint.route("/evidence/<string:evidence_id>", methods=["PATCH"])
@blueprint.arguments(EvidencePatchSchema, required=False)  # no body: nothing to change
@blueprint.response(200, EvidenceSchema)
@requires(Scope.RECORDS_WRITE)
def update(changes: dict[str, Any], evidence_id: str) -> Any:
    """Change a piece of evidence; the whole resulting record must still fit the toolkit.

    A payload, when sent, replaces the stored one whole, as participant_ids, when sent,
    replaces the list (participant_id alone makes it that one person).
    """
    ws = workspace()
    evidence = update_evidence(ws, evidence_id, changes, if_match=if_match())
    ws.commit()
    return record_reply(evidence)


@blueprint.route("/evidence/<string:evidence_id>", methods=["DELETE"])
@blueprint.response(204)
@requires(Scope.RECORDS_WRITE)
def delete(evidence_id: str) -> None:
    """Delete a piece of evidence and its file.

    This cannot be undone.
    """
    ws = workspace()
    delete_evidence(ws, evidence_id, if_match=if_match())
    ws.commit()


@blueprint.route("/evidence/<string:evidence_id>/file", methods=["PUT"])
@blueprint.arguments(FileUploadSchema, location="files")
@blueprint.response(200, EvidenceSchema)
@blueprint.doc(
    responses={
        "413": _problem_doc(
            "The file is larger than the server takes (code file_too_large; max_bytes says "
            "the limit), or the form around it is: more parts than an upload needs (code "
            "too_many_parts; max_parts) or a text part too large (code part_too_large)."
        ),
        "415": _problem_doc(
            "The file's media type is not one this kind of evidence takes, or its bytes are "
            "not of the type declared, or the body is not multipart/form-data (code "
            "unsupported_media_type; accepted lists the types)."
        ),
    }
)
@requires(Scope.RECORDS_WRITE)
def upload(files: dict[str, Any], evidence_id: str) -> Any:
    """Upload the file of a recording, photo, video or document, replacing any it had.

    Send multipart/form-data with the file in the part named file, its Content-Type the
    file's media type. The type must be one the evidence's kind takes and the file's first
    bytes must be of that type (415 otherwise); past the size limit it is refused with 413.
    Evidence whose type takes no file answers 409 (code file_not_expected). Nothing is
    stored when the upload is refused. Answers the evidence with its new ETag.

    Other requests are not held up while the bytes arrive: they are checked before and
    recorded after. If meanwhile another request changes the evidence (409
    write_conflict, or 412 with If-Match) or closes its initiative (409), the upload is
    refused and nothing is stored.
    """
    sent: FileStorage = files["file"]
    ws = workspace()
    evidence = attach_file(
        ws,
        evidence_id,
        stream=sent.stream,
        file_name=sent.filename,
        content_type=sent.content_type,
        max_bytes=services().max_upload_bytes,
        if_match=if_match(),
    )
    ws.commit()
    return record_reply(evidence)


@blueprint.route("/evidence/<string:evidence_id>/file")
@blueprint.response(
    200,
    BINARY,
    content_type="application/octet-stream",
    description="The file's bytes, as a download, with the media type it was uploaded as.",
    headers=DOWNLOAD_HEADERS,
)
@blueprint.doc(
    parameters=CONDITIONAL_DOWNLOAD_PARAMETERS,
    responses={
        200: {"content": _file_content()},  # an int, as flask-smorest keys the response
        "206": {
            "description": "The part of the file the Range asked for.",
            "headers": {**DOWNLOAD_HEADERS, "Content-Range": CONTENT_RANGE_HEADER},
            "content": _file_content(),
        },
        "304": {
            "description": "If-None-Match named the file's ETag: you have it already.",
            "headers": {"ETag": DOWNLOAD_HEADERS["ETag"]},
        },
        "307": {
            "description": "Where the server keeps files in object storage and signs "
            "downloads (COPROD_FILES_PRESIGN=1): the file is at Location, a URL valid for "
            "a short while that answers with the same Content-Type and attachment "
            "Content-Disposition. Follow it with the same Range, if any.",
            "headers": {
                "Location": {
                    "description": "The signed URL of the file.",
                    "schema": {"type": "string"},
                },
                "ETag": DOWNLOAD_HEADERS["ETag"],
            },
        },
        "416": _problem_doc("The Range asks for bytes the file does not have."),
    },
    **USES_IF_MATCH,
)
@requires(Scope.RECORDS_READ)
def download(evidence_id: str) -> Response:
    """Download the evidence's file, byte for byte as uploaded.

    The ETag is the file's SHA-256, and Repr-Digest carries it too, so a client can check
    what it received. Range, If-Range, If-None-Match and If-Match requests are honoured;
    an If-Match that is not the file's ETag is answered 412 stale_etag, with no bytes.
    404 with code no_file when none has been uploaded.
    """
    seconds = services().presign_seconds
    if seconds is not None:
        return _redirect_to_store(evidence_with_file(workspace(), evidence_id), seconds)
    found = open_file(workspace(), evidence_id)
    evidence: Evidence = found.evidence
    assert evidence.file_sha256 is not None
    assert evidence.file_size is not None
    response = current_app.response_class(
        StoredBytes(found.stream),
        mimetype=evidence.file_content_type or "application/octet-stream",
        direct_passthrough=True,
    )
    response.headers.set("Content-Disposition", "attachment", **_download_name(evidence))
    response.content_length = evidence.file_size
    response.set_etag(evidence.file_sha256)
    digest = base64.b64encode(bytes.fromhex(evidence.file_sha256)).decode("ascii")
    response.headers["Repr-Digest"] = f"sha-256=:{digest}:"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.cache_control.private = True
    response.make_conditional(request, accept_ranges=True, complete_length=evidence.file_size)
    if response.status_code == 412:  # werkzeug keeps the file as the body of its 412
        response.close()
        raise PreconditionFailedError(str(response.headers["ETag"]))
    return response


def _redirect_to_store(evidence: Evidence, seconds: int) -> Response:
    """A download answered with the store's signed URL, conditions checked here first.

    The store answers the URL with the Content-Type the bytes were checked to be and an
    attachment Content-Disposition (both signed into the URL), so a browser saves the
    file rather than showing it, as it does when the API streams it.
    """
    assert evidence.file_sha256 is not None
    response = current_app.response_class(status=307)
    response.set_etag(evidence.file_sha256)
    response.cache_control.private = True
    response.cache_control.no_store = True  # the URL expires: never reuse the redirect
    response.headers["X-Content-Type-Options"] = "nosniff"
    if request.if_match and not request.if_match.contains(evidence.file_sha256):
        raise PreconditionFailedError(str(response.headers["ETag"]))
    if request.if_none_match.contains_weak(evidence.file_sha256):
        response.status_code = 304
        return response
    ws = workspace()
    assert evidence.stored_file_name is not None
    response.headers["Location"] = (
        ws.files.download_url(
            ws.organisation_id,
            evidence.id,
            evidence.stored_file_name,
            media_type=evidence.file_content_type or "application/octet-stream",
            disposition=dump_options_header("attachment", _download_name(evidence)),
            seconds=seconds,
        )
        or ""
    )
    return response


@blueprint.route("/evidence/<string:evidence_id>/file", methods=["DELETE"])
@blueprint.response(200, EvidenceSchema)
@requires(Scope.RECORDS_WRITE)
def delete_file(evidence_id: str) -> Any:
    """Remove the evidence's file.

    Answers the evidence, with file null and its new ETag; 404 with code no_file when it
    has none.
    """
    ws = workspace()
    evidence = remove_file(ws, evidence_id, if_match=if_match())
    ws.commit()
    return record_reply(evidence)


@blueprint.errorhandler(RequestEntityTooLarge)
def request_too_large(_error: RequestEntityTooLarge) -> Response:
    """A request body past the server's limit, said as the upload limit it nearly always is."""
    limit = services().max_upload_bytes
    return problem_response(
        413,
        code="file_too_large",
        title="Content too large",
        detail=f"The request is larger than this server takes: files up to {limit} bytes. "
        "Nothing was stored.",
        extra={"max_bytes": limit},
    )
