"""Alembic owns the schema: the shipped migrations build exactly what the models describe."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from api import create_app
from api.context import services
from toolkits_core._store.models import Base, modelled
from toolkits_core.service import Database, SchemaNotCurrentError


def test_the_migrated_schema_matches_the_models(database):
    """Run on SQLite and on PostgreSQL: a model change without a migration fails here."""
    with database.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": modelled}
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], "write a migration: " + repr(differences)
    assert database.is_current()


def test_the_library_has_a_full_text_index_on_either_database(database):
    """Only the full-text search is left out of the comparison above: check it is there."""
    with database.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            found = connection.exec_driver_sql(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_library_entries_search'"
            ).scalar_one()
            assert "to_tsvector" in found
            assert "gin" in found
        else:
            found = connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'library_search'"
            ).scalar_one()
            assert "fts5" in found
    assert database.is_current()


def test_a_database_upgrades_from_nothing_and_says_so(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    assert not database.is_current()
    before, after = database.upgrade()
    assert (before, after) == (None, database.head_revision())
    assert database.upgrade() == (after, after)
    database.dispose()


def test_the_server_refuses_an_unmigrated_database_saying_what_to_run(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    with pytest.raises(SchemaNotCurrentError) as refused:
        create_app({"DATABASE_URL": url, "AUTO_MIGRATE": False, "FILES_DIR": str(tmp_path)})
    message = str(refused.value)
    assert "coprod db upgrade" in message
    assert "has no coprod tables" in message


def test_the_embedded_default_database_migrates_itself(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COPROD_DATABASE_URL", raising=False)
    app = create_app({"FILES_DIR": str(tmp_path / "files")})
    assert (tmp_path / "coprod.sqlite3").exists()
    assert app.test_client().get("/api/v1/openapi.json").status_code == 200
    services(app).database.dispose()
