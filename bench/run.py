"""``python -m bench``: seed, serve, load, and print the table.

Everything is seeded first (or found in the cache), so that seeding never runs beside a
measurement; then, database by database and size by size, the product and the anchor
are served side by side and every case is measured on one and then the other.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import pathlib
import shlex
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Any

from bench import report
from bench.cases import Case, build_cases, check_cases, long_cases
from bench.explain import explain
from bench.load import (
    ANCHOR_APP,
    CORE_ANCHOR_APP,
    PRODUCT_APP,
    WRK_INSTALL,
    LoadSettings,
    RssWatch,
    Server,
    ServerSettings,
    run_wrk,
    time_one,
    wrk_path,
)
from bench.seed import Seeded, bring_current, ensure_seeded, forget_bench_writes
from bench.targets import Size, Target, postgresql_reachable, postgresql_target, sqlite_target

HERE = pathlib.Path(__file__).resolve().parent
ONE_REQUEST_TIMEOUT = 180.0
SINGLE_TIMINGS = 7
"""Timings per app of each request on the long initiative; their median is reported."""
SINGLE_BUDGET = 60.0
"""Seconds after which no more timings of one such request are taken (where one request
takes seconds, as at 1 million rows before the tallies were indexed)."""
DEFAULT_POSTGRESQL = "postgresql://postgres@127.0.0.1:5432"


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    sizes: tuple[Size, ...]
    load: LoadSettings


FULL = Profile(
    "full",
    (Size(1_000, 10_000, 10), Size(1_000_000, 10_000, 10)),
    LoadSettings(duration=4, warmup=2, connections=8, rounds=3),
)
QUICK = Profile(
    "quick",
    (Size(1_000, 1_000, 4), Size(20_000, 1_000, 4)),
    LoadSettings(duration=3, warmup=1, connections=8, rounds=1),
)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark coprod's hot paths against a hand-written anchor "
        "(see bench/README.md).",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, short runs")
    parser.add_argument("--reseed", action="store_true", help="seed again, even if cached")
    parser.add_argument("--seed-only", action="store_true", help="seed (or check the cache), stop")
    parser.add_argument(
        "--databases",
        default="sqlite,postgresql",
        help="comma-separated: sqlite, postgresql (default both)",
    )
    parser.add_argument(
        "--postgresql",
        default=os.environ.get("COPROD_BENCH_POSTGRESQL", DEFAULT_POSTGRESQL),
        help="the PostgreSQL server, as a URL without a database "
        f"(default $COPROD_BENCH_POSTGRESQL or {DEFAULT_POSTGRESQL})",
    )
    parser.add_argument(
        "--pg-prefix",
        default=os.environ.get("COPROD_BENCH_PG_PREFIX", "coprod_bench"),
        help="PostgreSQL databases are named PREFIX_<size> (default coprod_bench)",
    )
    parser.add_argument(
        "--data-dir",
        type=pathlib.Path,
        default=pathlib.Path(os.environ.get("COPROD_BENCH_DATA", HERE / "data")),
        help="where the SQLite files and server logs go (default bench/data)",
    )
    parser.add_argument(
        "--results", type=pathlib.Path, default=HERE / "results", help="where tables are written"
    )
    parser.add_argument("--cases", help="comma-separated case keys to run (default all)")
    parser.add_argument("--duration", type=int, help="measured seconds per round")
    parser.add_argument("--rounds", type=int, help="measured rounds per case and app")
    parser.add_argument("--warmup", type=int, help="warm-up seconds per case and app")
    parser.add_argument("--connections", type=int, help="wrk connections")
    parser.add_argument(
        "--no-long",
        dest="long",
        action="store_false",
        help="skip the single requests on the long initiative (seconds each at 1M evidence)",
    )
    parser.add_argument(
        "--sizes",
        help="comma-separated sizes of the profile to run, by label (1k, 1M; default all)",
    )
    parser.add_argument(
        "--no-core-anchor",
        dest="core",
        action="store_false",
        help="skip the second anchor (the same SQL through SQLAlchemy Core), a third less time",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="also write the plans of the product's queries at the largest size",
    )
    return parser.parse_args(argv)


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    started = time.monotonic()
    if wrk_path() is None and not args.seed_only:
        print(f"wrk, the HTTP load generator, is not installed. Install it: {WRK_INSTALL}")
        return 2
    profile = QUICK if args.quick else FULL
    load = dataclasses.replace(
        profile.load,
        **{
            name: value
            for name, value in (
                ("duration", args.duration),
                ("rounds", args.rounds),
                ("warmup", args.warmup),
                ("connections", args.connections),
            )
            if value is not None
        },
    )
    if args.sizes:
        chosen = {label.strip().lower() for label in args.sizes.split(",")}
        sizes = tuple(size for size in profile.sizes if size.label.lower() in chosen)
        if not sizes:
            known = ", ".join(size.label for size in profile.sizes)
            print(f"No such size in the {profile.name} run: choose from {known}.")
            return 2
        profile = dataclasses.replace(profile, sizes=sizes)
    kinds = [kind.strip() for kind in args.databases.split(",") if kind.strip()]
    postgresql: str | None = args.postgresql if "postgresql" in kinds else None
    if postgresql is not None:
        why = postgresql_reachable(postgresql)
        if why is not None:
            _log(f"PostgreSQL at {postgresql} does not answer ({why}); measuring SQLite only")
            postgresql = None
    targets: list[Target] = []
    for size in profile.sizes:
        if "sqlite" in kinds:
            targets.append(sqlite_target(args.data_dir, size))
    for size in profile.sizes:
        if postgresql is not None:
            targets.append(postgresql_target(postgresql, args.pg_prefix, size))
    if not targets:
        print("Nothing to measure: choose --databases sqlite and/or postgresql.")
        return 2
    seeded = [ensure_seeded(target, reseed=args.reseed, log=_log) for target in targets]
    if args.seed_only:
        return 0
    run: dict[str, Any] = {
        "profile": profile.name,
        "started": report.started_now(),
        "command": "python -m bench" + (" " + shlex.join(argv or sys.argv[1:])).rstrip(),
        "machine": report.machine(postgresql),
        "server": ServerSettings.spreading(load.connections).describe(),
        "load": load.describe(),
        "sizes": [
            f"{size.label} evidence, {size.initiatives:,} initiatives in "
            f"{size.organisations} organisations"
            for size in profile.sizes
        ],
        "seeding": [
            {
                "database": item.target.name,
                "evidence": item.target.size.label,
                "seconds": item.seconds,
                "steps": item.steps,
                "events": item.feed_events_all,
                "caller_events": item.feed_events,
            }
            for item in seeded
        ],
        "rows": [],
        "single": [],
    }
    wanted = {key.strip() for key in args.cases.split(",")} if args.cases else None
    logs = args.data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    for item in seeded:
        cases = [case for case in build_cases(item) if wanted is None or case.key in wanted]
        long = [
            case
            for case in long_cases(item)
            if args.long and (wanted is None or case.key in wanted)
        ]
        rows, single = _measure(item, cases, long, load, logs, core=args.core)
        run["rows"] += rows
        run["single"] += single
    run["goals"] = [dataclasses.asdict(goal) for goal in report.goals(run["rows"], run["single"])]
    if args.explain:
        largest = [item for item in seeded if item.target.size == profile.sizes[-1]]
        run["explain"] = explain(largest)
    run["seconds"] = round(time.monotonic() - started, 1)
    run["load_average_at_end"] = [round(value, 2) for value in os.getloadavg()]
    table = report.markdown(run)
    args.results.mkdir(parents=True, exist_ok=True)
    stem = "latest" if profile.name == "full" else "quick"
    (args.results / f"{stem}.md").write_text(table)
    (args.results / f"{stem}.json").write_text(json.dumps(run, indent=2) + "\n")
    if args.explain:
        (args.results / f"{stem}-explain.md").write_text(run["explain"])
    print(table)
    _log(f"done in {run['seconds'] / 60:.1f} minutes; written to {args.results}/{stem}.md")
    return 0


def _measure(
    seeded: Seeded,
    cases: list[Case],
    long: list[Case],
    load: LoadSettings,
    logs: pathlib.Path,
    *,
    core: bool = True,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every case on the product and the anchors, served side by side on one database."""
    target = seeded.target
    bring_current(seeded, _log)
    _log(f"{target.name} {target.size.label}: checking {len(cases)} cases in process")
    checks = check_cases(seeded, cases, core=core)
    for key, check in checks.items():
        if not check.ok:
            _log(f"  {key}: product and anchor disagree: {'; '.join(check.notes)}")
    settings = ServerSettings.spreading(load.connections)
    folder = pathlib.Path(tempfile.mkdtemp(prefix=f"{target.size.slug}-", dir=logs))
    servers = {
        "product": Server(PRODUCT_APP, target.url, settings, folder),
        "anchor": Server(ANCHOR_APP, target.url, settings, folder),
    }
    if core:
        servers["core"] = Server(CORE_ANCHOR_APP, target.url, settings, folder, name="core")
    rows: list[dict[str, Any]] = []
    try:
        for server in servers.values():
            server.start(seeded.token)
        for case in cases:
            figures = _load_case(seeded, case, servers, load)
            product, anchor = figures["product"], figures["anchor"]
            ratio, spread = paired_ratio(product, anchor)
            core_side = figures.get("core")
            core_ratio, core_spread = (
                paired_ratio(product, core_side) if core_side else (None, None)
            )
            check = checks[case.key]
            _log(
                f"  {target.name} {target.size.label} {case.key}: product "
                f"{product['rps']:.0f} req/s, anchor {anchor['rps']:.0f} req/s, "
                f"ratio {ratio if ratio is None else round(ratio, 2)}"
                + (f", Core anchor {core_side['rps']:.0f} req/s" if core_side else "")
            )
            rows.append(
                {
                    "database": target.name,
                    "evidence": target.size.label,
                    "case": case.key,
                    "title": case.title,
                    "ratio": ratio,
                    "ratio_spread": spread,
                    "product": product,
                    "anchor": anchor,
                    "core": core_side,
                    "core_ratio": core_ratio,
                    "core_ratio_spread": core_spread,
                    "check": {
                        "ok": check.ok,
                        "notes": check.notes,
                        "product_sql": check.product_sql,
                        "anchor_sql": check.anchor_sql,
                        "core_sql": check.core_sql,
                        "product_status": check.product_status,
                        "anchor_status": check.anchor_status,
                        "product_statements": check.product_statements,
                    },
                }
            )
        single = _single_requests(seeded, long, servers)
    finally:
        for server in servers.values():
            server.stop()
        forget_bench_writes(seeded)
    return rows, single


