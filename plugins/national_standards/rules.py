"""The toolkit's rules, as plain functions the hookimpls call.

Kept apart from the hookimpls so each rule can be read, and tested, as a statement about
community engagement rather than as plumbing: the hookimpls only pass their arguments on.
The host asks them only about this plugin's own toolkit, so no rule checks the key.

The transition rules are deliberately few. Each one guards a step of the cycle whose
point would be lost if it were skipped: a Do with no agreed outcomes has nothing to be
reviewed against, a Review with no evidence from Do has nothing to look at, and a new
round that starts before the Review is scored loses what the last round taught.

Every gate counts only the records of the current cycle: last round's agreed outcomes,
evidence and Review score do not open this round's gates, since each round plans, does
and reviews its own work. The evidence gates are aggregate questions (``has_evidence``),
which the database answers from an index, so they cost the same at any size.
"""

from __future__ import annotations

import dataclasses

from toolkits_core import (
    AssessmentSummary,
    AssessmentView,
    Blocker,
    EvidenceView,
    InitiativeView,
    Problem,
    Scale,
    Toolkit,
    Transition,
    TransitionKind,
    default_summary,
)

from .toolkit import (
    DO,
    INDICATOR_CHECK,
    NEEDS_ACTION_AT_OR_BELOW,
    NO_EVIDENCE_FROM_DO,
    OUTCOMES_NOT_AGREED,
    PLAN,
    PLANNING,
    REVIEW,
    REVIEW_NOT_SCORED,
    REVIEW_SCALE,
)

CHECKLIST_LINE_NEEDS_ONE_INDICATOR = "checklist_line_needs_one_indicator"


def transition_blockers(
    toolkit: Toolkit, initiative: InitiativeView, transition: Transition
) -> list[Blocker]:
    """What stands between ``initiative`` and ``transition``, under this toolkit's rules.

    The core has already checked the move is one the cycle allows (one step forward, or
    from Review round to Analyse), so only the gates between the steps are checked here,
    each against the current cycle's records only.
    """
    blockers: list[Blocker] = []
    if transition.kind is TransitionKind.ADVANCE and transition.from_stage == PLAN:
        blockers += _outcomes_agreed(toolkit, initiative)
    if transition.kind is TransitionKind.ADVANCE and transition.from_stage == DO:
        blockers += _evidence_gathered_in_do(toolkit, initiative)
    if transition.kind is TransitionKind.NEW_CYCLE and transition.from_stage == REVIEW:
        blockers += _review_scored(toolkit, initiative)
    return blockers


def _outcomes_agreed(toolkit: Toolkit, initiative: InitiativeView) -> list[Blocker]:
    """Leaving Plan needs this round's agreed outcomes: Review measures the work against them.

    Evidence tagged with the Planning standard counts. Evidence citing one of the Planning
    checklist lines counts too: the core refuses evidence that cites an indicator without
    being tagged with its standard, so asking for the tag covers both.
    """
    if initiative.has_evidence(stage=PLAN, dimension=PLANNING):
        return []
    planning = toolkit.dimension(PLANNING)
    name = planning.name if planning else PLANNING
    return [
        Blocker(
            OUTCOMES_NOT_AGREED,
            "Record the outcomes partners agreed for this cycle before moving on to Do: add "
            f"evidence at this cycle's Plan stage tagged with the {name} standard, such as "
            "the agreed engagement plan or a checklist line for planning-outcomes-agreed.",
        )
    ]


def _evidence_gathered_in_do(toolkit: Toolkit, initiative: InitiativeView) -> list[Blocker]:
    """Leaving Do needs this round's Do evidence: a Review with nothing to look at is guesswork."""
    if initiative.has_evidence(stage=DO):
        return []
    return [
        Blocker(
            NO_EVIDENCE_FROM_DO,
            "Record at least one piece of evidence at this cycle's Do stage before moving on "
            "to Review, for example attendance figures, participants' own words, photos or "
            "survey results from the engagement.",
        )
    ]


def _review_scored(toolkit: Toolkit, initiative: InitiativeView) -> list[Blocker]:
    """A new round needs this round's Review scored, so the next Analyse starts from its lessons."""
    if any(item.scale == REVIEW_SCALE for item in initiative.assessments_in()):
        return []
    scale = toolkit.scale(REVIEW_SCALE)
    name = scale.name if scale else REVIEW_SCALE
    return [
        Blocker(
            REVIEW_NOT_SCORED,
            "Score this cycle's Review before starting a new cycle: record an assessment on "
            f"the {name} ({REVIEW_SCALE}) rating the standards.",
        )
    ]


def evidence_problems(evidence: EvidenceView) -> list[Problem]:
    """Problems with evidence that its payload schema cannot see.

    A checklist line answers whether one indicator is met; its payload says how far, but
    which indicator it answers lives outside the payload, so that is checked here.
    """
    if evidence.evidence_type != INDICATOR_CHECK or len(evidence.indicators) == 1:
        return []
    return [
        Problem(
            CHECKLIST_LINE_NEEDS_ONE_INDICATOR,
            "A checklist line answers exactly one indicator, but this one cites "
            f"{len(evidence.indicators)}: cite the one indicator it answers, and record one "
            "checklist line per indicator.",
            "indicators",
        )
    ]


def summarise_review(
    toolkit: Toolkit, scale: Scale, assessment: AssessmentView
) -> AssessmentSummary | None:
    """The core's summary, plus which standards need action and which were not rated.

    A Review is about what to do next: the standards rated weak or unsatisfactory are where
    the next round should start, and a standard left unrated is a gap in the Review itself.
    Returns ``None`` for any scale but the review scale, leaving it to the default.
    """
    if scale.key != REVIEW_SCALE:
        return None
    summary = default_summary(toolkit, scale, assessment)
    notes: list[str] = []
    needing_action = []
    for dimension in toolkit.dimensions:
        value = assessment.ratings.get(dimension.key)
        if value is not None and value <= NEEDS_ACTION_AT_OR_BELOW:
            level = scale.level(value)
            label = level.label.lower() if level else str(value)
            needing_action.append(f"{dimension.name} ({value}, {label})")
    if needing_action:
        notes.append("Standards needing action: " + ", ".join(needing_action) + ".")
    names = {dimension.key: dimension.name for dimension in toolkit.dimensions}
    unrated = [names[key] for key in summary.unrated]
    if unrated:
        notes.append("Standards not rated: " + ", ".join(unrated) + ".")
    return dataclasses.replace(summary, notes=(*summary.notes, *notes))
