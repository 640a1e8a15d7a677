"""Database engine, sessions and migrations.

SQLite is tuned for a small shared server: WAL journal (readers never wait for the writer), a busy timeout so
that the web process and the worker processes wait for each other instead of failing, and foreign keys on.

Every change goes through :func:`transaction`. On SQLite it starts with ``BEGIN IMMEDIATE``: the writer takes the
database's write lock before it reads, so two requests that read a row and then change it run one after the
other. (With a plain deferred ``BEGIN`` both would read the same snapshot and the second write would fail at once
with "database is locked" — SQLite does not wait for a writer whose snapshot is stale.) PostgreSQL runs at READ
COMMITTED; code that must read-then-write under contention takes :func:`advisory_lock` or writes with a guard
(``UPDATE … WHERE row_version = :seen``, a unique key).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from hushall.web.config import normalise_database_url

#: Connection execution option that marks a writing transaction (``BEGIN IMMEDIATE`` on SQLite).
WRITE_OPTION = "hushall_write"


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets its pragmas on every new connection."""
    url = normalise_database_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               pool_size=20, max_overflow=20)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cur = dbapi_connection.cursor()
            if ":memory:" not in url and url != "sqlite://":
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()
            # The driver's own implicit BEGIN is switched off; _begin below says BEGIN or BEGIN IMMEDIATE.
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            immediate = conn.get_execution_options().get(WRITE_OPTION)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A writing session whose work is committed at the end, or rolled back whole on any error.

    On SQLite the write lock is taken at the start (``BEGIN IMMEDIATE``), so keep these transactions short:
    never parse a file or run a solver inside one.
    """
    with factory() as session, session.begin():
        session.connection(execution_options={WRITE_OPTION: True})
        yield session


def advisory_lock(session: Session, name: str) -> None:
    """Serialise the transactions that take the same ``name`` until they end (PostgreSQL advisory lock;
    on SQLite the :func:`transaction` already holds the database's single write lock)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": name})


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("hushall.web").joinpath("migrations")))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration (idempotent)."""
    from alembic import command

    command.upgrade(alembic_config(engine), "head")


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
