"""Plugin API 1.1's aggregate questions give the database's answer and the lists' alike.

A rule asks ``has_evidence(stage=..., evidence_type=...)`` or ``count_participants(role)``
of the view the application built, and the database answers from an index; a plugin's
own test asks the same of a view built from lists. The two must never disagree, whatever
the filters, consent and cycle: every question here is put to both.
"""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from test_plugin_views_on_demand import counting, created

from api.context import services
from toolkits_core import ALL_CYCLES, Consent, InitiativeView, ParticipantRole
from toolkits_core.service import Initiative, Workspace, initiative_view

STAR = "coproduction-star"
PERSON = ParticipantRole.PERSON_USING_SERVICES
PROFESSIONAL = ParticipantRole.PROFESSIONAL


@pytest.fixture
def initiative(org):
    """A Star initiative at Focus it with people of every consent, linked to what they did."""
    api = org.api
    found = created(api.post("initiatives", json={"toolkit": STAR, "title": "Walks"}))

    def person(role, consent):
        body = {"role": role, "display_name": "P", "consent": consent}
        return created(api.post(f"initiatives/{found}/participants", json=body))

    ann = person("person_using_services", "given")
    bob = person("person_using_services", "not_recorded")
    cat = person("professional", "given")
    person("volunteer", "withdrawn")

    def activity(kind, people, dimensions=()):
        body = {"activity_type": kind, "title": "A", "participant_ids": people,
                "dimensions": list(dimensions)}  # fmt: skip
        return created(api.post(f"initiatives/{found}/activities", json=body))

    mapping = activity("co-production-mapping-session", [bob, cat], ["co-design"])
    activity("co-production-mapping-session", [ann])
    activity("asset-mapping-walk", [])

    def evidence(kind, payload, **extra):
        body = {"evidence_type": kind, "payload": payload, **extra}
        return created(api.post(f"initiatives/{found}/evidence", json=body))

    evidence("session-notes", {"text": "one"}, activity_id=mapping, dimensions=["co-design"])
    evidence("participant-quote", {"text": "two", "context": "x"}, participant_id=ann)
    evidence("participant-quote", {"text": "three", "context": "x"}, participant_id=bob)
    evidence("session-notes", {"text": "gone"}, consent="withdrawn")
    moved = api.post(f"initiatives/{found}/transitions", json={"to_stage": "focus-it"})
    assert moved.status_code == 201, moved.json
    evidence("session-notes", {"text": "focus"}, dimensions=["co-design", "co-delivery"])
    return {"id": found, "ann": ann, "bob": bob, "mapping": mapping}


@pytest.fixture
def workspace(org, database, plugin_host, app):
    ws = Workspace(database.new_session(), org.id, plugin_host, services(app).files)
    yield ws
    ws.session.close()


@pytest.fixture
def views(initiative, workspace):
    """The database's view, and the same initiative as a test would build it from lists."""
    asked = initiative_view(workspace, workspace.get(Initiative, initiative["id"]))
    listed = InitiativeView(
        asked.toolkit, asked.stage, asked.cycle, asked.reached_stages,
        tuple(asked.participants), tuple(asked.activities), tuple(asked.evidence),
        tuple(asked.assessments), id=asked.id,
    )  # fmt: skip
    assert asked.tally is not None  # the database answers
    assert listed.tally is None  # the lists answer
    return asked, listed


STAGES = (None, "map-it", "focus-it", "people-it")
CYCLES = (None, ALL_CYCLES, 2)
ROLES = (None, PERSON, PROFESSIONAL)


def test_every_evidence_question_gets_the_same_answer_from_the_database_and_the_lists(views):
    asked, listed = views
    filters = itertools.product(
        STAGES, CYCLES, (None, "session-notes", "participant-quote", "co-production-charter"),
        (None, "co-design", "co-delivery"), (None, "co-production-mapping-session"), ROLES,
        (True, False),
    )  # fmt: skip
    seen = set()
    for stage, cycle, kind, dimension, activity, role, consenting in filters:
        question = dict(stage=stage, cycle=cycle, evidence_type=kind, dimension=dimension,
                        activity_type=activity, role=role, consenting_only=consenting)  # fmt: skip
        answer = asked.count_evidence(**question)
        assert answer == listed.count_evidence(**question), question
        assert asked.has_evidence(**question) == (answer > 0), question
        seen.add(answer)
    assert seen == {0, 1, 2, 3, 4}  # the questions tell the records apart


