"""``python -m bench.ab --before PATH``: one write case on two trees' products, side by side.

What a change to the product costs per request, measured the way the suite measures the
product against its anchor: both served by the same gunicorn settings, on the same data,
in one run, in alternating rounds. The *before* tree is another checkout (``git worktree
add /tmp/before <commit>``), served with ``PYTHONPATH`` pointing at it.

Two trees rarely share a schema, so each is given its own copy of one seeded database:
the before tree's own seeder seeds it (at the before tree's migrations), and the copy the
current tree serves is upgraded to its head by its migrations, as ``coprod db upgrade``
would. The rows are the same; the current tree's copy has what its migrations add (for
the change feed: the events the before tree wrote, numbered, and the change clock).

The case is ``create-evidence``: a participant quote, in turn over the twenty hot
initiatives. What each run added is deleted again before the next.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Any

import sqlalchemy as sa

from bench.cases import CREATE_BODY, build_cases
from bench.load import (
    PRODUCT_APP,
    LoadSettings,
    Requests,
    Server,
    ServerSettings,
    run_wrk,
)
from bench.run import DEFAULT_POSTGRESQL, _log
from bench.seed import bring_current, ensure_seeded, forget_bench_writes
from bench.targets import Size, Target, postgresql_target, sqlite_target
from toolkits_core.service import Database, database_url

HERE = pathlib.Path(__file__).resolve().parent
_SEED_BEFORE = """
import dataclasses, json, sys
from bench.seed import ensure_seeded
from bench.targets import Size, Target
target = Target(**{**json.loads(sys.argv[1]), "size": Size(**json.loads(sys.argv[2]))})
seeded = ensure_seeded(target, reseed=False, log=lambda line: print(line, file=sys.stderr))
print(json.dumps({"token": seeded.token, "organisation_id": seeded.organisation_id,
                  "hot": list(seeded.hot_initiative_ids), "last": seeded.last_evidence_id}))
