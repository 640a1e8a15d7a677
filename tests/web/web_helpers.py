"""Helpers of the web tests (imported by ``conftest.py`` and the test modules)."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from hushall.web.config import WebSettings
from hushall.web.db import make_engine, migrate, session_factory
from hushall.web.security import add_user

HERE = Path(__file__).resolve().parent
PASSWORDS = {"admin": "admin-lösen-123", "planner": "planerar-lösen-1", "reader": "läsar-lösen-123"}
ROLES = {"admin": "administratör", "planner": "planerare", "reader": "läsare"}
FAKE_PLANNER = {"HUSHALL_WEB_PLANNER": "web_fake_planner:plan",
                "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}


def make_settings(url: str, **overrides: Any) -> WebSettings:
    settings = WebSettings(database_url=url, run_jobs=False, job_poll_seconds=0.1, heartbeat_seconds=0.3,
                           heartbeat_stale_seconds=3.0)
    for k, v in overrides.items():
        setattr(settings, k, v)
    return settings


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


class Browser:
    """A TestClient that logs in like a person and sends the CSRF token with its forms."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.csrf = ""

    def login(self, name: str, password: str | None = None) -> Any:
        page = self.client.get("/logga-in")
        response = self.client.post("/logga-in", data={"username": name, "password": password or PASSWORDS[name],
                                                       "next": "/", "csrf_token": csrf_of(page.text)},
                                    follow_redirects=False)
        if response.status_code == 303:
            self.refresh_csrf()
        return response

    def refresh_csrf(self) -> None:
        self.csrf = csrf_of(self.client.get("/rapport").text)

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, **kw)

    def post(self, url: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf)
        kw.setdefault("follow_redirects", False)
        return self.client.post(url, data=data, **kw)


def api_token(client: TestClient, name: str) -> dict[str, str]:
    r = client.post("/api/v1/session", json={"username": name, "password": PASSWORDS[name]})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def wait_for(predicate: Any, timeout: float = 30.0, every: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("timed out waiting")


def xlsx_bytes(tables: dict[str, list[dict[str, Any]]]) -> bytes:
    """A workbook with one sheet per table (headers from the rows' keys), as bytes."""
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet, rows in tables.items():
        ws = wb.create_sheet(sheet)
        headers: list[str] = []
        for r in rows:
            headers += [k for k in r if k not in headers]
        ws.append(headers)
        for r in rows:
            ws.append([r.get(h) for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows: list[dict[str, Any]]) -> bytes:
    import csv
    import io

    headers: list[str] = []
    for r in rows:
        headers += [k for k in r if k not in headers]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(headers)
    for r in rows:
        w.writerow(["" if r.get(h) is None else r.get(h) for h in headers])
    return buf.getvalue().encode("utf-8")


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def count_rows(url: str, table: str) -> int:
    from sqlalchemy import text

    from hushall.web.db import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        n = int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    engine.dispose()
    return n


def seed(url: str, with_example: bool = True) -> None:
    """Migrate, add one user of each role and (optionally) store Exempelkommun as version 1."""
    from hushall.web.store import store_version

    engine = make_engine(url)
    migrate(engine)
    factory = session_factory(engine)
    with factory() as db, db.begin():
        users = {name: add_user(db, name, PASSWORDS[name], ROLES[name]) for name in ROLES}
        if with_example:
            store_version(db, _example(), users["planner"], "Exempelkommun")
    engine.dispose()


_EXAMPLE: list[Any] = []


def _example() -> Any:
    from hushall.web.store import example_upload

    if not _EXAMPLE:
        _EXAMPLE.append(example_upload())
    return _EXAMPLE[0]


