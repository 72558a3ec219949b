"""gunicorn's settings for coprod, shipped with it.

    gunicorn -c python:api.gunicorn_conf -w 4 -b 127.0.0.1:8000 'api:create_app()'

Settings given on the command line win over these. The worker is gunicorn's threaded
one, answering the requests gunicorn refuses itself (a request line or headers past the
limits below, a NUL in a header, a malformed chunk) as problem documents, as coprod
answers every other error, instead of gunicorn's HTML pages.
"""

from __future__ import annotations

import ctypes
import gc
import os

worker_class = "api.gunicorn_worker.ProblemThreadWorker"
threads = 4
"""Threads per worker: a request waiting on the database or a slow client does not hold
the whole worker."""

limit_request_line = 8190
"""The longest request line gunicorn reads (its default is 4094, its maximum 8190): a list
filtered by several ids and a cursor fits, with room to spare."""
limit_request_fields = 100
"""How many headers a request may have."""
limit_request_field_size = 8190
"""The longest header (name and value) a request may have."""


M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
"""glibc's ``mallopt`` parameters (``<malloc.h>``)."""
KEPT_BUFFER_BYTES = 16 * 1024 * 1024
"""The largest block the allocator hands out from memory it keeps, and how much freed
memory it keeps: twice the largest buffer an upload holds (a file up to the object
store's part, 8 MiB, is held whole before it goes to the store)."""


def keep_freed_buffers() -> bool:
    """Have glibc's allocator reuse the memory of freed large buffers rather than give it
    back to the system and ask for it again; whether it could (False without glibc).

    Reading an upload makes buffers of a MiB and more: each read off the socket, the file
    whole before it goes to the store. glibc maps such blocks afresh and unmaps them when
    they are freed (its adaptive thresholds did not settle on these sizes), and every
    fresh page costs a fault and the kernel zeroing it: in a worker serving 4 MiB uploads
    to an object store, reading the body took 13.0 ms of 36.2, and 6.1 of 26.5 with the
    blocks kept (``bench/results/file_phases-before-kept-buffers.md`` and
    ``file_phases.md``). Both settings are needed: either alone still maps them afresh.
    An operator's own (``MALLOC_MMAP_THRESHOLD_``, ``MALLOC_TRIM_THRESHOLD_`` or
    ``GLIBC_TUNABLES``) wins. A worker then keeps about ``KEPT_BUFFER_BYTES`` freed at
    the top of each of its arenas (roughly one a thread) for its next requests.
    """
    tunables = os.environ.get("GLIBC_TUNABLES", "")
    if os.environ.keys() & {"MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"} or any(
        name in tunables for name in ("malloc.mmap_threshold", "malloc.trim_threshold")
    ):
        return False  # the operator's own
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the interpreter runs on
    except (OSError, AttributeError, TypeError):  # none (macOS): its allocator as it is
        return False
    return bool(  # musl's mallopt does nothing and answers 0
        mallopt(M_MMAP_THRESHOLD, KEPT_BUFFER_BYTES)
        and mallopt(M_TRIM_THRESHOLD, KEPT_BUFFER_BYTES)
    )


def post_fork(server: object, worker: object) -> None:
    """As each worker starts: ``keep_freed_buffers``."""
    del server, worker
    keep_freed_buffers()


def post_worker_init(worker: object) -> None:
    """Once a worker has built the app: move what start-up left on the heap out of the
    garbage collector's sight.

    Building the app (SQLAlchemy's mappers, the schemas, the toolkits, the OpenAPI
    document) leaves about 170 thousand objects that live as long as the worker. Python's
    full collections walk all of them again and again, though none of them is ever
    garbage: on a 1-million-event feed page that cost 0.3 to 1.2 ms a request on average
    and now and then far longer, in the slowest 1 % of answers. ``gc.freeze()`` (Python's
    documented remedy for servers that build their state before answering) leaves them
    out of every later collection; what requests create is collected as before.
    """
    del worker
    gc.collect()
    gc.freeze()


def worker_exit(server: object, worker: object) -> None:
    """As a worker exits: finish the work its requests left for after their answers (an
    object store's deletes, ``api.after_answer``) rather than leave it to ``coprod files
    gc``."""
    del server
    if getattr(worker, "pid", None) != os.getpid():
        return  # gunicorn's master, reporting a worker that is already gone
    from api.after_answer import drain

    drain()
