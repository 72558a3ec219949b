"""``Idempotency-Key``: a POST, PUT or PATCH retried with the same key gets its first answer
again instead of being done twice (Stripe's keys; draft-ietf-httpapi-idempotency-key-header).

Three hooks, after the key, the scope and the body have been checked:

- ``claim_idempotency_key`` (before the view) validates the header, hashes the request
  (method, path, query, ``If-Match``, body) and claims the key in the request's own
  transaction, as its first write (``toolkits_core._services.idempotency``), so the claim
  commits or rolls back with the write itself. A retry of an answered request gets the
  answer again, with ``Idempotent-Replayed: true``, and the view does not run. An upload
  only looks its key up there, and claims it once its file is stored, as the first write
  of the transaction that records it (``run_when_writes_begin``): the file goes to the
  store first, which can take minutes, and a claim made before would hold a transaction
  open all that time (on SQLite, the whole database's write lock). Two sends of the same
  upload may then both store their bytes; the first to claim the key records its file,
  and the other hears its answer and keeps nothing.
- ``keep_answer_for_retries`` (after the view) saves the answer on a committed claim, in a
  short transaction of its own. A request that did not commit lost its claim with its
  rollback; its answer is kept afresh only when it is final (a success, or a refusal that
  a retry would hear again), never a 5xx or a race that a retry may win.
- ``close_hashed_body`` (teardown) closes the copy of an upload's body made to hash it.

Answers marked ``Cache-Control: no-store`` by their view (a new API key's secret) keep their
status and headers but never their body, so no secret is stored: a retry hears that the
request was done and its answer cannot be given again. ``docs/api.md`` ("Safe retries with
Idempotency-Key") says what an integrator sees.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import logging
import re
import tempfile
from collections.abc import Mapping
from typing import IO, Any

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, request
from sqlalchemy.orm import Session
from werkzeug.exceptions import ClientDisconnected

from api.context import give_back_reading_connection, reading_connection, request_session
from api.declared import current_view, declares
from api.problems import PROBLEM_JSON, problem_response
from api.settings import ConfigurationError, setting, source
from toolkits_core.service import (
    DEFAULT_LIFETIME,
    LIFETIME_VARIABLE,
    FieldProblem,
    IdempotencyKeyReusedError,
    IdempotentCall,
    InvalidRequestError,
    KeyClaim,
    KeyState,
    ServiceError,
    StoredAnswer,
    Workspace,
    answered_with_write,
    claim_key,
    keep_answer,
    look_up_claim,
    mark_committing,
    run_when_writes_begin,
    save_answer,
    save_answer_with_write,
)

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
METHODS = frozenset({"POST", "PUT", "PATCH"})
"""The methods that honour a key. GET and HEAD change nothing, and a DELETE done twice
leaves what it left once, so they ignore it."""
KEPT_HEADERS = ("Content-Type", "Location", "ETag", "Link")
"""The headers an answer is replayed with (the edge adds CORS, security and rate-limit
headers to every answer, replays included)."""
MAX_LENGTH = 255
_KEY = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?")
KEY_PATTERN = "^[!-~]([ -~]*[!-~])?$"
"""The same as ``_KEY``, for the API document."""
RETRY_AFTER_SECONDS = 1
"""What a retry of a request still being answered is told to wait."""
TRANSIENT_STATUSES = frozenset({401, 403, 408, 423, 425, 429})
TRANSIENT_CODES = frozenset({"write_conflict"})
"""Refusals a retry of the same request may not hear again: they are not kept."""
SETTING = "IDEMPOTENCY_HOURS"
EXTENSION = "coprod.idempotency"
SPOOL_IN_MEMORY = 1024 * 1024
"""How much of an upload's body is held in memory while it is hashed; the rest is spooled
to a temporary file."""
_CHUNK = 64 * 1024
_HELD = "coprod_idempotency"
_SPOOLED = "coprod_idempotency_body"

logger = logging.getLogger("api.idempotency")


def read_lifetime(config: Mapping[str, Any]) -> dt.timedelta:
    """How long answers are kept: ``IDEMPOTENCY_HOURS`` in the app's settings, else
    ``COPROD_IDEMPOTENCY_HOURS``, else 24 hours."""
    value = setting(config, SETTING, LIFETIME_VARIABLE, "")
    if str(value).strip() == "":
        return DEFAULT_LIFETIME
    try:
        hours = int(str(value).strip())
    except ValueError:
        hours = 0
    if not 1 <= hours <= 24 * 30:
        raise ConfigurationError(
            f"{source(config, SETTING, LIFETIME_VARIABLE)} is {value!r}: give how many hours "
            "an answer to a request sent with an Idempotency-Key is kept for its retries, a "
            f"whole number from 1 to 720 (default {DEFAULT_LIFETIME // dt.timedelta(hours=1)})."
        )
    return dt.timedelta(hours=hours)


def install(app: Flask, lifetime: dt.timedelta) -> None:
    app.extensions[EXTENSION] = lifetime
    app.register_error_handler(KeyTakenMeanwhileError, key_taken_meanwhile)
    _follow_claims()


def _lifetime() -> dt.timedelta:
    found: dt.timedelta = current_app.extensions.get(EXTENSION, DEFAULT_LIFETIME)
    return found


@dataclasses.dataclass
class _Held:
    """A key this request claimed, and whether its claim has committed or gone."""

    call: IdempotentCall
    claimed_at: dt.datetime
    pending: bool = True
    """The claim is in the open transaction."""
    committed: bool = False
    deferred: dt.timedelta | None = None
    """An upload's key, still to be claimed as its writes begin, for this long; None once
    it is claimed (and for a key claimed before the view). A request that gives up its
    claim takes the key out of its session's info (``_FOLLOWED``)."""
    upload: bool = False
    """Claimed with the write, after the view began (an upload): if it fails, another send
    of it may have the key, and then its answer is this one's."""


