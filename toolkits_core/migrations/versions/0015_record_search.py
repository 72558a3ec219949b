"""Search within an organisation: full-text indexes over initiatives, activities, evidence

PostgreSQL indexes each table by an expression (GIN over ``to_tsvector``); SQLite keeps an
FTS5 table in step with triggers, so that every write (ORM, bulk update, cascade) moves
the index with it. Both index the rows already there: upgrading makes them findable.

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None

# What each record is found by. The service (toolkits_core/_services/record_search.py)
# repeats the PostgreSQL expressions word for word: the planner uses an expression index
# only for a query that spells the same expression.
TEXT = {
    "initiatives": "{t}.title || ' ' || {t}.summary",
    "activities": "{t}.title || ' ' || {t}.description || ' ' || {t}.outcomes",
}
POSTGRESQL_INDEXES = {
    "ix_initiatives_search": (
        "initiatives",
        "to_tsvector('english', title || ' ' || summary)",
    ),
    "ix_activities_search": (
        "activities",
        "to_tsvector('english', title || ' ' || description || ' ' || outcomes)",
    ),
    "ix_evidence_search": ("evidence", "json_to_tsvector('english', payload, '[\"string\"]')"),
}
SQLITE_SEARCH = "record_search"
SQLITE_KEYS = "record_search_keys"
TABLES = ("initiatives", "activities", "evidence")
WATCHED = {
    "initiatives": "title, summary",
    "activities": "title, description, outcomes",
    "evidence": "payload",
}


def sqlite_body(table: str, row: str) -> str:
    """The text an FTS5 row holds for a record: every string in an evidence payload."""
    if table == "evidence":
        return (
            "(SELECT coalesce(group_concat(value, ' '), '') "
            f"FROM json_tree({row}.payload) WHERE type = 'text')"
        )
    return TEXT[table].format(t=row)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, (table, expression) in POSTGRESQL_INDEXES.items():
            op.execute(f"CREATE INDEX {name} ON {table} USING gin ({expression})")
        return
    op.execute(
        f"CREATE TABLE {SQLITE_KEYS} (id INTEGER PRIMARY KEY, "
        "record_id VARCHAR(40) NOT NULL UNIQUE)"
    )
    op.execute(
        f"CREATE VIRTUAL TABLE {SQLITE_SEARCH} USING fts5(body, tokenize = 'porter unicode61')"
    )
    for table in TABLES:
        key = f"(SELECT id FROM {SQLITE_KEYS} WHERE record_id = {{row}}.id)"
        op.execute(
            f"CREATE TRIGGER {SQLITE_SEARCH}_{table}_insert AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {SQLITE_KEYS} (record_id) VALUES (new.id); "
            f"INSERT INTO {SQLITE_SEARCH} (rowid, body) "
            f"VALUES ({key.format(row='new')}, {sqlite_body(table, 'new')}); END"
        )
        op.execute(
            f"CREATE TRIGGER {SQLITE_SEARCH}_{table}_update "
            f"AFTER UPDATE OF {WATCHED[table]} ON {table} BEGIN "
            f"UPDATE {SQLITE_SEARCH} SET body = {sqlite_body(table, 'new')} "
            f"WHERE rowid = {key.format(row='new')}; END"
        )
        op.execute(
            f"CREATE TRIGGER {SQLITE_SEARCH}_{table}_delete AFTER DELETE ON {table} BEGIN "
            f"DELETE FROM {SQLITE_SEARCH} WHERE rowid = {key.format(row='old')}; "
            f"DELETE FROM {SQLITE_KEYS} WHERE record_id = old.id; END"
        )
        # The rows already there: upgrading an existing database makes them findable.
        op.execute(f"INSERT INTO {SQLITE_KEYS} (record_id) SELECT id FROM {table} ORDER BY id")
        op.execute(
            f"INSERT INTO {SQLITE_SEARCH} (rowid, body) "
            f"SELECT {SQLITE_KEYS}.id, {sqlite_body(table, table)} FROM {table} "
            f"JOIN {SQLITE_KEYS} ON {SQLITE_KEYS}.record_id = {table}.id"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in POSTGRESQL_INDEXES:
            op.execute(f"DROP INDEX {name}")
        return
    for table in TABLES:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER {SQLITE_SEARCH}_{table}_{event}")
    op.execute(f"DROP TABLE {SQLITE_SEARCH}")
    op.execute(f"DROP TABLE {SQLITE_KEYS}")