"""


def _seed_before(before: pathlib.Path, target: Target) -> dict[str, Any]:
    """Seed (or reuse) the before tree's database with the before tree's own seeder."""
    described = {
        "kind": target.kind,
        "url": target.url,
        "server_url": target.server_url,
    }
    env = {**os.environ, "PYTHONPATH": str(before)}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _SEED_BEFORE,
            json.dumps(described),
            json.dumps(
                {
                    "evidence": target.size.evidence,
                    "initiatives": target.size.initiatives,
                    "organisations": target.size.organisations,
                }
            ),
        ],
        cwd=before,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the before tree's seeder failed:\n{done.stderr}")
    for line in done.stderr.splitlines():
        _log(f"  before: {line}")
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def _copy(source: Target, copy: Target) -> None:
    """A fresh copy of the before database, for the current tree to upgrade and serve."""
    copy.drop()
    if source.kind == "sqlite":
        assert source.sqlite_file is not None
        assert copy.sqlite_file is not None
        shutil.copyfile(source.sqlite_file, copy.sqlite_file)
        return
    assert copy.server_url is not None
    engine = sa.create_engine(database_url(copy.server_url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(
                sa.text(f'CREATE DATABASE "{copy.database_name}" TEMPLATE "{source.database_name}"')
            )
    finally:
        engine.dispose()


def _forget(url: str, organisation_id: str, last: str) -> None:
    engine = sa.create_engine(database_url(url))
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text("DELETE FROM evidence WHERE organisation_id = :org AND id > :last"),
                {"org": organisation_id, "last": last},
            )
    finally:
        engine.dispose()


def _git_head(tree: pathlib.Path) -> str:
    done = subprocess.run(
        ["git", "-C", str(tree), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip()


def measure(
    before: pathlib.Path, target: Target, copy: Target, load: LoadSettings, logs: pathlib.Path
) -> dict[str, Any]:
    seeded = _seed_before(before, target)
    _copy(target, copy)
    database = Database(copy.url)
    try:
        database.upgrade()
    finally:
        database.dispose()
    requests = Requests(
        "POST",
        tuple(f"/api/v1/initiatives/{item}/evidence" for item in seeded["hot"]),
        CREATE_BODY,
    )
    settings = ServerSettings.spreading(load.connections)
    folder = pathlib.Path(tempfile.mkdtemp(prefix=f"ab-{target.kind}-", dir=logs))
    servers = {
        "before": Server(PRODUCT_APP, target.url, settings, folder, root=before, name="before"),
        "after": Server(PRODUCT_APP, copy.url, settings, folder, name="after"),
    }
    urls = {"before": target.url, "after": copy.url}

    def forget_all() -> None:
        for url in urls.values():
            _forget(url, seeded["organisation_id"], seeded["last"])

    return _alternate(servers, requests, seeded["token"], load, target, forget_all)


def measure_shared(
    before: pathlib.Path, target: Target, case_key: str, load: LoadSettings, logs: pathlib.Path
) -> dict[str, Any]:
    """Both trees on one database the current tree seeds: for trees with one schema.

    Any case of the suite can be measured so (reads included), with the requests the
    suite sends; what writes added is deleted between rounds.
    """
    seeded = ensure_seeded(target, reseed=False, log=_log)
    bring_current(seeded, _log)
    cases = {case.key: case for case in build_cases(seeded)}
    if case_key not in cases:
        raise SystemExit(f"no case {case_key!r} here: one of {', '.join(sorted(cases))}")
    requests = cases[case_key].requests
    settings = ServerSettings.spreading(load.connections)
    folder = pathlib.Path(tempfile.mkdtemp(prefix=f"ab-{target.kind}-", dir=logs))
    servers = {
        "before": Server(PRODUCT_APP, target.url, settings, folder, root=before, name="before"),
        "after": Server(PRODUCT_APP, target.url, settings, folder, name="after"),
    }
    return _alternate(servers, requests, seeded.token, load, target,
                      lambda: forget_bench_writes(seeded))  # fmt: skip


def _alternate(
    servers: dict[str, Server],
    requests: Requests,
    token: str,
    load: LoadSettings,
    target: Target,
    forget_all: Any,
) -> dict[str, Any]:
    """Warm both, then alternate measured rounds; each side's req/s and latencies."""
    rounds: dict[str, list[dict[str, Any]]] = {side: [] for side in servers}
    try:
        for server in servers.values():
            server.start(token)
        for server in servers.values():
            run_wrk(server, requests, token, load.warmup, load)
            server.wait_idle()
        forget_all()
        for _ in range(load.rounds):
            for side, server in servers.items():
                result = run_wrk(server, requests, token, load.duration, load)
                server.wait_idle()
                rounds[side].append(result)
                forget_all()
    finally:
        for server in servers.values():
            server.stop()
        forget_all()
    figures: dict[str, Any] = {"database": target.name, "evidence": target.size.label}
    for side, results in rounds.items():
        seconds = sum(item["duration_us"] for item in results) / 1e6
        requests_done = sum(item["requests"] for item in results)
        figures[side] = {
            "rps": requests_done / seconds if seconds else 0.0,
            "p50_ms": sum(item["latency_us"]["p50"] for item in results) / len(results) / 1000,
            "p99_ms": sum(item["latency_us"]["p99"] for item in results) / len(results) / 1000,
            "errors": sum(sum(item["errors"].values()) for item in results),
            "rounds": [round(item["rps"], 1) for item in results],
        }
    before_rps, after_rps = figures["before"]["rps"], figures["after"]["rps"]
    figures["ratio"] = after_rps / before_rps if before_rps else None
    figures["ms_per_request"] = (
        1000 / after_rps - 1000 / before_rps if before_rps and after_rps else None
    )
    return figures


