"""``coprod serve``: the development server, and the demo it seeds with --demo.

No server is started: ``Flask.run`` is replaced by a recorder, and the demo's seeding is
a function the tests call directly.
"""

from __future__ import annotations

import re
import shlex
import socket

import pytest
from click.testing import CliRunner
from flask import Flask

from api import cli, create_app
from api.cli import main
from api.context import services
from coprod_demo import seed_demo
from coprod_demo.content import INITIATIVE_REF, ORGANISATION_NAME, PEOPLE
from toolkits_core.service import Database, list_organisations


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def counts(client, token, initiative_id):
    return {
        collection: len(
            client.get(
                f"/api/v1/initiatives/{initiative_id}/{collection}?limit=100",
                headers=bearer(token),
            ).get_json()["items"]
        )
        for collection in ("participants", "activities", "evidence", "assessments")
    }


def test_seeding_twice_reuses_the_organisation_and_initiative_with_a_new_key(app, database):
    first = seed_demo(app)
    second = seed_demo(app)
    assert second.created is False
    assert (second.organisation_id, second.initiative_id) == (
        first.organisation_id,
        first.initiative_id,
    )
    assert second.token != first.token
    client = app.test_client()
    # Only the newest demo key works: runs leave no unexpiring admin keys behind.
    assert client.get("/api/v1/organisation", headers=bearer(first.token)).status_code == 401
    assert client.get("/api/v1/organisation", headers=bearer(second.token)).status_code == 200
    with database.session() as session:
        named = [o for o in list_organisations(session) if o.name == ORGANISATION_NAME]
    assert [o.id for o in named] == [first.organisation_id]
    found = client.get(
        f"/api/v1/initiatives?external_ref={INITIATIVE_REF}", headers=bearer(second.token)
    ).get_json()["items"]
    assert [i["id"] for i in found] == [first.initiative_id]
    before = counts(client, second.token, first.initiative_id)
    third = seed_demo(app)
    assert third.initiative_id == first.initiative_id
    assert counts(client, third.token, third.initiative_id) == before
    assert "as an earlier run recorded it" in second.summary


def test_the_demo_initiative_went_as_far_as_its_records_allow(app):
    seeded = seed_demo(app)
    client = app.test_client()
    headers = bearer(seeded.token)
    base = f"/api/v1/initiatives/{seeded.initiative_id}"
    initiative = client.get(base, headers=headers).get_json()
    assert initiative["stage"] == "market-it"
    history = client.get(f"{base}/transitions", headers=headers).get_json()["items"]
    assert [entry["stage"] for entry in history] == [
        "map-it",
        "focus-it",
        "people-it",
        "market-it",
    ]
    progress = client.get(f"{base}/progress", headers=headers).get_json()
    [onward] = [move for move in progress["moves"] if move["to_stage"] == "grow-it"]
    assert onward["allowed"] is False
    assert [b["code"] for b in onward["blockers"]] == ["no_co_production_charter"]
    assert "Grow it waits for this" in seeded.summary

    found = counts(client, seeded.token, seeded.initiative_id)
    assert found["participants"] == len(PEOPLE)
    assert found["assessments"] == 2
    assert found["activities"] >= 8
    participants = client.get(f"{base}/participants?limit=100", headers=headers).get_json()
    roles = {p["role"] for p in participants["items"]}
    assert {"person_using_services", "family_member_or_carer", "professional"} <= roles
    evidence = client.get(f"{base}/evidence?limit=100", headers=headers).get_json()["items"]
    kinds = {item["evidence_type"] for item in evidence}
    assert {"participant-quote", "personal-story", "session-notes", "audio-interview"} <= kinds
    assessments = client.get(f"{base}/assessments?limit=100", headers=headers).get_json()
    assert {a["perspective"] for a in assessments["items"]} == {
        "person_using_services",
        "professional",
    }


