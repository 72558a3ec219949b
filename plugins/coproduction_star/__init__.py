"""The Co-Production Star: Governance International's model of co-production, as a toolkit.

The Star describes co-production in two ways at once. Its five steps (Map it, Focus it,
People it, Market it, Grow it) are the change process an organisation goes through, and
coprod runs them as sequential stages. Its Four Co's (co-commissioning, co-design,
co-delivery, co-assessment) are the ways citizens take part, and coprod uses them as the
dimensions that activities and evidence are tagged with and that a team rates itself on.

The Star can go round again (``allows_new_rounds``): after Grow it, an initiative may
start a new round at Map it, keeping every earlier round's records under its round number.
Governance International presents co-production as ongoing work rather than a project
with an end, and Grow it's review of the whole service is where the next map starts: a
second year of the same work (PRESENT's, say) belongs in the same initiative, not a new
one. Leaving Grow it for a new round asks for an activity recorded there, so the next map
has something to start from. Within a round the steps stay sequential: each step's gate
asks about the current round's records.

Attribution: the Co-Production Star is the work of Governance International
(https://www.govint.org/our-services/co-production/), copyright Governance International,
all rights reserved. This plugin uses the model's names as the vocabulary of the field;
all descriptions, indicators and the self-assessment scale are the coprod project's own,
and neither Governance International's text nor the Star graphic is reproduced.

The host asks this plugin's rule hooks only about its own toolkit (rule hooks are routed
to the plugin that registered the toolkit), so the hooks below need no check of
``toolkit.key``.
"""

from __future__ import annotations

from collections.abc import Callable

from plugins.coproduction_star import rules
from plugins.coproduction_star.case_study import sections as voice_and_action
from plugins.coproduction_star.toolkit import TOOLKIT
from toolkits_core import (
    AssessmentSummary,
    AssessmentView,
    Blocker,
    CaseStudySection,
    CaseStudyView,
    InitiativeView,
    Scale,
    Toolkit,
    Transition,
    hookimpl,
)

PLUGIN_API = 1

__all__ = [
    "PLUGIN_API",
    "TOOLKIT",
    "coprod_case_study_sections",
    "coprod_register_toolkits",
    "coprod_summarise_assessment",
    "coprod_transition_blockers",
]


@hookimpl
def coprod_register_toolkits(register: Callable[[Toolkit], None]) -> None:
    """Hand the Star's definition to the host, which checks it before anyone can use it."""
    register(TOOLKIT)


@hookimpl
def coprod_transition_blockers(
    toolkit: Toolkit, initiative: InitiativeView, transition: Transition
) -> list[Blocker]:
    """Gate each step on the trace it should leave, and on people who use the service."""
    return rules.transition_blockers(toolkit, initiative, transition)


@hookimpl
def coprod_summarise_assessment(
    toolkit: Toolkit, scale: Scale, assessment: AssessmentView
) -> AssessmentSummary:
    """Read a self-assessment the Star's way: voice against action, bands only when whole."""
    return rules.summarise(toolkit, scale, assessment)


@hookimpl
def coprod_case_study_sections(
    toolkit: Toolkit, initiative: InitiativeView, case_study: CaseStudyView
) -> list[CaseStudySection]:
    """Citizen voice against citizen action, for a case study (plugin API 1.2)."""
    return voice_and_action(toolkit, initiative, case_study)
