"""The audit log: every write is recorded with the key that made it; nothing can change it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from api.cli import main
from toolkits_core.service import AuditEvent

STAR = "coproduction-star"


def key_id(token: str) -> str:
    return token.removeprefix("coprod_").split(".")[0]


def events(org, **query):
    response = org.with_scope("admin").get("audit-events", query_string={"limit": 100, **query})
    assert response.status_code == 200, response.json
    return response.json["items"]


def about_initiatives(found):
    """Events other than the set-up of the organisation and its keys by the fixtures."""
    return [e for e in found if e["record_type"] not in {"organisation", "api_key"}]


def summary(found):
    return [(e["action"], e["record_type"], e["fields"]) for e in found]


def test_creations_changes_transitions_and_deletions_are_logged_with_their_key(org):
    api = org.api
    ini = api.post("initiatives", json={"toolkit": STAR, "title": "Walks"}).json["id"]
    api.patch(f"initiatives/{ini}", json={"title": "Canal walks", "summary": "Weekly"})
    activity = api.post(
        f"initiatives/{ini}/activities",
        json={"activity_type": "co-production-mapping-session", "title": "Mapping"},
    ).json["id"]
    assert (
        api.post(f"initiatives/{ini}/transitions", json={"to_stage": "focus-it"}).status_code == 201
    )
    assert api.patch(f"activities/{activity}", json={"outcomes": "A map"}).status_code == 200
    found = events(org, initiative_id=ini)
    assert summary(found) == [
        ("created", "initiative", []),
        ("created", "transition", []),
        ("changed", "initiative", ["summary", "title"]),
        ("created", "activity", []),
        ("changed", "initiative", ["stage"]),
        ("created", "transition", []),
        ("changed", "activity", ["outcomes"]),
    ]
    assert {e["key_id"] for e in found} == {key_id(org.tokens["write"])}
    assert {e["channel"] for e in found} == {"api"}
    assert all(e["initiative_id"] == ini for e in found)
    assert api.delete(f"initiatives/{ini}").status_code == 204
    assert summary(events(org, record_id=ini))[-1] == ("deleted", "initiative", [])


def test_refused_requests_leave_no_trace_in_the_log(org, other_org):
    api = org.api
    ini = api.post("initiatives", json={"toolkit": STAR, "title": "Walks"}).json["id"]
    before = events(org)
    assert api.patch(f"initiatives/{ini}", json={"title": ""}).status_code == 422
    assert api.patch(f"initiatives/{ini}", json={"title": "X"},
                     headers={"If-Match": '"stale"'}).status_code == 412  # fmt: skip
    assert (
        api.post(f"initiatives/{ini}/transitions", json={"to_stage": "focus-it"}).status_code == 409
    )
    assert other_org.api.patch(f"initiatives/{ini}", json={"title": "Mine"}).status_code == 404
    assert (
        org.with_scope("read").patch(f"initiatives/{ini}", json={"title": "X"}).status_code == 403
    )
    assert events(org) == before
    assert about_initiatives(events(other_org)) == []


def test_keys_made_and_revoked_are_logged_and_secrets_never_are(org):
    admin = org.with_scope("admin")
    made = admin.post("keys", json={"name": "CRM sync", "scopes": ["read"]}).json
    assert admin.delete(f"keys/{made['id']}").status_code == 200
    found = events(org, record_id=made["id"])
    assert [(e["action"], e["fields"]) for e in found] == [
        ("created", []),
        ("changed", ["revoked_at"]),
    ]
    log = admin.get("audit-events", query_string={"limit": 100}).get_data(as_text=True)
    assert made["token"].split(".")[1] not in log


def test_the_log_is_for_admin_keys_and_each_organisation_sees_only_its_own(org, other_org):
    org.api.post("initiatives", json={"toolkit": STAR, "title": "Walks"})
    for scope in ("read", "write"):
        response = org.with_scope(scope).get("audit-events")
        assert response.status_code == 403
        assert response.json["code"] == "missing_scope"
    assert about_initiatives(events(org))
    assert about_initiatives(events(other_org)) == []
    assert {e["record_id"] for e in events(other_org)}.isdisjoint(
        e["record_id"] for e in events(org)
    )


def test_the_log_pages_and_filters(org):
    for number in range(5):
        org.api.post("initiatives", json={"toolkit": STAR, "title": f"Walks {number}"})
    admin = org.with_scope("admin")
    first = admin.get("audit-events", query_string={"limit": 4, "record_type": "initiative"})
    assert len(first.json["items"]) == 4
    assert 'rel="next"' in first.headers["Link"]
    rest = admin.get(
        "audit-events",
        query_string={"limit": 4, "record_type": "initiative", "cursor": first.json["next_cursor"]},
    ).json
    ids = [e["record_id"] for e in first.json["items"] + rest["items"]]
    assert len(ids) == 5
    assert ids == sorted(ids)
    bad = admin.get("audit-events", query_string={"action": "read"})
    assert bad.status_code == 422


def test_the_command_line_is_logged_as_such(org, database, monkeypatch):
    monkeypatch.setenv("COPROD_DATABASE_URL", database.url)
    result = CliRunner().invoke(
        main,
        ["keys", "create", "--org", org.id, "--name", "Operator made", "--scope", "read", "--json"],
    )
    assert result.exit_code == 0, result.output
    found = [e for e in events(org) if e["record_type"] == "api_key" and e["action"] == "created"]
    assert found[-1]["channel"] == "cli"
    assert found[-1]["key_id"] is None


@pytest.mark.parametrize("statement", ["UPDATE audit_events SET action = 'created'",
                                       "DELETE FROM audit_events"])  # fmt: skip
def test_the_database_refuses_to_change_or_delete_an_event(org, database, statement):
    org.api.post("initiatives", json={"toolkit": STAR, "title": "Walks"})
    with database.session() as session:
        count = session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    assert count
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), database.engine.begin() as db:
        db.execute(sa.text(statement))
    with database.session() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == count
