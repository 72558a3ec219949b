"""``coprod files check``: whether this machine's file store does all coprod asks of it.

A store that is set up wrongly (no bucket, credentials without a permission, an endpoint
that does not answer) fails only when someone uploads or downloads, and the API can then
say no more than 503 ``file_store_unavailable``. The check does what the API does, each
step once, with a small file of its own (under an organisation id no record has): store
it, find it listed, read it back, sign a URL for it where the store signs them, and delete
it. Each step says what failed and what usually mends it. A check cut short leaves its
file to ``coprod files gc``, as a crashed upload's would be.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from toolkits_core._services.files import FileStore
from toolkits_core._store.ids import new_id

_HINTS = (
    ("NoSuchBucket", "the bucket does not exist: create it (coprod does not)"),
    ("AccessDenied", "the credentials lack a permission: the README lists the ones needed"),
    ("InvalidAccessKeyId", "the access key is not one the store knows"),
    ("SignatureDoesNotMatch", "the secret key is wrong for this access key"),
    ("AuthorizationHeaderMalformed", "the region is wrong for this bucket: AWS_DEFAULT_REGION"),
    ("Could not connect", "nothing answers at the endpoint: check AWS_ENDPOINT_URL"),
    ("Permission denied", "this user may not write to the folder"),
)


@dataclass(frozen=True, slots=True)
class Step:
    """One thing the API does with its store, and how it went (``problem`` None: done)."""

    name: str
    problem: str | None = None
    note: str | None = None
    """What there is to know besides, where the step is done (or not needed)."""


def _hint(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    for marker, hint in _HINTS:
        if marker in text:
            return f"{text.splitlines()[0]} ({hint})"
    return text.splitlines()[0]


def check_store(store: FileStore) -> Iterator[Step]:
    """Each step of the check, as it is done; it stops at the first that fails, after
    trying to delete what it stored."""
    organisation_id, evidence_id = new_id("org"), new_id("evd")
    content = b"coprod files check " + secrets.token_bytes(32)
    sha256 = hashlib.sha256(content).hexdigest()
    stored = False

    def step(name: str, action: Callable[[], str | None]) -> Step:
        try:
            note = action()
        except Exception as error:  # every failure, whatever it is, is the operator's to read
            return Step(name, _hint(error))
        return Step(name, note=note)

    def put() -> None:
        nonlocal stored
        kept = store.put(organisation_id, evidence_id, io.BytesIO(content), len(content))
        stored = True
        if kept.sha256 != sha256:
            raise ValueError(f"the store kept other bytes (SHA-256 {kept.sha256})")

    def listed() -> None:
        names = {entry.name for entry in store.entries(organisation_id)}
        if sha256 not in names:
            raise ValueError("the stored file is not in the store's list")

    def read_back() -> None:
        with store.open(organisation_id, evidence_id, sha256) as found:
            if found.read() != content:
                raise ValueError("the file read back is not the one stored")

    def sign() -> str | None:
        url = store.download_url(
            organisation_id, evidence_id, sha256,
            media_type="text/plain", disposition="attachment", seconds=60,
        )  # fmt: skip
        return None if url else "not needed: this store's files are streamed by the API"

    def delete() -> None:
        nonlocal stored
        store.delete(organisation_id, evidence_id, sha256)
        stored = False
        if store.exists(organisation_id, evidence_id, sha256):
            raise ValueError("the file is still there after its delete")

    try:
        for name, action in (
            ("store a file", put),
            ("list it", listed),
            ("read it back", read_back),
            ("sign a download URL", sign),
            ("delete it", delete),
        ):
            done = step(name, action)
            yield done
            if done.problem is not None:
                return
    finally:
        if stored:
            step("delete it", lambda: store.delete(organisation_id, evidence_id, sha256))
