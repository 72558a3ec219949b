"""Delivery by the worker: order, signatures, the types asked for, retries, giving up."""

from __future__ import annotations

import datetime as dt
import time

from conftest import ApiClient
from ports import free_port
from webhook_receiver import verifies

from api.context import services
from toolkits_core.service import create_key, create_organisation

from .conftest import make_worker

STAR = "coproduction-star"


def events(api, cursor_before):
    """The feed's events after ``cursor_before``, as GET /events shows them."""
    items = []
    cursor = cursor_before
    while True:
        page = api.get("events", query_string={"limit": 100, "cursor": cursor}).json
        if not page["items"]:
            return items
        items += page["items"]
        cursor = page["next_cursor"]


def feed_cursor(api):
    """A cursor at the feed's end now."""
    cursor = "eyJwb3NpdGlvbiI6MH0"  # position 0
    while True:
        page = api.get("events", query_string={"limit": 100, "cursor": cursor}).json
        if not page["items"]:
            return cursor
        cursor = page["next_cursor"]


def test_events_arrive_signed_in_feed_order_as_the_feed_shows_them(
    api, subscribe, receiver, deliver
):
    start = feed_cursor(api)
    made = subscribe(receiver.url, ["participant.*", "initiative.created", "evidence.*"])
    initiative = api.post("initiatives", json={"toolkit": STAR, "title": "Walks"}).json
    people = [
        api.post(
            f"initiatives/{initiative['id']}/participants",
            json={"role": "volunteer", "display_name": f"P{n}", "consent": "given"},
        ).json
        for n in range(3)
    ]
    api.patch(f"participants/{people[0]['id']}", json={"display_name": "P0 renamed"})
    api.post(f"initiatives/{initiative['id']}/activities",
             json={"activity_type": "asset-mapping-walk", "title": "Not asked for"})  # fmt: skip
    api.delete(f"participants/{people[1]['id']}")
    api.post(f"initiatives/{initiative['id']}/evidence",
             json={"evidence_type": "session-notes", "payload": {"text": "Met"}})  # fmt: skip
    wanted = [
        e for e in events(api, start) if e["type"].startswith(("participant.", "evidence."))
        or e["type"] == "initiative.created"
    ]  # fmt: skip
    assert wanted[-1]["type"] == "evidence.created"
    deliver(lambda: len(receiver.received) >= len(wanted))
    assert [r.document() for r in receiver.received] == wanted
    assert [r.id for r in receiver.received] == [e["id"] for e in wanted]
    assert all(verifies(made["secret"], r) for r in receiver.received)


def test_a_receiver_answering_500_then_200_gets_the_retry_with_the_same_id(
    api, org, subscribe, receiver, deliver
):
    receiver.answers = [500, 503]
    made = subscribe(receiver.url, ["initiative.created"])
    api.post("initiatives", json={"toolkit": STAR, "title": "Walks"})
    deliver(lambda: any(r.status == 200 for r in receiver.received))
    assert [r.status for r in receiver.received] == [500, 503, 200]
    assert len({r.id for r in receiver.received}) == 1
    log = org.with_scope("admin").get(f"webhooks/{made['id']}/deliveries").json["items"]
    assert [(d["outcome"], d["response_status"]) for d in log] == [
        ("retrying", 500), ("retrying", 503), ("delivered", 200)
    ]  # fmt: skip
    assert all(d["latency_ms"] >= 0 and d["response_excerpt"] == "ok" for d in log)


def test_429_waits_at_least_its_retry_after(api, org, subscribe, receiver, deliver):
    receiver.answers = [429]
    receiver.headers = {"Retry-After": "120"}
    made = subscribe(receiver.url, ["initiative.created"])
    api.post("initiatives", json={"toolkit": STAR, "title": "Walks"})
    before = dt.datetime.now(dt.UTC)
    deliver(lambda: len(receiver.received) == 1)
    shown = org.with_scope("admin").get(f"webhooks/{made['id']}").json
    due = dt.datetime.fromisoformat(shown["next_attempt_at"])
    assert due >= before + dt.timedelta(seconds=119)
    assert shown["failing_since"] is not None


