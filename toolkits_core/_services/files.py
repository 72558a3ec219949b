"""Where uploaded evidence files live: what the services need from a place to keep them.

Each piece of evidence has its own place inside its organisation's, so one
organisation's files never share a place with another's, and its file is named by the
SHA-256 of its content: in a folder, by that digest alone; in object storage, by the
digest and a token of the upload's own (``<sha256>.<token>``), so that no two uploads
share a name. The row records the name (``Evidence.stored_file_name``). No two records
share a file: deleting one can never take away another's bytes, whatever two requests
do at the same moment. Every store makes a file appear under its real name
only whole (the folder writes it under a temporary name and renames it; object storage
writes it in one request, or as a multipart upload that shows nothing until it is
completed), so a crash leaves either the whole file or none of it under its real name;
whatever is left under a temporary name or unfinished, or under a name no committed
record gives, is swept up by ``coprod files gc`` (``file_upkeep``).

An upload reaches a store as a stream that the API reads off the request as it arrives,
not spooled first: the store's ``put`` is where its bytes are read, hashed and held to
the limit, once.

Two stores keep this promise: the local folder (``local_files``, the embedded default)
and S3-compatible object storage (``object_files``, the ``coprod[s3]`` extra), chosen by
``file_store_from`` (``file_stores``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol

FILES_DIR_VARIABLE = "COPROD_FILES_DIR"
DEFAULT_FILES_DIR = "coprod-files"
FILES_URL_VARIABLE = "COPROD_FILES_URL"
CHUNK = 1024 * 1024
HEAD_BYTES = 64

RECORD_ID = re.compile(r"[a-z]{3}_[0-9a-z]{26}")
STORED_NAME = re.compile(r"(?P<sha256>[0-9a-f]{64})(?:\.(?P<token>[0-9a-f]{16}))?")
"""A finished file's name: its SHA-256, then (object storage) a token of its upload's own."""


def named_by_its_upload(name: str) -> bool:
    """Whether a stored file's name carries its upload's token, and so is no other upload's:
    a name of the digest alone (a folder's, an object moved from one, or one written by a
    release before tokens) is given again to the next upload of the same bytes."""
    found = STORED_NAME.fullmatch(name)
    return found is not None and found["token"] is not None


class FileTooLargeError(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"the file is larger than the limit of {limit} bytes")
        self.limit = limit


class FileStoreError(OSError):
    """The file store could not do what was asked (unreachable, refused, failed): an
    ``OSError``, as a full disk is, so every caller that copes with one copes with both."""


class ByteSource(Protocol):
    """Anything bytes can be read from in chunks: an upload's stream, an open file."""

    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True, slots=True)
class StoredFile:
    sha256: str
    size: int
    head: bytes
    """The first bytes of the file, for checking that its content fits its media type."""
    name: str
    """The name the store keeps it under (``STORED_NAME``)."""


@dataclass(frozen=True, slots=True)
class FileEntry:
    """One thing a store keeps: a file under its digest, or an upload not (yet) finished.

    ``modified`` is when it was last written, which is what the clean-up goes by: an
    upload in progress is always younger than the clean-up interval. ``handle`` is the
    store's own mark for it (an object store's unfinished multipart upload id).
    ``hidden`` marks a file a bucket that keeps versions keeps only behind a delete
    marker: a delete stopped before it took the versions.
    """

    organisation_id: str
    evidence_id: str
    name: str
    modified: dt.datetime
    size: int
    handle: str = ""
    hidden: bool = False

    @property
    def sha256(self) -> str | None:
        """The digest a finished file is named by; None for an unfinished upload."""
        found = STORED_NAME.fullmatch(self.name)
        return found["sha256"] if found and not self.handle else None


