"""What plugin API 1.1 adds to the vocabulary: an SPDX licence id, an "adapted from" note,
and evidence types that say which stages they belong to."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import build_toolkit

from toolkits_core import (
    EvidenceKind,
    EvidenceType,
    EvidenceView,
    PluginHost,
    check_toolkit,
    hookimpl,
    toolkit_summary_document,
)


@pytest.mark.parametrize(
    "licence_id", ["CC-BY-4.0", "CC0-1.0", "MIT OR Apache-2.0", "LicenseRef-all-rights-reserved"]
)
def test_an_spdx_licence_id_is_accepted(licence_id):
    assert check_toolkit(build_toolkit(licence_id=licence_id)) == []


@pytest.mark.parametrize("licence_id", ["CC BY 4.0", "see the website", 4])
def test_a_licence_id_that_is_not_spdx_shaped_is_refused_saying_what_is_wanted(licence_id):
    [problem] = check_toolkit(build_toolkit(licence_id=licence_id))
    assert problem.startswith("licence_id: ")
    assert "SPDX licence id such as 'CC-BY-4.0'" in problem


def test_the_licence_id_and_adaptation_are_published_with_the_toolkit():
    adapted = build_toolkit(licence_id="CC-BY-4.0", adapted_from="Adapted from X: renamed.")
    document = toolkit_summary_document(adapted)
    assert (document["licence_id"], document["adapted_from"]) == (
        "CC-BY-4.0",
        "Adapted from X: renamed.",
    )
    plain = toolkit_summary_document(build_toolkit())
    assert (plain["licence_id"], plain["adapted_from"]) == (None, None)


def with_stages(*stages):
    toolkit = build_toolkit()
    note = EvidenceType("plan", "Plan", EvidenceKind.NOTE, "A plan.", stages=stages)
    return dataclasses.replace(toolkit, evidence_types=[*toolkit.evidence_types, note])


def test_an_evidence_type_naming_a_stage_the_toolkit_lacks_is_refused():
    assert check_toolkit(with_stages("first")) == []
    [problem] = check_toolkit(with_stages("first", "fourth"))
    assert problem.startswith("evidence_types[2].stages")
    assert "fourth" in problem


def test_evidence_of_a_type_is_refused_outside_the_stages_it_declares():
    class Provider:
        @hookimpl
        def coprod_register_toolkits(self, register):
            register(with_stages("first"))

    host = PluginHost.of(Provider())
    assert host.check_evidence(EvidenceView("plan", "first", {"text": "x"}), toolkit="tiny") == []
    [problem] = host.check_evidence(EvidenceView("plan", "second", {"text": "x"}), toolkit="tiny")
    assert (problem.code, problem.field) == ("evidence_type_not_in_stage", "stage")
    # A type that declares no stages belongs everywhere, as in API 1.0.
    assert host.check_evidence(EvidenceView("note", "third", {"text": "x"}), toolkit="tiny") == []
