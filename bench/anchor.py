"""The anchors: the hot paths written by hand, to measure the product's framework costs against.

A plain Flask app with no flask-smorest, no ORM and no marshmallow. Each endpoint
authenticates as the product does at the SQL level (one SELECT of the key by id, a
SHA-256 compared in constant time, ``last_used_at`` touched at most every five minutes),
runs the SQL the product runs for the same page (the same filters, the same keyset
predicate, the same SQLite pragmas), and writes the same JSON body by hand with the
standard library. Progress asks the same plugin host the same question, since the
toolkit's rules are the work itself, not framework, over a view read as the product
reads it (where the initiative stands at once, the rest on demand with the core's
``ReadOnDemand``), and reports the stage's requirements and the status's hold as the
product does. Creating evidence inserts the same row (with the ``evidence_participants``
rows of the people it names, whom it reads locked first), and the audit event the product
writes beside it, with hand-written SQL, and does not validate the payload.

The same endpoints serve two anchors (bench/anchor_store.py): the honest one,
``create_app``, talks to the driver itself (stdlib ``sqlite3``, or psycopg 3 with
prepared statements, one connection per thread, reads in autocommit), and
``create_core_app`` sends the same SQL through SQLAlchemy Core's ``text()`` and pooled
engine, as bench/ measured against before issue 16.

Serve them exactly like the product: ``gunicorn 'bench.anchor:create_app()'`` (or
``'bench.anchor:create_core_app()'``) with ``COPROD_DATABASE_URL`` set."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, request

from bench.anchor_store import CoreStore, RawStore, Session, Store, day_value, in_list, time_value
from bench.anchor_tally import SqlTally
from toolkits_core import (
    ActivityView,
    AssessmentView,
    Blocker,
    Consent,
    EvidenceView,
    InitiativeView,
    ParticipantRole,
    ParticipantView,
    PluginHost,
    StageFlow,
    Toolkit,
    TransitionDecision,
    TransitionKind,
    load_plugins,
)
from toolkits_core._frozen import ReadOnDemand
from toolkits_core._store.ids import new_id
from toolkits_core._views import answered_by
from toolkits_core.service import EVENT_TYPES, FEED_RECORD_TYPES

STORE = "bench_anchor_store"
JSON_TYPE = "application/json"
MAX_LIMIT = 100
RANK = {"read": 1, "write": 2, "admin": 3}
KEY_TOUCH = dt.timedelta(minutes=5)

INITIATIVE_COLUMNS = (
    "id, toolkit_key, toolkit_version, title, summary, status, themes, stage, cycle, "
    "external_ref, created_at, updated_at, version, organisation_id"
)
EVIDENCE_COLUMNS = (
    "id, evidence_type, stage, cycle, activity_id, participant_id, participant_ids, "
    "dimensions, indicators, payload, consent, publication_consent, visibility, collected_on, "
    "file_name, file_content_type, file_size, file_sha256, file_uploaded_at, erased_at, "
    "external_ref, created_at, updated_at, version, initiative_id, organisation_id"
)
KEY_SQL = (
    "SELECT organisation_id, secret_sha256, scopes, expires_at, revoked_at, last_used_at "
    "FROM api_keys WHERE id = :id"
)
TOUCH_KEY_SQL = "UPDATE api_keys SET last_used_at = :now WHERE id = :id"
INITIATIVE_SQL = (
    f"SELECT {INITIATIVE_COLUMNS} FROM initiatives WHERE id = :id AND organisation_id = :org"
)
STAGES_SQL = (
    "SELECT stage FROM stage_entries "
    "WHERE organisation_id = :org AND initiative_id = :initiative ORDER BY id"
)
PARTICIPANTS_SQL = (
    "SELECT role, consent, id FROM participants "
    "WHERE organisation_id = :org AND initiative_id = :initiative ORDER BY id"
)
ACTIVITY_PEOPLE_SQL = (
    "SELECT activity_participants.activity_id, participants.role, participants.consent, "
    "participants.id FROM activity_participants "
    "JOIN participants ON participants.id = activity_participants.participant_id "
    "WHERE participants.organisation_id = :org AND participants.initiative_id = :initiative "
    "ORDER BY activity_participants.activity_id, participants.id"
)
ACTIVITIES_SQL = (
    "SELECT id, activity_type, stage, dimensions, cycle FROM activities "
    "WHERE organisation_id = :org AND initiative_id = :initiative ORDER BY id"
)
VIEW_EVIDENCE_SQL = (
    "SELECT evidence.evidence_type, evidence.stage, evidence.payload, evidence.dimensions, "
    "evidence.indicators, activities.activity_type, evidence.cycle, evidence.id, "
    "evidence.activity_id, evidence.participant_id, participants.role, participants.consent "
    "FROM evidence LEFT OUTER JOIN activities ON activities.id = evidence.activity_id "
    "AND activities.organisation_id = :org AND activities.initiative_id = :initiative "
    "LEFT OUTER JOIN participants ON participants.id = evidence.participant_id "
    "AND participants.organisation_id = :org AND participants.initiative_id = :initiative "
    "WHERE evidence.organisation_id = :org AND evidence.initiative_id = :initiative "
    "AND evidence.consent != 'withdrawn' ORDER BY evidence.id"
)
ASSESSMENTS_SQL = (
    "SELECT scale, perspective, ratings, cycle FROM assessments "
    "WHERE organisation_id = :org AND initiative_id = :initiative ORDER BY id"
)
INSERT_EVIDENCE_SQL = (
    f"INSERT INTO evidence ({EVIDENCE_COLUMNS}) VALUES (:id, :evidence_type, :stage, :cycle, "
    ":activity_id, :participant_id, :participant_ids, :dimensions, :indicators, :payload, "
    ":consent, :publication_consent, :visibility, :collected_on, "
    "NULL, NULL, NULL, NULL, NULL, NULL, :external_ref, "
    ":created_at, :updated_at, 1, :initiative_id, :organisation_id)"
)
PEOPLE_SQL = (
    "SELECT id, consent, erased_at FROM participants WHERE organisation_id = :org "
    "AND initiative_id = :initiative AND id IN {ids} ORDER BY id"
)
LOCK_PEOPLE = {"sqlite": "", "postgresql": " FOR SHARE"}
"""The evidence's people, locked for sharing as the product locks them (SQLite: whole)."""
INSERT_PEOPLE_SQL = "INSERT INTO evidence_participants (evidence_id, participant_id) VALUES "
MAX_PEOPLE = 100
LOCKED_INITIATIVE_SQL = {
    "sqlite": INITIATIVE_SQL,  # SQLite is locked whole, by BEGIN IMMEDIATE before the read
    "postgresql": (
        f"SELECT {INITIATIVE_COLUMNS} FROM initiatives WHERE id = :id AND organisation_id = :org "
        "FOR SHARE"
    ),
}
TAKE_POSITION_SQL = (
    "UPDATE change_clock SET position = change_clock.position + 1 WHERE change_clock.id = 1 "
    "RETURNING change_clock.position"
)
INSERT_AUDIT_SQL = (
    "INSERT INTO audit_events (id, occurred_at, key_id, channel, action, record_type, "
    "record_id, initiative_id, fields, position, event_type, version, organisation_id) "
    "VALUES (:id, :now, :key, 'api', 'created', 'evidence', :record, :initiative, '[]', "
    ":position, 'evidence.created', 1, :org)"
)
INSERT_NUMBERED_AUDIT_SQL = (
    "WITH clock AS (UPDATE change_clock SET position = change_clock.position + 1 "
    "WHERE change_clock.id = 1 RETURNING change_clock.position) "
    "INSERT INTO audit_events (id, occurred_at, key_id, channel, action, record_type, "
    "record_id, initiative_id, fields, position, event_type, version, organisation_id) "
    "SELECT :id, :now, :key, 'api', 'created', 'evidence', :record, :initiative, '[]', "
    "clock.position, 'evidence.created', 1, :org FROM clock"
)
"""PostgreSQL: the clock's next position taken and the event inserted in one statement,
as the product does (SQLite has no UPDATE in a WITH)."""
INSERT_EVENT_DATA_SQL = (
    "INSERT INTO event_data (event_id, external_ref, record) VALUES (:event, :ref, :record)"
)
LEAVING = frozenset({TransitionKind.ADVANCE, TransitionKind.NEW_CYCLE})
"""The moves that leave a stage behind: those its requirements are asked of."""
HELD_BY_STATUS = {
    "paused": "is paused, so its stage cannot move",
    "completed": "is completed, so nothing more can be recorded in it and its stage cannot move",
    "archived": "is archived, so it is read-only",
}
"""The statuses that refuse transitions, and why, as the product words it."""
IDEMPOTENCY_TTL = dt.timedelta(hours=24)
CLAIM_KEY_SQL = (
    "INSERT INTO idempotent_requests (credential_id, idempotency_key, request_sha256, "
    "method, path, status, headers, body, created_at, expires_at, organisation_id) "
    "VALUES (:key, :idempotency_key, :sha, :method, :path, NULL, '{}', NULL, :now, "
    ":expires, :org) ON CONFLICT (credential_id, idempotency_key) DO NOTHING"
)
SAVE_ANSWER_SQL = (
    "UPDATE idempotent_requests SET status = :status, headers = :headers, body = :body "
    "WHERE credential_id = :key AND idempotency_key = :idempotency_key "
    "AND organisation_id = :org AND status IS NULL"
)
FEED_TYPES = "(" + ", ".join(f"'{kind}'" for kind in FEED_RECORD_TYPES) + ")"
FEED_EVENT_TYPES = "(" + ", ".join(f"'{kind}'" for kind in EVENT_TYPES) + ")"
FEED_COLUMNS = (
    "audit_events.id, audit_events.occurred_at, audit_events.key_id, audit_events.channel, "
    "audit_events.record_type, audit_events.record_id, audit_events.initiative_id, "
    "audit_events.fields, audit_events.position, audit_events.event_type, "
    "audit_events.version, event_data.external_ref, event_data.record"
)
FEED_SQL = (
    f"SELECT {FEED_COLUMNS} FROM audit_events LEFT OUTER JOIN event_data "
    "ON event_data.event_id = audit_events.id WHERE audit_events.organisation_id = :org "
    f"AND audit_events.record_type IN {FEED_TYPES} "
    f"AND audit_events.event_type IN {FEED_EVENT_TYPES} "
    "AND audit_events.position > :after ORDER BY audit_events.position LIMIT :n"
)
FEED_NEXT_SQL = (
    "SELECT occurred_at FROM audit_events WHERE organisation_id = :org AND position > :after "
    "ORDER BY position LIMIT 1"
)
"""When the first event after the cursor happened: past the retention, 410."""


