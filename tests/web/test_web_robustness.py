"""Issue 11, web half: nothing lost, nothing crashes — tried with real parallel requests against a live server.

* uploads build on the version they name, or are refused as a conflict; parallel variant edits: one wins, the
  others are told (item 8);
* the login limit holds under 40 parallel guesses and locks the guessing address, not the account (item 9);
* bad requests and unknown addresses are answered in Swedish, never with a 500 (item 10);
* uploads are read by a worker with limits, and become current only once validated (item 11);
* every response carries the security headers; pages are not cached; cookies are Secure over HTTPS (item 12);
* plan jobs run on a pool of workers; a killed server leaves jobs honestly reported and nothing lost (item 13).
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from web_helpers import (
    HERE,
    PASSWORDS,
    Browser,
    LiveServer,
    api_token,
    bearer,
    count_rows,
    fake_planner,
    http_request,
    make_settings,
    run_queued_plans,
    run_queued_uploads,
    upload_files,
    wait_for,
    xlsx_bytes,
)

from hushall.web.app import create_app
from hushall.web.db import make_engine, session_factory
from hushall.web.models import Job, LoginAttempt

# --- helpers -------------------------------------------------------------------------------------------------------


def example_csv(name: str) -> str:
    from hushall.examples import example_path

    return (example_path() / name).read_text(encoding="utf-8")


def table_rows(client: Any, version: int, table: str, headers: dict[str, str] | None = None) -> list[list[Any]]:
    return list(client.get(f"/api/v1/data/versions/{version}/tables/{table}?limit=5000", headers=headers or {})
                .json()["rows"])


def parallel(n: int, work: Any) -> list[Any]:
    """Run ``work(k)`` in ``n`` threads released at the same moment; return their results in order."""
    results: list[Any] = [None] * n
    barrier = threading.Barrier(n)

    def run(k: int) -> None:
        barrier.wait()
        try:
            results[k] = work(k)
        except Exception as exc:  # reported in the results, asserted by the test
            results[k] = exc

    threads = [threading.Thread(target=run, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


TJANSTER = example_csv("Tjänster.csv")
OMRADEN = example_csv("Områden.csv")
TJANSTER_CHANGED = TJANSTER.replace("forskola,Förskola,1,5,0.86", "forskola,Förskola,1,5,0.9", 1)
OMRADEN_CHANGED = OMRADEN.replace("BH,Björkhult,", "BH,Björkhult by,", 1)
assert TJANSTER_CHANGED != TJANSTER and OMRADEN_CHANGED != OMRADEN


# --- 8: lost updates ---------------------------------------------------------------------------------------------


def test_two_uploads_on_the_same_version_one_is_stored_the_other_refused(browser_for: Any) -> None:
    """Anna and Bertil both start from version 1; Anna changes Tjänster, Bertil Områden. Anna's becomes version 2;
    Bertil's is refused as a conflict (it would have put version 1's Tjänster back). Bertil redoes his change on
    version 2, and version 3 holds both."""
    anna, bertil = browser_for("planner"), browser_for("admin")
    a = upload_files(anna, [("Tjänster.csv", TJANSTER_CHANGED.encode())], base_version=1, run=False)
    b = upload_files(bertil, [("Områden.csv", OMRADEN_CHANGED.encode())], base_version=1, run=False)
    assert a.refused is None and b.refused is None  # both queued: version 1 was the newest when they arrived
    assert run_queued_uploads(anna.client.app) == 2
    first = anna.get(f"/api/v1/data/uploads/{a.location.rsplit('/', 1)[1]}").json()
    second = bertil.get(f"/api/v1/data/uploads/{b.location.rsplit('/', 1)[1]}").json()
    assert (first["status"], first["version"]) == ("done", 2)
    assert (second["status"], second["version"]) == ("failed", None)
    assert second["problems"][0]["code"] == "E_CONFLICT"
    page = bertil.get(b.location).text
    assert "Någon annan har sparat dataversion 2" in page and "bygger på version 1" in page
    diff = anna.get("/api/v1/data/diff?from=1&to=2").json()
    assert {d["sheet"] for d in diff if d["added"] or d["removed"] or d["changed"]} == {"Tjänster"}
    # a form still showing version 1 is refused at once, before anything is queued
    stale = upload_files(bertil, [("Områden.csv", OMRADEN_CHANGED.encode())], base_version=1)
    assert stale.refused == 409 and "Någon annan har sparat dataversion 2" in stale.text
    # on version 2 Bertil's change goes through, and Anna's is still there
    again = upload_files(bertil, [("Områden.csv", OMRADEN_CHANGED.encode())], base_version=2)
    assert again.version == 3
    diff = anna.get("/api/v1/data/diff?from=1&to=3").json()
    assert {d["sheet"] for d in diff if d["added"] or d["removed"] or d["changed"]} == {"Tjänster", "Områden"}


def test_parallel_uploads_never_lose_a_change(any_db_url: str) -> None:
    app = create_app(make_settings(any_db_url))
    with LiveServer(app) as server:
        tokens = [bearer(server.port, "planner"), bearer(server.port, "admin")]
        changes = [("Tjänster.csv", TJANSTER_CHANGED), ("Områden.csv", OMRADEN_CHANGED)] * 3

        def send(k: int) -> tuple[int, dict[str, Any]]:
            name, text = changes[k]
            status, _h, body = server.request("POST", "/api/v1/data/versions", headers=tokens[k % 2],
                                              files=[("files", name, text.encode())], fields={"base_version": "1"})
            return status, json.loads(body)

        answers = parallel(len(changes), send)
        assert all(isinstance(a, tuple) for a in answers), answers
        assert {status for status, _b in answers} <= {202, 409}, answers
        run_queued_uploads(app)
        outcomes = []
        for status, body in answers:
            if status == 202:
                _s, _h, raw = server.request("GET", body["status_url"], headers=tokens[0])
                outcomes.append(json.loads(raw))
        stored = [o for o in outcomes if o["status"] == "done"]
        assert len(stored) == 1 and stored[0]["version"] == 2
        assert all(o["problems"][0]["code"] == "E_CONFLICT" for o in outcomes if o["status"] != "done")
        _s, _h, raw = server.request("GET", "/api/v1/data/diff?from=1&to=2", headers=tokens[0])
        touched = {d["sheet"] for d in json.loads(raw) if d["added"] or d["removed"] or d["changed"]}
        assert touched == {Path(stored[0]["files"][0]).stem}  # version 2 is version 1 plus one change, whole
    assert count_rows(any_db_url, "data_versions") == 2


def test_parallel_variant_edits_one_wins_the_others_are_told(any_db_url: str) -> None:
    app = create_app(make_settings(any_db_url))
    with LiveServer(app) as server:
        token = bearer(server.port, "planner")
        _s, _h, raw = server.request("POST", "/api/v1/variants", headers=token, json_body={"name": "Delad"})
        variant = json.loads(raw)

        def edit(k: int) -> tuple[int, Any]:
            status, _h, body = server.request(
                "PUT", f"/api/v1/variants/{variant['id']}", headers=token,
                json_body={"row_version": variant["row_version"], "name": f"Ändring {k}", "settings": {}})
            return status, json.loads(body)

        answers = parallel(8, edit)
        statuses = sorted(status for status, _b in answers)
        assert statuses == [200] + [409] * 7, answers
        winner = next(body["name"] for status, body in answers if status == 200)
        assert all("Någon annan har ändrat planvarianten" in body["detail"] for status, body in answers if status == 409)
        _s, _h, raw = server.request("GET", f"/api/v1/variants/{variant['id']}", headers=token)
        assert json.loads(raw)["name"] == winner
        assert json.loads(raw)["row_version"] == variant["row_version"] + 1

        # a decided variant (decided with a result): each parallel edit becomes its own new draft version
        server.request("POST", f"/api/v1/variants/{variant['id']}/jobs", headers=token)
        assert run_queued_plans(app) == 1
        _s, _h, raw = server.request("POST", f"/api/v1/variants/{variant['id']}/decide", headers=token,
                                     json_body={"row_version": variant["row_version"] + 1})
        decided = json.loads(raw)
        answers = parallel(4, lambda k: server.request(
            "PUT", f"/api/v1/variants/{variant['id']}", headers=token,
            json_body={"row_version": decided["row_version"], "name": f"Ny {k}", "settings": {}}))
        assert [a[0] for a in answers] == [200] * 4, answers
        assert sorted(json.loads(a[2])["version_no"] for a in answers) == [2, 3, 4, 5]


# --- 9: the login limit -------------------------------------------------------------------------------------------


def test_parallel_wrong_logins_get_no_more_password_checks_than_the_limit(sqlite_url: str,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from hushall.web import security

    checks = {"n": 0}
    lock = threading.Lock()
    real_verify = security.verify_password

    def counting_verify(password_hash: str, password: str) -> bool:
        with lock:
            checks["n"] += 1
        return real_verify(password_hash, password)

    monkeypatch.setattr(security, "verify_password", counting_verify)
    app = create_app(make_settings(sqlite_url, trusted_proxies=()))
    with LiveServer(app) as server:
        answers = parallel(40, lambda k: server.request(
            "POST", "/api/v1/session", json_body={"username": "planner", "password": f"gissning-{k:04d}"},
            source="127.0.0.1")[0])
        assert sorted(answers) == [401] * 5 + [429] * 35, answers
        assert checks["n"] == 5
        # the guessing address stays locked for that name, even with the right password ...
        status, headers, body = server.request("POST", "/api/v1/session", source="127.0.0.1",
                                               json_body={"username": "planner", "password": PASSWORDS["planner"]})
        assert status == 429 and "Retry-After" in {k.title() for k in headers}
        assert "För många misslyckade inloggningar" in json.loads(body)["detail"]
        # ... but the owner, from another address, logs in at once
        status, _h, _b = server.request("POST", "/api/v1/session", source="127.0.0.2",
                                        json_body={"username": "planner", "password": PASSWORDS["planner"]})
        assert status == 200
    engine = make_engine(sqlite_url)
    with session_factory(engine)() as db:
        failed = db.scalar(select(func.count()).select_from(LoginAttempt).where(LoginAttempt.success.is_(False)))
    engine.dispose()
    assert failed == 5


def test_the_client_address_comes_from_trusted_proxies_only() -> None:
    from hushall.web.app import forwarded_client

    proxy = {"client": ("127.0.0.1", 1), "scheme": "http"}
    stranger = {"client": ("192.0.2.4", 1), "scheme": "http"}
    spoofed = {"x-forwarded-for": "198.51.100.1, 203.0.113.5", "x-forwarded-proto": "https"}
    assert forwarded_client(proxy, spoofed, ("127.0.0.1",)) == ("203.0.113.5", True)
    assert forwarded_client(stranger, spoofed, ("127.0.0.1",)) == ("192.0.2.4", False)
    assert forwarded_client(proxy, {}, ("127.0.0.1",)) == ("127.0.0.1", False)


# --- 10: Swedish answers, never a 500 ----------------------------------------------------------------------------


def test_a_form_sent_to_the_json_login_gets_a_clear_swedish_answer(browser_for: Any) -> None:
    client = browser_for(None).client
    r = client.post("/api/v1/session", data={"username": "planner", "password": PASSWORDS["planner"]})
    assert r.status_code == 415
    assert r.json() == {"detail": "Skicka innehållet som JSON (Content-Type: application/json)."}
    r = client.post("/api/v1/session", content=b"{inte json", headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and "är inte giltig JSON" in r.json()["detail"]
    r = client.post("/api/v1/session", json={"username": "planner"})
    assert r.status_code == 422
    assert r.json()["problems"] == [{"field": "password", "message": "Fältet »password« saknas."}]


def test_unknown_addresses_and_bad_values_are_answered_in_swedish(reader: Any) -> None:
    r = reader.get("/api/v1/finns-inte")
    assert r.status_code == 404 and r.json() == {"detail": "Adressen finns inte i API:t. Se /api/docs."}
    page = reader.get("/finns-inte")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Sidan finns inte" in page.text and "Not Found" not in page.text
    refused = reader.client.delete("/data", headers={"X-CSRF-Token": reader.csrf})
    assert refused.status_code == 405 and "metoden är inte tillåten" in refused.text
    bad = reader.get("/admin/logg?sida=noll")  # an administrator's page; the reader is refused before parsing
    assert bad.status_code in (400, 403)
    bad = reader.get("/data/versioner/1?sida=noll")
    assert bad.status_code == 400
    assert "Parametern »sida« ska vara ett heltal." in bad.text
    for english in ("Input should be", "Field required", "valid integer", "parsing"):
        assert english not in bad.text
    r = reader.get("/api/v1/data/versions/1/tables/facilities?limit=999999")
    assert r.status_code == 422 and r.json()["detail"] == "Ogiltig begäran: Parametern »limit« ska vara högst 5000."


# --- 11: uploads read by a worker, with limits ----------------------------------------------------------------------


def test_an_upload_is_read_by_a_worker_and_only_then_becomes_current(planner: Browser, tables: dict[str, Any],
                                                                       sqlite_url: str) -> None:
    r = upload_files(planner, [("kommun.xlsx", xlsx_bytes(tables))], base_version=1, run=False)
    assert r.refused is None and r.location.startswith("/data/uppladdningar/")
    # the request returned before the file was read: nothing new is current yet, the page says it is queued
    assert count_rows(sqlite_url, "data_versions") == 1
    assert "Exempelkommun" in planner.get("/").text
    page = planner.get(r.location)
    assert "I kö" in page.text and 'hx-trigger="every 1s"' in page.text
    run_queued_uploads(planner.client.app)
    poll = planner.get(r.location + "/status?polling=1", headers={"HX-Request": "true"})
    assert poll.headers["HX-Redirect"] == "/data/versioner/2?sparad=1"
    assert "Testkommun" in planner.get("/").text
    assert "Sparad" in planner.get("/data").text  # the recent uploads list


def test_a_workbook_that_unpacks_too_far_is_refused_in_the_request(planner: Browser, sqlite_url: str) -> None:
    """Like the 12 MB workbook of the issue that unpacked to 165 MB: its zip directory gives it away, so it is
    refused at once, without being unpacked, parsed or queued."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<row r=\"1\"><c><v>1</v></c></row>" * (2 * 2**20))
    assert len(buf.getvalue()) < 2**20 < 60 * 2**20 < sum(i.file_size for i in zipfile.ZipFile(buf).infolist())
    started = time.perf_counter()
    r = upload_files(planner, [("stor.xlsx", buf.getvalue())])
    assert time.perf_counter() - started < 5
    assert r.refused == 422
    assert "E_FILE_TOO_LARGE" in r.text and "högst 50,0 MB" in r.text
    assert count_rows(sqlite_url, "uploads") == 0 and count_rows(sqlite_url, "data_versions") == 1


