"""A small sync client between a council's CRM and coprod, over coprod's HTTP API.

It does the two halves of the recipe in ``docs/integrations.md``:

- **push**: the CRM's projects become initiatives and its contacts participants, written
  by the CRM's own ids (``external_ref``). Every write carries an ``Idempotency-Key``
  made from the CRM's change id, and is retried with the same key after a timeout, a
  dropped connection, a 5xx or a 429, so that a write whose answer was lost is never
  done twice. Where the server has upserts (``PUT .../by-external-ref/{ref}``) they are
  used; otherwise a ``POST`` with ``external_ref``, and a 409 ``external_ref_taken``
  leads to the record that has it, which is then brought up to date with ``If-Match``.
- **pull**: the change feed (``GET /api/v1/events``) is followed from a stored cursor
  into a local mirror, an SQLite file. Each page is applied and its cursor stored in one
  transaction, so a crash never skips a page nor applies one twice. Deletions and
  erasures are tombstones; consent withdrawals and erasures are also queued as tasks
  for the CRM (``crm_tasks``), since the CRM must act on them for the person's sake.

Only ``httpx`` is needed. Run ``python examples/crm_sync.py --help``.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import random
import sqlite3
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import httpx

API = "/api/v1"

RETRIED_CONFLICTS = frozenset({"idempotency_key_in_use", "write_conflict"})
"""409s that a retry with the same key may get past: the first request is still being
answered, or the database refused a race that a second attempt may win."""


class SyncError(Exception):
    """coprod refused a write in a way a retry will not fix (the answer is attached)."""

    def __init__(self, message: str, response: httpx.Response | None = None) -> None:
        super().__init__(message)
        self.response = response

    @property
    def code(self) -> str | None:
        return problem_code(self.response) if self.response is not None else None


def problem_code(response: httpx.Response) -> str | None:
    """The problem document's ``code``, for error answers."""
    if not response.headers.get("content-type", "").startswith("application/problem+json"):
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    code = body.get("code") if isinstance(body, dict) else None
    return code if isinstance(code, str) else None


# What the CRM holds ----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Project:
    """A CRM project (a Dynamics 365 record, a Salesforce Opportunity or Campaign ...)."""

    ref: str
    """The CRM's id for it: the initiative's ``external_ref`` (an alternate key's value)."""
    change_id: str
    """The CRM's id for this version of the record (a row version, a modstamp): a write
    of the same change id is the same write, so it names the Idempotency-Key."""
    title: str
    toolkit: str
    summary: str | None = None

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"toolkit": self.toolkit, "title": self.title}
        if self.summary is not None:
            body["summary"] = self.summary
        return body


@dataclasses.dataclass(frozen=True)
class Contact:
    """A CRM contact taking part in a project: a participant of its initiative."""

    ref: str
    project_ref: str
    change_id: str
    role: str
    display_name: str
    consent: str = "not_recorded"

    def body(self) -> dict[str, Any]:
        return {"role": self.role, "display_name": self.display_name, "consent": self.consent}


@dataclasses.dataclass(frozen=True)
class Pushed:
    """What a push did: ``created``, ``updated`` (replaced, or found already as sent),
    ``unchanged`` (found as sent, before upserts) or ``erased`` (refused:
    coprod erased this person, so the CRM must erase or unlink its contact too)."""

    outcome: str
    record_id: str | None
    etag: str | None = None


