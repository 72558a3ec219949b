"""The plugin API: every hook a toolkit plugin may implement.

Each hook is a typed, docstring-only function. A plugin implements any of them with
``@toolkits_core.hookimpl`` and may accept fewer arguments than the spec lists.

Versioning: ``PLUGIN_API_VERSION`` follows semantic versioning. A new hook or a new
argument is a minor change; removing or changing a hook or argument is a major one.
A plugin may set a module attribute ``PLUGIN_API = <major>``; the host refuses, by name,
a plugin that asks for a major version it does not provide.

Routing: the rule hooks (evidence, activities, transitions, advice, summaries) are asked
about a toolkit only of the plugin that registered it and of plugins whose module attribute
``RULES_FOR`` names it (a sequence of toolkit keys, or ``"*"`` for every toolkit, as a
council's local policy would). A hook never has to check ``toolkit.key``, and a careless
rules plugin cannot break the toolkits it does not speak for.

Planned beside these (same naming, same style): hooks that hear about initiative events
for integrations (``coprod_initiative_event``) and that add report sections
(``coprod_register_reports``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pluggy

from toolkits_core._case_study_sections import CaseStudySection, CaseStudyView
from toolkits_core._outcomes import Advice, AssessmentSummary, Blocker, Problem, Transition
from toolkits_core._views import ActivityView, AssessmentView, EvidenceView, InitiativeView
from toolkits_core._vocabulary import Scale, Toolkit

PROJECT_NAME = "toolkits_core"
"""The pluggy project name; also the entry-point group plugins are published under."""

PLUGIN_API_VERSION = "1.2"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def coprod_register_toolkits(register: Callable[[Toolkit], None]) -> None:
    """Register the toolkits this plugin provides by calling ``register(toolkit)`` once each.

    Called once, at start-up. The host checks each definition as it is registered: a
    wrong one (duplicate keys, a reference that does not resolve, a bad scale) is reported
    with the plugin's name and the exact problem, and the plugin is skipped (or, in
    strict mode, loading fails). A toolkit key that another plugin registers too is
    refused for both plugins: a toolkit has exactly one provider.
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

    Asked of the plugin that provides ``toolkit`` and of plugins that name it in
    ``RULES_FOR`` (see the module docstring), never of others. Return an iterable of
    ``Problem`` (``field`` as a path such as ``payload/text``), or ``None`` for no problems.
    The host fills in ``Problem.plugin``.
    """


@hookspec
def coprod_validate_activity(
    toolkit: Toolkit, initiative: InitiativeView | None, activity: ActivityView
) -> Iterable[Problem] | None:
    """Return problems with an activity that the toolkit's vocabulary cannot express.

    New in plugin API 1.1. Called for every activity recorded or changed in an initiative
    run with ``toolkit``, after the core's own checks have passed (the activity type,
    stage, cycle and dimensions exist, and the type fits the stage): for example "a
    co-design workshop needs a person who uses the service", using ``activity.participants``
    (each with their consent; count those who ``takes_part``). ``initiative`` is ``None``
    when the activity is checked on its own.

    Routed as ``coprod_validate_evidence`` is. Return an iterable of ``Problem`` (``field``
    such as ``participant_ids``), or ``None``. The host fills in ``Problem.plugin``.
    """


@hookspec
def coprod_transition_blockers(
    toolkit: Toolkit, initiative: InitiativeView, transition: Transition
) -> Iterable[Blocker] | None:
    """Return the reasons ``initiative`` may not make ``transition`` yet.

    Called only for transitions the toolkit's stage flow allows (one stage forward, back
    to a stage already reached where revisiting is allowed, or round to the first stage
    of a new cycle). The plugin that provides ``toolkit`` is asked first, then plugins that
    name it in ``RULES_FOR``, and every blocker is reported, so the people running the
    initiative see all that stands in their way at once. Return an iterable of ``Blocker``
    with a stable ``code`` and a ``message`` that says what would lift it, or ``None``. The
    host fills in ``Blocker.plugin``.
    """


@hookspec
def coprod_transition_advice(
    toolkit: Toolkit, initiative: InitiativeView, transition: Transition
) -> Iterable[Advice] | None:
    """Return advice on ``transition`` that should not stop it (new in plugin API 1.1).

    Asked exactly when ``coprod_transition_blockers`` is, and routed the same way: for
    example "consider a show-and-tell with the people you met before moving on". Advice
    is shown beside the blockers in progress and never refuses a move. Return an iterable
    of ``Advice`` with a stable ``code`` and a ``message``, or ``None``. The host fills in
    ``Advice.plugin``.
    """


@hookspec(firstresult=True)
def coprod_summarise_assessment(
    toolkit: Toolkit, scale: Scale, assessment: AssessmentView
) -> AssessmentSummary | None:
    """Summarise an assessment on the toolkit's scale, or return ``None`` to leave it to others.

    The toolkit's own plugin is asked first, then plugins that name the toolkit in
    ``RULES_FOR``; the first summary returned wins, and when none is, the core's default is
    used (count, total, mean, range, band and lowest-rated dimensions). Ratings have
    already been checked against the scale. Build on
    ``toolkits_core.default_summary(toolkit, scale, assessment)`` and add notes with
    ``dataclasses.replace`` rather than starting from nothing.
    """


@hookspec
def coprod_case_study_sections(
    toolkit: Toolkit, initiative: InitiativeView, case_study: CaseStudyView
) -> Iterable[CaseStudySection] | None:
    """Return toolkit-specific sections for a case study of ``initiative`` (new in 1.2).

    For example, for a toolkit whose dimensions split into citizens' voice and citizens'
    action, how the work divided between them; for one scored at review, each standard's
    scores. Sections are data, never markup: a ``CaseStudySection`` with a stable ``key``
    (lower-case words joined by hyphens, not a core section's key), a ``title`` and
    ``blocks`` (``Paragraph``, ``Table``, ``Measures`` of ``Measure``, ``Citations`` of
    evidence ids). The core places them after the assessments, lets people add their own
    text to each (stored under its key), and renders them as JSON, Markdown and HTML.

    ``initiative`` holds only the evidence that ``case_study.use`` allows (consent given,
    not private, not erased; for ``"publication"`` only what may be published), and its
    aggregate questions count only that; cited evidence the use does not allow is taken
    out by the core all the same. ``case_study.cited`` holds the evidence the case study
    cites that the use allows. A case study is rendered at every reading: ask aggregate
    questions rather than reading ``initiative.evidence``, and do not count evidence by
    dimension (no index reaches a tag, so a rare one reads every piece).

    Routed as the rule hooks are (the toolkit's provider first, then plugins naming it in
    ``RULES_FOR``). A hook that raises or returns something wrong is named in the case
    study's completeness check and in the log, and its sections are left out; the rest of
    the case study is shown.
    """