@pytest.fixture
def served(monkeypatch, tmp_path):
    """Where ``serve`` would have listened, instead of listening; run in an empty folder."""
    calls = []
    monkeypatch.setattr(Flask, "run", lambda app, **options: calls.append((app, options)))
    check = cli._require_free_port  # these ports may be taken by a real coprod serve
    monkeypatch.setattr(
        cli, "_require_free_port", lambda h, p: p in {8000, 8123, 8124} or check(h, p)
    )
    monkeypatch.delenv("COPROD_DATABASE_URL", raising=False)
    monkeypatch.delenv("COPROD_FILES_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    yield calls
    for app, _ in calls:
        services(app).database.dispose()


def test_serve_demo_prints_a_key_that_works_the_docs_url_and_a_curl_command(served, tmp_path):
    result = CliRunner().invoke(main, ["serve", "--demo", "--port", "8123"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    [(app, options)] = served
    assert options["host"] == "127.0.0.1"
    assert options["port"] == 8123
    assert options["debug"] is False
    assert "http://127.0.0.1:8123/api/v1/docs" in result.output
    assert "development server" in result.output
    assert "gunicorn" in result.output
    assert (tmp_path / "coprod.sqlite3").is_file()  # the embedded default migrated itself

    tokens = {w.strip("'") for w in result.output.split() if w.startswith("coprod_key_")}
    assert len(tokens) == 1
    [curl] = [line.strip() for line in result.output.splitlines() if "curl " in line]
    words = shlex.split(curl)
    assert words[:3] == ["curl", "-H", f"Authorization: Bearer {tokens.pop()}"]
    path = words[3].removeprefix("http://127.0.0.1:8123")
    answer = app.test_client().get(path, headers=dict([words[2].split(": ", 1)]))
    assert answer.status_code == 200
    assert answer.get_json()["stage"] == "market-it"


def test_serve_without_demo_seeds_nothing(served, tmp_path):
    result = CliRunner().invoke(main, ["serve"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "http://127.0.0.1:8000/api/v1/docs" in result.output
    assert "coprod_key_" not in result.output
    [(app, _)] = served
    with services(app).database.session() as session:
        assert list_organisations(session) == []


def test_serve_refuses_a_database_that_is_not_current(served, tmp_path, monkeypatch):
    monkeypatch.setenv("COPROD_DATABASE_URL", f"sqlite:///{tmp_path / 'behind.sqlite3'}")
    result = CliRunner().invoke(main, ["serve", "--demo"], catch_exceptions=False)
    assert result.exit_code == 1
    assert "has no coprod tables" in result.output
    assert "coprod db upgrade" in result.output
    assert "Traceback" not in result.output
    assert served == []


def test_serve_on_an_upgraded_database_that_is_not_the_default(served, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'upgraded.sqlite3'}"
    monkeypatch.setenv("COPROD_DATABASE_URL", url)
    database = Database(url)
    database.upgrade()
    database.dispose()
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "http://127.0.0.1:8000/api/v1/docs" in result.output  # where a browser goes
    [(_, options)] = served
    assert options["host"] == "0.0.0.0"


def own_app(tmp_path, plugin_host):
    """An app on a database of its own, for a demo no other test has seeded."""
    return create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
            "AUTO_MIGRATE": True,
            "PLUGIN_HOST": plugin_host,
            "FILES_DIR": str(tmp_path / "files"),
        }
    )


def test_the_demo_seeds_an_empty_database_of_its_own(tmp_path, plugin_host):
    app = own_app(tmp_path, plugin_host)
    try:
        seeded = seed_demo(app)
        assert seeded.created is True
        assert "recorded just now" in seeded.summary
    finally:
        services(app).database.dispose()


def test_serve_says_so_when_the_database_cannot_be_reached(served, monkeypatch):
    monkeypatch.setenv("COPROD_DATABASE_URL", "postgresql://coprod:s3cret@127.0.0.1:1/coprod")
    result = CliRunner().invoke(main, ["serve"], catch_exceptions=False)
    assert result.exit_code == 1
    assert "Cannot use postgresql+psycopg://coprod:***@127.0.0.1:1/coprod" in result.output
    assert "s3cret" not in result.output
    assert "Traceback" not in result.output
    assert served == []


def test_serve_stops_before_any_work_when_the_port_is_taken(served, tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            main, ["serve", "--demo", "--port", str(port)], catch_exceptions=False
        )
    assert result.exit_code == 1
    assert "is coprod already running?" in result.output
    assert "coprod_key_" not in result.output
    assert not (tmp_path / "coprod.sqlite3").exists()
    assert served == []


def test_an_interrupted_demo_is_recorded_again_not_taken_as_done(
    tmp_path, plugin_host, monkeypatch
):
    from coprod_demo import seed as seeding

    def interrupted(client, initiative_id, today):
        raise KeyboardInterrupt  # the operator pressed Ctrl+C part-way through

    app = own_app(tmp_path, plugin_host)
    try:
        real = seeding._record_chapters
        monkeypatch.setattr(seeding, "_record_chapters", interrupted)
        with pytest.raises(KeyboardInterrupt):
            seeding.seed_demo(app)
        monkeypatch.setattr(seeding, "_record_chapters", real)
        seeded = seeding.seed_demo(app)
        assert seeded.created is True
        client = app.test_client()
        found = client.get("/api/v1/initiatives", headers=bearer(seeded.token))
        assert [item["id"] for item in found.get_json()["items"]] == [seeded.initiative_id]
        assert counts(client, seeded.token, seeded.initiative_id)["evidence"] > 0
    finally:
        services(app).database.dispose()


def test_serve_demo_without_its_toolkit_says_so_and_makes_no_key(served, monkeypatch):
    monkeypatch.setenv("COPROD_PLUGINS", "national_standards")
    result = CliRunner().invoke(main, ["serve", "--demo"], catch_exceptions=False)
    assert result.exit_code == 1
    assert "no loaded plugin provides" in result.output
    assert "coprod_key_" not in result.output


def test_serve_checks_an_ipv6_address_as_ipv6(served):
    with socket.create_server(("127.0.0.1", 0)) as ipv4_only:
        port = ipv4_only.getsockname()[1]  # busy on IPv4, free on IPv6
        result = CliRunner().invoke(
            main, ["serve", "--host", "::1", "--port", str(port)], catch_exceptions=False
        )
    if result.exit_code == 1 and "Cannot assign" in result.output:
        pytest.skip("this machine has no IPv6 loopback")
    assert result.exit_code == 0, result.output
    assert f"http://[::1]:{port}/api/v1/docs" in result.output


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("COPROD_DATABASE_URL", "nonsense", "is not a database URL"),
        ("COPROD_DATABASE_URL", "postgresql://u:secret@host:notaport/x", "is not a database URL"),
        ("COPROD_MAX_UPLOAD_BYTES", "50MB", "whole number of bytes"),
        ("COPROD_MAX_UPLOAD_BYTES", "-5", "whole number of bytes"),
    ],
)
def test_serve_names_a_setting_it_cannot_start_with(served, monkeypatch, variable, value, says):
    monkeypatch.setenv(variable, value)
    result = CliRunner().invoke(main, ["serve"], catch_exceptions=False)
    assert result.exit_code == 1
    assert says in result.output
    assert "secret" not in result.output


def test_serve_on_a_file_that_is_not_a_database_says_so(served, tmp_path):
    (tmp_path / "coprod.sqlite3").write_text("not a database", encoding="utf-8")
    result = CliRunner().invoke(main, ["serve"], catch_exceptions=False)
    assert result.exit_code == 1
    assert "Cannot use sqlite:///coprod.sqlite3" in result.output


def test_serve_without_an_organisation_says_how_to_make_one(served):
    result = CliRunner().invoke(main, ["serve"], catch_exceptions=False)
    assert "There is no organisation yet" in result.output


def test_serve_demo_shows_the_case_study_library_with_its_audio_and_radar(served):
    result = CliRunner().invoke(main, ["serve", "--demo", "--port", "8124"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8124/library" in result.output
    [(app, _)] = served
    browser = app.test_client()
    listing = browser.get("/library").get_data(as_text=True)
    assert "Out and About in Brackenford" in listing
    slug = re.search(r'href="/library/([\w-]+)"', listing).group(1)
    page = browser.get(f"/library/{slug}").get_data(as_text=True)
    audio = re.search(r'<audio controls preload="metadata" src="([^"]+)"', page).group(1)
    played = browser.get(audio)
    assert played.status_code == 200
    assert played.mimetype == "audio/wav"
    played.close()
    for label in ("Co-commissioning", "Co-design", "Co-delivery", "Co-assessment"):
        assert f">{label}</text>" in page
    assert "Sam (S6 pupil" not in page  # names never appear; roles do
    assert "Isla and a pupil volunteer" in page
