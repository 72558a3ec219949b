"""Fixtures for webhooks: receivers on loopback and a worker driven step by step."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from webhook_receiver import Receiver

from api.resources.webhooks import webhook_settings
from api.webhooks.worker import WebhookSettings, Worker


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


def make_worker(app: Flask, settings: WebhookSettings | None = None) -> Worker:
    return Worker(app, settings or webhook_settings(app))


@pytest.fixture
def deliver(app: Flask) -> Iterator[Callable[..., None]]:
    """Run a worker until ``done()`` holds (or fail after ``timeout`` seconds)."""
    workers: list[Worker] = []

    def run(done: Callable[[], bool], timeout: float = 15.0, **settings: object) -> None:
        base = webhook_settings(app)
        chosen = WebhookSettings(**{**{n: getattr(base, n) for n in base.__slots__}, **settings})
        worker = make_worker(app, chosen)
        workers.append(worker)
        deadline = time.monotonic() + timeout
        while not done():
            assert time.monotonic() < deadline, "the worker did not get there in time"
            if not worker.run_once():
                time.sleep(0.02)

    yield run
    for worker in workers:
        worker.close()


@pytest.fixture
def subscribe(org) -> Iterator[Callable[..., dict]]:
    """Make a subscription through the API (deleted again after the test)."""
    admin = org.with_scope("admin")
    made: list[str] = []

    def make(url: str, event_types: list[str] | None = None, **body: object) -> dict:
        response = admin.post(
            "webhooks", json={"url": url, "event_types": event_types or ["*"], **body}
        )
        assert response.status_code == 201, response.json
        made.append(response.json["id"])
        return response.json

    yield make
    for webhook_id in made:
        admin.delete(f"webhooks/{webhook_id}")
