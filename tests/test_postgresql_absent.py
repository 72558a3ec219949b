"""Where no PostgreSQL server answers, its run is reported as skipped, not failed.

A new user's machine has no PostgreSQL; the suite must still pass there, and say plainly
that the PostgreSQL run did not happen rather than pass in silence.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).parents[1]


def test_an_unreachable_postgresql_skips_the_database_tests_and_says_so():
    environment = {
        **os.environ,
        "COPROD_TEST_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/test",
    }
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/rest/test_initiatives.py::test_limit_is_bounded"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 skipped" in run.stdout
    assert "PostgreSQL run SKIPPED" in run.stdout
    assert "is not reachable" in run.stdout
