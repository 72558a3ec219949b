"""The plugin host: finds plugins, loads them one by one, and calls their hooks.

This is the one place that speaks to pluggy. Everything else calls the typed methods of
``PluginHost`` (as tox 4 does with its manager), so a hook's arguments and results are
checked in one place and every failure carries the name of the plugin that caused it.

A plugin that cannot be imported, implements a hook that does not exist, or registers
a wrong toolkit is reported and skipped, so one broken plugin never takes the others
down; strict mode (for CI and ``coprod plugins check``) turns any such report into an error.
"""

from __future__ import annotations

import functools
import importlib.metadata
import inspect
import logging
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import pluggy

from toolkits_core import _hookspecs
from toolkits_core._assessment_summary import default_summary
from toolkits_core._definition_checks import check_toolkit
from toolkits_core._outcomes import (
    AssessmentSummary,
    Blocker,
    Problem,
    Transition,
    TransitionDecision,
)
from toolkits_core._record_checks import check_assessment, check_evidence
from toolkits_core._stage_flow import plan_transition
from toolkits_core._views import AssessmentView, EvidenceView, InitiativeView
from toolkits_core._vocabulary import Toolkit

logger = logging.getLogger("toolkits_core.plugins")

ENTRY_POINT_GROUP = _hookspecs.PROJECT_NAME
ENV_SELECT = "COPROD_PLUGINS"
"""Comma-separated entry-point names: load only these. Unset: all. Empty: none."""
ENV_DISABLE = "COPROD_DISABLE_PLUGINS"
"""Comma-separated entry-point names never to load."""
ENV_STRICT = "COPROD_PLUGINS_STRICT"
"""Set to 1 to make any plugin failure an error instead of a skipped plugin."""

HOOK_PREFIX = "coprod_"
_HOOK_NAMES = frozenset(
    name
    for name, value in vars(_hookspecs).items()
    if name.startswith(HOOK_PREFIX) and callable(value)
)


@dataclass(frozen=True, slots=True)
class PluginInfo:
    """A loaded plugin: its entry-point name, its distribution's version, what it provides."""

    name: str
    version: str
    module: str
    toolkits: tuple[str, ...]
    hooks: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PluginFailure:
    """Why a plugin was skipped.

    ``phase`` is one of: select, import, api_version, hooks, register, toolkit.
    """

    plugin: str
    phase: str
    message: str

    def __str__(self) -> str:
        return f"plugin {self.plugin!r} ({self.phase}): {self.message}"


class PluginLoadError(RuntimeError):
    """Raised in strict mode when any plugin failed to load; lists every failure."""

    def __init__(self, failures: Iterable[PluginFailure]) -> None:
        self.failures = tuple(failures)
        lines = "\n".join(f"  - {failure}" for failure in self.failures)
        super().__init__(f"{len(self.failures)} plugin failure(s):\n{lines}")


class PluginHookError(RuntimeError):
    """A plugin's hook raised or returned something the hook does not allow."""

    def __init__(self, plugin: str, hook: str, message: str) -> None:
        self.plugin = plugin
        self.hook = hook
        super().__init__(f"plugin {plugin!r} failed in {hook}: {message}")


class UnknownToolkitError(LookupError):
    def __init__(self, key: str, known: Iterable[str]) -> None:
        self.key = key
        super().__init__(
            f"no toolkit {key!r} is registered (known: {', '.join(sorted(known)) or 'none'})"
        )


