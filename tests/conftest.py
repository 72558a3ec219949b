"""Shared fixtures: a clean plugin environment and a small toolkit to bend out of shape."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import secrets
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from api import create_app
from api.context import services
from api.webhooks.worker import WebhookSettings
from toolkits_core import (
    ActivityType,
    Dimension,
    EvidenceKind,
    EvidenceType,
    Indicator,
    PluginHost,
    Scale,
    ScaleBand,
    ScaleLevel,
    Stage,
    StageFlow,
    Toolkit,
    load_plugins,
)
from toolkits_core._services.files import STORED_NAME
from toolkits_core._store.models import Evidence, stored_file_name
from toolkits_core.service import Database, create_key, create_organisation

PLUGIN_ENV = ("COPROD_PLUGINS", "COPROD_DISABLE_PLUGINS", "COPROD_PLUGINS_STRICT")
SHIPPED_PLUGINS = "coproduction_star,national_standards"


@pytest.fixture(autouse=True)
def clean_plugin_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests see the shipped plugins only, whatever else a developer has installed.

    A developer's own plugin selection must not leak in either; tests about selection pass
    their own environment.
    """
    for name in PLUGIN_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COPROD_PLUGINS", SHIPPED_PLUGINS)


def build_toolkit(**overrides: Any) -> Toolkit:
    """A small, valid toolkit: three stages, two dimensions, one scale with bands."""
    toolkit = Toolkit(
        key="tiny",
        name="Tiny Toolkit",
        version="1.0.0",
        summary="A toolkit made for the tests.",
        publisher="The coprod tests",
        licence="CC0",
        attribution="Made up for coprod's tests.",
        source_url="https://example.org/tiny",
        stage_flow=StageFlow.SEQUENTIAL,
        stages=[
            Stage("first", "First", "Where it starts."),
            Stage("second", "Second", "The middle."),
            Stage("third", "Third", "Where it ends."),
        ],
        dimensions=[
            Dimension(
                "voice",
                "Voice",
                "People are heard.",
                group="citizen voice",
                indicators=[Indicator("voice-heard", "People said what mattered.")],
            ),
            Dimension(
                "action",
                "Action",
                "People act.",
                indicators=[Indicator("action-taken", "People did it.")],
            ),
        ],
        scales=[
            Scale(
                "three-point",
                "Three-point",
                "Low to high.",
                levels=[ScaleLevel(1, "low"), ScaleLevel(2, "middle"), ScaleLevel(3, "high")],
                bands=[ScaleBand(2, 3, "starting"), ScaleBand(4, 6, "going strong")],
                provenance="Made up for the tests.",
            )
        ],
        activity_types=[
            ActivityType(
                "meeting",
                "Meeting",
                "People meet.",
                stages=["first", "second"],
                dimensions=["voice"],
                evidence_types=["note"],
            )
        ],
        evidence_types=[
            EvidenceType("note", "Note", EvidenceKind.NOTE, "A written note."),
            EvidenceType(
                "headcount",
                "Headcount",
                EvidenceKind.METRIC,
                "How many came.",
                payload_schema={
                    "type": "object",
                    "properties": {"people": {"type": "integer", "minimum": 0}},
                    "required": ["people"],
                },
            ),
        ],
    )
    return dataclasses.replace(toolkit, **overrides)


@pytest.fixture
def make_toolkit() -> Callable[..., Toolkit]:
    return build_toolkit


# The database and the HTTP API ----------------------------------------------------------

TEST_DATABASE_VARIABLE = "COPROD_TEST_DATABASE_URL"
"""Set (to a PostgreSQL URL) to run the suite against that server. Its tables are dropped."""

_unreachable: list[str] = []


def pytest_report_header(config: pytest.Config) -> str:
    url = os.environ.get(TEST_DATABASE_VARIABLE)
    return f"coprod database: {url or 'SQLite (a temporary file)'}"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _unreachable:
        terminalreporter.write_sep("=", "PostgreSQL run SKIPPED", yellow=True, bold=True)
        terminalreporter.write_line(_unreachable[0])


