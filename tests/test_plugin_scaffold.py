"""``coprod plugins new`` makes a plugin that installs, passes its own tests (which walk it
over HTTP with coprod's pytest plugin) and the host's checks, as generated.

The plugin is pip-installed into a fresh venv. So that nothing is downloaded, the venv sees
this coprod and its dependencies through a ``.pth`` file adding this interpreter's
site-packages, and pip installs with ``--no-index --no-deps --no-build-isolation``.
"""

from __future__ import annotations

import os
import pathlib
import site
import subprocess
import sys
import venv

import pytest

from toolkits_core._scaffold import ScaffoldError, names, scaffold

COPROD = pathlib.Path(sys.executable).parent / "coprod"


def run(*command: str | pathlib.Path, cwd: pathlib.Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(part) for part in command],
        capture_output=True, text=True, cwd=cwd, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[pathlib.Path, pathlib.Path]:
    """A scaffolded plugin, pip-installed into a fresh venv: (its folder, the venv's python)."""
    root = tmp_path_factory.mktemp("scaffold")
    made = run(COPROD, "plugins", "new", "river-walks", "--directory", root, cwd=root,
               env=dict(os.environ))  # fmt: skip
    assert "coprod-toolkit-river-walks" in made
    plugin = root / "coprod-toolkit-river-walks"
    fresh = root / "venv"
    venv.EnvBuilder(with_pip=False).create(fresh)
    python = fresh / "bin" / "python"
    fresh_site = pathlib.Path(
        run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
            cwd=root, env=dict(os.environ)).strip()
    )  # fmt: skip
    # addsitedir, not a bare path: the editable install of coprod is itself a .pth file.
    (fresh_site / "coprod_under_test.pth").write_text(
        "".join(f"import site; site.addsitedir({path!r})\n" for path in site.getsitepackages()),
        encoding="utf-8",
    )
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-index",
        "--no-deps", "--no-build-isolation", plugin, cwd=root, env=dict(os.environ))  # fmt: skip
    return plugin, python


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("COPROD_")}


def test_the_scaffolded_plugins_own_tests_pass_walking_it_over_http(installed):
    plugin, python = installed
    # -P: the installed plugin, not the source folder; its pyproject names it coprod_plugin.
    out = run(python, "-P", "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests",
              cwd=plugin, env=clean_env())  # fmt: skip
    assert "3 passed" in out


def test_coprod_plugins_check_accepts_the_scaffolded_plugin(installed):
    plugin, python = installed
    out = run(python, "-c", "from api.cli import main; main()", "plugins", "check",
              cwd=plugin, env=clean_env())  # fmt: skip
    assert "ok      river_walks 0.1.0: river-walks" in out
    assert " 0 failed" in out


def test_the_scaffold_holds_the_promised_files(tmp_path):
    root = scaffold("river_walks", tmp_path)
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) == [
        "README.md",
        "coprod_toolkit_river_walks/__init__.py",
        "pyproject.toml",
        "tests/test_river_walks.py",
        "tox.ini",
    ]
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "Whose work is the toolkit?" in readme
    assert "licence_id" in readme


@pytest.mark.parametrize("name", ["River Walks", "1walks", "walks-", "Walks", ""])
def test_a_name_that_is_not_a_plugin_name_is_refused_saying_what_is(name):
    with pytest.raises(ScaffoldError, match="lower-case letters and digits"):
        names(name)


def test_the_scaffold_never_writes_over_a_folder(tmp_path):
    scaffold("walks", tmp_path)
    with pytest.raises(ScaffoldError, match="already exists"):
        scaffold("walks", tmp_path)


@pytest.mark.parametrize("name", ["coproduction-star", "coproduction_star"])
def test_the_name_of_an_installed_plugin_is_refused(tmp_path, name):
    # Installed beside the shipped plugin, a second coproduction_star would make coprod
    # skip both, and the Co-Production Star would vanish.
    with pytest.raises(ScaffoldError, match="already installed"):
        scaffold(name, tmp_path)
    assert list(tmp_path.iterdir()) == []
