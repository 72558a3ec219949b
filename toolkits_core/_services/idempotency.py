"""Idempotent requests: the first answer to a write sent with an ``Idempotency-Key``, kept
so that a retry gets it again instead of doing the work twice.

A request claims its key by inserting its row, with no status yet, as the first write of
its own transaction (``claim_key``): the claim then commits with the write it guards, or
rolls back with it. There is no moment at which the write is committed but the key is
free, so a retry can never run the write a second time. Once the write has committed,
its answer is saved on the claim (``save_answer``), in a short transaction of its own; a
write that knows its answer before it commits saves it in its own transaction instead
(``save_answer_with_write``), and then commits once. A request that does something slow
before it writes (an upload, whose file goes to the store first) looks its key up first
(``look_up_claim``) and claims it once the slow part is done, as the first write of the
transaction that records it: the same promise, with no lock held while it waits.

A retry that finds the key claimed, with the same request, gets:

- the saved answer (``KeyState.ANSWERED``), or ``WITHHELD`` when only its status and
  headers were kept (an answer holding a secret shown once, such as a new API key, or one
  whose body was forgotten when a person it named was erased: ``withhold_answers_naming``);
- ``RUNNING`` while the claim is committed but its answer not saved yet (the moments
  between the first request's commit and its save);
- ``LOST`` when that has lasted longer than ``ANSWER_LOST_AFTER``: the process that
  committed the write died before it could save the answer. The write was made; it is
  never made again under this key.

While the first request has not committed, its claim is not visible: on PostgreSQL a
second insert of the same key waits on the primary key until the first transaction ends,
then either finds the committed claim or, if it rolled back, claims the key itself. On
SQLite writers take turns (the claim is a write, so it waits for the database's write
lock), with the same outcome.

``created_at`` is when the claim was taken, moved to the moment its transaction commits
(``mark_committing``, called just before the commit), so that ``RUNNING`` and ``LOST`` are
told apart by how long ago the write committed, not by how long it took. A write that
commits within ``MARK_COMMIT_AFTER`` of its claim keeps the claim's time: the line between
the two then falls 9 to 10 seconds after the commit instead of at 10, and the common short
write is spared an UPDATE while it holds the change clock. A row is never
used once it has expired (``expires_at``); ``prune_idempotent_requests`` deletes them.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from toolkits_core._services.errors import ServiceError
from toolkits_core._store.database import begin_write_transaction
from toolkits_core._store.driver import write
from toolkits_core._store.models import IdempotentRequest, utc_now

LIFETIME_VARIABLE = "COPROD_IDEMPOTENCY_HOURS"
DEFAULT_LIFETIME = dt.timedelta(hours=24)
ANSWER_LOST_AFTER = dt.timedelta(seconds=10)
"""How long after its write committed a claim may still be waiting for its answer: the
answer is saved moments after the commit, so a claim older than this lost it."""

_TABLE = cast("sa.Table", IdempotentRequest.__table__)
_PRIMARY_KEY = [_TABLE.c.credential_id, _TABLE.c.idempotency_key]
_ATTEMPTS = 3


class KeyState(enum.Enum):
    """What a request found when it tried to claim its key."""

    CLAIMED = "claimed"
    """The key is this request's: run it."""
    ANSWERED = "answered"
    """Answered before: give that answer again."""
    WITHHELD = "withheld"
    """Answered before, but the answer's body was not kept (it held a secret shown once,
    or it named a person since erased)."""
    RUNNING = "running"
    """The first request committed its write and is saving its answer: ask again soon."""
    LOST = "lost"
    """The first request committed its write, then died before saving its answer."""


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """An answer as kept: its status, the headers that matter, and its body (None when it
    was withheld)."""

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None


@dataclass(frozen=True, slots=True)
class KeyClaim:
    state: KeyState
    answer: StoredAnswer | None = None
    committed_at: dt.datetime | None = None
    """For ``RUNNING`` and ``LOST``: when the first request's write committed; for
    ``CLAIMED``, when this request claimed the key (what ``mark_committing`` needs)."""