def _reset_postgresql(url: str) -> Database:
    """A migrated, empty PostgreSQL database, or a skip saying why there is none."""
    database = Database(url, connect_args={"connect_timeout": 10})
    try:
        with database.engine.connect():
            pass
    except sa.exc.OperationalError as error:
        reason = (
            f"PostgreSQL at {database.display_url} is not reachable, so every test that "
            f"needs the database was skipped on this run ({str(error).splitlines()[0]})."
        )
        _unreachable.append(reason)
        pytest.skip(reason)
    with database.engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    database.upgrade()
    return database


@pytest.fixture(scope="session")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The suite's database, migrated by the shipped migrations (as ``coprod db upgrade``)."""
    url = os.environ.get(TEST_DATABASE_VARIABLE)
    if url:
        database = _reset_postgresql(url)
    else:
        path = tmp_path_factory.mktemp("db") / "coprod.sqlite3"
        database = Database(f"sqlite:///{path}")
        database.upgrade()
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def plugin_host() -> PluginHost:
    return load_plugins(environ={"COPROD_PLUGINS": SHIPPED_PLUGINS})


TEST_WEBHOOK_SETTINGS = WebhookSettings(
    allow_private=True,
    connect_timeout=1.0,
    total_timeout=8.0,  # a busy machine's stall is not a failed delivery; under the lease
    retry_base=0.05,
    retry_max=0.2,
    lease=dt.timedelta(seconds=10),
    poll_interval=0.05,
)
"""Webhooks in tests go to receivers on loopback, and retry within moments; the tests of
the address rules make apps of their own without ``allow_private``."""


@pytest.fixture(scope="session")
def make_app(
    database: Database, plugin_host: PluginHost, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., Flask]]:
    """An app on the suite's database; pass settings to change (say) the upload limit."""
    files = tmp_path_factory.mktemp("files")
    made: list[Flask] = []

    def make(**settings: Any) -> Flask:
        # Apps made earlier keep their pooled connections until disposed; on PostgreSQL a
        # suite of many apps would otherwise hold a hundred idle ones, and the servers the
        # trust tests start would be refused connections ("too many clients"). A disposed
        # engine stays usable: it opens a fresh pool on its next query.
        for earlier in made:
            services(earlier).database.dispose()
        config = {
            "DATABASE_URL": database.url,
            "AUTO_MIGRATE": False,
            "PLUGIN_HOST": plugin_host,
            "FILES_DIR": str(files),
            "TESTING": True,
            "WEBHOOK_SETTINGS": TEST_WEBHOOK_SETTINGS,
            **settings,
        }
        made.append(create_app(config))
        return made[-1]

    yield make
    for app in made:
        services(app).database.dispose()


@pytest.fixture(scope="session")
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture(scope="session")
def object_store() -> Iterator[Any]:
    """moto's S3 server on a free loopback port, with boto3's settings pointing at it (as an
    operator's AWS_ENDPOINT_URL and credentials would), for the whole session."""
    try:
        import boto3  # noqa: F401
        import moto.server  # noqa: F401
    except ImportError as error:
        pytest.skip(f"needs boto3 and moto[server] ({error}): pip install -e '.[test]'")
    from object_store import moto_server

    with pytest.MonkeyPatch.context() as patch, contextlib.ExitStack() as stack:
        try:
            server = stack.enter_context(moto_server())
        except Exception as error:
            pytest.skip(f"moto could not start an S3 server on loopback: {error!r}")
        for name, value in server.environment().items():
            patch.setenv(name, value)
        yield server


FILE_STORES = ["local", "object"]