@dataclasses.dataclass
class Stats:
    """What the client did, for logs and for the tests' figures."""

    requests: int = 0
    retries: int = 0
    retries_after_transport_error: int = 0
    retries_after_status: dict[int, int] = dataclasses.field(default_factory=dict)
    replayed: int = 0
    """Answers coprod replayed for an Idempotency-Key it had already seen."""
    recovered_by_external_ref: int = 0
    """Creates answered 409 external_ref_taken and carried on with the record named."""
    stale_etag_rereads: int = 0
    answers_lost: int = 0
    """Writes coprod did but whose answer it lost itself (409 idempotency_answer_lost)."""
    paced_waits: int = 0
    """Waits taken because the RateLimit header said the quota was nearly spent."""
    outcomes: dict[str, int] = dataclasses.field(default_factory=dict)

    def count(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


def idempotency_key(change_id: str, step: str) -> str:
    """One key per request a change needs: the same change and step make the same key."""
    key = f"crm-sync:{change_id}:{step}"
    if len(key) > 255 or not key.isprintable() or not key.isascii():
        raise ValueError(f"change id {change_id!r} does not make a valid Idempotency-Key")
    return key


def ref_path(ref: str) -> str:
    """An external_ref as one path segment (``crm/42`` is ``crm%2F42``)."""
    return urllib.parse.quote(ref, safe="")


# The HTTP side ----------------------------------------------------------------------------


class Coprod:
    """coprod's API with the retry rules a sync needs; one API key."""

    def __init__(
        self,
        base_url: str,
        key: str,
        *,
        timeout: float = 30,
        max_attempts: int = 8,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        pace_below: int = 2,
    ) -> None:
        self.http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {key}", "User-Agent": "coprod-crm-sync/1"},
            timeout=timeout,
            transport=transport,
        )
        self.max_attempts = max_attempts
        self.sleep = sleep
        self.pace_below = pace_below
        self.stats = Stats()
        self._features: set[str] | None = None
        self.quota: int | None = None
        """Requests a window allows this key, from the last RateLimit-Policy seen."""

    def close(self) -> None:
        self.http.close()

    def features(self) -> set[str]:
        """What this server offers beyond the basics, read once from its API document."""
        if self._features is None:
            document = self.request("GET", f"{API}/openapi.json").json()
            paths = set(document.get("paths", {}))
            found = set()
            if "Idempotency-Key" in json.dumps(document.get("paths", {})):
                found.add("idempotency")
            if any(path.endswith("/initiatives/by-external-ref/{ref}") for path in paths):
                found.add("upsert")
            if any(path.endswith("/bulk") for path in paths):
                found.add("bulk")
            self._features = found
        return self._features

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        content: bytes | None = None,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> httpx.Response:
        """Send a request until it gets an answer worth acting on.

        A write is retried only with an Idempotency-Key (the same one each time), so a
        retry after a lost answer is answered with the first answer, not done again.
        """
        sent = dict(headers or {})
        if idempotency_key is not None:
            sent["Idempotency-Key"] = idempotency_key
        safe = method in {"GET", "HEAD"} or idempotency_key is not None
        for attempt in range(1, self.max_attempts + 1):
            self.stats.requests += 1
            last = attempt == self.max_attempts or not safe
            try:
                response = self.http.request(
                    method, path, json=json_body, content=content, params=params, headers=sent
                )
            except httpx.TransportError:
                # A timeout, a refused or dropped connection: the write may or may not
                # have been done. The same key makes the retry safe either way.
                if last:
                    raise
                self.stats.retries += 1
                self.stats.retries_after_transport_error += 1
                self.sleep(self._backoff(attempt))
                continue
            self._pace(response)
            if not last and self._retry_status(response):
                self.stats.retries += 1
                status = response.status_code
                self.stats.retries_after_status[status] = (
                    self.stats.retries_after_status.get(status, 0) + 1
                )
                self.sleep(self._retry_after(response) or self._backoff(attempt))
                continue
            if response.headers.get("Idempotent-Replayed") == "true":
                self.stats.replayed += 1
            return response
        raise AssertionError("unreachable")  # the last attempt returns or raises

    @staticmethod
    def _retry_status(response: httpx.Response) -> bool:
        status = response.status_code
        if status in {429, 500, 502, 503, 504}:
            return True
        return status == 409 and problem_code(response) in RETRIED_CONFLICTS

    @staticmethod
    def _backoff(attempt: int) -> float:
        return float(min(10.0, 0.1 * 2**attempt) * (0.5 + random.random() / 2))

    @staticmethod
    def _retry_after(response: httpx.Response) -> float | None:
        value = response.headers.get("Retry-After", "")
        return float(value) if value.isdigit() else None

    def _pace(self, response: httpx.Response) -> None:
        """Wait out the window when the RateLimit header says the quota is nearly spent,
        instead of running into 429s (``RateLimit: "key";r=3;t=42``)."""
        policy = _rate_fields(response.headers.get("RateLimit-Policy", ""))
        if policy.get("q", "").isdigit():
            self.quota = int(policy["q"])
        header = response.headers.get("RateLimit")
        if not header or response.status_code == 429:
            return
        fields = _rate_fields(header)
        left, reset = fields.get("r", ""), fields.get("t", "")
        if left.isdigit() and reset.isdigit() and int(left) < self.pace_below:
            self.stats.paced_waits += 1
            self.sleep(int(reset))

    def get_json(self, path: str, **params: str | int) -> Any:
        response = self.request("GET", path, params=params or None)
        if response.status_code != 200:
            raise SyncError(f"GET {path}: {response.status_code}", response)
        return response.json()


