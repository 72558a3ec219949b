"""The plans of the product's own queries, for finding what makes a case slow.

Each read case is requested once in process; every statement it sends (but the key
lookup) is explained on the same database with the same parameters: ``EXPLAIN QUERY
PLAN`` on SQLite, ``EXPLAIN (ANALYZE, BUFFERS)`` on PostgreSQL, which runs the query and
so also says how long it took there.
"""

from __future__ import annotations

import tempfile
import time
from typing import Any

import sqlalchemy as sa

from api import create_app as create_product
from api.context import services
from bench.cases import build_cases
from bench.seed import Seeded


def explain(seeded: list[Seeded]) -> str:
    """Markdown with each case's statements and their plans."""
    lines = ["# Plans of the product's queries", ""]
    for item in seeded:
        lines += _explain_one(item)
    return "\n".join(lines) + "\n"


def _explain_one(seeded: Seeded) -> list[str]:
    target = seeded.target
    lines = [f"## {target.name}, {target.size.label} evidence", ""]
    headers = {"Authorization": f"Bearer {seeded.token}"}
    with tempfile.TemporaryDirectory(prefix="coprod-bench-files-") as files:
        app = create_product({"DATABASE_URL": target.url, "FILES_DIR": files})
        engine = services(app).database.engine
        seen: list[tuple[str, Any]] = []

        def listen(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
            seen.append((statement, parameters))

        sa.event.listen(engine, "before_cursor_execute", listen)
        client = app.test_client()
        try:
            for case in build_cases(seeded):
                if case.writes:
                    continue
                client.get(case.requests.paths[0], headers=headers)
                seen.clear()
                client.get(case.requests.paths[0], headers=headers)
                calls = [call for call in seen if "FROM api_keys" not in call[0]]
                lines += [f"### {case.title}", "", f"`GET {case.requests.paths[0]}`", ""]
                for statement, parameters in calls:
                    lines += _plan(engine, statement, parameters)
        finally:
            sa.event.remove(engine, "before_cursor_execute", listen)
            engine.dispose()
    return lines


def _plan(engine: sa.Engine, statement: str, parameters: Any) -> list[str]:
    sqlite = engine.dialect.name == "sqlite"
    prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN (ANALYZE, BUFFERS) "
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        started = time.perf_counter()
        cursor.execute(prefix + statement, parameters)
        rows = cursor.fetchall()
        if sqlite:  # the plan alone says nothing of time: run the statement itself too
            started = time.perf_counter()
            cursor.execute(statement, parameters)
            cursor.fetchall()
        seconds = time.perf_counter() - started
        cursor.close()
        raw.rollback()
    finally:
        raw.close()
    plan = [str(row[-1]) if sqlite else str(row[0]) for row in rows]
    shown = " ".join(statement.split())
    return [
        "```",
        f"{shown}",
        f"-- parameters: {parameters}",
        *(f"   {line}" for line in plan),
        *([f"-- the statement ran in {seconds * 1000:.1f} ms"] if sqlite else []),
        "```",
        "",
    ]
