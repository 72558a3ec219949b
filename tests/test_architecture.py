"""The public surface and the import direction: api -> toolkits_core <- plugins."""

from __future__ import annotations

import ast
import pathlib

import pytest

import toolkits_core

ROOT = pathlib.Path(__file__).parents[1]


def imports_of(package):
    """(file, imported module) for every import in a package's source."""
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path.relative_to(ROOT), alias.name, None
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield path.relative_to(ROOT), node.module, [alias.name for alias in node.names]


def test_the_exported_names_are_pinned():
    """Changing this list changes the plugin API: bump PLUGIN_API_VERSION and say so in the docs."""
    assert sorted(toolkits_core.__all__) == sorted(
        [
            "ALL_CYCLES", "ENTRY_POINT_GROUP", "PLUGIN_API_VERSION", "ActivityType",
            "ActivityView", "Advice",
            "AssessmentSummary", "AssessmentView", "Blocker", "Consent", "Dimension",
            "EvidenceKind", "EvidenceType", "EvidenceView", "Indicator", "InitiativeView",
            "InvalidRecordError", "ListsAre", "ParticipantRole", "ParticipantView", "PluginFailure",
            "PluginHookError", "PluginHost", "PluginInfo", "PluginLoadError", "Problem",
            "Requirement",  # plugin API 1.2
            "Scale", "ScaleBand", "ScaleLevel", "Stage", "StageFlow", "Toolkit", "Transition",
            "TransitionDecision", "TransitionKind", "UnknownToolkitError", "check_toolkit",
            "default_payload_schema", "default_summary", "hookimpl", "hookspec", "load_plugins",
            # The published shapes of toolkits and plugins, for the CLI and the HTTP API.
            "evidence_payload_schema", "failure_document", "plugin_document", "toolkit_document",
            "toolkit_summary_document",
            # Plugin API 1.2: toolkit-specific case-study sections, as data.
            "Block", "CaseStudySection", "CaseStudyView", "Citations", "Measure", "Measures",
            "Paragraph", "Table",
        ]
    )  # fmt: skip
    for name in toolkits_core.__all__:
        assert hasattr(toolkits_core, name), name


def test_the_plugin_docs_state_the_current_plugin_api_version():
    docs = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    major = toolkits_core.PLUGIN_API_VERSION.split(".")[0]
    assert (
        f'`toolkits_core.PLUGIN_API_VERSION` (now `"{toolkits_core.PLUGIN_API_VERSION}"`)' in docs
    )
    assert f"PLUGIN_API = {major}" in docs


def test_the_core_imports_neither_the_api_nor_any_plugin():
    offending = [
        (str(path), module)
        for path, module, _ in imports_of("toolkits_core")
        if module.split(".")[0] in {"api", "plugins"}
    ]
    assert offending == []


def test_plugins_import_only_the_public_names_of_the_core():
    offending = []
    for path, module, names in imports_of("plugins"):
        if module.startswith("toolkits_core") and module != "toolkits_core":
            offending.append((str(path), module))
        if module == "toolkits_core" and names:
            offending += [(str(path), name) for name in names if name not in toolkits_core.__all__]
        if module.split(".")[0] == "api":
            offending.append((str(path), module))
    assert offending == []


def test_the_api_never_imports_a_plugin():
    if not (ROOT / "api").exists():
        pytest.skip("api/ arrives with the REST API")
    assert [m for _, m, _ in imports_of("api") if m.split(".")[0] == "plugins"] == []


def test_the_api_uses_only_the_public_names_of_the_core():
    """The HTTP layer sees the core as any application would: two public modules, no more."""
    offending = [
        (str(path), module)
        for path, module, _ in imports_of("api")
        if module.startswith("toolkits_core")
        and module not in {"toolkits_core", "toolkits_core.service", "toolkits_core.cli"}
    ]
    assert offending == []


def test_the_application_api_names_resolve():
    from toolkits_core import service

    for name in service.__all__:
        assert hasattr(service, name), name
    assert not {name for name in service.__all__ if name.startswith("_")}


@pytest.mark.parametrize("package", ["toolkits_core", "api"])
def test_the_core_and_the_api_name_no_particular_toolkit(package):
    """Toolkit-agnostic means a second toolkit needs no change here: no toolkit is named."""
    if not (ROOT / package).exists():
        pytest.skip(f"{package}/ arrives with the REST API")
    names = ["co-production star", "coproduction-star", "coproduction_star", "national standards",
             "national-standards", "national_standards", "governance international", "scdc",
             "map it", "focus it", "analyse"]  # fmt: skip
    hits = [
        (str(path.relative_to(ROOT)), name)
        for path in sorted((ROOT / package).rglob("*.py"))
        for name in names
        if name in path.read_text(encoding="utf-8").lower()
    ]
    assert hits == []


def test_every_exported_name_is_documented_for_plugin_authors():
    docs = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    table = docs.split("## Every exported name", 1)[1].split("\n## ", 1)[0]
    listed = [line.split("`")[1] for line in table.splitlines() if line.startswith("| `")]
    assert sorted(listed) == sorted(toolkits_core.__all__)
