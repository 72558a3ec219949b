"""A soak: many clients at once against gunicorn with several workers on PostgreSQL.

Sixteen clients in four organisations (so that some of them share records and race for
them on purpose) spend a bounded time creating initiatives, participants, activities and
evidence, changing them with If-Match, uploading files, moving initiatives through their
stages, listing and reading, and deleting. Every answer is checked against what the
operation may answer by design; every acknowledged write (a 2xx with its version) goes
in a ledger. Afterwards the database and the file store must hold exactly what was
acknowledged: every record at the last version a client was told of, with what it was
told; every version from 1 to that one acknowledged exactly once (no write lost, none
made that nobody was told of); every deleted record gone; every stage move in the
history; every file named by a row and no other file.

The normal PostgreSQL run soaks for ``COPROD_SOAK_SECONDS`` (8 by default); ``tox -e
soak`` runs it for a minute. The figures are printed in the terminal summary.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import os
import pathlib
import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import pytest
import sqlalchemy as sa
from flask import Flask

from api.context import services
from toolkits_core.service import (
    Activity,
    Database,
    Evidence,
    Initiative,
    Participant,
    StageEntry,
    create_key,
    create_organisation,
)

from .conftest import (
    SOAK_FIGURES,
    TOOLKIT,
    Gunicorn,
    Http,
    Reply,
    Tenant,
    multipart,
    serve_with_gunicorn,
    wav_bytes,
)

SECONDS_VARIABLE = "COPROD_SOAK_SECONDS"
CLIENTS_VARIABLE = "COPROD_SOAK_CLIENTS"
ORGANISATIONS = 4
WORKERS = 3
THREADS = 4
STAR = "coproduction-star"
STAGES = ["map-it", "focus-it", "people-it", "market-it", "grow-it"]
COLLECTIONS = {"initiative": "initiatives", "participant": "participants", "evidence": "evidence"}


@pytest.fixture(scope="module")
def gunicorn(database: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gunicorn]:
    """gunicorn serving ``api:create_app()`` with several workers on the suite's database."""
    if database.is_sqlite:
        pytest.skip(
            "the soak needs PostgreSQL (set COPROD_TEST_DATABASE_URL): several gunicorn "
            "workers are separate processes writing to one database"
        )
    with serve_with_gunicorn(
        database,
        tmp_path_factory.mktemp("soak"),
        "api:create_app()",
        workers=WORKERS,
        threads=THREADS,
        env={"COPROD_PLUGINS": "coproduction_star,national_standards"},
    ) as served:
        yield served


# What was acknowledged ------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Ack:
    """A write the server acknowledged: the record, the version it said it made, and the
    values it said the record then held."""

    kind: str
    record_id: str
    version: int | None
    fields: dict[str, Any]
    deleted: bool = False


@dataclasses.dataclass
class Known:
    """A record clients share: its id and the last ETag any of them heard."""

    kind: str
    id: str
    organisation: int
    etag: str
    parent: str | None = None
    has_file_type: bool = False


def _version_of(etag: str) -> int:
    return int(etag.strip('"').rsplit(".", 1)[1])


class Soak:
    """The shared state of the clients: the records they know of, and the ledger."""

    ALLOWED: ClassVar[dict[str, set[tuple[int, str | None]]]] = {
        "create": {(201, None)},
        "create duplicate": {(201, None), (409, "external_ref_taken")},
        "change": {(200, None), (412, "stale_etag"), (404, "not_found")},
        "upload": {(200, None), (412, "stale_etag"), (404, "not_found")},
        "delete": {(204, None), (412, "stale_etag"), (404, "not_found")},
        "transition": {(201, None), (412, "stale_etag"), (409, "transition_refused")},
        "read": {(200, None), (404, "not_found")},
        "list": {(200, None)},
        "create child": {(201, None)},
    }
    """What each operation may answer by design: a deliberate duplicate external_ref is
    refused, a stale If-Match (another client wrote first) is refused, a record another
    client deleted is not found, a move the toolkit does not allow yet is refused."""

    def __init__(self, organisation_ids: list[str], tokens: list[str], port: int) -> None:
        self.organisation_ids = organisation_ids
        self.tokens = tokens
        self.port = port
        self.lock = threading.Lock()
        self.records: dict[str, list[Known]] = defaultdict(list)
        self.acks: list[Ack] = []
        self.answers: Counter[tuple[str, int, str | None]] = Counter()
        self.unexpected: list[str] = []
        self.counter = itertools.count(1)

    def note(self, operation: str, reply: Reply, what: str) -> bool:
        """Count an answer; whether it was a success. An answer not by design is recorded."""
        code = None if reply.status < 400 else reply.code
        with self.lock:
            self.answers[(operation, reply.status, code)] += 1
            if (reply.status, code) not in self.ALLOWED[operation]:
                self.unexpected.append(f"{what}: {reply!r}")
        return reply.status < 300

    def acknowledge(self, ack: Ack) -> None:
        with self.lock:
            self.acks.append(ack)

    def remember(self, known: Known) -> None:
        with self.lock:
            self.records[known.kind].append(known)

    def pick(self, rng: random.Random, kind: str, organisation: int, **match: Any) -> Known | None:
        with self.lock:
            found = [
                known
                for known in self.records[kind]
                if known.organisation == organisation
                and all(getattr(known, name) == value for name, value in match.items())
            ]
        return rng.choice(found) if found else None

    def heard(self, known: Known, reply: Reply) -> None:
        """A newer ETag for a shared record (only if newer: answers arrive out of order)."""
        etag = reply.headers.get("ETag")
        if etag:
            with self.lock:
                if _version_of(etag) > _version_of(known.etag):
                    known.etag = etag

    def forget(self, known: Known) -> None:
        with self.lock:
            if known in self.records[known.kind]:
                self.records[known.kind].remove(known)

    def unique(self) -> int:
        return next(self.counter)


