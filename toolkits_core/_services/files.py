"""Where uploaded evidence files live: the local filesystem by default.

Each piece of evidence has its own folder inside its organisation's, and its file is named
by the SHA-256 of its content, so the digest the API reports is the name the bytes are
kept under and one organisation's files never share a folder with another's. No two
records share a file: deleting one can never take away another's bytes, whatever two
requests do at the same moment. A file is written to a temporary name, flushed to disk
and then renamed into place, so a crash leaves either the whole file or none of it.
"""

from __future__ import annotations

import hashlib
import os
import pathlib
import re
import tempfile
from dataclasses import dataclass
from typing import BinaryIO, Protocol

FILES_DIR_VARIABLE = "COPROD_FILES_DIR"
DEFAULT_FILES_DIR = "coprod-files"
CHUNK = 1024 * 1024


class FileTooLargeError(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"the file is larger than the limit of {limit} bytes")
        self.limit = limit


class ByteSource(Protocol):
    """Anything bytes can be read from in chunks: an upload's stream, an open file."""

    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True, slots=True)
class StoredFile:
    sha256: str
    size: int
    head: bytes
    """The first bytes of the file, for checking that its content fits its media type."""


class FileStore(Protocol):
    """What the services need from a place to keep files: one file per piece of evidence."""

    def put(
        self, organisation_id: str, evidence_id: str, stream: ByteSource, max_bytes: int
    ) -> StoredFile: ...

    def open(self, organisation_id: str, evidence_id: str, sha256: str) -> BinaryIO: ...

    def delete(self, organisation_id: str, evidence_id: str, sha256: str) -> None: ...


_RECORD_ID = re.compile(r"[a-z]{3}_[0-9a-z]{26}")
_SHA256 = re.compile(r"[0-9a-f]{64}")


class LocalFileStore:
    """Files in a folder: ``<root>/<organisation>/<evidence>/<sha256>``."""

    HEAD_BYTES = 64

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        chosen = root or os.environ.get(FILES_DIR_VARIABLE) or DEFAULT_FILES_DIR
        self.root = pathlib.Path(chosen).resolve()

    def _folder(self, organisation_id: str, evidence_id: str) -> pathlib.Path:
        # Ids are ours and never come from a file name, but a path is built from them: check.
        if not (_RECORD_ID.fullmatch(organisation_id) and _RECORD_ID.fullmatch(evidence_id)):
            raise ValueError("not a record id")
        return self.root / organisation_id / evidence_id

    def _path(self, organisation_id: str, evidence_id: str, sha256: str) -> pathlib.Path:
        if not _SHA256.fullmatch(sha256):
            raise ValueError("not a SHA-256 digest")
        return self._folder(organisation_id, evidence_id) / sha256

    def put(
        self, organisation_id: str, evidence_id: str, stream: ByteSource, max_bytes: int
    ) -> StoredFile:
        """Store a stream, refusing it with ``FileTooLargeError`` past ``max_bytes``."""
        folder = self._folder(organisation_id, evidence_id)
        folder.mkdir(parents=True, exist_ok=True)
        digest, size, head = hashlib.sha256(), 0, b""
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise FileTooLargeError(max_bytes)
                    if len(head) < self.HEAD_BYTES:
                        head = (head + chunk)[: self.HEAD_BYTES]
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self._path(organisation_id, evidence_id, digest.hexdigest()))
        except BaseException:
            pathlib.Path(temporary).unlink(missing_ok=True)
            raise
        return StoredFile(digest.hexdigest(), size, head)

    def open(self, organisation_id: str, evidence_id: str, sha256: str) -> BinaryIO:
        return self._path(organisation_id, evidence_id, sha256).open("rb")

    def delete(self, organisation_id: str, evidence_id: str, sha256: str) -> None:
        self._path(organisation_id, evidence_id, sha256).unlink(missing_ok=True)