def test_rows_per_sheet_are_counted_before_the_workbook_is_parsed(sqlite_url: str, tables: dict[str, Any],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from hushall.web import store

    content = xlsx_bytes(tables)
    counts = store.count_sheet_rows(content, 10**6)
    assert counts == {sheet: len(rows) + 1 for sheet, rows in tables.items()}  # + the header row
    longest = max(tables, key=lambda sheet: len(tables[sheet]))
    limit = len(tables[longest]) - 1
    parsed = []
    monkeypatch.setattr(store, "read_xlsx", lambda path: parsed.append(path))
    with TestClient(create_app(make_settings(sqlite_url, max_rows_per_sheet=limit))) as client:
        b = Browser(client)
        b.login("planner")
        r = upload_files(b, [("lang.xlsx", content)])
    assert r.status == "failed" and parsed == []
    assert "E_TOO_MANY_ROWS" in r.text and f"<td>{longest}</td>" in r.text


def test_an_interrupted_upload_can_be_run_again(planner: Browser, tables: dict[str, Any], sqlite_url: str) -> None:
    r = upload_files(planner, [("kommun.xlsx", xlsx_bytes(tables))], run=False)
    engine = make_engine(sqlite_url)
    factory = session_factory(engine)
    with factory() as db, db.begin():  # its worker died with the server
        job = db.scalars(select(Job).where(Job.kind == "upload")).one()
        job.status, job.error = "interrupted", "Jobbet avbröts."
    page = planner.get(r.location)
    assert "Avbruten" in page.text and "Kör uppladdningen igen" in page.text
    assert planner.post(r.location + "/igen").status_code == 303
    run_queued_uploads(planner.client.app)
    assert "Sparad som version 2" in planner.get(r.location).text
    engine.dispose()


# --- 12: headers and cookies ---------------------------------------------------------------------------------------


def test_every_response_carries_the_security_headers(app: Any, reader: Any) -> None:
    from hushall.web.app import ProtectionMiddleware

    answers = {"page": reader.get("/"), "json": reader.get("/api/v1/me"), "404": reader.get("/api/v1/inget"),
               "svg": reader.get("/diagram/1/population.svg"), "static": reader.get("/static/hushall.css")}
    small = ProtectionMiddleware(app, max_body=10, secure_cookies=False)
    with TestClient(small) as client:  # type: ignore[arg-type]
        answers["413"] = client.post("/api/v1/session", content=b"x" * 100, headers={"Content-Type": "text/plain"})
    assert answers["413"].status_code == 413 and "för stor" in answers["413"].json()["detail"]
    for name, r in answers.items():
        assert "default-src 'self'" in r.headers.get("content-security-policy", ""), name
        assert r.headers.get("x-content-type-options") == "nosniff", name
        assert r.headers.get("x-frame-options") == "DENY", name
    for name in ("page", "json", "404", "413"):
        assert answers[name].headers["cache-control"] == "no-store", name
    assert answers["svg"].headers["cache-control"].startswith("private")  # an image, cached by this browser only
    assert "no-store" not in answers["static"].headers.get("cache-control", "")


def test_the_session_cookie_is_secure_over_https_or_a_trusted_proxy(sqlite_url: str) -> None:
    def login_cookie(app: Any, base_url: str, headers: dict[str, str] | None = None) -> str:
        """The session cookie a login sets (the pre-login CSRF cookie is sent back by hand: a client on plain
        http would not return a Secure one)."""
        from web_helpers import csrf_of

        with TestClient(app, base_url=base_url) as client:
            page = client.get("/logga-in", headers=headers)
            pre = page.cookies.get("hushall_csrf") or csrf_of(page.text)
            client.cookies.clear()
            r = client.post("/logga-in", data={"username": "reader", "password": PASSWORDS["reader"],
                                               "csrf_token": csrf_of(page.text)},
                            headers={**(headers or {}), "Cookie": f"hushall_csrf={pre}"}, follow_redirects=False)
            assert r.status_code == 303, r.text
            return next(v for k, v in r.headers.multi_items() if k == "set-cookie" and "hushall_session=" in v)

    forwarded = {"X-Forwarded-Proto": "https"}
    plain = create_app(make_settings(sqlite_url))
    assert "secure" not in login_cookie(plain, "http://127.0.0.1").lower()  # plain http on this machine works
    assert "secure" in login_cookie(plain, "https://hushall.example").lower()
    assert "secure" not in login_cookie(plain, "http://hushall.example", forwarded).lower()  # untrusted peer
    behind_proxy = create_app(make_settings(sqlite_url, trusted_proxies=("testclient",)))
    assert "secure" in login_cookie(behind_proxy, "http://hushall.example", forwarded).lower()
    always = create_app(make_settings(sqlite_url, secure_cookies=True))
    assert "secure" in login_cookie(always, "http://127.0.0.1").lower()


# --- 13: a pool of workers; a killed server --------------------------------------------------------------------------


@pytest.fixture
def slow_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUSHALL_FAKE_PLANNER_SECONDS", "4")


def test_plan_jobs_run_side_by_side_on_a_pool_of_workers(sqlite_url: str, slow_jobs: None) -> None:
    from hushall.web.config import WebSettings

    assert WebSettings(database_url=sqlite_url).job_workers == 2  # suited to a two-core server
    app = fake_planner(create_app(make_settings(sqlite_url, run_jobs=True, job_workers=WebSettings().job_workers)))
    with TestClient(app) as client:
        headers = api_token(client, "planner")
        ids = [client.post("/api/v1/variants", json={"name": f"Plan {k}"}, headers=headers).json()["id"]
               for k in range(3)]
        jobs = [client.post(f"/api/v1/variants/{i}/jobs", headers=headers).json()["id"] for i in ids]

        def states() -> list[str]:
            return [client.get(f"/api/v1/jobs/{j}", headers=headers).json()["status"] for j in jobs]

        assert wait_for(lambda: states().count("running") == 2, timeout=30)
        assert states().count("queued") == 1  # the third waits for a free worker
        started = time.perf_counter()
        while time.perf_counter() - started < 2:  # pages answer quickly meanwhile
            t = time.perf_counter()
            assert client.get("/api/v1/variants", headers=headers).status_code == 200
            assert time.perf_counter() - t < 1.0
        wait_for(lambda: states() == ["done"] * 3, timeout=60)


SERVE = """
import sys, uvicorn
sys.path.insert(0, {here!r})
from web_helpers import fake_planner, make_settings
from hushall.web.app import create_app
app = fake_planner(create_app(make_settings({url!r}, run_jobs=True, job_workers=2)))
uvicorn.run(app, host="127.0.0.1", port={port}, log_level="warning")
"""


def start_server(url: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    code = SERVE.format(here=str(HERE), url=url, port=port)
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def up() -> bool:
        try:
            return http_request(port, "GET", "/logga-in")[0] == 200
        except OSError:
            return False

    wait_for(up, timeout=60, every=0.2)
    return proc


def test_a_killed_server_leaves_its_job_reported_honestly_and_nothing_lost(sqlite_url: str) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = {**os.environ, "HUSHALL_FAKE_PLANNER_SECONDS": "60",
           "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parents[2] / "src"),
                                          os.environ.get("PYTHONPATH", "")])}
    server = start_server(sqlite_url, port, env)
    try:
        token = bearer(port, "planner")
        _s, _h, raw = http_request(port, "POST", "/api/v1/variants", headers=token, json_body={"name": "Lång"})
        variant = json.loads(raw)
        _s, _h, raw = http_request(port, "POST", f"/api/v1/variants/{variant['id']}/jobs", headers=token)
        job = json.loads(raw)

        def job_state() -> dict[str, Any]:
            return json.loads(http_request(port, "GET", f"/api/v1/jobs/{job['id']}", headers=token)[2])

        wait_for(lambda: job_state()["status"] == "running" and job_state()["progress"] > 0.05, timeout=60)
    finally:
        os.killpg(server.pid, signal.SIGKILL)  # the server and its worker, at once, mid-job
        server.wait(10)
    # while it is down: an open page's poll fails (the browser shows its notice; see test_web_e2e)
    with pytest.raises(OSError):
        http_request(port, "GET", f"/planer/{variant['id']}/jobb?polling=1")
    env["HUSHALL_FAKE_PLANNER_SECONDS"] = "0"
    server = start_server(sqlite_url, port, env)
    try:
        token = bearer(port, "planner")
        state = wait_for(lambda: (s := json.loads(http_request(port, "GET", f"/api/v1/jobs/{job['id']}",
                                                               headers=token)[2]))["status"] != "running" and s,
                         timeout=60)
        assert state["status"] == "interrupted" and "avbröts" in state["error"]
        _s, _h, raw = http_request(port, "GET", f"/api/v1/variants/{variant['id']}", headers=token)
        assert json.loads(raw)["name"] == "Lång"  # nothing lost
        assert [v["number"] for v in json.loads(http_request(port, "GET", "/api/v1/data/versions",
                                                             headers=token)[2])] == [1]
        # the poll of the page left open now sees the end, and the page offers to run it again
        status, headers, body = http_request(port, "GET", f"/planer/{variant['id']}/jobb?polling=1",
                                             headers={**token, "HX-Request": "true"})
        assert status == 200 and headers.get("hx-refresh") == "true" and "Avbruten" in body.decode()
        _s, _h, raw = http_request(port, "POST", f"/api/v1/variants/{variant['id']}/jobs", headers=token)
        rerun = json.loads(raw)
        wait_for(lambda: json.loads(http_request(port, "GET", f"/api/v1/jobs/{rerun['id']}",
                                                 headers=token)[2])["status"] == "done", timeout=60)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)
