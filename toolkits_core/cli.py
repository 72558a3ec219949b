"""The ``coprod`` command line: what is installed, what each toolkit holds, and the
operator's work on the database, organisations, API keys and OAuth2 clients.

Every command has a ``--json`` form for scripts; the text form is for people. Plugin
problems go to standard error so that the JSON on standard output stays parseable.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import pathlib
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click
import sqlalchemy as sa
from sqlalchemy.orm import Session

from toolkits_core._discovery import ENV_DISABLE, ENV_SELECT
from toolkits_core._documents import (
    STAGE_FLOW_EXPLANATIONS,
    evidence_payload_schema,
    failure_document,
    plugin_document,
    toolkit_document,
    toolkit_summary_document,
)
from toolkits_core._host import PluginHost, load_plugins
from toolkits_core._plugin_errors import PluginLoadError, UnknownToolkitError
from toolkits_core._scaffold import ScaffoldError, scaffold
from toolkits_core._store.audit import Actor, Channel, act_as
from toolkits_core._vocabulary import Toolkit
from toolkits_core.service import (
    DATABASE_URL_VARIABLE,
    DEFAULT_DATABASE_URL,
    DEFAULT_FILES_DIR,
    DEFAULT_GC_AFTER,
    DEFAULT_RETENTION,
    FILES_DIR_VARIABLE,
    FILES_URL_VARIABLE,
    GC_AFTER_VARIABLE,
    RETENTION_VARIABLE,
    ApiKey,
    Database,
    DatabaseUnusableError,
    FileEntry,
    FileStore,
    InvalidRequestError,
    LocalFileStore,
    OAuthClient,
    Organisation,
    ServiceError,
    check_store,
    collect_orphans,
    create_client,
    create_key,
    create_organisation,
    file_store_from,
    find_client,
    find_key,
    forget_expired_event_data,
    get_organisation,
    list_clients,
    list_keys,
    list_organisations,
    migrate_files,
    prune_idempotent_requests,
    revoke_client,
    revoke_key,
)

WIDTH = 88
NO_TOOLKITS = "No toolkits registered: is a toolkit plugin installed? (coprod plugins list)"


def _emit_json(document: Any) -> None:
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


def _host() -> PluginHost:
    try:
        return load_plugins()
    except (PluginLoadError, ValueError) as error:
        raise click.ClickException(str(error)) from error


@click.group()
@click.version_option(package_name="coprod", prog_name="coprod")
def main() -> None:
    """coprod: run co-production initiatives through the toolkits its plugins provide."""
    logging.basicConfig(level=logging.WARNING, format="coprod: %(message)s", stream=sys.stderr)


@main.group()
def plugins() -> None:
    """Toolkit plugins: what is installed and whether it loads.

    Plugins are found through the 'toolkits_core' entry-point group. COPROD_PLUGINS=a,b
    loads only those, COPROD_DISABLE_PLUGINS=a,b skips those, COPROD_PLUGINS_STRICT=1
    makes any plugin failure fatal.
    """


@plugins.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def plugins_list(as_json: bool) -> None:
    """List loaded, failed, disabled and unselected plugins."""
    host = _host_reporting_failures_itself()
    rows = [plugin_document(plugin) for plugin in host.plugins]
    rows += [failure_document(failure) for failure in host.failures]
    rows += [{"name": name, "status": "disabled"} for name in host.disabled]
    rows += [{"name": name, "status": "unselected"} for name in host.unselected]
    if as_json:
        _emit_json(rows)
        return
    if not rows:
        click.echo("No plugins loaded: none is installed, or COPROD_PLUGINS selects none.")
    for row in rows:
        if row["status"] == "loaded":
            toolkits = ", ".join(row["toolkits"]) or "no toolkits"
            click.echo(f"{row['name']} {row['version']}  ({row['module']})  toolkits: {toolkits}")
            if row["rules_for"]:
                click.echo(f"    adds rules to: {', '.join(row['rules_for'])}")
            click.echo(f"    hooks: {', '.join(row['hooks'])}")
        elif row["status"] == "failed":
            click.echo(f"{row['name']}  FAILED ({row['phase']}): {row['problem']}")
        elif row["status"] == "disabled":
            click.echo(f"{row['name']}  disabled by {ENV_DISABLE}")
        else:
            click.echo(f"{row['name']}  not selected by {ENV_SELECT}")


@plugins.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def plugins_check(as_json: bool) -> None:
    """Load every plugin strictly; exit 1, naming each broken plugin, if any fails."""
    host = _host_reporting_failures_itself()
    ok = not host.failures
    if as_json:
        _emit_json(
            {
                "ok": ok,
                "plugins": [plugin_document(plugin) for plugin in host.plugins],
                "failures": [failure_document(failure) for failure in host.failures],
            }
        )
    else:
        for plugin in host.plugins:
            click.echo(
                f"ok      {plugin.name} {plugin.version}: {', '.join(plugin.toolkits) or '-'}"
            )
        for failure in host.failures:
            click.echo(f"FAILED  {failure.plugin} ({failure.phase}): {failure.message}")
        count = len(host.plugins)
        summary = f"{count} plugin(s) loaded, {len(host.failures)} failed"
        click.echo(summary if ok else f"{summary}: fix or disable them ({ENV_DISABLE}).")
    if not ok:
        sys.exit(1)


@plugins.command("new")
@click.argument("name")
@click.option(
    "--directory",
    type=click.Path(file_okay=False, path_type=pathlib.Path),
    default=pathlib.Path("."),
    show_default=True,
    help="Where to make the plugin's folder.",
)
def plugins_new(name: str, directory: pathlib.Path) -> None:
    """Make a new toolkit plugin, NAME (such as double-diamond), ready to install and test.

    It holds a pyproject with the entry point, a toolkit with one stage, tests using
    coprod's pytest plugin, a README asking for the credit and licence, and a tox.ini.
    """
    try:
        root = scaffold(name, directory)
    except ScaffoldError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Made {root}. Next:")
    click.echo(f"  cd {root}")
    click.echo("  pip install -e '.[test]' && pytest && coprod plugins check")
    click.echo("Then fill in the credit and licence (README.md says what to write).")


@main.group()
def toolkits() -> None:
    """The toolkits the installed plugins provide."""


@toolkits.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def toolkits_list(as_json: bool) -> None:
    """List the registered toolkits."""
    host = _host()
    documents = [toolkit_summary_document(t, host.provider_of(t.key)) for t in host.toolkits()]
    if as_json:
        _emit_json(documents)
        return
    if not documents:
        click.echo(NO_TOOLKITS, err=True)
    for document in documents:
        counts = document["counts"]
        click.echo(
            f"{document['key']:<24} {document['version']:<8} {document['name']}  "
            f"[{document['stage_flow']}; {counts['stages']} stages, "
            f"{counts['dimensions']} dimensions]  (plugin {document['plugin']['name']})"
        )


@toolkits.command("show")
@click.argument("key", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def toolkits_show(key: str | None, as_json: bool) -> None:
    """Show a toolkit in full: attribution, stages, dimensions, scales, activities, evidence.

    Without KEY, show every registered toolkit (JSON: a list; with KEY, an object).
    """
    host = _host()
    chosen = list(host.toolkits()) if key is None else [_toolkit(host, key)]
    documents = [toolkit_document(t, host.provider_of(t.key)) for t in chosen]
    if as_json:
        _emit_json(documents if key is None else documents[0])
        return
    if not documents:
        click.echo(NO_TOOLKITS, err=True)
    for index, (toolkit, document) in enumerate(zip(chosen, documents, strict=True)):
        if index:
            click.echo("\n" + "=" * WIDTH + "\n")
        click.echo(render_toolkit(toolkit, document))


@toolkits.command("schema")
@click.argument("key")
@click.argument("evidence_type")
def toolkits_schema(key: str, evidence_type: str) -> None:
    """Print the JSON Schema of one evidence type's payload."""
    toolkit = _toolkit(_host(), key)
    try:
        _emit_json(evidence_payload_schema(toolkit, evidence_type))
    except KeyError:
        known = ", ".join(item.key for item in toolkit.evidence_types)
        raise click.ClickException(
            f"{toolkit.key} has no evidence type {evidence_type!r} (it has: {known})"
        ) from None


