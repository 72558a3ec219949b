"""``python -m bench.files``: evidence file throughput, local folder and object storage.

Uploads (PUT /api/v1/evidence/{id}/file) and downloads (GET .../file) of the same bytes
through gunicorn (2 gthread workers of 4 threads, as the main suite serves), on the local
folder and on object storage on moto's S3 server (``moto_server``, a process of its own
on loopback), beside the anchor: raw boto3 putting and getting the same bytes in the same
moto server (``upload_fileobj``, which sends parts in parallel threads, and
``get_object`` read in chunks). Each product upload is a piece of evidence's first file,
as almost every upload is (the piece before is deleted off the clock); with ``--replace``
each replaces the file of one piece of evidence with other bytes, the anchor overwriting
its key, to time what deleting the file before adds. With ``--before
PATH`` (another checkout's tree, such as ``git archive main | tar -x -C PATH``, whose
schema is this one's), that tree's product is served beside this one's, on the same
database and store, and measured in the same rounds.

The anchor and every server take turns one transfer at a time: each uploads the file
once, in turn, then each downloads it once, round after round (``--rounds``, after one
warm-up each), the order turning every round, so that the load of the rest of the machine
(shared with other work) falls on all alike and each transfer has the anchor's of the same
round to be compared with. Files: almost none (1 KiB: what a transfer costs whatever its
size), one under one part (4 MiB) and one of several parts (48 MiB). The table gives MiB/s
over the median transfer time with the quartiles, that median time in ms, and the
median of the rounds' ratios to the anchor with theirs. Writes ``bench/results/files.md``
and ``files.json`` (every transfer's seconds), or another name given with ``--output``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import io
import json
import os
import pathlib
import secrets
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator

import sqlalchemy as sa

from bench.least_proxy import BUCKET_VARIABLE
from toolkits_core.service import Database, create_key, create_organisation

MiB = 1024 * 1024
SIZES = {"1 KiB": 1024, "4 MiB": 4 * MiB, "48 MiB": 48 * MiB}
"""1 KiB is almost no bytes: its times are what each path costs whatever the size (the
requests, the API's own work), which the larger files' times are read against."""
MORE_SIZES = {"8 MiB": 8 * MiB, "16 MiB": 16 * MiB}
"""Sizes sent only when asked for (``--sizes``): between the one-part file and the large
one, to find the size from which a path keeps up with the anchor. 8 MiB is the largest
file the product holds in memory, and the first the anchor sends as a multipart upload;
16 MiB is spooled by the product and sent in two parts by the anchor."""
RESULTS = pathlib.Path(__file__).parent / "results"
Times = dict[str, dict[str, dict[str, list[float]]]]
"""size label -> path -> upload or download -> seconds of each transfer."""
ACCESS = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(port: int, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        if process.poll() is not None:
            raise RuntimeError(f"{what} stopped")
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not start")


@contextlib.contextmanager
def _process(
    command: list[str],
    env: dict[str, str],
    port: int,
    what: str,
    cwd: pathlib.Path | None = None,
) -> Iterator[None]:
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_for(port, process, what)
        time.sleep(1)
        yield
    finally:
        process.terminate()
        process.wait(20)


def wav(size: int) -> bytes:
    body = (secrets.token_bytes(MiB) * (size // MiB + 1))[: size - 44]
    header = b"RIFF" + struct.pack("<I", 36 + len(body)) + b"WAVEfmt "
    header += struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16) + b"data"
    return header + struct.pack("<I", len(body)) + body


def _multipart(content: bytes) -> tuple[bytes, str]:
    boundary = secrets.token_hex(12)
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="walk.wav"\r\n'
        "Content-Type: audio/wav\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), (
        f"multipart/form-data; boundary={boundary}"
    )


class Api:
    """A client of one server that keeps its connection open between requests, as the
    anchor's boto3 client keeps its pool (and as any client sending more than one file
    does): a transfer is timed without a new connection's set-up on one side only."""

    def __init__(self, port: int, token: str | None = None) -> None:
        self.port, self.token = port, token
        self._connection: http.client.HTTPConnection | None = None

    def call(
        self, method: str, path: str, body: bytes | None = None, kind: str | None = None
    ) -> tuple[int, bytes]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        if kind:
            headers["Content-Type"] = kind
        for attempt in (1, 2):
            if self._connection is None:
                self._connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
            try:
                self._connection.request(method, path, body=body, headers=headers)
                answer = self._connection.getresponse()
            except (http.client.HTTPException, ConnectionError):
                self._connection.close()  # the server closed it while it was idle
                self._connection = None
                if attempt == 2:
                    raise
                continue
            digest, data = hashlib.sha256(), b""
            while chunk := answer.read(1024 * 1024):
                digest.update(chunk)
                if len(data) < 4096:
                    data += chunk[:4096]
            if answer.will_close:
                self._connection.close()
                self._connection = None
            return answer.status, digest.hexdigest().encode() if method == "GET" else data
        raise AssertionError("unreachable")


