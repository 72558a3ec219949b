"""Creating evidence keeps its Idempotency-Key answer in the transaction that writes it.

The answer commits with the evidence, or rolls back with it and with the claim: a retry
that arrives once the evidence exists hears the answer, even if the worker died before
the save that other writes make after their commit, and a write that did not commit
leaves no answer behind, so its retry runs it.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa

import api.idempotency as hooks
import toolkits_core._services.idempotency as kept
from api.context import services
from toolkits_core._services.workspace import Workspace

STAR = "coproduction-star"
HEADER = "Idempotency-Key"
QUOTE = {"evidence_type": "participant-quote", "payload": {"text": "I felt heard."}}


def _initiative(api) -> str:
    made = api.post("initiatives", json={"toolkit": STAR, "title": "Walks"})
    assert made.status_code == 201, made.json
    return str(made.json["id"])


def _claims(database, organisation_id):
    table = kept._TABLE
    with database.engine.connect() as connection:
        return connection.execute(
            sa.select(table).where(table.c.organisation_id == organisation_id)
        ).all()


def _evidence(api, initiative_id):
    return api.get(f"initiatives/{initiative_id}/evidence").json["items"]


def test_a_retry_after_the_commit_hears_the_answer_even_if_the_worker_died_then(
    app, org, database, monkeypatch
):
    api = org.api
    initiative_id = _initiative(api)
    sent = {HEADER: f"retry-{uuid.uuid4()}"}
    commits: list[object] = []
    count = commits.append
    engine = services(app).database.engine
    sa.event.listen(engine, "commit", count)

    def killed(*args, **kwargs):
        raise SystemExit("the worker died after the commit")

    monkeypatch.setattr(hooks, "save_answer", killed)
    try:
        first = api.post(f"initiatives/{initiative_id}/evidence", json=QUOTE, headers=sent)
    except SystemExit:
        first = None
    finally:
        sa.event.remove(engine, "commit", count)
    monkeypatch.undo()
    assert len(commits) == 1  # the evidence, its event, the claim and its answer at once
    [claim] = [row for row in _claims(database, org.id) if row.idempotency_key == sent[HEADER]]
    assert claim.status == 201
    [made] = _evidence(api, initiative_id)

    again = api.post(f"initiatives/{initiative_id}/evidence", json=QUOTE, headers=sent)
    assert again.status_code == 201, again.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json["id"] == made["id"]
    assert again.headers["Location"].endswith(f"/api/v1/evidence/{made['id']}")
    assert again.headers["ETag"] == f'"{made["id"]}.1"'
    if first is not None:
        assert again.get_data() == first.get_data()
    assert [item["id"] for item in _evidence(api, initiative_id)] == [made["id"]]


def test_a_create_whose_commit_fails_keeps_no_answer_so_its_retry_runs(org, database, monkeypatch):
    api = org.api
    initiative_id = _initiative(api)
    sent = {HEADER: f"retry-{uuid.uuid4()}"}

    def failing(self: Workspace) -> None:
        raise sa.exc.OperationalError("COMMIT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(Workspace, "commit", failing)
    failed = api.post(f"initiatives/{initiative_id}/evidence", json=QUOTE, headers=sent)
    monkeypatch.undo()
    assert failed.status_code >= 500
    assert [row for row in _claims(database, org.id) if row.idempotency_key == sent[HEADER]] == []
    assert _evidence(api, initiative_id) == []

    retried = api.post(f"initiatives/{initiative_id}/evidence", json=QUOTE, headers=sent)
    assert retried.status_code == 201, retried.json
    assert "Idempotent-Replayed" not in retried.headers
    assert [item["id"] for item in _evidence(api, initiative_id)] == [retried.json["id"]]
    again = api.post(f"initiatives/{initiative_id}/evidence", json=QUOTE, headers=sent)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_data() == retried.get_data()