class FileStore(Protocol):
    """What the services need from a place to keep files: one file per piece of evidence."""

    looks_up_locally: bool
    """Whether ``exists`` asks no server (a folder: a stat), so that every upload can
    look before it commits; object storage would cost every upload a request."""

    def put(
        self,
        organisation_id: str,
        evidence_id: str,
        stream: ByteSource,
        max_bytes: int,
        *,
        name: str | None = None,
    ) -> StoredFile:
        """Store a stream whole under a name of the store's choosing (``StoredFile.name``),
        or ``name`` (a file moved from another store keeps the name its row gives), or
        nothing (``FileTooLargeError`` past ``max_bytes``, ``OSError`` when the store
        fails, ``FileStoreError`` when ``name`` is not one for these bytes)."""
        ...

    def open(self, organisation_id: str, evidence_id: str, name: str) -> BinaryIO:
        """The file, seekable (for ranges); ``FileNotFoundError`` if the store lacks it."""
        ...

    def exists(self, organisation_id: str, evidence_id: str, name: str) -> bool:
        """Whether the store has the file (``OSError`` when it cannot say)."""
        ...

    def delete(self, organisation_id: str, evidence_id: str, name: str) -> None:
        """Remove the file and every earlier version of it the store keeps."""
        ...

    def entries(
        self, organisation_id: str | None = None, evidence_id: str | None = None
    ) -> Iterator[FileEntry]:
        """Everything kept, finished or not, for one organisation or for all, or for one
        piece of evidence only, given its organisation and ``evidence_id``: in a store
        that keeps versions, every file it has any version of, current or ``hidden``."""
        ...

    def remove(self, entry: FileEntry) -> bool:
        """Remove what ``entries`` found, unless it was written again since; whether it went."""
        ...

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
        """A short-lived URL the file can be fetched from directly, answered with these
        Content-Type and Content-Disposition headers; None where the store has none."""
        ...

    def describe(self) -> str:
        """Where the files are, for an operator's eyes (no secrets)."""
        ...


def check_place(organisation_id: str, evidence_id: str, name: str | None = None) -> None:
    """Ids are ours and never come from a file name, but a path or key is built from them:
    check, so that nothing can name a place outside its organisation's."""
    if not (RECORD_ID.fullmatch(organisation_id) and RECORD_ID.fullmatch(evidence_id)):
        raise ValueError("not a record id")
    if name is not None and not STORED_NAME.fullmatch(name):
        raise ValueError("not a stored file's name")


class Intake:
    """Reads an upload in chunks, hashing it and keeping its head, and refuses it past a limit.

    Both stores read through one, so the digest is computed on the way, as the bytes go
    to the store, and never by reading the file a second time.
    """

    def __init__(self, stream: ByteSource, max_bytes: int) -> None:
        self._stream = stream
        self._max_bytes = max_bytes
        self.digest = hashlib.sha256()
        self.size = 0
        self.head = b""

    def read(self, size: int = CHUNK) -> bytes:
        chunk = self._stream.read(size)
        if chunk:
            self.size += len(chunk)
            if self.size > self._max_bytes:
                raise FileTooLargeError(self._max_bytes)
            if len(self.head) < HEAD_BYTES:
                self.head += chunk[: HEAD_BYTES - len(self.head)]  # not a copy of the chunk
            self.digest.update(chunk)
        return chunk

    def read_up_to(self, size: int) -> bytes:
        """Up to ``size`` bytes, fewer only at the end of the stream."""
        parts, got = [], 0
        while got < size:
            chunk = self.read(min(CHUNK, size - got))
            if not chunk:
                break
            parts.append(chunk)
            got += len(chunk)
        return b"".join(parts)

    def stored(self, name: str | None = None) -> StoredFile:
        """What was read, kept under ``name`` (None: its SHA-256 alone), which must be a
        name for these bytes: their digest, and a token or none (``FileStoreError``)."""
        sha256 = self.digest.hexdigest()
        found = STORED_NAME.fullmatch(name or sha256)
        if found is None or found["sha256"] != sha256:
            raise FileStoreError(f"{name!r} is not a name for a file of SHA-256 {sha256}")
        return StoredFile(sha256, self.size, self.head, found[0])
