"""``python -m bench.inprocess``: each case timed in process, product beside the anchors.

No server and no wrk: N requests through Flask's test client on the product, the honest
anchor and the SQLAlchemy Core anchor, in alternating rounds, on the suite's seeded
databases. Less sensitive to a loaded machine than the HTTP run (no sockets, no
scheduling between processes), so it is the A/B tool for a change to the hot paths:
run it before and after, or give ``--profile CASE`` for the product's cProfile.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pathlib
import pstats
import statistics
import sys
import time
import uuid
from typing import Any

from bench.cases import CREATE_BODY, Case, _apps, build_cases
from bench.run import DEFAULT_POSTGRESQL, FULL, QUICK
from bench.seed import Seeded, ensure_seeded, forget_bench_writes
from bench.targets import postgresql_target, sqlite_target

HERE = pathlib.Path(__file__).resolve().parent


def _request(client: Any, case: Case, path: str, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    if case.requests.method == "POST":
        headers["Idempotency-Key"] = f"bench-ip-{uuid.uuid4()}"
        status: int = client.post(path, headers=headers, json=CREATE_BODY).status_code
    else:
        status = client.get(path, headers=headers).status_code
    return status


def time_case(
    clients: dict[str, Any], case: Case, token: str, n: int, rounds: int
) -> dict[str, float]:
    """Median microseconds per request for each side, over ``rounds`` of ``n`` requests."""
    found: dict[str, list[float]] = {side: [] for side in clients}
    paths = case.requests.paths
    for client in clients.values():
        for path in paths[:3]:
            _request(client, case, path, token)  # warm
    for _ in range(rounds):
        for side, client in clients.items():
            started = time.perf_counter()
            for number in range(n):
                status = _request(client, case, paths[number % len(paths)], token)
                if status >= 400:
                    raise RuntimeError(f"{side} answered {status} to {case.key}")
            found[side].append((time.perf_counter() - started) / n * 1e6)
    return {side: statistics.median(values) for side, values in found.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.inprocess", description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--postgresql", default=os.environ.get("COPROD_BENCH_POSTGRESQL", DEFAULT_POSTGRESQL)
    )
    parser.add_argument(
        "--pg-prefix", default=os.environ.get("COPROD_BENCH_PG_PREFIX", "coprod_bench")
    )
    parser.add_argument("--data-dir", type=pathlib.Path, default=HERE / "data")
    parser.add_argument("--cases", help="comma-separated case keys (default all)")
    parser.add_argument("-n", type=int, default=200, help="requests per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", help="profile the product on this case instead")
    parser.add_argument(
        "--size",
        help="the profile's size to run, by label (1k, 1M; default the smallest): at 1M "
        "the far-page case runs too",
    )
    args = parser.parse_args(argv)
    sizes = (QUICK if args.quick else FULL).sizes
    chosen = [
        item for item in sizes if args.size is None or item.label.lower() == args.size.lower()
    ]
    if not chosen:
        parser.error(f"no size {args.size!r}: choose from {', '.join(s.label for s in sizes)}")
    size = chosen[0]
    kinds = args.databases.split(",")
    targets = []
    if "sqlite" in kinds:
        targets.append(sqlite_target(args.data_dir, size))
    if "postgresql" in kinds:
        targets.append(postgresql_target(args.postgresql, args.pg_prefix, size))
    wanted = set(args.cases.split(",")) if args.cases else None
    for target in targets:
        seeded: Seeded = ensure_seeded(
            target, reseed=False, log=lambda m: print(m, file=sys.stderr)
        )
        cases = [c for c in build_cases(seeded) if wanted is None or c.key in wanted]
        with _apps(target.url, core=True) as (product, anchors):
            clients = {"product": product.test_client()}
            clients |= {name: app.test_client() for name, app in anchors.items()}
            if args.profile:
                case = next(c for c in build_cases(seeded) if c.key == args.profile)
                one = {"product": clients["product"]}
                time_case(one, case, seeded.token, 20, 1)
                profiler = cProfile.Profile()
                profiler.enable()
                time_case(one, case, seeded.token, args.n, 1)
                profiler.disable()
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
                pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
                continue
            print(f"\n{target.name} {size.label}: median us per request ({args.rounds} x {args.n})")
            print("| case | product | anchor | Core anchor | product / anchor | product / Core |")
            print("| --- | ---: | ---: | ---: | ---: | ---: |")
            for case in cases:
                figures = time_case(clients, case, seeded.token, args.n, args.rounds)
                if case.writes:
                    forget_bench_writes(seeded)
                p, a, c = figures["product"], figures["anchor"], figures["core"]
                print(
                    f"| {case.key} | {p:,.0f} | {a:,.0f} | {c:,.0f} | {a / p:.2f} | {c / p:.2f} |",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