@pytest.fixture(scope="module", params=FILE_STORES)
def file_store_settings(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """The app settings of each file store in turn: a test module that takes this fixture
    runs once on the local folder and once on object storage (moto's S3 server)."""
    if request.param == "local":
        return {"FILES_DIR": str(tmp_path_factory.mktemp("files"))}
    server = request.getfixturevalue("object_store")
    return {"FILES_URL": f"s3://{server.bucket}/{secrets.token_hex(4)}"}


def bytes_named(name: str) -> str:
    """A stored file's name without its upload's token (object storage gives each upload
    one): the digest of the bytes it holds. Any other name (a temporary file's) as it is."""
    found = STORED_NAME.fullmatch(name)
    return found["sha256"] if found else name


def stored_entries(app: Flask, organisation_id: str) -> set[tuple[str, str]]:
    """What the app's file store keeps for an organisation, as (evidence id, digest) pairs
    (``bytes_named``), temporary uploads and unfinished multipart uploads included. Two
    objects of the same bytes for one piece of evidence fail the test: one of them is an
    upload's file that was never deleted."""
    entries = [
        (entry.evidence_id, bytes_named(entry.name))
        for entry in services(app).files.entries(organisation_id)
    ]
    assert len(set(entries)) == len(entries), f"the same bytes kept twice: {sorted(entries)}"
    return set(entries)


def stored_name(app: Flask, evidence_id: str) -> str:
    """The name the evidence's row says its file is kept under (its store key's last part)."""
    with services(app).database.engine.connect() as connection:
        name = connection.execute(
            sa.select(stored_file_name()).where(Evidence.id == evidence_id)
        ).scalar_one()
    assert name is not None, f"evidence {evidence_id} names no file"
    return str(name)


class ApiClient:
    """A test client that sends one organisation's key with every request."""

    def __init__(self, flask_client: FlaskClient, token: str | None) -> None:
        self.flask_client = flask_client
        self.token = token

    def request(self, method: str, path: str, **options: Any) -> TestResponse:
        headers = dict(options.pop("headers", {}) or {})
        if self.token is not None:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        url = path if path.startswith("/") else f"/api/v1/{path}"
        return self.flask_client.open(url, method=method, headers=headers, **options)

    def get(self, path: str, **options: Any) -> TestResponse:
        return self.request("GET", path, **options)

    def post(self, path: str, **options: Any) -> TestResponse:
        return self.request("POST", path, **options)

    def put(self, path: str, **options: Any) -> TestResponse:
        return self.request("PUT", path, **options)

    def patch(self, path: str, **options: Any) -> TestResponse:
        return self.request("PATCH", path, **options)

    def delete(self, path: str, **options: Any) -> TestResponse:
        return self.request("DELETE", path, **options)

    def as_key(self, token: str | None) -> ApiClient:
        return ApiClient(self.flask_client, token)


@dataclasses.dataclass
class Org:
    """An organisation made for one test, with a key of each scope."""

    id: str
    tokens: dict[str, str]
    api: ApiClient

    def with_scope(self, scope: str) -> ApiClient:
        return self.api.as_key(self.tokens[scope])


@pytest.fixture
def make_org(app: Flask, database: Database) -> Callable[[str], Org]:
    """Fresh organisations: every test's rows are its own, on SQLite and PostgreSQL alike."""

    def make(name: str = "Test council") -> Org:
        with database.session() as session:
            organisation = create_organisation(session, name)
            tokens = {
                scope: create_key(session, organisation.id, f"{scope} key", [scope]).token
                for scope in ("read", "write", "admin")
            }
        client = ApiClient(app.test_client(), tokens["write"])
        return Org(organisation.id, tokens, client)

    return make


@pytest.fixture
def org(make_org: Callable[[str], Org]) -> Org:
    return make_org("East Dunbartonshire test council")


@pytest.fixture
def other_org(make_org: Callable[[str], Org]) -> Org:
    return make_org("Another council")


@pytest.fixture
def api(org: Org) -> ApiClient:
    """The test organisation's client, with its write key."""
    return org.api
