"""The fuzzer's world: one organisation with real records, a digest of its data, and a tally.

The fuzz tests send schemathesis's cases with the admin key of a fresh organisation that
holds an initiative of each shipped toolkit with participants, activities, evidence (a
recorded interview with its file among them) and assessments, so that a share of the
cases reaches real records instead of stopping at 404. Its data is digested before each
case, so a case that was refused (4xx) can be shown to have changed nothing.

How many cases ran is printed at the end of the run ("fuzz cases run: N", once for the
in-process run and once for the run over HTTP) and written to ``fuzz-cases.json`` and
``fuzz-cases-http.json`` in pytest's temporary directory (their paths are printed beside
them).
"""

from __future__ import annotations

import collections
import dataclasses
import hashlib
import io
import json
import os
import pathlib
import struct
import time
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import pytest
import sqlalchemy as sa
from conftest import ApiClient
from flask import Flask

from api.context import services
from toolkits_core._store.models import modelled
from toolkits_core.service import Database, create_client, create_key, create_organisation

STAR = "coproduction-star"
STANDARDS = "national-standards"

VOLATILE_COLUMNS = {("api_keys", "last_used_at"), ("oauth_clients", "last_used_at")}
"""Columns that change by being read, not by a write: a key notes when it was last used."""


def wav_bytes(samples: int = 400) -> bytes:
    """A tiny, valid PCM WAV file: what a recorded interview uploads."""
    data = b"\x00\x00" * samples
    header = b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVE"
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16)
    return header + fmt + b"data" + struct.pack("<I", len(data)) + data


def _made(response: Any) -> dict[str, Any]:
    assert response.status_code in {200, 201}, response.get_data(as_text=True)
    body: dict[str, Any] = response.json
    return body


@dataclasses.dataclass
class Vocabulary:
    """What one toolkit accepts, so that bodies can name things that exist."""

    toolkit: str
    stages: list[str]
    dimensions: list[str]
    activity_types: list[str]
    evidence_types: list[str]
    scales: list[str]


@dataclasses.dataclass
class SeededInitiative:
    id: str
    vocabulary: Vocabulary
    participants: list[str]
    activities: list[str]
    evidence: list[str]
    assessments: list[str]
    file_evidence: str


