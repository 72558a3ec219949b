"""``coprod webhooks`` and ``coprod serve --webhooks``: what an operator runs."""

from __future__ import annotations

import datetime as dt
import json
import os
import pathlib
import subprocess
import sys
import time
import urllib.request

import pytest
from click.testing import CliRunner
from conftest import TEST_WEBHOOK_SETTINGS
from ports import free_port

from api import create_app
from api.cli import main
from api.context import services


@pytest.fixture
def database_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'hooks.sqlite3'}"
    monkeypatch.setenv("COPROD_DATABASE_URL", url)
    return url


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def admin_token(database_url):
    assert run("db", "upgrade").exit_code == 0
    organisation = json.loads(run("orgs", "create", "Brackenford", "--json").output)["id"]
    made = run("keys", "create", "--org", organisation, "--name", "ops", "--scope", "admin",
               "--json")  # fmt: skip
    return json.loads(made.output)["token"]


def test_webhooks_list_shows_subscriptions_without_secrets_and_prune_drops_old_attempts(
    database_url, admin_token, plugin_host, tmp_path, receiver, monkeypatch
):
    app = create_app({"DATABASE_URL": database_url, "PLUGIN_HOST": plugin_host,
                      "FILES_DIR": str(tmp_path / "files"), "TESTING": True,
                      "WEBHOOK_SETTINGS": TEST_WEBHOOK_SETTINGS})  # fmt: skip
    client = app.test_client()
    auth = {"Authorization": f"Bearer {admin_token}"}
    services(app).database.dispose()
    none = run("webhooks", "list")
    assert none.output.startswith("No webhook subscriptions"), none.output
    assert json.loads(run("webhooks", "list", "--json").output) == []
    made = client.post("/api/v1/webhooks", json={"url": receiver.url, "event_types": ["*"]},
                       headers=auth).json  # fmt: skip
    client.post(f"/api/v1/webhooks/{made['id']}/ping", headers=auth)
    services(app).database.dispose()
    listed = run("webhooks", "list", "--json")
    assert listed.exit_code == 0, listed.output
    [shown] = json.loads(listed.output)
    assert shown["id"] == made["id"]
    assert shown["status"] == "active"
    assert made["secret"] not in listed.output
    assert run("webhooks", "prune", "--days", "1").output.startswith("Deleted 0 ")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    monkeypatch.setattr("api.webhooks.commands.utc_now", lambda: later)
    assert run("webhooks", "prune", "--days", "1").output.startswith("Deleted 1 ")


def test_serve_with_webhooks_delivers_from_the_servers_own_process(
    database_url, admin_token, tmp_path, receiver
):
    port = free_port()
    coprod = pathlib.Path(sys.executable).with_name("coprod")
    env = {**os.environ, "COPROD_WEBHOOKS_ALLOW_PRIVATE": "1", "COPROD_WEBHOOKS_POLL": "0.1",
           "COPROD_FILES_DIR": str(tmp_path / "files")}  # fmt: skip
    server = subprocess.Popen(
        [str(coprod), "serve", "--port", str(port), "--webhooks"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}/api/v1"

        def call(method, path, body):
            request = urllib.request.Request(
                f"{base}/{path}", method=method, data=json.dumps(body).encode(),
                headers={"Authorization": f"Bearer {admin_token}",
                         "Content-Type": "application/json"},
            )  # fmt: skip
            with urllib.request.urlopen(request, timeout=10) as answer:
                return json.loads(answer.read())

        deadline = time.monotonic() + 30
        while True:
            try:
                call("POST", "webhooks", {"url": receiver.url, "event_types": ["initiative.*"]})
                break
            except OSError:
                assert server.poll() is None
                assert time.monotonic() < deadline
                time.sleep(0.2)
        made = call("POST", "initiatives", {"toolkit": "coproduction-star", "title": "Walks"})
        while not receiver.received:
            assert time.monotonic() < deadline, "the server's own worker delivered nothing"
            time.sleep(0.1)
        assert receiver.received[0].document()["record_id"] == made["id"]
    finally:
        server.terminate()
        server.wait(10)


def test_a_bad_webhook_setting_stops_the_worker_saying_which(
    database_url, admin_token, monkeypatch
):
    monkeypatch.setenv("COPROD_WEBHOOKS_GIVE_UP_AFTER", "three days")
    result = CliRunner().invoke(main, ["webhooks", "work"])
    assert result.exit_code == 1
    assert "COPROD_WEBHOOKS_GIVE_UP_AFTER is 'three days'" in result.output