@dataclass(frozen=True, slots=True)
class IdempotentCall:
    """A request sent with an idempotency key: whose it is, its key, and what it asked.

    ``fingerprint`` is the SHA-256 (hex) of what makes two requests the same request; the
    caller computes it (the HTTP API hashes the method, path, query, ``If-Match`` and body).
    """

    organisation_id: str
    credential_id: str
    key: str
    fingerprint: str
    method: str
    path: str


class IdempotencyKeyReusedError(ServiceError):
    """The key was used before with a different request."""

    status = 422
    title = "Unprocessable Content"

    def __init__(self) -> None:
        super().__init__(
            "idempotency_key_reused",
            "This Idempotency-Key was used with a different request (another method, path, "
            "query, If-Match or body). A key names one request: send a new key for a new "
            "request, and the same key only to retry the very same one.",
        )


def _insert(dialect: str) -> Any:
    """An INSERT of an idempotent request that does nothing if the key is taken (built
    once per dialect: every request with a key runs it)."""
    found = _INSERTS.get(dialect)
    if found is not None:
        return found
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        found = postgresql.insert(_TABLE).on_conflict_do_nothing(index_elements=_PRIMARY_KEY)
    elif dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        found = sqlite.insert(_TABLE).on_conflict_do_nothing(index_elements=_PRIMARY_KEY)
    else:  # pragma: no cover - coprod runs on these two
        raise NotImplementedError(f"idempotency keys need PostgreSQL or SQLite, not {dialect}")
    _INSERTS[dialect] = found
    return found


_INSERTS: dict[str, Any] = {}
_SAVE_ANSWER = (
    sa.update(_TABLE)
    .where(
        _TABLE.c.credential_id == sa.bindparam("this_credential"),
        _TABLE.c.idempotency_key == sa.bindparam("this_key"),
        _TABLE.c.organisation_id == sa.bindparam("this_organisation"),
        _TABLE.c.status.is_(None),
    )
    .values(
        status=sa.bindparam("new_status"),
        headers=sa.bindparam("new_headers", type_=_TABLE.c.headers.type),
        body=sa.bindparam("new_body", type_=_TABLE.c.body.type),
    )
)
"""``save_answer``'s statement, built once (it runs after every write with a key)."""


def _this(call: IdempotentCall) -> sa.ColumnElement[bool]:
    return sa.and_(
        _TABLE.c.credential_id == call.credential_id,
        _TABLE.c.idempotency_key == call.key,
        _TABLE.c.organisation_id == call.organisation_id,
    )


def _values(call: IdempotentCall, now: dt.datetime, lifetime: dt.timedelta) -> dict[str, Any]:
    return {
        "organisation_id": call.organisation_id,
        "credential_id": call.credential_id,
        "idempotency_key": call.key,
        "request_sha256": call.fingerprint,
        "method": call.method,
        "path": call.path[:2000],
        "headers": {},
        "created_at": now,
        "expires_at": now + lifetime,
    }


def _rowcount(result: Any) -> int:
    """How many rows a statement wrote (an INSERT counts only when run with ``_COUNTED``)."""
    return max(int(cast("sa.CursorResult[Any]", result).rowcount or 0), 0)


_COUNTED = {"preserve_rowcount": True}
"""Drivers report an INSERT's rowcount only when asked to keep it (psycopg says -1)."""


