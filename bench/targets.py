"""Where a seeded database lives: an SQLite file in the data folder, or a PostgreSQL database.

Each data size gets a database of its own, named after the size, so that a later run can
reuse what an earlier one seeded.
"""

from __future__ import annotations

import pathlib
from dataclasses import dataclass

import sqlalchemy as sa

from toolkits_core.service import database_url


@dataclass(frozen=True, slots=True)
class Size:
    """How much data a seeded database holds."""

    evidence: int
    initiatives: int
    organisations: int = 10

    @property
    def label(self) -> str:
        """The evidence count, as the table shows it (``1k``, ``1M``)."""
        return _short(self.evidence)

    @property
    def slug(self) -> str:
        """A name for files and databases: ``e1m_i10k_o10``."""
        return (
            f"e{_short(self.evidence).lower()}_i{_short(self.initiatives).lower()}"
            f"_o{self.organisations}"
        )


def _short(count: int) -> str:
    for factor, suffix in ((1_000_000, "M"), (1_000, "k")):
        if count >= factor and count % factor == 0:
            return f"{count // factor}{suffix}"
    return str(count)


@dataclass(frozen=True, slots=True)
class Target:
    """One database of one kind for one size."""

    kind: str
    """``sqlite`` or ``postgresql``."""
    url: str
    size: Size
    server_url: str | None = None
    """PostgreSQL only: the URL of the server's maintenance database, to create and drop."""

    @property
    def name(self) -> str:
        return "SQLite" if self.kind == "sqlite" else "PostgreSQL"

    @property
    def sqlite_file(self) -> pathlib.Path | None:
        if self.kind != "sqlite":
            return None
        return pathlib.Path(self.url.removeprefix("sqlite:///"))

    @property
    def database_name(self) -> str:
        return str(sa.engine.make_url(database_url(self.url)).database)

    def exists(self) -> bool:
        if self.kind == "sqlite":
            file = self.sqlite_file
            return file is not None and file.exists()
        found = _on_server(
            self, "SELECT 1 FROM pg_database WHERE datname = :name", name=self.database_name
        )
        return bool(found)

    def drop(self) -> None:
        """Remove the database (and for SQLite its WAL files), if it is there."""
        if self.kind == "sqlite":
            file = self.sqlite_file
            assert file is not None
            for suffix in ("", "-wal", "-shm"):
                pathlib.Path(f"{file}{suffix}").unlink(missing_ok=True)
            return
        _on_server(self, f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')

    def create(self) -> None:
        """An empty database, for the migrations to fill."""
        if self.kind == "sqlite":
            file = self.sqlite_file
            assert file is not None
            file.parent.mkdir(parents=True, exist_ok=True)
            return
        _on_server(self, f'CREATE DATABASE "{self.database_name}"')


def _on_server(target: Target, sql: str, **params: object) -> list[tuple[object, ...]]:
    """Run one statement on the server's maintenance database (outside a transaction)."""
    assert target.server_url is not None
    engine = sa.create_engine(database_url(target.server_url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            result = connection.execute(sa.text(sql), params)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def sqlite_target(data_dir: pathlib.Path, size: Size) -> Target:
    file = (data_dir / f"coprod-{size.slug}.sqlite3").resolve()
    return Target("sqlite", f"sqlite:///{file}", size)


def postgresql_target(server: str, prefix: str, size: Size) -> Target:
    """A database named ``<prefix>_<size>`` on the server at ``server`` (a URL)."""
    base = sa.engine.make_url(database_url(server))
    url = base.set(database=f"{prefix}_{size.slug}")
    maintenance = base.set(database="postgres")
    return Target(
        "postgresql",
        url.render_as_string(hide_password=False),
        size,
        server_url=maintenance.render_as_string(hide_password=False),
    )


def postgresql_reachable(server: str) -> str | None:
    """None if the server answers, else why not (for the report)."""
    try:
        engine = sa.create_engine(database_url(server))
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as error:  # the reason is reported, whatever it is
        return f"{type(error).__name__}: {str(error).splitlines()[0]}"
    return None
