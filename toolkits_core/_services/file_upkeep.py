"""Keeping a file store true to the database: sweeping orphans, moving to another store.

A request stores its file before it commits the row that names it, and deletes a file
only after the commit that forgets it, so a committed row never names a missing file.
The price is that a process killed between the two (or a store that refuses a delete)
leaves a file no row names. ``collect_orphans`` (``coprod files gc``) finds those once
they are older than the clean-up interval, which must be longer than any upload takes,
and removes them: nothing younger is touched, so an upload in progress is safe, and a
file written again since it was found is kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from toolkits_core._services.files import FileEntry, FileStore, FileStoreError
from toolkits_core._store.models import Evidence, stored_file_name

DEFAULT_GC_AFTER = dt.timedelta(hours=1)
GC_AFTER_VARIABLE = "COPROD_FILES_GC_AFTER"
_BATCH = 500


def files_named(
    on: Session | sa.Connection,
    evidence_ids: Iterable[str],
    *,
    organisation_id: str | None = None,
    lock: bool = False,
) -> dict[str, tuple[str, str | None]]:
    """Evidence id -> (its organisation, the stored name of the file it names or None),
    for each of these rows that is there (of ``organisation_id`` only, if given), read in
    batches in id order, under the rows' locks if ``lock``."""
    wanted = sorted(set(evidence_ids))
    named: dict[str, tuple[str, str | None]] = {}
    for start in range(0, len(wanted), _BATCH):
        statement = (
            sa.select(Evidence.id, Evidence.organisation_id, stored_file_name())
            .where(Evidence.id.in_(wanted[start : start + _BATCH]))
            .order_by(Evidence.id)
        )
        if organisation_id is not None:
            statement = statement.where(Evidence.organisation_id == organisation_id)
        if lock:
            statement = statement.with_for_update()
        named.update((str(e), (str(o), s)) for e, o, s in on.execute(statement))
    return named


def _named(session: Session, entries: Iterable[FileEntry]) -> set[tuple[str, str, str]]:
    """Which of these (organisation, evidence, stored name) a committed row names."""
    found = files_named(session, (entry.evidence_id for entry in entries))
    return {(o, e, s) for e, (o, s) in found.items() if s is not None}


def find_orphans(
    session: Session,
    store: FileStore,
    older_than: dt.timedelta = DEFAULT_GC_AFTER,
    now: dt.datetime | None = None,
) -> list[FileEntry]:
    """What the store keeps that no committed row names and nobody wrote for ``older_than``:
    unfinished uploads, and files whose rows are gone or name other bytes."""
    cutoff = (now or dt.datetime.now(dt.UTC)) - older_than
    old = [entry for entry in store.entries() if entry.modified <= cutoff]
    named = _named(session, old)
    session.rollback()
    return [
        entry
        for entry in old
        if entry.sha256 is None
        or (entry.organisation_id, entry.evidence_id, entry.name) not in named
    ]


@dataclass
class Sweep:
    found: list[FileEntry] = field(default_factory=list)
    removed: list[FileEntry] = field(default_factory=list)
    failed: list[tuple[FileEntry, str]] = field(default_factory=list)


def collect_orphans(
    session: Session,
    store: FileStore,
    older_than: dt.timedelta = DEFAULT_GC_AFTER,
    *,
    dry_run: bool = False,
) -> Sweep:
    """Remove the orphans ``find_orphans`` finds (none with ``dry_run``); one that the
    store refuses is reported and the rest still go. Safe on any number of machines at
    once: removing what another sweep removed already is nothing."""
    sweep = Sweep(found=find_orphans(session, store, older_than))
    if dry_run:
        return sweep
    for entry in sweep.found:
        try:
            if store.remove(entry):
                sweep.removed.append(entry)
        except OSError as error:
            sweep.failed.append((entry, str(error)))
    return sweep


@dataclass
class Move:
    copied: list[FileEntry] = field(default_factory=list)
    problems: list[tuple[FileEntry, str]] = field(default_factory=list)


def _digest_of(store: FileStore, entry: FileEntry) -> str:
    digest = hashlib.sha256()
    with store.open(entry.organisation_id, entry.evidence_id, entry.name) as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def migrate_files(
    source: FileStore,
    target: FileStore,
    report: Callable[[FileEntry, str], None] = lambda _entry, _what: None,
) -> Move:
    """Copy every finished file of ``source`` into ``target``, under the name its row
    gives it, and check its SHA-256 three times: the source's bytes against their name,
    the target's digest of what it received, and the target's bytes read back. The source
    is left as it was, to be removed by the operator once the API runs on the target.
    Running it again copies everything again, so an interrupted move is finished by a
    second run."""
    move = Move()
    for entry in source.entries():
        sha256 = entry.sha256
        if sha256 is None:
            continue  # an unfinished upload: nothing any row can name
        try:
            if _digest_of(source, entry) != sha256:
                raise FileStoreError("its bytes in the source do not match its name")
            with source.open(entry.organisation_id, entry.evidence_id, entry.name) as stream:
                stored = target.put(
                    entry.organisation_id, entry.evidence_id, stream, entry.size, name=entry.name
                )
            if stored.sha256 != sha256 or _digest_of(target, entry) != sha256:
                raise FileStoreError("the copy in the target does not match its SHA-256")
        except OSError as error:
            move.problems.append((entry, str(error)))
            report(entry, f"FAILED: {error}")
            continue
        move.copied.append(entry)
        report(entry, "copied and checked")
    return move