def markdown(run: dict[str, Any]) -> str:
    lines = [
        f"## A/B: {run['case']}, {run['before_commit']} (before) against "
        f"{run['after_commit']} (after)",
        "",
        "| database | evidence | before req/s | after req/s | after / before | "
        "p50 ms before / after | p99 ms before / after | machine ms per request, after - before |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in run["rows"]:
        b, a = row["before"], row["after"]
        lines.append(
            f"| {row['database']} | {row['evidence']} | {b['rps']:,.0f} | {a['rps']:,.0f} | "
            f"{row['ratio']:.2f} | {b['p50_ms']:.1f} / {a['p50_ms']:.1f} | "
            f"{b['p99_ms']:.1f} / {a['p99_ms']:.1f} | {row['ms_per_request']:+.2f} |"
        )
    lines += [
        "",
        f"Measured {run['started']} (UTC); "
        + run["load"].replace("product and anchor", "before and after")
        + "; load average "
        + f"{run['load_average'][0]} at the start, {run['load_average_at_end'][0]} at the end "
        "(2 cores, shared). Machine ms per request is 1000/req/s after less 1000/req/s "
        "before: with the machine saturated, what the change adds to each request's work.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ab")
    parser.add_argument("--before", type=pathlib.Path, required=True, help="the before tree")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--evidence", type=int, default=1_000)
    parser.add_argument("--case", default="create-evidence", help="a case key of the suite")
    parser.add_argument(
        "--shared",
        action="store_true",
        help="serve both trees on one database seeded by this tree (same schema only); "
        "needed for any case but create-evidence",
    )
    parser.add_argument("--pg-prefix", default="coprod_bench", help="as for python -m bench")
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--postgresql", default=DEFAULT_POSTGRESQL)
    parser.add_argument("--data-dir", type=pathlib.Path, default=HERE / "data" / "ab")
    parser.add_argument("--results", type=pathlib.Path, default=HERE / "results")
    args = parser.parse_args(argv)
    load = LoadSettings(
        duration=args.duration,
        warmup=args.warmup,
        connections=args.connections,
        rounds=args.rounds,
    )
    size = Size(args.evidence, 10_000, 10)
    logs = args.data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    run: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "before_commit": _git_head(args.before),
        "after_commit": _git_head(HERE.parent),
        "case": args.case,
        "load": load.describe(),
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "rows": [],
    }
    kinds = [kind.strip() for kind in args.databases.split(",") if kind.strip()]
    for kind in kinds:
        if args.shared:
            shared = (
                sqlite_target(HERE / "data", size)
                if kind == "sqlite"
                else postgresql_target(args.postgresql, args.pg_prefix, size)
            )
            _log(f"A/B {args.case} on {shared.name}: before {args.before}, after {HERE.parent}")
            row = measure_shared(args.before, shared, args.case, load, logs)
            _log(f"  {json.dumps(row)}")
            run["rows"].append(row)
            continue
        if args.case != "create-evidence":
            raise SystemExit("only create-evidence without --shared")
        if kind == "sqlite":
            target = sqlite_target(args.data_dir / "before", size)
            copy = sqlite_target(args.data_dir / "after", size)
            assert copy.sqlite_file is not None
            copy.sqlite_file.parent.mkdir(parents=True, exist_ok=True)
        else:
            target = postgresql_target(args.postgresql, f"{args.pg_prefix}_ab_before", size)
            copy = postgresql_target(args.postgresql, f"{args.pg_prefix}_ab_after", size)
        _log(f"A/B {target.name} {size.label}: before {args.before}, after {HERE.parent}")
        row = measure(args.before, target, copy, load, logs)
        _log(f"  {json.dumps(row)}")
        run["rows"].append(row)
    run["load_average_at_end"] = [round(value, 2) for value in os.getloadavg()]
    args.results.mkdir(parents=True, exist_ok=True)
    stem = "ab" if args.case == "create-evidence" and not args.shared else f"ab-{args.case}"
    (args.results / f"{stem}.md").write_text(markdown(run))
    (args.results / f"{stem}.json").write_text(json.dumps(run, indent=2) + "\n")
    print(markdown(run))
    return 0


if __name__ == "__main__":
    sys.exit(main())