def _load_case(
    seeded: Seeded, case: Case, servers: dict[str, Server], load: LoadSettings
) -> dict[str, dict[str, Any]]:
    """Warm both apps, then measure them in alternating rounds, and combine the rounds.

    Alternating product and anchor in short rounds spreads whatever else the machine is
    doing over both, which keeps their ratio fair on a busy machine.
    """
    for server in servers.values():
        run_wrk(server, case.requests, seeded.token, load.warmup, load)
        server.wait_idle()
        if case.writes:
            forget_bench_writes(seeded)  # each run starts from the seeded rows
    rounds: dict[str, list[dict[str, Any]]] = {side: [] for side in servers}
    beside: dict[str, list[dict[str, Any]]] = {side: [] for side in servers}
    for _ in range(load.rounds):
        for side, server in servers.items():
            if case.beside is not None:
                beside[side].append(run_wrk(server, case.beside, seeded.token, load.duration, load))
                server.wait_idle()
            with RssWatch(server) as watch:
                result = run_wrk(server, case.requests, seeded.token, load.duration, load)
            result["rss_mib"] = round(watch.peak_kib / 1024, 1)
            result["drain_seconds"] = round(server.wait_idle(), 1)
            rounds[side].append(result)
            if case.writes:
                forget_bench_writes(seeded)
    return {
        side: {**_combined(results), **({"beside_rounds": beside[side]} if beside[side] else {})}
        for side, results in rounds.items()
    }


