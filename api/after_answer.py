"""Work a request leaves for once its answer is sent.

Deleting the files a commit left no row naming is a request to the object store each
(three on a bucket that keeps versions): tens of milliseconds on S3, on every upload
that replaces a file and every delete of a file, a piece of evidence or an initiative.
The client needs none of it to go on: what it asked is committed, and no row names
those files any more. So the API runs that work once the response has been sent
(``toolkits_core.service.run_after_answer`` hands it here), and a client waits only for
what it asked.

"Sent" is when the server closes the response, as WSGI servers do once its last byte is
written (gunicorn, werkzeug's): ``AfterAnswer`` runs the request's work then, on the
thread that served it. Work left after the response was handed to the server runs at
once; work that fails is logged and never reaches the client, whose answer is already
given. If the process dies first, ``coprod files gc`` sweeps the files after its
clean-up interval, as it sweeps those a crash between a commit and its deletes leaves.

Flask's test client reads each answer whole by default here (``AnsweredClient``), as a
server sends it, so a test sees what a client would see a moment later: the work done.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from flask import has_request_context, request
from flask.testing import FlaskClient
from werkzeug.test import TestResponse
from werkzeug.wsgi import ClosingIterator

WAITING = "coprod.after_answer"
"""The WSGI environ's key for the work the request has left so far (a list), while its
response has yet to be handed to the server."""

Work = Callable[[], None]
logger = logging.getLogger("api.after_answer")


def after_answer(work: Work) -> None:
    """Run ``work`` once this request's answer is sent; at once outside a request, or
    once its response has been handed to the server."""
    waiting: list[Work] | None = request.environ.get(WAITING) if has_request_context() else None
    if waiting is None:
        _run([work])
    else:
        waiting.append(work)


def _run(work: list[Work]) -> None:
    while work:
        step = work.pop(0)
        try:
            step()
        except Exception:
            logger.exception("work left for after an answer failed; the answer was already given")


class AfterAnswer:
    """WSGI middleware: what a request left (``after_answer``) runs when the server
    closes the response it sent.

    A response with no work waiting is handed over as the app made it, so that a file
    sent with the server's ``wsgi.file_wrapper`` is still sent that way.
    """

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        waiting: list[Work] = []
        environ[WAITING] = waiting
        try:
            answer = self.app(environ, start_response)
        except BaseException:
            environ[WAITING] = None
            _run(waiting)
            raise
        if not waiting:
            environ[WAITING] = None
            return answer
        return ClosingIterator(answer, lambda: _run(waiting))


class AnsweredClient(FlaskClient):
    """Flask's test client, reading each answer whole unless told ``buffered=False``: the
    response is then closed, as a server closes it once it is sent, and what the request
    left for after its answer has run (``AfterAnswer``). With ``buffered=False`` it runs
    when the test closes the response."""

    def open(self, *args: Any, buffered: bool = True, **kwargs: Any) -> TestResponse:
        return super().open(*args, buffered=buffered, **kwargs)
