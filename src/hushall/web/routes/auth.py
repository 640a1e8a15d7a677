"""Logging in and out, and choosing the interface language."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from hushall.web.deps import identify, state
from hushall.web.i18n import LANG_COOKIE, LANGUAGES
from hushall.web.rendering import page
from hushall.web.security import (
    SESSION_COOKIE,
    audit,
    authenticate,
    create_session,
    end_session,
    login_blocked,
    record_login,
)

router = APIRouter(dependencies=[Depends(identify)], include_in_schema=False)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "?"


def safe_next(target: str | None) -> str:
    """Only local paths: an open redirect would let a link send a user anywhere after login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/logga-in")
def login_page(request: Request, next: str = "/") -> Response:
    return page(request, "login.html", {"next": safe_next(next), "error": None})


@router.post("/logga-in")
def login(request: Request, username: Annotated[str, Form(max_length=200)] = "",
          password: Annotated[str, Form(max_length=1000)] = "", next: Annotated[str, Form()] = "/") -> Response:
    app = state(request)
    settings = app.settings
    ip = client_ip(request)
    error: str | None
    token = ""
    with app.factory() as db, db.begin():
        if login_blocked(db, username, ip, settings.login_max_failures, settings.login_window_seconds):
            error, status = "För många misslyckade inloggningar. Försök igen om en stund.", 429
            user = None
        else:
            user = authenticate(db, username, password)
            record_login(db, username, ip, user is not None)
            error, status = ("Fel användarnamn eller lösenord.", 401) if user is None else (None, 200)
        if user is not None:
            token, _row = create_session(db, user, "cookie", settings.session_hours)
            audit(db, user, "session.login", "user", user.id, {"ip": ip})
    if user is None:
        headers = {"Retry-After": str(settings.login_window_seconds)} if status == 429 else None
        return page(request, "login.html", {"next": safe_next(next), "error": error, "username": username},
                    status_code=status, headers=headers)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=settings.secure_cookies,
                        max_age=int(settings.session_hours * 3600), path="/")
    return response


@router.post("/logga-ut")
def logout(request: Request) -> Response:
    app = state(request)
    with app.factory() as db, db.begin():
        end_session(db, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/logga-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/sprak")
def set_language(request: Request, lang: Annotated[str, Form()] = "sv",
                 next: Annotated[str, Form()] = "/") -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    if lang in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, httponly=True, samesite="lax", max_age=365 * 86400, path="/",
                            secure=state(request).settings.secure_cookies)
    return response
