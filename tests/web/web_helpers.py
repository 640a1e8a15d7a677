"""Helpers of the web tests (imported by ``conftest.py`` and the test modules)."""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from hushall.web.config import WebSettings
from hushall.web.db import make_engine, migrate, session_factory
from hushall.web.security import add_user

HERE = Path(__file__).resolve().parent
PASSWORDS = {"admin": "admin-lösen-123", "planner": "planerar-lösen-1", "reader": "läsar-lösen-123"}
ROLES = {"admin": "administratör", "planner": "planerare", "reader": "läsare"}
#: The job worker that plans with the fast stand-in (``web_fake_planner``) instead of the optimiser.
FAKE_WORKER = [sys.executable, str(HERE / "web_fake_worker.py")]


def fake_planner(app: Any) -> Any:
    """``app`` with its plan jobs run by the fast stand-in planner (FastAPI's dependency overrides)."""
    from hushall.web.deps import job_worker

    app.dependency_overrides[job_worker] = lambda: list(FAKE_WORKER)
    return app


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




# --- uploads (read by a worker) -------------------------------------------------------------------------------


def run_queued_uploads(app: Any) -> int:
    """Run the queued upload jobs of ``app``'s database in this process, exactly as a worker process would
    (``hushall.web.worker.run_job``); return how many ran."""
    from unittest import mock

    from hushall.web.jobs import JobDispatcher
    from hushall.web.worker import run_job

    st = app.state.hushall
    dispatcher = JobDispatcher(st.settings, st.factory)
    ran = 0
    with mock.patch.dict(os.environ, st.settings.worker_env()):
        while (claimed := dispatcher._claim(["upload"])) is not None:
            run_job(st.settings.database_url, claimed[0], 60.0)
            ran += 1
    return ran


def run_queued_plans(app: Any) -> int:
    """Run the queued optimisation jobs of ``app``'s database in this process with the fast stand-in planner
    (``web_fake_planner.plan``), exactly as a worker process would; return how many ran."""
    from unittest import mock

    from web_fake_planner import plan

    from hushall.web.jobs import JobDispatcher
    from hushall.web.worker import run_job

    st = app.state.hushall
    dispatcher = JobDispatcher(st.settings, st.factory)
    ran = 0
    with mock.patch.dict(os.environ, st.settings.worker_env()):
        while (claimed := dispatcher._claim(["optimise"])) is not None:
            run_job(st.settings.database_url, claimed[0], 60.0, planner=plan)
            ran += 1
    return ran


class UploadOutcome:
    """What became of an upload: refused in the request (``refused`` = its HTTP status), or read by the worker
    (``status`` done/failed, ``version`` stored); ``text`` is the page the user ends on."""

    def __init__(self, refused: int | None, status: str | None, version: int | None, text: str,
                 location: str = "") -> None:
        self.refused, self.status, self.version, self.text, self.location = refused, status, version, text, location


def upload_files(browser: Browser, files: list[tuple[str, bytes]], comment: str = "",
                 base_version: int | None = None, run: bool = True) -> UploadOutcome:
    """Upload through the Data page's form, let the worker read it, and return what the user sees."""
    data = {"comment": comment}
    if base_version is not None:
        data["base_version"] = str(base_version)
    r = browser.post("/data/ladda-upp", data=data,
                     files=[("files", (name, content, "application/octet-stream")) for name, content in files])
    if r.status_code != 303:
        return UploadOutcome(r.status_code, None, None, r.text)
    location = r.headers["location"]
    if run:
        run_queued_uploads(browser.client.app)
    upload_id = int(location.rstrip("/").rsplit("/", 1)[1])
    status = browser.get(f"/api/v1/data/uploads/{upload_id}").json()
    return UploadOutcome(None, status["status"], status["version"], browser.get(location).text, location)


# --- a live server on a loopback port, for real parallel requests ----------------------------------------------


class LiveServer:
    """``app`` served by uvicorn in a thread on 127.0.0.1 (stopped on exit)."""

    def __init__(self, app: Any) -> None:
        import socket
        import threading

        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        wait_for(lambda: self.server.started, timeout=20, every=0.02)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.should_exit = True
        self.thread.join(10)

    def request(self, method: str, path: str, *, headers: dict[str, str] | None = None, json_body: Any = None,
                files: list[tuple[str, str, bytes]] | None = None, fields: dict[str, str] | None = None,
                source: str | None = None) -> tuple[int, dict[str, str], bytes]:
        return http_request(self.port, method, path, headers=headers, json_body=json_body, files=files,
                            fields=fields, source=source)


def http_request(port: int, method: str, path: str, *, headers: dict[str, str] | None = None, json_body: Any = None,
                 files: list[tuple[str, str, bytes]] | None = None, fields: dict[str, str] | None = None,
                 source: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """One request to 127.0.0.1:``port`` (from the loopback address ``source``); JSON, form fields or files
    (``(field, filename, content)``, sent as multipart/form-data)."""
    import http.client
    import json
    import uuid

    headers = dict(headers or {})
    body: bytes | None = None
    if json_body is not None:
        body = json.dumps(json_body).encode()
        headers["Content-Type"] = "application/json"
    elif files is not None:
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in (fields or {}).items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for field, filename, content in files:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
                         "Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
    elif fields is not None:
        from urllib.parse import urlencode

        body = urlencode(fields).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60,
                                      source_address=(source, 0) if source else None)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def bearer(port: int, name: str, source: str | None = None) -> dict[str, str]:
    import json

    status, _h, body = http_request(port, "POST", "/api/v1/session",
                                    json_body={"username": name, "password": PASSWORDS[name]}, source=source)
    assert status == 200, body
    return {"Authorization": f"Bearer {json.loads(body)['token']}"}


# --- a real headless browser (Debian's Chromium through Playwright) ------------------------------------------------


@contextmanager
def chromium_page(base_url: str, executable: str, timeout_ms: int = 20_000) -> Iterator[Any]:
    """A Playwright page in headless Chromium at ``executable`` (never a downloaded browser), downloads accepted,
    Swedish locale, paths relative to ``base_url``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True,
                                      base_url=base_url, locale="sv-SE")
        page = context.new_page()
        page.set_default_timeout(timeout_ms)
        try:
            yield page
        finally:
            context.close()
            browser.close()
