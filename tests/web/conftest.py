"""Fixtures of the web tests: a migrated database (SQLite, and PostgreSQL where one can be started), users of
every role, Exempelkommun stored as data version 1, and logged-in clients."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="web extra not installed (pip install 'hushall[web]')")

from fastapi.testclient import TestClient
from web_helpers import Browser, make_settings, seed

from hushall.web.app import create_app
from hushall.web.db import make_engine


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seeded SQLite file made once; each test gets a copy."""
    path = tmp_path_factory.mktemp("db") / "seed.sqlite"
    seed(f"sqlite:///{path}")
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture
def sqlite_url(seeded_sqlite: Path, tmp_path: Path) -> str:
    target = tmp_path / "hushall.sqlite"
    shutil.copy(seeded_sqlite, target)
    return f"sqlite:///{target}"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: end-to-end tests in a real headless browser")


# --- PostgreSQL ---------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_bin() -> Path | None:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    found = shutil.which("pg_ctl")
    return Path(found).parent if found else None


@dataclass
class PgServer:
    admin_url: str
    process_dir: Path | None = None

    def new_database(self) -> str:
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.admin_url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.admin_url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def postgres() -> Iterator[PgServer]:
    """``HUSHALL_TEST_POSTGRES_URL`` (a server where the user may CREATE DATABASE), or a throwaway cluster
    started from Debian's postgresql package on a loopback port; skipped when neither is possible."""
    url = os.environ.get("HUSHALL_TEST_POSTGRES_URL")
    if url:
        from hushall.web.config import normalise_database_url

        yield PgServer(normalise_database_url(url))
        return
    pytest.importorskip("psycopg", reason="psycopg not installed")
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL not available: install Debian's postgresql or set HUSHALL_TEST_POSTGRES_URL")
    root = os.geteuid() == 0
    base = Path(tempfile.mkdtemp(prefix="hushall-pg-"))
    data = base / "data"
    run_as: list[str] = []
    if root:
        if shutil.which("runuser") is None:
            pytest.skip("PostgreSQL refuses to run as root and runuser is missing")
        shutil.chown(base, "postgres")
        os.chmod(base, 0o700)
        run_as = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    try:
        subprocess.run([*run_as, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "hushall",
                        "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"], check=True, capture_output=True)
        subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "log"), "-w", "-o",
                        f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c fsync=off "
                        "-c synchronous_commit=off -c full_page_writes=off", "start"],
                       check=True, capture_output=True, timeout=60)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        shutil.rmtree(base, ignore_errors=True)
        detail = getattr(exc, "stderr", b"") or b""
        pytest.skip(f"could not start a throwaway PostgreSQL: {exc} {detail.decode(errors='replace')[-300:]}")
    try:
        yield PgServer(f"postgresql+psycopg://hushall@127.0.0.1:{port}/postgres", base)
    finally:
        subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres: PgServer) -> str:
    url = postgres.new_database()
    seed(url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_url(request: pytest.FixtureRequest) -> str:
    """The same test on embedded SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("postgres_url"))


# --- application and clients ---------------------------------------------------------------------------------------


@pytest.fixture
def app(sqlite_url: str) -> Any:
    return create_app(make_settings(sqlite_url))


@pytest.fixture
def browser_for(app: Any) -> Iterator[Any]:
    clients: list[TestClient] = []

    def make(role: str | None) -> Browser:
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        b = Browser(client)
        if role:
            assert b.login(role).status_code == 303
        return b

    yield make
    for c in clients:
        c.__exit__(None, None, None)


@pytest.fixture
def admin(browser_for: Any) -> Browser:
    return browser_for("admin")  # type: ignore[no-any-return]


@pytest.fixture
def planner(browser_for: Any) -> Browser:
    return browser_for("planner")  # type: ignore[no-any-return]


@pytest.fixture
def reader(browser_for: Any) -> Browser:
    return browser_for("reader")  # type: ignore[no-any-return]


