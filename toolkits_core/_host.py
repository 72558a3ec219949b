"""The plugin host: loads plugins one by one, keeps the toolkits, and calls the hooks.

This is the one place that speaks to pluggy. Everything else calls the typed methods of
``PluginHost`` (as tox 4 does with its manager), so a hook's arguments and results are
checked in one place and every failure carries the name of the plugin that caused it.

A plugin that cannot be imported, writes a hook wrongly, or registers a wrong toolkit is
reported and skipped as a whole, so one broken plugin never takes the others down; strict
mode (for CI) turns any such report into an error. At run time a toolkit's rule hooks go
only to the plugin that provides it and to plugins that say they add rules to it
(``RULES_FOR``), so a careless rules plugin cannot break every other toolkit.
"""

from __future__ import annotations

import functools
import importlib.metadata
import inspect
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

import pluggy

from toolkits_core import _hookspecs
from toolkits_core._assessment_summary import default_summary
from toolkits_core._case_study_sections import (
    CaseStudySection,
    CaseStudyView,
    section_problems,
)
from toolkits_core._definition_checks import check_toolkit
from toolkits_core._discovery import (
    ENTRY_POINT_GROUP,
    PluginCandidate,
    discover,
    strict_from,
)
from toolkits_core._outcomes import (
    Advice,
    AssessmentSummary,
    Blocker,
    Problem,
    Transition,
    TransitionDecision,
)
from toolkits_core._plugin_checks import (
    ALL_TOOLKITS,
    RULE_HOOKS,
    RulesForError,
    api_version_problem,
    hook_problems,
    rules_for,
)
from toolkits_core._plugin_errors import (
    InvalidRecordError,
    PluginFailure,
    PluginHookError,
    PluginLoadError,
    UnknownToolkitError,
)
from toolkits_core._record_checks import check_activity, check_assessment, check_evidence
from toolkits_core._stage_flow import plan_transition
from toolkits_core._views import ActivityView, AssessmentView, EvidenceView, InitiativeView
from toolkits_core._vocabulary import Toolkit

logger = logging.getLogger("toolkits_core.plugins")


@dataclass(frozen=True, slots=True)
class PluginInfo:
    """A loaded plugin: its entry-point name, its distribution's version, what it provides.

    ``rules_for`` lists the toolkits whose rule hooks it is asked, besides its own:
    ``("*",)`` for every toolkit.
    """

    name: str
    version: str
    module: str
    toolkits: tuple[str, ...]
    hooks: tuple[str, ...]
    rules_for: tuple[str, ...] = ()


@dataclass(slots=True)
class _Loading:
    """A plugin part-way through loading."""

    candidate: PluginCandidate
    plugin: object
    hooks: tuple[str, ...]
    rules_for: tuple[str, ...]
    toolkits: list[Toolkit]