def _host_reporting_failures_itself() -> PluginHost:
    """A non-strict host whose failures the command prints, so the log need not repeat them."""
    plugin_log = logging.getLogger("toolkits_core.plugins")
    level = plugin_log.level
    plugin_log.setLevel(logging.ERROR)
    try:
        return load_plugins(strict=False)
    finally:
        plugin_log.setLevel(level)


def _toolkit(host: PluginHost, key: str) -> Toolkit:
    try:
        return host.toolkit(key)
    except UnknownToolkitError as error:
        raise click.ClickException(str(error)) from error


def _wrap(text: str, indent: int, hang: int = 0) -> str:
    """Fill ``text`` at ``indent``; continuation lines sit ``hang`` further in (list items)."""
    return textwrap.fill(
        text,
        WIDTH,
        initial_indent=" " * indent,
        subsequent_indent=" " * (indent + hang),
        break_long_words=False,  # keep URLs and keys whole, for copying
        break_on_hyphens=False,
    )


def render_toolkit(toolkit: Toolkit, document: dict[str, Any]) -> str:
    """The text form of ``coprod toolkits show``: everything in the toolkit, readable."""
    lines = [f"{toolkit.name}  ({toolkit.key} {toolkit.version})", _wrap(toolkit.summary, 2), ""]
    for label, value in (
        ("Publisher", toolkit.publisher),
        ("Source", toolkit.source_url),
        ("Attribution", toolkit.attribution),
        ("Licence", toolkit.licence),
        ("Plugin", f"{document['plugin']['name']} {document['plugin']['version']}"),
    ):
        lines.append(_wrap(f"{label}: {value}", 2))

    flow = STAGE_FLOW_EXPLANATIONS[toolkit.stage_flow]
    lines += ["", f"Stages ({toolkit.stage_flow.value}: {flow})"]
    for position, stage in enumerate(toolkit.stages, start=1):
        lines.append(f"  {position}. {stage.name} [{stage.key}]")
        lines.append(_wrap(stage.summary, 6))
        if stage.guidance:
            lines.append(_wrap(f"Guidance: {stage.guidance}", 6))

    lines += ["", "Dimensions"]
    for dimension in toolkit.dimensions:
        group = f" ({dimension.group})" if dimension.group else ""
        lines.append(f"  {dimension.name} [{dimension.key}]{group}")
        lines.append(_wrap(dimension.summary, 6))
        if dimension.indicators:
            lines.append("      Evidence checklist:")
            for indicator in dimension.indicators:
                lines.append(_wrap(f"- {indicator.text} [{indicator.key}]", 8, hang=2))

    lines += ["", "Scales"]
    for scale in toolkit.scales:
        lines.append(f"  {scale.name} [{scale.key}]")
        lines.append(_wrap(scale.summary, 6))
        if scale.provenance:
            lines.append(_wrap(f"Provenance: {scale.provenance}", 6))
        for level in scale.levels:
            group = f" ({level.group})" if level.group else ""
            detail = f": {level.summary}" if level.summary else ""
            lines.append(_wrap(f"{level.value}  {level.label}{group}{detail}", 8, hang=3))
        if scale.bands:
            lines.append("      Bands of the total:")
            for band in scale.bands:
                detail = f": {band.summary}" if band.summary else ""
                lines.append(
                    _wrap(f"{band.minimum}-{band.maximum}  {band.label}{detail}", 8, hang=4)
                )

    lines += ["", "Activity types"]
    for activity in toolkit.activity_types:
        lines.append(f"  {activity.name} [{activity.key}]")
        lines.append(_wrap(activity.summary, 6))
        lines.append(_wrap(f"Stages: {', '.join(activity.stages) or 'any'}", 6))
        if activity.dimensions:
            lines.append(_wrap(f"Dimensions: {', '.join(activity.dimensions)}", 6))
        if activity.evidence_types:
            lines.append(_wrap(f"Usual evidence: {', '.join(activity.evidence_types)}", 6))

    lines += ["", "Evidence types"]
    for evidence in document["evidence_types"]:
        file_note = ", with a file" if evidence["has_file"] else ""
        lines.append(f"  {evidence['name']} [{evidence['key']}] ({evidence['kind']}{file_note})")
        lines.append(_wrap(evidence["summary"], 6))
        lines.append(_wrap(f"Payload: {_describe_payload(evidence['payload_schema'])}", 6))
    return "\n".join(lines)


