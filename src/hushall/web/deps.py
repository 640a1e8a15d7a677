"""Request dependencies: the database, who is asking, CSRF checks and role requirements.

Every router carries :func:`identify` (who is asking; CSRF check on every state-changing browser request).
Every protected route carries a :class:`Require` with the lowest role allowed; the role tests enumerate the
routes and find that requirement on each, so a new route without one fails the tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import sessionmaker

from hushall.web.config import WebSettings
from hushall.web.i18n import LANG_COOKIE, LANGUAGES
from hushall.web.jobs import WORKER_COMMAND, JobDispatcher
from hushall.web.models import User
from hushall.web.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    ROLE_RANK,
    SESSION_COOKIE,
    csrf_matches,
    has_role,
    lookup_session,
)
from hushall.web.store import ModelCache

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
API_LOGIN_PATH = "/api/v1/session"  # answers with a token in the body and sets no cookie: nothing to forge


@dataclass
class AppState:
    """What the application holds for its lifetime (``app.state.hushall``)."""

    settings: WebSettings
    engine: Any
    factory: sessionmaker[DbSession]
    models: ModelCache = field(default_factory=ModelCache)
    views: ModelCache = field(default_factory=lambda: ModelCache(size=64))
    dispatcher: JobDispatcher | None = None


class NotAuthenticated(Exception):
    """No valid session: pages redirect to the login page, the API answers 401."""


class CsrfFailed(Exception):
    pass


def job_worker() -> list[str]:
    """The command that runs one plan or upload job in its own process (the job's id appended): this
    installation's worker, :mod:`hushall.web.worker`, planning with the optimiser. Tests replace it through
    ``app.dependency_overrides[job_worker]`` with a worker that plans with a fast stand-in."""
    return list(WORKER_COMMAND)


def state(request: Request) -> AppState:
    return request.app.state.hushall


def get_db(request: Request) -> Iterator[DbSession]:
    with state(request).factory() as db:
        yield db


def language(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, "")
    return lang if lang in LANGUAGES else state(request).settings.default_language


def _find_session(app_state: AppState, token: str | None, kind: str) -> Any:
    with app_state.factory() as db:
        return lookup_session(db, token, kind)


async def identify(request: Request) -> None:
    """Find the session (cookie or bearer token) and check the CSRF token of unsafe browser requests.

    The database lookup runs in the thread pool: the event loop never waits for the database."""
    app_state = state(request)
    request.state.lang = language(request)
    auth = request.headers.get("authorization", "")
    bearer = auth[7:].strip() if auth.lower().startswith("bearer ") else None
    kind = "bearer" if bearer is not None else "cookie"
    token = bearer if bearer is not None else request.cookies.get(SESSION_COOKIE)
    row = await run_in_threadpool(_find_session, app_state, token, kind) if token else None
    request.state.user = row.user if row else None
    request.state.session_kind = kind if row else None
    pre = request.scope.get("state", {}).get("pre_csrf")
    request.state.csrf = row.csrf_token if row else pre
    if bearer is not None and row is None:
        raise NotAuthenticated()
    # Browsers attach cookies by themselves, so every change made with the session cookie (and every form
    # before login) needs the CSRF token. An API call without credentials carries nothing to abuse: it either
    # logs in (the token comes back in the body, no cookie is set) or is refused with 401.
    anonymous_api = row is None and request.url.path.startswith("/api/")
    api_login = request.url.path == API_LOGIN_PATH
    if request.method in UNSAFE_METHODS and kind == "cookie" and not (anonymous_api or api_login):
        given = request.headers.get(CSRF_HEADER)
        if not given and request.headers.get("content-type", "").startswith(
                ("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form(max_part_size=app_state.settings.max_upload_bytes)
            value = form.get(CSRF_FIELD)
            given = value if isinstance(value, str) else None
        if not csrf_matches(request.state.csrf, given):
            raise CsrfFailed()


def current_user(request: Request) -> User | None:
    return getattr(request.state, "user", None)


class Require:
    """Dependency: the signed-in user must have at least ``role``."""

    def __init__(self, role: str) -> None:
        if role not in ROLE_RANK:
            raise ValueError(role)
        self.role = role

    def __call__(self, request: Request) -> User:
        user = current_user(request)
        if user is None:
            raise NotAuthenticated()
        if not has_role(user, self.role):
            raise HTTPException(status_code=403, detail="Du saknar behörighet för det här.")
        return user

    def __repr__(self) -> str:
        return f"Require({self.role!r})"


database = Depends(get_db)
reader = Depends(Require("läsare"))
planner = Depends(Require("planerare"))
admin = Depends(Require("administratör"))