def load_plugins(
    *, strict: bool | None = None, environ: Mapping[str, str] | None = None
) -> PluginHost:
    """Load the installed plugins, as the environment selects them.

    ``strict`` defaults to the ``COPROD_PLUGINS_STRICT`` environment variable.
    """
    environ = os.environ if environ is None else environ
    found = discover(environ)
    return PluginHost(
        found.candidates,
        strict=strict_from(environ) if strict is None else strict,
        failures=found.failures,
        disabled=found.disabled,
        unselected=found.unselected,
    )


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
        unselected: Iterable[str] = (),
    ) -> None:
        self._pm = pluggy.PluginManager(_hookspecs.PROJECT_NAME)
        self._pm.add_hookspecs(_hookspecs)
        self._failures: list[PluginFailure] = list(failures)
        self._toolkits: dict[str, Toolkit] = {}
        self._owners: dict[str, str] = {}
        self._plugins: dict[str, PluginInfo] = {}
        self.disabled: tuple[str, ...] = tuple(disabled)
        self.unselected: tuple[str, ...] = tuple(unselected)

        candidates = self._refuse_unclear_names(list(candidates))
        loading = [item for c in candidates if (item := self._load(c)) is not None]
        for item in self._refuse_rules_for_nobody(self._refuse_contested_keys(loading)):
            self._accept(item)
        if strict and self._failures:
            raise PluginLoadError(self._failures)
        for failure in self._failures:
            logger.warning("skipped %s", failure)

    @classmethod
    def of(cls, *plugins: object, strict: bool = True) -> PluginHost:
        """A host with exactly these plugins (modules or objects), for a plugin's own tests.

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

    def _load(self, candidate: PluginCandidate) -> _Loading | None:
        """Import, check and register one plugin; on any problem, report it and undo."""
        name = candidate.name
        try:
            plugin = candidate.load()
        except Exception as error:  # a broken plugin must not stop the others
            self._fail(name, "import", f"{type(error).__name__}: {error}")
            return None
        try:  # reading a plugin's attributes runs its code, which may raise anything
            if problem := api_version_problem(plugin):
                self._fail(name, "api_version", problem)
                return None
            scope = rules_for(plugin)
            hooks, problems = hook_problems(plugin)
        except RulesForError as error:
            self._fail(name, "hooks", str(error))
            return None
        except Exception as error:
            self._fail(name, "hooks", f"{type(error).__name__}: {error}")
            return None
        if problems:
            self._fail(name, "hooks", "; ".join(problems))
            return None
        try:
            self._pm.register(plugin, name=name)
        except (pluggy.PluginValidationError, ValueError) as error:
            self._fail(name, "hooks", " ".join(str(error).split()))
            return None

        scope_keys = (ALL_TOOLKITS,) if scope == ALL_TOOLKITS else tuple(scope or ())
        item = _Loading(candidate, plugin, tuple(hooks), scope_keys, [])
        failures = self._register_toolkits(item)
        rule_hooks = sorted(RULE_HOOKS.intersection(hooks))
        if rule_hooks and not item.toolkits and not scope:
            failures.append(
                (
                    "hooks",
                    f"implements {', '.join(rule_hooks)} but provides no toolkit and declares "
                    'no RULES_FOR (a sequence of toolkit keys, or "*"), so its rules would '
                    "never run",
                )
            )
        if failures:
            self._pm.unregister(plugin)
            for phase, message in failures:
                self._fail(name, phase, message)
            return None
        return item

    def _register_toolkits(self, item: _Loading) -> list[tuple[str, str]]:
        """Ask the plugin for its toolkits and check each; returns (phase, message) problems."""
        registered: list[object] = []
        try:
            self._ask_for_toolkits(item.plugin, registered.append)
        except Exception as error:
            return [("register", f"{type(error).__name__}: {error}")]
        problems: list[tuple[str, str]] = []
        for toolkit in registered:
            label = getattr(toolkit, "key", None) or type(toolkit).__name__
            try:
                found = check_toolkit(toolkit)
            except Exception as error:  # the checks must report, never crash the host
                found = [f"could not be checked: {type(error).__name__}: {error}"]
            if found:
                problems.append(("toolkit", f"toolkit {label!r} is wrong: " + "; ".join(found)))
                continue
            assert isinstance(toolkit, Toolkit)
            if any(toolkit.key == other.key for other in item.toolkits):
                problems.append(("toolkit", f"toolkit {toolkit.key!r} is registered twice"))
                continue
            item.toolkits.append(toolkit)
        return problems

    def _refuse_contested_keys(self, loading: list[_Loading]) -> list[_Loading]:
        """Refuse every plugin that registers a toolkit key another plugin registers too.

        Neither wins: letting the first by name win would let any plugin whose name sorts
        earlier take over a toolkit that people's records depend on.
        """
        providers: dict[str, list[str]] = {}
        for item in loading:
            for toolkit in item.toolkits:
                providers.setdefault(toolkit.key, []).append(item.candidate.name)
        accepted = []
        for item in loading:
            contested = [
                (toolkit.key, [p for p in providers[toolkit.key] if p != item.candidate.name])
                for toolkit in item.toolkits
                if len(providers[toolkit.key]) > 1
            ]
            if not contested:
                accepted.append(item)
                continue
            self._pm.unregister(item.plugin)
            for key, others in contested:
                names = " and ".join(repr(other) for other in others)
                self._fail(
                    item.candidate.name,
                    "toolkit",
                    f"toolkit {key!r} is also registered by plugin {names}: "
                    "a toolkit key has one provider, so none of them is loaded",
                )
        return accepted

    def _refuse_rules_for_nobody(self, loading: list[_Loading]) -> list[_Loading]:
        """Refuse plugins whose RULES_FOR names a toolkit no loaded plugin provides.

        Such a rule would never run, silently: most often the key is misspelt, or the
        toolkit's plugin is not installed or selected.
        """
        while True:
            provided = {toolkit.key for item in loading for toolkit in item.toolkits}
            keep: list[tuple[_Loading, list[str]]] = []
            drop: list[tuple[_Loading, list[str]]] = []
            for item in loading:
                missing = [k for k in item.rules_for if k != ALL_TOOLKITS and k not in provided]
                (drop if missing else keep).append((item, missing))
            if not drop:
                return loading
            for item, missing in drop:
                self._pm.unregister(item.plugin)
                self._fail(
                    item.candidate.name,
                    "hooks",
                    f"RULES_FOR names {', '.join(map(repr, missing))}, which no loaded plugin "
                    "provides, so those rules would never run",
                )
            loading = [item for item, _ in keep]

    def _refuse_unclear_names(self, candidates: list[PluginCandidate]) -> list[PluginCandidate]:
        """A plugin's name is how it is reported, selected and credited: it must be unique."""
        names = [candidate.name for candidate in candidates]
        clear = []
        for candidate in candidates:
            if not candidate.name.strip():
                self._fail(repr(candidate.name), "select", "a plugin needs a non-empty name")
            elif names.count(candidate.name) > 1:
                self._fail(candidate.name, "select", "two plugins have this name, so neither loads")
            else:
                clear.append(candidate)
        return clear

    def _accept(self, item: _Loading) -> None:
        name = item.candidate.name
        for toolkit in item.toolkits:
            self._toolkits[toolkit.key] = toolkit
            self._owners[toolkit.key] = name
        self._plugins[name] = PluginInfo(
            name=name,
            version=item.candidate.version,
            module=_module_name(item.plugin),
            toolkits=tuple(t.key for t in item.toolkits),
            hooks=item.hooks,
            rules_for=item.rules_for,
        )

    def _fail(self, plugin: str, phase: str, message: str) -> None:
        self._failures.append(PluginFailure(plugin, phase, message))

    # Calling hooks -------------------------------------------------------------------

    def _ask_for_toolkits(self, plugin: object, register: Callable[[object], None]) -> None:
        """Call this plugin's registration hook alone, so what it registers is known to be its."""
        for impl in self._pm.hook.coprod_register_toolkits.get_hookimpls():
            if impl.plugin is plugin:
                impl.function(*(register for _ in impl.argnames))

    def _routed(self, hook: str, toolkit: str) -> list[Any]:
        """The hook's implementations that speak for ``toolkit``: its provider first, then
        the plugins that add rules to it, in load order."""
        impls = {impl.plugin_name: impl for impl in getattr(self._pm.hook, hook).get_hookimpls()}
        owner = self._owners.get(toolkit)
        ordered = [owner] if owner in impls else []
        for name, info in self._plugins.items():
            if (
                name != owner
                and name in impls
                and (ALL_TOOLKITS in info.rules_for or toolkit in info.rules_for)
            ):
                ordered.append(name)
        return [impls[name] for name in ordered if name is not None]

    def _answers(
        self, hook: str, toolkit: str, kwargs: Mapping[str, Any], *, many: bool
    ) -> Iterator[tuple[str, Any]]:
        """Each routed plugin's answer; a failure, even while iterating it, names the plugin."""
        for impl in self._routed(hook, toolkit):
            try:
                answer = impl.function(*(kwargs[arg] for arg in impl.argnames))
                if many and isinstance(answer, Iterable) and not isinstance(answer, str | bytes):
                    answer = list(answer)  # a generator's errors surface here, with the name
            except Exception as error:
                raise PluginHookError(
                    impl.plugin_name, hook, f"{type(error).__name__}: {error}"
                ) from error
            yield impl.plugin_name, answer

    def _collect(
        self,
        hook: str,
        toolkit: str,
        kwargs: Mapping[str, Any],
        kind: type[Problem | Blocker | Advice],
    ) -> list[Any]:
        collected = []
        for plugin, answer in self._answers(hook, toolkit, kwargs, many=True):
            if answer is None:
                continue
            if not isinstance(answer, list):
                raise PluginHookError(
                    plugin,
                    hook,
                    f"returned {type(answer).__name__}, expected an iterable of {kind.__name__}",
                )
            for item in answer:
                if not isinstance(item, kind) or not _filled(item.code, item.message):
                    raise PluginHookError(
                        plugin,
                        hook,
                        f"returned {item!r}, expected a {kind.__name__} with a code and a message",
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

    def _toolkit_of(self, key: str, initiative: InitiativeView | None) -> Toolkit:
        if initiative is not None and initiative.toolkit != key:
            raise ValueError(f"the initiative runs toolkit {initiative.toolkit!r}, not {key!r}")
        return self.toolkit(key)

    def provider_of(self, toolkit: str) -> PluginInfo:
        """The plugin that registered a toolkit."""
        self.toolkit(toolkit)
        return self._plugins[self._owners[toolkit]]

    # Running initiatives through a toolkit ------------------------------------------

    def check_activity(
        self, activity: ActivityView, *, toolkit: str, initiative: InitiativeView | None = None
    ) -> list[Problem]:
        """Every problem with an activity: the core's checks (its type, stage, cycle and
        dimensions), then the plugins' (``coprod_validate_activity``)."""
        definition = self._toolkit_of(toolkit, initiative)
        if problems := check_activity(definition, initiative, activity):
            return problems
        kwargs = {"toolkit": definition, "initiative": initiative, "activity": activity}
        return self._collect("coprod_validate_activity", toolkit, kwargs, Problem)

    def check_evidence(
        self, evidence: EvidenceView, *, toolkit: str, initiative: InitiativeView | None = None
    ) -> list[Problem]:
        """Every problem with a piece of evidence: the core's checks, then the plugins'."""
        definition = self._toolkit_of(toolkit, initiative)
        if problems := check_evidence(definition, initiative, evidence):
            return problems
        kwargs = {"toolkit": definition, "initiative": initiative, "evidence": evidence}
        return self._collect("coprod_validate_evidence", toolkit, kwargs, Problem)

    def decide_transition(
        self, initiative: InitiativeView, to_stage: str, *, new_round: bool = False
    ) -> TransitionDecision:
        """Whether ``initiative`` may move to ``to_stage``, with every blocker if not.

        ``new_round`` asks for a new round at the first stage (plugin API 1.2).
        """
        definition = self.toolkit(initiative.toolkit)
        planned = plan_transition(definition, initiative, to_stage, new_round=new_round)
        if not isinstance(planned, Transition):
            return TransitionDecision(to_stage, None, (planned,))
        kwargs = {"toolkit": definition, "initiative": initiative, "transition": planned}
        blockers = self._collect("coprod_transition_blockers", definition.key, kwargs, Blocker)
        advice = self._collect("coprod_transition_advice", definition.key, kwargs, Advice)
        return TransitionDecision(to_stage, planned, tuple(blockers), tuple(advice))

    def check_assessment(
        self, assessment: AssessmentView, *, toolkit: str, initiative: InitiativeView | None = None
    ) -> list[Problem]:
        """Problems with an assessment: its scale, perspective, cycle, dimensions and values."""
        return check_assessment(self._toolkit_of(toolkit, initiative), assessment, initiative)

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
        hook = "coprod_summarise_assessment"
        for plugin, answer in self._answers(hook, toolkit, kwargs, many=False):
            if answer is None:
                continue
            if not isinstance(answer, AssessmentSummary):
                raise PluginHookError(
                    plugin, hook, f"returned {answer!r}, expected AssessmentSummary"
                )
            return replace(answer, summarised_by=plugin)
        return default_summary(definition, scale, assessment)

    def case_study_sections(
        self,
        initiative: InitiativeView,
        case_study: CaseStudyView,
        *,
        reserved: Iterable[str] = (),
    ) -> tuple[list[tuple[str, CaseStudySection]], list[PluginHookError]]:
        """Each routed plugin's case-study sections, with the plugin's name, and the
        failures of those whose hook raised or answered wrongly.

        A broken plugin loses its own sections only: its failure is returned (and
        logged) for the case study to name, and the other plugins' sections still show.
        ``reserved`` are keys a section may not take (the core's own sections); a key
        given twice is a failure of the plugin that gave it second.
        """
        definition = self.toolkit(initiative.toolkit)
        kwargs = {"toolkit": definition, "initiative": initiative, "case_study": case_study}
        hook = "coprod_case_study_sections"
        taken = set(reserved)
        sections: list[tuple[str, CaseStudySection]] = []
        failures: list[PluginHookError] = []
        for impl in self._routed(hook, definition.key):
            plugin = impl.plugin_name
            try:
                answer = impl.function(*(kwargs[arg] for arg in impl.argnames))
                answer = [] if answer is None else answer
                if not isinstance(answer, Iterable) or isinstance(answer, str | bytes):
                    raise TypeError(f"returned {answer!r}, expected an iterable of sections")
                given = list(answer)
            except Exception as error:
                failures.append(PluginHookError(plugin, hook, f"{type(error).__name__}: {error}"))
                continue
            problems = [p for item in given for p in section_problems(item, sorted(taken))]
            keys = [item.key for item in given if isinstance(item, CaseStudySection)]
            problems += [
                f"section key {k!r} is given twice" for k in set(keys) if keys.count(k) > 1
            ]
            if problems:
                failures.append(PluginHookError(plugin, hook, "; ".join(problems)))
                continue
            taken.update(keys)
            sections += [(plugin, item) for item in given]
        for failure in failures:
            logger.error("case-study sections left out: %s", failure)
        return sections, failures


def _filled(*texts: object) -> bool:
    return all(isinstance(text, str) and text.strip() for text in texts)


def _same(plugin: object) -> object:
    return plugin


def _module_name(plugin: object) -> str:
    if inspect.ismodule(plugin):
        return plugin.__name__
    return type(plugin).__module__


def _plugin_name(plugin: object) -> str:
    if isinstance(plugin, type):
        return plugin.__name__
    if not inspect.ismodule(plugin):
        return type(plugin).__name__
    published = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP, value=plugin.__name__)
    return next((entry_point.name for entry_point in published), plugin.__name__)