@dataclasses.dataclass
class FuzzWorld:
    """The organisation the fuzzer works in, and the ids a case may name."""

    organisation_id: str
    token: str
    api: ApiClient
    database: Database
    files_root: pathlib.Path
    initiatives: list[SeededInitiative]
    spare_key_id: str
    spare_client_id: str
    queries: list[tuple[str, sa.Select[Any]]] = dataclasses.field(default_factory=list)
    known: str | None = None
    """The digest of the data as the last refused case left it; None once anything may
    have changed it (a success, a fresh record made for a case)."""
    rows: int = 0
    """How many rows the last digest read."""
    renew: Callable[[], FuzzWorld] | None = None
    """Makes a fresh organisation like this one (``seed_world``)."""

    MAX_ROWS: ClassVar[int] = 600
    """Past this many rows the organisation is replaced by a fresh one before the next
    case: every case reads them all for its digest, and a long run creates thousands."""

    def renew_if_grown(self) -> bool:
        """Become a fresh organisation if this one has grown past ``MAX_ROWS``."""
        if self.rows <= self.MAX_ROWS or self.renew is None:
            return False
        fresh = self.renew()
        for field in dataclasses.fields(self):
            setattr(self, field.name, getattr(fresh, field.name))
        return True

    def digest_before_a_case(self) -> str:
        if self.known is None:
            self.known = self.digest()
        return self.known

    def ids_for(self, parameter: str, initiative: SeededInitiative) -> list[str]:
        """Real values for a path parameter, within one initiative where it is scoped."""
        return {
            "initiative_id": [initiative.id],
            "participant_id": initiative.participants,
            "activity_id": initiative.activities,
            "evidence_id": initiative.evidence,
            "assessment_id": initiative.assessments,
            "key_id": [self.spare_key_id],
            "client_id": [self.spare_client_id],
            "key": [initiative.vocabulary.toolkit],
            "evidence_type": initiative.vocabulary.evidence_types,
            "ref": [record_ref(initiative.vocabulary.toolkit)],
        }.get(parameter, [])

    # Throwaway records, for cases that delete or archive ------------------------------

    def disposable(self, parameter: str, initiative: SeededInitiative) -> str:
        """A new record of the kind ``parameter`` names, for a case that may destroy it."""
        api, ini = self.api, initiative.id
        self.known = None
        if parameter == "initiative_id":
            return _made(
                api.post("initiatives", json={"toolkit": initiative.vocabulary.toolkit,
                                              "title": "Disposable"})
            )["id"]  # fmt: skip
        if parameter == "participant_id":
            return _made(
                api.post(f"initiatives/{ini}/participants",
                         json={"role": "volunteer", "display_name": "Disposable"})
            )["id"]  # fmt: skip
        if parameter == "activity_id":
            return _made(
                api.post(f"initiatives/{ini}/activities",
                         json={"activity_type": _first_activity(initiative), "title": "Disposable"})
            )["id"]  # fmt: skip
        if parameter == "evidence_id":
            # a copy of the recorded interview, with a file of its own
            evidence = _made(api.get(f"evidence/{initiative.file_evidence}"))
            made = _made(
                api.post(f"initiatives/{ini}/evidence",
                         json={"evidence_type": evidence["evidence_type"],
                               "payload": evidence["payload"]})
            )["id"]  # fmt: skip
            _made(api.put(f"evidence/{made}/file", data=_upload()))
            return made
        if parameter == "assessment_id":
            assessment = _made(api.get(f"assessments/{initiative.assessments[0]}"))
            return _made(
                api.post(f"initiatives/{ini}/assessments",
                         json={key: assessment[key] for key in ("scale", "perspective", "ratings")})
            )["id"]  # fmt: skip
        if parameter == "ref":
            # No operation deletes by reference; a case trying one (405) gets one unused.
            return f"disposable-{os.urandom(6).hex()}"
        if parameter == "key_id":
            with self.database.session() as session:
                return create_key(session, self.organisation_id, "disposable", ["read"]).key.id
        if parameter == "client_id":
            with self.database.session() as session:
                made = create_client(session, self.organisation_id, "disposable", ["read"])
                return made.client.id
        raise AssertionError(f"no disposable {parameter}: add one to FuzzWorld.disposable")

    # The organisation's data, digested ---------------------------------------------------

    def digest(self) -> str:
        """A digest of every row the organisation owns and every file it stored.

        One ordered query a table and one ``repr`` of its rows: the run takes one before
        each case that may change data, so it must stay cheap as the organisation grows.
        """
        hasher = hashlib.sha256()
        self.rows = 0
        with self.database.engine.connect() as connection:
            for name, query in self.queries:
                rows = [tuple(row) for row in connection.execute(query)]
                hasher.update(f"{name}:{len(rows)}:{rows!r}\n".encode())
                self.rows += len(rows)
        folder = self.files_root / self.organisation_id
        for path in sorted(folder.rglob("*")) if folder.exists() else []:
            if path.is_file():
                hasher.update(f"{path.relative_to(folder)}:{path.stat().st_size}\n".encode())
        return hasher.hexdigest()

    def watch(self, metadata: sa.MetaData) -> None:
        """Digest the organisation's rows in every table of ``metadata`` (audit log included).

        A row is the organisation's when it carries its ``organisation_id``, is the
        organisation itself, or (for link tables) points at a row that carries it.
        """
        self.queries = []
        for name, table in sorted(metadata.tables.items()):
            if name == "alembic_version" or not modelled(name, "table", {}):
                continue  # the full-text index follows library_entries, watched below
            columns = [c for c in table.c if (name, c.name) not in VOLATILE_COLUMNS]
            query = sa.select(*columns).order_by(*table.primary_key.columns)
            if "organisation_id" in table.c:
                query = query.where(table.c.organisation_id == self.organisation_id)
                if name == "idempotent_requests":
                    # A refusal may leave its own answer (a 4xx), kept so that a retry with
                    # its Idempotency-Key hears it again (docs/api.md); a claim left behind
                    # (no status) or a success kept for a refusal is a change.
                    status = table.c.status
                    query = query.where(sa.or_(status.is_(None), status < 400))
            elif name == "change_clock":
                pass  # the server's one clock: a refused request must not move it either
            elif name == "organisations":
                query = query.where(table.c.id == self.organisation_id)
            else:
                owned = next(
                    (fk for fk in table.foreign_keys if "organisation_id" in fk.column.table.c),
                    None,
                )
                assert owned, f"table {name}: no organisation_id, nor a key to a table with one"
                owner = owned.column.table
                mine = sa.select(owned.column).where(
                    owner.c.organisation_id == self.organisation_id
                )
                query = query.where(owned.parent.in_(mine))
            self.queries.append((name, query))