class KeyTakenMeanwhileError(Exception):
    """An upload's key was claimed by another send of the same request while this one
    stored its file: this one's write is not committed, and it answers as a retry."""

    def __init__(self, found: KeyClaim) -> None:
        super().__init__(found.state.value)
        self.found = found


_REPLAYED = object()
"""What ``g`` holds for a request answered from a key: nothing to keep afterwards."""


# The header ---------------------------------------------------------------------------


def _invalid(message: str) -> InvalidRequestError:
    return InvalidRequestError(
        [FieldProblem(HEADER, message, "invalid_idempotency_key", location="header")]
    )


def _key() -> str | None:
    """The request's idempotency key; ``InvalidRequestError`` (422) for a malformed one."""
    sent = request.headers.get(HEADER)  # a server folds repeated headers into one, with ","
    if sent is None:
        return None
    key = sent.strip(" \t")
    if not 1 <= len(key) <= MAX_LENGTH or _KEY.fullmatch(key) is None:
        wrong = (
            "it is empty"
            if not key
            else f"it is {len(key)} characters long"
            if len(key) > MAX_LENGTH
            else "it holds characters that are not printable ASCII"
        )
        raise _invalid(
            f"{HEADER} takes 1 to {MAX_LENGTH} printable ASCII characters (letters, digits, "
            f"punctuation and inner spaces), such as a UUID; {wrong}."
        )
    return key


# What makes two requests the same request ----------------------------------------------


class _Canonical:
    """SHA-256 over a multipart body with its boundary written the same every time, so that
    a client library that picks a new boundary for each retry still sends the same request.

    RFC 2046 has the boundary chosen so that it occurs nowhere in the parts: each delimiter
    (``--`` and the boundary) is replaced, however the body is cut into chunks.
    """

    def __init__(self, digest: Any, boundary: str | None) -> None:
        self._digest = digest
        self._delimiter = b"--" + boundary.encode("latin-1") if boundary else b""
        self._tail = b""

    def update(self, chunk: bytes) -> None:
        if not self._delimiter:
            self._digest.update(chunk)
            return
        data = self._tail + chunk
        safe = len(data) - (len(self._delimiter) - 1)  # a delimiter starting here is whole
        start = 0
        while (found := data.find(self._delimiter, start)) != -1 and found < safe:
            self._digest.update(data[start:found] + b"--BOUNDARY")
            start = found + len(self._delimiter)
        cut = max(start, safe)
        self._digest.update(data[start:cut])
        self._tail = data[cut:]

    def finish(self) -> None:
        self._digest.update(self._tail)
        self._tail = b""


def _unreadable() -> ServiceError:
    return ServiceError(
        "unreadable_body",
        "The body could not be read to its end: its chunked framing is broken, or the "
        "client stopped sending it. Nothing was stored.",
    )


