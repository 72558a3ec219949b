"""The gunicorn configuration coprod ships: what each worker does once the app is built."""

from __future__ import annotations

import gc
import pathlib
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
