"""A plugin written for plugin API 1.0 keeps working under every 1.x (a minor version).

``example_plugin/`` is docs/example_plugin exactly as API 1.0 documented it, byte for byte
(the digest below holds it still): installed with pip, it loads, passes ``coprod plugins
check`` and its own tests, against the API as it is now.
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest
from test_installed_plugins import coprod, pip_install

import toolkits_core

FROZEN = pathlib.Path(__file__).parent / "example_plugin"
FROZEN_SHA256 = "dee851a162df36f21b29956583ceec85300c1e594e9ed41a0995fc1fa5abc7fc"
"""Of every file of the frozen example, in path order: a change here is a change to 1.0."""


def frozen_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(
        p for p in FROZEN.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    ):
        digest.update(path.relative_to(FROZEN).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    root = tmp_path_factory.mktemp("api-1.0")
    source = shutil.copytree(FROZEN, root / "src", ignore=shutil.ignore_patterns("__pycache__"))
    return pip_install(source, root / "site")


def test_the_frozen_1_0_example_is_unchanged():
    assert frozen_digest() == FROZEN_SHA256


def test_this_coprod_speaks_a_1_x_plugin_api():
    assert toolkits_core.PLUGIN_API_VERSION.split(".")[0] == "1"


def test_a_1_0_plugin_loads_and_passes_the_check(installed: pathlib.Path):
    listed = coprod("toolkits", "list", "--json", path=installed)
    assert listed.returncode == 0, listed.stderr
    assert "tlap-ladder" in {t["key"] for t in json.loads(listed.stdout)}
    checked = coprod("plugins", "check", path=installed)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_1_0_plugins_own_tests_pass(installed: pathlib.Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPROD_")}
    env["PYTHONPATH"] = str(installed)
    tests = installed.parent / "src" / "tests"
    result = subprocess.run(
        [sys.executable, "-P", "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "--rootdir", str(tests), "-c", os.devnull, str(tests)],
        capture_output=True, text=True, env=env, timeout=300, check=False, cwd=installed.parent,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout
