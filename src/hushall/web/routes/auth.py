"""Logging in and out, and choosing the interface language."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from hushall.web.db import transaction
from hushall.web.deps import identify, state
from hushall.web.i18n import LANG_COOKIE, LANGUAGES
from hushall.web.rendering import page
from hushall.web.security import SESSION_COOKIE, LoginOutcome, end_session, log_in

router = APIRouter(dependencies=[Depends(identify)], include_in_schema=False)


def client_ip(request: Request) -> str:
    """The client's address (through trusted proxies; see :func:`hushall.web.app.forwarded_client`)."""
    ip = request.scope.get("state", {}).get("client_ip")
    return str(ip) if ip else (request.client.host if request.client else "?")


def secure_cookies(request: Request) -> bool:
    """Whether cookies get ``Secure``: the request came over HTTPS, or the settings ask for it always."""
    return bool(request.scope.get("state", {}).get("secure_cookies")) or state(request).settings.secure_cookies


def attempt_login(request: Request, username: str, password: str, kind: str) -> LoginOutcome:
    settings = state(request).settings
    return log_in(state(request).factory, username, password, client_ip(request), kind,
                  max_failures=settings.login_max_failures, window_seconds=settings.login_window_seconds,
                  hours=settings.session_hours)


TOO_MANY = "För många misslyckade inloggningar från din adress. Försök igen om en stund."


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
    settings = state(request).settings
    outcome = attempt_login(request, username, password, "cookie")
    if outcome.user is None:
        error, status = (TOO_MANY, 429) if outcome.blocked else ("Fel användarnamn eller lösenord.", 401)
        headers = {"Retry-After": str(settings.login_window_seconds)} if outcome.blocked else None
        return page(request, "login.html", {"next": safe_next(next), "error": error, "username": username},
                    status_code=status, headers=headers)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, outcome.token, httponly=True, samesite="lax", secure=secure_cookies(request),
                        max_age=int(settings.session_hours * 3600), path="/")
    return response


@router.post("/logga-ut")
def logout(request: Request) -> Response:
    app = state(request)
    with transaction(app.factory) as db:
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
                            secure=secure_cookies(request))
    return response