class Client:
    """One integrator's process: its own connection, its own organisation, its own dice."""

    def __init__(self, soak: Soak, number: int, deadline: float) -> None:
        self.soak = soak
        self.organisation = number % ORGANISATIONS
        self.http = Http(soak.port, soak.tokens[self.organisation], timeout=60)
        self.rng = random.Random(number)
        self.deadline = deadline
        self.requests = 0

    def run(self) -> None:
        operations: list[tuple[Callable[[], None], int]] = [
            (self.create_initiative, 6),
            (self.create_participant, 10),
            (self.create_activity, 5),
            (self.create_evidence, 12),
            (self.upload, 8),
            (self.change_initiative, 6),
            (self.change_participant, 8),
            (self.change_evidence, 8),
            (self.transition, 6),
            (self.delete_participant, 3),
            (self.delete_evidence, 3),
            (self.read, 10),
            (self.list, 15),
        ]
        actions, weights = zip(*operations, strict=True)
        try:
            while time.monotonic() < self.deadline:
                self.rng.choices(actions, weights)[0]()
        except Exception as error:  # a transport failure: reported, not swallowed
            with self.soak.lock:
                self.soak.unexpected.append(f"client failed: {error!r}")
        finally:
            self.http.close()

    def send(self, method: str, path: str, **options: Any) -> Reply:
        self.requests += 1
        return self.http.request(method, path, **options)

    def _initiative(self) -> Known | None:
        return self.soak.pick(self.rng, "initiative", self.organisation)

    # Writes -------------------------------------------------------------------------

    def create_initiative(self) -> None:
        duplicate = self.rng.random() < 0.15
        taken = self._initiative() if duplicate else None
        reference = f"crm-{self.organisation}-{self.soak.unique()}"
        if taken is not None:
            reference = f"crm-{self.organisation}-{taken.id}"
        body = {"toolkit": STAR, "title": f"Walks {self.soak.unique()}", "external_ref": reference}
        reply = self.send("POST", "initiatives", json_body=body)
        if not self.soak.note(
            "create duplicate" if taken else "create", reply, "create initiative"
        ):
            return
        record = reply.json
        self.soak.acknowledge(
            Ack("initiative", record["id"], record["version"], _fields("initiative", record))
        )
        etag = reply.headers["ETag"]
        # The next duplicate aims at this one's reference. It is set before the record is
        # made known to the other clients: otherwise one of them could take the reference
        # first with a deliberate duplicate, and this change would be refused by design.
        if not taken:
            patched = self.send(
                "PATCH",
                f"initiatives/{record['id']}",
                json_body={"external_ref": f"crm-{self.organisation}-{record['id']}"},
                headers={"If-Match": etag},
            )
            self._acknowledged_change("initiative", patched, "set external_ref")
            if patched.status == 200:
                etag = patched.headers["ETag"]
        self.soak.remember(Known("initiative", record["id"], self.organisation, etag))

    def create_participant(self) -> None:
        initiative = self._initiative()
        if initiative is None:
            return self.create_initiative()
        role = self.rng.choice(["person_using_services", "professional", "family_member_or_carer"])
        body = {
            "role": role,
            "display_name": f"Person {self.soak.unique()}",
            "consent": self.rng.choice(["given", "not_recorded"]),
        }
        reply = self.send("POST", f"initiatives/{initiative.id}/participants", json_body=body)
        if self.soak.note("create child", reply, "create participant"):
            record = reply.json
            self.soak.acknowledge(
                Ack("participant", record["id"], record["version"], _fields("participant", record))
            )
            self.soak.remember(
                Known(
                    "participant",
                    record["id"],
                    self.organisation,
                    reply.headers["ETag"],
                    parent=initiative.id,
                )
            )
        return None

    def create_activity(self) -> None:
        initiative = self._initiative()
        if initiative is None:
            return None
        body = {
            "activity_type": "co-production-mapping-session",
            "title": f"Mapping {self.soak.unique()}",
            "stage": "map-it",
        }
        reply = self.send("POST", f"initiatives/{initiative.id}/activities", json_body=body)
        if self.soak.note("create child", reply, "create activity"):
            record = reply.json
            self.soak.acknowledge(
                Ack("activity", record["id"], record["version"], _fields("activity", record))
            )
        return None

    def create_evidence(self) -> None:
        initiative = self._initiative()
        if initiative is None:
            return None
        recording = self.rng.random() < 0.4
        body: dict[str, Any] = (
            {
                "evidence_type": "audio-interview",
                "payload": {"caption": f"Walk {self.soak.unique()}"},
            }
            if recording
            else {
                "evidence_type": "session-notes",
                "payload": {"text": f"Met {self.soak.unique()}"},
            }
        )
        reply = self.send("POST", f"initiatives/{initiative.id}/evidence", json_body=body)
        if self.soak.note("create child", reply, "create evidence"):
            record = reply.json
            self.soak.acknowledge(
                Ack("evidence", record["id"], record["version"], _fields("evidence", record))
            )
            self.soak.remember(
                Known(
                    "evidence",
                    record["id"],
                    self.organisation,
                    reply.headers["ETag"],
                    parent=initiative.id,
                    has_file_type=recording,
                )
            )
        return None

    def upload(self) -> None:
        evidence = self.soak.pick(self.rng, "evidence", self.organisation, has_file_type=True)
        if evidence is None:
            return None
        audio = wav_bytes(level=self.soak.unique() % 30000)
        body, content_type = multipart(audio, "walk.wav", "audio/wav")
        reply = self.send(
            "PUT",
            f"evidence/{evidence.id}/file",
            body=body,
            content_type=content_type,
            headers={"If-Match": evidence.etag},
        )
        if self.soak.note("upload", reply, "upload"):
            self.soak.heard(evidence, reply)
            record = reply.json
            self.soak.acknowledge(
                Ack("evidence", record["id"], record["version"], _fields("evidence", record))
            )
        return None

    def _change(self, kind: str, path: str, body: dict[str, Any]) -> None:
        known = self.soak.pick(self.rng, kind, self.organisation)
        if known is None:
            return
        reply = self.send(
            "PATCH", f"{path}/{known.id}", json_body=body, headers={"If-Match": known.etag}
        )
        self._acknowledged_change(kind, reply, f"change {kind}", known)

    def _acknowledged_change(
        self, kind: str, reply: Reply, what: str, known: Known | None = None
    ) -> None:
        if self.soak.note("change", reply, what):
            record = reply.json
            if known is not None:
                self.soak.heard(known, reply)
            self.soak.acknowledge(Ack(kind, record["id"], record["version"], _fields(kind, record)))

    def change_initiative(self) -> None:
        self._change("initiative", "initiatives", {"title": f"Renamed {self.soak.unique()}"})

    def change_participant(self) -> None:
        self._change("participant", "participants", {"display_name": f"Pat {self.soak.unique()}"})

    def change_evidence(self) -> None:
        known = self.soak.pick(self.rng, "evidence", self.organisation, has_file_type=False)
        if known is None:
            return
        body = {"payload": {"text": f"Noted {self.soak.unique()}"}}
        reply = self.send(
            "PATCH", f"evidence/{known.id}", json_body=body, headers={"If-Match": known.etag}
        )
        self._acknowledged_change("evidence", reply, "change evidence", known)

    def transition(self) -> None:
        initiative = self._initiative()
        if initiative is None:
            return
        current = self.send("GET", f"initiatives/{initiative.id}")
        if not self.soak.note("read", current, "read before moving") or current.status != 200:
            return
        stage = current.json["stage"]
        if stage == STAGES[-1]:
            return
        self.soak.heard(initiative, current)
        reply = self.send(
            "POST",
            f"initiatives/{initiative.id}/transitions",
            json_body={"to_stage": STAGES[STAGES.index(stage) + 1]},
            headers={"If-Match": current.headers["ETag"]},
        )
        if self.soak.note("transition", reply, "transition"):
            self.soak.heard(initiative, reply)
            entry = reply.json
            self.soak.acknowledge(
                Ack(
                    "initiative",
                    initiative.id,
                    _version_of(reply.headers["ETag"]),
                    {"stage": entry["stage"], "entry": entry["id"]},
                )
            )

    def _delete(self, kind: str, path: str) -> None:
        known = self.soak.pick(self.rng, kind, self.organisation)
        if known is None:
            return
        reply = self.send("DELETE", f"{path}/{known.id}", headers={"If-Match": known.etag})
        if self.soak.note("delete", reply, f"delete {kind}"):
            self.soak.forget(known)
            self.soak.acknowledge(Ack(kind, known.id, None, {}, deleted=True))

    def delete_participant(self) -> None:
        self._delete("participant", "participants")

    def delete_evidence(self) -> None:
        self._delete("evidence", "evidence")

    # Reads --------------------------------------------------------------------------

    def read(self) -> None:
        kind = self.rng.choice(["initiative", "participant", "evidence"])
        known = self.soak.pick(self.rng, kind, self.organisation)
        if known is not None:
            path = COLLECTIONS[kind]
            self.soak.note("read", self.send("GET", f"{path}/{known.id}"), f"read {kind}")

    def list(self) -> None:
        initiative = self._initiative()
        path = self.rng.choice(
            ["initiatives"]
            + (
                [f"initiatives/{initiative.id}/{c}" for c in ("participants", "evidence")]
                if initiative
                else []
            )
        )
        reply = self.send("GET", f"{path}?limit=20")
        if self.soak.note("list", reply, f"list {path}") and reply.json["next_cursor"]:
            following = self.send("GET", f"{path}?limit=20&cursor={reply.json['next_cursor']}")
            self.soak.note("list", following, f"list {path}, page 2")


