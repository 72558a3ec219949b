"""The coprod command line, as a person and as a script use it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from toolkits_core import load_plugins
from toolkits_core.cli import main

BUILT_IN = ["coproduction-star", "national-standards"]


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


def every_text_of(toolkit):
    yield from (
        toolkit.name,
        toolkit.attribution,
        toolkit.licence,
        toolkit.source_url,
        toolkit.publisher,
    )
    for stage in toolkit.stages:
        yield from (stage.name, stage.key)
    for dimension in toolkit.dimensions:
        yield from (dimension.name, dimension.key)
        yield from (indicator.key for indicator in dimension.indicators)
    for scale in toolkit.scales:
        yield from (
            scale.name,
            *(level.label for level in scale.levels),
            *(b.label for b in scale.bands),
        )
    for activity in toolkit.activity_types:
        yield from (activity.name, activity.key)
    for evidence in toolkit.evidence_types:
        yield from (evidence.name, evidence.key)


@pytest.mark.parametrize("key", BUILT_IN)
def test_toolkits_show_prints_a_toolkit_in_full(run, key):
    result = run("toolkits", "show", key)
    assert result.exit_code == 0
    flat = " ".join(result.output.split())  # undo the wrapping
    toolkit = load_plugins().toolkit(key)
    missing = [text for text in every_text_of(toolkit) if " ".join(text.split()) not in flat]
    assert missing == []


def test_toolkits_show_without_a_key_prints_every_toolkit(run):
    result = run("toolkits", "show")
    assert result.exit_code == 0
    for toolkit in load_plugins().toolkits():
        assert f"{toolkit.name}  ({toolkit.key} {toolkit.version})" in result.output
    documents = json.loads(run("toolkits", "show", "--json").output)
    assert [d["key"] for d in documents] == BUILT_IN


def test_toolkits_show_json_is_the_whole_definition(run):
    document = json.loads(run("toolkits", "show", "national-standards", "--json").output)
    toolkit = load_plugins().toolkit("national-standards")
    assert document["key"] == "national-standards"
    assert [s["key"] for s in document["stages"]] == [s.key for s in toolkit.stages]
    assert [d["key"] for d in document["dimensions"]] == [d.key for d in toolkit.dimensions]
    assert document["attribution"] == toolkit.attribution
    assert document["plugin"]["name"] == "national_standards"
    assert all(e["payload_schema"]["type"] == "object" for e in document["evidence_types"])


def test_an_unknown_toolkit_is_a_clear_error(run):
    result = CliRunner().invoke(main, ["toolkits", "show", "outcomes"])
    assert result.exit_code == 1
    assert (
        "no toolkit 'outcomes' is registered (known: coproduction-star, national-standards"
        in result.output
    )


def test_toolkits_list_json_lists_each_toolkit_with_its_plugin(run):
    documents = json.loads(run("toolkits", "list", "--json").output)
    assert [d["key"] for d in documents] == BUILT_IN
    assert {d["plugin"]["name"] for d in documents} == {"coproduction_star", "national_standards"}
    text = run("toolkits", "list").output
    assert all(key in text for key in BUILT_IN)


def test_toolkits_schema_prints_a_standalone_json_schema(run):
    toolkit = load_plugins().toolkit("coproduction-star")
    evidence_type = toolkit.evidence_types[0]
    schema = json.loads(run("toolkits", "schema", toolkit.key, evidence_type.key).output)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert schema["properties"] == evidence_type.json_schema()["properties"]


def test_toolkits_schema_names_the_known_evidence_types_when_given_a_wrong_one():
    result = CliRunner().invoke(main, ["toolkits", "schema", "national-standards", "hologram"])
    assert result.exit_code == 1
    assert "national-standards has no evidence type 'hologram' (it has: " in result.output


def test_plugins_list_and_check_report_the_built_in_plugins(run):
    rows = [
        r
        for r in json.loads(run("plugins", "list", "--json").output)
        if r["status"] != "unselected"
    ]
    assert [(r["name"], r["status"]) for r in rows] == [
        ("coproduction_star", "loaded"),
        ("national_standards", "loaded"),
    ]
    assert "coprod_register_toolkits" in rows[0]["hooks"]
    checked = json.loads(run("plugins", "check", "--json").output)
    assert checked["ok"] is True
    assert checked["failures"] == []


def test_plugins_list_shows_disabled_plugins(run, monkeypatch):
    monkeypatch.setenv("COPROD_DISABLE_PLUGINS", "national_standards")
    rows = json.loads(run("plugins", "list", "--json").output)
    assert {"name": "national_standards", "status": "disabled"} in rows
    assert "national_standards  disabled by COPROD_DISABLE_PLUGINS" in run("plugins", "list").output


def test_plugins_check_exits_non_zero_when_a_selected_plugin_is_missing(monkeypatch):
    monkeypatch.setenv("COPROD_PLUGINS", "coproduction_star,ghost")
    result = CliRunner().invoke(main, ["plugins", "check"])
    assert result.exit_code == 1
    assert "FAILED  ghost (select): named in COPROD_PLUGINS but not installed" in result.output


def test_coprod_version(run):
    assert run("--version").output.startswith("coprod, version ")


def test_plugins_list_shows_plugins_left_out_by_coprod_plugins(run, monkeypatch):
    monkeypatch.setenv("COPROD_PLUGINS", "national_standards")
    rows = json.loads(run("plugins", "list", "--json").output)
    assert {"name": "coproduction_star", "status": "unselected"} in rows
    assert "coproduction_star  not selected by COPROD_PLUGINS" in run("plugins", "list").output


def test_with_no_toolkits_show_and_list_say_so_on_stderr(monkeypatch):
    monkeypatch.setenv("COPROD_PLUGINS", "")
    runner = CliRunner()
    for command in (["toolkits", "show"], ["toolkits", "list"]):
        result = runner.invoke(main, command)
        assert result.exit_code == 0
        assert result.stdout == ""
        assert "No toolkits registered" in result.stderr


def test_an_unclear_strict_setting_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("COPROD_PLUGINS_STRICT", "maybe")
    result = CliRunner().invoke(main, ["toolkits", "list"])
    assert result.exit_code == 1
    assert (
        "COPROD_PLUGINS_STRICT='maybe': use 1 to make plugin failures fatal, or 0" in result.output
    )


def test_files_check_on_a_folder_needs_no_signed_urls_and_names_a_folder_it_cannot_make(
    tmp_path,
):
    folder = tmp_path / "files"
    checked = CliRunner().invoke(main, ["files", "check", "--files-dir", str(folder)])
    assert checked.exit_code == 0, checked.output
    assert "fetch it through a signed URL: not needed" in checked.output
    assert [p for p in folder.rglob("*") if p.is_file()] == []  # its file is gone again
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    refused = CliRunner().invoke(main, ["files", "check", "--files-dir", str(blocker / "x")])
    assert refused.exit_code == 1
    assert "store a file: FAILED" in refused.output


def test_files_check_says_when_it_could_not_delete_its_own_file(tmp_path):
    from toolkits_core.service import LocalFileStore, check_store

    class Undeletable(LocalFileStore):
        def delete(self, organisation_id: str, evidence_id: str, sha256: str) -> None:
            raise PermissionError("[Errno 13] Permission denied: the file")

    steps = list(check_store(Undeletable(tmp_path / "files")))
    assert [(step.name, step.problem is None) for step in steps] == [
        ("store a file", True),
        ("list it", True),
        ("read it back", True),
        ("fetch it through a signed URL", True),
        ("delete it", False),
        ("delete what it stored", False),
    ]
    assert "run as the API's user" in steps[-2].problem
    assert steps[-1].problem.endswith("coprod files gc will remove it")
