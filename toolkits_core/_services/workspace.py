"""The workspace a request runs in: a session, the caller's organisation, the plugins, files.

Every service function takes one as its first argument and reads and writes only the
rows of ``organisation_id``: the organisation filter lives here and in ``get``, not in
each route, so no route can forget it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session, make_transient_to_detached, object_session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.interfaces import ORMOption

from toolkits_core._host import PluginHost
from toolkits_core._services.driver_reads import first_row
from toolkits_core._services.errors import NotFoundError, PreconditionFailedError
from toolkits_core._services.file_upkeep import files_named
from toolkits_core._services.files import (
    ByteSource,
    FileEntry,
    FileStore,
    StoredFile,
    named_by_its_upload,
)
from toolkits_core._services.pagination import read_record, reads_records_only
from toolkits_core._store.database import begin_write_transaction, transaction_has_written

Record = TypeVar("Record")
Item = TypeVar("Item")
Done = TypeVar("Done")

_FILES_TO_DELETE = "coprod_files_to_delete"
_EVIDENCE_TO_EMPTY = "coprod_evidence_to_empty"
_AFTER_ANSWER = "coprod_after_answer"
_FILES_ADDED = "coprod_files_added"
_COMMITTING = "coprod_committing"
DELETES_AT_ONCE = 8
"""The most object-store deletes a request sends at once: with a worker's 4 threads, the
32 connections of the store's pool (``ObjectFileStore``)."""
_WRITES_BEGIN = "coprod_writes_begin"
PRECONDITIONS = "coprod_preconditions"
"""Session info: each record a write checked ``If-Match`` on (or would have), for
``races.explain_lost_race`` to check again if the write loses a race."""

logger = logging.getLogger("toolkits_core.files")


def run_when_writes_begin(session: Session, step: Callable[[Session], None]) -> None:
    """Run ``step`` once, as the session's writes begin: when its first write takes its
    first lock (``Workspace.hold_write_lock``), before any row is locked or written.

    For a request that waits on something slow before it writes (an upload, whose file
    goes to the store first) and has a write of its own to make first in the transaction
    that follows: the API claims such a request's ``Idempotency-Key`` here. What ``step``
    raises stops the write.
    """
    session.info[_WRITES_BEGIN] = step


def run_after_answer(session: Session, runner: Callable[[Callable[[], None]], None]) -> None:
    """Let the host run the deletes that follow the session's commits once its answer is
    sent: ``runner`` takes the work and runs it later (the API, once the server has sent
    the response), so that a client is not kept waiting on the file store after what it
    asked is committed.

    Only object storage's deletes wait for it, each a request to the store (three on a
    bucket that keeps versions), and only those the commit has no reason to make first:
    an erasure's go before its answer (``empty_after_commit``), and so does an
    object named by its digest alone (moved from a folder, or written by a release before
    upload tokens), a name the same bytes sent again would be given again. A folder's are
    a file removed each, made under the rows' locks so that a retry of the same bytes is
    never left without its file, and stay where they are. If the process dies before the
    work runs, the files are orphans that ``coprod files gc`` removes after its clean-up
    interval, as it removes those a crash between the commit and the delete leaves.
    """
    session.info[_AFTER_ANSWER] = runner


KIND_NAMES = {
    "Initiative": "initiative",
    "Participant": "participant",
    "Activity": "activity",
    "Evidence": "evidence",
    "Assessment": "assessment",
    "StageEntry": "stage entry",
    "ApiKey": "API key",
}