def _hash_upload(canonical: _Canonical) -> None:
    """Read an upload's body once, hashing it into a copy that the form parser reads next.

    The body is read within the limit the edge set for it (413 past it), so nothing
    changes for the upload but where its bytes come from.
    """
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
    try:
        stream = request.stream
        while chunk := stream.read(_CHUNK):
            canonical.update(chunk)
            spool.write(chunk)
        spool.seek(0)
    except ClientDisconnected:
        spool.close()
        raise _unreadable() from None
    except BaseException:
        spool.close()
        raise
    canonical.finish()
    setattr(g, _SPOOLED, spool)
    request.stream = spool  # werkzeug's cached property: the form parser reads the copy


def _fingerprint() -> str:
    """SHA-256 of the method, path, query, ``If-Match`` and the body the operation reads."""
    digest = hashlib.sha256()
    parts = (
        request.method,
        request.path,
        request.query_string.decode("latin-1"),
        request.headers.get("If-Match", ""),
    )
    for part in parts:
        encoded = part.encode("utf-8", "surrogatepass")
        digest.update(b"%d:%b\n" % (len(encoded), encoded))
    uploads = declares(current_view(), "files")
    if uploads and not request.is_json:
        _hash_upload(_Canonical(digest, request.mimetype_params.get("boundary")))
    elif uploads or declares(current_view(), "json"):
        digest.update(request.get_data(cache=True))  # within the edge's limit (1 MiB)
    return digest.hexdigest()


# Before the view ------------------------------------------------------------------------


def claim_idempotency_key() -> Response | None:
    """Claim the request's idempotency key before its view runs, or answer from it."""
    if request.method not in METHODS or HEADER not in request.headers:
        return None
    caller = g.get("caller")
    if caller is None:
        return None  # not an operation (the API document), which takes no key
    key = _key()
    if key is None:
        return None
    call = IdempotentCall(
        organisation_id=caller.organisation_id,
        credential_id=caller.key_id,
        key=key,
        fingerprint=_fingerprint(),
        method=request.method,
        path=request.path,
    )
    if declares(current_view(), "files"):
        return _look_up_upload_key(call)
    session = request_session()
    try:
        found = claim_key(session, call, _lifetime())
    except ServiceError:
        session.rollback()  # reused with another request: free the write lock at once
        raise
    if found.state is KeyState.CLAIMED:
        held = _Held(call, found.committed_at or dt.datetime.now(dt.UTC))
        session.info[_FOLLOWED] = held
        setattr(g, _HELD, held)
        return None
    session.rollback()  # nothing of this request is to be written: free the write lock
    setattr(g, _HELD, _REPLAYED)
    return _answer_from(found)


def _look_up_upload_key(call: IdempotentCall) -> Response | None:
    """Answer an upload's retry from its key, or leave the key to be claimed once the file
    is stored, as the upload's writes begin (``_claim_as_writes_begin``). It is read on a
    connection of its own, as the upload's API key was (``api.auth.identify_caller``), so
    that no transaction is left open while the file arrives and goes to the store."""
    try:
        found = look_up_claim(reading_connection(), call)
    finally:
        give_back_reading_connection()
    if found is None:
        now = dt.datetime.now(dt.UTC)
        held = _Held(call, now, pending=False, deferred=_lifetime(), upload=True)
        session = request_session()
        session.info[_FOLLOWED] = held
        run_when_writes_begin(session, _claim_as_writes_begin)
        setattr(g, _HELD, held)
        return None
    setattr(g, _HELD, _REPLAYED)
    return _answer_from(found)


def _answer_from(found: KeyClaim) -> Response:
    """The answer for a request whose key another request (its first send) has."""
    if found.state is KeyState.ANSWERED and found.answer is not None:
        return _replay(found.answer)
    return _refusal(found.state, found.committed_at, g.caller.key_id, found.answer)


_FOLLOWED = "coprod_idempotency_claim"
"""Session info: the claim the session's open transaction holds (``_Held``)."""


def _follow_claims() -> None:
    """Follow each request's claim through its transaction: note on it when it commits
    (so that a retry can tell a slow save from a lost one), and whether it committed.

    Listened for once, on every session, and found in the session's info: listening on
    each request's own session cost more than the rest of the claim."""
    for name, listener in (
        ("before_commit", _before_commit),
        ("after_commit", _after_commit),
        ("after_soft_rollback", _after_rollback),
    ):
        if not sa.event.contains(Session, name, listener):
            sa.event.listen(Session, name, listener)


