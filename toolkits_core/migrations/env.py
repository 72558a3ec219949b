"""Alembic's environment: run by ``coprod db upgrade`` with the engine already made."""

from __future__ import annotations

from alembic import context

from toolkits_core._store.models import Base, modelled

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=modelled,
    )
    with context.begin_transaction():
        context.run_migrations()
