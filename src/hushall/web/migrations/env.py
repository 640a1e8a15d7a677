"""Alembic environment: run the migrations on the engine the application hands over.

The application calls :func:`hushall.web.db.migrate`; there is no ``alembic.ini``.
"""

from __future__ import annotations

from alembic import context

from hushall.web.models import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = context.config.attributes["engine"]
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


# Importing this file outside Alembic (pytest --doctest-modules) must do nothing.
if getattr(context, "config", None) is not None:
    run_migrations_online()