def _rate_fields(header: str) -> dict[str, str]:
    """``"key";q=1200;w=60`` as ``{"q": "1200", "w": "60"}``."""
    return dict(part.strip().split("=", 1) for part in header.split(";")[1:] if "=" in part)


# Pushing the CRM's records ----------------------------------------------------------------


class CrmSync:
    """Pushes CRM projects and contacts to coprod, and pulls coprod's feed into a mirror."""

    def __init__(
        self, coprod: Coprod, mirror: Mirror | None = None, *, upserts: bool = True
    ) -> None:
        self.coprod = coprod
        self.mirror = mirror
        self.upserts = upserts
        """Use upserts where the server has them (False: always POST and PATCH)."""
        self.initiative_ids: dict[str, str] = {}
        """Project ref -> initiative id, learnt from pushes and lookups."""

    @property
    def stats(self) -> Stats:
        return self.coprod.stats

    def push_project(self, project: Project) -> Pushed:
        if self._upserting():
            pushed = self._put(
                f"{API}/initiatives/by-external-ref/{ref_path(project.ref)}",
                project.body(),
                project.change_id,
            )
        else:
            pushed = self._create_or_update(
                f"{API}/initiatives",
                f"{API}/initiatives",
                {**project.body(), "external_ref": project.ref},
                project.change_id,
                fixed={"toolkit"},
            )
        if pushed.record_id is not None:
            self.initiative_ids[project.ref] = pushed.record_id
        self.stats.count(pushed.outcome)
        return pushed

    def push_contact(self, contact: Contact) -> Pushed:
        initiative_id = self.initiative_id(contact.project_ref)
        if self._upserting():
            pushed = self._put(
                f"{API}/initiatives/{initiative_id}/participants/by-external-ref/"
                f"{ref_path(contact.ref)}",
                contact.body(),
                contact.change_id,
            )
        else:
            pushed = self._create_or_update(
                f"{API}/initiatives/{initiative_id}/participants",
                f"{API}/participants",
                {**contact.body(), "external_ref": contact.ref},
                contact.change_id,
            )
        self.stats.count(pushed.outcome)
        return pushed

    def push(self, records: Iterable[Project | Contact]) -> list[Pushed]:
        """Push records in the CRM's order (a project before its contacts)."""
        return [
            self.push_project(record) if isinstance(record, Project) else self.push_contact(record)
            for record in records
        ]

    def _upserting(self) -> bool:
        return self.upserts and "upsert" in self.coprod.features()

    def push_bulk(self, records: Sequence[Project | Contact], *, batch: int = 500) -> list[Pushed]:
        """Push many records in few requests (``POST /bulk``) where the server has it,
        else one by one. A batch never holds more lines than the key's quota, since every
        line counts against it and a bulk request past the quota is refused whole."""
        if not (self.upserts and "bulk" in self.coprod.features()):
            return self.push(records)
        if self.coprod.quota is None:  # learn the quota from any answer
            self.coprod.request("GET", f"{API}/organisation")
        if self.coprod.quota is not None:
            batch = max(1, min(batch, self.coprod.quota - 1))
        done: list[Pushed] = []
        for start in range(0, len(records), batch):
            done += self._bulk(records[start : start + batch])
        return done

    def _bulk(self, records: Sequence[Project | Contact]) -> list[Pushed]:
        lines = []
        for record in records:
            if isinstance(record, Project):
                line = {"record_type": "initiative", "external_ref": record.ref}
            else:
                line = {
                    "record_type": "participant",
                    "external_ref": record.ref,
                    "initiative_ref": record.project_ref,
                }
            lines.append(json.dumps({**line, "record": record.body()}))
        changes = hashlib.sha256("\n".join(r.change_id for r in records).encode()).hexdigest()
        key = idempotency_key(changes[:32], "bulk")
        for attempt in (key, f"{key}:again"):  # again: see _write; each line is an upsert
            response = self.coprod.request(
                "POST",
                f"{API}/bulk",
                content="\n".join(lines).encode(),
                headers={"Content-Type": "application/x-ndjson"},
                idempotency_key=attempt,
            )
            if problem_code(response) != "idempotency_answer_lost":
                break
            self.stats.answers_lost += 1
        if response.status_code != 200:
            raise SyncError(f"POST /bulk: {response.status_code} {response.text[:500]}", response)
        answers = [json.loads(line) for line in response.text.splitlines() if line.strip()]
        done = []
        for record, answer in zip(records, answers, strict=True):
            status = answer["status"]
            if status in {200, 201}:
                outcome = "created" if status == 201 else "updated"
                pushed = Pushed(outcome, answer["id"], answer.get("etag"))
                if isinstance(record, Project):
                    self.initiative_ids[record.ref] = answer["id"]
            elif status == 409 and answer["problem"].get("code") == "participant_erased":
                pushed = Pushed("erased", None)
            else:
                raise SyncError(f"{record.ref}: line {answer['line']}: {answer}")
            self.stats.count(pushed.outcome)
            done.append(pushed)
        return done

    def initiative_id(self, project_ref: str) -> str:
        """The initiative a project became, asked of coprod once and then remembered."""
        if project_ref not in self.initiative_ids:
            page = self.coprod.get_json(f"{API}/initiatives", external_ref=project_ref)
            if not page["items"]:
                raise SyncError(f"project {project_ref!r} has not been pushed yet")
            self.initiative_ids[project_ref] = page["items"][0]["id"]
        return self.initiative_ids[project_ref]

    def _write(
        self, method: str, path: str, body: Any, key: str, headers: Mapping[str, str] | None = None
    ) -> httpx.Response:
        """A write with its key. If coprod did the write but lost its answer (a worker
        died as it committed: 409 ``idempotency_answer_lost``), the request is sent once
        more under a new key: an upsert, a create by external_ref and a PATCH with
        If-Match all say what the first attempt did without doing it twice."""
        response = self.coprod.request(
            method, path, json_body=body, headers=headers, idempotency_key=key
        )
        if response.status_code == 409 and problem_code(response) == "idempotency_answer_lost":
            self.stats.answers_lost += 1
            response = self.coprod.request(
                method, path, json_body=body, headers=headers, idempotency_key=f"{key}:again"
            )
        return response

    def _put(self, path: str, body: dict[str, Any], change_id: str) -> Pushed:
        """An upsert by the CRM's id: 201 made, 200 replaced (or already so)."""
        response = self._write("PUT", path, body, idempotency_key(change_id, "put"))
        if response.status_code in {200, 201}:
            record = response.json()
            outcome = "created" if response.status_code == 201 else "updated"
            return Pushed(outcome, record["id"], response.headers.get("ETag"))
        return self._refused(path, response)

    def _refused(self, path: str, response: httpx.Response) -> Pushed:
        if response.status_code == 409 and problem_code(response) == "participant_erased":
            return Pushed("erased", None)
        raise SyncError(f"{path}: {response.status_code} {response.text[:500]}", response)

    def _create_or_update(
        self,
        collection: str,
        records: str,
        body: dict[str, Any],
        change_id: str,
        fixed: frozenset[str] | set[str] = frozenset(),
    ) -> Pushed:
        """Before upserts: POST with the external_ref; if a record has it already (a
        retry whose first answer was lost, or an earlier sync), bring that one up to
        date with If-Match. ``fixed`` fields cannot change after creation."""
        response = self._write("POST", collection, body, idempotency_key(change_id, "post"))
        if response.status_code == 201:
            return Pushed("created", response.json()["id"], response.headers.get("ETag"))
        if response.status_code != 409 or problem_code(response) != "external_ref_taken":
            return self._refused(collection, response)
        self.stats.recovered_by_external_ref += 1
        problem = response.json()
        existing_id = str(problem["existing_id"])
        if problem.get("differs") is False:
            return Pushed("unchanged", existing_id, problem.get("existing_etag"))
        return self._bring_up_to_date(f"{records}/{existing_id}", body, change_id, fixed)

    def _bring_up_to_date(
        self, url: str, body: dict[str, Any], change_id: str, fixed: frozenset[str] | set[str]
    ) -> Pushed:
        for _ in range(5):
            current = self.coprod.request("GET", url)
            if current.status_code != 200:
                return self._refused(url, current)
            record, etag = current.json(), current.headers["ETag"]
            changes = {
                name: value
                for name, value in body.items()
                if name not in fixed and record.get(name) != value
            }
            if not changes:
                return Pushed("unchanged", record["id"], etag)
            # The If-Match is part of the request, so it is part of the key too.
            key = idempotency_key(change_id, f"patch:{etag.strip(chr(34))}")
            patched = self._write("PATCH", url, changes, key, {"If-Match": etag})
            if patched.status_code == 200:
                return Pushed("updated", record["id"], patched.headers.get("ETag"))
            if patched.status_code == 412:  # changed since we read it: read again
                self.stats.stale_etag_rereads += 1
                continue
            return self._refused(url, patched)
        raise SyncError(f"{url}: changed under us five times running")

    # Pulling the feed ----------------------------------------------------------------

    def resync(self) -> int:
        """Load the mirror from a full export and store the cursor it was taken at."""
        if self.mirror is None:
            raise SyncError("no mirror to load")
        with self.coprod.http.stream("GET", f"{API}/export") as response:
            if response.status_code != 200:
                response.read()
                raise SyncError(f"GET /export: {response.status_code}", response)
            return self.mirror.load_export(json.loads(line) for line in response.iter_lines())

    def pull(self, *, limit: int = 100, pages: int | None = None) -> int:
        """Apply the feed's events after the stored cursor, page by page, until it is
        read to its end (or ``pages`` pages); how many events were applied. A cursor the
        feed no longer keeps (410 ``cursor_expired``) means a resync from an export."""
        if self.mirror is None:
            raise SyncError("no mirror to pull into")
        applied = 0
        read = 0
        while pages is None or read < pages:
            params: dict[str, str | int] = {"limit": limit}
            cursor = self.mirror.cursor()
            if cursor is not None:
                params["cursor"] = cursor
            response = self.coprod.request("GET", f"{API}/events", params=params)
            if response.status_code == 410 and problem_code(response) == "cursor_expired":
                self.resync()
                continue
            if response.status_code != 200:
                raise SyncError(f"GET /events: {response.status_code}", response)
            page = response.json()
            read += 1
            applied += self.mirror.apply_page(page["items"], page["next_cursor"])
            if len(page["items"]) < limit:
                break
        return applied