def record_ref(toolkit: str) -> str:
    """The external_ref a seeded initiative's second participant, its activity and its
    first evidence carry, so that writes by it (PUT .../by-external-ref/{ref}) replace
    seeded records. No initiative has it: PUT /initiatives/by-external-ref/{ref} makes an
    initiative of its own, and the seeded ones are never replaced (nor archived) by it."""
    return f"fuzz-{toolkit}-record"


def _first_activity(initiative: SeededInitiative) -> str:
    return initiative.vocabulary.activity_types[0]


def _upload() -> dict[str, Any]:
    return {"file": (io.BytesIO(wav_bytes()), "interview.wav", "audio/wav")}


def _vocabulary(api: ApiClient, toolkit: str) -> Vocabulary:
    body = _made(api.get(f"toolkits/{toolkit}"))
    return Vocabulary(
        toolkit=toolkit,
        stages=[s["key"] for s in body["stages"]],
        dimensions=[d["key"] for d in body["dimensions"]],
        activity_types=[a["key"] for a in body["activity_types"]],
        evidence_types=[e["key"] for e in body["evidence_types"]],
        scales=[s["key"] for s in body["scales"]],
    )


# What each toolkit's seeded initiative holds: valid at its first stage.
SEEDS = {
    STAR: {
        "activity": {"activity_type": "co-production-mapping-session", "title": "Mapping",
                     "tags": ["walk", "Oral history"], "place": "The café",
                     "starts_on": "2026-03-02", "ends_on": "2026-03-30",
                     "recurrence": {"frequency": "weekly", "note": "Tuesdays"},
                     "attendance": {"person_using_services": 6, "family_member_or_carer": 4}},
        "evidence": [
            {"evidence_type": "session-notes", "payload": {"text": "What was said"}},
        ],
        "file_evidence": {"evidence_type": "audio-interview", "payload": {"caption": "A walk"}},
        "assessment": {"scale": "star-self-assessment", "perspective": "professional",
                       "ratings": {"co-design": 3}},
    },
    STANDARDS: {
        "activity": {"activity_type": "community-profile", "title": "Who cares for whom",
                     "tags": ["profile"], "starts_on": "2026-01-05",
                     "recurrence": {"frequency": "other", "note": "Each term"},
                     "attendance": {"professional": 2}},
        "evidence": [
            {"evidence_type": "document", "payload": {"title": "Agreed outcomes"}},
            {"evidence_type": "metric", "payload": {"name": "carers who came", "value": 14}},
        ],
        "file_evidence": {"evidence_type": "audio", "payload": {"caption": "A carer"}},
        "assessment": {"scale": "review-six-point", "perspective": "family_member_or_carer",
                       "ratings": {"inclusion": 4}},
    },
}  # fmt: skip