class Transfers:
    """One path's upload and download of the same file, each timed alone (seconds);
    ``prepare`` runs before each upload, off the clock."""

    def __init__(
        self,
        put: Callable[[], None],
        get: Callable[[], None],
        prepare: Callable[[], None] = lambda: None,
    ) -> None:
        self._actions = {"upload": put, "download": get}
        self._prepare = prepare

    def warm(self) -> None:
        self._prepare()
        for action in self._actions.values():
            action()

    def time(self, way: str) -> float:
        if way == "upload":
            self._prepare()
        started = time.perf_counter()
        self._actions[way]()
        return time.perf_counter() - started


def product_transfers(port: int, token: str, content: bytes, *, replace: bool = False) -> Transfers:
    """Each upload to a new piece of evidence: a first file, as almost every upload is.
    Off the clock, the piece before is deleted with its file, so the store holds one file
    of this path at a time, as the anchor's key holds one. An upload that replaces a file
    (or, since each upload's object has a name of its own, sends the same bytes again)
    also deletes an object after its commit: ``files-names.md`` measured that, uploading
    to one piece of evidence again and again as this did until then. With ``replace``,
    every upload goes to one piece of evidence, each replacing the file before with other
    bytes (``versions``), as a corrected recording or a new scan of a charter does."""
    api = Api(port, token)
    status, body = api.call(
        "POST",
        "/api/v1/initiatives",
        json.dumps({"toolkit": "coproduction-star", "title": "B"}).encode(),
        "application/json",
    )
    assert status == 201, body
    initiative = json.loads(body)["id"]
    paths = [""]

    def new_evidence() -> None:
        if paths[0] and replace:
            return
        if paths[0]:
            status, body = api.call("DELETE", paths[0].removesuffix("/file"))
            assert status == 204, body
        status, body = api.call(
            "POST",
            f"/api/v1/initiatives/{initiative}/evidence",
            json.dumps({"evidence_type": "audio-interview", "payload": {"caption": "b"}}).encode(),
            "application/json",
        )
        assert status == 201, body
        paths[0] = f"/api/v1/evidence/{json.loads(body)['id']}/file"

    return _transfers(api, paths, versions(content, replace), _multipart, prepare=new_evidence)


def least_proxy_transfers(port: int, content: bytes, *, replace: bool = False) -> Transfers:
    """The same file through the least proxy (``bench.least_proxy``): its raw bytes."""
    paths = [f"/{secrets.token_hex(6)}"]
    return _transfers(Api(port), paths, versions(content, replace), _raw)


def versions(content: bytes, replace: bool) -> list[bytes]:
    """What a path uploads in turn: the file, and with ``replace`` also a copy whose last
    byte differs, so that every upload after the first replaces a file of other bytes."""
    if not replace:
        return [content]
    return [content, content[:-1] + bytes([content[-1] ^ 1])]


def _raw(content: bytes) -> tuple[bytes, str]:
    return content, "application/octet-stream"


def _transfers(
    api: Api,
    paths: list[str],
    contents: list[bytes],
    encode: Callable[[bytes], tuple[bytes, str]],
    prepare: Callable[[], None] = lambda: None,
) -> Transfers:
    """PUT each of ``contents`` in turn (as ``encode`` sends it) at ``paths[0]``, and GET
    back the last one put; ``prepare`` may move ``paths[0]`` before each upload."""
    uploads = [
        (hashlib.sha256(content).hexdigest().encode(), *encode(content)) for content in contents
    ]
    expected = [b""]
    turn = [0]

    def put() -> None:
        digest, body, kind = uploads[turn[0] % len(uploads)]
        turn[0] += 1
        status, answer = api.call("PUT", paths[0], body, kind)
        assert status == 200, answer
        expected[0] = digest

    def get() -> None:
        status, digest = api.call("GET", paths[0])
        assert status == 200, status
        assert digest == expected[0], "the download is the bytes last uploaded"

    return Transfers(put, get, prepare)


def anchor_transfers(
    endpoint: str, bucket: str, content: bytes, *, replace: bool = False
) -> Transfers:
    import boto3

    client = boto3.client("s3", endpoint_url=endpoint, **_credentials())
    key = f"anchor/{secrets.token_hex(6)}"
    contents = versions(content, replace)
    digests = [hashlib.sha256(each).hexdigest() for each in contents]
    turn = [0]

    def put() -> None:
        client.upload_fileobj(io.BytesIO(contents[turn[0] % len(contents)]), bucket, key)
        turn[0] += 1

    def get() -> None:
        digest = hashlib.sha256()
        body = client.get_object(Bucket=bucket, Key=key)["Body"]
        while chunk := body.read(1024 * 1024):
            digest.update(chunk)
        assert digest.hexdigest() == digests[(turn[0] - 1) % len(contents)]

    return Transfers(put, get)


