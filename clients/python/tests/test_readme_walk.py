"""The README's curl walk, redone with the generated client (examples/readme_walk.py),
against a live demo server: each step does what the README says it does."""

from __future__ import annotations

import ast
import os
import pathlib
import re
import subprocess
import sys

WALK = pathlib.Path(__file__).parents[1] / "examples" / "readme_walk.py"


def test_the_walk_speaks_no_http_by_hand():
    tree = ast.parse(WALK.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported.isdisjoint({"httpx", "requests", "urllib", "http", "json", "socket"})
    assert "coprod_client" in imported
    assert "/api/v1" not in WALK.read_text(encoding="utf-8")


def test_the_readme_walk_runs_with_the_generated_client(server):
    environment = {**os.environ, "COPROD_URL": server.base_url, "COPROD_KEY": server.key}
    walked = subprocess.run(
        [sys.executable, str(WALK)], env=environment, capture_output=True, text=True, timeout=120
    )
    assert walked.returncode == 0, walked.stderr
    said = walked.stdout
    assert f"demo initiative: {server.demo_initiative}" in said
    assert "move to grow-it: waits: " in said  # the charter is still to be recorded
    assert "charter file: charter.md" in said
    assert "demo moved to: grow-it" in said
    assert "found by external_ref: True" in said
    assert "moved to plan" in said
    assert "move to do: 409 transition_refused," in said
    assert re.search(r"changed with If-Match: version \d+\n", said)
    assert "change on an old read: 412 stale_etag" in said
    assert "a page of activities: 3 next page: True" in said
    assert "a request that is not valid: 422 invalid_request fields:" in said
    assert "title" in said.rsplit("fields:", 1)[-1]

    again = subprocess.run(
        [sys.executable, str(WALK)], env=environment, capture_output=True, text=True, timeout=120
    )
    assert again.returncode == 0, again.stderr
    assert "demo not moved: 409 transition_refused," in again.stdout, "it is at Grow it already"
    assert "found by external_ref: True" in again.stdout, "the initiative of the first walk"
    assert "a request that is not valid: 422 invalid_request" in again.stdout