def test_a_4xx_answer_is_final_and_the_next_event_follows(api, org, subscribe, receiver, deliver):
    receiver.answers = [422]
    made = subscribe(receiver.url, ["initiative.created"])
    first = api.post("initiatives", json={"toolkit": STAR, "title": "One"}).json
    second = api.post("initiatives", json={"toolkit": STAR, "title": "Two"}).json
    deliver(lambda: len(receiver.received) >= 2)
    assert [(r.document()["record_id"], r.status) for r in receiver.received] == [
        (first["id"], 422), (second["id"], 200)
    ]  # fmt: skip
    log = org.with_scope("admin").get(f"webhooks/{made['id']}/deliveries").json["items"]
    assert [d["outcome"] for d in log] == ["rejected", "delivered"]


def test_a_rejected_event_can_be_redelivered_with_its_webhook_id(
    api, org, subscribe, receiver, deliver
):
    receiver.answers = [400]
    made = subscribe(receiver.url, ["initiative.created"])
    api.post("initiatives", json={"toolkit": STAR, "title": "One"})
    deliver(lambda: len(receiver.received) >= 1)
    admin = org.with_scope("admin")
    [rejected] = admin.get(f"webhooks/{made['id']}/deliveries").json["items"]
    again = admin.post(f"webhooks/{made['id']}/deliveries/{rejected['id']}/redeliver")
    assert again.status_code == 200, again.json
    assert again.json["outcome"] == "delivered"
    assert again.json["trigger"] == "redeliver"
    assert receiver.received[1].id == receiver.received[0].id == rejected["event_id"]
    assert receiver.received[1].body == receiver.received[0].body
    assert verifies(made["secret"], receiver.received[1])


def test_a_webhook_made_before_a_quiet_spell_hears_the_next_change(
    api, org, subscribe, receiver, deliver
):
    """Its own creation is in the audit log, after its cursor, and older than the feed's
    retention by the time anything happens: that must not expire its cursor (which the
    worker takes for a receiver that fell too far behind, and disables it)."""
    made = subscribe(receiver.url, ["initiative.created"])
    time.sleep(1.5)  # a quiet spell longer than the retention below
    api.post("initiatives", json={"toolkit": STAR, "title": "Walks"})
    shown = lambda: org.with_scope("admin").get(f"webhooks/{made['id']}").json  # noqa: E731
    deliver(
        lambda: len(receiver.received) >= 1 or shown()["status"] == "disabled",
        retention=dt.timedelta(seconds=1),
    )
    assert shown()["status"] == "active", shown()["disabled_reason"]
    assert [r.document()["type"] for r in receiver.received] == ["initiative.created"]


def test_an_export_logged_after_the_cursor_does_not_keep_the_worker_busy(
    make_app, tmp_path, receiver
):
    """An export is in the audit log (``initiative.exported``) but not the feed: it must not
    make the subscription due, or the worker claims it for an empty page, again and
    again, without a pause, until the next change. On a database of its own, where no
    other test's subscription can be due."""
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'own.sqlite3'}", AUTO_MIGRATE=True)
    with services(app).database.session() as session:
        organisation = create_organisation(session, "Quiet council")
        tokens = {s: create_key(session, organisation.id, s, [s]).token for s in ("write", "admin")}
    api = ApiClient(app.test_client(), tokens["write"])
    initiative = api.post("initiatives", json={"toolkit": STAR, "title": "Walks"}).json
    hook = {"url": receiver.url, "event_types": ["*"]}
    assert api.as_key(tokens["admin"]).post("webhooks", json=hook).status_code == 201
    assert api.get("export", query_string={"initiative_id": initiative["id"]}).status_code == 200
    worker = make_worker(app)
    try:
        assert worker.run_once() is False  # nothing is due
    finally:
        worker.close()
    assert receiver.received == []


def closed_port_url():
    return f"http://127.0.0.1:{free_port()}/hook"