def _before_commit(session: Session) -> None:
    held: _Held | None = session.info.get(_FOLLOWED)
    if held is None:
        return
    if held.deferred is not None:
        # An upload whose writes never took a lock (none does today): never commit its
        # write without its claim, even if the claim comes after the change clock here.
        _claim_with_write(session, held, held.deferred)
    elif held.pending:
        mark_committing(session, held.call, held.claimed_at)


def _claim_as_writes_begin(session: Session) -> None:
    held: _Held | None = session.info.get(_FOLLOWED)
    if held is not None and held.deferred is not None:
        _claim_with_write(session, held, held.deferred)


def _claim_with_write(session: Session, held: _Held, lifetime: dt.timedelta) -> None:
    """Claim an upload's key as the first write of the transaction that records it,
    before any lock (a claim held by another request is waited for holding nothing else);
    if another send of the same upload has the key, stop (``KeyTakenMeanwhileError``)."""
    found = claim_key(session, held.call, lifetime)  # IdempotencyKeyReusedError: a 422
    if found.state is not KeyState.CLAIMED:
        raise KeyTakenMeanwhileError(found)
    held.deferred = None
    held.pending = True
    held.claimed_at = found.committed_at or dt.datetime.now(dt.UTC)


def _after_commit(session: Session) -> None:
    held: _Held | None = session.info.get(_FOLLOWED)
    if held is not None and held.pending:
        held.pending, held.committed = False, True


def _after_rollback(session: Session, previous: Any) -> None:
    """The claim's transaction rolled back: a savepoint inside it (an upsert that lost a
    race for its reference) leaves it pending, to commit. An upload's key not claimed yet
    stays to be claimed: its reads end with a rollback before its file is stored."""
    held: _Held | None = session.info.get(_FOLLOWED)
    if held is not None and not previous.nested:
        held.pending = False


def _replay(answer: StoredAnswer) -> Response:
    response = current_app.response_class(answer.body or b"", status=answer.status)
    for name, value in answer.headers.items():
        response.headers[name] = value
    response.headers[REPLAYED] = "true"
    return response


