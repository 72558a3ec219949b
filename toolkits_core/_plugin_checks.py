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
    {
        "coprod_validate_evidence",
        "coprod_validate_activity",
        "coprod_transition_blockers",
        "coprod_transition_advice",
        "coprod_summarise_assessment",
        "coprod_case_study_sections",
    }
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


class RulesForError(ValueError):
    """A plugin's ``RULES_FOR`` is neither ``"*"`` nor a sequence of toolkit keys."""


def rules_for(plugin: object) -> tuple[str, ...] | str | None:
    """The plugin's ``RULES_FOR``: ``"*"``, a tuple of toolkit keys, or None if not declared.

    Raises ``RulesForError`` when it is something else.
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
    raise RulesForError(f'RULES_FOR must be "*" or a sequence of toolkit keys, not {declared!r}')


def hook_problems(plugin: object) -> tuple[list[str], list[str]]:
    """The plugin's hooks, and a line for each thing wrong with how they are written."""
    if isinstance(plugin, type):
        return [], [
            f"is the class {plugin.__name__} itself: publish a module or an instance of it, "
            "so that its hooks are called as methods"
        ]
    hooks: list[str] = []
    problems: list[str] = []
    known = ", ".join(sorted(HOOK_ARGUMENTS))
    for attribute in sorted(dir(plugin)):
        if not (attribute in HOOK_ARGUMENTS or attribute.startswith(HOOK_PREFIX)):
            value = getattr(plugin, attribute, None)
            if inspect.isroutine(value) and hasattr(value, _MARK):
                problems.append(f"{attribute}() is not a hook (hooks: {known})")
            continue
        value = getattr(plugin, attribute)
        if attribute not in HOOK_ARGUMENTS:
            problems.append(
                f"{attribute}() is not a hook of plugin API "
                f"{_hookspecs.PLUGIN_API_VERSION} (hooks: {known})"
            )
        elif problem := _hook_function_problem(attribute, value):
            problems.append(problem)
        else:
            hooks.append(attribute)
    if not hooks and not problems:
        problems.append(f"implements no hook (hooks: {known})")
    return hooks, problems


def _hook_function_problem(name: str, value: object) -> str | None:
    """What stops ``value`` from working as the hook ``name``, if anything."""
    if not (inspect.isfunction(value) or inspect.ismethod(value)):
        return f"{name} is a {type(value).__name__}, not a function: define it with def"
    if not hasattr(value, _MARK):
        return f"{name}() is not marked with @toolkits_core.hookimpl"
    if inspect.iscoroutinefunction(value) or inspect.isasyncgenfunction(value):
        return f"{name}() is async: hooks are plain functions, called and answered at once"
    offered = HOOK_ARGUMENTS[name]
    parameters = list(inspect.signature(value).parameters.values())
    extra = [p.name for p in parameters if p.name not in offered]
    if extra:
        return (
            f"{name}() takes {', '.join(map(repr, extra))}, which the hook does not offer "
            f"(it offers: {', '.join(offered)})"
        )
    # pluggy passes hook arguments by position, and never those with a default.
    unusable = [
        p.name
        for p in parameters
        if p.default is not p.empty or p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    if unusable:
        return (
            f"{name}() takes {', '.join(map(repr, unusable))} with a default, as keyword-only "
            "or as *args/**kwargs: hook arguments are passed by position, so name them plainly"
        )
    return None