def _fields(kind: str, record: dict[str, Any]) -> dict[str, Any]:
    """The values an answer says the record holds, as the database will be read back."""
    if kind == "initiative":
        return {
            "title": record["title"],
            "stage": record["stage"],
            "external_ref": record["external_ref"],
        }
    if kind == "participant":
        return {"display_name": record["display_name"], "role": record["role"]}
    if kind == "activity":
        return {"title": record["title"], "stage": record["stage"]}
    return {
        "payload": record["payload"],
        "file_sha256": (record.get("file") or {}).get("sha256"),
    }


# Checking the ledger against the database and the file store -------------------------


MODELS: dict[str, type[Any]] = {
    "activity": Activity,
    "initiative": Initiative,
    "participant": Participant,
    "evidence": Evidence,
}


def check_ledger(database: Database, soak: Soak, files_root: pathlib.Path) -> dict[str, int]:
    """Every problem between what was acknowledged and what is stored; and the counts."""
    problems: list[str] = []
    by_record: dict[tuple[str, str], list[Ack]] = defaultdict(list)
    for ack in soak.acks:
        by_record[(ack.kind, ack.record_id)].append(ack)
    checked = 0
    with database.session() as session:
        for (kind, record_id), acks in by_record.items():
            versions = sorted(ack.version for ack in acks if ack.version is not None)
            if versions != list(range(1, len(versions) + 1)):
                problems.append(f"{kind} {record_id}: acknowledged versions {versions}")
            model = MODELS.get(kind)
            if model is None:
                continue
            row = session.get(model, record_id)
            if any(ack.deleted for ack in acks):
                if row is not None:
                    problems.append(f"{kind} {record_id} was acknowledged deleted but is there")
                checked += len(acks)
                continue
            if row is None:
                problems.append(f"{kind} {record_id} was acknowledged but is gone")
                continue
            if row.version != versions[-1]:
                problems.append(f"{kind} {record_id}: version {row.version}, told {versions}")
            latest: dict[str, Any] = {}
            for ack in sorted(acks, key=lambda item: item.version or 0):
                latest.update({k: v for k, v in ack.fields.items() if k != "entry"})
            for name, value in latest.items():
                if getattr(row, name) != value:
                    problems.append(
                        f"{kind} {record_id}.{name}: {getattr(row, name)!r}, told {value!r}"
                    )
            checked += len(acks)
            if kind == "initiative":
                told = {ack.fields["entry"] for ack in acks if "entry" in ack.fields}
                history = session.scalars(
                    sa.select(StageEntry).where(StageEntry.initiative_id == record_id)
                ).all()
                moves = {entry.id for entry in history if entry.kind != "start"}
                if moves != told:
                    problems.append(f"initiative {record_id}: history {moves}, told {told}")
                if max(history, key=lambda entry: entry.entered_at).stage != row.stage:
                    problems.append(f"initiative {record_id}: stage disagrees with history")
        organisations = soak.organisation_ids
        named = {
            (evidence_id, sha256)
            for evidence_id, sha256 in session.execute(
                sa.select(Evidence.id, Evidence.file_sha256).where(
                    Evidence.organisation_id.in_(organisations), Evidence.file_sha256.is_not(None)
                )
            )
        }
    on_disk: set[tuple[str, str]] = set()
    for organisation in organisations:
        folder = files_root / organisation
        for path in folder.rglob("*") if folder.exists() else []:
            if path.is_file():
                on_disk.add((path.parent.name, path.name))
                if hashlib.sha256(path.read_bytes()).hexdigest() != path.name:
                    problems.append(f"file {path} does not hold the bytes it is named by")
    if on_disk != named:
        problems.append(f"files without rows: {sorted(on_disk - named)[:5]}")
        problems.append(f"rows without files: {sorted(named - on_disk)[:5]}")
    assert not problems, "\n".join(problems[:30])
    return {
        "writes checked": checked,
        "records checked": len(by_record),
        "files checked": len(on_disk),
    }


