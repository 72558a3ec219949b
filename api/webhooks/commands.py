"""``coprod webhooks``: run delivery workers, list subscriptions, prune the delivery log."""

from __future__ import annotations

import datetime as dt
import json
import logging
import signal
import threading
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask

from api.context import services
from api.resources.webhooks import webhook_settings
from api.webhooks.worker import Worker
from toolkits_core.cli import database_option, main
from toolkits_core.service import WebhookSubscription, prune_deliveries, utc_now


@main.group()
def webhooks() -> None:
    """Webhook delivery: workers, subscriptions and their delivery log."""


def start_worker_thread(app: Flask) -> Worker:
    """A worker delivering in a daemon thread of this process (``coprod serve --webhooks``)."""
    worker = Worker(app, webhook_settings(app))
    threading.Thread(target=worker.run, name="coprod-webhooks", daemon=True).start()
    return worker


@webhooks.command("work")
def webhooks_work() -> None:
    """Deliver webhooks until stopped (SIGTERM or Ctrl+C finish the delivery under way).

    Run as many as you like, on as many machines as you like, against one database:
    each claims a subscription at a time with a lease, so one delivery per subscription
    is in flight and its order holds. The database is COPROD_DATABASE_URL as for serve;
    the COPROD_WEBHOOKS_* settings (see the README) tune timeouts and retries.
    """
    from api.cli import _app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    app = _app()
    held = services(app)
    worker = Worker(app, webhook_settings(app))

    def stop(_signal: int, _frame: Any) -> None:
        worker.stop.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"Delivering webhooks as {worker.owner} from {held.database.display_url}.")
    try:
        worker.run()
    finally:
        worker.close()
        held.database.dispose()
    click.echo("Stopped.")


@webhooks.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def webhooks_list(as_json: bool) -> None:
    """Every organisation's subscriptions and where their delivery stands (no secrets)."""
    from api.cli import _app

    app = _app()
    held = services(app)
    with held.database.session() as session:
        found = session.scalars(sa.select(WebhookSubscription).order_by(WebhookSubscription.id))
        documents = [
            {
                "id": s.id,
                "organisation_id": s.organisation_id,
                "url": s.url,
                "status": s.status,
                "event_types": s.event_types,
                "cursor_position": s.cursor_position,
                "failing_since": s.failing_since.isoformat() if s.failing_since else None,
                "disabled_reason": s.disabled_reason,
            }
            for s in found
        ]
    held.database.dispose()
    if as_json:
        click.echo(json.dumps(documents, indent=2))
        return
    if not documents:
        click.echo("No webhook subscriptions (make one with POST /api/v1/webhooks).")
    for d in documents:
        reason = f"  ({d['disabled_reason']})" if d["disabled_reason"] else ""
        click.echo(f"{d['id']}  {d['organisation_id']}  {d['status']}  {d['url']}{reason}")


@webhooks.command("prune")
@click.option(
    "--days",
    type=click.IntRange(1, 36500),
    default=30,
    show_default=True,
    help="Keep delivery attempts for this many days.",
)
@database_option
def webhooks_prune(days: int, database_url: str | None) -> None:
    """Delete delivery attempts older than --days from the log (daily, from cron)."""
    from toolkits_core.cli import _session

    with _session(database_url) as session:
        pruned = prune_deliveries(session, utc_now() - dt.timedelta(days=days))
    click.echo(f"Deleted {pruned} delivery attempts older than {days} days.")
