"""``python -m bench.file_phases``: where an object-store transfer's time goes, inside the server.

``bench.files`` says how fast a transfer is against raw boto3; this says what the time is
spent on. The product is served by gunicorn with one worker (so that one process holds
every timing) from ``timed_app()``, which wraps the functions an upload and a download
pass through with timers before it builds the app; the least proxy is served from
``timed_least_proxy()``, timed the same way. The paths take turns as in ``bench.files``
(the product, the least proxy, raw boto3; each uploads once, then each downloads once),
``--rounds`` times, on the object store in moto's S3 server. At the end each server is
sent SIGUSR2 and writes what it timed; the table gives each phase's mean per transfer,
and the client's median for the three paths. Writes ``bench/results/file_phases.md``.

The timers wrap functions by name: a rename in the code fails here, loudly, rather than
timing nothing.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import functools
import json
import os
import pathlib
import secrets
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from bench.files import (
    MiB,
    _credentials,
    _database,
    _free_port,
    _gunicorn,
    _process,
    anchor_transfers,
    bench_key,
    least_proxy_transfers,
    product_transfers,
    served_env,
    wav,
)
from bench.least_proxy import BUCKET_VARIABLE
from toolkits_core._services.object_files import PART_BYTES

RESULTS = pathlib.Path(__file__).parent / "results"
OUT_VARIABLE = "BENCH_PHASES_OUT"
"""Where a timed server writes its timings (JSON) when it is sent SIGUSR2."""

_SECONDS: collections.defaultdict[str, float] = collections.defaultdict(float)
_CALLS: collections.Counter[str] = collections.Counter()
_STARTED = threading.local()
TRANSFERS = ("PUT", "GET")


def _add(name: str, started: float) -> None:
    """One more call of ``name``, begun at ``started`` (``time.perf_counter``), counted
    only within a transfer (a PUT or a GET): the requests that make and delete a piece of
    evidence around each upload (``bench.files.product_transfers``) pass through some of
    the same functions, and would add their time to the upload's phases."""
    if getattr(_STARTED, "method", None) not in TRANSFERS:
        return
    _SECONDS[name] += time.perf_counter() - started
    _CALLS[name] += 1


def _timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            _add(name, started)

    return timed


def _wrap(owner: Any, attribute: str, name: str) -> None:
    setattr(owner, attribute, _timed(name, getattr(owner, attribute)))


def _write_on_signal() -> None:
    """Write the timings when sent SIGUSR2, and say which process to send it to: the worker
    (to gunicorn's master, SIGUSR2 means start a new master)."""
    out = pathlib.Path(os.environ[OUT_VARIABLE])
    out.with_suffix(".pid").write_text(str(os.getpid()))

    def write(*_: object) -> None:
        times = {name: [_SECONDS[name], _CALLS[name]] for name in _SECONDS}
        out.with_suffix(".part").write_text(json.dumps(times))
        out.with_suffix(".part").replace(out)  # whole, or not there yet

    signal.signal(signal.SIGUSR2, write)


