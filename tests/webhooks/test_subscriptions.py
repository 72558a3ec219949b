"""Managing webhook subscriptions over HTTP: secrets, types, rotation, ping, the log."""

from __future__ import annotations

import pytest
from webhook_receiver import verifies

PUBLIC_URL = "https://93.184.215.14/coprod-hook"
"""A public address given as such, so no test depends on DNS."""


@pytest.fixture
def admin(org):
    return org.with_scope("admin")


def test_a_new_webhook_shows_its_secret_once_and_never_again(admin, subscribe):
    made = subscribe(PUBLIC_URL, ["participant.*"], description="Dynamics")
    assert made["secret"].startswith("whsec_")
    assert made["status"] == "active"
    assert made["event_types"] == ["participant.*"]
    shown = admin.get(f"webhooks/{made['id']}")
    assert shown.status_code == 200
    assert "secret" not in shown.json
    again = admin.get(f"webhooks/{made['id']}", headers={"If-None-Match": shown.headers["ETag"]})
    assert again.status_code == 304
    listed = admin.get("webhooks").json["items"]
    assert [w["id"] for w in listed] == [made["id"]]
    assert all("secret" not in w for w in listed)


@pytest.mark.parametrize(
    "types",
    [["participant.nope"], ["nothing.*"], ["participant*"], ["**"]],
)
def test_event_types_the_feed_does_not_have_are_422(admin, types):
    response = admin.post("webhooks", json={"url": PUBLIC_URL, "event_types": types})
    assert response.status_code == 422
    assert response.json["errors"][0]["code"] == "unknown_event_type"
    assert admin.get("webhooks").json["items"] == []


def test_a_webhook_is_changed_paused_and_deleted_with_if_match(admin, subscribe):
    made = subscribe(PUBLIC_URL)
    etag = admin.get(f"webhooks/{made['id']}").headers["ETag"]
    changed = admin.patch(
        f"webhooks/{made['id']}",
        json={"status": "paused", "event_types": ["initiative.stage_changed"]},
        headers={"If-Match": etag},
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["status"] == "paused"
    stale = admin.patch(
        f"webhooks/{made['id']}", json={"description": "x"}, headers={"If-Match": etag}
    )
    assert stale.status_code == 412
    assert admin.patch(f"webhooks/{made['id']}", json={"status": "disabled"}).status_code == 422
    gone = admin.delete(f"webhooks/{made['id']}", headers={"If-Match": changed.headers["ETag"]})
    assert gone.status_code == 204
    assert admin.get(f"webhooks/{made['id']}").status_code == 404


def test_every_change_an_admin_makes_to_a_webhook_is_in_the_audit_log_but_no_secret(
    org, admin, subscribe
):
    """Where an organisation's changes are sent is for its auditors to see, as who holds
    a key is: each write, with the key that made it and the fields it changed."""
    made = subscribe(PUBLIC_URL, ["participant.*"])
    assert admin.patch(f"webhooks/{made['id']}", json={"status": "paused"}).status_code == 200
    rotated = admin.post(f"webhooks/{made['id']}/rotate-secret", json={"overlap_hours": 1})
    assert rotated.status_code == 200, rotated.json
    assert admin.patch(f"webhooks/{made['id']}", json={"url": "x"}).status_code == 422
    assert admin.delete(f"webhooks/{made['id']}").status_code == 204
    log = admin.get("audit-events", query_string={"record_id": made["id"], "limit": 100})
    assert log.status_code == 200, log.json
    found = log.json["items"]
    assert [(e["action"], e["record_type"], e["fields"]) for e in found] == [
        ("created", "webhook_subscription", []),
        ("changed", "webhook_subscription", ["status"]),
        ("changed", "webhook_subscription",
         ["previous_secret", "previous_secret_expires_at", "secret"]),
        ("deleted", "webhook_subscription", []),
    ]  # fmt: skip
    admin_key = org.tokens["admin"].removeprefix("coprod_").split(".")[0]
    assert {(e["key_id"], e["channel"]) for e in found} == {(admin_key, "api")}
    text = admin.get("audit-events", query_string={"limit": 100}).get_data(as_text=True)
    for secret in (made["secret"], rotated.json["secret"]):
        assert secret not in text
        assert secret.removeprefix("whsec_") not in text


def test_webhooks_need_the_admin_scope_and_stay_in_their_organisation(org, other_org, subscribe):
    made = subscribe(PUBLIC_URL)
    assert org.with_scope("write").get("webhooks").status_code == 403
    assert other_org.with_scope("admin").get(f"webhooks/{made['id']}").status_code == 404
    assert other_org.with_scope("admin").get("webhooks").json["items"] == []


def test_a_ping_is_signed_sent_now_and_logged(admin, subscribe, receiver):
    made = subscribe(receiver.url)
    ping = admin.post(f"webhooks/{made['id']}/ping")
    assert ping.status_code == 200, ping.json
    assert ping.json["outcome"] == "delivered"
    assert ping.json["response_status"] == 200
    assert ping.json["response_excerpt"] == "ok"
    [got] = receiver.received
    assert verifies(made["secret"], got)
    assert got.document()["type"] == "webhook.ping"
    assert got.id == ping.json["message_id"]
    log = admin.get(f"webhooks/{made['id']}/deliveries").json["items"]
    assert [d["id"] for d in log] == [ping.json["id"]]


def test_after_a_rotation_both_secrets_sign_until_the_overlap_ends(admin, subscribe, receiver):
    made = subscribe(receiver.url)
    rotated = admin.post(f"webhooks/{made['id']}/rotate-secret", json={"overlap_hours": 1})
    assert rotated.status_code == 200, rotated.json
    new = rotated.json["secret"]
    assert new != made["secret"]
    admin.post(f"webhooks/{made['id']}/ping")
    during = receiver.received[-1]
    assert verifies(new, during)
    assert verifies(made["secret"], during)
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    admin.post(f"webhooks/{made['id']}/rotate-secret", json={"overlap_hours": 0})
    latest = admin.get(f"webhooks/{made['id']}")
    assert latest.json["previous_secret_expires_at"] is not None
    admin.post(f"webhooks/{made['id']}/ping")
    after = receiver.received[-1]
    assert not verifies(new, after)
    assert not verifies(made["secret"], after)
    assert len(after.headers["webhook-signature"].split(" ")) == 1


def test_the_delivery_log_is_paged_with_a_cursor(admin, subscribe, receiver):
    made = subscribe(receiver.url)
    sent = [admin.post(f"webhooks/{made['id']}/ping").json["id"] for _ in range(3)]
    first = admin.get(f"webhooks/{made['id']}/deliveries", query_string={"limit": 2})
    assert [d["id"] for d in first.json["items"]] == sent[:2]
    assert 'rel="next"' in first.headers["Link"]
    rest = admin.get(
        f"webhooks/{made['id']}/deliveries",
        query_string={"limit": 2, "cursor": first.json["next_cursor"]},
    )
    assert [d["id"] for d in rest.json["items"]] == sent[2:]