@dataclass(frozen=True, slots=True)
class Workspace:
    session: Session
    organisation_id: str
    host: PluginHost
    files: FileStore

    def get(self, model: type[Record], record_id: str, options: Sequence[ORMOption] = ()) -> Record:
        """The caller's record with this id; ``NotFoundError`` for another organisation's."""
        statement = _by_id(model)
        if options:
            statement = statement.options(*options)
        found = self.session.scalars(
            statement, {"record_id": record_id, "organisation_id": self.organisation_id}
        )
        record = found.one_or_none()
        if record is None:
            raise NotFoundError(KIND_NAMES.get(model.__name__, model.__name__), record_id)
        return record

    def read(self, model: type[Record], record_id: str) -> Record:
        """The caller's record with this id, to be shown: as ``get``, but on a session that
        only reads (``read_records_only``) an immutable record of its columns, as a page
        holds, instead of an ORM instance (its relationships are then not there to load).
        """
        if not reads_records_only(self.session):
            return self.get(model, record_id)
        record: Record | None = read_record(self.session, model, record_id, self.organisation_id)
        if record is None:
            raise NotFoundError(KIND_NAMES.get(model.__name__, model.__name__), record_id)
        return record

    def lock(
        self, model: type[Record], record_id: str, *, exclusive: bool = False, reread: bool = True
    ) -> Record:
        """The caller's record with this id, read afresh under a lock held until the commit.

        Every write whose validity depends on another record's state (a participant's
        consent, an initiative's status or stage, an activity's stage) locks that record
        before it reads the state, and every change to that state locks it ``exclusive``:
        the two are then ordered, so neither acts on a state the other has already
        changed. On PostgreSQL the row is read ``FOR SHARE`` (many dependent writes at
        once) or ``FOR UPDATE``; SQLite locks the whole database for writing instead, so
        its write transaction is taken here, before the read. Lock in the order
        initiative, participants (by id), activity, so that two writers never wait on
        each other. ``NotFoundError`` for another organisation's id, as ``get``.

        With ``reread=False`` the record the session holds is locked but kept as it was
        read: a change computed from it is then still checked against its version when
        it is written, as every change is.
        """
        self.hold_write_lock()
        values = {"record_id": record_id, "organisation_id": self.organisation_id}
        found: Record | None = (
            _locked_row(self.session, model, exclusive, values) if reread else _NOT_READ
        )
        if found is _NOT_READ:
            found = self.session.scalars(_locking(model, exclusive, reread), values).one_or_none()
        if found is None:
            raise NotFoundError(KIND_NAMES.get(model.__name__, model.__name__), record_id)
        return found

    def hold_write_lock(self) -> None:
        """On SQLite, start the session's write transaction now, if it has none yet
        (``begin_write_transaction``). PostgreSQL locks rows instead (``lock``), so this
        does nothing there. Every write's first lock comes here, so a step left to run as
        writes begin (``run_when_writes_begin``) runs here first, once.
        """
        step: Callable[[Session], None] | None = self.session.info.pop(_WRITES_BEGIN, None)
        if step is not None:
            step(self.session)
        begin_write_transaction(self.session.connection())

    def peek(self, model: type[Record], record_id: str) -> Record:
        """The caller's record with this id as it is now, read without a lock: for a
        check that is made again, under the lock, before anything is written. As ``get``,
        in one SELECT on the driver where the session does not hold the record yet."""
        values = {"record_id": record_id, "organisation_id": self.organisation_id}
        found: Record | None = _locked_row(self.session, model, None, values)
        if found is _NOT_READ:
            return self.get(model, record_id)
        if found is None:
            raise NotFoundError(KIND_NAMES.get(model.__name__, model.__name__), record_id)
        return found

    def read_before_writing(self) -> None:
        """Read what follows outside any transaction, if the session has none open yet.

        For the checks of a request that will wait on something slow (``end_reads``)
        and make them again, under its locks, before it writes: on PostgreSQL they run
        in autocommit, with no BEGIN before them and no ROLLBACK after. SQLite opens no
        transaction to read anyway.
        """
        session = self.session
        bind = session.get_bind()
        if not session.in_transaction() and bind.dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})

    def end_reads(self) -> bool:
        """End the session's transaction if all it did was read; whether it is ended.

        A request about to wait on something slow (an upload's bytes arriving from the
        client, then going to the file store) calls this first, so that meanwhile it
        holds no lock and no snapshot: on SQLite no write lock that every other writer
        would queue behind, on PostgreSQL no transaction left open. A transaction that
        has written or locked rows (an ``Idempotency-Key``'s claim) is kept, with all it
        holds. Otherwise the session lets go of the records it holds, as they were read:
        add one back to write it with its version checked, or read it again.
        """
        session = self.session
        if not session.in_transaction():
            return True
        if session.new or session.dirty or session.deleted:
            return False
        connection = session.connection()
        autocommit = connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT"
        if not autocommit and transaction_has_written(connection):
            return False
        # Let go of what it holds first, so that those records keep what was read (a
        # rollback would expire them, and the next use read them afresh): a write on one
        # of them later checks its version against what the checks were made on.
        session.expunge_all()
        session.rollback()
        return True

    def delete_file_after_commit(self, evidence_id: str, name: str) -> None:
        """Forget a stored file (by the name the store keeps it under) once the rows that
        named it are gone for good.

        The file goes only after the commit: if the commit fails, the rows and their file
        are both still there. Where the host runs work after its answer is sent
        (``run_after_answer``), an object store's file goes then, unless its evidence is
        emptied (``empty_after_commit``).
        """
        self.session.info.setdefault(_FILES_TO_DELETE, set()).add((evidence_id, name))

    def empty_after_commit(self, evidence_id: str) -> None:
        """Once the commit has left no row naming a file of this evidence, delete every
        finished file the store still keeps for it, with the evidence's files
        ``delete_file_after_commit`` was given, before the answer: for an erasure,
        whose answer vouches that the person's files are gone, whatever else is left of
        them (a file replaced a moment earlier, whose delete runs after that request's
        answer, or one a crash left between a commit and its delete, which gc would take
        only after its interval)."""
        self.session.info.setdefault(_EVIDENCE_TO_EMPTY, set()).add(evidence_id)

    def put_file(
        self,
        evidence_id: str,
        stream: ByteSource,
        max_bytes: int,
        *,
        replacing: str | None = None,
    ) -> StoredFile:
        """Store an upload, remembering it until the commit names it in a row.

        If the request never commits, ``abandon`` deletes it again, so a failed request
        leaves no file behind that no row names. ``replacing`` is the name of the file the
        evidence holds now: in a folder, the same bytes again are that file, which a
        committed row already names, so they are not this request's to delete (object
        storage gives every upload a name of its own).
        """
        stored = self.files.put(self.organisation_id, evidence_id, stream, max_bytes)
        if stored.name != replacing:
            self.session.info.setdefault(_FILES_ADDED, set()).add((evidence_id, stored.name))
        return stored

    def commit(self) -> None:
        """Commit the session, then delete the files that no committed row names any more:
        an object store's once the answer is sent, where the host runs work then
        (``run_after_answer``), and the rest now.

        The commit is what the client is told about: a file that cannot be deleted after
        it is logged and left behind (an orphan costs disk space; failing a write that is
        already committed would tell the client it was not saved).
        """
        self.session.info[_COMMITTING] = True
        self.session.commit()
        self.session.info.pop(_COMMITTING, None)
        self.session.info.pop(_FILES_ADDED, None)
        self.session.info.pop(PRECONDITIONS, None)
        deleting: set[tuple[str, str]] = self.session.info.pop(_FILES_TO_DELETE, set())
        emptying: set[str] = self.session.info.pop(_EVIDENCE_TO_EMPTY, set())
        runner: Callable[[Callable[[], None]], None] | None = self.session.info.get(_AFTER_ANSWER)
        engine = self.session.get_bind().engine
        if runner is not None and not self.files.looks_up_locally:
            # Only a name of its upload's own waits: the same bytes sent again just after
            # the answer (to a process of a release before tokens, or after a migration)
            # are given a digest-only name again, which a late delete would take from them.
            waits = {
                file
                for file in deleting
                if file[0] not in emptying and named_by_its_upload(file[1])
            }
            if waits:
                runner(functools.partial(self._delete_committed, waits, engine))
            deleting -= waits
        if emptying:
            deleting |= self._left_in(emptying)
        self._delete_committed(deleting, engine)

    def _left_in(self, evidence_ids: set[str]) -> set[tuple[str, str]]:
        """Every finished file the store keeps for these pieces of evidence
        (``empty_after_commit``), for the commit's deletes, which spare what a committed
        row names. An upload not finished (a folder's temporary file, an object store's
        multipart upload) is left to the request that is making it, which cannot commit
        to an erased record and deletes what it wrote, or, if a crash cut it off, to
        ``coprod files gc``: taken from under a request still sending it, it would fail
        that request with an error of the store's."""
        try:
            left = self._kept_for(sorted(evidence_ids))
        except OSError as error:
            logger.warning(
                "could not look for files left of evidence %s in organisation %s (%s): "
                "coprod files gc removes any",
                ", ".join(sorted(evidence_ids)),
                self.organisation_id,
                error,
            )
            return set()
        return {(entry.evidence_id, entry.name) for entry in left if entry.sha256 is not None}

    def _kept_for(self, evidence_ids: list[str]) -> list[FileEntry]:
        """What the store keeps for each of these pieces of evidence: one listing each
        (``_each_at_once``)."""

        def listed(evidence_id: str) -> list[FileEntry]:
            return list(self.files.entries(self.organisation_id, evidence_id))

        return [entry for found in self._each_at_once(evidence_ids, listed) for entry in found]

    def _each_at_once(self, items: Sequence[Item], step: Callable[[Item], Done]) -> list[Done]:
        """``step`` of each item, in order: in object storage, where each is a request
        (three for a delete on a bucket that keeps versions), up to ``DELETES_AT_ONCE`` at
        a time, so that a deleted initiative's or an erased person's hundreds of files do
        not keep the client waiting hundreds of round trips. Where no thread can be
        started (a process limit, or the interpreter shutting down), what no thread did
        is done here, one by one, and never twice."""
        done: dict[int, Done] = {}

        def run(index: int) -> None:
            done[index] = step(items[index])

        if len(items) > 1 and not self.files.looks_up_locally:
            try:
                with ThreadPoolExecutor(min(DELETES_AT_ONCE, len(items))) as pool:
                    for _ in pool.map(run, range(len(items))):
                        pass
            except RuntimeError as error:
                logger.warning("going on one by one: %s", error)
        for index in range(len(items)):
            if index not in done:
                run(index)
        return [done[index] for index in range(len(items))]

    def _delete_committed(self, deleting: set[tuple[str, str]], engine: sa.Engine) -> None:
        """Delete the files the commit left no row naming (``_delete_unnamed``); what the
        database cannot be asked about is logged and left for ``coprod files gc``."""
        try:
            self._delete_unnamed(deleting, "its record was committed without it", engine)
        except sa.exc.SQLAlchemyError as error:
            for evidence_id, name in sorted(deleting):
                logger.warning(
                    "may have left file %s of evidence %s in organisation %s behind (%s), "
                    "though its record was committed without it: coprod files gc removes it",
                    name,
                    evidence_id,
                    self.organisation_id,
                    type(error).__name__,
                )

    def abandon(self) -> None:
        """Roll back, and delete the files this request stored that no committed row names.

        It runs as every request ends, often because the database has just failed, so it
        never raises. When the database cannot say whether a committed row names a file,
        the file goes only if this request never tried to commit (then no row of its can
        name it); otherwise it is kept and logged, since an orphan file can be swept up
        later but a row whose file is gone cannot be mended.
        """
        added: set[tuple[str, str]] = self.session.info.pop(_FILES_ADDED, set())
        committing = self.session.info.pop(_COMMITTING, False)
        self.session.info.pop(_FILES_TO_DELETE, None)
        self.session.info.pop(_EVIDENCE_TO_EMPTY, None)
        self.session.info.pop(PRECONDITIONS, None)
        try:
            self.session.rollback()
            engine = self.session.get_bind().engine
            self._delete_unnamed(added, "the request that stored it failed", engine)
            return
        except sa.exc.SQLAlchemyError as error:
            with contextlib.suppress(sa.exc.SQLAlchemyError):
                self.session.rollback()
            unnamed = set() if committing else added
            for evidence_id, name in sorted(added - unnamed):
                logger.warning(
                    "kept file %s of evidence %s in organisation %s: the database could not "
                    "say whether the failed commit stored the row naming it (%s)",
                    name,
                    evidence_id,
                    self.organisation_id,
                    type(error).__name__,
                )
        for evidence_id, name in unnamed:
            self._delete_file(evidence_id, name, "the request that stored it failed")

    def _delete_unnamed(self, files: set[tuple[str, str]], why: str, engine: sa.Engine) -> None:
        """Delete each of these files unless a committed evidence row names it.

        It is decided on a connection of its own, so that the session's records stay as
        the request left them (its answer is built from them after the commit). On a
        folder it is decided under the rows' locks (on SQLite, the write lock), and the
        files of rows still there go before they are let go: another request recording
        the same bytes for the same evidence (a client's retry of an upload) has then
        either committed first, and the file is kept, or finds it gone once it holds the
        row (``attach_file`` looks, at the cost of a stat) and is refused, rather than
        committing a row whose file was deleted under it. The files of rows that are
        gone (a deleted initiative's hundreds) go after, holding nothing, and so do all
        of object storage's, where each upload's file has a name of its own that no other
        request can be committing. If the locks cannot be had in time, it is decided on a
        plain read.
        """
        if not files:
            return
        wanted = sorted(files)
        ids = sorted({evidence_id for evidence_id, _ in wanted})
        locking = self.files.looks_up_locally
        deleted: set[tuple[str, str]] = set()
        with engine.connect() as connection:
            try:
                if locking:
                    begin_write_transaction(connection)
                named = self._named(connection, ids, locking)
            except sa.exc.OperationalError:  # the write lock not had in time: read plainly
                connection.rollback()
                locking = False
                named = self._named(connection, ids, locking)
            try:
                for evidence_id, name in wanted:
                    if locking and evidence_id in named and named[evidence_id] != name:
                        self._delete_file(evidence_id, name, why)
                        deleted.add((evidence_id, name))
            finally:
                connection.rollback()
        self._delete_files(
            [
                (evidence_id, name)
                for evidence_id, name in wanted
                if (evidence_id, name) not in deleted and named.get(evidence_id) != name
            ],
            why,
        )

    def _delete_files(self, files: list[tuple[str, str]], why: str) -> None:
        """Delete these files no row names (``_each_at_once``): the commit is made, and
        the clean-up never fails the request for it."""
        self._each_at_once(files, lambda file: self._delete_file(file[0], file[1], why))

    def _named(
        self, connection: sa.Connection, ids: list[str], locking: bool
    ) -> dict[str, str | None]:
        """The file each of these evidence rows names (None: none), under their locks if
        ``locking``; a row that is gone is not in it."""
        found = files_named(connection, ids, organisation_id=self.organisation_id, lock=locking)
        return {evidence_id: name for evidence_id, (_, name) in found.items()}

    def _delete_file(self, evidence_id: str, name: str, why: str) -> None:
        """Delete a file no row names; if the store refuses, log what is left behind."""
        try:
            self.files.delete(self.organisation_id, evidence_id, name)
        except OSError as error:
            logger.warning(
                "left file %s of evidence %s in organisation %s behind (%s), though %s: "
                "delete it by hand",
                name,
                evidence_id,
                self.organisation_id,
                error,
                why,
            )

    def select(self, model: type[Record]) -> sa.Select[Record]:
        """A query for the caller's rows of ``model``; add filters, then page it."""
        return sa.select(model).where(
            model.organisation_id == self.organisation_id  # type: ignore[attr-defined]
        )