# The mirror --------------------------------------------------------------------------------

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    record_type TEXT NOT NULL, id TEXT NOT NULL, initiative_id TEXT,
    external_ref TEXT, version INTEGER, erased INTEGER NOT NULL DEFAULT 0, body TEXT NOT NULL,
    PRIMARY KEY (record_type, id));
CREATE INDEX IF NOT EXISTS records_by_initiative ON records (initiative_id);
CREATE INDEX IF NOT EXISTS records_by_ref ON records (record_type, external_ref);
CREATE TABLE IF NOT EXISTS state (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS applied (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE,
    event_type TEXT NOT NULL, record_id TEXT NOT NULL, occurred_at TEXT NOT NULL,
    own INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS crm_tasks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, task TEXT NOT NULL, record_type TEXT NOT NULL,
    record_id TEXT NOT NULL, external_ref TEXT, done INTEGER NOT NULL DEFAULT 0);
"""


@dataclasses.dataclass(frozen=True)
class CrmTask:
    """Something the CRM must do for a person's sake: ``erase`` (coprod erased the record:
    erase or anonymise yours) or ``consent_withdrawn`` (record it, stop using their data)."""

    seq: int
    task: str
    record_type: str
    record_id: str
    external_ref: str | None
    """The CRM's own id, from the event: how the CRM finds its record."""


