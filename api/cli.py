"""The ``coprod`` command with the HTTP API's commands added: ``serve`` and ``openapi``.

``main`` is ``toolkits_core.cli.main`` itself, so every core command (toolkits, plugins,
db, orgs, keys) is here too; this module adds what needs the Flask app. The console
script points here, so that an installed coprod has one command for everything.
"""

from __future__ import annotations

import errno
import pathlib
import shlex
import socket
from typing import Any

import click
import sqlalchemy as sa

from api.app import ConfigurationError, create_app
from api.context import services
from api.spec import document_json
from toolkits_core.cli import main
from toolkits_core.service import DatabaseUnusableError, database_url, list_organisations

__all__ = ["main"]

DOCS_PATH = "/api/v1/docs"
PRODUCTION_NOTE = (
    "This is Flask's development server, for trying coprod out on one machine. In "
    "production run gunicorn against PostgreSQL behind TLS: see the README."
)


def _app(config: dict[str, Any] | None = None) -> Any:
    """The app, or a clear exit when its database cannot be used as it is."""
    try:
        return create_app(config)
    except (DatabaseUnusableError, ConfigurationError) as error:
        raise click.ClickException(str(error)) from error
    except sa.exc.DBAPIError as error:
        url = sa.engine.make_url(database_url((config or {}).get("DATABASE_URL")))
        first_line = str(error.orig or error).splitlines()[0]
        raise click.ClickException(
            f"Cannot use {url.render_as_string(hide_password=True)}: {first_line}"
        ) from error


def _require_free_port(host: str, port: int) -> None:
    """Stop before any work (and before a demo key is made) if the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.create_server((host, port), family=family):
            pass
    except OSError as error:
        hint = (
            "is coprod already running? Stop it, or choose another port with --port."
            if error.errno == errno.EADDRINUSE
            else "choose another --host or --port."
        )
        raise click.ClickException(
            f"Cannot listen on {host}:{port} ({error.strerror}): {hint}"
        ) from error


def _browser_host(host: str) -> str:
    """Where a browser on this machine reaches a server listening on ``host``."""
    if host in {"0.0.0.0", "::", ""}:
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port."
)
@click.option(
    "--demo",
    is_flag=True,
    help="First record a demo organisation and initiative (reused if there already) and "
    "print a new API key for it.",
)
@click.option(
    "--webhooks",
    "with_webhooks",
    is_flag=True,
    help="Also deliver webhooks, from a worker thread in this process (or run "
    "`coprod webhooks work` beside the server).",
)
def serve(host: str, port: int, demo: bool, with_webhooks: bool) -> None:
    """Serve the HTTP API with Flask's development server.

    The database is COPROD_DATABASE_URL, else the SQLite file coprod.sqlite3 in the
    working directory, which is created and migrated on first use. Any other database must
    be upgraded first (coprod db upgrade). Swagger UI is at /api/v1/docs.
    """
    _require_free_port(host, port)
    # The demo shows the network library's public pages, which an operator turns on.
    app = _app({"PUBLIC_LIBRARY": "1"} if demo else None)
    base = f"http://{_browser_host(host)}:{port}"
    if demo:
        # Content, not part of the API: loaded only when asked for.
        from coprod_demo import DemoRequestError, DemoUnavailableError, seed_demo

        try:
            seeded = seed_demo(app)
        except DemoUnavailableError as error:
            raise click.ClickException(str(error)) from error
        except DemoRequestError as error:
            raise click.ClickException(
                f"The demo could not be recorded, and nothing of it was kept: {error}"
            ) from error
        click.echo(demo_instructions(seeded.summary, seeded.token, seeded.initiative_id, base))
    else:
        click.echo(f"Swagger UI: {base}{DOCS_PATH}")
        with services(app).database.session() as session:
            if not list_organisations(session):
                click.echo(
                    "There is no organisation yet, so every call will answer 401: run "
                    "`coprod serve --demo`, or `coprod orgs create` then `coprod keys create`."
                )
    click.echo(f"Database: {services(app).database.display_url}")
    click.echo(PRODUCTION_NOTE)
    if with_webhooks:
        from api.webhooks.commands import start_worker_thread

        click.echo(f"Delivering webhooks in this process as {start_worker_thread(app).owner}.")
    app.run(host=host, port=port, debug=False, load_dotenv=False)


def demo_instructions(summary: str, token: str, initiative_id: str, base: str) -> str:
    """What ``serve --demo`` prints: the key, where to click, and one request to paste."""
    curl = shlex.join(
        [
            "curl",
            "-H",
            f"Authorization: Bearer {token}",
            f"{base}/api/v1/initiatives/{initiative_id}/progress",
        ]
    )
    return "\n".join(
        [
            summary,
            "",
            "API key (admin scope; shown once, a new one each time you run serve --demo):",
            "",
            f"    {token}",
            "",
            f"Swagger UI: {base}{DOCS_PATH}  (press Authorize and paste the key)",
            f"The case study library (public pages, no key): {base}/library",
            "Try it:",
            "",
            f"    {curl}",
            "",
        ]
    )


@main.command()
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=pathlib.Path),
    help="Write the document to this file instead of printing it.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 if the file at --output differs from the document (for CI).",
)
def openapi(output: pathlib.Path | None, check: bool) -> None:
    """Print the OpenAPI document the server serves at /api/v1/openapi.json.

    It is built from an app on a throwaway in-memory database, so no database is needed.
    The repository keeps it in openapi/openapi.json:
    `coprod openapi --output openapi/openapi.json` regenerates it.
    """
    if check and output is None:
        raise click.UsageError("--check compares with a file: give it as --output PATH.")
    app = _app({"DATABASE_URL": "sqlite://", "AUTO_MIGRATE": True})
    try:
        document = document_json(app)
    finally:
        services(app).database.dispose()
    if output is None:
        click.echo(document, nl=False)
        return
    if check:
        if not output.is_file() or output.read_text(encoding="utf-8") != document:
            raise click.ClickException(
                f"{output} is not the document the server serves: regenerate it with "
                f"`coprod openapi --output {output}`."
            )
        click.echo(f"{output} is current.")
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(document, encoding="utf-8")
    click.echo(f"Wrote {output}.")


# The command groups that need the app register themselves on ``main``.
from api.webhooks import commands as _webhook_commands  # noqa: E402, F401