class InvalidRecordError(ValueError):
    """A record (evidence, assessment) failed the core's or a plugin's checks."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{p.field or '(record)'}: {p.message}" for p in self.problems))


@dataclass(frozen=True, slots=True)
class PluginCandidate:
    """A plugin that may be loaded: its name, version and how to import it."""

    name: str
    version: str
    load: Callable[[], object]


def discover_candidates(
    environ: Mapping[str, str] | None = None,
) -> tuple[list[PluginCandidate], list[PluginFailure], list[str]]:
    """Plugins published under the entry-point group, after the environment's selection.

    Returns the candidates, failures for selected names that are not installed, and the
    names that the environment disabled.
    """
    environ = os.environ if environ is None else environ
    seen: dict[str, PluginCandidate] = {}
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if entry_point.name in seen:
            continue
        version = entry_point.dist.version if entry_point.dist is not None else "unknown"
        seen[entry_point.name] = PluginCandidate(entry_point.name, version, entry_point.load)

    failures: list[PluginFailure] = []
    selected = _names(environ.get(ENV_SELECT))
    disabled = _names(environ.get(ENV_DISABLE)) or []
    names = sorted(seen)
    if selected is not None:
        failures = [
            PluginFailure(name, "select", f"named in {ENV_SELECT} but not installed")
            for name in selected
            if name not in seen
        ]
        names = [name for name in names if name in selected]
    skipped = sorted(name for name in names if name in disabled)
    candidates = [seen[name] for name in names if name not in disabled]
    return candidates, failures, skipped


def _names(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [name.strip() for name in value.split(",") if name.strip()]


def load_plugins(
    *, strict: bool | None = None, environ: Mapping[str, str] | None = None
) -> PluginHost:
    """Load the installed plugins, as the environment selects them.

    ``strict`` defaults to the ``COPROD_PLUGINS_STRICT`` environment variable.
    """
    environ = os.environ if environ is None else environ
    if strict is None:
        strict = environ.get(ENV_STRICT, "").strip().lower() in {"1", "true", "yes", "on"}
    candidates, failures, disabled = discover_candidates(environ)
    return PluginHost(candidates, strict=strict, failures=failures, disabled=disabled)


class PluginHost:
    """The typed facade over pluggy's PluginManager, and the registry of toolkits.

    Build one with ``load_plugins()`` in an application, or with ``PluginHost.of(...)``
    in a plugin's own tests.
    """

    def __init__(
        self,
        candidates: Iterable[PluginCandidate],
        *,
        strict: bool = False,
        failures: Iterable[PluginFailure] = (),
        disabled: Iterable[str] = (),
    ) -> None:
        self._pm = pluggy.PluginManager(_hookspecs.PROJECT_NAME)
        self._pm.add_hookspecs(_hookspecs)
        self._toolkits: dict[str, Toolkit] = {}
        self._plugins: dict[str, PluginInfo] = {}
        self._failures: list[PluginFailure] = list(failures)
        self.disabled: tuple[str, ...] = tuple(disabled)
        for candidate in candidates:
            self._load(candidate)
        if strict and self._failures:
            raise PluginLoadError(self._failures)
        for failure in self._failures:
            logger.warning("skipped %s", failure)

    @classmethod
    def of(cls, *plugins: object, strict: bool = True) -> PluginHost:
        """A host with exactly these plugins (modules or instances), for a plugin's own tests.

        Pass ``(name, plugin)`` to name a plugin as its entry point does, so that
        ``Blocker.plugin`` reads the same in tests as in production. Otherwise a module
        published under the entry-point group gets its entry-point name, and anything else
        is named by its module or class.
        """
        candidates = []
        for given in plugins:
            if isinstance(given, tuple) and len(given) == 2 and isinstance(given[0], str):
                name, plugin = given
            else:
                name, plugin = _plugin_name(given), given
            candidates.append(PluginCandidate(name, "unknown", functools.partial(_same, plugin)))
        return cls(candidates, strict=strict)

    # Loading -------------------------------------------------------------------------

    def _load(self, candidate: PluginCandidate) -> None:
        name = candidate.name
        try:
            plugin = candidate.load()
        except Exception as error:  # a broken plugin must not stop the others
            self._fail(name, "import", f"{type(error).__name__}: {error}")
            return
        wanted = getattr(plugin, "PLUGIN_API", None)
        provided = int(_hookspecs.PLUGIN_API_VERSION.split(".")[0])
        if wanted is not None and (isinstance(wanted, bool) or not isinstance(wanted, int)):
            self._fail(
                name,
                "api_version",
                f"PLUGIN_API must be a major version such as {provided}, not {wanted!r}",
            )
            return
        if wanted is not None and wanted != provided:
            self._fail(
                name,
                "api_version",
                f"wants plugin API {wanted}, this coprod provides {_hookspecs.PLUGIN_API_VERSION}",
            )
            return
        if problems := _hook_problems(plugin):
            self._fail(name, "hooks", "; ".join(problems))
            return
        try:
            self._pm.register(plugin, name=name)
        except (pluggy.PluginValidationError, ValueError) as error:
            self._fail(name, "hooks", str(error))
            return

        registered: list[Toolkit] = []
        failures_before = len(self._failures)
        try:
            self._call_plugin(plugin, "coprod_register_toolkits", {"register": registered.append})
        except Exception as error:
            self._fail(name, "register", f"{type(error).__name__}: {error}")
        for toolkit in registered:
            self._check_new_toolkit(name, toolkit)
        if len(self._failures) > failures_before:
            self._pm.unregister(plugin)
            return
        for toolkit in registered:
            self._toolkits[toolkit.key] = toolkit
        hooks = tuple(sorted(caller.name for caller in self._pm.get_hookcallers(plugin) or ()))
        self._plugins[name] = PluginInfo(
            name, candidate.version, _module_name(plugin), tuple(t.key for t in registered), hooks
        )

    def _check_new_toolkit(self, plugin: str, toolkit: object) -> None:
        label = getattr(toolkit, "key", None) or type(toolkit).__name__
        if problems := check_toolkit(toolkit):
            self._fail(plugin, "toolkit", f"toolkit {label!r} is wrong: " + "; ".join(problems))
            return
        assert isinstance(toolkit, Toolkit)
        owner = next((p.name for p in self._plugins.values() if toolkit.key in p.toolkits), None)
        if owner is not None:
            self._fail(
                plugin,
                "toolkit",
                f"toolkit {toolkit.key!r} is already registered by plugin {owner!r}",
            )

    def _fail(self, plugin: str, phase: str, message: str) -> None:
        self._failures.append(PluginFailure(plugin, phase, message))

    # Calling hooks -------------------------------------------------------------------

    def _call_plugin(self, plugin: object, hook: str, kwargs: Mapping[str, Any]) -> Any:
        for impl in getattr(self._pm.hook, hook).get_hookimpls():
            if impl.plugin is plugin:
                return impl.function(*(kwargs[arg] for arg in impl.argnames))
        return None

    def _call_each(self, hook: str, kwargs: Mapping[str, Any]) -> list[tuple[str, Any]]:
        """Each plugin's answer, in pluggy's call order, naming the plugin that fails."""
        answers = []
        for impl in reversed(getattr(self._pm.hook, hook).get_hookimpls()):
            try:
                answer = impl.function(*(kwargs[arg] for arg in impl.argnames))
            except Exception as error:
                raise PluginHookError(
                    impl.plugin_name, hook, f"{type(error).__name__}: {error}"
                ) from error
            answers.append((impl.plugin_name, answer))
        return answers

    def _collect(self, hook: str, kwargs: Mapping[str, Any], kind: type[Any]) -> list[Any]:
        collected = []
        for plugin, answer in self._call_each(hook, kwargs):
            if answer is None:
                continue
            if isinstance(answer, (str, bytes)) or not isinstance(answer, Iterable):
                raise PluginHookError(
                    plugin,
                    hook,
                    f"returned {type(answer).__name__}, expected an iterable of {kind.__name__}",
                )
            for item in answer:
                if not isinstance(item, kind):
                    raise PluginHookError(
                        plugin, hook, f"returned {item!r}, expected {kind.__name__}"
                    )
                collected.append(replace(item, plugin=plugin))
        return collected

    # The registry --------------------------------------------------------------------

    @property
    def plugins(self) -> tuple[PluginInfo, ...]:
        return tuple(self._plugins[name] for name in sorted(self._plugins))

    @property
    def failures(self) -> tuple[PluginFailure, ...]:
        return tuple(self._failures)

    def toolkits(self) -> tuple[Toolkit, ...]:
        return tuple(self._toolkits[key] for key in sorted(self._toolkits))

    def toolkit(self, key: str) -> Toolkit:
        try:
            return self._toolkits[key]
        except KeyError:
            raise UnknownToolkitError(key, self._toolkits) from None

    def provider_of(self, toolkit: str) -> PluginInfo:
        """The plugin that registered a toolkit."""
        self.toolkit(toolkit)
        return next(p for p in self._plugins.values() if toolkit in p.toolkits)

    # Running initiatives through a toolkit ------------------------------------------

    def check_evidence(
        self, evidence: EvidenceView, *, toolkit: str, initiative: InitiativeView | None = None
    ) -> list[Problem]:
        """Every problem with a piece of evidence: the core's checks, then the plugins'."""
        definition = self.toolkit(toolkit)
        if problems := check_evidence(definition, initiative, evidence):
            return problems
        kwargs = {"toolkit": definition, "initiative": initiative, "evidence": evidence}
        return self._collect("coprod_validate_evidence", kwargs, Problem)

    def decide_transition(self, initiative: InitiativeView, to_stage: str) -> TransitionDecision:
        """Whether ``initiative`` may move to ``to_stage``, with every blocker if not."""
        definition = self.toolkit(initiative.toolkit)
        planned = plan_transition(definition, initiative, to_stage)
        if not isinstance(planned, Transition):
            return TransitionDecision(to_stage, None, (planned,))
        kwargs = {"toolkit": definition, "initiative": initiative, "transition": planned}
        blockers = self._collect("coprod_transition_blockers", kwargs, Blocker)
        return TransitionDecision(to_stage, planned, tuple(blockers))

    def check_assessment(self, assessment: AssessmentView, *, toolkit: str) -> list[Problem]:
        return check_assessment(self.toolkit(toolkit), assessment)

    def summarise_assessment(
        self, assessment: AssessmentView, *, toolkit: str
    ) -> AssessmentSummary:
        """The first plugin's summary of a valid assessment, or the core's default one.

        Raises ``InvalidRecordError`` when the assessment does not fit the toolkit.
        """
        definition = self.toolkit(toolkit)
        if problems := check_assessment(definition, assessment):
            raise InvalidRecordError(problems)
        scale = definition.scale(assessment.scale)
        assert scale is not None
        kwargs = {"toolkit": definition, "scale": scale, "assessment": assessment}
        for plugin, answer in self._call_each("coprod_summarise_assessment", kwargs):
            if answer is None:
                continue
            if not isinstance(answer, AssessmentSummary):
                raise PluginHookError(
                    plugin,
                    "coprod_summarise_assessment",
                    f"returned {answer!r}, expected AssessmentSummary",
                )
            return replace(answer, summarised_by=plugin)
        return default_summary(definition, scale, assessment)


def _hook_problems(plugin: object) -> list[str]:
    """Functions named like hooks that are not hooks (a typo would otherwise go unnoticed)."""
    problems = []
    for attribute in dir(plugin):
        if not attribute.startswith(HOOK_PREFIX) or not inspect.isroutine(
            getattr(plugin, attribute)
        ):
            continue
        if attribute in _HOOK_NAMES:
            if not hasattr(getattr(plugin, attribute), f"{_hookspecs.PROJECT_NAME}_impl"):
                problems.append(f"{attribute}() is not marked with @toolkits_core.hookimpl")
        else:
            known = ", ".join(sorted(_HOOK_NAMES))
            problems.append(
                f"{attribute}() is not a hook of plugin API "
                f"{_hookspecs.PLUGIN_API_VERSION} (hooks: {known})"
            )
    return problems


def _same(plugin: object) -> object:
    return plugin


def _module_name(plugin: object) -> str:
    return plugin.__name__ if inspect.ismodule(plugin) else type(plugin).__module__


def _plugin_name(plugin: object) -> str:
    if not inspect.ismodule(plugin):
        return type(plugin).__name__
    published = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP, value=plugin.__name__)
    return next((entry_point.name for entry_point in published), plugin.__name__)
