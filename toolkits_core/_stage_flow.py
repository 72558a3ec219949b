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
    toolkit: Toolkit, initiative: InitiativeView, to_stage: str, *, new_round: bool = False
) -> Transition | Blocker:
    """The transition that moving to ``to_stage`` would be, or why the flow forbids it.

    ``new_round`` asks for a new round: from the last stage to the first, only where the
    toolkit has rounds (``Toolkit.has_rounds``). Without it, the last stage leads round to
    the first only in cyclic and iterative flows, as before plugin API 1.2.
    """
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
    if new_round:
        return _new_round(toolkit, initiative, here, there)

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
    if toolkit.allows_new_rounds and here == last and there == 0:
        return Blocker(
            "no_going_back",
            f"{toolkit.name}'s stages are sequential: to go round again from "
            f"{toolkit.stages[0].name}, ask for a new round (new_round true).",
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


def _new_round(
    toolkit: Toolkit, initiative: InitiativeView, here: int, there: int
) -> Transition | Blocker:
    """A new round from the last stage to the first, or why it cannot start."""
    first = toolkit.stages[0]
    last = toolkit.stages[-1]
    if not toolkit.has_rounds():
        return Blocker(
            "new_round_not_allowed",
            f"{toolkit.name} runs its stages once and does not start new rounds: "
            "record the next piece of work as a new initiative.",
        )
    if there != 0:
        return Blocker(
            "new_round_at_first_stage",
            f"A new round starts at {first.name}, not at {toolkit.stages[there].name}.",
        )
    if here != len(toolkit.stages) - 1:
        return Blocker(
            "round_not_finished",
            f"A new round starts once this one has reached {last.name}; the initiative is "
            f"at {toolkit.stages[here].name}.",
        )
    return Transition(last.key, first.key, TransitionKind.NEW_CYCLE, initiative.cycle + 1)
