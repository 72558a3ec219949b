"""Third-party plugins, installed with pip, are found through the entry point with no change here.

Each test builds a real distribution, installs it with pip into a throw-away folder and
runs the real ``coprod`` command with that folder on its path, as a user's venv would.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys
import textwrap

import pytest

ROOT = pathlib.Path(__file__).parents[1]
EXAMPLE = ROOT / "docs" / "example_plugin"
COPROD = pathlib.Path(sys.executable).parent / "coprod"

THROWAWAY_TOOLKIT = """
from toolkits_core import EvidenceKind, EvidenceType, Stage, StageFlow, Toolkit, hookimpl

STAGES = [Stage("start", "Start", "Begin."), Stage({second_key!r}, "Finish", "End.")]


@hookimpl
def coprod_register_toolkits(register):
    register(
        Toolkit(
            key="throwaway",
            name="Throw-away Toolkit",
            version="0.0.1",
            summary="Made by a test, installed with pip, thrown away after.",
            publisher="coprod tests",
            licence="CC0",
            attribution="Nobody's: made up for a test.",
            source_url="https://example.org/throwaway",
            stage_flow=StageFlow.SEQUENTIAL,
            stages=STAGES,
            evidence_types=[EvidenceType("note", "Note", EvidenceKind.NOTE, "A note.")],
        )
    )
