"""The FastAPI application: server-rendered pages (Jinja2 + htmx) and the same operations as a JSON API.

Everything the browser loads — CSS, htmx, charts — is served by the application itself: no CDN, no network.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http.cookies import SimpleCookie
from importlib import resources
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from hushall import __version__
from hushall.web.config import WebSettings
from hushall.web.db import make_engine, migrate, session_factory
from hushall.web.deps import AppState, CsrfFailed, NotAuthenticated
from hushall.web.i18n import translate
from hushall.web.jobs import JobDispatcher
from hushall.web.rendering import page
from hushall.web.security import PRE_CSRF_COOKIE

log = logging.getLogger("hushall.web")

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


class ProtectionMiddleware:
    """Pure ASGI middleware: request body size limit, the pre-login CSRF cookie and security headers."""

    def __init__(self, app: Any, max_body: int, secure_cookies: bool) -> None:
        self.app = app
        self.max_body = max_body
        self.secure = secure_cookies

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        declared = headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.max_body:
            await self._too_large(send)
            return
        cookies = SimpleCookie()
        try:
            cookies.load(headers.get("cookie", ""))
        except Exception:  # a malformed cookie header is treated as no cookies
            cookies = SimpleCookie()
        pre = cookies[PRE_CSRF_COOKIE].value if PRE_CSRF_COOKIE in cookies else None
        new_pre = None
        if not pre or len(pre) < 20:
            pre = new_pre = secrets.token_urlsafe(32)
        scope.setdefault("state", {})["pre_csrf"] = pre

        received = 0

        async def limited_receive() -> Any:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge()
            return message

        response_started = False

        async def send_with_headers(message: dict[str, Any]) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
                extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
                         (b"x-frame-options", b"DENY")]
                content_type = dict(message.get("headers", [])).get(b"content-type", b"")
                if content_type.startswith(b"text/html"):
                    extra.append((b"content-security-policy", CSP.encode()))
                if new_pre:
                    attrs = "; Path=/; HttpOnly; SameSite=Strict" + ("; Secure" if self.secure else "")
                    extra.append((b"set-cookie", f"{PRE_CSRF_COOKIE}={new_pre}{attrs}".encode()))
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLarge:
            if not response_started:
                await self._too_large(send)

    async def _too_large(self, send: Any) -> None:
        body = f"Filen är för stor (högst {self.max_body // 2**20} MB).".encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class BodyTooLarge(Exception):
    pass


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _wants_fragment(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _error_page(request: Request, status: int, message: str) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": message}, status_code=status)
    lang = getattr(request.state, "lang", "sv")
    if not hasattr(request.state, "user"):
        request.state.user = None
    return page(request, "error.html", {"status": status, "message": translate(message, lang)},
                status_code=status)


def create_app(settings: WebSettings | None = None, *, run_migrations: bool = True) -> FastAPI:
    """Build the application. The database is migrated to the newest schema when it starts."""
    settings = settings or WebSettings()
    engine = make_engine(settings.database_url)
    app_state = AppState(settings=settings, engine=engine, factory=session_factory(engine))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.run_jobs:
            app_state.dispatcher = JobDispatcher(settings, app_state.factory)
            app_state.dispatcher.start()
        try:
            yield
        finally:
            if app_state.dispatcher is not None:
                app_state.dispatcher.stop()
            engine.dispose()

    if run_migrations:
        migrate(engine)

    app = FastAPI(
        title="Hushåll",
        version=__version__,
        description=(
            "Hushålls JSON-API: samma operationer som webbsidorna. Logga in med `POST /api/v1/session` och "
            "skicka den token du får som `Authorization: Bearer <token>`."
        ),
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.hushall = app_state
    app.add_middleware(ProtectionMiddleware, max_body=settings.max_upload_bytes + 1024 * 1024,
                       secure_cookies=settings.secure_cookies)
    static_dir = str(resources.files("hushall.web").joinpath("static"))
    app.mount("/static", StaticFiles(directory=static_dir), name="static")

    from hushall.web.routes import admin, api, auth, data, pages, plans

    for router in (auth.router, pages.router, data.router, plans.router, admin.router, api.router,
                   api.docs_router):
        app.include_router(router)
    from hushall.web.routes import peers as peers_routes  # page Jämför (hushall.peers)
    app.include_router(peers_routes.router)

    @app.exception_handler(NotAuthenticated)
    async def _not_authenticated(request: Request, _exc: NotAuthenticated) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "Inte inloggad."}, status_code=401,
                                headers={"WWW-Authenticate": "Bearer"})
        target = "/logga-in?next=" + quote(request.url.path)
        if _wants_fragment(request):
            return Response(status_code=401, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(CsrfFailed)
    async def _csrf_failed(request: Request, _exc: CsrfFailed) -> Response:
        return _error_page(request, 403, "Formuläret har gått ut. Ladda om sidan och försök igen.")

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "Fel"
        if exc.status_code == 404 and message == "Not Found":
            message = "Sidan finns inte."
        response = _error_page(request, exc.status_code, message)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": exc.errors()}, status_code=422)
        return _error_page(request, 400, "Ogiltig begäran: " + "; ".join(
            f"{'.'.join(str(x) for x in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors()))

    @app.exception_handler(Exception)
    async def _internal_error(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s %s", request.method, request.url.path)
        return _error_page(request, 500, "Något gick fel i Hushåll. Felet är loggat; försök igen eller kontakta "
                                         "administratören.")

    return app
