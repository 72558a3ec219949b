"""Think Local Act Personal's Ladder of Co-production, as a shipped coprod plugin.

Two parts (docs/plugins.md, "The Ladder of Co-production", says why): the ladder as a
scale with a short toolkit of its own, and, through ``RULES_FOR = "*"``, advice on every
toolkit's stages saying how high on the ladder their work could reach given who took
part. Credit: TLAP and its National Co-production Advisory Group (see ``toolkit.py``).

The ladder's toolkit does not start new rounds (``allows_new_rounds`` is left off): its
flow is revisitable, so after Look back a team goes back to Climb (or to Where are we?)
in the same initiative, and every rating stays beside the earlier ones. A round would add
nothing the ladder's one piece of work, rated again and again, does not already have.
"""

from __future__ import annotations

from collections.abc import Callable

from plugins.coproduction_ladder import rules
from plugins.coproduction_ladder.toolkit import LADDER, TOOLKIT
from toolkits_core import (
    Advice,
    Blocker,
    InitiativeView,
    Toolkit,
    Transition,
    hookimpl,
)

PLUGIN_API = 1
RULES_FOR = "*"

__all__ = [
    "LADDER",
    "PLUGIN_API",
    "RULES_FOR",
    "TOOLKIT",
    "coprod_register_toolkits",
    "coprod_transition_advice",
    "coprod_transition_blockers",
]


@hookimpl
def coprod_register_toolkits(register: Callable[[Toolkit], None]) -> None:
    """Hand the ladder's toolkit to the host."""
    register(TOOLKIT)


@hookimpl
def coprod_transition_blockers(
    toolkit: Toolkit, initiative: InitiativeView, transition: Transition
) -> list[Blocker]:
    """The ladder's own gate, for its own toolkit only."""
    return rules.transition_blockers(toolkit, initiative, transition)


@hookimpl
def coprod_transition_advice(
    toolkit: Toolkit, initiative: InitiativeView, transition: Transition
) -> list[Advice]:
    """For every toolkit: the rung ceiling of a stage whose work had no co-producer."""
    return rules.transition_advice(toolkit, initiative, transition)
