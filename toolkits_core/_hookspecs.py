"""The plugin API: every hook a toolkit plugin may implement.

Each hook is a typed, docstring-only function. A plugin implements any of them with
``@toolkits_core.hookimpl`` and may accept fewer arguments than the spec lists.

Versioning: ``PLUGIN_API_VERSION`` follows semantic versioning. A new hook or a new
argument is a minor change; removing or changing a hook or argument is a major one.
A plugin may set a module attribute ``PLUGIN_API = <major>``; the host refuses, by name,
a plugin that asks for a major version it does not provide.

Planned beside these (same naming, same style): hooks that hear about initiative events
for integrations (``coprod_initiative_event``) and that add report sections
(``coprod_register_reports``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pluggy

from toolkits_core._outcomes import AssessmentSummary, Blocker, Problem, Transition
from toolkits_core._views import AssessmentView, EvidenceView, InitiativeView
from toolkits_core._vocabulary import Scale, Toolkit

PROJECT_NAME = "toolkits_core"
"""The pluggy project name; also the entry-point group plugins are published under."""

PLUGIN_API_VERSION = "1.0"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def coprod_register_toolkits(register: Callable[[Toolkit], None]) -> None:
    """Register the toolkits this plugin provides by calling ``register(toolkit)`` once each.

    Called once, at start-up. The host checks each definition as it is registered: a
    wrong one (duplicate keys, a reference that does not resolve, a bad scale) is reported
    with the plugin's name and the exact problem, and the plugin is skipped (or, in
    strict mode, loading fails). A toolkit key already registered by another plugin is
    refused the same way.
    """


@hookspec
def coprod_validate_evidence(
    toolkit: Toolkit, initiative: InitiativeView | None, evidence: EvidenceView
) -> Iterable[Problem] | None:
    """Return problems with a piece of evidence that its payload schema cannot express.

    Called for every piece of evidence recorded in an initiative run with ``toolkit``,
    after the core's own checks have passed: the evidence type, stage, activity type,
    dimensions and indicators exist and the payload matches its schema. ``initiative``
    is ``None`` when the evidence is checked on its own, outside an initiative.

    Every plugin is asked, so check ``toolkit.key`` and return nothing for toolkits that
    are not yours, unless your rule is meant for all of them (a council's local policy).
    Return an iterable of ``Problem`` (``field`` as a path such as ``payload/text``), or
    ``None`` for no problems. The host fills in ``Problem.plugin``.
    """


@hookspec
def coprod_transition_blockers(
    toolkit: Toolkit, initiative: InitiativeView, transition: Transition
) -> Iterable[Blocker] | None:
    """Return the reasons ``initiative`` may not make ``transition`` yet.

    Called only for transitions the toolkit's stage flow allows (one stage forward, back
    to a stage already reached where revisiting is allowed, or round to the first stage
    of a new cycle). Every plugin is asked and every blocker is reported, so the people
    running the initiative see all that stands in their way at once.

    Check ``toolkit.key`` and return nothing for toolkits that are not yours. Return an
    iterable of ``Blocker`` with a stable ``code`` and a ``message`` that says what would
    lift it, or ``None``. The host fills in ``Blocker.plugin``.
    """


@hookspec(firstresult=True)
def coprod_summarise_assessment(
    toolkit: Toolkit, scale: Scale, assessment: AssessmentView
) -> AssessmentSummary | None:
    """Summarise an assessment on the toolkit's scale, or return ``None`` to leave it to others.

    The first plugin to return a summary wins; when none does, the core's default summary
    is used (count, total, mean, range, band and lowest-rated dimensions). Ratings have
    already been checked against the scale. Build on
    ``toolkits_core.default_summary(toolkit, scale, assessment)`` and add notes with
    ``dataclasses.replace`` rather than starting from nothing.
    """
