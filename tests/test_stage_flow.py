"""The core's stage flows: sequential, revisitable and cyclic toolkits all move as declared."""

from __future__ import annotations

import pytest
from conftest import build_toolkit

from toolkits_core import (
    InitiativeView,
    PluginHost,
    StageFlow,
    Transition,
    TransitionKind,
    hookimpl,
)


def host_for(flow):
    class Provider:
        @hookimpl
        def coprod_register_toolkits(self, register):
            register(build_toolkit(stage_flow=flow))

    return PluginHost.of(Provider())


def codes(decision):
    return [blocker.code for blocker in decision.blockers]


@pytest.mark.parametrize("flow", list(StageFlow))
def test_every_flow_moves_forward_one_stage_at_a_time(flow):
    host = host_for(flow)
    decision = host.decide_transition(InitiativeView("tiny", "first"), "second")
    assert decision.allowed
    assert decision.transition == Transition("first", "second", TransitionKind.ADVANCE, 1)
    assert codes(host.decide_transition(InitiativeView("tiny", "first"), "third")) == [
        "stage_skipped"
    ]


@pytest.mark.parametrize("flow", list(StageFlow))
def test_no_flow_moves_to_the_stage_it_is_in_or_to_a_stage_that_does_not_exist(flow):
    host = host_for(flow)
    assert codes(host.decide_transition(InitiativeView("tiny", "second"), "second")) == [
        "already_there"
    ]
    assert codes(host.decide_transition(InitiativeView("tiny", "second"), "fourth")) == [
        "unknown_stage"
    ]
    assert codes(host.decide_transition(InitiativeView("tiny", "gone"), "second")) == [
        "unknown_current_stage"
    ]


def test_a_sequential_toolkit_never_goes_back_and_ends_at_its_last_stage():
    host = host_for(StageFlow.SEQUENTIAL)
    at_end = InitiativeView("tiny", "third", reached_stages=["first", "second"])
    assert codes(host.decide_transition(at_end, "second")) == ["no_going_back"]
    assert codes(host.decide_transition(at_end, "first")) == ["no_going_back"]


def test_a_revisitable_toolkit_goes_back_to_any_stage_already_reached():
    host = host_for(StageFlow.REVISITABLE)
    at_end = InitiativeView("tiny", "third", reached_stages=["first", "second"])
    decision = host.decide_transition(at_end, "first")
    assert decision.transition == Transition("third", "first", TransitionKind.REVISIT, 1)
    # From a revisited stage, forward is one step again, and stages reached stay reachable.
    back = InitiativeView("tiny", "first", reached_stages=["first", "second", "third"])
    assert host.decide_transition(back, "second").allowed
    assert codes(host.decide_transition(back, "third")) == ["stage_skipped"]


def test_a_revisitable_toolkit_cannot_go_back_to_a_stage_never_reached():
    host = host_for(StageFlow.REVISITABLE)
    # Reached "second" without "first" (e.g. imported mid-way): "first" was never reached.
    odd = InitiativeView("tiny", "second", reached_stages=["second"])
    assert codes(host.decide_transition(odd, "first")) == ["not_reached"]


def test_a_cyclic_toolkit_starts_a_new_cycle_after_its_last_stage():
    host = host_for(StageFlow.CYCLIC)
    at_end = InitiativeView("tiny", "third", cycle=1, reached_stages=["first", "second"])
    decision = host.decide_transition(at_end, "first")
    assert decision.allowed
    assert decision.transition == Transition("third", "first", TransitionKind.NEW_CYCLE, 2)


def test_a_cyclic_toolkit_does_not_go_back_mid_cycle():
    host = host_for(StageFlow.CYCLIC)
    middle = InitiativeView("tiny", "second", cycle=3, reached_stages=["first"])
    (blocker,) = host.decide_transition(middle, "first").blockers
    assert blocker.code == "cycle_order"
    assert blocker.message == (
        "Tiny Toolkit is a cycle: finish this round at Third, then start again at First."
    )


def test_the_current_stage_always_counts_as_reached():
    assert InitiativeView("tiny", "second").reached_stages == ("second",)


# The iterative flow (plugin API 1.1): back within a round, and round again ---------------


def test_an_iterative_round_goes_back_to_any_earlier_stage_of_the_round():
    host = host_for(StageFlow.ITERATIVE)
    at_third = InitiativeView("tiny", "third", cycle=2, reached_stages=("first", "second"))
    back = host.decide_transition(at_third, "second")
    assert back.allowed
    assert back.transition == Transition("third", "second", TransitionKind.REVISIT, 2)
    at_second = InitiativeView("tiny", "second", reached_stages=("first",))
    assert host.decide_transition(at_second, "first").transition == Transition(
        "second", "first", TransitionKind.REVISIT, 1
    )


def test_an_iterative_toolkit_starts_a_new_round_from_its_last_stage():
    host = host_for(StageFlow.ITERATIVE)
    at_third = InitiativeView("tiny", "third", reached_stages=("first", "second"))
    decision = host.decide_transition(at_third, "first")
    assert decision.allowed
    assert decision.transition == Transition("third", "first", TransitionKind.NEW_CYCLE, 2)


def test_an_iterative_round_still_moves_forward_one_stage_at_a_time():
    host = host_for(StageFlow.ITERATIVE)
    decision = host.decide_transition(InitiativeView("tiny", "first"), "third")
    assert decision.transition is None
    assert codes(decision) == ["stage_skipped"]
    assert codes(host.decide_transition(InitiativeView("tiny", "second"), "second")) == [
        "already_there"
    ]