def claim_key(
    session: Session,
    call: IdempotentCall,
    lifetime: dt.timedelta,
    now: dt.datetime | None = None,
) -> KeyClaim:
    """Claim ``call``'s key in the session's transaction, or say who has it.

    ``CLAIMED`` leaves the claim in the open transaction: commit it with the write, then
    ``save_answer``. Any other state leaves nothing to commit. Raises
    ``IdempotencyKeyReusedError`` when the key was used with a different request.
    """
    now = now or utc_now()
    # On the session's connection: these are Core statements, which the session's own
    # execute would only hand to it, at a cost each request with a key would pay.
    connection = session.connection()
    begin_write_transaction(connection)  # it writes: on SQLite, queue for the lock first
    claim = _insert(connection.dialect.name)
    for _attempt in range(_ATTEMPTS):
        if write(connection, claim, _values(call, now, lifetime)).rowcount:
            return KeyClaim(KeyState.CLAIMED, None, now)
        found = connection.execute(sa.select(_TABLE).where(_this(call))).one_or_none()
        if found is None:
            continue  # it went (pruned, or its claim rolled back) since: claim it again
        if found.expires_at <= now:  # never used once expired
            session.execute(sa.delete(_TABLE).where(_this(call), _TABLE.c.expires_at <= now))
            continue
        return _claimed_by_another(found, call, now)
    return KeyClaim(KeyState.RUNNING, None, now)  # claimed and freed again and again: busy


def look_up_claim(
    connection: sa.Connection, call: IdempotentCall, now: dt.datetime | None = None
) -> KeyClaim | None:
    """Who has ``call``'s key, read without claiming it; None while nobody has (or only
    a claim that has expired). Raises ``IdempotencyKeyReusedError`` when the key was used
    with a different request.

    For a request that does something slow before it writes (an upload, whose file goes
    to the store first): a retry of an answered request is answered at once, and the key
    is claimed later, with the write (``claim_key``), so that no lock is held meanwhile.
    A claim not yet committed is not seen; the claim with the write then finds it.
    """
    now = now or utc_now()
    found = connection.execute(sa.select(_TABLE).where(_this(call))).one_or_none()
    if found is None or found.expires_at <= now:
        return None
    return _claimed_by_another(found, call, now)


def _claimed_by_another(found: Any, call: IdempotentCall, now: dt.datetime) -> KeyClaim:
    """What a committed, unexpired claim of the key (``found``, its row) tells ``call``."""
    if found.request_sha256 != call.fingerprint:
        raise IdempotencyKeyReusedError()
    if found.status is None:
        lost = now - found.created_at >= ANSWER_LOST_AFTER
        return KeyClaim(KeyState.LOST if lost else KeyState.RUNNING, None, found.created_at)
    answer = StoredAnswer(found.status, dict(found.headers or {}), found.body)
    return KeyClaim(KeyState.WITHHELD if found.body is None else KeyState.ANSWERED, answer)


MARK_COMMIT_AFTER = dt.timedelta(seconds=1)
"""A claim older than this when its transaction commits is dated again to the commit."""


def mark_committing(
    session: Session,
    call: IdempotentCall,
    claimed_at: dt.datetime,
    now: dt.datetime | None = None,
) -> None:
    """Note on the claim that its transaction is committing now (just before the commit),
    if it was claimed long enough ago for that to matter (``MARK_COMMIT_AFTER``)."""
    now = now or utc_now()
    if now - claimed_at < MARK_COMMIT_AFTER:
        return
    session.execute(
        sa.update(_TABLE).where(_this(call), _TABLE.c.status.is_(None)).values(created_at=now)
    )


def save_answer(session: Session, call: IdempotentCall, answer: StoredAnswer) -> bool:
    """Save the answer on a committed claim; whether there was a claim waiting for it.

    Commit afterwards. A claim that already has an answer keeps it; one answered in the
    session's committed write (``save_answer_with_write``) is not even asked, so the
    commit afterwards has nothing to send.
    """
    if answered_with_write(session, call):
        return True
    written = write(
        session.connection(),
        _SAVE_ANSWER,
        {
            "this_credential": call.credential_id,
            "this_key": call.key,
            "this_organisation": call.organisation_id,
            "new_status": answer.status,
            "new_headers": dict(answer.headers),
            "new_body": answer.body,
        },
    )
    return written.rowcount == 1


_ANSWERED_WITH_WRITE = "coprod_answered_with_write"
"""Session info: the claims (credential, key) whose answer the open transaction saved."""


