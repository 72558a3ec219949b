"""What a client hears when the database fails under a request: a problem, never the
driver's exception escaping. SQLite reports a missing table as an OperationalError,
which coprod answers 503 (the database is unusable); PostgreSQL calls it a programming
error, which is a 500."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from toolkits_core._services import driver_reads


def break_driver_reads_of(monkeypatch: pytest.MonkeyPatch, table: str, missing: str) -> None:
    """Make every driver read ``FROM <table>`` fail in the database: its compiled SQL
    names ``missing``, a table that does not exist, instead."""
    real = driver_reads.compiled

    def compiled(statement: Any, dialect: Any) -> Any:
        found = real(statement, dialect)
        if found is None or f"FROM {table}" not in found.sql:
            return found
        return dataclasses.replace(found, sql=found.sql.replace(table, missing))

    monkeypatch.setattr(driver_reads, "compiled", compiled)


def assert_database_failure_answered(answer: Any, database: Any) -> None:
    assert answer.mimetype == "application/problem+json"
    if database.is_sqlite:
        assert answer.status_code == 503
        assert answer.json["code"] == "database_unavailable"
    else:
        assert answer.status_code == 500
