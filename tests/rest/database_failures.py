"""What a client hears when the database fails under a request: a problem, never the
driver's exception escaping. SQLite reports a missing table as an OperationalError,
which coprod answers 503 (the database is unusable); PostgreSQL calls it a programming
error, which is a 500."""

from __future__ import annotations

from typing import Any


def assert_database_failure_answered(answer: Any, database: Any) -> None:
    assert answer.mimetype == "application/problem+json"
    if database.is_sqlite:
        assert answer.status_code == 503
        assert answer.json["code"] == "database_unavailable"
    else:
        assert answer.status_code == 500
