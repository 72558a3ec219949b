"""The initiative views plugins judge are read as they are looked at, and hold it all then.

Every write asks the plugins about the initiative as a whole, and an initiative may hold a
million pieces of evidence: a view reads where the initiative stands at once and each of
its collections only when a plugin first looks at it, so that recording one more piece
costs what it costs in a new initiative.
"""

from __future__ import annotations

import contextlib
import dataclasses

import pytest
import sqlalchemy as sa

from api.context import services
from toolkits_core import (
    ActivityView,
    AssessmentView,
    Consent,
    EvidenceView,
    ParticipantRole,
    ParticipantView,
)
from toolkits_core.service import Initiative, Workspace, initiative_view

STAR = "coproduction-star"


@contextlib.contextmanager
def counting(engine):
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(" ".join(statement.split()))

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def created(response):
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json["id"]


@pytest.fixture
def initiative(org):
    """An initiative with participants, two activities, evidence and an assessment."""
    api = org.api
    found = created(api.post("initiatives", json={"toolkit": STAR, "title": "Walks"}))
    people = {
        consent: created(
            api.post(
                f"initiatives/{found}/participants",
                json={"role": role, "display_name": "P", "consent": consent},
            )
        )
        for role, consent in (
            ("professional", "given"),
            ("person_using_services", "not_recorded"),
            ("volunteer", "withdrawn"),
        )
    }
    mapping = created(
        api.post(
            f"initiatives/{found}/activities",
            json={"activity_type": "co-production-mapping-session", "title": "Map",
                  "participant_ids": [people["not_recorded"], people["given"]],
                  "dimensions": ["co-design"]},
        )
    )  # fmt: skip
    created(
        api.post(
            f"initiatives/{found}/activities",
            json={"activity_type": "co-production-mapping-session", "title": "Alone"},
        )
    )
    for body in (
        {"evidence_type": "session-notes", "payload": {"text": "one"}, "activity_id": mapping,
         "dimensions": ["co-design"]},
        {"evidence_type": "session-notes", "payload": {"text": "withdrawn"},
         "consent": "withdrawn"},
        {"evidence_type": "participant-quote", "payload": {"text": "two", "context": "café"}},
    ):  # fmt: skip
        created(api.post(f"initiatives/{found}/evidence", json=body))
    created(
        api.post(
            f"initiatives/{found}/assessments",
            json={"scale": "star-self-assessment", "perspective": "professional",
                  "ratings": {"co-design": 3}},
        )
    )  # fmt: skip
    return found


@pytest.fixture
def workspace_of(org, database, plugin_host, app):
    opened = []

    def make() -> Workspace:
        ws = Workspace(database.new_session(), org.id, plugin_host, services(app).files)
        opened.append(ws)
        return ws

    yield make
    for ws in opened:
        ws.session.close()


def without_links(items):
    """The views as API 1.0 built them: the ids and links of 1.1 are pinned in
    test_aggregate_questions.py."""
    stripped = []
    for item in items:
        changes = {"id": None}
        if isinstance(item, ActivityView):
            changes["participants"] = ()
        if isinstance(item, EvidenceView):
            changes |= dict.fromkeys(
                ("activity_id", "participant_id", "participant_role", "participant_consent")
            )
        stripped.append(dataclasses.replace(item, **changes))
    return tuple(stripped)


def test_a_view_holds_what_the_initiative_holds(initiative, workspace_of):
    ws = workspace_of()
    view = initiative_view(ws, ws.get(Initiative, initiative))
    assert view.stage == "map-it"
    assert view.reached_stages == ("map-it",)
    assert without_links(view.participants) == (
        ParticipantView(ParticipantRole.PROFESSIONAL, Consent.GIVEN),
        ParticipantView(ParticipantRole.PERSON_USING_SERVICES, Consent.NOT_RECORDED),
        ParticipantView(ParticipantRole.VOLUNTEER, Consent.WITHDRAWN),
    )
    assert without_links(view.activities) == (
        ActivityView(
            "co-production-mapping-session",
            "map-it",
            ("co-design",),
            # The person using services took part, but their consent is not recorded.
            (ParticipantRole.PROFESSIONAL,),
        ),
        ActivityView("co-production-mapping-session", "map-it"),
    )
    assert without_links(view.evidence) == (  # evidence whose consent was withdrawn is left out
        EvidenceView(
            "session-notes", "map-it", {"text": "one"}, ("co-design",), (),
            "co-production-mapping-session",
        ),
        EvidenceView("participant-quote", "map-it", {"text": "two", "context": "café"}),
    )  # fmt: skip
    assert view.assessments == (
        AssessmentView("star-self-assessment", ParticipantRole.PROFESSIONAL, {"co-design": 3}),
    )
    assert len(view.evidence_in("map-it")) == 2
    assert hash(view) == hash(initiative_view(ws, ws.get(Initiative, initiative)))


def test_a_view_reads_each_collection_once_and_only_when_looked_at(
    database, initiative, workspace_of
):
    ws = workspace_of()
    record = ws.get(Initiative, initiative)
    with counting(database.engine) as statements:
        view = initiative_view(ws, record)
    assert len(statements) == 1, statements  # where it stands
    with counting(database.engine) as statements:
        assert len(view.evidence) == 2
        assert view.evidence[0].payload["text"] == "one"
        assert list(view.evidence)[1].evidence_type == "participant-quote"
    assert len(statements) == 1, statements
    with counting(database.engine) as statements:
        assert len(view.participants) == 3
        assert len(view.activities) == 2
        assert len(view.assessments) == 1
        assert len(view.evidence) == 2
    assert len(statements) == 4, statements  # activities read who took part beside them


def test_a_view_without_a_piece_of_evidence_leaves_only_that_out(initiative, workspace_of):
    ws = workspace_of()
    record = ws.get(Initiative, initiative)
    listed = ws.session.scalars(
        sa.text("SELECT id FROM evidence WHERE initiative_id = :i ORDER BY id"),
        {"i": initiative},
    ).all()
    without_first = initiative_view(ws, record, without_evidence=listed[0])
    assert [e.payload["text"] for e in without_first.evidence] == ["two"]
    without_withdrawn = initiative_view(ws, record, without_evidence=listed[1])
    assert [e.payload["text"] for e in without_withdrawn.evidence] == ["one", "two"]


def test_recording_evidence_reads_none_of_the_initiatives_other_evidence(app, org, initiative):
    body = {"evidence_type": "session-notes", "payload": {"text": "more"}}
    with counting(services(app).database.engine) as statements:
        created(org.api.post(f"initiatives/{initiative}/evidence", json=body))
    reads = [s for s in statements if s.startswith("SELECT") and " FROM evidence" in s]
    assert reads == []