def test_a_receiver_down_for_the_give_up_period_is_disabled_with_the_reason(
    api, org, subscribe, deliver
):
    made = subscribe(closed_port_url())
    admin = org.with_scope("admin")
    api.post("initiatives", json={"toolkit": STAR, "title": "Walks"})
    status = lambda: admin.get(f"webhooks/{made['id']}").json["status"]  # noqa: E731
    deliver(lambda: status() == "disabled", give_up_after=dt.timedelta(seconds=0.5))
    shown = admin.get(f"webhooks/{made['id']}").json
    assert "failed attempts" in shown["disabled_reason"]
    assert "cannot connect" in shown["disabled_reason"]
    log = admin.get(f"webhooks/{made['id']}/deliveries").json["items"]
    assert len(log) >= 2
    assert all(d["outcome"] == "retrying" and d["error"] for d in log)
    audit = admin.get("audit-events", query_string={"record_id": made["id"]}).json["items"]
    assert [(e["action"], e["fields"], e["channel"], e["key_id"]) for e in audit[1:]] == [
        ("changed", ["disabled_reason", "status"], "system", None)
    ]  # the worker's retries are not logged; disabling the webhook is, once


def test_a_disabled_webhook_set_active_again_resumes_from_the_event_it_missed(
    api, org, subscribe, receiver, deliver
):
    made = subscribe(closed_port_url())
    admin = org.with_scope("admin")
    missed = api.post("initiatives", json={"toolkit": STAR, "title": "Walks"}).json
    status = lambda: admin.get(f"webhooks/{made['id']}").json["status"]  # noqa: E731
    deliver(lambda: status() == "disabled", give_up_after=dt.timedelta(seconds=0.3))
    resumed = admin.patch(f"webhooks/{made['id']}", json={"status": "active", "url": receiver.url})
    assert resumed.status_code == 200, resumed.json
    assert resumed.json["disabled_reason"] is None
    deliver(lambda: len(receiver.received) >= 1)
    assert receiver.received[0].document()["record_id"] == missed["id"]


def test_a_paused_webhook_waits_and_then_gets_what_happened_meanwhile(
    api, org, subscribe, receiver, deliver
):
    made = subscribe(receiver.url, ["initiative.created"], status="paused")
    made_while_paused = api.post("initiatives", json={"toolkit": STAR, "title": "Walks"}).json
    deliver(lambda: True)
    admin = org.with_scope("admin")
    for _ in range(5):
        deliver(lambda: True)
    assert receiver.received == []
    admin.patch(f"webhooks/{made['id']}", json={"status": "active"})
    deliver(lambda: len(receiver.received) >= 1)
    assert receiver.received[0].document()["record_id"] == made_while_paused["id"]


def test_a_stored_url_httpx_refuses_is_a_logged_failure_not_a_failed_round(
    api, org, subscribe, deliver, database
):
    """A URL saved before the API refused control characters (or put in by hand): each
    attempt is logged and retried until the webhook is disabled, as for a receiver that
    is down, instead of the worker's round raising on it for ever (found by probing)."""
    import sqlalchemy as sa

    from toolkits_core._store.models import WebhookSubscription

    made = subscribe("https://crm.example.org/hook")
    with database.session() as session:
        session.execute(
            sa.update(WebhookSubscription)
            .where(WebhookSubscription.id == made["id"])
            .values(url="https://crm.example.org/hook\r\nX-Injected: 1")
        )
        session.commit()
    admin = org.with_scope("admin")
    api.post("initiatives", json={"toolkit": STAR, "title": "Walks"})
    status = lambda: admin.get(f"webhooks/{made['id']}").json["status"]  # noqa: E731
    deliver(lambda: status() == "disabled", give_up_after=dt.timedelta(seconds=0.5))
    log = admin.get(f"webhooks/{made['id']}/deliveries").json["items"]
    assert log
    assert all(d["outcome"] == "retrying" for d in log)
    assert all(d["error"].startswith("invalid URL") for d in log)
