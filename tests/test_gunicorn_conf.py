"""The gunicorn configuration coprod ships: what each worker does once the app is built."""

from __future__ import annotations

import gc
import os
import pathlib
import subprocess
import sys
from collections.abc import Iterator

import pytest

from api import create_app, gunicorn_conf


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.mark.usefixtures("unfrozen")
def test_a_worker_freezes_what_building_the_app_left_on_the_heap(
    tmp_path: pathlib.Path,
) -> None:
    app = create_app(
        {"DATABASE_URL": "sqlite://", "AUTO_MIGRATE": True, "FILES_DIR": str(tmp_path)}
    )
    assert gc.get_freeze_count() == 0

    gunicorn_conf.post_worker_init(object())

    # The app and what it holds are out of every later collection's sight...
    assert gc.get_freeze_count() > 10_000
    # ...and a cycle made afterwards, by a request, is still collected.
    cycle: list[object] = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1
    assert app.name


REUSES_FREED_BUFFERS = """
import resource, sys, threading
from api import gunicorn_conf
if not gunicorn_conf.keep_freed_buffers():
    sys.exit(3)

def read_an_upload():  # four reads of a MiB each, then the file whole, as an upload does
    reads = [b"\\x01" * (1 << 20) for _ in range(4)]
    whole = b"".join(reads)
    del reads, whole

def faults_an_upload(counted):  # the thread's own: RUSAGE_THREAD
    read_an_upload()
    before = resource.getrusage(resource.RUSAGE_THREAD).ru_minflt
    for _ in range(20):
        read_an_upload()
    counted.append((resource.getrusage(resource.RUSAGE_THREAD).ru_minflt - before) / 20)

counted = []
faults_an_upload(counted)  # the main thread's arena
request = threading.Thread(target=faults_an_upload, args=(counted,))  # a worker thread's
request.start()
request.join()
print(*counted)
"""


def test_a_worker_reuses_the_memory_of_an_uploads_freed_buffers() -> None:
    """Each upload's MiB buffers come out of memory the worker already has, in the main
    thread and in the threads that serve requests: no page is faulted in (and zeroed by
    the kernel) again for every upload. With glibc's own thresholds the main thread took
    about 2,000 faults an upload of 4 MiB, and a thread about 100."""
    if "LD_PRELOAD" in os.environ:
        pytest.skip("another allocator may be preloaded, which glibc's mallopt does not tune")
    root = pathlib.Path(gunicorn_conf.__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MALLOC_", "GLIBC_"))}
    done = subprocess.run(
        [sys.executable, "-c", REUSES_FREED_BUFFERS],
        capture_output=True, text=True, timeout=60, check=False, cwd=root,
        env={**env, "PYTHONPATH": str(root)},
    )  # fmt: skip
    if done.returncode == 3:
        pytest.skip("this C library's allocator takes no mallopt settings (not glibc)")
    assert done.returncode == 0, done.stderr
    main, thread = (float(count) for count in done.stdout.split())
    assert main < 50, f"{main} page faults an upload on the main thread"
    assert thread < 50, f"{thread} page faults an upload on a worker thread"


def test_the_operators_own_allocator_settings_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", str(1 << 20))
    assert gunicorn_conf.keep_freed_buffers() is False