def _describe_payload(schema: dict[str, Any]) -> str:
    required = set(schema.get("required", ()))
    fields = [
        f"{name}{'*' if name in required else ''} ({spec.get('type', 'value')})"
        for name, spec in schema.get("properties", {}).items()
    ]
    return (", ".join(fields) or "free-form object") + ("  (* required)" if required else "")


# The operator's commands: the database, organisations and their API keys -------------
#
# They work on the database directly (there is no HTTP call that makes an organisation or
# its first key: someone with the server's shell must), through the same services as the
# HTTP API, so the rules on names, scopes and expiry are the ones the API applies.

database_option = click.option(
    "--database-url",
    envvar=DATABASE_URL_VARIABLE,
    show_envvar=True,
    metavar="URL",
    help=f"The database (default: the SQLite file {DEFAULT_DATABASE_URL.split('///')[-1]} "
    "in the working directory).",
)

# How a service's field paths read on the command line.
_OPTION_OF_FIELD = {"name": "name", "scopes": "--scope", "expires_at": "--expires-in-days"}


def _service_failure(error: ServiceError) -> click.ClickException:
    """A refusal of the services as one message for people, naming each field's problem."""
    if isinstance(error, InvalidRequestError):
        lines = []
        for problem in error.problems:
            field = problem.field.split("/")[0]
            lines.append(f"{_OPTION_OF_FIELD.get(field, field)}: {problem.message}")
        return click.ClickException("\n".join(lines))
    return click.ClickException(error.detail)