_BY_ID: dict[type[Any], sa.Select[Any]] = {}


def _by_id(model: type[Record]) -> sa.Select[Record]:
    """The query for one of an organisation's records by id, built once per model.

    Every request that names a record runs it, and building a statement costs more than
    SQLAlchemy's cached compiling of it: the id and the organisation are bound per call.
    """
    if model not in _BY_ID:
        _BY_ID[model] = sa.select(model).where(
            model.id == sa.bindparam("record_id"),  # type: ignore[attr-defined]
            model.organisation_id == sa.bindparam("organisation_id"),  # type: ignore[attr-defined]
        )
    return _BY_ID[model]


_LOCKING: dict[tuple[type[Any], bool, bool], sa.Select[Any]] = {}
_LOCKED_ROWS: dict[tuple[type[Any], bool | None], tuple[sa.Select[Any], tuple[str, ...]]] = {}
_NOT_READ: Any = object()


def _locked_row(
    session: Session, model: type[Record], exclusive: bool | None, values: dict[str, str]
) -> Any:
    """``_locking``'s read, of a record the session does not hold yet, without the ORM's
    load: its columns in one SELECT (on the driver, ``driver_reads``), the instance given
    them and added to the session as a load would have left it, or None if there is no
    such record. Every write locks the record it depends on, and the ORM's load cost as
    much as the rest of the lock. ``_NOT_READ`` where the ORM must load it: the session
    holds the record already (a reread replaces what it holds), or the model is not a
    plain entity of its own table. ``exclusive`` None: read without a lock (``peek``).
    """
    mapper: sa.orm.Mapper[Any] = sa.inspect(model)
    if mapper.inherits is not None:
        return _NOT_READ
    if session.autoflush:  # as the ORM's read would: what the session changed goes first
        session.flush()
    if mapper.identity_key_from_primary_key((values["record_id"],)) in session.identity_map:
        return _NOT_READ
    found = _LOCKED_ROWS.get((model, exclusive))
    if found is None:
        columns = {attribute.key: attribute.columns[0] for attribute in mapper.column_attrs}
        statement = sa.select(*columns.values()).where(
            columns["id"] == sa.bindparam("record_id"),
            columns["organisation_id"] == sa.bindparam("organisation_id"),
        )
        if exclusive is not None:
            statement = statement.with_for_update(read=not exclusive)
        found = _LOCKED_ROWS[(model, exclusive)] = (statement, tuple(columns))
    statement, keys = found
    row = first_row(session.connection(), statement, values)
    if row is None:
        return None
    record = mapper.class_manager.new_instance()
    for key, value in zip(keys, row, strict=True):
        set_committed_value(record, key, value)
    make_transient_to_detached(record)
    session.add(record)
    return record