def test_every_activity_question_gets_the_same_answer_from_the_database_and_the_lists(views):
    asked, listed = views
    filters = itertools.product(
        STAGES, CYCLES, (None, "co-production-mapping-session", "asset-mapping-walk"),
        (None, "co-design"), ROLES, (True, False),
    )  # fmt: skip
    seen = set()
    for stage, cycle, kind, dimension, role, consenting in filters:
        question = dict(stage=stage, cycle=cycle, activity_type=kind, dimension=dimension,
                        role=role, consenting_only=consenting)  # fmt: skip
        answer = asked.count_activities(**question)
        assert answer == listed.count_activities(**question), question
        assert asked.has_activities(**question) == (answer > 0), question
        seen.add(answer)
    assert seen == {0, 1, 2, 3}


def test_participants_are_counted_by_role_and_consent_alike(views):
    asked, listed = views
    for role, consent in itertools.product(ROLES, (None, *Consent)):
        question = dict(role=role, consent=consent)
        assert asked.count_participants(**question) == listed.count_participants(**question)
    assert asked.count_participants(PERSON) == 1  # only Ann has consented
    assert asked.count_participants(PERSON, consent=None) == 2
    assert asked.count_participants(consent=None) == 4


def test_only_consenting_people_count_unless_a_rule_asks_for_everyone(views):
    asked, _ = views
    # Bob's consent is not recorded: his quote and his mapping session count only for all.
    assert asked.count_evidence(role=PERSON, cycle=ALL_CYCLES) == 1
    assert asked.count_evidence(role=PERSON, cycle=ALL_CYCLES, consenting_only=False) == 2
    assert asked.count_activities(role=PERSON, cycle=ALL_CYCLES) == 1
    assert asked.count_activities(role=PERSON, cycle=ALL_CYCLES, consenting_only=False) == 2
    # Evidence whose own consent was withdrawn is never counted.
    assert asked.count_evidence(stage="map-it", evidence_type="session-notes") == 1


def test_the_current_cycle_is_the_default_and_at_most_stops_counting(views):
    asked, _ = views
    assert asked.stage == "focus-it"
    assert asked.count_evidence(stage="map-it") == 3
    assert asked.count_evidence(stage="map-it", at_most=2) == 2
    assert asked.count_evidence(cycle=2) == 0
    assert asked.count_evidence() == asked.count_evidence(cycle=ALL_CYCLES) == 4
    with pytest.raises(ValueError, match="at_most"):
        asked.count_evidence(at_most=0)
    with pytest.raises(TypeError, match="cycle"):
        asked.count_evidence(cycle="current")  # type: ignore[arg-type]


def test_views_link_evidence_to_its_activity_and_person_and_activities_to_their_people(
    views, initiative
):
    asked, _ = views
    by_text = {item.payload["text"]: item for item in asked.evidence}
    assert by_text["one"].activity_id == initiative["mapping"]
    assert by_text["two"].participant_id == initiative["ann"]
    assert (by_text["two"].participant_role, by_text["two"].participant_consent) == (
        PERSON,
        Consent.GIVEN,
    )
    assert by_text["three"].from_role(PERSON) is False  # Bob has not consented
    assert by_text["three"].from_role(PERSON, consenting_only=False) is True
    assert all(item.id and item.id.startswith("evd_") for item in asked.evidence)
    mapping = next(a for a in asked.activities if a.id == initiative["mapping"])
    assert next((p.id, p.consent) for p in mapping.participants) == (
        initiative["bob"],
        Consent.NOT_RECORDED,
    )
    assert mapping.participant_roles == (PROFESSIONAL,)
    assert mapping.roles(consenting_only=False) == (PERSON, PROFESSIONAL)
    assert asked.id == initiative["id"]


def test_a_copy_made_with_replace_counts_its_own_lists(views):
    asked, _ = views
    emptied = dataclasses.replace(asked, evidence=())
    assert emptied.tally is None
    assert emptied.count_evidence(cycle=ALL_CYCLES) == 0


def test_the_stars_progress_reads_no_evidence_rows(app, org, initiative):
    """The Star's gates are aggregate questions: no payload is read, however many there are."""
    with counting(services(app).database.engine) as statements:
        progress = org.api.get(f"initiatives/{initiative['id']}/progress")
    assert progress.status_code == 200, progress.json
    assert [move["allowed"] for move in progress.json["moves"]] == [True]
    evidence_reads = [s for s in statements if " FROM evidence" in s]
    assert evidence_reads, statements  # the gate was asked of the database...
    assert not [s for s in evidence_reads if "evidence.payload" in s]  # ...not read row by row