@contextmanager
def _database(url: str | None, *, create: bool = False) -> Iterator[Database]:
    """The database, disposed of afterwards; one that cannot be reached is a clear exit 1.

    Only ``create`` (``db upgrade``) may bring an SQLite file into being: any other command
    on a mistyped path would otherwise leave an empty file behind and blame its schema.
    """
    try:
        database = Database(url)
    except DatabaseUnusableError as error:
        raise click.ClickException(str(error)) from error
    file = database.sqlite_file
    if not create and file is not None and not file.exists():
        database.dispose()
        raise click.ClickException(
            f"There is no database at {file}. To make one there, run "
            f"`coprod db upgrade --database-url {database.display_url}`."
        )
    try:
        yield database
    except sa.exc.DBAPIError as error:
        first_line = str(error.orig or error).splitlines()[0]
        raise click.ClickException(f"Cannot use {database.display_url}: {first_line}") from error
    finally:
        database.dispose()


@contextmanager
def _session(url: str | None) -> Iterator[Session]:
    """A session on a database whose schema is current, committed when the block ends.

    An un-migrated database or a refused request ends the command with exit status 1 and
    a message saying what to do, not a traceback.
    """
    with _database(url) as database:
        try:
            database.require_current()
            with database.session() as session:
                act_as(session, Actor(Channel.CLI))
                yield session
        except DatabaseUnusableError as error:
            raise click.ClickException(str(error)) from error
        except ServiceError as error:
            raise _service_failure(error) from error


def _moment(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="seconds").replace("+00:00", "Z")


def key_status(key: ApiKey, now: dt.datetime | None = None) -> str:
    """``active``, ``revoked`` or ``expired``: whether the key still opens the API."""
    if key.revoked_at is not None:
        return "revoked"
    if key.expires_at is not None and key.expires_at <= (now or dt.datetime.now(dt.UTC)):
        return "expired"
    return "active"


def _key_document(key: ApiKey) -> dict[str, Any]:
    """A key as the CLI shows it: everything but its secret, which is not kept."""
    return {
        "id": key.id,
        "organisation_id": key.organisation_id,
        "name": key.name,
        "scopes": list(key.scopes),
        "status": key_status(key),
        "created_at": _moment(key.created_at),
        "expires_at": _moment(key.expires_at),
        "revoked_at": _moment(key.revoked_at),
        "last_used_at": _moment(key.last_used_at),
    }


def _organisation_document(organisation: Organisation) -> dict[str, Any]:
    return {
        "id": organisation.id,
        "name": organisation.name,
        "created_at": _moment(organisation.created_at),
    }


@main.group()
def db() -> None:
    """The database's schema: upgrade it, or see whether it is current."""


