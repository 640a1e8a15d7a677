"""Accounts and safety: argon2 hashes, cookie flags, CSRF on every form, rate-limited login, audit log."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from web_helpers import PASSWORDS, api_token, csrf_of

from hushall.web.db import make_engine, session_factory
from hushall.web.models import AuditEntry, User


def test_pages_need_login(browser_for: Any) -> None:
    anonymous = browser_for(None)
    r = anonymous.get("/", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/logga-in?next=/"
    assert anonymous.get("/api/v1/me").status_code == 401


def test_login_sets_a_safe_session_cookie(browser_for: Any) -> None:
    b = browser_for(None)
    r = b.login("reader")
    assert r.status_code == 303
    cookie = next(v for k, v in r.headers.multi_items() if k == "set-cookie" and v.startswith("hushall_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()
    assert b.get("/").status_code == 200


def test_wrong_password_is_refused(browser_for: Any) -> None:
    r = browser_for(None).login("reader", "fel-lösenord-xx")
    assert r.status_code == 401
    assert "Fel användarnamn eller lösenord" in r.text


def test_passwords_are_argon2_hashes_and_no_default_user_exists(sqlite_url: str) -> None:
    factory = session_factory(make_engine(sqlite_url))
    with factory() as db:
        users = db.scalars(select(User)).all()
    assert {u.username for u in users} == {"admin", "planner", "reader"}  # only those the tests made
    for u in users:
        assert u.password_hash.startswith("$argon2id$")
        assert PASSWORDS[u.username] not in u.password_hash


def test_login_is_rate_limited(browser_for: Any) -> None:
    b = browser_for(None)
    for _ in range(5):
        assert b.login("planner", "gissning-123456").status_code == 401
    # even the right password is refused now: the limit stops guessing, whatever the guess
    r = b.login("planner")
    assert r.status_code == 429
    assert "Retry-After" in r.headers
    api = b.client.post("/api/v1/session", json={"username": "planner", "password": PASSWORDS["planner"]})
    assert api.status_code == 429
    # another user is not locked out by those failures
    assert browser_for(None).login("reader").status_code == 303


def test_every_form_needs_the_csrf_token(planner: Any) -> None:
    for url in ("/planer", "/planer/1/besluta", "/data/ladda-upp", "/logga-ut", "/sprak", "/admin/anvandare"):
        missing = planner.client.post(url, data={"name": "x"}, follow_redirects=False)
        assert missing.status_code == 403, url
        wrong = planner.client.post(url, data={"name": "x", "csrf_token": "forfalskad"}, follow_redirects=False)
        assert wrong.status_code == 403, url
    # the header works too (htmx sends it)
    r = planner.client.post("/sprak", data={"lang": "en", "next": "/"}, headers={"X-CSRF-Token": planner.csrf},
                            follow_redirects=False)
    assert r.status_code == 303


def test_login_form_needs_the_pre_session_token(browser_for: Any) -> None:
    b = browser_for(None)
    r = b.client.post("/logga-in", data={"username": "reader", "password": PASSWORDS["reader"]},
                      follow_redirects=False)
    assert r.status_code == 403
    token = csrf_of(b.get("/logga-in").text)
    r = b.client.post("/logga-in", data={"username": "reader", "password": PASSWORDS["reader"], "csrf_token": token},
                      follow_redirects=False)
    assert r.status_code == 303


def test_api_with_session_cookie_needs_csrf_header(planner: Any) -> None:
    body = {"name": "Via kaka"}
    assert planner.client.post("/api/v1/variants", json=body).status_code == 403
    ok = planner.client.post("/api/v1/variants", json=body, headers={"X-CSRF-Token": planner.csrf})
    assert ok.status_code == 201, ok.text


def test_bearer_tokens_need_no_csrf_and_can_be_revoked(browser_for: Any) -> None:
    client = browser_for(None).client
    headers = api_token(client, "planner")
    assert client.get("/api/v1/me", headers=headers).json()["role"] == "planerare"
    assert client.post("/api/v1/variants", json={"name": "Via API"}, headers=headers).status_code == 201
    assert client.delete("/api/v1/session", headers=headers).status_code == 200
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer invented-token"}).status_code == 401


def test_logout_ends_the_session(reader: Any) -> None:
    assert reader.post("/logga-ut").status_code == 303
    assert reader.get("/", follow_redirects=False).status_code == 303


def test_no_open_redirect_after_login(browser_for: Any) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        b = browser_for(None)
        token = csrf_of(b.get("/logga-in").text)
        r = b.client.post("/logga-in", data={"username": "reader", "password": PASSWORDS["reader"], "next": target,
                                             "csrf_token": token}, follow_redirects=False)
        assert r.headers["location"] == "/"


def test_security_headers(reader: Any) -> None:
    r = reader.get("/")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"


def test_changes_are_audited_with_who_and_when(planner: Any, sqlite_url: str) -> None:
    assert planner.post("/planer", {"name": "Granskad"}).status_code == 303
    factory = session_factory(make_engine(sqlite_url))
    with factory() as db:
        entries = db.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    actions = [(e.username, e.action) for e in entries]
    assert ("planner", "session.login") in actions
    assert ("planner", "variant.create") in actions
    assert all(e.at is not None for e in entries)


def test_admin_manages_users_and_sees_the_audit_log(admin: Any, browser_for: Any) -> None:
    r = admin.post("/admin/anvandare", {"username": "nils", "password": "nils-lösen-12", "role": "läsare"})
    assert r.status_code == 303
    assert browser_for(None).login("nils", "nils-lösen-12").status_code == 303
    weak = admin.post("/admin/anvandare", {"username": "kort", "password": "kort", "role": "läsare"})
    assert weak.status_code == 422
    users = admin.get("/api/v1/users").json()
    nils = next(u for u in users if u["username"] == "nils")
    assert admin.post(f"/admin/anvandare/{nils['id']}", {"role": "planerare", "active": "0"}).status_code == 303
    assert browser_for(None).login("nils", "nils-lösen-12").status_code == 401
    log = admin.get("/admin/logg")
    assert "user.add" in log.text and "user.role" in log.text and "user.active" in log.text


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_interface_language(reader: Any, lang: str) -> None:
    assert reader.post("/sprak", {"lang": lang, "next": "/"}).status_code == 303
    html = reader.get("/").text
    if lang == "en":
        assert 'lang="en"' in html and "Overview" in html and "MSEK" in html
    else:
        assert 'lang="sv"' in html and "Översikt" in html and "Mkr" in html