def answered_with_write(session: Session, call: IdempotentCall) -> bool:
    """Whether the session's committed write saved ``call``'s answer with it
    (``save_answer_with_write``); asked once, after the commit, it then forgets it, so
    that the request has nothing more to save, and nothing to commit."""
    answered: set[tuple[str, str]] | None = session.info.get(_ANSWERED_WITH_WRITE)
    if answered and (call.credential_id, call.key) in answered:
        answered.discard((call.credential_id, call.key))
        return True
    return False


def save_answer_with_write(session: Session, call: IdempotentCall, answer: StoredAnswer) -> bool:
    """Save the answer on the claim this request holds in its open transaction, just
    before the write commits; whether there was a claim waiting for it.

    For a request that can build its whole answer before it commits: the answer then
    commits with the write or rolls back with it (and with the claim), and the request
    commits once instead of twice. ``save_answer`` after the commit finds it answered
    without a statement; after a rollback it is forgotten, as the saved answer is.
    """
    if not save_answer(session, call, answer):
        return False
    _forget_answers_on_rollback()
    session.info.setdefault(_ANSWERED_WITH_WRITE, set()).add((call.credential_id, call.key))
    return True


def _forget_answers(session: Session, previous: Any) -> None:
    if not previous.nested:  # a savepoint rolled back leaves the write to commit
        session.info.pop(_ANSWERED_WITH_WRITE, None)


def _forget_answers_on_rollback() -> None:
    """Listen, once for every session, for the rollbacks that forget the answers saved
    with a write: listening on each request's own session cost more than the save."""
    if not sa.event.contains(Session, "after_soft_rollback", _forget_answers):
        sa.event.listen(Session, "after_soft_rollback", _forget_answers)


def keep_answer(
    session: Session,
    call: IdempotentCall,
    answer: StoredAnswer,
    lifetime: dt.timedelta,
    now: dt.datetime | None = None,
) -> bool:
    """Keep the answer of a request whose transaction did not commit (a refusal, which
    changed nothing), so that a retry hears it again; whether it was kept.

    Run it after the request's transaction has rolled back, then commit. If another
    request has claimed the key meanwhile, it is left to that one.
    """
    values = {
        **_values(call, now or utc_now(), lifetime),
        "status": answer.status,
        "headers": dict(answer.headers),
        "body": answer.body,
    }
    dialect = session.get_bind().dialect.name
    inserted = session.execute(_insert(dialect).values(**values), execution_options=_COUNTED)
    return _rowcount(inserted) == 1


def prune_idempotent_requests(session: Session, now: dt.datetime | None = None) -> int:
    """Delete the idempotent requests that have expired; how many. Commit afterwards."""
    result = session.execute(sa.delete(_TABLE).where(_TABLE.c.expires_at <= (now or utc_now())))
    return _rowcount(result)


def withhold_answers_naming(
    session: Session, organisation_id: str, record_ids: Collection[str]
) -> int:
    """Forget the bodies of the organisation's kept answers that name any of these records;
    how many. Commit afterwards.

    For an erasure: a kept answer is a copy of what a record said then, and must not
    outlive the person's data. The claim itself stays, so that a retry still does not do
    the write again; it hears that the answer was withheld.
    """
    needles = [record_id.encode() for record_id in record_ids]
    if not needles:
        return 0
    kept = session.execute(
        sa.select(_TABLE.c.credential_id, _TABLE.c.idempotency_key, _TABLE.c.body).where(
            _TABLE.c.organisation_id == organisation_id, _TABLE.c.body.is_not(None)
        )
    ).all()
    naming = [row for row in kept if any(needle in row.body for needle in needles)]
    for row in naming:
        session.execute(
            sa.update(_TABLE)
            .where(
                _TABLE.c.credential_id == row.credential_id,
                _TABLE.c.idempotency_key == row.idempotency_key,
            )
            .values(body=None)
        )
    return len(naming)