def _credentials() -> dict[str, str]:
    return {
        "aws_access_key_id": ACCESS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": ACCESS["AWS_SECRET_ACCESS_KEY"],
        "region_name": ACCESS["AWS_REGION"],
    }


def _database(postgresql: str | None, prefix: str, work: pathlib.Path) -> Database:
    if postgresql:
        name = f"{prefix}_files"
        try:
            admin = sa.create_engine(f"{postgresql}/postgres", isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
            admin.dispose()
            database = Database(f"{postgresql}/{name}")
            database.upgrade()
            return database
        except sa.exc.OperationalError as error:
            print(f"PostgreSQL does not answer ({error.orig}); measuring on SQLite")
    database = Database(f"sqlite:///{work / 'files.sqlite3'}")
    database.upgrade()
    return database


def bench_key(database: Database) -> str:
    """A new organisation's key that writes, as the bench's client uses it."""
    with database.session() as session:
        organisation = create_organisation(session, "Bench council")
        return create_key(session, organisation.id, "bench", ["write"]).token


def served_env(endpoint: str, database: Database) -> dict[str, str]:
    """The environment the servers run in: moto's endpoint and its keys, the database, no
    rate limit, and uploads of up to 128 MiB."""
    return {
        **os.environ,
        **ACCESS,
        "AWS_ENDPOINT_URL": endpoint,
        "MOTO_S3_DEFAULT_KEY_BUFFER_SIZE": str(256 * MiB),
        "COPROD_DATABASE_URL": database.engine.url.render_as_string(hide_password=False),
        "COPROD_RATE_LIMIT": "off",
        "COPROD_MAX_UPLOAD_BYTES": str(128 * MiB),
    }


def _gunicorn(port: int, app: str = "api:create_app()") -> list[str]:
    return [
        sys.executable, "-m", "gunicorn", "--config=python:api.gunicorn_conf",
        "--workers=2", "--threads=4", f"--bind=127.0.0.1:{port}", "--timeout=300", app,
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.files", description=__doc__)
    parser.add_argument("--rounds", type=int, default=15, help="transfers per path and way")
    parser.add_argument("--before", type=pathlib.Path, help="another tree to serve beside")
    parser.add_argument(
        "--postgresql",
        default=os.environ.get("COPROD_BENCH_POSTGRESQL", "postgresql://postgres@127.0.0.1:5432"),
    )
    parser.add_argument("--pg-prefix", default="coprod_bench")
    parser.add_argument(
        "--sizes",
        nargs="+",
        choices=[*SIZES, *MORE_SIZES],
        default=list(SIZES),
        help="files to send",
    )
    parser.add_argument(
        "--output",
        default="files",
        help="the results' name in bench/results (NAME.md and NAME.json)",
    )
    parser.add_argument(
        "--stores", nargs="+", choices=STORES, default=list(STORES), help="stores to serve"
    )
    parser.add_argument(
        "--store-lag-ms",
        type=float,
        default=0,
        help="hold each request to moto this long (bench.lagged_moto): S3's round trip",
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="every upload replaces the file before with other bytes (the anchor overwrites "
        "its key), rather than being a new piece of evidence's first file",
    )
    args = parser.parse_args(argv)
    known = {**SIZES, **MORE_SIZES}
    sizes = {label: known[label] for label in args.sizes}
    work = pathlib.Path(tempfile.mkdtemp(prefix="coprod-bench-files-"))
    database = _database(args.postgresql, args.pg_prefix, work)
    token = bench_key(database)
    moto_port = _free_port()
    endpoint = f"http://127.0.0.1:{moto_port}"
    env = served_env(endpoint, database)
    moto = [str(pathlib.Path(sys.executable).with_name("moto_server")), "-p", str(moto_port)]
    if args.store_lag_ms:
        moto = [sys.executable, "-m", "bench.lagged_moto", f"--lag-ms={args.store_lag_ms:g}"]
        moto += ["-p", str(moto_port)]
    trees = {"": pathlib.Path(__file__).resolve().parent.parent}
    if args.before:
        trees["before: "] = args.before.resolve()
    times: Times = {}
    with contextlib.ExitStack() as stack:
        stack.enter_context(_process(moto, env, moto_port, "moto_server", trees[""]))
        import boto3

        bucket = f"bench-{secrets.token_hex(4)}"
        boto3.client("s3", endpoint_url=endpoint, **_credentials()).create_bucket(Bucket=bucket)
        stores = {
            "local folder": {"COPROD_FILES_DIR": str(work / "files"), "COPROD_FILES_URL": ""},
            "object store": {"COPROD_FILES_URL": f"s3://{bucket}/coprod"},
        }
        stores = {store: stores[store] for store in args.stores}
        servers: dict[str, int] = {}
        least_port = _free_port()
        least_env = {**env, BUCKET_VARIABLE: bucket, "PYTHONPATH": str(trees[""])}
        least_app = _gunicorn(least_port, "bench.least_proxy:app")
        stack.enter_context(_process(least_app, least_env, least_port, "the least proxy"))
        for tree_label, tree in trees.items():
            for store, settings in stores.items():
                port = _free_port()
                served = {**env, **settings, "PYTHONPATH": str(tree)}
                stack.enter_context(_process(_gunicorn(port), served, port, "gunicorn", tree))
                servers[tree_label + store] = port
        for label, size in sizes.items():
            content = wav(size)
            paths = {
                ANCHOR: anchor_transfers(endpoint, bucket, content, replace=args.replace),
                LEAST_PROXY: least_proxy_transfers(least_port, content, replace=args.replace),
            }
            paths |= {
                path: product_transfers(port, token, content, replace=args.replace)
                for path, port in servers.items()
            }
            for transfers in paths.values():
                transfers.warm()
            times[label] = {path: {"upload": [], "download": []} for path in paths}
            names = list(paths)
            for round_ in range(args.rounds):
                turned = names[round_ % len(names) :] + names[: round_ % len(names)]
                for way in ("upload", "download"):
                    for path in turned:
                        times[label][path][way].append(paths[path].time(way))
            so_far = _report({label: times[label]}, sizes, args.store_lag_ms, args.replace)
            print(so_far, flush=True)
    database.dispose()
    report = _report(times, sizes, args.store_lag_ms, args.replace)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.output}.md").write_text(report)
    (RESULTS / f"{args.output}.json").write_text(json.dumps(times, indent=2))
    print(report)
    return 0


ANCHOR = "anchor (raw boto3)"
LEAST_PROXY = "least proxy (no records, no checks)"
STORES = ("local folder", "object store")
WAYS = ("upload", "download")


def _quartiles(values: list[float]) -> tuple[float, float, float]:
    low, middle, high = statistics.quantiles(values, n=4, method="inclusive")
    return low, middle, high


def _rate(mib_per_second: float) -> str:
    return f"{mib_per_second:.0f}" if mib_per_second >= 10 else f"{mib_per_second:.2g}"


def _report(
    times: Times, sizes: dict[str, int], store_lag_ms: float = 0, replace: bool = False
) -> str:
    rounds = len(next(iter(next(iter(times.values())).values()))["upload"])
    lines = [
        f"# Evidence file throughput (MiB/s, {rounds} transfers of each path each way)",
        "",
        "Every path (the anchor and each server) uploads once in turn, then downloads once in "
        "turn, round after round, the order turning each round, so that the load of the rest "
        "of the machine falls on all alike. MiB/s is the file's size over the median "
        "transfer time, with the quartiles in brackets, and ms that median time; 'of anchor' "
        "is the median of each round's ratio to the anchor's transfer in the same round, "
        "with its quartiles. "
        "'before:' is the tree given with --before, served beside this one."
        + (
            f" Every request to the object store was held {store_lag_ms:g} ms before moto "
            "handled it (--store-lag-ms, a stand-in for S3's round trip: "
            "bench/lagged_moto.py); the database stayed on loopback."
            if store_lag_ms
            else ""
        )
        + (
            " Every upload replaced the file before with other bytes (--replace): the "
            "product's to one piece of evidence, whose file before is deleted after the "
            "commit, and the anchor's and the least proxy's to the key they had."
            if replace
            else ""
        ),
        "",
        "| file | path | upload | ms | of anchor | download | ms | of anchor |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, by_path in times.items():
        size = sizes[label] / MiB
        anchor = by_path[ANCHOR]
        for path, ways in by_path.items():
            cells = []
            for way in WAYS:
                slow, middle, fast = _quartiles([size / t for t in ways[way]])
                ratios = [a / t for a, t in zip(anchor[way], ways[way], strict=True)]
                low, ratio, high = _quartiles(ratios)
                cells.append(f"{_rate(middle)} ({_rate(slow)}-{_rate(fast)})")
                cells.append(f"{statistics.median(ways[way]) * 1000:.1f}")
                cells.append(f"{ratio:.2f} ({low:.2f}-{high:.2f})")
            lines.append(f"| {label} | {path} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