def _moment(when: dt.datetime | None) -> str:
    if when is None:
        return "a moment ago"
    return when.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _refusal(
    state: KeyState, committed_at: dt.datetime | None, key_id: str, answer: StoredAnswer | None
) -> Response:
    if state is KeyState.RUNNING:
        return problem_response(
            409,
            code="idempotency_key_in_use",
            title="Idempotency key in use",
            detail="A request with this Idempotency-Key is still being answered. Retry it "
            "after Retry-After seconds to get its answer; it will not be done twice.",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if state is KeyState.LOST:
        return problem_response(
            409,
            code="idempotency_answer_lost",
            title="Idempotency answer lost",
            detail=f"The request with this Idempotency-Key was done (its changes committed at "
            f"{_moment(committed_at)}), but the server stopped before it could keep its "
            "answer, so it cannot be given again, and the request will not be done again. "
            "Find what it changed in the change feed (GET /api/v1/events: the events of "
            f"actor key_id {key_id} from that moment).",
        )
    location = (answer.headers.get("Location") if answer else None) or ""
    where = f" It made {location}." if location else ""
    return problem_response(
        409,
        code="idempotency_answer_withheld",
        title="Idempotency answer withheld",
        detail=f"The request with this Idempotency-Key was done (answered "
        f"{answer.status if answer else 'before'}), and will not be done again, but its "
        "answer is not kept: it held a secret shown once (a new API key's token or OAuth2 "
        f"client's secret), or named a person whose data has since been erased.{where} GET "
        "the record for what it holds now; if you did not keep a new key's token or "
        "client's secret, revoke it and make another with a new Idempotency-Key.",
    )


# After the view -------------------------------------------------------------------------


def _answer_of(response: Response) -> StoredAnswer:
    """The answer as it is kept; its body is withheld when the view said ``no-store``."""
    headers = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
    if response.cache_control.no_store or response.is_streamed or response.direct_passthrough:
        return StoredAnswer(response.status_code, headers, None)
    return StoredAnswer(response.status_code, headers, response.get_data())


def commit_with_answer(ws: Workspace, reply: Any) -> Response:
    """Commit the view's write with its answer ``reply`` (anything a view may return)
    saved on this request's claim in the same transaction, and return that answer.

    For a view that can build its whole answer before it commits: the answer then commits
    with the write, or rolls back with it and the claim, and the request commits once
    instead of twice (on SQLite a second sync to disk, while other writers wait their
    turn). ``keep_answer_for_retries`` still runs afterwards and finds the claim answered
    (``save_answer`` knows it from the session), so it sends nothing. An answer that is
    not a success, or whose body is withheld (``no-store``, streamed), is kept after the
    commit as before.
    """
    response = current_app.make_response(reply)
    held = g.get(_HELD)
    if isinstance(held, _Held) and response.status_code < 300:
        answer = _answer_of(response)
        if answer.body is not None:
            save_answer_with_write(ws.session, held.call, answer)
    ws.commit()
    return response


def _problem_code(response: Response) -> str | None:
    if response.mimetype != PROBLEM_JSON or response.is_streamed:
        return None
    try:
        body = json.loads(response.get_data())
    except ValueError:
        return None
    code = body.get("code") if isinstance(body, dict) else None
    return code if isinstance(code, str) else None


def _is_final(response: Response) -> bool:
    """Whether a retry of the same request would be told the same: a success, or a refusal
    of what was asked (not of when or by whom it was asked)."""
    status = response.status_code
    if 200 <= status < 300:
        return True
    if not 400 <= status < 500 or status in TRANSIENT_STATUSES:
        return False
    code = _problem_code(response)
    return not (code in TRANSIENT_CODES or (code or "").startswith("idempotency_"))


def keep_answer_for_retries(response: Response) -> Response:
    """Keep the answer of a request that claimed a key, for its retries.

    The first of the steps an answer passes on its way out (``api.app``), so that it sees
    the answer as its view made it (``Cache-Control`` included), before the edge's headers.
    """
    held = g.pop(_HELD, None)
    if not isinstance(held, _Held):
        return response
    session = request_session()
    try:
        if held.committed:
            if answered_with_write(session, held.call):
                return response  # kept with the write: nothing to save, nothing to commit
            if response.status_code >= 500:
                logger.warning(
                    "%s %s committed, then failed (%s): its key's answer is not kept, so a "
                    "retry hears that it was lost",
                    request.method,
                    request.path,
                    response.status_code,
                )
                return response
            save_answer(session, held.call, _answer_of(response))
            session.commit()
            return response
        _abandon(session)
        session.info.pop(_FOLLOWED, None)  # an upload's key not claimed by now never will be
        if held.upload and response.status_code >= 400:
            found = _claimed_meanwhile(session, held.call)
            if found is not None:
                return _answer_from(found)  # a retry's answer: keep nothing of this one
        if _is_final(response):
            keep_answer(session, held.call, _answer_of(response), _lifetime())
            session.commit()
    except sa.exc.SQLAlchemyError as error:
        logger.warning(
            "the answer to %s %s could not be kept for its Idempotency-Key (%s): a retry "
            "hears that it was lost (or, if it was not committed, runs again)",
            request.method,
            request.path,
            type(error).__name__,
        )
        _rollback_quietly(session)
    return response


def _claimed_meanwhile(session: Session, call: IdempotentCall) -> KeyClaim | None:
    """Who has an upload's key, now that the upload failed without committing it: another
    send of the same upload that was recorded first (this one then usually found the
    evidence changed by it, a write conflict), whose answer is this one's too."""
    try:
        found = look_up_claim(session.connection(), call)
    except IdempotencyKeyReusedError:
        found = None
    session.rollback()
    return found


def key_taken_meanwhile(error: KeyTakenMeanwhileError) -> Response:
    """The answer of an upload whose key another send of it claimed first: that send's.
    Nothing of this one is kept: its transaction is undone and its file deleted at once
    (on SQLite the claim's look began the write transaction)."""
    setattr(g, _HELD, _REPLAYED)
    session = request_session()
    session.info.pop(_FOLLOWED, None)
    _abandon(session)
    return _answer_from(error.found)


def _abandon(session: Session) -> None:
    """Undo what the request left uncommitted (its claim with it) and its stored files."""
    ws = g.get("workspace")
    if ws is not None:
        ws.abandon()
    else:
        session.rollback()


def _rollback_quietly(session: Session) -> None:
    with contextlib.suppress(sa.exc.SQLAlchemyError):  # gone: the session's close will do
        session.rollback()


def close_hashed_body(_error: BaseException | None = None) -> None:
    """Close the copy of an upload's body made to hash it."""
    spool: IO[bytes] | None = g.pop(_SPOOLED, None)
    if spool is not None:
        spool.close()
