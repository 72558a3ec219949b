"""Choosing the file store: the local folder, or object storage when a URL names one.

``COPROD_FILES_URL=s3://bucket/prefix`` chooses S3-compatible object storage (the
``coprod[s3]`` extra); without it, files stay in ``COPROD_FILES_DIR`` as they always have.
Every process of a deployment, the API's and the ``coprod files`` commands', chooses the
same way, so they all see the same files.
"""

from __future__ import annotations

import os

from toolkits_core._services.files import FILES_URL_VARIABLE, FileStore
from toolkits_core._services.local_files import LocalFileStore


def file_store_from(url: str | None = None, files_dir: str | None = None) -> FileStore:
    """The store ``url`` names (else ``COPROD_FILES_URL``), else the folder ``files_dir``
    (else ``COPROD_FILES_DIR``, else ``coprod-files``); ``ValueError`` for an address
    that is neither."""
    chosen = (url if url is not None else os.environ.get(FILES_URL_VARIABLE, "")).strip()
    if not chosen:
        return LocalFileStore(files_dir)
    if chosen.startswith("s3://"):
        from toolkits_core._services.object_files import ObjectFileStore

        return ObjectFileStore(chosen)
    if chosen.startswith("file://"):
        return LocalFileStore(chosen.removeprefix("file://"))
    raise ValueError(
        f"{FILES_URL_VARIABLE} is {chosen!r}: give s3://<bucket>/<prefix> for object "
        "storage, or leave it empty to keep files in COPROD_FILES_DIR"
    )