def _seed_initiative(api: ApiClient, vocabulary: Vocabulary) -> SeededInitiative:
    seed = SEEDS[vocabulary.toolkit]
    ini = _made(
        api.post("initiatives", json={"toolkit": vocabulary.toolkit, "title": "Seeded",
                                      "external_ref": f"fuzz-{vocabulary.toolkit}"})
    )["id"]  # fmt: skip
    ref = record_ref(vocabulary.toolkit)
    # An adult from a local business, and a young carer under 16 with a parent's consent.
    people = [
        ("person_using_services", {"affiliation": "Café Brio"}),
        ("family_member_or_carer", {"age_band": "under_16", "consent_given_by": "parent",
                                    "consent_given_on": "2026-01-15"}),
    ]  # fmt: skip
    participants = [
        _made(
            api.post(f"initiatives/{ini}/participants",
                     json={"role": role, "display_name": f"Person {n}", "consent": "given",
                           "external_ref": ref if n == 1 else None, **more})
        )["id"]
        for n, (role, more) in enumerate(people)
    ]  # fmt: skip
    activity = _made(
        api.post(f"initiatives/{ini}/activities",
                 json={**seed["activity"], "participant_ids": participants, "external_ref": ref})
    )["id"]  # fmt: skip
    evidence = [
        _made(api.post(f"initiatives/{ini}/evidence",
                       json={**body, "activity_id": activity,
                             "external_ref": ref if n == 0 else None}))["id"]
        for n, body in enumerate(seed["evidence"])
    ]  # fmt: skip
    file_evidence = _made(
        api.post(f"initiatives/{ini}/evidence",
                 json={**seed["file_evidence"], "participant_ids": participants,
                       "consent": "given"})
    )["id"]  # fmt: skip
    _made(api.put(f"evidence/{file_evidence}/file", data=_upload()))
    assessment = _made(api.post(f"initiatives/{ini}/assessments", json=seed["assessment"]))["id"]
    return SeededInitiative(
        id=ini,
        vocabulary=vocabulary,
        participants=participants,
        activities=[activity],
        evidence=[*evidence, file_evidence],
        assessments=[assessment],
        file_evidence=file_evidence,
    )


_CURRENT: list[FuzzWorld] = []


def current_world() -> FuzzWorld:
    """The world of the running fuzz test (schemathesis's hooks run outside fixtures)."""
    assert _CURRENT, "the fuzz_world fixture is not active"
    return _CURRENT[-1]


@pytest.fixture(scope="module")
def fuzz_app(make_app: Callable[..., Flask]) -> Flask:
    """The app under fuzzing, without a rate limit: thousands of cases a minute from one key
    would otherwise be answered 429, which says nothing about the input."""
    return make_app(RATE_LIMIT="off")


def seed_world(app: Flask, database: Database) -> FuzzWorld:
    """A fresh organisation with an initiative of each shipped toolkit, made over HTTP."""
    with database.session() as session:
        organisation = create_organisation(session, "Fuzzed council")
        token = create_key(session, organisation.id, "fuzzer", ["admin"]).token
        spare = create_key(session, organisation.id, "spare", ["read"]).key.id
        spare_client = create_client(session, organisation.id, "spare", ["read"]).client.id
    api = ApiClient(app.test_client(), token)
    vocabularies = {toolkit: _vocabulary(api, toolkit) for toolkit in SEEDS}
    world = FuzzWorld(
        organisation_id=organisation.id,
        token=token,
        api=api,
        database=database,
        files_root=pathlib.Path(services(app).files.root),  # type: ignore[attr-defined]
        initiatives=[_seed_initiative(api, vocabularies[toolkit]) for toolkit in SEEDS],
        spare_key_id=spare,
        spare_client_id=spare_client,
    )
    metadata = sa.MetaData()
    metadata.reflect(database.engine)
    world.watch(metadata)
    world.renew = lambda: seed_world(app, database)
    return world


@pytest.fixture(scope="module")
def fuzz_world(fuzz_app: Flask, database: Database) -> Iterator[FuzzWorld]:
    """The organisation the fuzzer works in (see ``seed_world``)."""
    world = seed_world(fuzz_app, database)
    _CURRENT.append(world)
    yield world
    _CURRENT.remove(world)


# The tally ------------------------------------------------------------------------------