def test_a_soak_loses_no_acknowledged_write(database: Database, gunicorn: Gunicorn) -> None:
    seconds = float(os.environ.get(SECONDS_VARIABLE, "8"))
    clients = int(os.environ.get(CLIENTS_VARIABLE, "16"))
    tokens, organisation_ids = [], []
    with database.session() as session:
        for number in range(ORGANISATIONS):
            organisation = create_organisation(session, f"Soak council {number}")
            organisation_ids.append(organisation.id)
            tokens.append(create_key(session, organisation.id, "soak", ["write"]).token)
    soak = Soak(organisation_ids, tokens, gunicorn.port)
    started = time.monotonic()
    running = [Client(soak, number, started + seconds) for number in range(clients)]
    threads = [threading.Thread(target=client.run) for client in running]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    elapsed = time.monotonic() - started
    requests = sum(client.requests for client in running)
    by_status: Counter[str] = Counter()
    for (_operation, status, code), count in soak.answers.items():
        by_status[f"{status} {code}" if code else str(status)] += count
    SOAK_FIGURES.update(
        {
            "seconds": round(elapsed, 1),
            "clients": clients,
            "gunicorn": f"{WORKERS} workers x {THREADS} threads",
            "requests": requests,
            "requests per second": round(requests / elapsed, 1),
            "writes acknowledged": len(soak.acks),
            "answers by status": dict(sorted(by_status.items())),
            "failures not by design": len(soak.unexpected),
        }
    )
    assert not any(thread.is_alive() for thread in threads), "a client hung"
    assert not soak.unexpected, "\n".join(soak.unexpected[:20])
    assert len(soak.acks) > 0
    SOAK_FIGURES.update(check_ledger(database, soak, gunicorn.files))
    log = gunicorn.log.read_text()
    assert "Traceback" not in log, log[-5000:]


def test_the_ledger_check_catches_a_lost_write_and_an_orphan_file(
    database: Database, trust_app: Flask, tenant: Tenant, http: Http
) -> None:
    """The soak's verdict can fail: a write acknowledged but not stored, a version nobody
    was told of, and a file no row names are each reported."""
    created = http.post("initiatives", {"toolkit": TOOLKIT, "title": "Walks"})
    record = created.json
    soak = Soak([tenant.id], [tenant.token], tenant.port)
    files = services(trust_app).files.root
    soak.acks.append(Ack("initiative", record["id"], 1, _fields("initiative", record)))
    check_ledger(database, soak, files)
    soak.acks.append(Ack("initiative", record["id"], 2, {"title": "Told but never stored"}))
    orphan = files / tenant.id / "evd_00000000000000000000000000" / ("0" * 64)
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"no row names me")
    with pytest.raises(AssertionError) as refused:
        check_ledger(database, soak, files)
    report = str(refused.value)
    assert f"initiative {record['id']}: version 1, told [1, 2]" in report
    assert "Told but never stored" in report
    assert "files without rows" in report
    assert "does not hold the bytes" in report