class RefusedError(Exception):
    """An answer other than success, as a small problem document."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail


# Values as the drivers give them: SQLite keeps JSON and times as text -----------------


def _loaded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _moment(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    moment: dt.datetime = value.replace(tzinfo=dt.UTC)
    return moment


def _time(value: Any) -> str | None:
    moment = _moment(value)
    return None if moment is None else moment.isoformat()


def _day(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    day: str = value.isoformat()
    return day


# Authentication ------------------------------------------------------------------------


def _caller(connection: Session, store: Store, scope: str) -> tuple[str, str]:
    """(organisation id, key id) of the bearer key, if it holds ``scope``."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise RefusedError(401, "missing_key", "Send an API key in the Authorization header.")
    body = token.removeprefix("coprod_")
    key_id, _, secret = body.partition(".")
    refused = RefusedError(401, "invalid_key", "The API key is not valid.")
    if body == token or not key_id or not secret or len(token) > 200:
        raise refused
    key = connection.first(KEY_SQL, {"id": key_id})
    digest = hashlib.sha256(secret.encode()).hexdigest()
    if key is None or not hmac.compare_digest(key.secret_sha256, digest):
        raise refused
    now = dt.datetime.now(dt.UTC)
    expires = _moment(key.expires_at)
    if key.revoked_at is not None or (expires is not None and expires <= now):
        raise refused
    if not any(RANK[held] >= RANK[scope] for held in _loaded(key.scopes)):
        raise RefusedError(403, "missing_scope", f"This operation needs the {scope!r} scope.")
    last = _moment(key.last_used_at)
    if last is None or now - last > KEY_TOUCH:
        connection.run(TOUCH_KEY_SQL, {"now": time_value(store.sqlite, now), "id": key_id})
    return str(key.organisation_id), key_id


