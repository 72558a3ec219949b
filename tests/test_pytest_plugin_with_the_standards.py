"""The National Standards' gates, tested with coprod's pytest plugin's host-level fixtures."""

from __future__ import annotations

import pytest

import plugins.national_standards as standards


@pytest.fixture
def coprod_plugin():
    return ("national_standards", standards)


def test_each_gate_of_the_cycle_with_the_walking_helpers(coprod_views, coprod_walk):
    at_plan = coprod_views.initiative("plan", reached_stages=("analyse",))
    coprod_walk.assert_blocked(at_plan, "do", "outcomes_not_agreed")
    agreed = coprod_views.evidence(stage="plan", payload={"text": "x"}, dimensions=["planning"])
    at_do = coprod_walk.move(coprod_views.initiative("plan", evidence=[agreed]), "do")
    decision = coprod_walk.assert_blocked(at_do, "review", "no_evidence_from_do")
    assert decision.transition is not None  # the flow allows it; the plugin blocks it
    done = coprod_views.evidence(stage="do", payload={"text": "y"})
    at_review = coprod_walk.move(
        coprod_views.initiative("do", reached_stages=("analyse", "plan"), evidence=[done]),
        "review",
    )
    coprod_walk.assert_blocked(at_review, "analyse", "review_not_scored")