def paired_ratio(
    product: dict[str, Any], anchor: dict[str, Any]
) -> tuple[float | None, tuple[float, float] | None]:
    """The product's throughput over the anchor's: the median of the rounds' own ratios
    (each product round over the anchor round run right after it), with the lowest and
    highest. A round the machine slowed falls on one pair, not on the whole figure."""
    ratios = [
        mine["rps"] / theirs["rps"]
        for mine, theirs in zip(product["rounds"], anchor["rounds"], strict=True)
        if theirs["rps"]
    ]
    if not ratios:
        return None, None
    return statistics.median(ratios), (min(ratios), max(ratios))


def _combined(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """One figure from several rounds: requests over time, each latency the median of the
    rounds' (one slowed round does not move it), worst RSS."""
    seconds = sum(item["duration_us"] for item in rounds) / 1e6
    requests = sum(item["requests"] for item in rounds)
    return {
        "requests": requests,
        "duration_us": sum(item["duration_us"] for item in rounds),
        "rps": requests / seconds if seconds else 0.0,
        "errors": {
            name: sum(item["errors"][name] for item in rounds) for name in rounds[0]["errors"]
        },
        "latency_us": {
            name: statistics.median(item["latency_us"][name] for item in rounds)
            for name in rounds[0]["latency_us"]
        },
        "rss_mib": max(item["rss_mib"] for item in rounds),
        "rounds": rounds,
    }


def _timed_requests(server: Server, case: Case, seeded: Seeded) -> dict[str, Any]:
    """The median of ``SINGLE_TIMINGS`` requests, each timed alone on an idle server (a
    write's rows deleted after each), or of those made in ``SINGLE_BUDGET`` seconds.

    One timing is one sample of a machine shared with PostgreSQL and the other apps: a WAL
    checkpoint or a collection falling into it shows as a 9 ms create timed at 28 ms (seen
    once). The median of several is what the request costs.
    """
    timings: list[float] = []
    status = 0
    spent = 0.0
    while len(timings) < SINGLE_TIMINGS and spent < SINGLE_BUDGET:
        server.wait_idle()
        status, seconds = time_one(server, case.requests, seeded.token, ONE_REQUEST_TIMEOUT)
        if case.writes:
            forget_bench_writes(seeded)
        if seconds is None:
            return {"status": status, "seconds": None, "timings": timings}
        timings.append(seconds)
        spent += seconds
    return {"status": status, "seconds": statistics.median(timings), "timings": timings}


def _single_requests(
    seeded: Seeded, cases: list[Case], servers: dict[str, Server]
) -> list[dict[str, Any]]:
    """One request each on the long initiative, timed end to end on both apps."""
    found: list[dict[str, Any]] = []
    target = seeded.target
    for case in cases:
        figures: dict[str, Any] = {
            "database": target.name,
            "evidence": target.size.label,
            "case": case.key,
            "title": case.title,
        }
        for side, server in servers.items():
            figures[side] = _timed_requests(server, case, seeded)
        _log(
            f"  {target.name} {target.size.label} {case.key}: product "
            f"{figures['product']['seconds']} s, anchor {figures['anchor']['seconds']} s"
        )
        found.append(figures)
    return found
