"""``python -m bench.bulk``: 10,000 upserts, as one bulk NDJSON request and as single PUTs.

An integrator loading a CRM's records can send them one ``PUT .../by-external-ref/{ref}``
at a time or as lines of one ``POST /api/v1/bulk``; this says how many rows a second each
way writes, on the product under the suite's gunicorn settings, on a seeded database. The
lines are pieces of evidence (a participant quote, the create case's body) spread over the
twenty hot initiatives, each with a reference of its own, so that every line creates a
row; both ways write the same lines under different references, and what each wrote is
deleted before the next. The single PUTs go over 8 keep-alive connections at once, as the
other cases' wrk does; the bulk request is one request, timed end to end.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import pathlib
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from bench.cases import CREATE_BODY
from bench.load import PRODUCT_APP, Server, ServerSettings
from bench.run import DEFAULT_POSTGRESQL, HERE, _log
from bench.seed import Seeded, ensure_seeded, forget_bench_writes
from bench.targets import Size, postgresql_target, sqlite_target

LINES = 10_000
BULK_PATH = "/api/v1/bulk"


def _lines(seeded: Seeded, prefix: str, count: int) -> list[tuple[str, str, dict[str, Any]]]:
    """(initiative id, reference, evidence) for each line."""
    hot = seeded.hot_initiative_ids
    return [(hot[n % len(hot)], f"{prefix}-{n:05d}", dict(CREATE_BODY)) for n in range(count)]


def single_puts(server: Server, seeded: Seeded, count: int, connections: int) -> dict[str, Any]:
    """Every line as its own PUT, over ``connections`` keep-alive connections at once, until
    all are answered: rows a second over the whole, and each PUT's latency.

    (``wrk`` runs for a duration, not a number of requests, so a small threaded client
    sends them; it spends well under a millisecond a request beside the server's ~10.)
    """
    lines = _lines(seeded, f"bench-put-{int(time.time())}", count)
    body = json.dumps(CREATE_BODY).encode()
    headers = {"Authorization": f"Bearer {seeded.token}", "Content-Type": "application/json"}
    parsed = urllib.parse.urlsplit(server.base_url)
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()

    def send(share: list[tuple[str, str, dict[str, Any]]]) -> None:
        connection = http.client.HTTPConnection(
            parsed.hostname or "127.0.0.1", parsed.port, timeout=60
        )
        try:
            for initiative, ref, _ in share:
                path = f"/api/v1/initiatives/{initiative}/evidence/by-external-ref/{ref}"
                began = time.perf_counter()
                connection.request("PUT", path, body=body, headers=headers)
                reply = connection.getresponse()
                reply.read()
                took = time.perf_counter() - began
                with lock:
                    latencies.append(took)
                    if reply.status >= 300:
                        failures.append(reply.status)
        finally:
            connection.close()

    shares = [lines[number::connections] for number in range(connections)]
    threads = [threading.Thread(target=send, args=(share,)) for share in shares]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "seconds": seconds,
        "rows_per_second": count / seconds if seconds else 0.0,
        "failed": len(failures),
        "first_failure": failures[0] if failures else None,
        "latency_us": {
            "p50": latencies[len(latencies) // 2] * 1e6,
            "p99": latencies[min(len(latencies) - 1, len(latencies) * 99 // 100)] * 1e6,
        },
    }


def bulk(server: Server, seeded: Seeded, count: int) -> dict[str, Any]:
    """Every line in one NDJSON request to the bulk endpoint, timed end to end."""
    lines = _lines(seeded, f"bench-bulk-{int(time.time())}", count)
    body = "".join(
        json.dumps(
            {
                "record_type": "evidence",
                "initiative_id": initiative,
                "external_ref": ref,
                "record": record,
            },
            separators=(",", ":"),
        )
        + "\n"
        for initiative, ref, record in lines
    ).encode()
    request = urllib.request.Request(
        server.base_url + BULK_PATH,
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {seeded.token}",
            "Content-Type": "application/x-ndjson",
        },
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=600) as reply:
            answer = reply.read()
            status = int(reply.status)
    except urllib.error.HTTPError as error:
        answer = error.read()
        status = error.code
    seconds = time.perf_counter() - started
    statuses: dict[str, int] = {}
    for line in answer.splitlines():
        try:
            shown = str(json.loads(line).get("status"))
        except (ValueError, AttributeError):
            shown = "unreadable"
        statuses[shown] = statuses.get(shown, 0) + 1
    written = sum(number for shown, number in statuses.items() if shown in {"200", "201"})
    return {
        "status": status,
        "line_statuses": statuses,
        "seconds": seconds,
        "rows_per_second": written / seconds if status < 300 and seconds else None,
        "bytes_sent": len(body),
        "answer_head": answer[:300].decode("utf-8", "replace"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bulk")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--evidence", type=int, default=1_000)
    parser.add_argument("--lines", type=int, default=LINES)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--postgresql", default=DEFAULT_POSTGRESQL)
    parser.add_argument("--pg-prefix", default="coprod_bench")
    parser.add_argument("--data-dir", type=pathlib.Path, default=HERE / "data")
    parser.add_argument("--results", type=pathlib.Path, default=HERE / "results")
    args = parser.parse_args(argv)
    size = Size(args.evidence, 10_000, 10)
    logs = args.data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    load_at_start = round(os.getloadavg()[0], 2)
    for kind in [item.strip() for item in args.databases.split(",") if item.strip()]:
        target = (
            sqlite_target(args.data_dir, size)
            if kind == "sqlite"
            else postgresql_target(args.postgresql, args.pg_prefix, size)
        )
        seeded = ensure_seeded(target, reseed=False, log=_log)
        folder = pathlib.Path(tempfile.mkdtemp(prefix=f"bulk-{kind}-", dir=logs))
        server = Server(PRODUCT_APP, target.url, ServerSettings(), folder)
        forget_bench_writes(seeded)
        try:
            server.start(seeded.token)
            puts = single_puts(server, seeded, args.lines, args.connections)
            server.wait_idle()
            forget_bench_writes(seeded)
            sent = bulk(server, seeded, args.lines)
            server.wait_idle()
        finally:
            server.stop()
            forget_bench_writes(seeded)
        row: dict[str, Any] = {
            "database": target.name,
            "evidence": size.label,
            "puts": puts,
            "bulk": sent,
        }
        _log(f"{target.name} {size.label}: {json.dumps(row)}")
        rows.append(row)
    lines = [
        f"## {args.lines:,} evidence upserts: one bulk NDJSON request against single PUTs",
        "",
        "| database | evidence | single PUTs rows/s | PUT p50 / p99 ms | failed PUTs | "
        "bulk rows/s | bulk status (lines' statuses) | bulk / PUTs |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        puts, sent = row["puts"], row["bulk"]
        bulk_rate = sent["rows_per_second"]
        lines.append(
            f"| {row['database']} | {row['evidence']} | {puts['rows_per_second']:,.0f} | "
            f"{puts['latency_us']['p50'] / 1000:.1f} / {puts['latency_us']['p99'] / 1000:.1f} | "
            f"{puts['failed']} | "
            + (f"{bulk_rate:,.0f}" if bulk_rate else "n/a")
            + f" | {sent['status']} ({sent.get('line_statuses')}) | "
            + (f"{bulk_rate / puts['rows_per_second']:.1f}" if bulk_rate else "n/a")
            + " |"
        )
    lines += [
        "",
        f"Measured {started} (UTC); load average {load_at_start} at the start, "
        f"{round(os.getloadavg()[0], 2)} at the end (2 cores, shared); gunicorn 2 gthread "
        f"workers x 4 threads; single PUTs over {args.connections} connections at once.",
        "",
    ]
    table = "\n".join(lines)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "bulk.md").write_text(table)
    (args.results / "bulk.json").write_text(json.dumps(rows, indent=2) + "\n")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