def _locking(model: type[Record], exclusive: bool, reread: bool) -> sa.Select[Record]:
    """``_by_id(model)`` read under a row lock; ``reread``: its result replacing what the
    session held."""
    key = (model, exclusive, reread)
    if key not in _LOCKING:
        _LOCKING[key] = _by_id(model).with_for_update(read=not exclusive)
        if reread:
            _LOCKING[key] = _LOCKING[key].execution_options(populate_existing=True)
    return _LOCKING[key]


def etag_of(record: Any) -> str:
    """The strong ETag of a record's current version."""
    return f'"{record.id}.{record.version}"'


def entity_tags(header: str, value: str) -> frozenset[str] | None:
    """The entity-tags a conditional header lists (weak ones with their ``W/``), or None
    for ``*``; ``InvalidRequestError`` (422, location header) for anything else.

    RFC 9110 allows either ``*`` alone or a comma-separated list of quoted tags, so
    ``*, "x"`` is as malformed as an unquoted tag or a control character: reading it as
    ``*`` (or as a tag) would let a typo pass for a condition the client never meant.
    """
    import re

    from toolkits_core._services.errors import FieldProblem, InvalidRequestError

    tag = r'(?:W/)?"[\x21\x23-\x7e\x80-\xff]*"'
    item = rf"[ \t]*(?:{tag}[ \t]*)?"
    if value.strip(" \t") == "*":
        return None
    well_formed = re.fullmatch(rf"{item}(?:,{item})*", value) is not None
    tags = frozenset(re.findall(tag, value)) if well_formed else frozenset()
    if not tags:
        raise InvalidRequestError(
            [
                FieldProblem(
                    header,
                    f'{header} takes * alone or a list of quoted ETags such as "ini_....3" '
                    "(as the ETag header gave them), separated by commas.",
                    "malformed_etag",
                    location="header",
                )
            ]
        )
    return tags