@db.command("upgrade")
@database_option
def db_upgrade(database_url: str | None) -> None:
    """Run the migrations: bring the database's schema to the newest revision.

    Safe to run again: a current database is left as it is. Run it after installing a new
    coprod and before starting the server on any database but the embedded SQLite file.
    """
    with _database(database_url, create=True) as database:
        before, after = database.upgrade()
    if before == after:
        click.echo(f"{database.display_url} is already at revision {after}: nothing to do.")
    else:
        click.echo(
            f"Upgraded {database.display_url} from revision {before or '(empty)'} to {after}."
        )


@db.command("current")
@database_option
def db_current(database_url: str | None) -> None:
    """Show the database's schema revision; exit 1 when it is behind this coprod."""
    with _database(database_url) as database:
        current, head = database.current_revision(), database.head_revision()
    if current == head:
        click.echo(f"{database.display_url} is at revision {current}: current.")
        return
    click.echo(
        f"{database.display_url} is at revision {current or '(empty: no coprod tables)'}; "
        f"this coprod needs {head}. Run `coprod db upgrade`."
    )
    sys.exit(1)


@main.group()
def orgs() -> None:
    """Organisations: the councils, partnerships or charities that own the data."""


@orgs.command("create")
@click.argument("name")
@database_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def orgs_create(name: str, database_url: str | None, as_json: bool) -> None:
    """Create an organisation named NAME and print its id."""
    with _session(database_url) as session:
        organisation = create_organisation(session, name)
        document = _organisation_document(organisation)
    if as_json:
        _emit_json(document)
        return
    click.echo(f"Created organisation {document['id']} ({document['name']}).")
    where = f" --database-url {database_url}" if database_url else ""
    click.echo(
        f"Give it a key: coprod keys create --org {document['id']} --name NAME --scope write{where}"
    )


@orgs.command("list")
@database_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def orgs_list(database_url: str | None, as_json: bool) -> None:
    """List every organisation, oldest first."""
    with _session(database_url) as session:
        documents = [_organisation_document(o) for o in list_organisations(session)]
    if as_json:
        _emit_json(documents)
        return
    if not documents:
        click.echo("No organisations yet: coprod orgs create NAME")
    for document in documents:
        click.echo(f"{document['id']}  {document['name']}  (created {document['created_at']})")


@main.group()
def keys() -> None:
    """API keys: made here or over HTTP, shown once, stored only as a digest."""


@keys.command("create")
@click.option("--org", "organisation_id", required=True, metavar="ORG_ID", help="Whose key.")
@click.option("--name", required=True, help="What the key is for, such as the CRM it connects.")
@click.option(
    "--scope",
    "scopes",
    required=True,
    multiple=True,
    metavar="SCOPE",
    help="A fine scope (feed:read, records:write, ...) or a bundle (read < write < admin); "
    "see README's scope table. Repeatable.",
)
@click.option(
    "--expires-in-days",
    type=click.IntRange(min=1, max=36_500),
    metavar="N",
    help="Stop working N days from now (default: never).",
)
@database_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def keys_create(
    organisation_id: str,
    name: str,
    scopes: tuple[str, ...],
    expires_in_days: int | None,
    database_url: str | None,
    as_json: bool,
) -> None:
    """Make an API key and print its token: the only time it is shown."""
    expires_at = None
    if expires_in_days is not None:
        expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(days=expires_in_days)
    with _session(database_url) as session:
        made = create_key(session, organisation_id, name, scopes, expires_at)
        document = _key_document(made.key)
    if as_json:
        _emit_json({**document, "token": made.token})
        return
    expiry = f", expires {document['expires_at']}" if document["expires_at"] else ""
    click.echo(
        f"Created key {document['id']} ({document['name']}; scopes "
        f"{', '.join(document['scopes'])}{expiry}) for organisation {organisation_id}."
    )
    click.echo(f"\n    {made.token}\n")
    click.echo(
        "Copy it now: it is not shown again (only its digest is stored). Send it as\n"
        "`Authorization: Bearer <key>`; to replace a lost key, make a new one and revoke\n"
        "the old one."
    )


