"""The file store settings: where evidence files are kept, and how downloads are served.

``FILES_URL`` (else ``COPROD_FILES_URL``) names object storage (``s3://bucket/prefix``);
without it files are kept in ``FILES_DIR`` (else ``COPROD_FILES_DIR``). With
``FILES_PRESIGN`` (else ``COPROD_FILES_PRESIGN``) set to 1, a download from object storage
is answered with a redirect to a URL signed for ``FILES_PRESIGN_SECONDS`` (else
``COPROD_FILES_PRESIGN_SECONDS``, 60 by default), so the bytes go from the store to the
client without passing through the API's workers.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from api.settings import ConfigurationError, setting, source
from toolkits_core.service import FILES_URL_VARIABLE, FileStore, file_store_from

PRESIGN_VARIABLE = "COPROD_FILES_PRESIGN"
PRESIGN_SECONDS_VARIABLE = "COPROD_FILES_PRESIGN_SECONDS"
DEFAULT_PRESIGN_SECONDS = 60
MAX_PRESIGN_SECONDS = 7 * 24 * 3600
"""The longest a SigV4 signature lasts."""


@dataclass(frozen=True, slots=True)
class FileSettings:
    store: FileStore
    presign_seconds: int | None
    """How long a download URL lasts; None: downloads are streamed by the API."""


def _switch(config: MutableMapping[str, Any], name: str, variable: str) -> bool:
    value = str(setting(config, name, variable, ""))
    config.pop(name, None)
    if value.strip().lower() in {"", "0", "false", "no", "off"}:
        return False
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    raise ConfigurationError(f"{variable} is {value!r}: give 1 to turn it on, or 0 to leave it off")


def read_file_settings(config: MutableMapping[str, Any]) -> FileSettings:
    """The file store and download settings, taken out of ``config`` (else the environment)."""
    url = config.pop("FILES_URL", None)
    try:
        store = file_store_from(url, config.pop("FILES_DIR", None))
    except (ValueError, OSError) as error:  # a bad address, or the s3 extra missing
        raise ConfigurationError(str(error)) from error
    where = source(config, "FILES_PRESIGN_SECONDS", PRESIGN_SECONDS_VARIABLE)
    raw = setting(config, "FILES_PRESIGN_SECONDS", PRESIGN_SECONDS_VARIABLE, "")
    config.pop("FILES_PRESIGN_SECONDS", None)
    raw = DEFAULT_PRESIGN_SECONDS if raw in {"", None} else raw
    try:
        seconds = int(str(raw))
    except ValueError:
        seconds = 0
    if not 1 <= seconds <= MAX_PRESIGN_SECONDS:
        raise ConfigurationError(
            f"{where} is {raw!r}: give a number of seconds from 1 to {MAX_PRESIGN_SECONDS}"
        )
    if not _switch(config, "FILES_PRESIGN", PRESIGN_VARIABLE):
        return FileSettings(store, None)
    try:  # signing is local work: a store that can sign one URL can sign them all
        signed = store.download_url(
            "org_" + "0" * 26,
            "evi_" + "0" * 26,
            "0" * 64,
            media_type="application/octet-stream",
            disposition="attachment",
            seconds=seconds,
        )
    except OSError as error:
        raise ConfigurationError(
            f"{PRESIGN_VARIABLE} is on, but {store.describe()} cannot sign URLs: {error}"
        ) from error
    if signed is None:
        raise ConfigurationError(
            f"{PRESIGN_VARIABLE} is on, but files are kept in {store.describe()}, which has "
            f"no URLs of its own: set {FILES_URL_VARIABLE} to object storage, or leave "
            f"{PRESIGN_VARIABLE} off"
        )
    return FileSettings(store, seconds)
