"""coprod's pytest plugin, HTTP side: the plugin under test behind the real API, in process.

Loaded by pytest through the ``pytest11`` entry point beside ``toolkits_core.testing``
(whose ``coprod_host`` it serves). ``coprod_client`` is a client of the whole Flask app on
a fresh SQLite database, migrated as ``coprod db upgrade`` would, with one organisation,
a key of each scope and only the plugin under test loaded: what a plugin author would
otherwise start a server by hand to see.
"""

from __future__ import annotations

import pathlib
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from toolkits_core import PluginHost, Toolkit
from toolkits_core.service import create_key, create_organisation

SCOPES = ("read", "write", "admin")


class CoprodClient:
    """Requests to ``/api/v1`` as one organisation, with its write key unless told otherwise.

    ``path`` may be relative to ``/api/v1`` (``"initiatives"``). The walking helpers
    assert what they expect, so a test reads as the steps a team takes.
    """

    def __init__(
        self,
        client: FlaskClient,
        organisation_id: str,
        tokens: dict[str, str],
        toolkit: Toolkit,
        scope: str = "write",
    ) -> None:
        self.client = client
        self.organisation_id = organisation_id
        self.tokens = tokens
        self.toolkit = toolkit
        self.scope = scope

    def with_scope(self, scope: str) -> CoprodClient:
        """The same client with the key of another scope (read, write or admin)."""
        return CoprodClient(self.client, self.organisation_id, self.tokens, self.toolkit, scope)

    def request(self, method: str, path: str, **options: Any) -> TestResponse:
        headers = dict(options.pop("headers", {}) or {})
        headers.setdefault("Authorization", f"Bearer {self.tokens[self.scope]}")
        url = path if path.startswith("/") else f"/api/v1/{path}"
        return self.client.open(url, method=method, headers=headers, **options)

    def get(self, path: str, **options: Any) -> TestResponse:
        return self.request("GET", path, **options)

    def post(self, path: str, **options: Any) -> TestResponse:
        return self.request("POST", path, **options)

    def patch(self, path: str, **options: Any) -> TestResponse:
        return self.request("PATCH", path, **options)

    def delete(self, path: str, **options: Any) -> TestResponse:
        return self.request("DELETE", path, **options)

    # Walking -------------------------------------------------------------------------

    def created(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST ``body`` and assert it was created (201): the new record."""
        response = self.post(path, json=body)
        assert response.status_code == 201, response.get_data(as_text=True)
        return _body(response)

    def start(self, title: str = "A test initiative", **body: Any) -> str:
        """A new initiative of the plugin's toolkit: its id."""
        created = self.created("initiatives", {"toolkit": self.toolkit.key, "title": title, **body})
        return str(created["id"])

    def progress(self, initiative: str) -> dict[str, Any]:
        response = self.get(f"initiatives/{initiative}/progress")
        assert response.status_code == 200, response.get_data(as_text=True)
        return _body(response)

    def move(self, initiative: str, *stages: str) -> dict[str, Any]:
        """Move through ``stages`` in turn, asserting each move is made: the last entry."""
        entry: dict[str, Any] = {}
        for stage in stages:
            entry = self.created(f"initiatives/{initiative}/transitions", {"to_stage": stage})
        return entry

    def assert_blocked(self, initiative: str, to_stage: str, *codes: str) -> dict[str, Any]:
        """Assert the move is refused (409) with exactly these blocker codes, any order,
        and that progress shows the same blockers: the problem document."""
        response = self.post(f"initiatives/{initiative}/transitions", json={"to_stage": to_stage})
        assert response.status_code == 409, response.get_data(as_text=True)
        problem = _body(response)
        assert problem["code"] == "transition_refused", problem
        found = sorted(blocker["code"] for blocker in problem["blockers"])
        assert found == sorted(codes), f"blockers {found}, expected {sorted(codes)}"
        moves = {move["to_stage"]: move for move in self.progress(initiative)["moves"]}
        if to_stage in moves:
            shown = sorted(blocker["code"] for blocker in moves[to_stage]["blockers"])
            assert shown == found, f"progress shows {shown}, the move was refused with {found}"
        return problem


def _body(response: TestResponse) -> dict[str, Any]:
    body = response.get_json()
    assert isinstance(body, dict), response.get_data(as_text=True)
    return body


@pytest.fixture
def coprod_client(
    coprod_host: PluginHost, coprod_toolkit: Toolkit, tmp_path: pathlib.Path
) -> Iterator[CoprodClient]:
    """The API in process on a fresh database, with only the plugin under test loaded."""
    from api import create_app
    from api.context import services

    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'coprod.sqlite3'}",
            "AUTO_MIGRATE": True,  # a fresh database, migrated as coprod db upgrade does
            "PLUGIN_HOST": coprod_host,
            "FILES_DIR": str(tmp_path / "files"),
            "RATE_LIMIT": "off",
            "TESTING": True,
        }
    )
    database = services(app).database
    with database.session() as session:
        organisation = create_organisation(session, "Plugin test council")
        tokens = {
            scope: create_key(session, organisation.id, f"{scope} key", [scope]).token
            for scope in SCOPES
        }
    yield CoprodClient(app.test_client(), organisation.id, tokens, coprod_toolkit)
    database.dispose()
