"""Concurrent writes over real connections: one wins, the others are told why, nothing is lost.

Each case runs many rounds in two ways. *Overlapping*: the clients' requests are released
together by a barrier, as two integrators' would be. *Interleaved*: besides, every request
waits just before it writes until all of them have read and checked, which forces the
worst interleaving (each has seen the same state, then each writes) in every round: the
one where a check-then-write service would lose a write if nothing else stopped it.

On PostgreSQL the racers are truly parallel transactions; on SQLite they run on parallel
connections too, with the database taking one writer at a time, and the answers must be
the same.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from flask import Flask

from toolkits_core.service import Activity, Assessment, Evidence, Initiative, Participant

from .conftest import (
    FIGURES,
    TOOLKIT,
    Http,
    RacersMeet,
    Reply,
    Tenant,
    overlap,
    stored_files,
    wav_bytes,
)

T = TypeVar("T")
ROUNDS = 20
MODES = pytest.mark.parametrize("interleaved", [False, True], ids=["overlapping", "interleaved"])


def new_initiative(http: Http, **fields: Any) -> dict[str, Any]:
    reply = http.post("initiatives", {"toolkit": TOOLKIT, "title": "Walks", **fields})
    assert reply.status == 201, reply
    return dict(reply.json)


@dataclasses.dataclass(frozen=True)
class Kind:
    """A kind of record the races are run on: how to make one and how to change it."""

    name: str
    model: type[Any]
    collection: str
    fields: dict[str, Any]
    changed_field: str

    def create(self, http: Http, initiative: dict[str, Any], **more: Any) -> Reply:
        if self.model is Initiative:
            return http.post("initiatives", {"toolkit": TOOLKIT, "title": "Walks", **more})
        return http.post(
            f"initiatives/{initiative['id']}/{self.collection}", {**self.fields, **more}
        )

    def make(self, http: Http, initiative: dict[str, Any]) -> dict[str, Any]:
        if self.model is Initiative:
            return initiative
        reply = self.create(http, initiative)
        assert reply.status == 201, reply
        return dict(reply.json)

    def path(self, record: dict[str, Any]) -> str:
        return f"{self.collection}/{record['id']}"

    def change(self, text: str) -> dict[str, Any]:
        if self.changed_field == "payload":
            return {"payload": {"text": text}}
        return {self.changed_field: text}

    def changed_value(self, record: dict[str, Any]) -> Any:
        value = record[self.changed_field]
        return value["text"] if self.changed_field == "payload" else value


KINDS = [
    Kind("initiative", Initiative, "initiatives", {}, "title"),
    Kind(
        "participant",
        Participant,
        "participants",
        {"role": "professional", "display_name": "Sam"},
        "display_name",
    ),
    Kind(
        "activity",
        Activity,
        "activities",
        {"activity_type": "meeting", "title": "Walk", "dimensions": ["voice"]},
        "title",
    ),
    Kind(
        "evidence",
        Evidence,
        "evidence",
        {"evidence_type": "note", "payload": {"text": "Said on the walk"}},
        "payload",
    ),
    Kind(
        "assessment",
        Assessment,
        "assessments",
        {"scale": "three-point", "perspective": "professional", "ratings": {"voice": 2}},
        "note",
    ),
]
BY_KIND = pytest.mark.parametrize("kind", KINDS, ids=[kind.name for kind in KINDS])


Meet = Callable[[int], contextlib.AbstractContextManager[Any]]


@pytest.fixture
def interleaving(racers_meet: RacersMeet, interleaved: bool) -> Meet:
    """For interleaved runs, the racers meet before writing; otherwise they just overlap."""

    def meet(parties: int) -> contextlib.AbstractContextManager[Any]:
        return racers_meet(parties) if interleaved else contextlib.nullcontext()

    return meet


def race(requests: list[Callable[[], T]]) -> list[T]:
    """The requests, each from its own client in its own thread, released at once."""
    replies = overlap(requests)
    FIGURES["concurrent requests"] += len(replies)
    return replies


def only(replies: list[Reply], status: int) -> list[Reply]:
    return [reply for reply in replies if reply.status == status]


# One ETag, two writers -----------------------------------------------------------------


@BY_KIND
@MODES
def test_two_patches_with_one_etag_one_wins_the_other_is_told_412(
    http: Http, clients: Callable[[int], list[Http]], kind: Kind, interleaving: Meet
) -> None:
    record = kind.make(http, new_initiative(http))
    path = kind.path(record)
    racers = clients(2)
    for round_number in range(ROUNDS):
        before = http.get(path)
        etag = before.headers["ETag"]
        values = [f"round {round_number}, writer {n}" for n in range(2)]
        with interleaving(2):
            replies = race(
                [
                    functools.partial(client.patch, path, kind.change(value), etag)
                    for client, value in zip(racers, values, strict=True)
                ]
            )
        assert sorted(reply.status for reply in replies) == [200, 412], replies
        winner = replies.index(only(replies, 200)[0])
        loser = replies[1 - winner]
        assert loser.code == "stale_etag", loser
        assert loser.json["current_etag"] == replies[winner].headers["ETag"]
        after = http.get(path)
        assert kind.changed_value(after.json) == values[winner]
        assert after.json["version"] == before.json["version"] + 1
        assert after.headers["ETag"] == replies[winner].headers["ETag"]


@BY_KIND
@MODES
def test_two_deletes_with_one_etag_one_deletes_the_other_finds_nothing(
    http: Http, clients: Callable[[int], list[Http]], kind: Kind, interleaving: Meet
) -> None:
    racers = clients(2)
    for _ in range(ROUNDS // 2):
        record = kind.make(http, new_initiative(http))
        etag = http.get(kind.path(record)).headers["ETag"]
        with interleaving(2):
            replies = race([functools.partial(c.delete, kind.path(record), etag) for c in racers])
        assert sorted(reply.status for reply in replies) == [204, 404], replies
        assert only(replies, 404)[0].code == "not_found"
        assert http.get(kind.path(record)).status == 404


@MODES
def test_a_change_racing_a_deletion_either_lands_first_or_hears_404(
    http: Http, clients: Callable[[int], list[Http]], interleaving: Meet
) -> None:
    initiative = new_initiative(http)
    kind = KINDS[1]
    racers = clients(2)
    for round_number in range(ROUNDS):
        record = kind.make(http, initiative)
        path = kind.path(record)
        etag = http.get(path).headers["ETag"]
        name = f"renamed in round {round_number}"
        with interleaving(2):
            patched, deleted = race(
                [
                    functools.partial(racers[0].patch, path, kind.change(name), etag),
                    functools.partial(racers[1].delete, path, etag),
                ]
            )
        if deleted.status == 204:
            assert (patched.status, patched.code) == (404, "not_found"), patched
            assert http.get(path).status == 404
        else:
            assert (patched.status, deleted.status, deleted.code) == (200, 412, "stale_etag")
            assert http.get(path).json["display_name"] == name


@MODES
def test_two_uploads_with_one_etag_keep_exactly_the_winners_file(
    trust_app: Flask,
    tenant: Tenant,
    http: Http,
    clients: Callable[[int], list[Http]],
    interleaving: Meet,
) -> None:
    initiative = new_initiative(http)
    racers = clients(2)
    for round_number in range(ROUNDS // 2):
        created = http.post(
            f"initiatives/{initiative['id']}/evidence",
            {"evidence_type": "interview", "payload": {"caption": "By the canal"}},
        )
        path = f"evidence/{created.json['id']}/file"
        etag = created.headers["ETag"]
        audio = [wav_bytes(level=2 * round_number + n) for n in range(2)]
        with interleaving(2):
            replies = race(
                [
                    functools.partial(client.upload, path, content, if_match=etag)
                    for client, content in zip(racers, audio, strict=True)
                ]
            )
        assert sorted(reply.status for reply in replies) == [200, 412], replies
        winner = replies.index(only(replies, 200)[0])
        digest = hashlib.sha256(audio[winner]).hexdigest()
        assert replies[winner].json["file"]["sha256"] == digest
        assert http.get(path).body == audio[winner]
        kept = {
            name
            for evidence, name in stored_files(trust_app, tenant.id)
            if evidence == created.json["id"]
        }
        assert kept == {digest}, "the losing upload's file must not stay behind"


# Stage transitions ---------------------------------------------------------------------


@pytest.mark.parametrize("if_match", [True, False], ids=["if-match", "no-if-match"])
@MODES
def test_concurrent_transitions_leave_one_move_and_a_history_that_agrees(
    http: Http, clients: Callable[[int], list[Http]], if_match: bool, interleaving: Meet
) -> None:
    racers = clients(3)
    for round_number in range(ROUNDS):
        initiative = new_initiative(http)
        path = f"initiatives/{initiative['id']}"
        etag = http.get(path).headers["ETag"]
        headers = {"If-Match": etag} if if_match else {}
        with interleaving(3):
            replies = race(
                [
                    functools.partial(
                        client.post,
                        f"{path}/transitions",
                        {"to_stage": "second", "note": f"round {round_number}, client {n}"},
                        headers=headers,
                    )
                    for n, client in enumerate(racers)
                ]
            )
        moved = only(replies, 201)
        assert len(moved) == 1, replies
        for refused in (reply for reply in replies if reply.status != 201):
            if if_match:
                assert (refused.status, refused.code) == (412, "stale_etag"), refused
            else:
                assert refused.status == 409, refused
                assert refused.code in {"write_conflict", "transition_refused"}, refused
        history = http.get(f"{path}/transitions").json["items"]
        assert [(entry["from_stage"], entry["stage"], entry["kind"]) for entry in history] == [
            (None, "first", "start"),
            ("first", "second", "advance"),
        ]
        assert history[1]["id"] == moved[0].json["id"]
        assert history[1]["note"] == moved[0].json["note"]
        now = http.get(path)
        assert (now.json["stage"], now.json["version"]) == ("second", 2)
        assert now.headers["ETag"] == moved[0].headers["ETag"]


def test_racing_clients_walking_an_initiative_forward_never_skip_or_repeat_a_stage(
    http: Http, clients: Callable[[int], list[Http]]
) -> None:
    """Four clients each read where the initiative stands and ask for the next stage,
    without If-Match, over and over: whatever wins, the history is a walk one step at a
    time and the initiative stands where its history ends."""
    stages = ["first", "second", "third"]
    racers = clients(4)
    for _ in range(ROUNDS // 2):
        initiative = new_initiative(http)
        path = f"initiatives/{initiative['id']}"

        def walk(client: Http, path: str) -> list[Reply]:
            replies = []
            for _ in range(3):
                stage = client.get(path).json["stage"]
                if stage == stages[-1]:
                    break
                following = stages[stages.index(stage) + 1]
                replies.append(client.post(f"{path}/transitions", {"to_stage": following}))
            return replies

        walks = race([functools.partial(walk, client, path) for client in racers])
        answers = [reply for replies in walks for reply in replies]
        assert {reply.status for reply in answers} <= {201, 409}, answers
        assert {reply.code for reply in answers if reply.status == 409} <= {
            "write_conflict",
            "transition_refused",
        }
        history = http.get(f"{path}/transitions").json["items"]
        assert [entry["stage"] for entry in history] == stages
        assert [entry["from_stage"] for entry in history] == [None, *stages[:-1]]
        assert len(only(answers, 201)) == len(stages) - 1
        assert http.get(path).json["stage"] == stages[-1]


# external_ref: one record per reference --------------------------------------------------


@BY_KIND
@MODES
def test_concurrent_creates_with_one_external_ref_make_one_record(
    http: Http,
    clients: Callable[[int], list[Http]],
    kind: Kind,
    interleaved: bool,
    interleaving: Meet,
) -> None:
    parties = 2 if interleaved else 3
    racers = clients(parties)
    initiative = new_initiative(http)
    for _ in range(ROUNDS):
        reference = f"crm-{uuid.uuid4().hex[:12]}"
        with interleaving(parties):
            replies = race(
                [
                    functools.partial(kind.create, client, initiative, external_ref=reference)
                    for client in racers
                ]
            )
        created = only(replies, 201)
        assert len(created) == 1, replies
        for refused in only(replies, 409):
            assert refused.code == "external_ref_taken", refused
            assert refused.json["existing_id"] == created[0].json["id"]
        assert len(only(replies, 409)) == parties - 1, replies
        collection = (
            "initiatives"
            if kind.model is Initiative
            else f"initiatives/{initiative['id']}/{kind.collection}"
        )
        listed = http.get(f"{collection}?external_ref={reference}").json["items"]
        assert [item["id"] for item in listed] == [created[0].json["id"]]


@pytest.mark.parametrize("kind", KINDS[:2], ids=[kind.name for kind in KINDS[:2]])
@MODES
def test_two_records_given_one_external_ref_at_once_only_one_keeps_it(
    http: Http, clients: Callable[[int], list[Http]], kind: Kind, interleaving: Meet
) -> None:
    racers = clients(2)
    initiative = new_initiative(http)
    for _ in range(ROUNDS // 2):
        records = [
            kind.make(http, new_initiative(http) if kind.model is Initiative else initiative)
            for _ in range(2)
        ]
        reference = f"crm-{uuid.uuid4().hex[:12]}"
        with interleaving(2):
            replies = race(
                [
                    functools.partial(client.patch, kind.path(record), {"external_ref": reference})
                    for client, record in zip(racers, records, strict=True)
                ]
            )
        assert sorted(reply.status for reply in replies) == [200, 409], replies
        winner = replies.index(only(replies, 200)[0])
        refused = replies[1 - winner]
        assert refused.code == "external_ref_taken", refused
        assert refused.json["existing_id"] == records[winner]["id"]
        assert http.get(kind.path(records[1 - winner])).json["external_ref"] is None
