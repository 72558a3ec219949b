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
import resource, sys
from api import gunicorn_conf
if not gunicorn_conf.keep_freed_buffers():
    sys.exit(3)

def read_an_upload():  # four reads of a MiB each, then the file whole, as an upload does
    reads = [b"\\x01" * (1 << 20) for _ in range(4)]
    whole = b"".join(reads)
    del reads, whole

read_an_upload()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    read_an_upload()
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 20)
"""


def test_a_worker_reuses_the_memory_of_an_uploads_freed_buffers() -> None:
    """Each upload's MiB buffers come out of memory the worker already has: no page is
    faulted in (and zeroed by the kernel) again for every upload. With glibc's own
    thresholds this took about 2,000 faults an upload of 4 MiB."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    done = subprocess.run(
        [sys.executable, "-c", REUSES_FREED_BUFFERS],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    if done.returncode == 3:
        pytest.skip("this C library's allocator takes no mallopt settings (not glibc)")
    assert done.returncode == 0, done.stderr
    assert float(done.stdout) < 50, f"{done.stdout} page faults an upload"


def test_the_operators_own_allocator_settings_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", str(1 << 20))
    assert gunicorn_conf.keep_freed_buffers() is False
