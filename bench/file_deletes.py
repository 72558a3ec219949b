"""``python -m bench.file_deletes``: deleting an initiative with many files in object storage.

Each object-store delete is a request (three on a bucket that keeps versions: the delete,
a list of the key's versions and a delete of each), and a request waits for its answer
before the client gets its own. This times ``DELETE /api/v1/initiatives/{id}`` for an
initiative holding ``--files`` evidence files in moto's S3 server, with the deletes sent
one at a time (``DELETES_AT_ONCE = 1``, as before they were sent together) and up to
``DELETES_AT_ONCE`` at once, turn about, in process (Flask's test client: the API's own work, not a
server's). moto on loopback answers in about a millisecond, far sooner than S3 over a
network, so ``--lag-ms`` adds that many milliseconds before each request to the store
is sent, as a stand-in for the round trip. Writes ``bench/results/file_deletes.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import pathlib
import secrets
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from typing import Any

from bench.files import ACCESS, RESULTS, _free_port, _wait_for
from toolkits_core._services.workspace import DELETES_AT_ONCE

WAYS = {"one at a time": 1, f"up to {DELETES_AT_ONCE} at once": DELETES_AT_ONCE}


def _wav(level: int) -> bytes:
    data = struct.pack("<h", level) * 400
    header = b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt "
    header += struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16) + b"data"
    return header + struct.pack("<I", len(data)) + data


@contextlib.contextmanager
def _moto() -> Iterator[str]:
    port = _free_port()
    command = [str(pathlib.Path(sys.executable).with_name("moto_server")), "-p", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(port, process, "moto_server")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _app(endpoint: str, versioned: bool) -> tuple[Any, dict[str, str], Any]:
    """The API on a new bucket and database; its client's headers, and boto3's client."""
    import boto3

    os.environ.update({**ACCESS, "AWS_ENDPOINT_URL": endpoint})
    bucket = f"deletes-{secrets.token_hex(4)}"
    store = boto3.client("s3")
    store.create_bucket(Bucket=bucket)
    if versioned:
        store.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    from api import create_app
    from toolkits_core.service import Database, create_key, create_organisation

    url = f"sqlite:///{tempfile.mkdtemp(prefix='coprod-bench-deletes-')}/coprod.sqlite3"
    Database(url).upgrade()
    with Database(url).session() as session:
        organisation = create_organisation(session, "Bench council")
        token = create_key(session, organisation.id, "bench", ["write"]).token
    app = create_app(
        {"DATABASE_URL": url, "FILES_URL": f"s3://{bucket}/coprod", "RATE_LIMIT": "off"}
    )
    return app, {"Authorization": f"Bearer {token}"}, store


def _initiative_with_files(client: Any, headers: dict[str, str], files: int) -> str:
    made = client.post(
        "/api/v1/initiatives", json={"toolkit": "coproduction-star", "title": "B"}, headers=headers
    )
    assert made.status_code == 201, made.json
    initiative = str(made.json["id"])
    body = {"evidence_type": "audio-interview", "payload": {"caption": "b"}}
    for level in range(files):
        evidence = client.post(
            f"/api/v1/initiatives/{initiative}/evidence", json=body, headers=headers
        )
        upload = {"file": (io.BytesIO(_wav(level)), "b.wav", "audio/wav")}
        sent = client.put(
            f"/api/v1/evidence/{evidence.json['id']}/file", data=upload, headers=headers
        )
        assert sent.status_code == 200, sent.json
    return initiative


def run(files: int, rounds: int, lag_ms: float, versioned: bool) -> dict[str, list[float]]:
    """Seconds each DELETE of an initiative took, by way of deleting its files."""
    from api.context import services
    from toolkits_core._services import workspace

    times: dict[str, list[float]] = {way: [] for way in WAYS}
    with _moto() as endpoint:
        app, headers, store = _app(endpoint, versioned)
        client = app.test_client()
        events = services(app).files.client.meta.events

        def lag(**_: Any) -> None:
            time.sleep(lag_ms / 1000)

        for _ in range(rounds):
            for way, at_once in WAYS.items():
                initiative = _initiative_with_files(client, headers, files)
                workspace.DELETES_AT_ONCE = at_once
                events.register("before-send.s3", lag)
                try:
                    started = time.perf_counter()
                    answer = client.delete(f"/api/v1/initiatives/{initiative}", headers=headers)
                    times[way].append(time.perf_counter() - started)
                finally:
                    events.unregister("before-send.s3", lag)
                    workspace.DELETES_AT_ONCE = DELETES_AT_ONCE
                assert answer.status_code == 204, answer.json
        pages = store.get_paginator("list_object_versions").paginate(
            Bucket=services(app).files.bucket
        )
        left = sum(len(p.get("Versions", [])) + len(p.get("DeleteMarkers", [])) for p in pages)
        assert left == 0, f"{left} objects or versions left behind"
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=200, help="files in the initiative")
    parser.add_argument("--rounds", type=int, default=3, help="deletes of each way")
    parser.add_argument(
        "--lag-ms", type=float, nargs="+", default=[0, 20], help="milliseconds added per request"
    )
    parser.add_argument("--output", default="file_deletes", help="NAME.md in bench/results")
    args = parser.parse_args(argv)
    lines = [
        f"# Deleting an initiative with {args.files} files in object storage",
        "",
        f"Median seconds of {args.rounds} `DELETE /api/v1/initiatives/{{id}}` each way "
        "(lowest and highest in brackets), in process, on moto's S3 server; 'lag' is the "
        "milliseconds added before each request to the store. See "
        "`python -m bench.file_deletes --help`.",
        "",
        f"| bucket | lag | {' | '.join(WAYS)} |",
        "| --- | ---: | ---: | ---: |",
    ]
    for versioned in (False, True):
        for lag_ms in args.lag_ms:
            times = run(args.files, args.rounds, lag_ms, versioned)
            cells = [
                f"{statistics.median(times[way]):.2f} ({min(times[way]):.2f}-{max(times[way]):.2f})"
                for way in WAYS
            ]
            kind = "keeps versions" if versioned else "plain"
            lines.append(f"| {kind} | {lag_ms:g} ms | {cells[0]} | {cells[1]} |")
            print(lines[-1], flush=True)
    (RESULTS / f"{args.output}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