@dataclasses.dataclass
class Tally:
    """How many cases ran, in which phase, how they were answered, and how many of them
    named seeded records."""

    transport: str = "in-process"
    """How the cases were sent: "in-process" (WSGI) or "http" (to gunicorn)."""
    report: str = "fuzz-cases.json"
    """The file the figures are written to, in pytest's temporary directory."""
    where: str = ""
    """What answered, when that is worth saying (the HTTP run: gunicorn, its database)."""
    log: str = ""
    """Where the server's log is, and how many tracebacks it holds (the HTTP run)."""
    answers: collections.Counter[tuple[str, bool, int]] = dataclasses.field(
        default_factory=collections.Counter
    )
    """(phase, named seeded records, status) -> cases."""
    operations: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    refused_unchanged: int = 0
    organisations: int = 1
    started: float = dataclasses.field(default_factory=time.monotonic)
    finished: float | None = None

    @property
    def cases(self) -> int:
        return sum(self.answers.values())

    def record(self, operation: str, phase: str, seeded: bool, status: int) -> None:
        self.operations[operation] += 1
        self.answers[(phase, seeded, status)] += 1
        self.finished = time.monotonic()

    def as_dict(self) -> dict[str, Any]:
        def count(key: Callable[[tuple[str, bool, int]], Any]) -> dict[str, int]:
            totals: collections.Counter[str] = collections.Counter()
            for answer, cases in self.answers.items():
                totals[str(key(answer))] += cases
            return dict(sorted(totals.items()))

        seeded = {k: v for k, v in self.answers.items() if k[1]}
        return {
            "cases": self.cases,
            "transport": self.transport,
            **({"where": self.where} if self.where else {}),
            "operations": len(self.operations),
            "seconds": round((self.finished or time.monotonic()) - self.started, 1),
            "by_phase": count(lambda a: a[0]),
            "with_seeded_ids": sum(seeded.values()),
            "refused_and_checked_unchanged": self.refused_unchanged,
            "organisations": self.organisations,
            "statuses": count(lambda a: a[2]),
            "statuses_with_seeded_ids": count(lambda a: a[2] if a[1] else "other"),
        }


TALLY = Tally()
HTTP_TALLY = Tally(transport="http", report="fuzz-cases-http.json")
_BASETEMP: list[pathlib.Path] = []


def _start(tally: Tally, request: pytest.FixtureRequest, factory: pytest.TempPathFactory) -> Tally:
    if not _BASETEMP:
        _BASETEMP.append(factory.getbasetemp())
        request.config.pluginmanager.register(TallyReporter(), "coprod-fuzz-tally")
    tally.started = time.monotonic()
    return tally


@pytest.fixture(scope="session")
def fuzz_tally(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Tally:
    """The in-process run's tally; written to ``fuzz-cases.json`` in pytest's temporary
    directory (and to ``COPROD_FUZZ_REPORT``, if set)."""
    return _start(TALLY, request, tmp_path_factory)


@pytest.fixture(scope="session")
def http_fuzz_tally(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Tally:
    """The HTTP run's tally; written to ``fuzz-cases-http.json`` beside the other (and,
    if ``COPROD_FUZZ_REPORT`` is set, to that name with ``-http`` before its suffix)."""
    return _start(HTTP_TALLY, request, tmp_path_factory)


class TallyReporter:
    """A pytest plugin, registered by the tally fixtures, that prints and writes the tallies.

    (tests/fuzz has no conftest.py of its own: a second module named conftest would shadow
    the suite's, which other test modules import by that name.)
    """

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        for tally in (TALLY, HTTP_TALLY):
            _summarise(terminalreporter, tally)


def _summarise(terminalreporter: Any, tally: Tally) -> None:
    if not tally.cases:
        return
    figures = tally.as_dict()
    http = tally.transport == "http"
    terminalreporter.write_sep("=", "schemathesis fuzzing" + (" over HTTP" if http else ""))
    over = f"over HTTP to {tally.where}, " if http else ""
    terminalreporter.write_line(
        f"fuzz cases run: {figures['cases']} {over}over {figures['operations']} operations "
        f"in {figures['seconds']} s ({figures['with_seeded_ids']} naming seeded records; "
        f"{figures['refused_and_checked_unchanged']} refused and checked to change nothing; "
        f"{figures['organisations']} seeded organisation(s))"
    )
    terminalreporter.write_line(f"by phase: {figures['by_phase']}")
    terminalreporter.write_line(f"statuses: {figures['statuses']}")
    terminalreporter.write_line(f"naming seeded records: {figures['statuses_with_seeded_ids']}")
    if tally.log:
        terminalreporter.write_line(f"server log: {tally.log}")
    text = json.dumps(figures, indent=2) + "\n"
    if _BASETEMP:
        path = _BASETEMP[0] / tally.report
        path.write_text(text)
        terminalreporter.write_line(f"written to {path}")
    if os.environ.get("COPROD_FUZZ_REPORT"):
        path = pathlib.Path(os.environ["COPROD_FUZZ_REPORT"])
        if http:
            path = path.with_name(f"{path.stem}-http{path.suffix}")
        path.write_text(json.dumps(figures) + "\n")
