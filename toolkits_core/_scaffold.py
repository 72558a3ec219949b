"""``coprod plugins new NAME``: a plugin distribution that installs, passes its tests and
the host's checks as generated, for an author to grow into their toolkit.

The files are templates here rather than a cookiecutter: a plugin is five small files,
and a template that drifted from the plugin API would be caught by the test that
scaffolds, installs and runs one (tests/test_plugin_scaffold.py).
"""

from __future__ import annotations

import importlib.metadata
import pathlib
import re
from string import Template

from toolkits_core._discovery import ENTRY_POINT_GROUP

NAME_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*", re.ASCII)


class ScaffoldError(ValueError):
    """The name or the folder will not do; the message says why."""


def names(name: str) -> dict[str, str]:
    """The names one plugin goes by: toolkit key, entry point, module, distribution."""
    if not NAME_PATTERN.fullmatch(name):
        raise ScaffoldError(
            f"{name!r} is not a plugin name: use lower-case letters and digits, words joined "
            "by - or _, starting with a letter (such as double-diamond)."
        )
    key = name.replace("_", "-")
    entry = name.replace("-", "_")
    return {
        "key": key,
        "entry": entry,
        "module": f"coprod_toolkit_{entry}",
        "distribution": f"coprod-toolkit-{key}",
        "title": " ".join(word.capitalize() for word in key.split("-")),
    }


def scaffold(name: str, parent: pathlib.Path) -> pathlib.Path:
    """Write the plugin ``name`` into a new folder under ``parent``: that folder."""
    values = names(name)
    installed = {ep.name for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}
    if values["entry"] in installed:
        # Installed beside it, the new plugin would be published twice under one name,
        # and coprod skips both: the installed toolkit would vanish with it.
        raise ScaffoldError(
            f"A plugin named {values['entry']!r} is already installed: choose another name."
        )
    root = parent / values["distribution"]
    if root.exists():
        raise ScaffoldError(f"{root} already exists: choose another name or folder.")
    files = {
        "pyproject.toml": PYPROJECT,
        "README.md": README,
        "tox.ini": TOX,
        f"{values['module']}/__init__.py": MODULE,
        f"tests/test_{values['entry']}.py": TESTS,
    }
    for relative, template in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Template(template).substitute(values), encoding="utf-8")
    return root


PYPROJECT = """\
[build-system]
requires = ["setuptools>=69"]
build-backend = "setuptools.build_meta"

[project]
name = "$distribution"
version = "0.1.0"
description = "$title as a coprod toolkit plugin"
readme = "README.md"
requires-python = ">=3.11"
dependencies = ["coprod"]

[project.optional-dependencies]
test = ["pytest>=8"]

[project.entry-points.toolkits_core]
$entry = "$module"

[tool.setuptools]
packages = ["$module"]

[tool.pytest.ini_options]
coprod_plugin = "$entry"  # the plugin coprod's pytest fixtures put under test
"""

TOX = """\
[tox]
env_list = py3

[testenv]
description = the plugin's tests, then the host's checks of every installed plugin
extras = test
commands =
    pytest {posargs}
    coprod plugins check
"""

README = """\
# $distribution

$title as a [coprod](https://github.com/) toolkit plugin.

## Before you publish: credit and licence

Most toolkits are someone else's work. Fill these in, in `$module/__init__.py`, and
say the same here:

- **Whose work is the toolkit?** (`publisher`, `attribution`): credit it as its licence asks.
- **Under what licence do you use it?** (`licence` in words, `licence_id` as an SPDX id
  such as `CC-BY-4.0`; `LicenseRef-<name>` for terms SPDX does not list). If the licence
  does not allow software to use the model, do not publish a plugin of it.
- **Where does it come from?** (`source_url`).
- **What did you change?** (`adapted_from`, as CC BY asks of adaptations): write every
  description in your own words unless the licence lets you copy.

## Develop

```console
pip install -e '.[test]'
pytest                  # the plugin's tests, with coprod's pytest fixtures
coprod plugins check    # the host's checks of every installed plugin
tox                     # both, in a fresh environment
```

The toolkit has one stage to start from. Add stages, dimensions, scales and types to
`TOOLKIT`, and rules as hooks (docs/plugins.md in coprod describes each).
"""

MODULE = '''\
"""$title: a coprod toolkit plugin.

Credit: say here whose work the toolkit is, under what licence you use it, where it comes
from and what you changed (README.md lists the questions).
"""

from __future__ import annotations

from collections.abc import Callable

from toolkits_core import (
    ActivityType,
    EvidenceKind,
    EvidenceType,
    Stage,
    StageFlow,
    Toolkit,
    hookimpl,
)

PLUGIN_API = 1

TOOLKIT = Toolkit(
    key="$key",
    name="$title",
    version="0.1.0",
    summary="What the toolkit is for, in one sentence.",
    publisher="Who publishes the toolkit (fill in: see README.md).",
    licence="The licence you use the toolkit under, in words (fill in: see README.md).",
    attribution="Whose work the toolkit is, credited as its licence asks (fill in).",
    source_url="https://example.org/$key",
    stage_flow=StageFlow.SEQUENTIAL,
    stages=[Stage("start", "Start", "Where an initiative begins.")],
    activity_types=[ActivityType("meeting", "Meeting", "People meet to work on the initiative.")],
    evidence_types=[EvidenceType("note", "Note", EvidenceKind.NOTE, "A written note.")],
    licence_id="",  # its SPDX id, such as "CC-BY-4.0"
    adapted_from="",  # what it was adapted from, and how
)


@hookimpl
def coprod_register_toolkits(register: Callable[[Toolkit], None]) -> None:
    """Hand the toolkit to the host, which checks it before anyone can use it."""
    register(TOOLKIT)
'''

TESTS = '''\
"""The plugin's tests, with coprod's pytest fixtures (coprod_host, coprod_client, ...)."""

from $module import TOOLKIT

from toolkits_core import PluginHost, check_toolkit


def test_the_toolkit_definition_passes_the_hosts_checks() -> None:
    assert check_toolkit(TOOLKIT) == []


def test_the_plugin_loads_on_its_own(coprod_host: PluginHost) -> None:
    assert coprod_host.failures == ()
    assert coprod_host.toolkit("$key") == TOOLKIT


def test_a_team_starts_an_initiative_and_records_a_note_over_http(coprod_client) -> None:
    initiative = coprod_client.start("A first initiative")
    note = {"evidence_type": "note", "payload": {"text": "We met and agreed where to start."}}
    coprod_client.created(f"initiatives/{initiative}/evidence", note)
    progress = coprod_client.progress(initiative)
    assert progress["stage"] == "start"
    assert progress["moves"] == []  # one stage: nowhere to move yet
'''
