"""``Workspace.lock`` reads a record under its lock without the ORM's load, and hands back
an instance that behaves as a loaded one: persistent, its changes written with their
version check and their event, and a record the session already holds read afresh."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from toolkits_core._services import workspace
from toolkits_core._services.driver_reads import first_row
from toolkits_core.service import Initiative, LocalFileStore, NotFoundError, Workspace


def _initiative(api) -> dict:
    made = api.post("initiatives", json={"toolkit": "coproduction-star", "title": "Walks"})
    assert made.status_code == 201, made.json
    return made.json


def test_a_locked_record_is_loaded_as_the_orm_loads_it(
    database, plugin_host, org, tmp_path, monkeypatch
) -> None:
    made = _initiative(org.api)
    reads = []
    monkeypatch.setattr(
        workspace, "first_row", lambda *args: reads.append(args) or first_row(*args)
    )
    ws = Workspace(database.new_session(), org.id, plugin_host, LocalFileStore(tmp_path))
    try:
        locked = ws.lock(Initiative, made["id"])
        assert len(reads) == 1  # read on the driver's cursor, not by the ORM's load
        assert sa.inspect(locked).persistent
        assert ws.session.get(Initiative, made["id"]) is locked  # in the identity map
        loaded = database.new_session()
        try:
            reference = loaded.get(Initiative, made["id"])
            for column in sa.inspect(Initiative).column_attrs:
                assert getattr(locked, column.key) == getattr(reference, column.key), column.key
        finally:
            loaded.close()
        locked.title = "Walks and talks"
        ws.commit()
    finally:
        ws.session.close()
    shown = org.api.get(f"initiatives/{made['id']}").json
    assert (shown["title"], shown["version"]) == ("Walks and talks", made["version"] + 1)
    log = org.with_scope("admin").get("audit-events", query_string={"record_id": made["id"]})
    events = log.json["items"]
    assert [event["action"] for event in events][-2:] == ["created", "changed"]


def test_a_record_the_session_holds_is_read_afresh(database, plugin_host, org, tmp_path) -> None:
    made = _initiative(org.api)
    ws = Workspace(database.new_session(), org.id, plugin_host, LocalFileStore(tmp_path))
    try:
        held = ws.get(Initiative, made["id"])
        assert held.title == "Walks"
        ws.session.rollback()  # let the other writer in (SQLite has one at a time)
        assert (
            org.api.patch(
                f"initiatives/{made['id']}",
                json={"title": "Renamed meanwhile"},
                headers={"If-Match": f'"{made["id"]}.{made["version"]}"'},
            ).status_code
            == 200
        )
        locked = ws.lock(Initiative, made["id"])
        assert locked is held
        assert (locked.title, locked.version) == ("Renamed meanwhile", made["version"] + 1)
    finally:
        ws.session.close()


def test_another_organisations_record_is_not_found(
    database, plugin_host, org, other_org, tmp_path
) -> None:
    theirs = _initiative(other_org.api)
    ws = Workspace(database.new_session(), org.id, plugin_host, LocalFileStore(tmp_path))
    try:
        with pytest.raises(NotFoundError):
            ws.lock(Initiative, theirs["id"])
    finally:
        ws.session.close()


def test_a_record_added_in_the_session_is_written_before_it_is_locked(
    database, plugin_host, org, tmp_path
) -> None:
    """As the ORM's read would, the lock first flushes what the session holds: a record
    it added is then found, and is the instance it added."""
    made = _initiative(org.api)
    ws = Workspace(database.new_session(), org.id, plugin_host, LocalFileStore(tmp_path))
    try:
        template = ws.lock(Initiative, made["id"])
        added = Initiative(
            id="ini_added_in_this_session",
            organisation_id=org.id,
            toolkit_key=template.toolkit_key,
            toolkit_version=template.toolkit_version,
            title="Added, not yet written",
            stage=template.stage,
        )
        ws.session.add(added)
        assert ws.lock(Initiative, added.id) is added
    finally:
        ws.session.rollback()
        ws.session.close()


def test_reads_before_a_slow_wait_are_let_go_and_a_write_is_kept(
    database, plugin_host, org, tmp_path
) -> None:
    """``end_reads`` ends a transaction that only read (checks made with ``peek`` outside
    any transaction, before an upload's bytes arrive), and keeps one that wrote."""
    made = _initiative(org.api)
    ws = Workspace(database.new_session(), org.id, plugin_host, LocalFileStore(tmp_path))
    try:
        ws.read_before_writing()
        peeked = ws.peek(Initiative, made["id"])
        assert peeked.title == "Walks"
        with pytest.raises(NotFoundError):
            ws.peek(Initiative, "ini_00000000000000000000000000")
        assert ws.end_reads() is True
        assert not ws.session.in_transaction()
        assert peeked not in ws.session
        assert peeked.title == "Walks", "let go of as it was read, not expired"

        locked = ws.lock(Initiative, made["id"])
        locked.title = "Walks and talks"
        ws.session.flush()
        assert ws.end_reads() is False, "a transaction that wrote is kept"
        assert ws.session.in_transaction()
        ws.commit()
    finally:
        ws.session.close()
    assert org.api.get(f"initiatives/{made['id']}").json["title"] == "Walks and talks"
