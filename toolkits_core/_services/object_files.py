"""Files in S3-compatible object storage (AWS S3, MinIO, Ceph...): the ``coprod[s3]`` extra.

``COPROD_FILES_URL=s3://bucket/prefix`` keeps each file at
``<prefix>/<organisation>/<evidence>/<sha256>.<token>``, so that any number of API
machines share the files as they share the database. The token is the upload's own (16
random hex digits), so no two uploads share a key, even of the same bytes to the same
evidence: a request that fails deletes only what it wrote, never the object another
request of the same bytes (a client's retry) is committing at the same moment, which on
a store shared by several machines no lock or look before the commit could rule out
without a request to the store on every upload. Files moved from a folder
(``coprod files migrate``) keep the name they had, their digest alone. The connection is
boto3's own: ``AWS_ENDPOINT_URL``, the region (``AWS_DEFAULT_REGION`` or the profile's)
and the credentials chain (variables, profile, instance or container role), as for any
AWS tool. Where boto3 has no region of its own, ``AWS_REGION`` gives it: the name every
other AWS SDK reads, and the one ECS and Lambda set, which boto3 alone ignores.

An object's key begins with its digest, which is known only once every byte has been read. So a
file that fits one part (8 MiB) is read into memory, hashed, and written to its key in
one request; a larger one is spooled to a temporary file on the API's machine as it
arrives, hashed on the way, and then sent to its key: in one request up to 100 MiB, in
parts above that, several at once, as boto3's own transfers send them. A file sent in
one request is checked by the store against its SHA-256 (``ChecksumSHA256``), and that
signed header, not a second hash of the body, is what signs its bytes. Either way
an object appears under its name only whole, and it is written once: no temporary
object in the bucket and no copy inside the store (which on S3 costs a request per 5 GiB
and, on a small server such as MinIO or moto, reads and writes every byte again). A
multipart upload that fails is aborted at once; one cut short by a crash is an
unfinished upload, which ``coprod files gc`` aborts after the clean-up interval.

Deleting a file removes every version of its key, so on a bucket that keeps versions an
erased person's recording is not left behind as a noncurrent version, and the store is
listed by its versions, so that gc finds a file a delete cut short left behind its
marker; the store's credentials need ``s3:ListBucketVersions`` and
``s3:DeleteObjectVersion`` for that, whether or not the bucket keeps versions.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import io
import os
import secrets
import tempfile
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, BinaryIO, cast

from toolkits_core._services.files import (
    RECORD_ID,
    ByteSource,
    FileEntry,
    FileStoreError,
    FileTooLargeError,
    Intake,
    StoredFile,
    check_place,
)

S3Client = Any
"""boto3's S3 client (boto3 ships no type hints)."""

PART_BYTES = 8 * 1024 * 1024
"""One part of a multipart upload (boto3's own part size), and the largest file held in
memory: a larger one is spooled to a temporary file as it arrives."""
SINGLE_PUT_BYTES = 100 * 1024 * 1024
"""The largest file written in one request, from its spool; a larger one goes in parts.
AWS's own advice is to consider multipart uploads from 100 MB on; below that, one request
costs the store least (no parts to keep and join), and S3 checks the whole file against
its SHA-256 (``ChecksumSHA256``), which it cannot do for a file sent in parts."""
PARTS_IN_FLIGHT = 4
MOST_PARTS = 10_000
"""The most parts S3 takes in one upload: a larger file is sent in larger parts."""


def _boto3() -> Any:
    try:
        import boto3
    except ImportError:  # pragma: no cover - the extra is missing
        raise FileStoreError(
            "COPROD_FILES_URL names object storage, which needs boto3: pip install 'coprod[s3]'"
        ) from None
    return boto3


def _store_errors() -> tuple[type[Exception], ...]:
    from botocore.exceptions import BotoCoreError, ClientError

    return (BotoCoreError, ClientError)


