"""Checks on a plugin object before it is registered: its API version, hooks and scope.

pluggy ignores an unmarked or misspelt hook and words argument mismatches for its own
developers; these checks say, in one line each, what the plugin author got wrong.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence

from toolkits_core import _hookspecs

HOOK_PREFIX = "coprod_"
RULE_HOOKS = frozenset(
    {"coprod_validate_evidence", "coprod_transition_blockers", "coprod_summarise_assessment"}
)
"""Hooks asked about one toolkit at a time, and so routed to the plugins that speak for it."""
ALL_TOOLKITS = "*"

_MARK = f"{_hookspecs.PROJECT_NAME}_impl"
HOOK_ARGUMENTS: dict[str, tuple[str, ...]] = {
    name: tuple(inspect.signature(spec).parameters)
    for name, spec in vars(_hookspecs).items()
    if name.startswith(HOOK_PREFIX) and inspect.isfunction(spec)
}


def api_version_problem(plugin: object) -> str | None:
    """Why the plugin's ``PLUGIN_API`` does not fit this host, if it does not."""
    wanted = getattr(plugin, "PLUGIN_API", None)
    provided = int(_hookspecs.PLUGIN_API_VERSION.split(".")[0])
    if wanted is None:
        return None
    if isinstance(wanted, bool) or not isinstance(wanted, int):
        return f"PLUGIN_API must be a major version such as {provided}, not {wanted!r}"
    if wanted != provided:
        return f"wants plugin API {wanted}, this coprod provides {_hookspecs.PLUGIN_API_VERSION}"
    return None


def rules_for(plugin: object) -> tuple[str, ...] | str | None:
    """The plugin's ``RULES_FOR``: ``"*"``, a tuple of toolkit keys, or None if not declared.

    Raises ``ValueError`` when it is something else.
    """
    declared = getattr(plugin, "RULES_FOR", None)
    if declared is None or declared == ALL_TOOLKITS:
        return declared
    if (
        isinstance(declared, Sequence)
        and not isinstance(declared, str)
        and all(isinstance(key, str) for key in declared)
    ):
        return tuple(declared)
    raise ValueError(f'RULES_FOR must be "*" or a sequence of toolkit keys, not {declared!r}')


def hook_problems(plugin: object) -> tuple[list[str], list[str]]:
    """The plugin's hooks, and a line for each thing wrong with how they are written."""
    hooks: list[str] = []
    problems: list[str] = []
    known = ", ".join(sorted(HOOK_ARGUMENTS))
    for attribute in sorted(dir(plugin)):
        value = getattr(plugin, attribute, None)
        if not inspect.isroutine(value):
            continue
        marked = hasattr(value, _MARK)
        if attribute in HOOK_ARGUMENTS:
            if not marked:
                problems.append(f"{attribute}() is not marked with @toolkits_core.hookimpl")
                continue
            offered = HOOK_ARGUMENTS[attribute]
            extra = [arg for arg in _argument_names(value) if arg not in offered]
            if extra:
                problems.append(
                    f"{attribute}() takes {', '.join(map(repr, extra))}, which the hook does "
                    f"not offer (it offers: {', '.join(offered)})"
                )
                continue
            hooks.append(attribute)
        elif marked or attribute.startswith(HOOK_PREFIX):
            problems.append(
                f"{attribute}() is not a hook of plugin API "
                f"{_hookspecs.PLUGIN_API_VERSION} (hooks: {known})"
            )
    if not hooks and not problems:
        problems.append(f"implements no hook (hooks: {known})")
    return hooks, problems


def _argument_names(function: object) -> list[str]:
    try:
        parameters = inspect.signature(function).parameters.values()  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return []
    names = [
        p.name
        for p in parameters
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
    # A hook written on a class and registered as the class itself: pluggy drops ``self``.
    if names and names[0] == "self" and "." in getattr(function, "__qualname__", ""):
        names = names[1:]
    return names
