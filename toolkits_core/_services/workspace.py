"""The workspace a request runs in: a session, the caller's organisation, the plugins, files.

Every service function takes one as its first argument and reads and writes only the
rows of ``organisation_id``: the organisation filter lives here and in ``get``, not in
each route, so no route can forget it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption

from toolkits_core._host import PluginHost
from toolkits_core._services.errors import NotFoundError, PreconditionFailedError
from toolkits_core._services.files import ByteSource, FileStore, StoredFile
from toolkits_core._store.models import Evidence

Record = TypeVar("Record")

_FILES_TO_DELETE = "coprod_files_to_delete"
_FILES_ADDED = "coprod_files_added"

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
        statement = sa.select(model).where(
            model.id == record_id,  # type: ignore[attr-defined]
            model.organisation_id == self.organisation_id,  # type: ignore[attr-defined]
        )
        record = self.session.scalars(statement.options(*options)).one_or_none()
        if record is None:
            raise NotFoundError(KIND_NAMES.get(model.__name__, model.__name__), record_id)
        return record

    def delete_file_after_commit(self, evidence_id: str, sha256: str) -> None:
        """Forget a stored file once the rows that named it are gone for good.

        The file goes only after the commit: if the commit fails, the rows and their file
        are both still there.
        """
        self.session.info.setdefault(_FILES_TO_DELETE, set()).add((evidence_id, sha256))

    def put_file(self, evidence_id: str, stream: ByteSource, max_bytes: int) -> StoredFile:
        """Store an upload, remembering it until the commit names it in a row.

        If the request never commits, ``abandon`` deletes it again, so a failed request
        leaves no file behind that no row names.
        """
        stored = self.files.put(self.organisation_id, evidence_id, stream, max_bytes)
        self.session.info.setdefault(_FILES_ADDED, set()).add((evidence_id, stored.sha256))
        return stored

    def commit(self) -> None:
        """Commit the session, then delete the files that no committed row names any more."""
        self.session.commit()
        self.session.info.pop(_FILES_ADDED, None)
        for evidence_id, sha256 in self.session.info.pop(_FILES_TO_DELETE, set()):
            self.files.delete(self.organisation_id, evidence_id, sha256)

    def abandon(self) -> None:
        """Roll back, and delete the files this request stored that no committed row names."""
        self.session.rollback()
        self.session.info.pop(_FILES_TO_DELETE, None)
        for evidence_id, sha256 in self.session.info.pop(_FILES_ADDED, set()):
            named = self.session.scalars(
                sa.select(Evidence.id).where(
                    Evidence.organisation_id == self.organisation_id,
                    Evidence.id == evidence_id,
                    Evidence.file_sha256 == sha256,
                )
            ).first()
            if named is None:
                self.files.delete(self.organisation_id, evidence_id, sha256)
        self.session.rollback()

    def select(self, model: type[Record]) -> sa.Select[Record]:
        """A query for the caller's rows of ``model``; add filters, then page it."""
        return sa.select(model).where(
            model.organisation_id == self.organisation_id  # type: ignore[attr-defined]
        )


def etag_of(record: Any) -> str:
    """The strong ETag of a record's current version."""
    return f'"{record.id}.{record.version}"'


def check_if_match(record: Any, if_match: str | None) -> None:
    """Raise ``PreconditionFailedError`` unless ``If-Match`` is absent, ``*`` or current."""
    if if_match is None:
        return
    current = etag_of(record)
    # If-Match compares strongly (RFC 9110): a weak tag never matches.
    offered = {tag.strip() for tag in if_match.split(",")}
    if "*" not in offered and current not in offered:
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