@keys.command("list")
@click.option("--org", "organisation_id", required=True, metavar="ORG_ID", help="Whose keys.")
@database_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def keys_list(organisation_id: str, database_url: str | None, as_json: bool) -> None:
    """List an organisation's keys, revoked and expired ones included (never a secret)."""
    with _session(database_url) as session:
        get_organisation(session, organisation_id)
        documents = [_key_document(key) for key in list_keys(session, organisation_id)]
    if as_json:
        _emit_json(documents)
        return
    if not documents:
        click.echo(f"Organisation {organisation_id} has no keys yet.")
    for document in documents:
        when = {
            "active": f"expires {document['expires_at']}" if document["expires_at"] else "",
            "revoked": f"revoked {document['revoked_at']}",
            "expired": f"expired {document['expires_at']}",
        }[document["status"]]
        used = document["last_used_at"] or "never"
        click.echo(
            f"{document['id']}  {document['status']:<7}  {','.join(document['scopes']):<16}  "
            f"{document['name']}  (created {document['created_at']}; last used {used}"
            f"{'; ' + when if when else ''})"
        )


@keys.command("revoke")
@click.argument("key_id")
@database_option
def keys_revoke(key_id: str, database_url: str | None) -> None:
    """Revoke a key: it stops working at once; its record stays, for the audit trail."""
    with _session(database_url) as session:
        key = find_key(session, key_id)
        already = key.revoked_at is not None
        revoke_key(session, key.organisation_id, key.id)
        document = _key_document(key)
    if already:
        click.echo(
            f"Key {key_id} ({document['name']}) was already revoked at {document['revoked_at']}."
        )
    else:
        click.echo(
            f"Revoked key {key_id} ({document['name']}) of organisation "
            f"{document['organisation_id']}."
        )


def _client_document(client: OAuthClient) -> dict[str, Any]:
    """A client as the CLI shows it: everything but its secret, which is not kept."""
    return {
        "id": client.id,
        "organisation_id": client.organisation_id,
        "name": client.name,
        "scopes": list(client.scopes),
        "status": "revoked" if client.revoked_at else "active",
        "created_at": _moment(client.created_at),
        "revoked_at": _moment(client.revoked_at),
        "last_used_at": _moment(client.last_used_at),
    }


@main.group()
def clients() -> None:
    """OAuth2 clients (client credentials): a machine trades its id and secret for a
    short-lived bearer token at POST /api/v1/oauth/token."""


@clients.command("create")
@click.option("--org", "organisation_id", required=True, metavar="ORG_ID", help="Whose client.")
@click.option("--name", required=True, help="What the client is, such as the connector.")
@click.option(
    "--scope",
    "scopes",
    required=True,
    multiple=True,
    metavar="SCOPE",
    help="What its tokens may hold: fine scopes or bundles, as for keys. Repeatable.",
)
@database_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def clients_create(
    organisation_id: str,
    name: str,
    scopes: tuple[str, ...],
    database_url: str | None,
    as_json: bool,
) -> None:
    """Register a client and print its id and secret: the only time the secret is shown."""
    with _session(database_url) as session:
        made = create_client(session, organisation_id, name, scopes)
        document = _client_document(made.client)
    if as_json:
        _emit_json({**document, "client_id": document["id"], "client_secret": made.secret})
        return
    click.echo(
        f"Registered client {document['id']} ({document['name']}; scopes "
        f"{', '.join(document['scopes'])}) for organisation {organisation_id}."
    )
    click.echo(f"\n    client_id:     {document['id']}\n    client_secret: {made.secret}\n")
    click.echo(
        "Copy the secret now: it is not shown again (only its digest is stored). The client\n"
        "asks POST /api/v1/oauth/token (grant_type=client_credentials) for bearer tokens."
    )


@clients.command("list")
@click.option("--org", "organisation_id", metavar="ORG_ID", help="Whose clients (default: all).")
@database_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def clients_list(organisation_id: str | None, database_url: str | None, as_json: bool) -> None:
    """List clients, revoked ones included (never a secret)."""
    with _session(database_url) as session:
        if organisation_id is not None:
            get_organisation(session, organisation_id)
        documents = [_client_document(c) for c in list_clients(session, organisation_id)]
    if as_json:
        _emit_json(documents)
        return
    if not documents:
        click.echo("No OAuth2 clients yet: coprod clients create --org ORG_ID --name NAME ...")
    for document in documents:
        used = document["last_used_at"] or "never"
        click.echo(
            f"{document['id']}  {document['status']:<7}  {','.join(document['scopes']):<16}  "
            f"{document['name']}  (organisation {document['organisation_id']}; last token {used})"
        )


