"""``coprod files check``: whether this machine's file store does all coprod asks of it.

A store that is set up wrongly (no bucket, credentials without a permission, an endpoint
that does not answer) fails only when someone uploads or downloads, and the API can then
say no more than 503 ``file_store_unavailable``. The check does what the API does, each
step once, with a small file of its own (under an organisation id no record has): store
it, find it listed, read it back, fetch it through a signed URL where downloads are
signed, and delete it. Each step says what failed and what usually mends it. A file the
check could not delete is said so, and ``coprod files gc`` removes it later, as it would
a crashed upload's.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from toolkits_core._services.files import FileStore
from toolkits_core._store.ids import new_id

_NO_ENDPOINT = "nothing answers at the endpoint: check AWS_ENDPOINT_URL"
_HINTS = (
    ("NoSuchBucket", "the bucket does not exist: create it (coprod does not)"),
    ("AccessDenied", "the credentials lack a permission: the README lists the ones needed"),
    ("Forbidden", "the credentials lack a permission, or the URL is signed for another region"),
    ("InvalidAccessKeyId", "the access key is not one the store knows"),
    ("SignatureDoesNotMatch", "the secret key is wrong for this access key"),
    (
        "Unable to locate credentials",
        "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, or "
        "give the machine a role",
    ),
    (
        "AuthorizationHeaderMalformed",
        "the region is wrong for this bucket: AWS_DEFAULT_REGION (or AWS_REGION)",
    ),
    ("Could not connect", _NO_ENDPOINT),
    ("Connect timeout", _NO_ENDPOINT),
    ("Permission denied", "this user may not write to the folder: run as the API's user"),
)
_PROBE = "coprod files check"


@dataclass(frozen=True, slots=True)
class Step:
    """One thing the API does with its store, and how it went (``problem`` None: done)."""

    name: str
    problem: str | None = None
    note: str | None = None
    """What there is to know besides, where the step is done (or not needed)."""


def _hint(error: BaseException) -> str:
    text = (str(error) or type(error).__name__).splitlines()[0]
    for marker, hint in _HINTS:
        if marker in text:
            return f"{text} ({hint})"
    return text


def _run(name: str, action: Callable[[], str | None]) -> Step:
    try:
        note = action()
    except Exception as error:  # every failure, whatever it is, is the operator's to read
        return Step(name, _hint(error))
    return Step(name, note=note)


class _Probe:
    """The check's own file, and what the store has done with it so far."""

    def __init__(self, store: FileStore, presign: bool) -> None:
        self.store, self.presign = store, presign
        self.organisation_id, self.evidence_id = new_id("org"), new_id("evd")
        self.content = f"{_PROBE} {secrets.token_hex(16)}\n".encode()
        self.sha256 = hashlib.sha256(self.content).hexdigest()
        self.kept: str | None = None
        """The name the store kept it under, until it is deleted again."""

    def put(self) -> None:
        stored = self.store.put(
            self.organisation_id, self.evidence_id, io.BytesIO(self.content), len(self.content)
        )
        self.kept = stored.name
        if stored.sha256 != self.sha256:
            raise ValueError(f"the store kept other bytes (SHA-256 {stored.sha256})")

    def _name(self) -> str:
        if self.kept is None:
            raise ValueError("the file was not stored")
        return self.kept

    def listed(self) -> None:
        if self.kept not in {entry.name for entry in self.store.entries(self.organisation_id)}:
            raise ValueError("the stored file is not in the store's list")

    def read_back(self) -> None:
        with self.store.open(self.organisation_id, self.evidence_id, self._name()) as found:
            if found.read() != self.content:
                raise ValueError("the file read back is not the one stored")

    def fetch_signed(self) -> str | None:
        url = self.store.download_url(
            self.organisation_id, self.evidence_id, self._name(),
            media_type="text/plain", disposition="attachment", seconds=60,
        )  # fmt: skip
        if url is None:
            return "not needed: this store's files are streamed by the API"
        if not self.presign:
            return "not used: COPROD_FILES_PRESIGN is off, so the API streams downloads"
        with urllib.request.urlopen(url, timeout=30) as answer:  # the store's own URL
            if answer.read() != self.content:
                raise ValueError("the signed URL gave other bytes than the file")
        return None

    def delete(self) -> None:
        if self.kept is None:
            return
        self.store.delete(self.organisation_id, self.evidence_id, self.kept)
        if self.store.exists(self.organisation_id, self.evidence_id, self.kept):
            raise ValueError("the file is still there after its delete")
        self.kept = None


def check_store(store: FileStore, *, presign: bool = False) -> Iterator[Step]:
    """Each step of the check, as it is done. It stops at the first that fails, then
    deletes what it stored, saying so if that fails too. ``presign``: downloads are
    answered with signed URLs (``COPROD_FILES_PRESIGN``), so one is fetched."""
    probe = _Probe(store, presign)
    steps: tuple[tuple[str, Callable[[], str | None]], ...] = (
        ("store a file", probe.put),
        ("list it", probe.listed),
        ("read it back", probe.read_back),
        ("fetch it through a signed URL", probe.fetch_signed),
        ("delete it", probe.delete),
    )
    for name, action in steps:
        done = _run(name, action)
        yield done
        if done.problem is not None:
            break
    if probe.kept is not None:
        left = _run("delete what it stored", probe.delete)
        if left.problem is not None:
            yield Step(left.name, f"{left.problem}; coprod files gc will remove it")