# Pages ---------------------------------------------------------------------------------


def _limit() -> int:
    raw = request.args.get("limit", "50")
    try:
        limit = int(raw)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        raise RefusedError(422, "invalid_request", f"limit must be 1 to {MAX_LIMIT}.")
    return limit


def _after() -> str | None:
    cursor = request.args.get("cursor")
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        after = json.loads(raw)["after"]
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        after = None
    if not isinstance(after, str) or not after:
        raise RefusedError(422, "invalid_request", "Not a cursor this API gave out.")
    return after


def _cursor(after_id: str, at: str | None = None) -> str:
    document = {"after": after_id} if at is None else {"after": after_id, "at": at}
    raw = json.dumps(document, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _page(
    rows: Sequence[Any],
    limit: int,
    item: Callable[[Any], dict[str, Any]],
    by_time: bool = False,
) -> tuple[dict[str, Any], dict[str, str]]:
    """A page and its Link; ``by_time`` for a list paged along (updated_at, id), whose
    cursor carries the time too."""
    headers: dict[str, str] = {}
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = _cursor(rows[-1].id, _time(rows[-1].updated_at) if by_time else None)
        query = {key: value for key, value in request.args.items() if key != "cursor"}
        query["cursor"] = next_cursor
        headers["Link"] = f'<{request.base_url}?{urlencode(query)}>; rel="next"'
    return {"items": [item(row) for row in rows], "next_cursor": next_cursor}, headers


def _fingerprint() -> str:
    """SHA-256 of what makes two requests the same: method, path, query, If-Match, body."""
    digest = hashlib.sha256()
    for part in (
        request.method,
        request.path,
        request.query_string.decode("latin-1"),
        request.headers.get("If-Match", ""),
    ):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(request.get_data())
    return digest.hexdigest()


def _reply(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    text = json.dumps(body, separators=(",", ":"))
    return Response(text, status=status, headers=dict(headers or {}), mimetype=JSON_TYPE)


# Records as JSON -----------------------------------------------------------------------


def _initiative(row: Any) -> dict[str, Any]:
    return {
        "created_at": _time(row.created_at),
        "cycle": row.cycle,
        "external_ref": row.external_ref,
        "id": row.id,
        "stage": row.stage,
        "status": row.status,
        "summary": row.summary,
        "themes": _loaded(row.themes),
        "title": row.title,
        "toolkit": row.toolkit_key,
        "toolkit_version": row.toolkit_version,
        "updated_at": _time(row.updated_at),
        "version": row.version,
    }


def _evidence(row: Any, expects_file: bool) -> dict[str, Any]:
    stored = None
    if row.file_sha256:
        stored = {
            "content_type": row.file_content_type,
            "name": row.file_name,
            "sha256": row.file_sha256,
            "size": row.file_size,
            "uploaded_at": _time(row.file_uploaded_at),
            "url": f"/api/v1/evidence/{row.id}/file",
        }
    return {
        "activity_id": row.activity_id,
        "collected_on": _day(row.collected_on),
        "consent": row.consent,
        "created_at": _time(row.created_at),
        "cycle": row.cycle,
        "dimensions": _loaded(row.dimensions),
        "erased_at": _time(row.erased_at),
        "evidence_type": row.evidence_type,
        "expects_file": expects_file,
        "external_ref": row.external_ref,
        "file": stored,
        "id": row.id,
        "indicators": _loaded(row.indicators),
        "initiative_id": row.initiative_id,
        "participant_id": row.participant_id,
        "participant_ids": _loaded(row.participant_ids),
        "payload": _loaded(row.payload),
        "publication_consent": row.publication_consent,
        "stage": row.stage,
        "updated_at": _time(row.updated_at),
        "version": row.version,
        "visibility": row.visibility,
    }


def _transition(row: Any) -> dict[str, Any]:
    return {
        "cycle": row.cycle,
        "entered_at": _time(row.entered_at),
        "from_stage": row.from_stage,
        "id": row.id,
        "initiative_id": row.initiative_id,
        "kind": row.kind,
        "note": row.note,
        "stage": row.stage,
    }


def _participant(row: Any) -> dict[str, Any]:
    return {
        "affiliation": row.affiliation,
        "age_band": row.age_band,
        "consent": row.consent,
        "consent_given_by": row.consent_given_by,
        "consent_given_on": _day(row.consent_given_on),
        "consent_recorded_at": _time(row.consent_recorded_at),
        "created_at": _time(row.created_at),
        "display_name": row.display_name,
        "erased_at": _time(row.erased_at),
        "external_ref": row.external_ref,
        "id": row.id,
        "initiative_id": row.initiative_id,
        "publication_consent": row.publication_consent,
        "publication_consent_recorded_at": _time(row.publication_consent_recorded_at),
        "role": row.role,
        "updated_at": _time(row.updated_at),
        "version": row.version,
    }


def _activity(row: Any) -> dict[str, Any]:
    return {
        "activity_type": row.activity_type,
        "attendance": _loaded(row.attendance),
        "created_at": _time(row.created_at),
        "cycle": row.cycle,
        "description": row.description,
        "dimensions": _loaded(row.dimensions),
        "ends_on": _day(row.ends_on),
        "external_ref": row.external_ref,
        "id": row.id,
        "initiative_id": row.initiative_id,
        "outcomes": row.outcomes,
        "participant_ids": row.participant_ids,
        "place": row.place,
        "recurrence": _loaded(row.recurrence),
        "stage": row.stage,
        "starts_on": _day(row.starts_on),
        "tags": _loaded(row.tags),
        "title": row.title,
        "updated_at": _time(row.updated_at),
        "version": row.version,
    }


class _Shown:
    """A record as an event showed it (a JSON document), read by attribute like a row."""

    __slots__ = ("_values",)

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values

    def __getattr__(self, name: str) -> Any:
        return self._values.get(name)


def _feed_cursor(position: int) -> str:
    raw = json.dumps({"position": position}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _feed_after() -> int | None:
    cursor = request.args.get("cursor")
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        position = json.loads(raw)["position"]
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        position = None
    if type(position) is not int or not 0 <= position < 2**62:
        raise RefusedError(422, "invalid_cursor", "Not a cursor this feed gave out.")
    return position


class Anchor:
    """The endpoints, over one store and one plugin host."""

    def __init__(self, store: Store, host: PluginHost) -> None:
        self.store = store
        self.host = host
        self.toolkits: dict[str, Toolkit] = {toolkit.key: toolkit for toolkit in host.toolkits()}
        self.file_kinds = {
            (toolkit.key, kind.key): kind.kind.has_file
            for toolkit in self.toolkits.values()
            for kind in toolkit.evidence_types
        }
        self._evidence_sql: dict[tuple[str, ...], str] = {}
        days = os.environ.get("COPROD_FEED_RETENTION_DAYS") or "30"
        self.feed_retention = dt.timedelta(days=int(days))

    def _initiative_row(self, connection: Session, org: str, initiative_id: str) -> Any:
        row = connection.first(INITIATIVE_SQL, {"id": initiative_id, "org": org})
        if row is None:
            raise RefusedError(404, "not_found", f"There is no initiative {initiative_id!r}.")
        return row

    def _expects_file(self, toolkit_key: str, row: Any) -> bool:
        known = self.file_kinds.get((toolkit_key, row.evidence_type))
        return bool(row.file_sha256) if known is None else known

    def list_initiatives(self) -> Response:
        limit, after = _limit(), _after()
        sql = (
            f"SELECT {INITIATIVE_COLUMNS} FROM initiatives WHERE organisation_id = :org"
            + (" AND id > :after" if after else "")
            + " ORDER BY id LIMIT :n"
        )
        with self.store.reading() as connection:
            org, _ = _caller(connection, self.store, "read")
            rows = connection.all(sql, {"org": org, "after": after, "n": limit + 1})
        body, headers = _page(rows, limit, _initiative)
        return _reply(body, headers=headers)

    def show_initiative(self, initiative_id: str) -> Response:
        with self.store.reading() as connection:
            org, _ = _caller(connection, self.store, "read")
            row = self._initiative_row(connection, org, initiative_id)
        return _reply(_initiative(row), headers={"ETag": f'"{row.id}.{row.version}"'})

    def list_evidence(self, initiative_id: str) -> Response:
        limit, after = _limit(), _after()
        filters: dict[str, Any] = {}
        for name in ("stage", "evidence_type"):
            if name in request.args:
                filters[name] = request.args[name]
        since = request.args.get("updated_since")
        if since is not None:
            try:
                moment = dt.datetime.fromisoformat(since.replace("Z", "+00:00"))
            except ValueError:
                raise RefusedError(422, "invalid_request", "updated_since is not a time.") from None
            if moment.tzinfo is None:
                raise RefusedError(422, "invalid_request", "Give updated_since with its offset.")
            filters["updated_since"] = time_value(self.store.sqlite, moment)
        if after:
            if since is not None:
                raise RefusedError(422, "invalid_request", "The anchor pages since only once.")
            filters["after"] = after
        shape = tuple(filters)
        sql = self._evidence_sql.get(shape)
        if sql is None:
            where = ["organisation_id = :org", "initiative_id = :initiative"]
            where += [f"{name} = :{name}" for name in ("evidence_type", "stage") if name in shape]
            if "updated_since" in shape:
                where.append("updated_at >= :updated_since")
            where.append("consent != 'withdrawn'")
            if "after" in shape:
                where.append("id > :after")
            order = "updated_at, id" if "updated_since" in shape else "id"
            sql = (
                f"SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE {' AND '.join(where)} "
                f"ORDER BY {order} LIMIT :n"
            )
            self._evidence_sql[shape] = sql
        with self.store.reading() as connection:
            org, _ = _caller(connection, self.store, "read")
            initiative = self._initiative_row(connection, org, initiative_id)
            rows = connection.all(
                sql, {"org": org, "initiative": initiative.id, "n": limit + 1, **filters}
            )
        toolkit_key = initiative.toolkit_key
        body, headers = _page(
            rows,
            limit,
            lambda row: _evidence(row, self._expects_file(toolkit_key, row)),
            by_time=since is not None,
        )
        return _reply(body, headers=headers)

    def progress(self, initiative_id: str) -> Response:
        moves: list[dict[str, Any]] = []
        requirements: list[dict[str, Any]] = []
        with self.store.reading() as connection:
            org, _ = _caller(connection, self.store, "read")
            initiative = self._initiative_row(connection, org, initiative_id)
            view = self._view(connection, org, initiative)
            toolkit = self.toolkits.get(initiative.toolkit_key)
            pinned = toolkit is not None and (
                toolkit.version.split(".")[0] == initiative.toolkit_version.split(".")[0]
            )
            if toolkit is not None and pinned:  # the rules read the view while it is open
                decisions = [
                    self.host.decide_transition(view, target, new_round=new_round)
                    for target, new_round in _candidates(
                        toolkit, initiative.stage, view.reached_stages
                    )
                ]
                requirements = _requirements(toolkit, initiative.stage, decisions)
                held = _held_by(initiative)
                moves = [
                    {
                        "advice": [
                            {"code": a.code, "message": a.message, "plugin": a.plugin}
                            for a in decision.advice
                        ],
                        "allowed": decision.allowed and held is None,
                        "blockers": [
                            {"code": b.code, "message": b.message, "plugin": b.plugin}
                            for b in ([held] if held else []) + list(decision.blockers)
                        ],
                        "kind": decision.transition.kind.value if decision.transition else None,
                        "new_round": bool(
                            decision.transition
                            and decision.transition.kind is TransitionKind.NEW_CYCLE
                        ),
                        "to_stage": decision.to_stage,
                    }
                    for decision in decisions
                ]
        body = {
            "cycle": initiative.cycle,
            "initiative_id": initiative.id,
            "moves": moves,
            "reached_stages": list(view.reached_stages),
            "requirements": requirements,
            "stage": initiative.stage,
            "status": initiative.status,
            "toolkit": initiative.toolkit_key,
        }
        return _reply(body)

    def _view(self, connection: Session, org: str, initiative: Any) -> InitiativeView:
        """What the plugins judge, read as the product reads it: where it stands at once,
        the rest only when a rule looks at it (the core's read-on-demand sequences)."""
        where = {"org": org, "initiative": initiative.id}
        reached = [row.stage for row in connection.all(STAGES_SQL, where)]

        def participants() -> Iterator[ParticipantView]:
            for row in connection.all(PARTICIPANTS_SQL, where):
                yield ParticipantView(ParticipantRole(row.role), Consent(row.consent), row.id)

        def activities() -> Iterator[ActivityView]:
            # Every linked participant, with consent: the view keeps the consenting roles.
            linked: dict[str, list[ParticipantView]] = {}
            for link in connection.all(ACTIVITY_PEOPLE_SQL, where):
                linked.setdefault(link.activity_id, []).append(
                    ParticipantView(ParticipantRole(link.role), Consent(link.consent), link.id)
                )
            for row in connection.all(ACTIVITIES_SQL, where):
                people = tuple(linked.get(row.id, ()))
                yield ActivityView(
                    row.activity_type,
                    row.stage,
                    tuple(_loaded(row.dimensions)),
                    tuple(person.role for person in people if person.takes_part),
                    row.cycle,
                    id=row.id,
                    participants=people,
                )

        def evidence() -> Iterator[EvidenceView]:
            for row in connection.all(VIEW_EVIDENCE_SQL, where):
                yield EvidenceView(
                    row.evidence_type,
                    row.stage,
                    _loaded(row.payload),
                    tuple(_loaded(row.dimensions)),
                    tuple(_loaded(row.indicators)),
                    row.activity_type,
                    row.cycle,
                    id=row.id,
                    activity_id=row.activity_id,
                    participant_id=row.participant_id,
                    participant_role=None if row.role is None else ParticipantRole(row.role),
                    participant_consent=None if row.consent is None else Consent(row.consent),
                )

        def assessments() -> Iterator[AssessmentView]:
            for row in connection.all(ASSESSMENTS_SQL, where):
                yield AssessmentView(
                    row.scale, ParticipantRole(row.perspective), _loaded(row.ratings), row.cycle
                )

        view = InitiativeView(
            toolkit=initiative.toolkit_key,
            stage=initiative.stage,
            cycle=initiative.cycle,
            reached_stages=tuple(dict.fromkeys(reached)),
            participants=ReadOnDemand(participants),
            activities=ReadOnDemand(activities),
            evidence=ReadOnDemand(evidence),
            assessments=ReadOnDemand(assessments),
            id=initiative.id,
        )
        # The aggregate questions, answered by the database as the product's are.
        toolkit = self.toolkits.get(initiative.toolkit_key)
        stages = tuple(stage.key for stage in toolkit.stages) if toolkit is not None else ()
        tally = SqlTally(
            connection, self.store.sqlite, org, initiative.id, initiative.cycle, stages
        )
        return answered_by(view, tally)

    def list_events(self) -> Response:
        """A page of the change feed from a cursor (the bench always sends one)."""
        limit = _limit()
        after = _feed_after()
        if after is None:
            raise RefusedError(422, "invalid_request", "The anchor reads the feed by cursor.")
        now = dt.datetime.now(dt.UTC)
        with self.store.reading() as connection:
            org, _ = _caller(connection, self.store, "read")
            pending = connection.scalar(FEED_NEXT_SQL, {"org": org, "after": after})
            if pending is not None and _moment(pending) < now - self.feed_retention:  # type: ignore[operator]
                raise RefusedError(410, "cursor_expired", "Events after it are past the retention.")
            page = connection.all(FEED_SQL, {"org": org, "after": after, "n": limit})
            toolkits = self._toolkits_of(connection, org, page)
        items = [self._change(row, toolkits) for row in page]
        last = page[-1].position if page else after
        next_cursor = _feed_cursor(last)
        query = [(k, v) for k, v in request.args.items(multi=True) if k != "cursor"]
        query.append(("cursor", next_cursor))
        headers = {"Link": f'<{request.base_url}?{urlencode(query)}>; rel="next"'}
        return _reply({"items": items, "next_cursor": next_cursor}, headers=headers)

    def _toolkits_of(self, connection: Session, org: str, rows: Sequence[Any]) -> dict[str, str]:
        """The toolkit of each initiative whose evidence the page shows (whether its type
        takes a file), in one statement."""
        wanted = sorted(
            {row.initiative_id for row in rows if row.record_type == "evidence" and row.record}
        )
        if not wanted:
            return {}
        ids, params = in_list("ids", wanted)
        found = connection.all(
            f"SELECT id, toolkit_key FROM initiatives WHERE organisation_id = :org AND id IN {ids}",
            {"org": org, **params},
        )
        return {row.id: row.toolkit_key for row in found}

    def _change(self, row: Any, toolkits: dict[str, str]) -> dict[str, Any]:
        record = None
        shown = _loaded(row.record)
        if shown is not None:
            values = _Shown(shown)
            kind = row.record_type
            if kind == "evidence":
                known = self.file_kinds.get(
                    (toolkits.get(row.initiative_id, ""), values.evidence_type)
                )
                record = _evidence(values, bool(values.file_sha256) if known is None else known)
            elif kind == "initiative":
                record = _initiative(values)
            elif kind == "transition":
                record = _transition(values)
            elif kind == "participant":
                record = _participant(values)
            elif kind == "activity":
                record = _activity(values)
            else:
                raise RefusedError(500, "not_in_anchor", f"The anchor does not show {kind}.")
        return {
            "actor": {"channel": row.channel, "key_id": row.key_id},
            "external_ref": row.external_ref,
            "fields": _loaded(row.fields),
            "id": row.id,
            "initiative_id": row.initiative_id,
            "occurred_at": _time(row.occurred_at),
            "record": record,
            "record_id": row.record_id,
            "record_type": row.record_type,
            "type": row.event_type,
            "version": row.version,
        }

    def create_evidence(self, initiative_id: str) -> Response:
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("payload"), dict):
            raise RefusedError(422, "invalid_request", "Send evidence_type and a payload object.")
        if body.get("activity_id") is not None:
            # The product would lock the activity, take its stage and cycle, and give advice.
            raise RefusedError(422, "invalid_request", "The anchor records no activity's evidence.")
        people = _people(body)
        idempotency_key = request.headers.get("Idempotency-Key")
        evidence_type = str(body.get("evidence_type"))
        now = dt.datetime.now(dt.UTC)
        store = self.store
        with store.writing() as connection:  # on SQLite, the write lock before the reads
            org, key_id = _caller(connection, store, "write")
            if idempotency_key is not None:  # the claim commits with the write, or not at all
                claimed = connection.run(
                    CLAIM_KEY_SQL,
                    {
                        "key": key_id,
                        "idempotency_key": idempotency_key,
                        "sha": _fingerprint(),
                        "method": request.method,
                        "path": request.path,
                        "now": time_value(store.sqlite, now),
                        "expires": time_value(store.sqlite, now + IDEMPOTENCY_TTL),
                        "org": org,
                    },
                )
                if claimed != 1:
                    raise RefusedError(409, "idempotency_key_taken", "The anchor replays nothing.")
            initiative = connection.first(
                LOCKED_INITIATIVE_SQL[store.dialect], {"id": initiative_id, "org": org}
            )
            if initiative is None:
                raise RefusedError(404, "not_found", f"There is no initiative {initiative_id!r}.")
            if initiative.status == "archived":
                raise RefusedError(409, "initiative_archived", "The initiative is archived.")
            if (initiative.toolkit_key, evidence_type) not in self.file_kinds:
                raise RefusedError(
                    422, "invalid_request", f"Unknown evidence type {evidence_type!r}."
                )
            if people:  # the product locks them before the checks, and refuses as here
                ids, params = in_list("ids", sorted(set(people)))
                found = {
                    row.id: row
                    for row in connection.all(
                        PEOPLE_SQL.format(ids=ids) + LOCK_PEOPLE[store.dialect],
                        {"org": org, "initiative": initiative.id, **params},
                    )
                }
                _check_people(people, found, body.get("consent", "not_recorded"))
            stage = body.get("stage") or initiative.stage
            reached = connection.all(STAGES_SQL, {"org": org, "initiative": initiative.id})
            if stage not in {item.stage for item in reached}:  # as the product checks it
                raise RefusedError(422, "invalid_request", f"Stage {stage!r} is not reached.")
            collected = body.get("collected_on")
            row = {
                "id": new_id("evd"),
                "evidence_type": evidence_type,
                "stage": stage,
                "cycle": body.get("cycle") or initiative.cycle,
                "activity_id": body.get("activity_id"),
                "participant_id": people[0] if people else None,
                "participant_ids": people,
                "dimensions": list(dict.fromkeys(body.get("dimensions", []))),
                "indicators": list(dict.fromkeys(body.get("indicators", []))),
                "payload": body["payload"],
                "consent": body.get("consent", "not_recorded"),
                "publication_consent": body.get("publication_consent", "not_recorded"),
                "visibility": body.get("visibility", "organisation"),
                "collected_on": dt.date.fromisoformat(collected) if collected else None,
                "external_ref": body.get("external_ref"),
                "initiative_id": initiative.id,
                "organisation_id": org,
            }
            stored_time = time_value(store.sqlite, now)
            connection.run(
                INSERT_EVIDENCE_SQL,
                {
                    **row,
                    "participant_ids": json.dumps(row["participant_ids"]),
                    "dimensions": json.dumps(row["dimensions"]),
                    "indicators": json.dumps(row["indicators"]),
                    "payload": json.dumps(row["payload"]),
                    "collected_on": day_value(store.sqlite, row["collected_on"]),
                    "created_at": stored_time,
                    "updated_at": stored_time,
                },
            )
            if people:  # the index of who it came from, in one statement
                values = ", ".join(f"(:evidence, :person_{index})" for index in range(len(people)))
                connection.run(
                    INSERT_PEOPLE_SQL + values,
                    {
                        "evidence": row["id"],
                        **{f"person_{index}": person for index, person in enumerate(people)},
                    },
                )
            # At commit, as the product's recorder: the clock's next position, the event,
            # and the record as the event shows it.
            shown = {
                **row,
                "collected_on": _day(row["collected_on"]),
                "file_name": None,
                "file_content_type": None,
                "file_size": None,
                "file_sha256": None,
                "file_uploaded_at": None,
                "erased_at": None,
                "created_at": now.isoformat(),
                "updated_at": now.isoformat(),
                "version": 1,
            }
            event_id = new_id("aud")
            event = {
                "id": event_id,
                "now": stored_time,
                "key": key_id,
                "record": row["id"],
                "initiative": initiative.id,
                "org": org,
            }
            if store.sqlite:
                event["position"] = connection.scalar(TAKE_POSITION_SQL)
                connection.run(INSERT_AUDIT_SQL, event)
            else:
                connection.run(INSERT_NUMBERED_AUDIT_SQL, event)
            connection.run(
                INSERT_EVENT_DATA_SQL,
                {"event": event_id, "ref": row["external_ref"], "record": json.dumps(shown)},
            )
            record = {
                "activity_id": row["activity_id"],
                "collected_on": _day(row["collected_on"]),
                "consent": row["consent"],
                "created_at": now.isoformat(),
                "cycle": row["cycle"],
                "dimensions": row["dimensions"],
                "erased_at": None,
                "evidence_type": evidence_type,
                "expects_file": self.file_kinds[(initiative.toolkit_key, evidence_type)],
                "external_ref": row["external_ref"],
                "file": None,
                "id": row["id"],
                "indicators": row["indicators"],
                "initiative_id": initiative.id,
                "participant_id": row["participant_id"],
                "participant_ids": people,
                "payload": row["payload"],
                "publication_consent": row["publication_consent"],
                "stage": row["stage"],
                "updated_at": now.isoformat(),
                "version": 1,
                "visibility": row["visibility"],
            }
            headers = {
                "ETag": f'"{row["id"]}.1"',
                "Location": f"{request.host_url.rstrip('/')}/api/v1/evidence/{row['id']}",
            }
            reply = _reply(record, 201, headers)
            if idempotency_key is not None:  # the answer, for a retry, commits with the write
                connection.run(
                    SAVE_ANSWER_SQL,
                    {
                        "status": 201,
                        "headers": json.dumps({**headers, "Content-Type": JSON_TYPE}),
                        "body": reply.get_data(),
                        "key": key_id,
                        "idempotency_key": idempotency_key,
                        "org": org,
                    },
                )
        return reply


def _people(body: Mapping[str, Any]) -> list[str]:
    """Who the evidence came from: ``participant_ids`` (duplicates dropped), else
    ``participant_id`` alone; sent together, the one must be the first of the other."""
    one = body.get("participant_id")
    listed = body.get("participant_ids")
    if listed is None:
        return [] if one is None else [str(one)]
    if not isinstance(listed, list):
        raise RefusedError(422, "invalid_request", "participant_ids is a list of ids.")
    people = [str(person) for person in dict.fromkeys(listed)]
    if len(people) > MAX_PEOPLE:
        raise RefusedError(422, "invalid_request", f"Name at most {MAX_PEOPLE} people.")
    if "participant_id" in body and one != (people[0] if people else None):
        raise RefusedError(422, "invalid_request", "participant_id is not participant_ids' first.")
    return people


def _check_people(people: Sequence[str], found: Mapping[str, Any], consent: str) -> None:
    """Each must be the initiative's and not erased; one who withdrew withdraws it."""
    for person in people:
        row = found.get(person)
        if row is None or row.erased_at is not None:
            raise RefusedError(422, "invalid_request", f"Participant {person!r} is not usable.")
        if row.consent == "withdrawn" and consent != "withdrawn":
            raise RefusedError(422, "invalid_request", f"Participant {person} withdrew.")


def _candidates(toolkit: Toolkit, stage: str, reached: Sequence[str]) -> list[tuple[str, bool]]:
    """The stages a move could go to from ``stage``, each with whether it is a new round
    (the core's rule, written out)."""
    keys = [item.key for item in toolkit.stages]
    if stage not in keys:
        return []
    here = keys.index(stage)
    options = [(key, False) for key in keys[here + 1 : here + 2]]
    last = here == len(keys) - 1
    if toolkit.has_rounds() and last:
        options.append((keys[0], True))
    if toolkit.stage_flow is StageFlow.REVISITABLE:
        options += [(key, False) for key in keys[:here] if key in reached]
    if toolkit.stage_flow is StageFlow.ITERATIVE:
        options += [(key, False) for key in keys[:here] if not (last and key == keys[0])]
    return options


def _requirements(
    toolkit: Toolkit, stage: str, decisions: Sequence[TransitionDecision]
) -> list[dict[str, Any]]:
    """The current stage's requirements: a checked one is met unless a blocker with its
    key stands in the way of a move that leaves the stage (advance or new round)."""
    current = toolkit.stage(stage)
    if current is None:
        return []
    leaving = [
        decision
        for decision in decisions
        if decision.transition is not None and decision.transition.kind in LEAVING
    ]
    blocked = {blocker.code for decision in leaving for blocker in decision.blockers}
    return [
        {
            "checked": item.checked,
            "key": item.key,
            "met": (item.key not in blocked) if item.checked and leaving else None,
            "text": item.text,
        }
        for item in current.requirements
    ]


def _held_by(initiative: Any) -> Blocker | None:
    """The blocker a status that refuses transitions puts before every move."""
    why = HELD_BY_STATUS.get(initiative.status)
    if why is None:
        return None
    return Blocker(
        f"initiative_{initiative.status}",
        f"Initiative {initiative.id} {why}: set its status back to active to reopen it. "
        "Withdrawing consent and erasing a participant are always allowed.",
    )


def create_app(url: str | None = None) -> Flask:
    """The honest anchor on ``url`` (else ``COPROD_DATABASE_URL``): the driver by hand."""
    return _app(RawStore(url or os.environ["COPROD_DATABASE_URL"]))


def create_core_app(url: str | None = None) -> Flask:
    """The second anchor: the same endpoints through SQLAlchemy Core's engine."""
    return _app(CoreStore(url or os.environ["COPROD_DATABASE_URL"]))


def _app(store: Store) -> Flask:
    anchor = Anchor(store, load_plugins())
    app = Flask("bench_anchor")
    app.extensions[STORE] = store
    app.add_url_rule("/api/v1/initiatives", "list_initiatives", anchor.list_initiatives)
    app.add_url_rule(
        "/api/v1/initiatives/<initiative_id>", "show_initiative", anchor.show_initiative
    )
    app.add_url_rule("/api/v1/initiatives/<initiative_id>/progress", "progress", anchor.progress)
    app.add_url_rule(
        "/api/v1/initiatives/<initiative_id>/evidence", "list_evidence", anchor.list_evidence
    )
    app.add_url_rule("/api/v1/events", "list_events", anchor.list_events)
    app.add_url_rule(
        "/api/v1/initiatives/<initiative_id>/evidence",
        "create_evidence",
        anchor.create_evidence,
        methods=["POST"],
    )

    @app.errorhandler(RefusedError)
    def refused(error: RefusedError) -> Response:
        body = {
            "type": f"urn:coprod:problem:{error.code}",
            "title": error.code,
            "status": error.status,
            "detail": error.detail,
            "code": error.code,
        }
        text = json.dumps(body, separators=(",", ":"))
        return Response(text, status=error.status, mimetype="application/problem+json")

    return app