def check_if_match(record: Any, if_match: str | None) -> None:
    """Raise ``PreconditionFailedError`` unless ``If-Match`` is absent, ``*`` or current,
    and ``InvalidRequestError`` if it is neither ``*`` nor a list of ETags.

    The check is remembered in the record's session: if the write then loses a race (the
    version counter or a constraint refuses it because another request committed first),
    the check is made again against what that request committed, so that the client
    hears 412 or 404, as it would have a moment later, rather than a bare conflict.
    """
    session = object_session(record)
    if session is not None:
        session.info.setdefault(PRECONDITIONS, []).append((type(record), record.id, if_match))
    if if_match is None:
        return
    offered = entity_tags("If-Match", if_match)
    current = etag_of(record)
    # If-Match compares strongly (RFC 9110): a weak tag never matches.
    if offered is not None and current not in offered:
        raise PreconditionFailedError(current)


def apply_changes(record: Any, changes: dict[str, Any]) -> bool:
    """Set the changed attributes; whether anything actually changed."""
    changed = False
    for name, value in changes.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed = True
    return changed


def matching(
    statement: sa.Select[Record],
    model: type[Any],
    *,
    updated_since: dt.datetime | None = None,
    **equal_to: object,
) -> sa.Select[Record]:
    """``statement`` narrowed to rows whose columns equal the values given (None: any value),
    and, with ``updated_since``, to rows changed at or after that moment: a list's filters."""
    for column, value in equal_to.items():
        if value is not None:
            statement = statement.where(getattr(model, column) == value)
    if updated_since is not None:
        statement = statement.where(model.updated_at >= as_utc(updated_since))
    return statement


def as_utc(moment: dt.datetime) -> dt.datetime:
    """An aware UTC datetime; a naive one is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)
