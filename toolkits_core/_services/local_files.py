"""Files in a local folder: ``<root>/<organisation>/<evidence>/<sha256>``, the default.

A folder names a file by its digest alone, as it always has: two uploads of the same
bytes to one piece of evidence share a name, and a failed one's clean-up decides under
the row's lock, with a stat at commit (``evidence.attach_file``), whether they are its
to delete.

A file is written to a temporary name beside its place (``.upload-*``), flushed to disk
and then renamed into place, so a crash leaves either the whole file or none of it under
its name. The folder must be shared by every worker that serves the API; with several
machines, use object storage instead (``object_files``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import pathlib
import tempfile
from collections.abc import Iterator
from typing import BinaryIO

from toolkits_core._services.files import (
    DEFAULT_FILES_DIR,
    FILES_DIR_VARIABLE,
    RECORD_ID,
    ByteSource,
    FileEntry,
    Intake,
    StoredFile,
    check_place,
)


class LocalFileStore:
    """Files in a folder: ``<root>/<organisation>/<evidence>/<sha256>``."""

    looks_up_locally = True

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        chosen = root or os.environ.get(FILES_DIR_VARIABLE) or DEFAULT_FILES_DIR
        self.root = pathlib.Path(chosen).resolve()

    def _folder(self, organisation_id: str, evidence_id: str) -> pathlib.Path:
        check_place(organisation_id, evidence_id)
        return self.root / organisation_id / evidence_id

    def _path(self, organisation_id: str, evidence_id: str, name: str) -> pathlib.Path:
        check_place(organisation_id, evidence_id, name)
        return self.root / organisation_id / evidence_id / name

    def put(
        self,
        organisation_id: str,
        evidence_id: str,
        stream: ByteSource,
        max_bytes: int,
        *,
        name: str | None = None,
    ) -> StoredFile:
        """Store a stream under its SHA-256 (or ``name``), refusing it with
        ``FileTooLargeError`` past ``max_bytes``."""
        folder = self._folder(organisation_id, evidence_id)
        folder.mkdir(parents=True, exist_ok=True)
        intake = Intake(stream, max_bytes)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                while chunk := intake.read():
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            stored = intake.stored(name)
            os.replace(temporary, self._path(organisation_id, evidence_id, stored.name))
        except BaseException:
            pathlib.Path(temporary).unlink(missing_ok=True)
            raise
        return stored

    def open(self, organisation_id: str, evidence_id: str, name: str) -> BinaryIO:
        return self._path(organisation_id, evidence_id, name).open("rb")

    def exists(self, organisation_id: str, evidence_id: str, name: str) -> bool:
        return self._path(organisation_id, evidence_id, name).is_file()

    def delete(self, organisation_id: str, evidence_id: str, name: str) -> None:
        self._path(organisation_id, evidence_id, name).unlink(missing_ok=True)

    def entries(
        self, organisation_id: str | None = None, evidence_id: str | None = None
    ) -> Iterator[FileEntry]:
        if organisation_id is not None:
            check_place(organisation_id, evidence_id or organisation_id)
        elif evidence_id is not None:
            raise ValueError("a piece of evidence's files are listed within its organisation")
        folders = [self.root / organisation_id] if organisation_id else self._organisations()
        for organisation in folders:
            if not organisation.is_dir():
                continue
            for path in sorted(organisation.glob(f"{evidence_id or '*'}/*")):
                if not RECORD_ID.fullmatch(path.parent.name):
                    continue
                try:
                    status = path.stat()
                except FileNotFoundError:
                    continue  # removed while we looked
                if not path.is_file():
                    continue
                yield FileEntry(
                    organisation.name,
                    path.parent.name,
                    path.name,
                    dt.datetime.fromtimestamp(status.st_mtime, dt.UTC),
                    status.st_size,
                )

    def _organisations(self) -> list[pathlib.Path]:
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.iterdir() if RECORD_ID.fullmatch(p.name))

    def remove(self, entry: FileEntry) -> bool:
        folder = self._folder(entry.organisation_id, entry.evidence_id)
        path = folder / pathlib.PurePath(entry.name).name
        try:
            modified = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
        except FileNotFoundError:
            return False
        if modified > entry.modified:
            return False  # written again since it was found: not the orphan it was
        path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            folder.rmdir()  # the evidence's folder, if nothing else is left in it
        return True

    def download_url(
        self,
        organisation_id: str,
        evidence_id: str,
        name: str,
        *,
        media_type: str,
        disposition: str,
        seconds: int,
    ) -> str | None:
        return None  # a folder has no URL of its own: the API streams it

    def describe(self) -> str:
        return f"the folder {self.root}"
