"""Where uploaded evidence files live: the local filesystem by default.

Files are stored by the SHA-256 of their content under their organisation's folder, so
the digest the API reports is the name the bytes are kept under, the same recording
uploaded twice is kept once, and one organisation's files never share a folder with
another's. A file is written to a temporary name, flushed to disk and then renamed into
place, so a crash leaves either the whole file or none of it.
"""

from __future__ import annotations

import hashlib
import os
import pathlib
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
    """What the services need from a place to keep files."""

    def put(self, organisation_id: str, stream: ByteSource, max_bytes: int) -> StoredFile: ...

    def open(self, organisation_id: str, sha256: str) -> BinaryIO: ...

    def delete(self, organisation_id: str, sha256: str) -> None: ...


class LocalFileStore:
    """Files in a folder: ``<root>/<organisation>/<sha[:2]>/<sha>``."""

    HEAD_BYTES = 64

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        chosen = root or os.environ.get(FILES_DIR_VARIABLE) or DEFAULT_FILES_DIR
        self.root = pathlib.Path(chosen).resolve()

    def _path(self, organisation_id: str, sha256: str) -> pathlib.Path:
        if not (sha256.isalnum() and len(sha256) == 64) or not organisation_id.isascii():
            raise ValueError("not a stored file's name")
        return self.root / organisation_id / sha256[:2] / sha256

    def put(self, organisation_id: str, stream: ByteSource, max_bytes: int) -> StoredFile:
        """Store a stream, refusing it with ``FileTooLargeError`` past ``max_bytes``."""
        folder = self.root / organisation_id
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
            final = self._path(organisation_id, digest.hexdigest())
            final.parent.mkdir(exist_ok=True)
            os.replace(temporary, final)
        except BaseException:
            pathlib.Path(temporary).unlink(missing_ok=True)
            raise
        return StoredFile(digest.hexdigest(), size, head)

    def open(self, organisation_id: str, sha256: str) -> BinaryIO:
        return self._path(organisation_id, sha256).open("rb")

    def delete(self, organisation_id: str, sha256: str) -> None:
        self._path(organisation_id, sha256).unlink(missing_ok=True)
