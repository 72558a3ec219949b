"""Finding installed plugins, and the environment's say in which of them load."""

from __future__ import annotations

import difflib
import importlib.metadata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from toolkits_core._hookspecs import PROJECT_NAME
from toolkits_core._plugin_errors import PluginFailure

ENTRY_POINT_GROUP = PROJECT_NAME
ENV_SELECT = "COPROD_PLUGINS"
"""Comma-separated entry-point names: load only these. Unset: all. Empty: none."""
ENV_DISABLE = "COPROD_DISABLE_PLUGINS"
"""Comma-separated entry-point names never to load."""
ENV_STRICT = "COPROD_PLUGINS_STRICT"
"""1 (true, yes, on) makes any plugin failure an error; 0 (false, no, off, empty) does not."""

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


@dataclass(frozen=True, slots=True)
class PluginCandidate:
    """A plugin that may be loaded: its name, version and how to import it."""

    name: str
    version: str
    load: Callable[[], object]


@dataclass(frozen=True, slots=True)
class Discovery:
    """What is installed and what the environment chose from it."""

    candidates: tuple[PluginCandidate, ...]
    failures: tuple[PluginFailure, ...] = ()
    disabled: tuple[str, ...] = ()
    """Installed, and named in COPROD_DISABLE_PLUGINS."""
    unselected: tuple[str, ...] = field(default=())
    """Installed, and left out of COPROD_PLUGINS."""


def strict_from(environ: Mapping[str, str]) -> bool:
    """Read COPROD_PLUGINS_STRICT; a value that is neither yes nor no is an error, not a no."""
    value = environ.get(ENV_STRICT, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{ENV_STRICT}={value!r}: use 1 to make plugin failures fatal, or 0")


def discover(environ: Mapping[str, str]) -> Discovery:
    """Plugins published under the entry-point group, after the environment's selection.

    Two distributions that publish the same plugin name are both refused: which of them
    would win depends on the order of ``sys.path``, so neither may quietly replace the other.
    Disabling (or not selecting) that name settles it, as the failure message suggests.
    """
    published: dict[str, list[importlib.metadata.EntryPoint]] = {}
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        same = published.setdefault(entry_point.name, [])
        if not any(_same_entry_point(entry_point, other) for other in same):
            same.append(entry_point)

    known = sorted(published)
    selected = _names(environ.get(ENV_SELECT))
    disabled = _names(environ.get(ENV_DISABLE)) or []
    failures: list[PluginFailure] = []
    if selected is not None:
        failures += _not_installed(selected, known, ENV_SELECT)
    failures += _not_installed(disabled, known, ENV_DISABLE)
    wanted = [name for name in known if selected is None or name in selected]

    candidates = []
    for name in wanted:
        if name in disabled:
            continue
        entry_points = published[name]
        if len(entry_points) > 1:
            sources = " and ".join(f"{_dist_name(ep)} ({ep.value})" for ep in entry_points)
            failures.append(
                PluginFailure(name, "select", f"published twice, by {sources}: uninstall one")
            )
            continue
        (entry_point,) = entry_points
        version = entry_point.dist.version if entry_point.dist is not None else "unknown"
        candidates.append(PluginCandidate(name, version, entry_point.load))
    return Discovery(
        candidates=tuple(candidates),
        failures=tuple(failures),
        disabled=tuple(name for name in wanted if name in disabled),
        unselected=tuple(name for name in known if name not in wanted),
    )


def _not_installed(names: list[str], known: list[str], variable: str) -> list[PluginFailure]:
    failures = []
    for name in names:
        if name in known:
            continue
        near = difflib.get_close_matches(name.replace("-", "_"), known, n=1, cutoff=0.6)
        hint = f"; did you mean {near[0]!r}? (plugin names, not toolkit keys)" if near else ""
        failures.append(
            PluginFailure(name, "select", f"named in {variable} but not installed{hint}")
        )
    return failures


def _names(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [name.strip() for name in value.split(",") if name.strip()]


def _same_entry_point(a: importlib.metadata.EntryPoint, b: importlib.metadata.EntryPoint) -> bool:
    """The same distribution seen twice on ``sys.path`` is one plugin, not a clash."""
    return a.value == b.value and _dist_name(a) == _dist_name(b)


def _dist_name(entry_point: importlib.metadata.EntryPoint) -> str:
    return entry_point.dist.name if entry_point.dist is not None else "an unknown distribution"
