"""Work a request leaves for once its answer is sent.

Deleting the files a commit left no row naming is a request to the object store each
(three on a bucket that keeps versions): tens of milliseconds on S3, on every upload
that replaces a file and every delete of a file, a piece of evidence or an initiative.
The client needs none of it to go on: what it asked is committed, and no row names
those files any more. So the API runs that work once the response has been sent
(``toolkits_core.service.run_after_answer`` hands it here), and a client waits only for
what it asked.

"Sent" is when the server closes the response, as WSGI servers do once its last byte is
written (gunicorn, werkzeug's): ``AfterAnswer`` then hands the request's work to a few
threads of the process's own (``AFTER_ANSWER_THREADS``), so that neither the thread that
served the request nor the client's kept-alive connection waits for it: gunicorn serves
a connection's next request only once the last one's response is closed. Past
``MOST_WAITING`` pieces of work not yet done (a store that has stopped answering), the
serving thread does its own, so that what waits stays bounded. The threads finish what
is waiting before a worker exits (``drain``, gunicorn's ``worker_exit``). Work left after
the response was handed to the server runs at once; work that fails is logged and never
reaches the client, whose answer is already given. If the process dies first, ``coprod
files gc`` sweeps the files after its clean-up interval, as it sweeps those a crash
between a commit and its deletes leaves.

Flask's test client reads each answer whole by default here, and runs the work on the
request's own thread as the response closes (``AnsweredClient``): a test sees what a
client would see a moment later, the work done.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import has_request_context, request
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

WAITING = "coprod.after_answer"
"""The WSGI environ's key for the work the request has left so far (a list), while its
response has yet to be handed to the server."""
ON_ITS_THREAD = "coprod.after_answer.on_its_thread"
"""An environ key: run the request's work on its own thread as the response closes."""
AFTER_ANSWER_THREADS = 4
MOST_WAITING = 256

Work = Callable[[], None]
logger = logging.getLogger("api.after_answer")
_room = threading.BoundedSemaphore(MOST_WAITING)
_pool_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_drained = False


def after_answer(work: Work) -> None:
    """Run ``work`` once this request's answer is sent; at once outside a request, or
    once its response has been handed to the server."""
    waiting: list[Work] | None = request.environ.get(WAITING) if has_request_context() else None
    if waiting is None:
        _run([work])
    else:
        waiting.append(work)


def drain() -> None:
    """Finish the work handed over so far, and take no more on the threads (it then runs
    where it is left): for a process about to exit."""
    global _pool, _drained
    with _pool_lock:
        pool, _pool, _drained = _pool, None, True
    if pool is not None:
        pool.shutdown(wait=True)


def _run(work: list[Work]) -> None:
    for step in work:
        try:
            step()
        except Exception:
            logger.exception("work left for after an answer failed; the answer was already given")


def _hand_over(work: list[Work], on_its_thread: bool) -> None:
    """Run ``work`` on the process's threads, or here when told so, when too much is
    waiting already, or when no thread can take it (the process is exiting)."""
    if on_its_thread or not _room.acquire(blocking=False):
        _run(work)
        return
    handed = _Handed(work)
    try:
        _threads().submit(handed)
    except RuntimeError:  # shut down (drain), or no thread could start for it
        handed()  # (queued all the same, it is then done once, here)


class _Handed:
    """Work handed to the threads, run once by whichever comes to it first (a thread, or
    the server's own when none could start), which then makes room for more."""

    def __init__(self, work: list[Work]) -> None:
        self._work = work
        self._taken = threading.Lock()

    def __call__(self) -> None:
        if not self._taken.acquire(blocking=False):
            return
        try:
            _run(self._work)
        finally:
            _room.release()


def _forget_threads() -> None:
    """In a process just forked (a gunicorn worker of a master that loaded the app): none
    of the parent's threads, waiting work or drain came with it."""
    global _pool, _drained, _room, _pool_lock
    _pool, _drained = None, False
    _room = threading.BoundedSemaphore(MOST_WAITING)
    _pool_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_threads)


def _threads() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _drained:
            raise RuntimeError("drained: the process is exiting")
        if _pool is None:
            _pool = ThreadPoolExecutor(AFTER_ANSWER_THREADS, thread_name_prefix="after-answer")
        return _pool


class _Closing:
    """The app's response, whose ``close`` (the server's, once it has sent it) then hands
    over the request's work, whatever the response's own close raises."""

    def __init__(self, answer: Iterable[bytes], environ: dict[str, Any]) -> None:
        self._answer, self._environ = answer, environ

    def __iter__(self) -> Any:
        return iter(self._answer)

    def close(self) -> None:
        try:
            close = getattr(self._answer, "close", None)
            if close is not None:
                close()
        finally:
            waiting = self._environ.get(WAITING) or []
            self._environ[WAITING] = None  # from now on, work runs where it is left
            _hand_over(waiting, bool(self._environ.get(ON_ITS_THREAD)))


class AfterAnswer:
    """WSGI middleware: what a request left (``after_answer``) is handed over when the
    server closes the response it sent.

    A response with no work waiting is handed to the server as the app made it, so that
    a file sent with the server's ``wsgi.file_wrapper`` is still sent that way.
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
        return _Closing(answer, environ)


class AnsweredClient(FlaskClient):
    """Flask's test client, reading each answer whole unless told ``buffered=False``: the
    response is then closed, as a server closes it once it is sent, and what the request
    left for after its answer has run, on the request's thread (``AfterAnswer``). With
    ``buffered=False`` it runs when the test closes the response."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.environ_base[ON_ITS_THREAD] = "yes"

    def open(self, *args: Any, buffered: bool = True, **kwargs: Any) -> TestResponse:
        return super().open(*args, buffered=buffered, **kwargs)
