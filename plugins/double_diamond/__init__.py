"""The Design Council's Double Diamond (CC BY 4.0), as a coprod toolkit plugin.

The four phases run on the iterative flow of plugin API 1.1: back within a round, and
round again after Deliver. New rounds are part of the model itself, not an option: what
Deliver teaches is meant to send the team back to Discover, so the iterative flow always
allows them (``allows_new_rounds`` adds nothing here). Each phase publishes what it needs
before it is left (plugin API 1.2), in the words of the rules that check it. See
``toolkit.py`` for the credit and what was adapted, and ``rules.py`` for the gates
between phases.
"""

from __future__ import annotations

from collections.abc import Callable

from plugins.double_diamond import rules
from plugins.double_diamond.toolkit import TOOLKIT
from toolkits_core import (
    ActivityView,
    Advice,
    Blocker,
    InitiativeView,
    Problem,
    Toolkit,
    Transition,
    hookimpl,
)

PLUGIN_API = 1

__all__ = [
    "PLUGIN_API",
    "TOOLKIT",
    "coprod_register_toolkits",
    "coprod_transition_advice",
    "coprod_transition_blockers",
    "coprod_validate_activity",
]


@hookimpl
def coprod_register_toolkits(register: Callable[[Toolkit], None]) -> None:
    """Hand the Double Diamond to the host, which checks it before anyone can use it."""
    register(TOOLKIT)


@hookimpl
def coprod_transition_blockers(initiative: InitiativeView, transition: Transition) -> list[Blocker]:
    """Gate each phase on the trace it should leave in this round."""
    return rules.transition_blockers(initiative, transition)


@hookimpl
def coprod_transition_advice(initiative: InitiativeView, transition: Transition) -> list[Advice]:
    """Suggest testing with people who use the service before delivering."""
    return rules.transition_advice(initiative, transition)


@hookimpl
def coprod_validate_activity(activity: ActivityView) -> list[Problem]:
    """Refuse a co-design workshop with nobody to co-design with."""
    return rules.activity_problems(activity)