def _code(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def _checksum_signs_the_body(request: Any, **_: Any) -> None:
    """A PUT that states the file's SHA-256 (``ChecksumSHA256``, which the store checks
    the body against) is signed with that header instead of a second SHA-256 of its body.

    botocore signs a request's body by hashing all of it again (on a plain-HTTP endpoint,
    always): for a file whose SHA-256 was just computed to name it, that is the same
    digest computed twice. The signature covers the x-amz-checksum-sha256 header, and the
    store refuses a body that does not match it (BadDigest), so a body changed on the
    way is refused as it would be by a signed payload; the request is otherwise signed
    as before. A request without it (a part of a multipart upload, which carries only
    botocore's CRC32) keeps its signed body.
    """
    if "x-amz-checksum-sha256" not in request.headers:
        return
    from botocore.config import Config

    config = request.context.get("client_config") or Config()
    request.context["client_config"] = config.merge(
        Config(s3={**(config.s3 or {}), "payload_signing_enabled": False})
    )


class ObjectReader(io.RawIOBase):
    """An object open for reading: streamed from the store, seekable for ranges.

    It starts from the GET that opened it (one request for a whole download); a ``seek``
    drops the stream it had and the next read asks the store for the object from that
    byte on (a ranged GET), so a Range request costs the bytes it asks for, not the whole
    object. A read answers the bytes as the store's body gives them, with no buffer of its
    own to copy them through, and once the last byte is read the body is read to its end,
    which hands its connection back to the client's pool for the next request. A body that
    ends before the object's size is an error (``FileStoreError``), never a short file.
    """

    def __init__(
        self, client: S3Client, bucket: str, key: str, size: int, body: Any = None
    ) -> None:
        super().__init__()
        self._client, self._bucket, self._key, self._size = client, bucket, key, size
        self._position = 0
        self._body: Any = body
        """The object from ``_position`` on, as the store is sending it; None: not asked."""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        position = max(0, base + offset)
        if position != self._position:
            self._drop()
            self._position = position
        return position

    def read(self, size: int | None = -1) -> bytes:
        """Up to ``size`` bytes (all that is left without one), as the store sent them:
        the body's own bytes, not copied again."""
        if self._position >= self._size:
            return b""
        if self._body is None:
            try:
                answer = self._client.get_object(
                    Bucket=self._bucket, Key=self._key, Range=f"bytes={self._position}-"
                )
            except _store_errors() as error:
                raise FileStoreError(f"could not read {self._key}: {error}") from error
            self._body = answer["Body"]
        wanted = self._size - self._position
        if size is not None and size >= 0:
            wanted = min(wanted, size)
        try:
            chunk: bytes = self._body.read(wanted)
        except _store_errors() as error:
            raise FileStoreError(f"could not read {self._key}: {error}") from error
        if not chunk:
            raise FileStoreError(f"could not read {self._key}: the store sent too few bytes")
        self._position += len(chunk)
        if self._position >= self._size:
            self._finish()
        return chunk

    def readinto(self, buffer: Any) -> int:
        chunk = self.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def _finish(self) -> None:
        """The last byte is read: read the body's end, which gives its connection back to
        the client's pool for the next request (closing it would close the connection)."""
        try:
            self._body.read()
        except _store_errors():
            self._body.close()
        self._body = None

    def _drop(self) -> None:
        if self._body is not None:
            self._body.close()
            self._body = None

    def close(self) -> None:
        self._drop()
        super().close()


class ObjectFileStore:
    """Files in a bucket: ``s3://<bucket>/<prefix>/<organisation>/<evidence>/<name>``."""

    looks_up_locally = False

    def __init__(
        self,
        url: str,
        *,
        client: S3Client | None = None,
        part_bytes: int = PART_BYTES,
        single_put_bytes: int = SINGLE_PUT_BYTES,
    ) -> None:
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme != "s3" or not parsed.netloc or parsed.query or parsed.fragment:
            raise ValueError(
                f"{url!r} is not an object storage address: give s3://<bucket>/<prefix>"
            )
        self.bucket = parsed.netloc
        prefix = parsed.path.strip("/")
        self.prefix = f"{prefix}/" if prefix else ""
        self.part_bytes = part_bytes
        self.single_put_bytes = max(single_put_bytes, part_bytes - 1)
        if client is None:
            boto3 = _boto3()
            from botocore.config import Config

            # Without a region, boto3 signs for us-east-1: a signed download URL then
            # fails on a bucket elsewhere (AWS), and on a MinIO or Ceph set to another.
            session = boto3.session.Session()
            client = session.client(
                "s3",
                region_name=session.region_name or os.environ.get("AWS_REGION") or None,
                config=Config(
                    max_pool_connections=32,
                    retries={"mode": "standard"},
                    signature_version="s3v4",  # signed URLs that say how long they last
                ),
            )
        client.meta.events.register("before-sign.s3.PutObject", _checksum_signs_the_body)
        self.client: S3Client = client

    def url(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}".rstrip("/")

    def _key(self, organisation_id: str, evidence_id: str, name: str) -> str:
        return f"{self.prefix}{organisation_id}/{evidence_id}/{name}"

    def put(
        self,
        organisation_id: str,
        evidence_id: str,
        stream: ByteSource,
        max_bytes: int,
        *,
        name: str | None = None,
    ) -> StoredFile:
        """Store a stream under a name of its upload's own (or ``name``), refusing it
        with ``FileTooLargeError`` past ``max_bytes``."""
        check_place(organisation_id, evidence_id)
        intake = Intake(stream, max_bytes)
        first = intake.read_up_to(self.part_bytes)
        try:
            if len(first) < self.part_bytes:
                stored = self._named(intake, name)
                self._put_whole(self._key(organisation_id, evidence_id, stored.name), first, intake)
                return stored
            with tempfile.TemporaryFile(prefix="coprod-upload-") as spool:
                spool.write(first)
                del first
                while chunk := intake.read():
                    spool.write(chunk)
                spool.flush()
                stored = self._named(intake, name)
                key = self._key(organisation_id, evidence_id, stored.name)
                if stored.size <= self.single_put_bytes:
                    spool.seek(0)
                    self._put_whole(key, spool, intake)
                else:
                    self._put_in_parts(key, spool, stored.size)
                return stored
        except _store_errors() as error:
            raise FileStoreError(f"could not store the file in {self.url()}: {error}") from error

    @staticmethod
    def _named(intake: Intake, name: str | None) -> StoredFile:
        """What was read, under ``name`` or its digest and a new token."""
        return intake.stored(name or f"{intake.digest.hexdigest()}.{secrets.token_hex(8)}")

    def _put_whole(self, key: str, body: bytes | BinaryIO, intake: Intake) -> None:
        """One request, which the store checks against the file's SHA-256."""
        self.client.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=body,
            ContentLength=intake.size,
            ChecksumSHA256=base64.b64encode(intake.digest.digest()).decode("ascii"),
        )

    def _put_in_parts(self, key: str, spool: BinaryIO, size: int) -> None:
        """Send a spooled file to its key in parts, PARTS_IN_FLIGHT at a time (as boto3's
        own transfers send them); an upload that fails is aborted, so no part is left."""
        upload_id = self.client.create_multipart_upload(Bucket=self.bucket, Key=key)["UploadId"]
        try:
            step = max(self.part_bytes, -(-size // MOST_PARTS))
            with ThreadPoolExecutor(PARTS_IN_FLIGHT) as pool:
                sending = [
                    pool.submit(self._send_part, key, upload_id, spool, number, offset, step)
                    for number, offset in enumerate(range(0, size, step), 1)
                ]
                try:
                    parts = [future.result() for future in sending]
                finally:
                    for future in sending:
                        future.cancel()
            self.client.complete_multipart_upload(
                Bucket=self.bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
            )
        except BaseException:
            self._abort(key, upload_id)
            raise

    def _send_part(
        self, key: str, upload_id: str, spool: BinaryIO, number: int, offset: int, size: int
    ) -> dict[str, Any]:
        part = os.pread(spool.fileno(), size, offset)
        sent = self.client.upload_part(
            Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=part
        )
        return {"PartNumber": number, "ETag": sent["ETag"]}

    def _abort(self, key: str, upload_id: str) -> None:
        """Abort an unfinished upload, dropping its parts; what cannot be aborted now is
        left for ``coprod files gc``, never reported over the answer the client gets."""
        try:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
        except Exception as error:
            if not isinstance(error, (*_store_errors(), OSError)):
                raise

    def open(self, organisation_id: str, evidence_id: str, name: str) -> BinaryIO:
        check_place(organisation_id, evidence_id, name)
        key = self._key(organisation_id, evidence_id, name)
        try:
            found = self.client.get_object(Bucket=self.bucket, Key=key)
        except _store_errors() as error:
            if _code(error) in {"404", "NoSuchKey", "NotFound"}:
                raise FileNotFoundError(key) from None
            raise FileStoreError(f"could not read {key}: {error}") from error
        size = int(found["ContentLength"])
        return cast(BinaryIO, ObjectReader(self.client, self.bucket, key, size, found["Body"]))

    def exists(self, organisation_id: str, evidence_id: str, name: str) -> bool:
        check_place(organisation_id, evidence_id, name)
        key = self._key(organisation_id, evidence_id, name)
        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except _store_errors() as error:
            if _code(error) in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise FileStoreError(f"could not look for {key}: {error}") from error
        return True

    def delete(self, organisation_id: str, evidence_id: str, name: str) -> None:
        check_place(organisation_id, evidence_id, name)
        try:
            self._erase(self._key(organisation_id, evidence_id, name))
        except _store_errors() as error:
            raise FileStoreError(f"could not delete a file in {self.url()}: {error}") from error

    def _versions(self, key: str) -> list[dict[str, Any]]:
        """Every version and delete marker of exactly this key (a bucket that never kept
        versions answers its one object as version "null")."""
        found: list[dict[str, Any]] = []
        pages = self.client.get_paginator("list_object_versions")
        for page in pages.paginate(Bucket=self.bucket, Prefix=key):
            for item in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
                if item["Key"] == key:
                    found.append(dict(item))
        return found

    def _erase(self, key: str, written_by: dt.datetime | None = None) -> bool:
        """Delete the key's versions (those written by ``written_by``, if given); whether
        any was deleted.

        Without ``written_by``, the key is deleted first: a bucket that keeps no versions
        answers without a version id, and that is all; one that keeps them answers with
        the delete marker it added, and every version is then listed and deleted too.
        """
        if written_by is None:
            answer = self.client.delete_object(Bucket=self.bucket, Key=key)
            if not answer.get("VersionId"):
                return True  # (a bucket whose versioning is suspended answers "null")
        versions = self._versions(key)
        chosen = [v for v in versions if written_by is None or v["LastModified"] <= written_by]
        if not versions:
            return False  # gone already (another sweep): a delete would only add a marker
        for start in range(0, len(chosen), 1000):
            answer = self.client.delete_objects(
                Bucket=self.bucket,
                Delete={
                    "Objects": [
                        {"Key": key, "VersionId": v["VersionId"]}
                        for v in chosen[start : start + 1000]
                    ],
                    "Quiet": True,
                },
            )
            if answer.get("Errors"):
                raise FileStoreError(f"could not delete every version of {key}: {answer['Errors']}")
        return bool(chosen) and len(chosen) == len(versions)

    def entries(
        self, organisation_id: str | None = None, evidence_id: str | None = None
    ) -> Iterator[FileEntry]:
        if organisation_id is not None:
            check_place(organisation_id, evidence_id or organisation_id)
        elif evidence_id is not None:
            raise ValueError("a piece of evidence's files are listed within its organisation")
        prefix = self.prefix + (f"{organisation_id}/" if organisation_id else "")
        prefix += f"{evidence_id}/" if evidence_id else ""
        try:
            yield from self._kept(prefix)
            for page in self.client.get_paginator("list_multipart_uploads").paginate(
                Bucket=self.bucket, Prefix=prefix
            ):
                for upload in page.get("Uploads", []):
                    entry = self._entry(upload["Key"], upload["Initiated"], 0, upload["UploadId"])
                    if entry is not None:
                        yield entry
        except _store_errors() as error:
            raise FileStoreError(f"could not list {self.url()}: {error}") from error

    def _kept(self, prefix: str) -> Iterator[FileEntry]:
        """Each key under ``prefix`` with a version the bucket keeps, in key order.

        A key's newest version may sit behind a delete marker: a delete on a bucket that
        keeps versions adds the marker and then deletes the versions, and one stopped in
        between (a store error, a killed worker) leaves the file hidden but kept, which
        no row names. Listing versions, not objects, is how gc and an erasure find it (a
        bucket that never kept versions lists each object as its one version). Its
        ``modified`` is its newest version's or marker's, so that gc's removal, which
        takes what was written by then, takes the marker too; a key left with markers
        only keeps no file and is not listed.
        """
        key: str | None = None
        files: list[dict[str, Any]] = []  # the key's versions, read so far
        markers: list[dict[str, Any]] = []
        for page in self.client.get_paginator("list_object_versions").paginate(
            Bucket=self.bucket, Prefix=prefix
        ):  # by key across pages; within a page, versions and markers listed apart
            found = [(v, files) for v in page.get("Versions", [])]
            found += [(m, markers) for m in page.get("DeleteMarkers", [])]
            for item, kind in sorted(found, key=lambda pair: str(pair[0]["Key"])):
                if item["Key"] != key:
                    yield from self._kept_entry(files, markers)
                    key = item["Key"]
                    files.clear()
                    markers.clear()
                kind.append(item)
        yield from self._kept_entry(files, markers)

    def _kept_entry(
        self, files: list[dict[str, Any]], markers: list[dict[str, Any]]
    ) -> Iterator[FileEntry]:
        """The entry for one key's versions and delete markers, if it has a version."""
        if not files:
            return
        current = next((item for item in files if item.get("IsLatest")), None)
        newest = current or max(files, key=lambda item: item["LastModified"])
        modified = max(item["LastModified"] for item in [*files, *markers])
        entry = self._entry(newest["Key"], modified, newest["Size"])
        if entry is not None:
            yield dataclasses.replace(entry, hidden=current is None)

    def _entry(
        self, key: str, modified: dt.datetime, size: int, handle: str = ""
    ) -> FileEntry | None:
        parts = key[len(self.prefix) :].split("/")
        if len(parts) != 3 or not all(RECORD_ID.fullmatch(p) for p in parts[:2]):
            return None  # not ours: the prefix may be shared
        return FileEntry(parts[0], parts[1], parts[2], modified, size, handle)

    def remove(self, entry: FileEntry) -> bool:
        key = self._key(entry.organisation_id, entry.evidence_id, entry.name)
        try:
            if entry.handle:
                self.client.abort_multipart_upload(
                    Bucket=self.bucket, Key=key, UploadId=entry.handle
                )
                return True
            return self._erase(key, written_by=entry.modified)
        except _store_errors() as error:
            if _code(error) == "NoSuchUpload":
                return False
            raise FileStoreError(f"could not remove {key}: {error}") from error

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
        check_place(organisation_id, evidence_id, name)
        try:
            return str(
                self.client.generate_presigned_url(
                    "get_object",
                    Params={
                        "Bucket": self.bucket,
                        "Key": self._key(organisation_id, evidence_id, name),
                        "ResponseContentType": media_type,
                        "ResponseContentDisposition": disposition,
                        "ResponseCacheControl": "private",
                    },
                    ExpiresIn=seconds,
                )
            )
        except _store_errors() as error:
            raise FileStoreError(f"could not sign a download URL: {error}") from error

    def describe(self) -> str:
        return f"the object store {self.url()}"


def is_object_store_url(url: str) -> bool:
    return url.startswith("s3://")


__all__ = ["FileTooLargeError", "ObjectFileStore", "ObjectReader", "is_object_store_url"]
