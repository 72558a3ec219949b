"""The least any API in front of object storage does with a file: ``bench.files``'s floor.

A WSGI app, served by gunicorn as the product is, that keeps no records and checks no
caller: ``PUT /<name>`` reads the body whole, hashes it (SHA-256, which names a file in
the product and signs its PUT) and puts it in the bucket; ``GET /<name>`` gets the object
and relays it in the chunks the product relays. Beside the product and the anchor (raw
boto3), it tells the cost of any proxy's second hop from the cost of the API's own work
(authentication, the records and their locks, the form, the checks, the audit).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

BUCKET_VARIABLE = "BENCH_LEAST_PROXY_BUCKET"
CHUNK = 256 * 1024
"""As the product's download relays (``api.resources.evidence.StoredBytes``)."""


@functools.cache
def _client() -> Any:
    """boto3's client, configured and signing as the product's (``ObjectFileStore``)."""
    import boto3
    from botocore.config import Config

    from toolkits_core._services.object_files import _checksum_signs_the_body

    client = boto3.client(
        "s3", config=Config(max_pool_connections=32, retries={"mode": "standard"})
    )
    client.meta.events.register("before-sign.s3.PutObject", _checksum_signs_the_body)
    return client


def _relay(body: Any) -> Iterator[bytes]:
    while chunk := body.read(CHUNK):
        yield chunk


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    bucket = os.environ[BUCKET_VARIABLE]
    key = "least-proxy/" + environ["PATH_INFO"].strip("/")
    if environ["REQUEST_METHOD"] == "PUT":
        size = int(environ["CONTENT_LENGTH"])
        body = environ["wsgi.input"].read(size)
        digest = hashlib.sha256(body).digest()
        _client().put_object(
            Bucket=bucket,
            Key=key,
            Body=body,
            ContentLength=size,
            ChecksumSHA256=base64.b64encode(digest).decode("ascii"),
        )
        start_response("200 OK", [("Content-Length", "0")])
        return [b""]
    found = _client().get_object(Bucket=bucket, Key=key)
    start_response("200 OK", [("Content-Length", str(found["ContentLength"]))])
    return _relay(found["Body"])
