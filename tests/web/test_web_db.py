"""The database: migrations, versions, optimistic locking and jobs on embedded SQLite and on PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_helpers import Browser, count_rows, make_settings, upload_files, xlsx_bytes

from hushall.web.app import create_app
from hushall.web.db import current_revision, make_engine, migrate
from hushall.web.models import Base, DataVersion


def test_migrations_create_the_schema_the_models_describe(any_db_url: str) -> None:
    engine = make_engine(any_db_url)
    migrate(engine)  # already at head: a second run changes nothing
    assert current_revision(engine) == "0003"
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    engine.dispose()


def test_first_start_creates_and_migrates_a_new_sqlite_file(tmp_path: Any) -> None:
    path = tmp_path / "ny" / "hushall.sqlite"
    path.parent.mkdir()
    app = create_app(make_settings(f"sqlite:///{path}"))
    app.state.hushall.engine.dispose()
    assert path.exists()
    engine = make_engine(f"sqlite:///{path}")
    assert current_revision(engine) == "0003"
    engine.dispose()


def test_upload_version_and_optimistic_locking(any_db_url: str, tables: dict[str, Any]) -> None:
    with TestClient(create_app(make_settings(any_db_url))) as client:
        b = Browser(client)
        assert b.login("planner").status_code == 303
        r = upload_files(b, [("k.xlsx", xlsx_bytes(tables))])
        assert r.version == 2, r.text
        assert count_rows(any_db_url, "data_versions") == 2
        tables["Anläggningar"][0]["byggår"] = "fel"
        r = upload_files(b, [("k.xlsx", xlsx_bytes(tables))])
        assert r.status == "failed"
        assert count_rows(any_db_url, "data_versions") == 2
        assert "Testkommun" in b.get("/").text
        r = b.post("/planer", {"name": "Låst"})
        vid = int(r.headers["location"].rsplit("/", 1)[1])
        rv = b.get(f"/api/v1/variants/{vid}").json()["row_version"]
        assert b.post(f"/planer/{vid}", {"name": "Först", "row_version": str(rv)}).status_code == 303
        assert b.post(f"/planer/{vid}", {"name": "Sen", "row_version": str(rv)}).status_code == 409
    engine = make_engine(any_db_url)
    with engine.connect() as conn:
        numbers = conn.execute(select(DataVersion.number).order_by(DataVersion.number)).scalars().all()
    assert numbers == [1, 2]
    engine.dispose()


def test_postgres_url_is_normalised_to_psycopg(postgres: Any) -> None:
    url = postgres.new_database().replace("postgresql+psycopg://", "postgresql://")
    engine = make_engine(url)
    assert engine.dialect.driver == "psycopg"
    migrate(engine)
    assert current_revision(engine) == "0003"
    engine.dispose()


@pytest.mark.parametrize("n", [2])
def test_concurrent_uploads_get_distinct_numbers(any_db_url: str, n: int) -> None:
    from hushall.web.db import session_factory
    from hushall.web.store import example_upload, store_version

    engine = make_engine(any_db_url)
    factory = session_factory(engine)
    checked = example_upload()
    for _ in range(n):
        with factory() as db, db.begin():
            store_version(db, checked, None)
    engine.dispose()
    assert count_rows(any_db_url, "data_versions") == 1 + n
