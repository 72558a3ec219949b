"""The operator's commands: the schema, organisations and API keys, from the shell."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from api import create_app
from api.cli import main
from api.context import services
from toolkits_core.cli import key_status
from toolkits_core.service import Database, find_key


@pytest.fixture
def database_url(tmp_path, monkeypatch):
    """A fresh, un-migrated SQLite file, chosen the way an operator would: the variable."""
    (tmp_path / "admin.sqlite3").touch()  # an empty file is an SQLite database with no tables
    url = f"sqlite:///{tmp_path / 'admin.sqlite3'}"
    monkeypatch.setenv("COPROD_DATABASE_URL", url)
    return url


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture
def migrated(run, database_url):
    assert run("db", "upgrade").exit_code == 0
    return database_url


@pytest.fixture
def organisation_id(run, migrated):
    result = run("orgs", "create", "Brackenford Council", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["id"]


@pytest.fixture
def client(migrated, plugin_host, tmp_path):
    """The HTTP API on the database the commands administer."""
    app = create_app(
        {
            "DATABASE_URL": migrated,
            "AUTO_MIGRATE": False,
            "PLUGIN_HOST": plugin_host,
            "FILES_DIR": str(tmp_path / "files"),
            "TESTING": True,
        }
    )
    yield app.test_client()
    services(app).database.dispose()


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_db_upgrade_migrates_and_reports_the_revisions(run, database_url):
    first = run("db", "upgrade")
    assert first.exit_code == 0
    head = Database(database_url).head_revision()
    assert f"from revision (empty) to {head}" in first.output
    again = run("db", "upgrade")
    assert again.exit_code == 0
    assert f"already at revision {head}" in again.output


def test_db_commands_never_print_a_password(run):
    url = "postgresql://coprod:s3cret@127.0.0.1:1/coprod"  # nothing listens on port 1
    for command in ("upgrade", "current"):
        result = run("db", command, "--database-url", url)
        assert result.exit_code == 1
        assert "Cannot use postgresql+psycopg://coprod:***@127.0.0.1:1/coprod" in result.output
        assert "s3cret" not in result.output


def test_db_current_exits_1_until_the_database_is_upgraded(run, database_url):
    behind = run("db", "current")
    assert behind.exit_code == 1
    assert "no coprod tables" in behind.output
    assert "coprod db upgrade" in behind.output
    run("db", "upgrade")
    current = run("db", "current")
    assert current.exit_code == 0
    assert "current" in current.output


def test_the_database_url_option_beats_the_variable(run, database_url, tmp_path):
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    assert run("db", "upgrade", "--database-url", other).exit_code == 0
    assert run("db", "current", "--database-url", other).exit_code == 0
    assert run("db", "current").exit_code == 1  # the variable's database was not touched


def test_without_a_url_the_embedded_sqlite_file_in_the_working_directory_is_used(
    run, tmp_path, monkeypatch
):
    monkeypatch.delenv("COPROD_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    result = run("db", "upgrade")
    assert result.exit_code == 0
    assert "sqlite:///coprod.sqlite3" in result.output
    assert (tmp_path / "coprod.sqlite3").is_file()


@pytest.mark.parametrize(
    "command",
    [
        ("orgs", "list"),
        ("orgs", "create", "Somewhere"),
        ("keys", "list", "--org", "org_x"),
        ("keys", "create", "--org", "org_x", "--name", "crm", "--scope", "read"),
        ("keys", "revoke", "key_x"),
    ],
)
def test_every_command_but_upgrade_refuses_an_unmigrated_database_saying_what_to_run(
    run, database_url, command
):
    result = run(*command)
    assert result.exit_code == 1
    assert "has no coprod tables" in result.output
    assert f"Run `coprod db upgrade --database-url {database_url}`" in result.output
    assert "Traceback" not in result.output


def test_orgs_create_and_list(run, migrated):
    made = run("orgs", "create", "  Brackenford Council  ")
    assert made.exit_code == 0
    assert "Created organisation org_" in made.output
    assert "coprod keys create --org org_" in made.output
    run("orgs", "create", "Another Council")
    listed = json.loads(run("orgs", "list", "--json").output)
    assert [o["name"] for o in listed] == ["Brackenford Council", "Another Council"]
    assert all(o["id"].startswith("org_") and o["created_at"].endswith("Z") for o in listed)
    text = run("orgs", "list").output
    assert all(o["id"] in text for o in listed)


def test_orgs_list_says_when_there_are_none(run, migrated):
    result = run("orgs", "list")
    assert result.exit_code == 0
    assert "No organisations yet" in result.output
    assert json.loads(run("orgs", "list", "--json").output) == []


def test_keys_create_prints_the_token_once_and_it_opens_the_api(run, organisation_id, client):
    result = run(
        "keys", "create", "--org", organisation_id, "--name", "case tool", "--scope", "write"
    )
    assert result.exit_code == 0, result.output
    tokens = [word for word in result.output.split() if word.startswith("coprod_key_")]
    assert len(tokens) == 1
    assert "not shown again" in result.output
    answer = client.get("/api/v1/organisation", headers=bearer(tokens[0]))
    assert answer.status_code == 200
    assert answer.get_json()["id"] == organisation_id
    # write includes read, but not admin
    assert client.get("/api/v1/keys", headers=bearer(tokens[0])).status_code == 403


def test_keys_create_json_gives_the_token_scopes_and_expiry(run, organisation_id, client):
    result = run(
        "keys", "create", "--org", organisation_id, "--name", "crm", "--scope", "read",
        "--scope", "admin", "--expires-in-days", "30", "--json",
    )  # fmt: skip
    assert result.exit_code == 0
    document = json.loads(result.output)
    assert document["scopes"] == ["read", "admin"]
    assert document["status"] == "active"
    assert document["expires_at"] is not None
    answer = client.get("/api/v1/keys", headers=bearer(document["token"]))
    assert answer.status_code == 200
    assert [k["id"] for k in answer.get_json()["items"]] == [document["id"]]


def test_keys_list_never_shows_a_secret_and_shows_revoked_keys(run, organisation_id):
    made = [
        json.loads(
            run(
                "keys", "create", "--org", organisation_id, "--name", name, "--scope", "read",
                "--json",
            ).output
        )
        for name in ("first", "second")
    ]  # fmt: skip
    run("keys", "revoke", made[0]["id"])
    text = run("keys", "list", "--org", organisation_id)
    listed = json.loads(run("keys", "list", "--org", organisation_id, "--json").output)
    for key in made:
        secret = key["token"].partition(".")[2]
        assert secret not in text.output
        assert secret not in json.dumps(listed)
        assert key["id"] in text.output
    statuses = [(k["name"], k["status"]) for k in listed]
    assert statuses == [("first", "revoked"), ("second", "active")]
    assert all("token" not in k and "secret_sha256" not in k for k in listed)
    assert "revoked" in text.output


def test_keys_revoke_makes_the_key_fail_with_401(run, organisation_id, client):
    document = json.loads(
        run(
            "keys", "create", "--org", organisation_id, "--name", "crm", "--scope", "read",
            "--json",
        ).output
    )  # fmt: skip
    assert client.get("/api/v1/organisation", headers=bearer(document["token"])).status_code == 200
    result = run("keys", "revoke", document["id"])
    assert result.exit_code == 0
    assert f"Revoked key {document['id']}" in result.output
    refused = client.get("/api/v1/organisation", headers=bearer(document["token"]))
    assert refused.status_code == 401
    assert refused.get_json()["code"] == "invalid_key"
    again = run("keys", "revoke", document["id"])
    assert again.exit_code == 0
    assert "already revoked" in again.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("orgs", "create", "   "), "name: Give a name of 1 to 200 characters."),
        (
            ("keys", "create", "--org", "org_nope", "--name", "crm", "--scope", "read"),
            "There is no organisation 'org_nope'.",
        ),
        (
            ("keys", "create", "--org", "{org}", "--name", "crm", "--scope", "owner"),
            "--scope: 'owner' is not a scope (read, write, admin, records:read,",
        ),
        (
            ("keys", "create", "--org", "{org}", "--name", " ", "--scope", "read"),
            "name: Give a name of 1 to 200 characters.",
        ),
        (("keys", "list", "--org", "org_nope"), "There is no organisation 'org_nope'."),
        (("keys", "revoke", "key_nope"), "There is no API key 'key_nope'."),
    ],
)
def test_a_refused_request_exits_1_with_a_clear_message(run, organisation_id, args, message):
    before = run("keys", "list", "--org", organisation_id, "--json").output
    result = run(*(arg.replace("{org}", organisation_id) for arg in args))
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert run("keys", "list", "--org", organisation_id, "--json").output == before


@pytest.mark.parametrize(
    "args",
    [
        ("keys", "create", "--org", "org_x", "--name", "crm"),  # no --scope
        ("keys", "create", "--org", "org_x", "--name", "crm", "--scope", "read",
         "--expires-in-days", "0"),
        ("keys", "list",),  # no --org
    ],
)  # fmt: skip
def test_a_malformed_command_is_a_usage_error(run, migrated, args):
    result = run(*args)
    assert result.exit_code == 2
    assert "Usage:" in result.output


def test_a_mistyped_sqlite_path_is_a_clear_error_and_leaves_no_file(run, tmp_path):
    missing = tmp_path / "typo.sqlite3"
    result = run("orgs", "list", "--database-url", f"sqlite:///{missing}")
    assert result.exit_code == 1
    assert f"There is no database at {missing}" in result.output
    assert f"coprod db upgrade --database-url sqlite:///{missing}" in result.output
    assert not missing.exists()


def test_an_unreachable_database_is_a_clear_error(run, tmp_path):
    missing = tmp_path / "no" / "such" / "folder" / "coprod.sqlite3"
    result = run("db", "upgrade", "--database-url", f"sqlite:///{missing}")
    assert result.exit_code == 1
    assert "Cannot use sqlite:///" in result.output
    assert "Traceback" not in result.output


def test_a_postgresql_url_without_its_driver_says_what_to_install(run, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if it were not installed
    result = run("orgs", "list", "--database-url", "postgresql://coprod:secret@db/coprod")
    assert result.exit_code == 1
    assert "pip install 'coprod[postgresql]'" in result.output
    assert "secret" not in result.output
    assert "Traceback" not in result.output


def test_a_key_past_its_expiry_is_listed_as_expired(run, organisation_id, migrated):
    made = json.loads(
        run(
            "keys", "create", "--org", organisation_id, "--name", "pilot", "--scope", "read",
            "--expires-in-days", "7", "--json",
        ).output
    )  # fmt: skip
    listed = json.loads(run("keys", "list", "--org", organisation_id, "--json").output)
    assert [k["status"] for k in listed] == ["active"]
    database = Database(migrated)
    with database.session() as session:
        key = find_key(session, made["id"])
        in_six_days = dt.datetime.now(dt.UTC) + dt.timedelta(days=6)
        in_eight_days = dt.datetime.now(dt.UTC) + dt.timedelta(days=8)
        assert key_status(key, now=in_six_days) == "active"
        assert key_status(key, now=in_eight_days) == "expired"
    database.dispose()


def test_events_prune_forgets_what_old_events_showed_and_keeps_the_events(
    run, organisation_id, client, monkeypatch
):
    token = json.loads(
        run("keys", "create", "--org", organisation_id, "--name", "k", "--scope", "read",
            "--scope", "write", "--json").output
    )["token"]  # fmt: skip
    made = client.post(
        "/api/v1/initiatives",
        json={"toolkit": "coproduction-star", "title": "Walks", "external_ref": "crm-1"},
        headers=bearer(token),
    )
    assert made.status_code == 201, made.json
    assert run("events", "prune").output.startswith("Forgot what 0 events")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=8)
    monkeypatch.setattr("toolkits_core._services.changes.utc_now", lambda: later)
    pruned = run("events", "prune", "--days", "7")
    assert pruned.exit_code == 0, pruned.output
    assert pruned.output.startswith("Forgot what 2 events"), pruned.output  # initiative, start
    monkeypatch.undo()
    items = client.get("/api/v1/events", headers=bearer(token)).json["items"]
    assert [i["type"] for i in items][:2] == ["initiative.created", "transition.created"]
    assert all(i["record"] is None and i["external_ref"] is None for i in items)


def test_clients_create_list_and_revoke_a_client_whose_tokens_then_stop(
    run, organisation_id, client
):
    made = run(
        "clients", "create", "--org", organisation_id, "--name", "Power Automate",
        "--scope", "feed:read", "--scope", "records:write", "--json",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    document = json.loads(made.output)
    assert document["scopes"] == ["feed:read", "records:write"]
    token = client.post(
        "/api/v1/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": document["client_id"],
            "client_secret": document["client_secret"],
        },
    )
    assert token.status_code == 200, token.get_json()
    headers = bearer(token.get_json()["access_token"])
    assert client.get("/api/v1/events", headers=headers).status_code == 200
    assert client.get("/api/v1/keys", headers=headers).status_code == 403
    listed = run("clients", "list", "--org", organisation_id)
    assert document["id"] in listed.output
    assert document["client_secret"] not in listed.output
    assert json.loads(run("clients", "list", "--json").output)[0]["status"] == "active"
    revoked = run("clients", "revoke", document["id"])
    assert revoked.exit_code == 0
    assert "its tokens stop working now" in revoked.output
    assert client.get("/api/v1/events", headers=headers).status_code == 401
    assert "already revoked" in run("clients", "revoke", document["id"]).output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("clients", "create", "--org", "{org}", "--name", "x", "--scope", "owner"),
            "--scope: 'owner' is not a scope",
        ),
        (("clients", "revoke", "cli_nope"), "There is no OAuth client 'cli_nope'."),
        (("clients", "list", "--org", "org_nope"), "There is no organisation 'org_nope'."),
    ],
)
def test_a_refused_clients_command_exits_1_saying_why(run, organisation_id, args, message):
    result = run(*(arg.replace("{org}", organisation_id) for arg in args))
    assert result.exit_code == 1
    assert message in result.output
    assert json.loads(run("clients", "list", "--json").output) == []