def _by_method(app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    """The WSGI app, each request timed until it returns its body (not while the body is
    sent), as ``request PUT`` or ``request GET``."""

    def timed(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        _STARTED.method = environ["REQUEST_METHOD"]
        started = _STARTED.at = time.perf_counter()
        try:
            return app(environ, start_response)
        finally:
            _add(f"request {environ['REQUEST_METHOD']}", started)
            _STARTED.method = None

    return timed


def timed_app() -> Callable[..., Iterable[bytes]]:
    """The product's app, with its upload's and download's steps timed."""
    import importlib

    import api
    import api.auth
    from toolkits_core._services import evidence, object_files, workspace
    from toolkits_core._services.files import Intake

    # By name: ``api.resources.evidence`` as an attribute is the blueprint, not the module.
    views: Any = importlib.import_module("api.resources.evidence")
    _wrap(api.auth, "identify_caller", "the key")
    for method in ("read_before_writing", "peek", "end_reads", "commit"):
        _wrap(workspace.Workspace, method, f"Workspace.{method}")
    _wrap(evidence, "writable_initiative", "lock and check again")
    _wrap(evidence, "evidence_with_file", "the evidence read")
    _wrap(Intake, "read_up_to", "read, scan and hash")
    _wrap(object_files.ObjectFileStore, "_put_whole", "the PUT")
    _wrap(object_files.ObjectFileStore, "open", "the GET")
    attach = _timed("attach_file", views.attach_file)

    def attach_file(*args: Any, **kwargs: Any) -> Any:
        _add("before attach_file", _STARTED.at)
        return attach(*args, **kwargs)

    views.attach_file = attach_file  # as the upload view calls it
    _write_on_signal()
    return _by_method(api.create_app())


def timed_least_proxy() -> Callable[..., Iterable[bytes]]:
    """The least proxy, its requests and its reads of the body timed."""
    from gunicorn.http import body  # type: ignore[import-untyped]

    from bench import least_proxy

    _wrap(body.Body, "read", "read the body")
    _write_on_signal()
    return _by_method(least_proxy.app)


def _mean_ms(times: dict[str, list[float]], name: str, per: int) -> float:
    if name not in times:
        raise KeyError(f"nothing timed as {name!r}: was a timed function renamed?")
    return times[name][0] * 1000 / per


def _signal_and_read(out: pathlib.Path) -> dict[str, list[float]]:
    """Ask the worker that writes to ``out`` for its timings, and read them."""
    out.unlink(missing_ok=True)  # what it wrote when asked before
    os.kill(int(out.with_suffix(".pid").read_text()), signal.SIGUSR2)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with contextlib.suppress(FileNotFoundError):
            found: dict[str, list[float]] = json.loads(out.read_text())
            return found
        time.sleep(0.1)
    raise RuntimeError(f"no timings were written to {out}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.file_phases", description=__doc__)
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument(
        "--mib", type=int, default=4, help="the file's size: under 8, one PUT to the store"
    )
    parser.add_argument(
        "--postgresql",
        default=os.environ.get("COPROD_BENCH_POSTGRESQL", "postgresql://postgres@127.0.0.1:5432"),
    )
    args = parser.parse_args(argv)
    if not 0 < args.mib * MiB < PART_BYTES:  # a larger file is read past read_up_to, untimed
        parser.error("--mib: a file from 1 to 7 MiB, sent to the store in one PUT")
    work = pathlib.Path(tempfile.mkdtemp(prefix="coprod-bench-phases-"))
    database = _database(args.postgresql, "coprod_bench_phases", work)
    token = bench_key(database)
    moto_port, port, least_port = _free_port(), _free_port(), _free_port()
    endpoint = f"http://127.0.0.1:{moto_port}"
    bucket = f"bench-{secrets.token_hex(4)}"
    tree = pathlib.Path(__file__).resolve().parent.parent
    env = served_env(endpoint, database) | {
        "COPROD_FILES_URL": f"s3://{bucket}/coprod",
        "PYTHONPATH": str(tree),
        BUCKET_VARIABLE: bucket,
    }
    outs = {"product": work / "product.json", "least": work / "least.json"}
    moto = [str(pathlib.Path(sys.executable).with_name("moto_server")), "-p", str(moto_port)]
    content = wav(args.mib * MiB)
    with contextlib.ExitStack() as stack:
        stack.enter_context(_process(moto, env, moto_port, "moto_server"))
        import boto3

        boto3.client("s3", endpoint_url=endpoint, **_credentials()).create_bucket(Bucket=bucket)
        one_worker = ["--workers=1"]
        for name, app, at in (
            ("product", "bench.file_phases:timed_app()", port),
            ("least", "bench.file_phases:timed_least_proxy()", least_port),
        ):
            command = _gunicorn(at, app) + one_worker
            served = {**env, OUT_VARIABLE: str(outs[name])}
            stack.enter_context(_process(command, served, at, f"gunicorn ({name})", tree))
        paths = {
            "product": product_transfers(port, token, content),
            "least proxy": least_proxy_transfers(least_port, content),
            "raw boto3": anchor_transfers(endpoint, bucket, content),
        }
        for transfers in paths.values():
            transfers.warm()
        seconds: dict[tuple[str, str], list[float]] = {
            (path, way): [] for path in paths for way in ("upload", "download")
        }
        before = {name: _signal_and_read(out) for name, out in outs.items()}
        for _ in range(args.rounds):
            for way in ("upload", "download"):
                for path, transfers in paths.items():
                    seconds[(path, way)].append(transfers.time(way))
        after = {name: _signal_and_read(out) for name, out in outs.items()}
    database.dispose()
    timed = {
        name: {
            key: [
                spent - before[name].get(key, [0, 0])[0],
                calls - before[name].get(key, [0, 0])[1],
            ]
            for key, (spent, calls) in after[name].items()
        }
        for name in after
    }
    for name, method in (("product", "PUT"), ("product", "GET"), ("least", "PUT")):
        counted = timed[name].get(f"request {method}", [0, 0])[1]
        if counted != args.rounds:  # every transfer timed, and by the one worker
            raise RuntimeError(f"{name}: {counted} {method} requests timed, not {args.rounds}")
    report = _report(args, seconds, timed, {"PUT": args.rounds, "GET": args.rounds})
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "file_phases.md").write_text(report)
    print(report)
    return 0


def _report(
    args: argparse.Namespace,
    seconds: dict[tuple[str, str], list[float]],
    timed: dict[str, dict[str, list[float]]],
    calls: dict[str, int],
) -> str:
    product, least = timed["product"], timed["least"]
    up, down = calls["PUT"], calls["GET"]

    def ms(name: str, per: int, times: dict[str, list[float]] = product) -> float:
        return _mean_ms(times, name, per)

    checks = sum(
        ms(f"Workspace.{step}", up) for step in ("read_before_writing", "peek", "end_reads")
    )
    attach_rest = (
        ms("attach_file", up)
        - checks
        - ms("read, scan and hash", up)
        - ms("the PUT", up)
        - ms("lock and check again", up)
    )
    whole_up = ms("request PUT", up)
    after_commit = (
        whole_up - ms("before attach_file", up) - ms("attach_file", up) - ms("Workspace.commit", up)
    )
    rows = [
        ("upload: the whole request", whole_up),
        ("- the key, the routing, the form read up to the file (with the body's first read)",
         ms("before attach_file", up)),
        ("- the checks, read outside a transaction", checks),
        ("- the rest of the body read off the socket, scanned for the boundary, hashed",
         ms("read, scan and hash", up)),
        ("- the PUT to the store", ms("the PUT", up)),
        ("- the initiative locked and its status checked again", ms("lock and check again", up)),
        ("- the rest of attach_file (the file's head read, the row written with its version)",
         attach_rest),
        ("- the commit (the change clock, the event and its snapshot, COMMIT)",
         ms("Workspace.commit", up)),
        ("- the answer", after_commit),
        ("download: the whole request, until its body is handed to gunicorn",
         ms("request GET", down)),
        ("- the evidence read (its consent, its file)", ms("the evidence read", down)),
        ("- the GET from the store, until its body begins", ms("the GET", down)),
        ("the key, upload or download", _mean_ms(product, "the key", up + down)),
        ("least proxy, upload: the whole request", ms("request PUT", up, least)),
        ("- of which its read of the body", ms("read the body", up, least)),
    ]  # fmt: skip
    lines = [
        f"# Where an object-store transfer's time goes ({args.mib} MiB, {args.rounds} rounds)",
        "",
        "Each phase's mean per transfer in ms, timed inside the server (gunicorn, one "
        "worker), the product, the least proxy and raw boto3 taking turns as in "
        "`bench.files`; then each path's median time at the client. See "
        "`python -m bench.file_phases --help`.",
        "",
        "| phase | ms |",
        "| --- | ---: |",
    ]
    lines += [f"| {name} | {value:.2f} |" for name, value in rows]
    lines += ["", "| path | upload, median ms | download, median ms |", "| --- | ---: | ---: |"]
    for path in ("product", "least proxy", "raw boto3"):
        upload = statistics.median(seconds[(path, "upload")]) * 1000
        download = statistics.median(seconds[(path, "download")]) * 1000
        lines.append(f"| {path} (client) | {upload:.1f} | {download:.1f} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
