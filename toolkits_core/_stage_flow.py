"""The core's own transition rules: what each ``StageFlow`` allows.

Plugins add blockers on top (see the ``coprod_transition_blockers`` hook); they cannot
make a move the flow forbids, so a plugin author never has to re-check ordering.
"""

from __future__ import annotations

from toolkits_core._outcomes import Blocker, Transition, TransitionKind
from toolkits_core._views import InitiativeView
from toolkits_core._vocabulary import StageFlow, Toolkit

_ROUNDS = frozenset({StageFlow.CYCLIC, StageFlow.ITERATIVE})
"""The flows in which the last stage leads round to the first, starting a new cycle."""


def plan_transition(
    toolkit: Toolkit, initiative: InitiativeView, to_stage: str
) -> Transition | Blocker:
    """The transition that moving to ``to_stage`` would be, or why the flow forbids it."""
    here = toolkit.stage_index(initiative.stage)
    there = toolkit.stage_index(to_stage)
    if there is None:
        return Blocker("unknown_stage", f"{toolkit.name} has no stage {to_stage!r}.")
    if here is None:
        return Blocker(
            "unknown_current_stage",
            f"The initiative is at {initiative.stage!r}, which {toolkit.name} does not have.",
        )
    target = toolkit.stages[there]
    last = len(toolkit.stages) - 1

    if there == here + 1:
        return Transition(initiative.stage, to_stage, TransitionKind.ADVANCE, initiative.cycle)
    if toolkit.stage_flow in _ROUNDS and here == last and there == 0:
        return Transition(
            initiative.stage, to_stage, TransitionKind.NEW_CYCLE, initiative.cycle + 1
        )
    if there == here:
        return Blocker("already_there", f"The initiative is already at {target.name}.")
    if there > here:
        following = toolkit.stages[here + 1].name
        return Blocker(
            "stage_skipped",
            f"{toolkit.name} moves one stage at a time: go to {following} before {target.name}.",
        )
    if toolkit.stage_flow is StageFlow.ITERATIVE:
        # Forward moves are one at a time from the round's first stage, so every stage
        # behind the current one was reached in this round.
        return Transition(initiative.stage, to_stage, TransitionKind.REVISIT, initiative.cycle)
    if toolkit.stage_flow is StageFlow.REVISITABLE and to_stage in initiative.reached_stages:
        return Transition(initiative.stage, to_stage, TransitionKind.REVISIT, initiative.cycle)
    if toolkit.stage_flow is StageFlow.REVISITABLE:
        return Blocker(
            "not_reached", f"{target.name} has not been reached, so it cannot be revisited."
        )
    if toolkit.stage_flow is StageFlow.CYCLIC:
        return Blocker(
            "cycle_order",
            f"{toolkit.name} is a cycle: finish this round at "
            f"{toolkit.stages[last].name}, then start again at {toolkit.stages[0].name}.",
        )
    return Blocker(
        "no_going_back", f"{toolkit.name}'s stages are sequential: {target.name} is behind you."
    )
