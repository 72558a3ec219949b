"""Alembic owns the schema: the shipped migrations build exactly what the models describe."""

from __future__ import annotations

import pytest
from alembic import command
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


RECORD_SEARCH_INDEXES = ("ix_initiatives_search", "ix_activities_search", "ix_evidence_search")


def test_the_lists_of_records_have_full_text_indexes_on_either_database(database):
    """``q`` on the lists: PostgreSQL's GIN expression indexes, SQLite's FTS5 table and the
    triggers that keep it in step with every write (all left out of the comparison)."""
    with database.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            for name in RECORD_SEARCH_INDEXES:
                found = connection.exec_driver_sql(
                    "SELECT indexdef FROM pg_indexes WHERE indexname = %(name)s",
                    {"name": name},
                ).scalar_one()
                assert "to_tsvector" in found
                assert "gin" in found
        else:
            found = connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'record_search'"
            ).scalar_one()
            assert "fts5" in found
            triggers = connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'record_search_%'"
            ).scalars()
            assert {
                f"record_search_{table}_{event}"
                for table in ("initiatives", "activities", "evidence")
                for event in ("insert", "update", "delete")
            } == set(triggers)


def test_upgrading_indexes_the_records_already_there(tmp_path):
    """A database with records from before the search finds them once upgraded."""
    database = Database(f"sqlite:///{tmp_path / 'before.sqlite3'}")
    command.upgrade(database._alembic_config(), "0011c")
    with database.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO organisations (id, name, created_at, updated_at, version) "
            "VALUES ('org_1', 'Council', '2026-01-01', '2026-01-01', 1)"
        )
        mirrored = "external_ref, created_at, updated_at, version, organisation_id"
        stamps = "NULL, '2026-01-01', '2026-01-01', 1, 'org_1'"
        connection.exec_driver_sql(
            f"INSERT INTO initiatives (id, toolkit_key, toolkit_version, title, summary, status, "
            f"themes, stage, cycle, {mirrored}) VALUES ('ini_1', 'tiny', '1', "
            f"'Memory walks', 'Weekly', 'active', '[]', 'a', 1, {stamps})"
        )
        connection.exec_driver_sql(
            f"INSERT INTO activities (id, initiative_id, activity_type, stage, cycle, title, "
            f"description, dimensions, outcomes, {mirrored}) VALUES ('act_1', 'ini_1', 't', "
            f"'a', 1, 'Canal', 'Along the towpath', '[]', '', {stamps})"
        )
        connection.exec_driver_sql(
            f"INSERT INTO evidence (id, initiative_id, evidence_type, stage, cycle, dimensions, "
            f"indicators, payload, consent, publication_consent, visibility, {mirrored}) "
            f"VALUES ('evd_1', 'ini_1', 'n', 'a', 1, '[]', '[]', "
            f"'{{\"text\": \"the lock gates\"}}', 'given', 'not_recorded', 'organisation', "
            f"{stamps})"
        )
    database.upgrade()
    with database.engine.connect() as connection:

        def found(word: str) -> list[str]:
            return list(
                connection.exec_driver_sql(
                    "SELECT record_id FROM record_search_keys WHERE id IN (SELECT rowid FROM "
                    "record_search WHERE record_search MATCH ?) ORDER BY record_id",
                    (word,),
                ).scalars()
            )

        assert found("walk") == ["ini_1"]
        assert found("towpath") == ["act_1"]
        assert found("gates") == ["evd_1"]
    database.dispose()


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
