"""moto's S3 server, answering every request a fixed time late: a stand-in for S3's round trip.

``python -m bench.lagged_moto --lag-ms 20 -p PORT`` runs ``moto_server -p PORT`` with each
request held ``--lag-ms`` before moto handles it. moto on loopback answers a small request
in about a millisecond; S3 answers one in tens of milliseconds (AWS's "Best Practices
Design Patterns: Optimizing Amazon S3 Performance", on timeouts and retries: small
requests' median latencies "are often in the range of tens of milliseconds"). The lag is
the same for every client of the server (the anchor, the least proxy and the product), and
once per request: a transfer that takes more requests pays it more times, as it would on
S3. The database stays on loopback: in a deployment its round trips grow too, and only
the product makes them.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.lagged_moto", add_help=False)
    parser.add_argument("--lag-ms", type=float, required=True)
    args, moto_argv = parser.parse_known_args(argv)
    lag = args.lag_ms / 1000

    import moto.server

    class LaggedApplication(moto.server.DomainDispatcherApplication):  # type: ignore[misc]
        def __call__(
            self, environ: dict[str, Any], start_response: Callable[..., Any]
        ) -> Iterable[bytes]:
            time.sleep(lag)
            answer: Iterable[bytes] = super().__call__(environ, start_response)
            return answer

    moto.server.DomainDispatcherApplication = LaggedApplication  # as moto.server.main builds it
    moto.server.main(moto_argv)


if __name__ == "__main__":
    main(sys.argv[1:])
