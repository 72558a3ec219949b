"""The Scottish National Standards for Community Engagement, as a coprod toolkit plugin.

The Scottish Community Development Centre (SCDC) published seven National Standards for
Community Engagement (Inclusion, Support, Planning, Working together, Methods,
Communication and Impact; revised 2016), each with indicators that work as an evidence
checklist. SCDC's VOiCE tool runs engagement through four repeating steps (Analyse, Plan,
Do, Review) and scores the Review on a six-point scale adapted from HMIE's "How good is
our..." scale. This plugin gives coprod that shape: the standards as dimensions, the
steps as a cycle, the scale, and a few rules for moving round the cycle.

New rounds come with the model: VOiCE's steps repeat, each Review feeding the next Analyse,
so the cyclic flow always starts a new round after Review (``allows_new_rounds`` adds
nothing here). Each step publishes what it needs before it is left (plugin API 1.2), in
the words of the rules that check it.

Credit: SCDC, https://www.scdc.org.uk/what/national-standards/ . The names are SCDC's
(they are the field's vocabulary); every description is coprod's own wording.

The plugin is written as a third party would write one: it imports only the public names
of ``toolkits_core`` and is found through the ``toolkits_core`` entry point. The host asks
its rule hooks only about the toolkit it registered (rule hooks are routed to the
toolkit's provider), so the hooks below need no check of ``toolkit.key``.
"""

from __future__ import annotations

from collections.abc import Callable

from toolkits_core import (
    AssessmentSummary,
    AssessmentView,
    Blocker,
    CaseStudySection,
    CaseStudyView,
    EvidenceView,
    InitiativeView,
    Problem,
    Scale,
    Toolkit,
    Transition,
    hookimpl,
)

from . import rules
from .case_study import sections as standards_at_review
from .toolkit import TOOLKIT

PLUGIN_API = 1


@hookimpl
def coprod_register_toolkits(register: Callable[[Toolkit], None]) -> None:
    """Hand the host the toolkit definition, which it checks before anyone may use it."""
    register(TOOLKIT)


@hookimpl
def coprod_transition_blockers(
    toolkit: Toolkit, initiative: InitiativeView, transition: Transition
) -> list[Blocker]:
    """The gates between the cycle's steps (see ``rules.transition_blockers``)."""
    return rules.transition_blockers(toolkit, initiative, transition)


@hookimpl
def coprod_validate_evidence(
    toolkit: Toolkit, initiative: InitiativeView | None, evidence: EvidenceView
) -> list[Problem]:
    """Checks on evidence that a payload schema cannot express (see ``rules``)."""
    return rules.evidence_problems(evidence)


@hookimpl
def coprod_summarise_assessment(
    toolkit: Toolkit, scale: Scale, assessment: AssessmentView
) -> AssessmentSummary | None:
    """The default summary, with the standards that need action and those left unrated."""
    return rules.summarise_review(toolkit, scale, assessment)


@hookimpl
def coprod_case_study_sections(
    toolkit: Toolkit, initiative: InitiativeView, case_study: CaseStudyView
) -> list[CaseStudySection]:
    """The seven standards' review scores, for a case study (plugin API 1.2)."""
    return standards_at_review(toolkit, initiative, case_study)