@clients.command("revoke")
@click.argument("client_id")
@database_option
def clients_revoke(client_id: str, database_url: str | None) -> None:
    """Revoke a client: it gets no more tokens, and those it holds stop at once."""
    with _session(database_url) as session:
        client = find_client(session, client_id)
        already = client.revoked_at is not None
        revoke_client(session, client)
        document = _client_document(client)
    if already:
        click.echo(f"Client {client_id} was already revoked at {document['revoked_at']}.")
    else:
        click.echo(
            f"Revoked client {client_id} ({document['name']}) of organisation "
            f"{document['organisation_id']}: its tokens stop working now."
        )


@main.group()
def events() -> None:
    """The change feed's events (GET /api/v1/events)."""


@events.command("prune")
@click.option(
    "--days",
    type=click.IntRange(1, 36500),
    envvar=RETENTION_VARIABLE,
    default=DEFAULT_RETENTION.days,
    show_default=True,
    help=f"Keep what events showed for this many days (else {RETENTION_VARIABLE}).",
)
@database_option
def events_prune(days: int, database_url: str | None) -> None:
    """Delete what events older than the feed's retention showed of their records.

    The events stay, as the audit log; their copies of records and external references
    go, so that nobody's data outlives the feed's promise. Run it daily (cron, a systemd
    timer): the feed already refuses cursors older than the retention.
    """
    with _session(database_url) as session:
        forgotten = forget_expired_event_data(session, dt.timedelta(days=days))
    click.echo(f"Forgot what {forgotten} events older than {days} days showed.")


@main.group()
def idempotency() -> None:
    """The answers kept for requests sent with an Idempotency-Key."""


@idempotency.command("prune")
@database_option
def idempotency_prune(database_url: str | None) -> None:
    """Delete the kept answers that have expired (24 hours after their request, by default).

    Expired ones are never used, whether pruned or not: this only frees their space. Safe
    to run from cron on any number of machines at once.
    """
    with _session(database_url) as session:
        pruned = prune_idempotent_requests(session)
    click.echo(f"Deleted {pruned} expired idempotent request{'' if pruned == 1 else 's'}.")


@main.group()
def files() -> None:
    """The evidence files: the local folder (COPROD_FILES_DIR) or object storage
    (COPROD_FILES_URL=s3://bucket/prefix)."""


files_url_option = click.option(
    "--files-url",
    envvar=FILES_URL_VARIABLE,
    show_envvar=True,
    metavar="URL",
    default="",
    help="The object store (s3://bucket/prefix); empty: the folder --files-dir.",
)
_Command = TypeVar("_Command", bound=Callable[..., Any])


def _files_dir_option(help_text: str) -> Callable[[_Command], _Command]:
    return click.option(
        "--files-dir",
        envvar=FILES_DIR_VARIABLE,
        show_envvar=True,
        metavar="DIR",
        default=DEFAULT_FILES_DIR,
        show_default=True,
        help=help_text,
    )


files_dir_option = _files_dir_option("The local folder of files, when no --files-url is given.")


def _file_store(url: str, files_dir: str) -> FileStore:
    try:
        return file_store_from(url, files_dir)
    except (ValueError, OSError) as error:
        raise click.ClickException(str(error)) from error


def _entry_line(entry: FileEntry) -> str:
    what = "unfinished upload" if entry.sha256 is None else "file"
    when = "last written"
    if entry.hidden:
        what += " behind a delete marker (its delete stopped short)"
        when = "hidden since"
    return (
        f"{entry.organisation_id}/{entry.evidence_id}/{entry.name}  {what}, {entry.size} "
        f"bytes, {when} {_moment(entry.modified)}"
    )


