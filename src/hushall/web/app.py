"""The FastAPI application: server-rendered pages (Jinja2 + htmx) and the same operations as a JSON API.

Everything the browser loads — CSS, htmx, charts — is served by the application itself: no CDN, no network.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http.cookies import SimpleCookie
from importlib import resources
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from hushall import __version__
from hushall.web.config import WebSettings
from hushall.web.db import make_engine, migrate, session_factory
from hushall.web.deps import AppState, CsrfFailed, NotAuthenticated, job_worker
from hushall.web.errors import (
    STATUS_MESSAGES,
    body_is_not_json,
    status_message,
    validation_messages,
    validation_problems,
)
from hushall.web.i18n import translate
from hushall.web.jobs import JobDispatcher
from hushall.web.rendering import page
from hushall.web.security import PRE_CSRF_COOKIE

log = logging.getLogger("hushall.web")

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
#: Sent with every response, whatever its type (pages, JSON, images, errors, the 413 answer).
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"), (b"x-frame-options", b"DENY"),
    (b"content-security-policy", CSP.encode()), (b"cross-origin-opener-policy", b"same-origin"),
)
#: Nothing a signed-in user sees may stay in the browser's cache (a shared computer, the back button after
#: logging out). Only the packaged static files and responses that say otherwise themselves are cached.
NO_STORE = (b"cache-control", b"no-store")


def forwarded_client(scope: dict[str, Any], headers: dict[str, str], trusted: tuple[str, ...]) -> tuple[str, bool]:
    """(the client's address, whether the request came over HTTPS).

    ``X-Forwarded-For`` and ``X-Forwarded-Proto`` count only when the connection comes from a trusted proxy;
    the client is then the nearest address in ``X-Forwarded-For`` that is not itself a trusted proxy.

    >>> forwarded_client({"client": ("127.0.0.1", 5), "scheme": "http"},
    ...                  {"x-forwarded-for": "203.0.113.9, 127.0.0.1", "x-forwarded-proto": "https"}, ("127.0.0.1",))
    ('203.0.113.9', True)
    >>> forwarded_client({"client": ("198.51.100.7", 5), "scheme": "http"},
    ...                  {"x-forwarded-for": "203.0.113.9", "x-forwarded-proto": "https"}, ("127.0.0.1",))
    ('198.51.100.7', False)
    """
    client = scope.get("client")
    peer = str(client[0]) if client else "?"
    https = scope.get("scheme") == "https"
    if peer not in trusted:
        return peer[:64], https
    proto = headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    https = https or proto == "https"
    for address in reversed([a.strip() for a in headers.get("x-forwarded-for", "").split(",")]):
        if address and address not in trusted:
            return address[:64], https
    return peer[:64], https


class ProtectionMiddleware:
    """Pure ASGI middleware: request body size limit, the client's address and scheme (through trusted
    proxies), the pre-login CSRF cookie and the security headers of every response."""

    def __init__(self, app: Any, max_body: int, secure_cookies: bool,
                 trusted_proxies: tuple[str, ...] = ()) -> None:
        self.app = app
        self.max_body = max_body
        self.secure = secure_cookies
        self.trusted = tuple(trusted_proxies)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        ip, https = forwarded_client(scope, headers, self.trusted)
        secure = self.secure or https
        static = scope.get("path", "").startswith("/static/")
        cookies = SimpleCookie()
        try:
            cookies.load(headers.get("cookie", ""))
        except Exception:  # a malformed cookie header is treated as no cookies
            cookies = SimpleCookie()
        pre = cookies[PRE_CSRF_COOKIE].value if PRE_CSRF_COOKIE in cookies else None
        new_pre = None
        if not pre or len(pre) < 20:
            pre = new_pre = secrets.token_urlsafe(32)
        scope.setdefault("state", {}).update(pre_csrf=pre, client_ip=ip, secure_cookies=secure)

        response_started = False

        async def send_with_headers(message: dict[str, Any]) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
                present = {k.lower() for k, _v in message.get("headers", [])}
                extra = [h for h in SECURITY_HEADERS if h[0] not in present]
                if not static and b"cache-control" not in present:
                    extra.append(NO_STORE)
                if new_pre:
                    attrs = "; Path=/; HttpOnly; SameSite=Strict" + ("; Secure" if secure else "")
                    extra.append((b"set-cookie", f"{PRE_CSRF_COOKIE}={new_pre}{attrs}".encode()))
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        declared = headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.max_body:
            await self._too_large(scope, send_with_headers)
            return

        received = 0

        async def limited_receive() -> Any:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge()
            return message

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLarge:
            if not response_started:
                await self._too_large(scope, send_with_headers)

    async def _too_large(self, scope: dict[str, Any], send: Any) -> None:
        text = f"Filen är för stor (högst {self.max_body // 2**20} MB)."
        if scope.get("path", "").startswith("/api/"):
            body, kind = json.dumps({"detail": text}, ensure_ascii=False).encode(), b"application/json"
        else:
            body, kind = text.encode(), b"text/plain; charset=utf-8"
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode())]})
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
            worker = app.dependency_overrides.get(job_worker, job_worker)()
            app_state.dispatcher = JobDispatcher(settings, app_state.factory, worker)
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
                       secure_cookies=settings.secure_cookies, trusted_proxies=settings.trusted_proxies)
    static_dir = str(resources.files("hushall.web").joinpath("static"))
    app.mount("/static", StaticFiles(directory=static_dir), name="static")

    from hushall.web.routes import admin, api, auth, data, pages, plans

    for router in (auth.router, pages.router, data.router, plans.router, admin.router, api.router,
                   api.docs_router):
        app.include_router(router)
    from hushall.web.routes import peers as peers_routes  # page Jämför (hushall.peers)
    app.include_router(peers_routes.router)
    from hushall.web.routes import followup as followup_routes  # page Uppföljning (hushall.followup)
    app.include_router(followup_routes.router)
    from hushall.web.routes import frontier as frontier_routes  # page Vad kostar valen? (study.frontier)
    app.include_router(frontier_routes.router)
    from hushall.web.routes import prioritize as prioritize_routes  # page Prioritera (hushall.web.prioritize)
    app.include_router(prioritize_routes.router)
    from hushall.web.routes import maps as map_routes  # the map of Behov and plans (hushall.reports.map)
    app.include_router(map_routes.router)

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

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = status_message(exc.status_code, exc.detail)
        if exc.status_code == 404 and _is_api(request) and message == STATUS_MESSAGES[404]:
            message = "Adressen finns inte i API:t. Se /api/docs."
        response = _error_page(request, exc.status_code, message)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        messages = validation_messages(errors)
        if _is_api(request):
            if body_is_not_json(errors, request.headers.get("content-type", "")):
                return JSONResponse({"detail": "Skicka innehållet som JSON (Content-Type: application/json)."},
                                    status_code=415)
            return JSONResponse({"detail": "Ogiltig begäran: " + " ".join(messages),
                                 "problems": validation_problems(errors)}, status_code=422)
        return _error_page(request, 400, "Ogiltig begäran: " + " ".join(messages))

    @app.exception_handler(Exception)
    async def _internal_error(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s %s", request.method, request.url.path)
        return _error_page(request, 500, "Något gick fel i Hushåll. Felet är loggat; försök igen eller kontakta "
                                         "administratören.")

    return app
