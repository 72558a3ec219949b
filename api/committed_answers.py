"""A write's answer kept for its ``Idempotency-Key`` in the write's own transaction.

``api.idempotency`` claims a request's key as the first write of its transaction and,
once the write has committed, saves the answer on the claim in a second, short
transaction (``keep_answer_for_retries``). A view that can build its whole answer before
it commits saves it on the claim first, with ``commit_with_answer``: the answer then
commits with the write, or rolls back with it and the claim, and the request pays for one
commit instead of two (on SQLite a second sync to disk, while other writers wait their
turn). ``keep_answer_for_retries`` still runs afterwards and finds the claim answered
(``save_answer`` knows it from the session), so it sends nothing.

The claim is found by the caller's credential, its organisation and the key, as sent
(``api.idempotency`` has refused a malformed one before the view ran). When this request
holds no unanswered claim under them, nothing is saved here, and the answer is kept after
the commit as before.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, g, request

from api.idempotency import HEADER, KEPT_HEADERS
from toolkits_core.service import IdempotentCall, StoredAnswer, Workspace, save_answer_with_write


def commit_with_answer(ws: Workspace, reply: Any) -> Response:
    """Commit the view's write with its answer ``reply`` (anything a view may return)
    saved on the request's idempotency claim, and return that answer as a response."""
    response = current_app.make_response(reply)
    sent = request.headers.get(HEADER)
    who = g.get("caller")
    if (
        sent is not None
        and who is not None
        and response.status_code < 300
        and not response.cache_control.no_store  # a secret shown once is never kept
        and not response.is_streamed
        and not response.direct_passthrough
    ):
        call = IdempotentCall(
            organisation_id=who.organisation_id,
            credential_id=who.key_id,
            key=sent.strip(" \t"),
            fingerprint="",  # not read: the claim is found by credential and key
            method=request.method,
            path=request.path,
        )
        kept = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
        answer = StoredAnswer(response.status_code, kept, response.get_data())
        save_answer_with_write(ws.session, call, answer)
    ws.commit()
    return response
