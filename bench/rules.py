"""``python -m bench.rules``: the toolkits' rules on the long initiative, at every size.

Progress and a transition both ask the toolkit's plugins whether the initiative may move
on, so their cost is the rules' cost. Before plugin API 1.1 the Star's rules read every
piece of the initiative's evidence (12.6 s on SQLite and 14.8 s on PostgreSQL at 600,936
pieces); since, they ask the database aggregate questions. This times, in process through
the Flask app (the product's whole request, without the network), on the databases
``python -m bench`` seeds: ``GET .../progress`` of the long initiative, and ``POST
.../transitions`` to the next stage, which the Star refuses (no co-production charter is
seeded), so every run asks the same question and writes nothing. It writes
``bench/results/rules.md`` with the median of ``--runs`` requests after one warm-up each,
and judges issue 14's goals: at most 50 ms at the largest size, and at most 1.5x the time
at the smallest.
"""

from __future__ import annotations

import argparse
import pathlib
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from bench.run import DEFAULT_POSTGRESQL, FULL, HERE, QUICK
from bench.seed import Seeded, ensure_seeded
from bench.targets import Target, postgresql_reachable, postgresql_target, sqlite_target

GOAL_SECONDS = 0.050
GOAL_GROWTH = 1.5
NEXT_STAGE = "grow-it"
"""The long initiative stands at Market it: its move on is to Grow it."""


def _time(call: Callable[[], Any], runs: int) -> tuple[int, list[float]]:
    status = call().status_code  # warm-up: the first request opens the pool and the caches
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        reply = call()
        seconds.append(time.perf_counter() - started)
        status = reply.status_code
    return status, seconds


def measure(seeded: Seeded, runs: int) -> dict[str, Any]:
    """Median seconds of progress and of the refused transition on the long initiative."""
    from api import create_app

    app = create_app({"DATABASE_URL": seeded.target.url, "RATE_LIMIT": "off"})
    client = app.test_client()
    headers = {"Authorization": f"Bearer {seeded.token}"}
    base = f"/api/v1/initiatives/{seeded.long_initiative_id}"
    progress_status, progress = _time(lambda: client.get(f"{base}/progress", headers=headers), runs)
    move_status, move = _time(
        lambda: client.post(f"{base}/transitions", json={"to_stage": NEXT_STAGE}, headers=headers),
        runs,
    )
    return {
        "database": seeded.target.name,
        "evidence": seeded.target.size.label,
        "long_evidence": seeded.long_evidence,
        "progress": {"status": progress_status, "median": statistics.median(progress),
                     "max": max(progress)},
        "transition": {"status": move_status, "median": statistics.median(move),
                       "max": max(move)},
    }  # fmt: skip


def report(rows: list[dict[str, Any]]) -> str:
    lines = [
        "# The toolkits' rules on the long initiative (issue 14)",
        "",
        "In process through the Flask app; median of the timed requests after one warm-up.",
        "",
        "| database | evidence (long initiative) | case | status | median ms | max ms |",
        "| --- | --- | --- | --- | ---: | ---: |",
    ]
    for row in rows:
        for case in ("progress", "transition"):
            figures = row[case]
            lines.append(
                f"| {row['database']} | {row['evidence']} ({row['long_evidence']:,}) | {case} "
                f"| {figures['status']} | {figures['median'] * 1000:.1f} "
                f"| {figures['max'] * 1000:.1f} |"
            )
    lines += ["", "| goal | database | case | figure | met |", "| --- | --- | --- | --- | --- |"]
    for database in dict.fromkeys(row["database"] for row in rows):
        mine = [row for row in rows if row["database"] == database]
        first, last = mine[0], mine[-1]
        for case in ("progress", "transition"):
            largest = last[case]["median"]
            lines.append(
                f"| <= {GOAL_SECONDS * 1000:.0f} ms at {last['evidence']} | {database} | {case} "
                f"| {largest * 1000:.1f} ms | {'yes' if largest <= GOAL_SECONDS else 'NO'} |"
            )
            growth = largest / first[case]["median"]
            lines.append(
                f"| <= {GOAL_GROWTH}x from {first['evidence']} to {last['evidence']} "
                f"| {database} | {case} | {growth:.2f}x | "
                f"{'yes' if growth <= GOAL_GROWTH else 'NO'} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rules", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="the quick run's sizes")
    parser.add_argument("--runs", type=int, default=15, help="timed requests per case")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgresql", default=DEFAULT_POSTGRESQL)
    parser.add_argument("--pg-prefix", default="coprod_bench")
    parser.add_argument("--data-dir", type=pathlib.Path, default=HERE / "data")
    args = parser.parse_args(argv)
    profile = QUICK if args.quick else FULL
    kinds = {kind.strip() for kind in args.databases.split(",")}
    targets: list[Target] = []
    if "sqlite" in kinds:
        targets += [sqlite_target(args.data_dir, size) for size in profile.sizes]
    if "postgresql" in kinds and postgresql_reachable(args.postgresql) is None:
        targets += [postgresql_target(args.postgresql, args.pg_prefix, s) for s in profile.sizes]

    def log(message: str) -> None:
        print(f"[bench.rules] {message}", file=sys.stderr, flush=True)

    rows = []
    for target in targets:
        seeded = ensure_seeded(target, reseed=False, log=log)
        rows.append(measure(seeded, args.runs))
        log(f"{target.name} {target.size.label}: {rows[-1]}")
    text = report(rows)
    (HERE / "results" / "rules.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