@files.command("gc")
@click.option(
    "--older-than",
    type=click.IntRange(0),
    envvar=GC_AFTER_VARIABLE,
    show_envvar=True,
    default=int(DEFAULT_GC_AFTER.total_seconds()),
    show_default=True,
    metavar="SECONDS",
    help="Only what nobody wrote for this long: longer than any upload takes.",
)
@click.option("--dry-run", is_flag=True, help="List what would go, and remove nothing.")
@files_url_option
@files_dir_option
@database_option
def files_gc(
    older_than: int, dry_run: bool, files_url: str, files_dir: str, database_url: str | None
) -> None:
    """Remove the files no committed record names: what a crash or a refused delete left.

    A request stores its file before it commits the record naming it, and deletes a file
    only after the commit that forgets it, so a process killed in between leaves a file
    behind, never a record without its file. Run this from cron (hourly, say), with
    --dry-run first to see what it would remove. Safe on any number of machines at once.
    """
    store = _file_store(files_url, files_dir)
    with _session(database_url) as session:
        try:
            sweep = collect_orphans(
                session, store, dt.timedelta(seconds=older_than), dry_run=dry_run
            )
        except OSError as error:
            raise click.ClickException(f"Cannot use {store.describe()}: {error}") from error
    for entry in sweep.found:
        click.echo(("would remove " if dry_run else "") + _entry_line(entry))
    for entry, why in sweep.failed:
        click.echo(f"could not remove {_entry_line(entry)}: {why}", err=True)
    verb = "Would remove" if dry_run else "Removed"
    count = len(sweep.found) if dry_run else len(sweep.removed)
    click.echo(
        f"{verb} {count} orphan{'' if count == 1 else 's'} older than {older_than} seconds "
        f"from {store.describe()}."
    )
    if sweep.failed:
        raise click.ClickException(f"{len(sweep.failed)} could not be removed (listed above).")


@files.command("check")
@files_url_option
@files_dir_option
@click.option(
    "--presign/--no-presign",
    envvar="COPROD_FILES_PRESIGN",
    show_envvar=True,
    default=False,
    help="Downloads are answered with signed URLs: fetch the file through one.",
)
def files_check(files_url: str, files_dir: str, presign: bool) -> None:
    """Check that this machine's file store does all the API asks of it.

    Stores a small file of its own, finds it listed, reads it back, fetches it through a
    signed URL (where downloads are signed) and deletes it, saying which step failed and
    what usually mends it: a bucket that does not exist, a missing permission, a wrong
    key or region, an endpoint that does not answer. Run it on each API machine after
    setting it up, as the user the API runs as (a folder it makes is that user's). Exit
    status 1 if a step failed. Needs no database.
    """
    store = _file_store(files_url, files_dir)
    click.echo(f"Checking {store.describe()}:")
    failed = False
    for step in check_store(store, presign=presign):
        if step.problem is not None:
            click.echo(f"  {step.name}: FAILED, {step.problem}")
        else:
            click.echo(f"  {step.name}: {step.note or 'ok'}")
        failed = failed or step.problem is not None
    if failed:
        raise click.ClickException("the file store is not ready: see the step that failed.")
    click.echo("The file store is ready.")


@files.command("migrate")
@click.option(
    "--to",
    "target_url",
    required=True,
    metavar="URL",
    help="The object store to move the files into: s3://bucket/prefix.",
)
@_files_dir_option("The local folder to copy the files from.")
def files_migrate(target_url: str, files_dir: str) -> None:
    """Copy the local folder's files into object storage, checking every SHA-256.

    Each file's bytes are checked against its name (its SHA-256) before the copy, the
    store's digest of what it received is checked as it arrives, and the copy is read back
    and checked again. The folder is left as it was: once every file is reported copied,
    set COPROD_FILES_URL to the target on every machine, restart, and keep the folder until
    you are satisfied. Running it again copies everything again (an interrupted move is
    finished by a second run). Exit status 1 if any file failed.
    """
    if not target_url.startswith("s3://"):
        raise click.ClickException(
            f"--to takes an object store, s3://bucket/prefix, not {target_url!r}"
        )
    source = LocalFileStore(files_dir)
    target = _file_store(target_url, files_dir)

    def report(entry: FileEntry, what: str) -> None:
        click.echo(f"{entry.organisation_id}/{entry.evidence_id}/{entry.name}: {what}")

    move = migrate_files(source, target, report)
    click.echo(
        f"Copied and checked {len(move.copied)} file{'' if len(move.copied) == 1 else 's'} "
        f"from {source.describe()} to {target.describe()}."
    )
    if move.problems:
        raise click.ClickException(f"{len(move.problems)} failed (listed above); run it again.")