"""


def write_distribution(folder: pathlib.Path, name: str, module_source: str) -> pathlib.Path:
    module = name.replace("-", "_")
    (folder / module).mkdir(parents=True)
    (folder / module / "__init__.py").write_text(textwrap.dedent(module_source), encoding="utf-8")
    (folder / "pyproject.toml").write_text(
        textwrap.dedent(
            f"""
            [build-system]
            requires = ["setuptools>=69"]
            build-backend = "setuptools.build_meta"

            [project]
            name = "{name}"
            version = "0.0.1"

            [project.entry-points.toolkits_core]
            {module} = "{module}"

            [tool.setuptools]
            packages = ["{module}"]
            """
        ),
        encoding="utf-8",
    )
    return folder


def pip_install(source: pathlib.Path, target: pathlib.Path) -> pathlib.Path:
    """Install a distribution as pip would for a user, into ``target`` only."""
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-index", "--target", str(target), str(source)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return target


def coprod(*args: str, path: pathlib.Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPROD_")}
    env["PYTHONPATH"] = str(path)
    return subprocess.run(
        [str(COPROD), *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


@pytest.fixture(scope="module")
def throwaway(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    root = tmp_path_factory.mktemp("throwaway")
    source = write_distribution(
        root / "src", "coprod-throwaway", THROWAWAY_TOOLKIT.format(second_key="finish")
    )
    return pip_install(source, root / "site")


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """Two broken plugins: one registers a wrong toolkit, one cannot be imported."""
    root = tmp_path_factory.mktemp("broken")
    wrong = write_distribution(
        root / "wrong", "coprod-wrong-toolkit", THROWAWAY_TOOLKIT.format(second_key="start")
    )
    unimportable = write_distribution(
        root / "unimportable", "coprod-unimportable", "import a_module_nobody_installed\n"
    )
    pip_install(wrong, root / "site")
    return pip_install(unimportable, root / "site")


def test_an_installed_third_party_plugin_is_discovered_through_the_entry_point(throwaway):
    listed = coprod("plugins", "list", "--json", path=throwaway)
    assert listed.returncode == 0, listed.stderr
    plugins = {row["name"]: row for row in json.loads(listed.stdout)}
    assert plugins["coprod_throwaway"]["status"] == "loaded"
    assert plugins["coprod_throwaway"]["version"] == "0.0.1"
    assert plugins["coprod_throwaway"]["toolkits"] == ["throwaway"]
    # The built-in plugins load beside it, through the same group.
    assert plugins["coproduction_star"]["status"] == "loaded"
    assert plugins["national_standards"]["status"] == "loaded"

    shown = coprod("toolkits", "show", "throwaway", path=throwaway)
    assert shown.returncode == 0, shown.stderr
    assert "Throw-away Toolkit  (throwaway 0.0.1)" in shown.stdout
    assert "Plugin: coprod_throwaway 0.0.1" in shown.stdout
    assert coprod("plugins", "check", path=throwaway).returncode == 0


def test_plugins_check_fails_naming_each_broken_plugin_and_its_problem(broken):
    checked = coprod("plugins", "check", path=broken)
    assert checked.returncode == 1
    assert (
        "FAILED  coprod_wrong_toolkit (toolkit): toolkit 'throwaway' is wrong: "
        "stages: key 'start' is used 2 times"
    ) in checked.stdout
    assert (
        "FAILED  coprod_unimportable (import): ModuleNotFoundError: "
        "No module named 'a_module_nobody_installed'"
    ) in checked.stdout
    assert "ok      coproduction_star" in checked.stdout


def test_a_broken_plugin_does_not_take_the_others_down(broken):
    listed = coprod("toolkits", "list", "--json", path=broken)
    assert listed.returncode == 0
    keys = {t["key"] for t in json.loads(listed.stdout)}
    assert {"coproduction-star", "national-standards"} <= keys
    assert "throwaway" not in keys
    assert "skipped plugin 'coprod_wrong_toolkit' (toolkit)" in listed.stderr


def test_disabling_the_broken_plugins_makes_the_check_pass(broken):
    env_path = broken
    result = subprocess.run(
        [str(COPROD), "plugins", "check"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("COPROD_")},
            "PYTHONPATH": str(env_path),
            "COPROD_DISABLE_PLUGINS": "coprod_wrong_toolkit,coprod_unimportable",
        },
    )
    assert result.returncode == 0, result.stdout


def test_strict_mode_stops_any_command_when_a_plugin_is_broken(broken):
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("COPROD_")}}
    env.update(PYTHONPATH=str(broken), COPROD_PLUGINS_STRICT="1")
    result = subprocess.run(
        [str(COPROD), "toolkits", "list"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "2 plugin failure(s)" in result.stderr


# The example in docs/plugins.md is a real plugin, and its own tests pass when installed.


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    root = tmp_path_factory.mktemp("example")
    # Build from a copy: building in place would leave build/ and *.egg-info in docs/.
    source = shutil.copytree(EXAMPLE, root / "src", ignore=shutil.ignore_patterns("__pycache__"))
    return pip_install(source, root / "site")


def test_the_documented_example_plugin_installs_and_registers_its_toolkit(example):
    listed = coprod("toolkits", "list", "--json", path=example)
    assert listed.returncode == 0, listed.stderr
    keys = {t["key"]: t for t in json.loads(listed.stdout)}
    assert keys["tlap-ladder"]["plugin"] == {"name": "tlap_ladder", "version": "1.0.0"}
    assert coprod("plugins", "check", path=example).returncode == 0


def test_the_documented_example_plugin_passes_its_own_tests(example):
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPROD_")}
    env["PYTHONPATH"] = str(example)
    tests = example.parent / "src" / "tests"
    # -P: import the installed plugin from PYTHONPATH, never the source beside the tests.
    result = subprocess.run(
        [sys.executable, "-P", "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "--rootdir", str(tests), "-c", os.devnull, "--coprod-plugin", "tlap_ladder", str(tests)],
        capture_output=True, text=True, env=env, timeout=300, check=False, cwd=example.parent,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout


def test_the_plugin_docs_show_every_file_of_the_example_verbatim():
    docs = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    files = sorted(
        p
        for p in EXAMPLE.rglob("*")
        if p.is_file() and p.suffix in {".py", ".toml"} and "__pycache__" not in p.parts
    )
    assert len(files) >= 3
    for path in files:
        relative = path.relative_to(ROOT).as_posix()
        assert f"`{relative}`" in docs, f"docs/plugins.md does not name {relative}"
        assert path.read_text(encoding="utf-8").strip() in docs, (
            f"docs/plugins.md is out of date for {relative}: run python docs/embed_example.py"
        )