class Mirror:
    """coprod's records as the feed last told them, with the cursor, in one SQLite file.

    ``own_key_id`` is the key the CRM writes with: its own writes are applied like any
    other (the mirror stays whole) but marked ``own``, so the CRM need not hear of them
    again. Erasures and consent withdrawals become ``crm_tasks`` whoever made them.
    """

    def __init__(self, path: str, own_key_id: str | None = None) -> None:
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.executescript(SCHEMA)
        self.own_key_id = own_key_id

    def close(self) -> None:
        self.db.close()

    def cursor(self) -> str | None:
        row = self.db.execute("SELECT value FROM state WHERE name = 'cursor'").fetchone()
        return None if row is None else str(row[0])

    def _set_cursor(self, cursor: str) -> None:
        self.db.execute(
            "INSERT INTO state (name, value) VALUES ('cursor', ?) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (cursor,),
        )

    def load_export(self, lines: Iterator[dict[str, Any]]) -> int:
        """Replace the mirror by an export; nothing changes unless it is read whole."""
        header = next(lines)
        if header.get("type") != "export":
            raise SyncError(f"not an export: {header!r}")
        count, ended = 0, False
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute("DELETE FROM records")
            for line in lines:
                if line["type"] == "end":
                    if line["records"] != count:
                        raise SyncError(f"export ended at {count} of {line['records']} records")
                    ended = True
                    break
                record = line["record"]
                self._put(line["record_type"], record)
                count += 1
            if not ended:
                raise SyncError("the export was cut short")
            self._set_cursor(header["cursor"])
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return count

    def apply_page(self, events: list[dict[str, Any]], next_cursor: str) -> int:
        """Apply one page of the feed and store its cursor, in one transaction."""
        applied = 0
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for event in events:
                applied += self._apply(event)
            self._set_cursor(next_cursor)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return applied

    def _apply(self, event: dict[str, Any]) -> int:
        own = self.own_key_id is not None and event["actor"].get("key_id") == self.own_key_id
        try:
            self.db.execute(
                "INSERT INTO applied (event_id, event_type, record_id, occurred_at, own) "
                "VALUES (?, ?, ?, ?, ?)",
                (event["id"], event["type"], event["record_id"], event["occurred_at"], int(own)),
            )
        except sqlite3.IntegrityError:
            return 0  # heard before: a page applied twice changes nothing
        record_type, record_id = event["record_type"], event["record_id"]
        what = event["type"].rpartition(".")[2]
        if what == "deleted":
            self.db.execute(
                "DELETE FROM records WHERE record_type = ? AND id = ?", (record_type, record_id)
            )
            if record_type == "initiative":  # its records went with it
                self.db.execute("DELETE FROM records WHERE initiative_id = ?", (record_id,))
        elif what == "erased":
            # Keep only that the record was there; tell the CRM, by its own id.
            stub = {"id": record_id, "initiative_id": event["initiative_id"], "erased": True}
            self.db.execute(
                "INSERT INTO records (record_type, id, initiative_id, external_ref, version, "
                "erased, body) VALUES (?, ?, ?, NULL, NULL, 1, ?) "
                "ON CONFLICT (record_type, id) DO UPDATE SET external_ref = NULL, "
                "version = NULL, erased = 1, body = excluded.body",
                (record_type, record_id, event["initiative_id"], json.dumps(stub)),
            )
            self._task("erase", event)
        elif event["record"] is not None:
            self._put(record_type, event["record"])
            if what == "consent_withdrawn":
                self._task("consent_withdrawn", event)
        # else: the record was erased since; its erasure comes later in the feed.
        return 1

    def _put(self, record_type: str, record: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT INTO records (record_type, id, initiative_id, external_ref, version, "
            "erased, body) VALUES (?, ?, ?, ?, ?, 0, ?) "
            "ON CONFLICT (record_type, id) DO UPDATE SET initiative_id = excluded.initiative_id,"
            " external_ref = excluded.external_ref, version = excluded.version, erased = 0, "
            "body = excluded.body",
            (
                record_type,
                record["id"],
                record.get("initiative_id", record["id"] if record_type == "initiative" else None),
                record.get("external_ref"),
                record.get("version"),
                json.dumps(record, sort_keys=True),
            ),
        )

    def _task(self, task: str, event: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT INTO crm_tasks (task, record_type, record_id, external_ref) "
            "VALUES (?, ?, ?, ?)",
            (task, event["record_type"], event["record_id"], event["external_ref"]),
        )

    def records(self) -> dict[tuple[str, str], dict[str, Any]]:
        """Every record held, by (record type, id)."""
        rows = self.db.execute("SELECT record_type, id, body FROM records")
        return {(kind, record_id): json.loads(body) for kind, record_id, body in rows}

    def tasks(self) -> list[CrmTask]:
        """What the CRM still has to do, oldest first."""
        rows = self.db.execute(
            "SELECT seq, task, record_type, record_id, external_ref FROM crm_tasks "
            "WHERE done = 0 ORDER BY seq"
        )
        return [CrmTask(*row) for row in rows]

    def task_done(self, task: CrmTask) -> None:
        """The CRM has carried the task out (erased the contact, recorded the withdrawal)."""
        self.db.execute("UPDATE crm_tasks SET done = 1 WHERE seq = ?", (task.seq,))

    def applied_event_ids(self) -> list[str]:
        return [str(row[0]) for row in self.db.execute("SELECT event_id FROM applied ORDER BY seq")]


# The command line --------------------------------------------------------------------------


def read_crm_file(path: str) -> Iterator[Project | Contact]:
    """NDJSON of the CRM's changes: ``{"project": {...}}`` or ``{"contact": {...}}``."""
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            item = json.loads(line)
            if "project" in item:
                yield Project(**item["project"])
            else:
                yield Contact(**item["contact"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--base-url", required=True, help="coprod's address, e.g. https://coprod.example"
    )
    parser.add_argument(
        "--key", default=os.environ.get("COPROD_KEY"), help="API key (default: $COPROD_KEY)"
    )
    parser.add_argument(
        "--mirror",
        default="coprod-mirror.sqlite3",
        help="SQLite file holding the mirror and the feed cursor (written together)",
    )
    parser.add_argument("--own-key-id", help="the key_id this CRM writes with (marks its own)")
    commands = parser.add_subparsers(dest="command", required=True)
    push = commands.add_parser("push", help="push CRM projects and contacts (NDJSON file)")
    push.add_argument("changes")
    pull = commands.add_parser("pull", help="follow the change feed into the mirror")
    pull.add_argument("--follow", action="store_true", help="keep polling")
    pull.add_argument("--interval", type=float, default=30, help="seconds between polls")
    commands.add_parser("resync", help="reload the mirror from a full export")
    args = parser.parse_args(argv)
    if not args.key:
        parser.error("an API key is needed: --key or COPROD_KEY")
    coprod = Coprod(args.base_url, args.key)
    mirror = Mirror(args.mirror, args.own_key_id)
    sync = CrmSync(coprod, mirror)
    try:
        if args.command == "push":
            for pushed in sync.push_bulk(list(read_crm_file(args.changes))):
                print(pushed.outcome, pushed.record_id or "")
        elif args.command == "resync":
            print(f"loaded {sync.resync()} records")
        else:
            if mirror.cursor() is None:
                print(f"no cursor yet: loaded {sync.resync()} records from an export")
            while True:
                print(f"applied {sync.pull()} events")
                for task in mirror.tasks():
                    print("for the CRM:", task.task, task.record_type, task.external_ref)
                    mirror.task_done(task)  # here the CRM is whoever reads this output
                if not args.follow:
                    break
                time.sleep(args.interval)
    except SyncError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        print(json.dumps(dataclasses.asdict(coprod.stats)), file=sys.stderr)
        coprod.close()
        mirror.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
