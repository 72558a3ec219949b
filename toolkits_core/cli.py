"""The ``coprod`` command line: what is installed, and what each toolkit holds.

Every command has a ``--json`` form for scripts; the text form is for people. Plugin
problems go to standard error so that the JSON on standard output stays parseable.
"""

from __future__ import annotations

import json
import logging
import sys
import textwrap
from typing import Any

import click

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
from toolkits_core._vocabulary import Toolkit

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
