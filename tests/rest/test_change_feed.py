"""The change feed over HTTP: what a CRM following it hears, and what it never hears."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from api.context import services
from toolkits_core.service import encode_position


def feed(client, **query):
    response = client.get("events", query_string=query)
    assert response.status_code == 200, response.json
    return response.json


def everything(client, cursor=None, **query):
    """Every event after ``cursor``, walking the pages; and the cursor to read on from."""
    items = []
    while True:
        args = {"limit": 7, **query}
        if cursor is not None:
            args["cursor"] = cursor
        page = feed(client, **args)
        items += page["items"]
        assert page["next_cursor"], page
        if page["next_cursor"] == cursor or not page["items"]:
            return items, page["next_cursor"]
        cursor = page["next_cursor"]


@pytest.fixture
def star(api):
    response = api.post(
        "initiatives",
        json={"toolkit": "coproduction-star", "title": "Walks", "external_ref": "crm-ini-1"},
    )
    assert response.status_code == 201, response.json
    return response.json


def test_every_change_is_told_in_commit_order_with_the_record_as_get_showed_it(api, org, star):
    _, start = everything(api)
    person = api.post(
        f"initiatives/{star['id']}/participants",
        json={"role": "volunteer", "display_name": "Sam", "consent": "given",
              "external_ref": "crm-c-1"},
    ).json  # fmt: skip
    renamed = api.patch(f"participants/{person['id']}", json={"display_name": "Sam B"})
    note = api.post(
        f"initiatives/{star['id']}/evidence",
        json={"evidence_type": "session-notes", "payload": {"text": "Met at the café"},
              "external_ref": "crm-n-1"},
    ).json  # fmt: skip
    assert api.delete(f"evidence/{note['id']}").status_code == 204
    items, _ = everything(api, start)
    assert [(i["type"], i["record_id"]) for i in items] == [
        ("participant.created", person["id"]),
        ("participant.updated", person["id"]),
        ("evidence.created", note["id"]),
        ("evidence.deleted", note["id"]),
    ]
    created, updated, recorded, deleted = items
    assert created["record"] == person
    assert updated["record"] == renamed.json
    assert updated["fields"] == ["display_name"]
    assert updated["version"] == 2
    assert recorded["record"] == note
    assert created["external_ref"] == "crm-c-1"
    assert created["actor"]["channel"] == "api"
    assert created["initiative_id"] == star["id"]
    # A tombstone: the id and the external_ref it had, nothing more.
    assert deleted["record"] is None
    assert deleted["version"] is None
    assert deleted["external_ref"] == "crm-n-1"


def test_stage_moves_and_consent_withdrawals_are_named(api, star):
    _, start = everything(api)
    person = api.post(
        f"initiatives/{star['id']}/participants",
        json={"role": "volunteer", "display_name": "Ann", "consent": "given"},
    ).json
    quote = api.post(
        f"initiatives/{star['id']}/evidence",
        json={"evidence_type": "participant-quote", "payload": {"text": "Yes"},
              "participant_id": person["id"], "consent": "given"},
    ).json  # fmt: skip
    api.patch(f"participants/{person['id']}", json={"consent": "withdrawn"})
    items, _ = everything(api, start)
    types = [(i["type"], i["record_id"]) for i in items]
    assert ("evidence.consent_withdrawn", quote["id"]) in types
    assert ("participant.consent_withdrawn", person["id"]) in types
    withdrawn = next(i for i in items if i["type"] == "evidence.consent_withdrawn")
    assert withdrawn["record"]["consent"] == "withdrawn"
    assert withdrawn["version"] == 2


def test_a_transition_is_told_as_a_stage_change_and_its_history_entry(make_app, make_org):
    from conftest import ApiClient
    from test_consent_in_rules import PersonGate

    from toolkits_core import PluginHost

    app = make_app(PLUGIN_HOST=PluginHost.of(("person_gate", PersonGate())))
    org = make_org("Feed council")
    api = ApiClient(app.test_client(), org.tokens["write"])
    initiative = api.post("initiatives", json={"toolkit": "tiny-gated", "title": "x"}).json
    person = api.post(
        f"initiatives/{initiative['id']}/participants",
        json={"role": "person_using_services", "display_name": "Ann", "consent": "given"},
    ).json
    api.post(
        f"initiatives/{initiative['id']}/activities",
        json={"activity_type": "meeting", "title": "Walk", "participant_ids": [person["id"]]},
    )
    _, start = everything(api)
    moved = api.post(f"initiatives/{initiative['id']}/transitions", json={"to_stage": "second"})
    assert moved.status_code == 201, moved.json
    items, _ = everything(api, start)
    assert [i["type"] for i in items] == ["initiative.stage_changed", "transition.created"]
    assert items[0]["record"]["stage"] == "second"
    assert items[1]["record"]["stage"] == "second"


def test_an_erasure_is_a_tombstone_and_no_event_shows_the_person_any_more(api, org, star):
    _, start = everything(api)
    person = api.post(
        f"initiatives/{star['id']}/participants",
        json={"role": "volunteer", "display_name": "Jane Roe", "consent": "given",
              "external_ref": "crm-jane"},
    ).json  # fmt: skip
    quote = api.post(
        f"initiatives/{star['id']}/evidence",
        json={"evidence_type": "participant-quote", "payload": {"text": "Jane Roe said this"},
              "participant_id": person["id"], "consent": "given", "external_ref": "q-jane"},
    ).json  # fmt: skip
    erased = org.with_scope("admin").post(f"participants/{person['id']}/erasure")
    assert erased.status_code == 200, erased.json
    items, _ = everything(api, start)
    shown = json.dumps(items)
    assert "Jane Roe" not in shown
    tombstones = {i["record_id"]: i for i in items if i["type"].endswith(".erased")}
    assert set(tombstones) == {person["id"], quote["id"]}
    assert tombstones[person["id"]]["external_ref"] == "crm-jane"
    assert tombstones[quote["id"]]["external_ref"] == "q-jane"
    assert all(i["record"] is None for i in tombstones.values())
    # The events before the erasure stay, in order, but show nothing of the person.
    earlier = [i for i in items if i["record_id"] == person["id"] and i not in tombstones.values()]
    assert earlier
    assert all(i["record"] is None and i["external_ref"] is None for i in earlier)


def test_the_crm_pushing_an_erased_person_again_is_refused(api, org, other_org, star, database):
    person = api.post(
        f"initiatives/{star['id']}/participants",
        json={"role": "volunteer", "display_name": "Jo", "external_ref": "crm-jo"},
    ).json
    org.with_scope("admin").post(f"participants/{person['id']}/erasure")
    again = api.post(
        f"initiatives/{star['id']}/participants",
        json={"role": "volunteer", "display_name": "Jo", "consent": "given",
              "external_ref": "crm-jo"},
    )  # fmt: skip
    assert again.status_code == 409, again.json
    assert again.json["code"] == "participant_erased"
    other = api.post(
        "initiatives", json={"toolkit": "coproduction-star", "title": "Elsewhere"}
    ).json
    someone = api.post(
        f"initiatives/{other['id']}/participants",
        json={"role": "volunteer", "display_name": "Someone"},
    ).json
    renamed = api.patch(f"participants/{someone['id']}", json={"external_ref": "crm-jo"})
    assert renamed.status_code == 409, renamed.json
    assert renamed.json["code"] == "participant_erased"
    # The reference is kept only as a keyed hash.
    with database.engine.connect() as connection:
        kept = (
            connection.execute(
                sa.text("SELECT ref_hash FROM erased_refs WHERE organisation_id = :o"),
                {"o": org.id},
            )
            .scalars()
            .all()
        )
    assert len(kept) == 1
    assert "crm-jo" not in kept[0]
    assert len(kept[0]) == 64
    # Another organisation's CRM may use the same id: the hash is keyed per organisation.
    theirs = other_org.api.post(
        "initiatives", json={"toolkit": "coproduction-star", "title": "Theirs"}
    ).json
    assert (
        other_org.api.post(
            f"initiatives/{theirs['id']}/participants",
            json={"role": "volunteer", "display_name": "Jo", "external_ref": "crm-jo"},
        ).status_code
        == 201
    )


def test_a_read_key_follows_the_feed_and_never_sees_another_organisation(org, other_org, star):
    reader = org.with_scope("read")
    other_org.api.post("initiatives", json={"toolkit": "coproduction-star", "title": "Theirs"})
    items, _ = everything(reader)
    assert star["id"] in {i["record_id"] for i in items}
    theirs, _ = everything(other_org.api)
    assert star["id"] not in {i["record_id"] for i in theirs}
    assert {i["id"] for i in items}.isdisjoint({i["id"] for i in theirs})


def test_pages_filters_and_cursors(api, star):
    _, start = everything(api)
    for n in range(5):
        api.post(
            f"initiatives/{star['id']}/evidence",
            json={"evidence_type": "session-notes", "payload": {"text": f"note {n}"}},
        )
    api.patch(f"initiatives/{star['id']}", json={"summary": "Now with notes"})
    first = api.get("events", query_string={"limit": 2, "cursor": start})
    assert len(first.json["items"]) == 2
    assert 'rel="next"' in first.headers["Link"]
    assert f"cursor={first.json['next_cursor']}" in first.headers["Link"]
    rest, end = everything(api, first.json["next_cursor"])
    assert len(rest) == 4
    assert feed(api, cursor=end) == {"items": [], "next_cursor": end}
    only_initiatives = feed(api, cursor=start, record_type="initiative")["items"]
    assert [i["type"] for i in only_initiatives] == ["initiative.updated"]
    created = feed(api, cursor=start, type="evidence.created")["items"]
    assert len(created) == 5
    assert {i["type"] for i in created} == {"evidence.created"}


@pytest.mark.parametrize(
    "cursor", ["nope", encode_position(-1), "eyJwb3NpdGlvbiI6IjEifQ", "eyJhZnRlciI6IngifQ"]
)
def test_a_cursor_the_feed_did_not_give_is_422(api, cursor):
    response = api.get("events", query_string={"cursor": cursor})
    assert response.status_code == 422, response.json
    assert response.json["errors"][0]["field"] == "cursor"
    assert response.json["errors"][0]["code"] == "invalid_cursor"


def test_an_unknown_type_is_422(api):
    response = api.get("events", query_string={"type": "evidence.exploded"})
    assert response.status_code == 422, response.json


def test_a_cursor_older_than_the_retention_is_410_saying_how_to_resync(api, star, monkeypatch):
    _, start = everything(api)
    api.patch(f"initiatives/{star['id']}", json={"summary": "Later"})
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=31)
    monkeypatch.setattr("toolkits_core._services.changes.utc_now", lambda: later)
    # the change after this cursor is older than the feed keeps in full
    response = api.get("events", query_string={"cursor": start})
    assert response.status_code == 410, response.json
    assert response.json["code"] == "cursor_expired"
    assert "export" in response.json["detail"]
    # Without a cursor, the feed starts at its oldest kept event: none of these.
    assert feed(api)["items"] == []


def test_an_up_to_date_cursor_stays_good_however_quiet_the_organisation(api, star, monkeypatch):
    """A reader that heard everything has missed nothing, however long nothing happened:
    refusing its cursor would send it to an export whose cursor is the same one, again."""
    api.patch(f"initiatives/{star['id']}", json={"summary": "Later"})
    _, cursor = everything(api)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=90)
    monkeypatch.setattr("toolkits_core._services.changes.utc_now", lambda: later)
    assert feed(api, cursor=cursor) == {"items": [], "next_cursor": cursor}
    exported = api.get("export")
    assert exported.status_code == 200
    taken_at = json.loads(exported.get_data(as_text=True).splitlines()[0])["cursor"]
    assert feed(api, cursor=taken_at)["items"] == []  # the export's cursor is good too


def test_only_events_the_reader_would_be_given_can_expire_its_cursor(api, org, star, monkeypatch):
    """The audit log's own events (a key made, a webhook subscribed) share the feed's
    table and positions: one after an up-to-date cursor, however old, has kept nothing
    from the reader. Nor has an old initiative change from a reader of participants."""
    _, cursor = everything(api)
    admin = org.with_scope("admin")
    assert admin.post("keys", json={"name": "CRM", "scopes": ["read"]}).status_code == 201
    hook = {"url": "https://93.184.215.14/hook", "event_types": ["*"], "status": "paused"}
    webhook = admin.post("webhooks", json=hook)
    assert webhook.status_code == 201, webhook.json
    assert admin.delete(f"webhooks/{webhook.json['id']}").status_code == 204
    _, quiet = everything(api)
    assert quiet == cursor  # nothing the feed gives came after it
    api.patch(f"initiatives/{star['id']}", json={"summary": "Later"})
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=31)
    monkeypatch.setattr("toolkits_core._services.changes.utc_now", lambda: later)
    participants = feed(api, cursor=cursor, record_type="participant")
    assert participants == {"items": [], "next_cursor": cursor}
    response = api.get("events", query_string={"cursor": cursor})
    assert response.status_code == 410, response.json  # the initiative's change is gone
    assert response.json["code"] == "cursor_expired"


def test_evidence_of_an_initiative_its_plugin_cannot_run_rests_on_its_file(api, star, database):
    """Whether shown evidence expects a file comes from its initiative's pinned toolkit,
    read for the whole page at once; an initiative pinned to a major version no loaded
    plugin provides falls back on the file the evidence has, in the feed as in GET."""
    photo = api.post(
        f"initiatives/{star['id']}/evidence",
        json={"evidence_type": "photo", "payload": {"caption": "The walk", "alt_text": "Boots"}},
    )
    assert photo.status_code == 201, photo.json

    def told() -> dict:
        items, _ = everything(api, record_type="evidence")
        return next(item for item in items if item["record_id"] == photo.json["id"])

    assert told()["record"]["expects_file"] is True
    with database.engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE initiatives SET toolkit_version = '9.0.0' WHERE id = :id"),
            {"id": star["id"]},
        )
    shown = api.get(f"evidence/{photo.json['id']}")
    assert shown.status_code == 200, shown.json
    assert shown.json["expects_file"] is False
    assert told()["record"]["expects_file"] is False


def test_a_refused_write_leaves_no_event_and_takes_no_position(api, star, database):
    with database.engine.connect() as connection:
        before = connection.execute(sa.text("SELECT position FROM change_clock")).scalar_one()
    refused = api.post(
        f"initiatives/{star['id']}/evidence",
        json={"evidence_type": "participant-quote", "payload": {"text": ""}},
    )
    assert refused.status_code == 422
    with database.engine.connect() as connection:
        after = connection.execute(sa.text("SELECT position FROM change_clock")).scalar_one()
        highest = connection.execute(sa.text("SELECT max(position) FROM audit_events")).scalar()
    assert after == before == highest


def test_evidence_of_an_initiative_deleted_since_is_still_told(api, star):
    """The feed keeps telling an old change after the initiative went: a follower far
    behind still reads it (whether it expects a file then rests on the file it has)."""
    note = api.post(
        f"initiatives/{star['id']}/evidence",
        json={"evidence_type": "session-notes", "payload": {"text": "Kept in the feed"}},
    )
    assert note.status_code == 201, note.json
    etag = api.get(f"initiatives/{star['id']}").headers["ETag"]
    assert api.delete(f"initiatives/{star['id']}", headers={"If-Match": etag}).status_code == 204
    items, _ = everything(api, record_type="evidence")
    told = [item for item in items if item["record_id"] == note.json["id"]]
    assert told[0]["type"] == "evidence.created"
    assert told[0]["record"]["expects_file"] is False


def test_new_evidence_is_one_record_to_its_answer_a_get_the_feed_and_its_next_change(api, star):
    """Evidence is created in one INSERT and held as a flush would hold it: its answer, a
    GET, its event and its next change all see the same record, made and not changed."""
    _, start = everything(api)
    made = api.post(
        f"initiatives/{star['id']}/evidence",
        json={"evidence_type": "session-notes", "payload": {"text": "Met at the café"},
              "external_ref": "crm-n-9"},
    )  # fmt: skip
    assert made.status_code == 201, made.json
    record = {key: value for key, value in made.json.items() if key != "advice"}
    assert record["version"] == 1
    assert record["created_at"] == record["updated_at"]
    assert record["file"] is None
    assert record["erased_at"] is None
    shown = api.get(f"evidence/{record['id']}")
    assert shown.json == record
    assert shown.headers["ETag"] == made.headers["ETag"]
    [event] = [i for i in everything(api, start)[0] if i["record_id"] == record["id"]]
    assert event["type"] == "evidence.created"
    assert event["record"] == record
    assert event["version"] == 1
    changed = api.patch(
        f"evidence/{record['id']}",
        json={"payload": {"text": "Met at the library"}},
        headers={"If-Match": made.headers["ETag"]},
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["version"] == 2
    stale = api.patch(
        f"evidence/{record['id']}",
        json={"payload": {"text": "Met at the park"}},
        headers={"If-Match": made.headers["ETag"]},
    )
    assert stale.status_code == 412, stale.json


def test_a_savepoint_rolled_back_drops_only_its_own_events(api, star, app, org, plugin_host):
    """A write confined to a savepoint (an upsert that lost a race for its reference, on
    PostgreSQL) forgets only the events of that savepoint: the transaction's earlier
    changes still reach the feed when it commits."""
    from api.context import services
    from toolkits_core.service import Initiative, Workspace

    _, start = everything(api)
    ws = Workspace(services(app).database.new_session(), org.id, plugin_host, services(app).files)
    try:
        initiative = ws.session.get(Initiative, star["id"])
        initiative.title = "Walks and talks"
        ws.session.flush()  # its event waits for the commit
        savepoint = ws.session.begin_nested()
        initiative.summary = "never kept"
        ws.session.flush()
        savepoint.rollback()  # the savepoint's write is refused; the transaction goes on
        ws.commit()
    finally:
        ws.session.close()
    items, _ = everything(api, start)
    assert [(i["type"], i["record_id"]) for i in items] == [("initiative.updated", star["id"])]
    assert items[0]["record"]["title"] == "Walks and talks"
    assert items[0]["record"]["summary"] != "never kept"


def test_on_postgresql_a_commit_holds_the_change_clock_for_one_statement(api, star, app):
    """Every writer in the database waits for the change clock's row, taken as the last
    write before the commit: the events and what they showed of their records go in the
    statement that takes it, so the row is held for one round trip, not one a table."""
    engine = services(app).database.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's write lock is the whole database's: no clock row is held")
    statements: list[str] = []

    def keep(_conn, _cursor, statement, *_args):
        statements.append(" ".join(statement.split()))

    sa.event.listen(engine, "before_cursor_execute", keep)
    try:
        created = api.post(
            f"initiatives/{star['id']}/evidence",
            json={"evidence_type": "session-notes", "payload": {"text": "One statement"}},
        )
    finally:
        sa.event.remove(engine, "before_cursor_execute", keep)
    assert created.status_code == 201, created.json
    clock = [index for index, sql in enumerate(statements) if "change_clock" in sql]
    assert len(clock) == 1, statements
    taking = statements[clock[0]]
    assert "INSERT INTO event_data" in taking, taking
    assert "INSERT INTO audit_events" in taking, taking
    assert not any("event_data" in sql for sql in statements[clock[0] + 1 :]), statements
    items, _ = everything(api, record_type="evidence")
    told = next(item for item in items if item["record_id"] == created.json["id"])
    assert told["record"]["payload"] == {"text": "One statement"}, "what it showed is kept"


def test_on_postgresql_without_the_clock_row_the_clock_statement_writes_nothing(app, org):
    """A database whose change clock has no row (not upgraded as it should be) writes no
    event and no data: the rowcount says so, and the write fails saying to upgrade,
    rather than as a conflict of the data's foreign key."""
    import datetime as dt

    from toolkits_core._store.audit import _numbered
    from toolkits_core._store.driver import write

    engine = services(app).database.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite takes its positions in a statement of their own")
    event = {
        "id": "aud_00000000000000000000000000",
        "organisation_id": org.id,
        "occurred_at": dt.datetime.now(dt.UTC),
        "key_id": None,
        "channel": "api",
        "action": "deleted",
        "record_type": "participant",
        "record_id": "par_00000000000000000000000000",
        "initiative_id": None,
        "fields": [],
        "event_type": "participant.deleted",
        "version": None,
    }
    values = {f"e0_{key}": value for key, value in event.items()}
    values |= {"d0_event_id": event["id"], "d0_external_ref": "crm-1", "d0_record": None}
    with engine.connect() as connection, connection.begin() as transaction:
        connection.execute(sa.text("DELETE FROM change_clock"))
        written = write(connection, _numbered(1, 1), values)
        data = connection.execute(
            sa.text("SELECT count(*) FROM event_data WHERE event_id = :id"), {"id": event["id"]}
        ).scalar_one()
        transaction.rollback()
    assert written.rowcount == 0
    assert data == 0
